extension RouteLearner {
    /// Tuning and memory limits of a ``RouteLearner``.
    ///
    /// Invariants: after ``clamped()`` every count is ≥ 1 (≥ 0 for `minFixedCount`) and every
    /// share/fraction lies in `0...1`. The learner only ever uses clamped values.
    ///
    /// Memory bound: at most `maxNodes` trie nodes and at most `maxTrackedValuesTotal` stored
    /// literal values (each ≤ ``RouteTemplater/maxLiteralLength`` bytes), with at most
    /// `maxTrackedValuesPerNode` values and `maxTrackedValuesPerNode + 1` children per node.
    /// With the defaults that is roughly 50k nodes × ~150 B + 100k values × (≤ 160 B key +
    /// ~100 B table overhead) + ≤ 100k child entries ≈ 40 MB worst case; the 16-style labelled
    /// workload in the tests learns ~250 nodes / ~900 values (a few hundred KB).
    ///
    /// ```swift
    /// var configuration = RouteLearner.Configuration()
    /// configuration.maxNodes = 10_000
    /// let learner = RouteLearner(configuration: configuration)
    /// ```
    public struct Configuration: Sendable, Codable, Equatable {
        /// Hard cap on trie nodes across all services; new branches stop being learned once
        /// reached (templates still work, using classification only below the known prefix).
        public var maxNodes: Int = 50_000
        /// Distinct literal values counted per position (exact counts until full, then a
        /// space-saving heavy-hitter table of this size once the position collapsed).
        public var maxTrackedValuesPerNode: Int = 64
        /// Hard cap on stored literal values across all positions.
        public var maxTrackedValuesTotal: Int = 100_000
        /// Positions deeper than this many segments are templated by classification only.
        public var maxDepth: Int = 32
        /// A position needs at least this many distinct literal values to collapse.
        public var minDistinctToCollapse: Int = 8
        /// A position needs at least this many literal observations to collapse.
        public var minObservationsToCollapse: Int = 16
        /// A position collapses when at least this fraction of its distinct values are *rare*
        /// (seen at most ``RouteLearner/rareCountLimit`` times): a long tail of one-offs marks
        /// a variable position, while fixed route names keep being repeated.
        public var rareFractionToCollapse: Double = 0.5
        /// Positions shallower than this never collapse. The default 1 keeps the first segment
        /// literal (`/orders`, `/health`), so scanner noise can never turn `/{name}` into a route;
        /// set 0 for APIs whose first segment is a tenant slug.
        public var minCollapseDepth: Int = 1
        /// A literal under a collapsed position stays fixed only if seen at least this often.
        public var minFixedCount: Int = 5
        /// …and if it accounts for at least this share of the position's literal traffic.
        public var fixedShare: Double = 0.10
        /// Lower share for common API words (`me`, `search`, `export`, …).
        public var commonWordShare: Double = 0.01
        /// Learn one trie per (service, method) instead of one per service. Off by default:
        /// sharing a trie across methods gives each position more evidence.
        public var partitionByMethod: Bool = false

        /// Creates the default configuration.
        public init() {}

        /// A copy with every field forced into its valid range.
        public func clamped() -> Configuration {
            var c = self
            c.maxNodes = max(1, min(c.maxNodes, Int(Int32.max)))
            c.maxTrackedValuesPerNode = max(1, c.maxTrackedValuesPerNode)
            c.maxTrackedValuesTotal = max(0, c.maxTrackedValuesTotal)
            c.maxDepth = max(1, c.maxDepth)
            c.minCollapseDepth = max(0, c.minCollapseDepth)
            c.minDistinctToCollapse = max(2, c.minDistinctToCollapse)
            c.minObservationsToCollapse = max(1, c.minObservationsToCollapse)
            c.rareFractionToCollapse = Self.unit(c.rareFractionToCollapse)
            c.minFixedCount = max(0, c.minFixedCount)
            c.fixedShare = Self.unit(c.fixedShare)
            c.commonWordShare = Self.unit(c.commonWordShare)
            return c
        }

        private static func unit(_ value: Double) -> Double {
            value.isNaN ? 0 : min(1, max(0, value))
        }
    }

    /// Size of the learned state, for metrics (`sightline_insights_route_nodes` etc.).
    public struct Statistics: Sendable, Equatable {
        /// Trie nodes in use.
        public var nodeCount: Int
        /// Literal values stored across all positions.
        public var trackedValueCount: Int
        /// Learned scopes (services, or service+method pairs).
        public var scopeCount: Int
        /// Positions currently treated as high-cardinality.
        public var collapsedPositionCount: Int
    }
}
