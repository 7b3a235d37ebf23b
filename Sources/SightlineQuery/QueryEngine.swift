/// The rows a query returned, with its columns and what running it cost.
///
/// Invariants: every row has `columns.count` values, in column order; `.datetime` values are
/// integer microseconds since the epoch (UTC), `.bool` values 0 or 1.
public struct QueryResult: Sendable, Equatable {
    public var columns: [ResultColumn]
    public var rows: [[SQLValue]]
    public var statistics: QueryStatistics

    public init(columns: [ResultColumn], rows: [[SQLValue]], statistics: QueryStatistics) {
        self.columns = columns
        self.rows = rows
        self.statistics = statistics
    }
}

/// What running one query cost.
public struct QueryStatistics: Sendable, Equatable {
    /// Events the backend read to answer (after index narrowing), as counted by the backend.
    public var rowsScanned: Int
    /// Rows in the result.
    public var rowsReturned: Int
    /// Wall time from the start of compilation to the last row, in milliseconds.
    public var elapsedMilliseconds: Double
    /// Whether rollup rows answered the query (`rowsScanned` then counts rollup rows).
    public var readRollups: Bool

    public init(rowsScanned: Int, rowsReturned: Int, elapsedMilliseconds: Double, readRollups: Bool = false) {
        self.rowsScanned = rowsScanned
        self.rowsReturned = rowsReturned
        self.elapsedMilliseconds = elapsedMilliseconds
        self.readRollups = readRollups
    }
}

/// A store that runs compiled queries: the one seam between the query language and a backend.
///
/// A backend names the dialect its queries are compiled with, and runs what that dialect
/// generated, binding ``CompiledQuery/parameters`` in order and returning at most
/// `query.rowLimit + 1` rows (one more than the limit tells the engine it was exceeded).
public protocol QueryExecutor: Sendable {
    /// The SQL dialect this backend runs.
    var queryDialect: any SQLDialect { get }

    /// Runs `query`, stopping it after `timeLimit`.
    ///
    /// - Throws: ``QueryError`` with code `timeLimitExceeded` when stopped; the backend's own
    ///   error type when the store fails.
    func execute(_ query: CompiledQuery, timeLimit: Duration) async throws -> QueryResult
}

/// Compiles and runs queries against one backend, within limits.
///
/// Invariants: a result never holds more than `maxRows` rows (more is an error, not a silent
/// truncation); a query never runs longer than `timeLimit` (it is interrupted in the backend).
///
/// ```swift
/// let engine = QueryEngine(executor: store, maxRows: 10_000, timeLimit: .seconds(10))
/// let result = try await engine.run("where status >= 500 | summarize count() by route", now: nowMicros)
/// ```
public struct QueryEngine: Sendable {
    public let executor: any QueryExecutor
    public let compiler: QueryCompiler
    /// Most rows one query may return.
    public let maxRows: Int
    /// Longest one query may run.
    public let timeLimit: Duration

    public init(executor: any QueryExecutor, compiler: QueryCompiler = QueryCompiler(), maxRows: Int = 10_000, timeLimit: Duration = .seconds(10)) {
        self.executor = executor
        self.compiler = compiler
        self.maxRows = maxRows
        self.timeLimit = timeLimit
    }

    /// Compiles `text` for the backend's dialect and runs it.
    ///
    /// - Parameters:
    ///   - from: inclusive start of the time window, µs since the epoch.
    ///   - to: exclusive end of the time window.
    ///   - now: what `now()` and `ago()` mean, µs since the epoch.
    ///   - exact: read raw events even when rollups could answer (exact percentiles, slower).
    /// - Throws: ``QueryError`` for a query that does not compile or exceeds a limit; the
    ///   backend's error when the store fails.
    public func run(_ text: String, from: Int64? = nil, to: Int64? = nil, now: Int64, exact: Bool = false) async throws -> QueryResult {
        let clock = ContinuousClock()
        let start = clock.now
        let compiled = try compiler.compile(text, now: now, options: CompileOptions(from: from, to: to, maxRows: maxRows, useRollups: !exact), dialect: executor.queryDialect)
        var result = try await executor.execute(compiled, timeLimit: timeLimit)
        if result.rows.count > maxRows {
            throw QueryError(
                code: .rowLimitExceeded,
                message: "the query returns more than \(maxRows) rows, the limit per query: add `| take N`, summarize, or narrow the time range")
        }
        let elapsed = clock.now - start
        result.statistics.rowsReturned = result.rows.count
        result.statistics.readRollups = compiled.readsRollups
        result.statistics.elapsedMilliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return result
    }
}
