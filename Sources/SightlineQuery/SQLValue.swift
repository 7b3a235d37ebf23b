/// A value bound to a `?` placeholder of a compiled query.
///
/// Invariant: every value that came from the query text reaches the database only as an
/// `SQLValue` parameter, never as SQL text.
public enum SQLValue: Sendable, Equatable, Hashable, CustomStringConvertible {
    case null
    case int(Int64)
    case real(Double)
    case text(String)

    public var description: String {
        switch self {
        case .null: return "NULL"
        case .int(let value): return String(value)
        case .real(let value): return String(value)
        case .text(let value): return "\"" + value + "\""
        }
    }
}
