/// Turns a checked `QueryPlan` into SQL text and bound parameters for one database.
///
/// Invariants a conforming dialect keeps: every `.literal` in the plan is emitted as a
/// placeholder and appended to `parameters` in placeholder order; identifiers come only
/// from the plan (catalogue columns, validated aliases, generated `__sl_N` aliases) and are
/// quoted; JSON paths and other user-derived strings are bound, never inlined. All
/// database-specific choices (function names, JSON access, percentile strategy, grouping
/// syntax) live in the dialect.
///
/// `SQLiteDialect` is the embedded default; a ClickHouse dialect plugs in the same way.
public protocol SQLDialect: Sendable {
    /// Renders the plan.
    ///
    /// - Parameter plan: a plan produced by `QueryCompiler.plan(_:now:options:)`.
    /// - Returns: the SQL, its parameters and result columns.
    func generate(_ plan: QueryPlan) -> CompiledQuery
}

/// Accumulates SQL text and its parameters in placeholder order.
struct SQLBuilder {
    var sql = ""
    var parameters: [SQLValue] = []

    mutating func append(_ text: String) { sql += text }

    mutating func bind(_ value: SQLValue) {
        sql += "?"
        parameters.append(value)
    }

    /// Double-quotes an alias; the planner has already validated it, this is a second guard.
    static func quoted(_ alias: String) -> String {
        var safe = ""
        for scalar in alias.unicodeScalars {
            let ok = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
            safe.unicodeScalars.append(ok ? scalar : "_")
        }
        if safe.isEmpty { safe = "_" }
        return "\"" + safe + "\""
    }
}
