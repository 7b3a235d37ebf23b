import Dispatch
import GRDB
import GRDBSQLite
import SightlineQuery
import SightlineStorage

/// Runs compiled queries of the query language on a reader connection.
///
/// Invariants:
/// - The statement is prepared from the dialect's SQL, never cached (queries are one-off), and
///   every value is bound from ``CompiledQuery/parameters``.
/// - A query runs on a reader of the pool, so it never blocks the write path; SQLite's progress
///   handler interrupts it at its deadline.
/// - At most `rowLimit + 1` rows are read.
extension SQLiteEventStore: QueryExecutor {
    public var queryDialect: any SQLDialect { SQLiteDialect(countsScannedRows: true, routesToRollups: true) }

    public func execute(_ query: CompiledQuery, timeLimit: Duration) async throws -> QueryResult {
        let deadline = DispatchTime.now().uptimeNanoseconds &+ UInt64(max(0, timeLimit / .nanoseconds(1)))
        let outcome: QueryOutcome = try await read("run a query on") { db in
            try Self.run(query, deadline: deadline, in: db)
        }
        switch outcome {
        case .rows(let result):
            return result
        case .interrupted:
            throw QueryError(
                code: .timeLimitExceeded,
                message: "the query ran longer than \(timeLimit), the limit per query, and was stopped: narrow the time range, filter on an indexed field (service, route, status, consumer) first, or summarize")
        }
    }

    private enum QueryOutcome: Sendable {
        case rows(QueryResult)
        case interrupted
    }

    private static func run(_ query: CompiledQuery, deadline: UInt64, in db: Database) throws -> QueryOutcome {
        let connection = db.sqliteConnection
        // `sl_scanned()` through the C API: a counter bump per row read, no allocation.
        let scanned = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        scanned.initialize(to: 0)
        sqlite3_create_function_v2(connection, "sl_scanned", 0, SQLITE_UTF8, scanned, { context, _, _ in
            if let counter = sqlite3_user_data(context) {
                counter.assumingMemoryBound(to: Int.self).pointee += 1
            }
            sqlite3_result_int(context, 1)
        }, nil, nil, nil)
        let deadlinePointer = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        deadlinePointer.initialize(to: deadline)
        sqlite3_progress_handler(connection, 10_000, { context in
            guard let context else { return 0 }
            return DispatchTime.now().uptimeNanoseconds > context.load(as: UInt64.self) ? 1 : 0
        }, deadlinePointer)
        defer {
            sqlite3_progress_handler(connection, 0, nil, nil)
            sqlite3_create_function_v2(connection, "sl_scanned", 0, SQLITE_UTF8, nil, nil, nil, nil, nil)
            deadlinePointer.deallocate()
            scanned.deallocate()
        }

        let statement = try db.makeStatement(sql: query.sql)
        let handle = statement.sqliteStatement
        let bound = BoundValue.bind(query.parameters.map(BoundValue.init), to: handle)
        guard bound == SQLITE_OK else { throw db.error(bound) }
        let columnCount = Int(sqlite3_column_count(handle))
        guard columnCount == query.columns.count else {
            throw DatabaseError(resultCode: .SQLITE_ERROR, message: "the compiled query selects \(columnCount) columns for \(query.columns.count) result columns")
        }
        var rows: [[SQLValue]] = []
        while rows.count <= query.rowLimit {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            if code == SQLITE_INTERRUPT { return .interrupted }
            guard code == SQLITE_ROW else { throw db.error(code) }
            var row: [SQLValue] = []
            row.reserveCapacity(columnCount)
            for index in 0..<CInt(columnCount) {
                row.append(Self.value(handle, index))
            }
            rows.append(row)
        }
        sqlite3_reset(handle)
        return .rows(QueryResult(
            columns: query.columns, rows: rows,
            statistics: QueryStatistics(rowsScanned: scanned.pointee, rowsReturned: rows.count, elapsedMilliseconds: 0)))
    }

    private static func value(_ statement: SQLiteStatement, _ index: CInt) -> SQLValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER:
            return .int(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(statement, index))
        case SQLITE_NULL:
            return .null
        default:
            let bytes = RawRead.bytes(statement, index)
            return .text(String(decoding: bytes, as: UTF8.self))
        }
    }
}

extension BoundValue {
    init(_ value: SQLValue) {
        switch value {
        case .null: self = .null
        case .int(let integer): self = .integer(integer)
        case .real(let real): self = .real(real)
        case .text(let text): self = .text(text)
        }
    }
}
