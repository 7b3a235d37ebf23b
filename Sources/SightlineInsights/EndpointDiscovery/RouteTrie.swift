/// The learner's state machine: a trie over path segments per scope, stored in an arena.
///
/// Invariants:
/// - The live nodes form a forest: every live node is referenced exactly once, either from
///   `scopes` or from one parent's `children` / `wildcard`. Freed slots sit in `freeList`.
/// - `liveNodes <= configuration.maxNodes` and `trackedValues <= maxTrackedValuesTotal`;
///   `trackedValues` is the sum of `values.count` over live nodes.
/// - Per node, `values.count <= maxTrackedValuesPerNode`, and `children` only has keys that are
///   (or were when created) in `values`; evicting a value frees its child's subtree.
/// - A node's state only moves `open → saturated` or `open → collapsed`, never back.
/// - `template` never mutates; `observe` is the only writer.
struct RouteTrie: Sendable {
    struct Counter: Sendable, Equatable {
        /// Observed count (an over-estimate by at most `error` after space-saving eviction).
        var count: Int
        /// Count inherited from the evicted value this slot replaced.
        var error: Int
        var guaranteed: Int { count - error }
    }

    enum NodeState: String, Sendable {
        /// Counting distinct values exactly; may be collapsed by the live predicate.
        case open
        /// Value table filled without looking variable: it became a heavy-hitter table and
        /// the position stays literal.
        case saturated
        /// Permanently high-cardinality: value table is a space-saving heavy-hitter table.
        case collapsed
    }

    /// How the values routed to a position's placeholder look; picks `{name}` / `{slug}` /
    /// `{file}` / `{id}` by majority.
    struct Shapes: Sendable, Equatable {
        var id = 0, name = 0, slug = 0, file = 0
    }

    struct Node: Sendable {
        var children: [String: Int32] = [:]
        var wildcard: Int32 = -1
        var values: [String: Counter] = [:]
        var literalObservations = 0
        var rareValues = 0
        var state = NodeState.open
        var shapes = Shapes()
        var isLive = true
    }

    /// Values seen at most this often are "rare" for the collapse test.
    static let rareCountLimit = 3

    let configuration: RouteLearner.Configuration
    var nodes: [Node] = []
    var freeList: [Int32] = []
    var scopes: [String: Int32] = [:]
    var trackedValues = 0
    var liveNodes = 0

    init(configuration: RouteLearner.Configuration) {
        self.configuration = configuration
    }

    // MARK: - Decisions shared by observe and template

    func isCollapsed(at index: Int, depth: Int) -> Bool {
        guard depth >= configuration.minCollapseDepth else { return false }
        switch nodes[index].state {
        case .collapsed: return true
        case .saturated: return false
        case .open:
            return nodes[index].values.count >= configuration.minDistinctToCollapse
                && nodes[index].literalObservations >= configuration.minObservationsToCollapse
                && Double(nodes[index].rareValues) >= configuration.rareFractionToCollapse * Double(nodes[index].values.count)
        }
    }

    func isFixed(_ value: String, at index: Int) -> Bool {
        guard let counter = nodes[index].values[value] else { return false }
        let count = counter.guaranteed
        guard count >= configuration.minFixedCount else { return false }
        let share = RouteTrie.isCommonWord(value) ? configuration.commonWordShare : configuration.fixedShare
        return Double(count) >= share * Double(nodes[index].literalObservations)
    }

    static func isCommonWord(_ value: String) -> Bool {
        RouteVocabulary.commonRouteWords.contains(value)
            || (value.utf8.contains { $0 >= 65 && $0 <= 90 } && RouteVocabulary.commonRouteWords.contains(value.lowercased()))
    }

    func learnedPlaceholder(at index: Int) -> RoutePlaceholder {
        let s = nodes[index].shapes
        var best = (RoutePlaceholder.name, s.name)
        if s.slug > best.1 { best = (.slug, s.slug) }
        if s.file > best.1 { best = (.file, s.file) }
        if s.id > best.1 { best = (.id, s.id) }
        return best.0
    }

