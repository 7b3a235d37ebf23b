/// A streaming walk over JSON bytes that reports every string value (with its decoded bytes
/// and path) and every object key (with the kind of its value), without building a tree.
///
/// Invariants: never traps on malformed or truncated input (it stops and sets `truncated`);
/// nesting deeper than `maxDepth` is skipped, not recursed into; the walk stops as soon as
/// the visitor returns `false`.
struct JSONWalker {
    enum ValueKind: Equatable { case string, number, object, array, literal }

    /// Where a value sits: object keys and array indices from the root.
    struct Path {
        enum Component { case key([UInt8]), index(Int) }
        var components: [Component] = []

        /// `.filter.name`, `.items[3].q` (keys sanitised by ``RequestInspector/safeName(_:)``).
        func render() -> String {
            var s = ""
            for c in components {
                switch c {
                case .key(let k): s += "." + RequestInspector.safeName(k)
                case .index(let i): s += "[\(i)]"
                }
            }
            return s
        }
    }

    enum Event {
        case string([UInt8], Path)
        case key([UInt8], ValueKind, Path)
    }

    private let b: [UInt8]
    private var i = 0
    private let maxDepth: Int
    private(set) var truncated = false
    private var stopped = false

    init(bytes: ArraySlice<UInt8>, maxDepth: Int) {
        self.b = Array(bytes)
        self.maxDepth = maxDepth
    }

    mutating func peekNonSpace() -> UInt8? {
        skipSpace()
        return i < b.count ? b[i] : nil
    }

    /// Walks the value at the current position.
    mutating func walk(_ visit: (Event) -> Bool) {
        var path = Path()
        value(&path, depth: 0, visit)
    }

    private mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    private func kind(at k: Int) -> ValueKind {
        guard k < b.count else { return .literal }
        switch b[k] {
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: return .literal
        }
    }

    private mutating func value(_ path: inout Path, depth: Int, _ visit: (Event) -> Bool) {
        guard !stopped else { return }
        skipSpace()
        guard i < b.count else { truncated = true; stopped = true; return }
        switch b[i] {
        case UInt8(ascii: "\""):
            guard let s = readString() else { truncated = true; stopped = true; return }
            if !visit(.string(s, path)) { stopped = true }
        case UInt8(ascii: "{"):
            if depth >= maxDepth { truncated = true; skipContainer(); return }
            i += 1
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return }
            while !stopped {
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: "\""), let key = readString() else { truncated = true; stopped = true; return }
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { truncated = true; stopped = true; return }
                i += 1
                skipSpace()
                path.components.append(.key(key))
                if !visit(.key(key, kind(at: i), path)) { stopped = true; return }
                value(&path, depth: depth + 1, visit)
                path.components.removeLast()
                skipSpace()
                guard i < b.count else { truncated = true; stopped = true; return }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return }
                truncated = true; stopped = true; return
            }
        case UInt8(ascii: "["):
            if depth >= maxDepth { truncated = true; skipContainer(); return }
            i += 1
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return }
            var index = 0
            while !stopped {
                path.components.append(.index(index))
                value(&path, depth: depth + 1, visit)
                path.components.removeLast()
                index += 1
                skipSpace()
                guard i < b.count else { truncated = true; stopped = true; return }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return }
                truncated = true; stopped = true; return
            }
        default:
            // number, true, false, null
            let start = i
            while i < b.count, b[i] != UInt8(ascii: ","), b[i] != UInt8(ascii: "}"), b[i] != UInt8(ascii: "]"),
                  b[i] != 0x20, b[i] != 0x0A, b[i] != 0x0D, b[i] != 0x09 { i += 1 }
            if i == start { truncated = true; stopped = true }
        }
    }

    /// Skips a container too deep to walk, honouring strings.
    private mutating func skipContainer() {
        var level = 0
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "\""):
                guard readString() != nil else { stopped = true; return }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): level += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                level -= 1
                if level == 0 { i += 1; return }
            default: break
            }
            i += 1
        }
        stopped = true
    }

    /// Reads the JSON string at `i` (which must be `"`), decoding escapes to UTF-8.
    mutating func readString() -> [UInt8]? {
        skipSpace()
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        var out: [UInt8] = []
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") { i += 1; return out }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            guard i + 1 < b.count else { return nil }
            let e = b[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return nil }
                if (0xD800..<0xDC00).contains(scalar), i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: out.append(e)  // \" \\ \/ and anything else taken literally
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard i + 4 <= b.count else { return nil }
        var v: UInt32 = 0
        for k in i..<(i + 4) {
            let c = b[k]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        i += 4
        return v
    }
}
