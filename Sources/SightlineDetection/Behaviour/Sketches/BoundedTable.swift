/// A dictionary with a hard cap on its number of keys that forgets keys not used for a while.
///
/// Two generations: keys live in `current` (at most `capacity / 2`) or `previous`. A key found in
/// `previous` moves back to `current` when used. When `current` is full, it becomes `previous`
/// and the old `previous` is dropped whole, so every key dropped went unused for at least
/// `capacity / 2` insertions of other keys (an approximate LRU). Every operation is O(1)
/// amortised, with no sorting or rebuilding: a stream of millions of distinct keys (one per
/// client address of a large access log) costs the same per event as a few keys.
/// Deterministic for a deterministic access order.
struct BoundedTable<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var current: [Key: Value] = [:]
    private var previous: [Key: Value] = [:]
    let capacity: Int
    /// Keys a generation holds at most.
    private let half: Int
    /// Keys dropped by eviction so far.
    private(set) var evictions: Int = 0

    init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
        half = max(capacity / 2, 1)
    }

    var count: Int { current.count + previous.count }

    /// Runs `body` on the value for `key`, creating it with `make` first when absent.
    @inline(__always)
    mutating func update<R>(_ key: Key, make: @autoclosure () -> Value, _ body: (inout Value) -> R) -> R {
        if let index = current.index(forKey: key) {
            return body(&current.values[index])
        }
        var value = previous.removeValue(forKey: key) ?? make()
        if current.count >= half {
            evictions += previous.count
            // With a capacity of 1 the old generation cannot be kept beside the new one.
            if 2 * half <= capacity {
                previous = current
            } else {
                evictions += current.count
                previous = [:]
            }
            current = [:]
            current.reserveCapacity(half)
        }
        let result = body(&value)
        current[key] = value
        return result
    }

    func peek(_ key: Key) -> Value? { current[key] ?? previous[key] }

    /// Values in no particular order (callers sort when order matters).
    var values: some Collection<Value> { Array(current.values) + Array(previous.values) }
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
