/// A dictionary with a hard cap on its number of keys, evicting the least recently used.
///
/// When an insertion would exceed `capacity`, the least recently touched quarter is dropped in
/// one pass (O(n log n) every n/4 insertions, so O(log n) amortised). Recency is a counter
/// bumped on each access, so eviction is deterministic for a deterministic access order.
struct BoundedTable<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Slot: Sendable {
        var value: Value
        var touch: UInt64
    }
    private var storage: [Key: Slot] = [:]
    let capacity: Int
    private var clock: UInt64 = 0
    /// Keys dropped by eviction so far.
    private(set) var evictions: Int = 0

    init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
    }

    var count: Int { storage.count }

    /// Runs `body` on the value for `key`, creating it with `make` first when absent.
    @inline(__always)
    mutating func update<R>(_ key: Key, make: @autoclosure () -> Value, _ body: (inout Value) -> R) -> R {
        clock &+= 1
        if storage.count >= capacity, storage[key] == nil { evict() }
        let now = clock
        return Self.touch(&storage[key, default: Slot(value: make(), touch: now)], now, body)
    }

    @inline(__always)
    private static func touch<R>(_ slot: inout Slot, _ now: UInt64, _ body: (inout Value) -> R) -> R {
        slot.touch = now
        return body(&slot.value)
    }

    func peek(_ key: Key) -> Value? { storage[key]?.value }

    /// Values in no particular order (callers sort when order matters).
    var values: some Collection<Value> { storage.values.lazy.map(\.value) }

    private mutating func evict() {
        let keep = capacity * 3 / 4
        let drop = storage.count - keep
        guard drop > 0 else { return }
        var touches = storage.values.map(\.touch)
        touches.sort()
        let cutoff = touches[drop - 1]
        storage = storage.filter { $0.value.touch > cutoff }
        evictions += drop
    }
}

/// The last few event ids seen for one key: the bounded evidence list of a detection.
struct EvidenceRing: Sendable {
    private var ids: [String] = []
    private var next = 0

    @inline(__always)
    mutating func append(_ id: String?, limit: Int) {
        guard let id, limit > 0 else { return }
        if ids.count < limit {
            ids.append(id)
        } else {
            ids[next] = id
            next = (next + 1) % limit
        }
    }

    /// Oldest first.
    var ordered: [String] { Array(ids[next...] + ids[..<next]) }
}
