/// A type-checked, dialect-neutral query plan: nested `SELECT` blocks over `events`.
///
/// Invariants: every name is resolved (catalogue storage, validated alias or generated
/// hidden alias); every user value is a `.literal`; the outermost block has a limit of at
/// most `rowLimit + 1`. A `SQLDialect` turns a plan into SQL text without further checks.
public struct QueryPlan: Sendable {
    let root: SelectBlock
    /// Result columns of the outermost block.
    public let columns: [ResultColumn]
    /// The caller's `maxRows`.
    public let rowLimit: Int
    /// Whether a dialect may answer from rollups (``CompileOptions/useRollups``).
    let allowsRollups: Bool
}

/// The internal type of an expression (a superset of `ColumnType`).
enum ExpressionType: Sendable, Equatable {
    case string, int, real, bool, datetime, dynamic
    /// A duration constant in microseconds; used as milliseconds in numeric context.
    case timespan

    var isNumeric: Bool { self == .int || self == .real }

    var columnType: ColumnType {
        switch self {
        case .string: return .string
        case .int: return .int
        case .real, .timespan: return .real
        case .bool: return .bool
        case .datetime: return .datetime
        case .dynamic: return .dynamic
        }
    }

    init(_ type: ColumnType) {
        switch type {
        case .string: self = .string
        case .int: self = .int
        case .real: self = .real
        case .bool: self = .bool
        case .datetime: self = .datetime
        case .dynamic: self = .dynamic
        }
    }

    /// "a number", "a string", ... for messages.
    var phrase: String {
        switch self {
        case .string: return "a string"
        case .int, .real: return "a number"
        case .bool: return "a boolean"
        case .datetime: return "a datetime"
        case .dynamic: return "a dynamic value"
        case .timespan: return "a duration"
        }
    }
}

enum ArithmeticOperator: String, Sendable { case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%" }
enum ComparisonOperator: String, Sendable { case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual }
enum StringMatch: String, Sendable { case contains, startsWith, endsWith, has }

enum AggregateFunction: Sendable, Equatable {
    case count, countIf, distinctCount, sum, average, minimum, maximum
    /// Exact percentile with `p` in 0...100 (see `SQLiteDialect` for the definition).
    case percentile(Double)
    /// `count()` over rollup rows: the sum of their counts, 0 for none (as `COUNT(*)`).
    case rollupCount
    /// A percentile (0…100) of merged latency sketches (rollup rows), see ``RollupRouting``.
    case sketchQuantile(Double)
}

/// A typed expression of the plan.
struct PlanExpression: Sendable {
    indirect enum Kind: Sendable {
        /// A physical column of `events`.
        case column(String)
        /// A value inside the JSON document, addressed by object keys.
        case json([String])
        /// A column of the block's subquery, or an output alias of the same block (ORDER BY).
        case outputRef(String)
        case literal(SQLValue)
        case arithmetic(ArithmeticOperator, PlanExpression, PlanExpression)
        case negate(PlanExpression)
        /// Milliseconds between two datetimes (`a - b`), as a real.
        case millisecondsBetween(PlanExpression, PlanExpression)
        case compare(ComparisonOperator, PlanExpression, PlanExpression)
        case equalIgnoringCase(PlanExpression, PlanExpression)
        case inList(PlanExpression, [PlanExpression], negated: Bool)
        case between(PlanExpression, PlanExpression, PlanExpression, negated: Bool)
        /// Case-insensitive match against a constant needle.
        case stringMatch(StringMatch, PlanExpression, String)
        case regex(PlanExpression, pattern: String)
        case isNull(PlanExpression, negated: Bool)
        case and([PlanExpression])
        case or([PlanExpression])
        /// Logical negation; with `nullAsFalse` a NULL operand counts as false (so NOT gives true).
        case not(PlanExpression, nullAsFalse: Bool)
        /// Rounds down to a multiple of the span (a literal).
        case bin(PlanExpression, SQLValue)
        case aggregate(AggregateFunction, PlanExpression?)
        /// A dynamic value as text.
        case asText(PlanExpression)
        /// A dynamic value as a number, NULL unless it is a JSON number.
        case asNumber(PlanExpression)
    }

    var kind: Kind
    var type: ExpressionType
    var nullable: Bool
    /// Number of nodes, used to bound inlining.
    var size: Int
    var containsAggregate: Bool

    var literalValue: SQLValue? {
        if case .literal(let value) = kind { return value }
        return nil
    }
}

struct SelectItem: Sendable {
    var alias: String
    var expression: PlanExpression
}

struct OrderItem: Sendable {
    var expression: PlanExpression
    var descending: Bool
}

/// One `SELECT` of the plan.
struct SelectBlock: Sendable {
    indirect enum Source: Sendable {
        case events
        case subquery(SelectBlock)
        /// A rollup table (`rollup_minute` or `rollup_hour`), see ``RollupRouting``.
        case rollups(String)
    }

    var source: Source
    var selections: [SelectItem]
    var filters: [PlanExpression]
    /// The first `groupCount` selections are the grouping keys (when `isAggregate`).
    var groupCount: Int
    var isAggregate: Bool
    var order: [OrderItem]
    var limit: Int64?
}
