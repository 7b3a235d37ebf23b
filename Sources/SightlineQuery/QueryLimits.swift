/// Limits that keep hostile or runaway queries from exhausting the server.
///
/// Invariants: every limit is checked before the work it protects (length before lexing,
/// depth while parsing), and exceeding one is a `QueryError` with code `.tooComplex`,
/// never a crash or stack overflow.
public struct QueryLimits: Sendable, Equatable {
    /// Maximum query size in UTF-8 bytes.
    public var maxQueryBytes: Int
    /// Maximum number of tokens.
    public var maxTokens: Int
    /// Maximum expression nesting depth (parentheses, operators, function calls).
    public var maxNestingDepth: Int
    /// Maximum number of values in `in (...)` and of operands in one `and`/`or` chain.
    public var maxListLength: Int
    /// Maximum number of pipeline stages.
    public var maxStages: Int
    /// Maximum number of nodes in a planned expression after inlining `extend` columns.
    public var maxPlanNodes: Int

    /// Creates limits; the defaults suit interactive use.
    ///
    /// - Parameters:
    ///   - maxQueryBytes: default 64 KiB.
    ///   - maxTokens: default 16 384.
    ///   - maxNestingDepth: default 64.
    ///   - maxListLength: default 1 000.
    ///   - maxStages: default 64.
    ///   - maxPlanNodes: default 20 000.
    public init(
        maxQueryBytes: Int = 65_536,
        maxTokens: Int = 16_384,
        maxNestingDepth: Int = 64,
        maxListLength: Int = 1_000,
        maxStages: Int = 64,
        maxPlanNodes: Int = 20_000
    ) {
        self.maxQueryBytes = maxQueryBytes
        self.maxTokens = maxTokens
        self.maxNestingDepth = maxNestingDepth
        self.maxListLength = maxListLength
        self.maxStages = maxStages
        self.maxPlanNodes = maxPlanNodes
    }
}
