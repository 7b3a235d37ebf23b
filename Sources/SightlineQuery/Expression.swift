/// A parsed (untyped) expression with its source span.
///
/// Invariants: `depth` is the height of the tree (a leaf has depth 1); the parser rejects
/// trees deeper than `QueryLimits.maxNestingDepth`, so recursive walks are bounded.
/// `and`/`or` chains are flattened into one node with many operands.
struct Expression: Sendable {
    indirect enum Kind: Sendable {
        /// A field or column name: dotted segments plus optional `["key"]` segments.
        case name(String, bracketKeys: [String])
        case string(String)
        case integer(Int64)
        case real(Double)
        case bool(Bool)
        case timespan(Int64)
        case datetime(Int64)
        case negate(Expression)
        case binary(BinaryOperator, Expression, Expression, operatorSpan: SourceSpan)
        case logical(isAnd: Bool, [Expression])
        case inList(Expression, [Expression], negated: Bool, operatorSpan: SourceSpan)
        case between(Expression, Expression, Expression, negated: Bool, operatorSpan: SourceSpan)
        case call(name: String, nameSpan: SourceSpan, arguments: [Expression])
    }

    var kind: Kind
    var span: SourceSpan
    var depth: Int
}

/// Binary operators with their query spelling.
enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case equalIgnoringCase = "=~", notEqualIgnoringCase = "!~"
    case has, notHas = "!has", contains, notContains = "!contains"
    case startsWith = "startswith", notStartsWith = "!startswith"
    case endsWith = "endswith", notEndsWith = "!endswith"
    case matchesRegex = "matches regex"

    var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide, .modulo: return true
        default: return false
        }
    }

    /// Word operators that may follow an expression (used for parsing and suggestions).
    static let wordOperators: [String: BinaryOperator] = [
        "has": .has, "contains": .contains, "startswith": .startsWith, "endswith": .endsWith,
    ]
    static let negatedWordOperators: [String: BinaryOperator] = [
        "has": .notHas, "contains": .notContains, "startswith": .notStartsWith, "endswith": .notEndsWith,
    ]
}

/// One stage of a parsed pipeline.
struct QueryStage: Sendable {
    enum Kind: Sendable {
        case filter(Expression)
        /// A free-text search: every term must occur in path, route or error message.
        case search([SearchTerm])
        case summarize(aggregates: [NamedExpression], by: [NamedExpression])
        case sort([SortItem])
        case take(Int64, countSpan: SourceSpan)
        case top(Int64, countSpan: SourceSpan, SortItem)
        case project([NamedExpression])
        case extend([NamedExpression])
    }

    var kind: Kind
    /// Span of the operator keyword.
    var keywordSpan: SourceSpan
    var keyword: String
}

struct SearchTerm: Sendable {
    var text: String
    var span: SourceSpan
}

struct NamedExpression: Sendable {
    var name: String?
    var nameSpan: SourceSpan?
    var expression: Expression
}

struct SortItem: Sendable {
    var expression: Expression
    var descending: Bool
}