    /// For a segment at node `index`: the learned placeholder to render (nil = classifier's own
    /// rendering) and whether to descend along the literal edge (else the wildcard edge).
    func decide(at index: Int, depth: Int, segment: String, kind: SegmentKind) -> (learned: RoutePlaceholder?, literalEdge: Bool) {
        switch kind.role {
        case .placeholder:
            return (nil, false)
        case .weakIdentifier:
            return (isCollapsed(at: index, depth: depth) ? learnedPlaceholder(at: index) : nil, false)
        case .literalCandidate:
            if !isCollapsed(at: index, depth: depth) || isFixed(segment, at: index) { return (nil, true) }
            if kind == .literal, segment.utf8.contains(UInt8(ascii: ".")),
               RouteVocabulary.literalFileNames.contains(segment.lowercased()) {
                return (nil, true)   // robots.txt, favicon.ico… are routes wherever they appear
            }
            return (learnedPlaceholder(at: index), false)
        }
    }

    // MARK: - Read path

    func template(scope: String, segments: [String], kinds: [SegmentKind]) -> String {
        var output = ""
        output.reserveCapacity(64)
        var current: Int32 = scopes[scope] ?? -1
        for (depth, segment) in segments.enumerated() {
            let kind = kinds[depth]
            var learned: RoutePlaceholder?
            if current >= 0, depth < configuration.maxDepth {
                let index = Int(current)
                let decision = decide(at: index, depth: depth, segment: segment, kind: kind)
                learned = decision.learned
                if decision.literalEdge {
                    current = nodes[index].children[segment] ?? -1
                } else {
                    current = nodes[index].wildcard
                }
            } else {
                current = -1
            }
            output.append("/")
            output.append(RouteTemplater.render(segment, kind: kind, learned: learned))
        }
        return output.isEmpty ? "/" : output
    }

    // MARK: - Write path

    @discardableResult
    mutating func observe(scope: String, segments: [String], kinds: [SegmentKind]) -> String {
        var current: Int32 = scopes[scope] ?? -1
        if current < 0, let root = allocate() {
            scopes[scope] = root
            current = root
        }
        var output = ""
        output.reserveCapacity(64)
        for (depth, segment) in segments.enumerated() {
            let kind = kinds[depth]
            var learned: RoutePlaceholder?
            if current >= 0, depth < configuration.maxDepth {
                let index = Int(current)
                if kind.role == .literalCandidate { recordLiteral(segment, at: index, depth: depth) }
                recordShape(segment, kind: kind, at: index)
                let decision = decide(at: index, depth: depth, segment: segment, kind: kind)
                learned = decision.learned
                current = decision.literalEdge ? literalChild(of: index, segment: segment) : wildcardChild(of: index)
            } else {
                current = -1
            }
            output.append("/")
            output.append(RouteTemplater.render(segment, kind: kind, learned: learned))
        }
        return output.isEmpty ? "/" : output
    }

    private mutating func recordShape(_ segment: String, kind: SegmentKind, at index: Int) {
        switch kind.role {
        case .placeholder:
            return
        case .weakIdentifier:
            nodes[index].shapes.id += 1
        case .literalCandidate:
            if isFixed(segment, at: index) { return }
            if kind == .file {
                nodes[index].shapes.file += 1
            } else if segment.utf8.contains(UInt8(ascii: "-")) {
                nodes[index].shapes.slug += 1
            } else if SegmentClassifier.looksGenerated(segment) {
                nodes[index].shapes.id += 1
            } else {
                nodes[index].shapes.name += 1
            }
        }
    }

