/// Splits and decodes `a=1&b=x%20y` query strings.
public enum QueryString {
    /// Parameters in order; names and values percent-decoded (`+` is a space).
    public static func parse(_ query: some StringProtocol) -> [(name: String, value: String)] {
        guard !query.isEmpty else { return [] }
        var result: [(name: String, value: String)] = []
        // Split on the UTF-8 view: `&` and `=` are ASCII, and Character iteration is slow.
        let utf8 = query.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "&")) ?? utf8.endIndex
            if start < end {
                let pair = utf8[start..<end]
                if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                    result.append((decode(pair[pair.startIndex..<eq]), decode(pair[utf8.index(after: eq)...])))
                } else {
                    result.append((decode(pair), ""))
                }
            }
            start = end < utf8.endIndex ? utf8.index(after: end) : end
        }
        return result
    }

    static func decode(_ bytes: some Collection<UInt8>) -> String {
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        return decode(String(decoding: bytes, as: UTF8.self))
    }

    /// Percent-decodes `text`; invalid escapes are kept as written.
    public static func decode(_ text: some StringProtocol) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return String(text) }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x41 + 10
            case 0x61...0x66: return b - 0x61 + 10
            default: return nil
            }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(0x20)
                i += 1
            } else if b == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
