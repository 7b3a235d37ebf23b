/// A query compiled to SQL for one dialect.
///
/// Invariants: `parameters.count` equals the number of `?` placeholders in `sql`, in order;
/// `sql` contains no text from the query except validated column aliases; `columns` lists
/// the result columns in `SELECT` order (hidden helper columns are never in the outermost
/// select). The outermost `LIMIT` is at most `rowLimit + 1`, so the executor detects
/// truncation by receiving more than `rowLimit` rows.
public struct CompiledQuery: Sendable, Equatable {
    /// The SQL statement, with `?` placeholders.
    public let sql: String
    /// Values for the placeholders, in order.
    public let parameters: [SQLValue]
    /// Result columns in order.
    public let columns: [ResultColumn]
    /// The `maxRows` the query was compiled with; more rows than this means "truncated".
    public let rowLimit: Int
    /// Whether the query reads rollup tables rather than raw events (``RollupRouting``).
    public let readsRollups: Bool

    public init(sql: String, parameters: [SQLValue], columns: [ResultColumn], rowLimit: Int, readsRollups: Bool = false) {
        self.readsRollups = readsRollups
        self.sql = sql
        self.parameters = parameters
        self.columns = columns
        self.rowLimit = rowLimit
    }
}

/// A column of a query result.
///
/// Invariant: `sqlAlias` matches `[A-Za-z_][A-Za-z0-9_]*` and is what the SQL names the
/// column; `name` is what users see and write in later stages (currently equal to the alias).
public struct ResultColumn: Sendable, Equatable {
    public let name: String
    public let sqlAlias: String
    /// `.datetime` values are integer microseconds since the epoch; `.bool` values are 0/1.
    public let type: ColumnType

    public init(name: String, sqlAlias: String? = nil, type: ColumnType) {
        self.name = name
        self.sqlAlias = sqlAlias ?? name
        self.type = type
    }
}

/// Options for one compilation.
///
/// Invariants: `maxRows > 0`; `from`/`to` are microseconds since the epoch (UTC) and are
/// applied to the innermost `WHERE` as `ts >= from AND ts < to`.
public struct CompileOptions: Sendable, Equatable {
    /// Inclusive lower bound of the time window, if any.
    public var from: Int64?
    /// Exclusive upper bound of the time window, if any.
    public var to: Int64?
    /// Most rows the caller wants; the SQL fetches at most `maxRows + 1`.
    public var maxRows: Int
    /// Whether summaries may be answered from rollups (exact counts, percentiles within 1 %);
    /// `false` always reads raw events (exact percentiles).
    public var useRollups: Bool

    public init(from: Int64? = nil, to: Int64? = nil, maxRows: Int = 10_000, useRollups: Bool = true) {
        self.useRollups = useRollups
        self.from = from
        self.to = to
        self.maxRows = maxRows
    }
}
