/// A persisted ``RouteLearner`` state.
///
/// Invariants:
/// - `nodes` form a forest rooted at `scopes`: every node index is referenced exactly once,
///   from `scopes` or from one parent's `children` / `wildcard`. Indices are positions in
///   `nodes` (pre-order, so a snapshot of the same state is always identical).
/// - Counters are non-negative, `error <= count`, and sizes respect `configuration`.
/// - ``RouteLearner/init(restoring:)`` checks all of this and throws ``InsightsError`` instead
///   of trusting the input.
///
/// ```swift
/// let data = try JSONEncoder().encode(learner.snapshot())
/// let restored = try RouteLearner(restoring: JSONDecoder().decode(RouteLearnerSnapshot.self, from: data))
/// ```
public struct RouteLearnerSnapshot: Codable, Sendable, Equatable {
    /// The format version this build writes and the newest it reads.
    public static let currentFormatVersion = 1

    /// Format version of this snapshot.
    public var formatVersion: Int
    /// Configuration the state was learned with.
    public var configuration: RouteLearner.Configuration
    /// Scope key (service, or service + NUL + method) → root node index.
    public var scopes: [String: Int]
    /// The trie nodes.
    public var nodes: [Node]

    /// One trie position.
    public struct Node: Codable, Sendable, Equatable {
        /// Literal segment → child node index.
        public var children: [String: Int]
        /// Child for identifiers and collapsed values, if any.
        public var wildcard: Int?
        /// Tracked literal values with their counts.
        public var values: [String: ValueCount]
        /// Literal observations at this position.
        public var literalObservations: Int
        /// Tracked values seen at most `RouteLearner.rareCountLimit` times (while `open`).
        public var rareValues: Int
        /// `open`, `saturated` or `collapsed`.
        public var state: String
        /// Observations routed to the placeholder, by shape: id, name, slug, file.
        public var shapes: [Int]
    }

    /// A value's count; `error` is the over-count bound inherited on heavy-hitter eviction.
    public struct ValueCount: Codable, Sendable, Equatable {
        public var count: Int
        public var error: Int
    }

    init(trie: RouteTrie) {
        formatVersion = Self.currentFormatVersion
        configuration = trie.configuration
        var records: [Node] = []
        var newScopes: [String: Int] = [:]
        // Pre-order with sorted keys, so equal states give equal snapshots.
        func emit(_ index: Int32) -> Int {
            let node = trie.nodes[Int(index)]
            let position = records.count
            records.append(Node(
                children: [:], wildcard: nil,
                values: node.values.mapValues { ValueCount(count: $0.count, error: $0.error) },
                literalObservations: node.literalObservations, rareValues: node.rareValues,
                state: node.state.rawValue,
                shapes: [node.shapes.id, node.shapes.name, node.shapes.slug, node.shapes.file]))
            var children: [String: Int] = [:]
            for key in node.children.keys.sorted() {
                children[key] = emit(node.children[key]!)
            }
            records[position].children = children
            if node.wildcard >= 0 { records[position].wildcard = emit(node.wildcard) }
            return position
        }
        for key in trie.scopes.keys.sorted() {
            newScopes[key] = emit(trie.scopes[key]!)
        }
        scopes = newScopes
        nodes = records
    }

    func makeTrie() throws(InsightsError) -> RouteTrie {
        guard formatVersion >= 1, formatVersion <= Self.currentFormatVersion else {
            throw InsightsError(
                code: .unsupportedSnapshotVersion,
                message: "Route learner snapshot has format version \(formatVersion); this build reads 1...\(Self.currentFormatVersion). Upgrade Sightline or delete the snapshot to relearn routes.")
        }
        let configuration = configuration.clamped()
        guard configuration == self.configuration else {
            throw invalid("its configuration has out-of-range values")
        }
        guard nodes.count <= configuration.maxNodes else {
            throw invalid("it has \(nodes.count) nodes, more than maxNodes (\(configuration.maxNodes))")
        }
        var referenced = [Bool](repeating: false, count: nodes.count)
        func claim(_ index: Int) throws(InsightsError) -> Int32 {
            guard index >= 0, index < nodes.count else { throw invalid("a node reference (\(index)) is out of range") }
            guard !referenced[index] else { throw invalid("node \(index) is referenced more than once") }
            referenced[index] = true
            return Int32(index)
        }
        var trie = RouteTrie(configuration: configuration)
        for (key, index) in scopes { trie.scopes[key] = try claim(index) }
        for (position, record) in nodes.enumerated() {
            guard let state = RouteTrie.NodeState(rawValue: record.state) else {
                throw invalid("node \(position) has unknown state")
            }
            guard record.shapes.count == 4, record.shapes.allSatisfy({ $0 >= 0 }),
                  record.literalObservations >= 0, record.rareValues >= 0,
                  record.rareValues <= record.values.count,
                  record.values.count <= configuration.maxTrackedValuesPerNode,
                  record.values.values.allSatisfy({ $0.count >= 1 && $0.error >= 0 && $0.error < $0.count })
            else {
                throw invalid("node \(position) has inconsistent counters")
            }
            var node = RouteTrie.Node()
            node.state = state
            node.literalObservations = record.literalObservations
            node.rareValues = record.rareValues
            node.shapes = RouteTrie.Shapes(id: record.shapes[0], name: record.shapes[1], slug: record.shapes[2], file: record.shapes[3])
            node.values = record.values.mapValues { RouteTrie.Counter(count: $0.count, error: $0.error) }
            for (key, child) in record.children {
                node.children[key] = try claim(child)
            }
            if let wildcard = record.wildcard { node.wildcard = try claim(wildcard) }
            trie.trackedValues += node.values.count
            trie.nodes.append(node)
        }
        guard referenced.allSatisfy({ $0 }) else { throw invalid("some nodes are unreachable") }
        guard trie.trackedValues <= configuration.maxTrackedValuesTotal else {
            throw invalid("it tracks more values than maxTrackedValuesTotal")
        }
        trie.liveNodes = nodes.count
        return trie
    }

    private func invalid(_ reason: String) -> InsightsError {
        InsightsError(
            code: .invalidSnapshot,
            message: "Route learner snapshot is invalid: \(reason). Delete the snapshot file to relearn routes from new traffic.")
    }
}