    private mutating func recordLiteral(_ value: String, at index: Int, depth: Int) {
        nodes[index].literalObservations += 1
        let isOpen = nodes[index].state == .open
        if var counter = nodes[index].values[value] {
            counter.count += 1
            if isOpen, counter.count == Self.rareCountLimit + 1 { nodes[index].rareValues -= 1 }
            nodes[index].values[value] = counter
            return
        }
        if isOpen {
            if nodes[index].values.count < configuration.maxTrackedValuesPerNode,
               trackedValues < configuration.maxTrackedValuesTotal {
                nodes[index].values[value] = Counter(count: 1, error: 0)
                nodes[index].rareValues += 1
                trackedValues += 1
                return
            }
            // The exact table is full: decide once, then keep only heavy hitters.
            let node = nodes[index]
            let variable = depth >= configuration.minCollapseDepth
                && node.values.count >= configuration.minDistinctToCollapse
                && Double(node.rareValues) >= configuration.rareFractionToCollapse * Double(node.values.count)
            nodes[index].state = variable ? .collapsed : .saturated
        }
        insertHeavyHitter(value, at: index)
    }

    /// Space-saving insert: take a free slot, or replace the minimum-count value and inherit
    /// its count as error (so `guaranteed` never over-states a value's frequency).
    private mutating func insertHeavyHitter(_ value: String, at index: Int) {
        if nodes[index].values.count < configuration.maxTrackedValuesPerNode,
           trackedValues < configuration.maxTrackedValuesTotal {
            nodes[index].values[value] = Counter(count: 1, error: 0)
            trackedValues += 1
            return
        }
        var victim: String?
        var minimum = Int.max
        for (key, counter) in nodes[index].values where counter.count < minimum {
            minimum = counter.count
            victim = key
        }
        guard let victim else { return }
        nodes[index].values.removeValue(forKey: victim)
        if let child = nodes[index].children.removeValue(forKey: victim) { freeSubtree(child) }
        nodes[index].values[value] = Counter(count: minimum + 1, error: minimum)
    }

    private mutating func literalChild(of index: Int, segment: String) -> Int32 {
        if let child = nodes[index].children[segment] { return child }
        guard nodes[index].values[segment] != nil, let child = allocate() else { return -1 }
        nodes[index].children[segment] = child
        return child
    }

    private mutating func wildcardChild(of index: Int) -> Int32 {
        if nodes[index].wildcard >= 0 { return nodes[index].wildcard }
        guard let child = allocate() else { return -1 }
        nodes[index].wildcard = child
        return child
    }

    // MARK: - Arena

    private mutating func allocate() -> Int32? {
        guard liveNodes < configuration.maxNodes else { return nil }
        liveNodes += 1
        if let slot = freeList.popLast() {
            nodes[Int(slot)] = Node()
            return slot
        }
        nodes.append(Node())
        return Int32(nodes.count - 1)
    }

    private mutating func freeSubtree(_ root: Int32) {
        var stack = [root]
        while let index = stack.popLast() {
            let node = nodes[Int(index)]
            stack.append(contentsOf: node.children.values)
            if node.wildcard >= 0 { stack.append(node.wildcard) }
            trackedValues -= node.values.count
            liveNodes -= 1
            nodes[Int(index)] = Node(isLive: false)
            freeList.append(index)
        }
    }

    /// Approximate when `minCollapseDepth > 1`: only scope roots are treated as shallow.
    var statistics: RouteLearner.Statistics {
        let roots = Set(scopes.values)
        return RouteLearner.Statistics(
            nodeCount: liveNodes,
            trackedValueCount: trackedValues,
            scopeCount: scopes.count,
            collapsedPositionCount: nodes.indices.lazy.filter { index in
                nodes[index].isLive && !roots.contains(Int32(index))
                    && isCollapsed(at: index, depth: configuration.minCollapseDepth)
            }.count
        )
    }
}

extension RouteTrie.Node {
    init(isLive: Bool) {
        self.init()
        self.isLive = isLive
    }
}
