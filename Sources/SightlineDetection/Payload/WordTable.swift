/// A lookup key for short ASCII words: up to 32 bytes packed into four integers, so
/// keyword lookups on the hot path hash four words instead of building a `String`.
struct WordKey: Hashable, Sendable {
    var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0, d: UInt64 = 0

    static let maxLength = 32

    init?(_ bytes: some Collection<UInt8>) {
        guard !bytes.isEmpty, bytes.count <= Self.maxLength else { return nil }
        var i = 0
        for byte in bytes {
            let shift = UInt64((i & 7) * 8)
            switch i >> 3 {
            case 0: a |= UInt64(byte) << shift
            case 1: b |= UInt64(byte) << shift
            case 2: c |= UInt64(byte) << shift
            default: d |= UInt64(byte) << shift
            }
            i += 1
        }
    }

    init?(_ string: String) { self.init(Array(string.utf8)) }
}

/// A closed vocabulary mapping lowercase words to a value.
struct WordTable<Value: Sendable>: Sendable {
    private var table: [WordKey: Value] = [:]

    init(_ entries: [(String, Value)]) {
        for (word, value) in entries {
            if let key = WordKey(word) { table[key] = value }
        }
    }

    @inline(__always) func lookup(_ bytes: some Collection<UInt8>) -> Value? {
        guard let key = WordKey(bytes) else { return nil }
        return table[key]
    }
}

extension WordTable where Value == Bool {
    init(words: [String]) { self.init(words.map { ($0, true) }) }
    @inline(__always) func contains(_ bytes: some Collection<UInt8>) -> Bool { lookup(bytes) != nil }
}

/// Byte helpers shared by the lexers.
enum ASCII {
    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) }
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool { isAlnum(b) || b == 0x5F || b == 0x24 || b >= 0x80 }

    /// Whether `haystack` contains `needle` (both already lowercase).
    static func contains(_ haystack: [UInt8], _ needle: StaticString) -> Bool {
        firstIndex(of: needle, in: haystack, from: 0) != nil
    }

    static func firstIndex(of needle: StaticString, in haystack: [UInt8], from start: Int) -> Int? {
        let n = needle.utf8CodeUnitCount
        guard n > 0, haystack.count - start >= n else { return nil }
        return needle.withUTF8Buffer { nb -> Int? in
            let first = nb[0]
            var i = start
            let last = haystack.count - n
            while i <= last {
                if haystack[i] == first {
                    var k = 1
                    while k < n, haystack[i + k] == nb[k] { k += 1 }
                    if k == n { return i }
                }
                i += 1
            }
            return nil
        }
    }

    static func hasPrefix(_ haystack: [UInt8], _ needle: StaticString, at i: Int) -> Bool {
        let n = needle.utf8CodeUnitCount
        guard i >= 0, haystack.count - i >= n else { return false }
        return needle.withUTF8Buffer { nb in
            for k in 0..<n where haystack[i + k] != nb[k] { return false }
            return true
        }
    }
}
