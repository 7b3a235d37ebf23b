/// A small open-addressing map from strings to slot numbers, hashed with FNV-1a.
///
/// Attribute keys are looked up for every attribute of every span; the standard `Hasher`
/// (seeded SipHash) costs more than the rest of the lookup for such short keys. Keys are
/// compared in full on every hash hit, so collisions only cost time.
struct StringSlots: Sendable {
    private var keys: [String] = []
    private var values: [Int] = []
    /// Index + 1 into `keys`; 0 is empty. The count is a power of two, at least twice the keys.
    private var table: [Int32]
    private var mask: Int

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        table = Array(repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }

    @inline(__always)
    static func hash(_ key: String) -> Int {
        var key = key
        return key.withUTF8 { bytes in
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in bytes {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
            return Int(truncatingIfNeeded: hash ^ (hash >> 29))
        }
    }

    func value(for key: String) -> Int? {
        var position = Self.hash(key) & mask
        while true {
            let entry = Int(table[position])
            if entry == 0 { return nil }
            if keys[entry - 1] == key { return values[entry - 1] }
            position = (position + 1) & mask
        }
    }

    func contains(_ key: String) -> Bool { value(for: key) != nil }

    /// Adds `key` unless present; returns whether it was added.
    @discardableResult
    mutating func insert(_ key: String, value: Int = 0) -> Bool {
        if (keys.count + 1) * 2 > table.count { grow() }
        var position = Self.hash(key) & mask
        while true {
            let entry = Int(table[position])
            if entry == 0 { break }
            if keys[entry - 1] == key { return false }
            position = (position + 1) & mask
        }
        keys.append(key)
        values.append(value)
        table[position] = Int32(keys.count)
        return true
    }

    private mutating func grow() {
        let old = keys
        let oldValues = values
        self = StringSlots(capacity: table.count)
        for (key, value) in zip(old, oldValues) { insert(key, value: value) }
    }
}
