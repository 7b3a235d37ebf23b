/// A strict, small JSON reader for one log line (nginx `escape=json` formats, Caddy, Traefik).
///
/// Nested objects are flattened into dotted keys (`request.method`) down to three levels; arrays
/// and deeper objects are handed over as minified JSON (with their first string, so that
/// `"User-Agent": ["curl/8"]` can still be used). Invariants: never reads past the line; a
/// syntax error carries a column and a reason, never content.
struct JSONLineReader {
    enum Value {
        /// A string, escapes decoded (UTF-8 not yet validated).
        case text(UnsafeRawBufferPointer)
        /// A number, `true` or `false`, as written.
        case raw(UnsafeRawBufferPointer)
        /// An array or a deeper object, minified and valid, and its first string element if any.
        case composite([UInt8], first: [UInt8]?)
        case null
    }

    struct SyntaxError: Error {
        var offset: Int
        var reason: String
    }

    let line: UnsafeRawBufferPointer
    var position = 0
    private var buffer: [UInt8] = []
    static let flattenDepth = 3
    static let maxDepth = 32

    init(_ line: UnsafeRawBufferPointer) {
        self.line = line
    }

    /// Reads the line as one object, calling `visit` for each (flattened) member.
    mutating func read(_ visit: (String, Value) -> Void) throws(SyntaxError) {
        skipSpace()
        guard position < line.count, line[position] == UInt8(ascii: "{") else {
            throw SyntaxError(offset: position, reason: "expected a JSON object ('{')")
        }
        try readMembers(prefix: nil, depth: 1, visit)
        skipSpace()
        guard position == line.count else { throw SyntaxError(offset: position, reason: "unexpected content after the object") }
    }

    private mutating func readMembers(prefix: String?, depth: Int, _ visit: (String, Value) -> Void) throws(SyntaxError) {
        position += 1 // '{'
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            skipSpace()
            guard peek() == 0x22 else { throw SyntaxError(offset: position, reason: "expected a member name in quotes") }
            try readString()
            let name = String(decoding: buffer, as: UTF8.self)
            let key = prefix.map { $0 + "." + name } ?? name
            skipSpace()
            guard peek() == UInt8(ascii: ":") else { throw SyntaxError(offset: position, reason: "expected ':' after a member name") }
            position += 1
            skipSpace()
            switch peek() {
            case 0x22:
                try readString()
                buffer.withUnsafeBytes { visit(key, .text($0)) }
            case UInt8(ascii: "{") where depth < JSONLineReader.flattenDepth:
                try readMembers(prefix: key, depth: depth + 1, visit)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var output: [UInt8] = []
                var first: [UInt8]?
                try copyValue(into: &output, depth: depth, firstString: &first, isTop: true)
                visit(key, .composite(output, first: first))
            case UInt8(ascii: "n"):
                try literal("null")
                visit(key, .null)
            default:
                let start = position
                try scalar()
                visit(key, .raw(UnsafeRawBufferPointer(rebasing: line[start..<position])))
            }
            skipSpace()
            switch peek() {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "}"):
                position += 1
                return
            default:
                throw SyntaxError(offset: position, reason: "expected ',' or '}' in an object")
            }
        }
    }

    /// Copies one value minified (strings re-escaped, so the output is valid UTF-8 JSON).
    private mutating func copyValue(into output: inout [UInt8], depth: Int, firstString: inout [UInt8]?, isTop: Bool) throws(SyntaxError) {
        guard depth < JSONLineReader.maxDepth else { throw SyntaxError(offset: position, reason: "nested deeper than \(JSONLineReader.maxDepth) levels") }
        skipSpace()
        switch peek() {
        case 0x22:
            try readString()
            buffer.withUnsafeBytes { FieldText.appendJSONString($0, to: &output) }
        case let open? where open == UInt8(ascii: "{") || open == UInt8(ascii: "["):
            let isObject = open == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            position += 1
            output.append(open)
            skipSpace()
            if peek() == close {
                position += 1
                output.append(close)
                return
            }
            while true {
                skipSpace()
                if isObject {
                    guard peek() == 0x22 else { throw SyntaxError(offset: position, reason: "expected a member name in quotes") }
                    try readString()
                    buffer.withUnsafeBytes { FieldText.appendJSONString($0, to: &output) }
                    skipSpace()
                    guard peek() == UInt8(ascii: ":") else { throw SyntaxError(offset: position, reason: "expected ':' after a member name") }
                    position += 1
                    output.append(UInt8(ascii: ":"))
                    var ignored: [UInt8]?
                    try copyValue(into: &output, depth: depth + 1, firstString: &ignored, isTop: false)
                } else {
                    skipSpace()
                    if isTop, firstString == nil, peek() == 0x22 {
                        try readString()
                        firstString = buffer
                        buffer.withUnsafeBytes { FieldText.appendJSONString($0, to: &output) }
                    } else {
                        var ignored: [UInt8]?
                        try copyValue(into: &output, depth: depth + 1, firstString: &ignored, isTop: false)
                    }
                }
                skipSpace()
                guard let next = peek() else { throw SyntaxError(offset: position, reason: "unexpected end of the line") }
                position += 1
                if next == close {
                    output.append(close)
                    return
                }
                guard next == UInt8(ascii: ",") else { throw SyntaxError(offset: position - 1, reason: "expected ',' or '\(Character(Unicode.Scalar(close)))'") }
                output.append(next)
            }
        case UInt8(ascii: "n"):
            try literal("null")
            output.append(contentsOf: "null".utf8)
        default:
            let start = position
            try scalar()
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[start..<position]))
        }
    }

    /// A number, `true` or `false`.
    private mutating func scalar() throws(SyntaxError) {
        switch peek() {
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case let byte? where byte == UInt8(ascii: "-") || byte &- 0x30 < 10: try number()
        case nil: throw SyntaxError(offset: position, reason: "unexpected end of the line, expected a value")
        default: throw SyntaxError(offset: position, reason: "expected a value")
        }
    }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= line.count else { throw SyntaxError(offset: position, reason: "expected '\(word)'") }
        for offset in 0..<count where line[position + offset] != word.utf8Start[offset] {
            throw SyntaxError(offset: position, reason: "expected '\(word)'")
        }
        position += count
    }

    /// RFC 8259 number grammar.
    private mutating func number() throws(SyntaxError) {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), first &- 0x30 < 10 else { throw SyntaxError(offset: position, reason: "expected a digit") }
        position += 1
        if first != 0x30 { digits() }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw SyntaxError(offset: position, reason: "expected a digit after '.'") }
        }
        if let exponent = peek(), exponent | 0x20 == UInt8(ascii: "e") {
            position += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw SyntaxError(offset: position, reason: "expected a digit in the exponent") }
        }
        guard position - start <= 64 else { throw SyntaxError(offset: start, reason: "number too long") }
    }

    @discardableResult
    private mutating func digits() -> Int {
        let start = position
        while position < line.count, line[position] &- 0x30 < 10 { position += 1 }
        return position - start
    }

    /// Reads a string (at an opening quote), decoding escapes into `buffer`.
    private mutating func readString() throws(SyntaxError) {
        buffer.removeAll(keepingCapacity: true)
        position += 1
        var runStart = position
        while position < line.count {
            let byte = line[position]
            if byte == 0x22 {
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[runStart..<position]))
                position += 1
                return
            }
            if byte < 0x20 { throw SyntaxError(offset: position, reason: "control character in a string") }
            if byte == 0x5C {
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[runStart..<position]))
                guard position + 1 < line.count else { break }
                let next = line[position + 1]
                switch next {
                case 0x22, 0x5C, 0x2F: buffer.append(next)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    let (scalar, length) = try unicodeEscape()
                    FieldText.appendUTF8(scalar, to: &buffer)
                    position += length
                    runStart = position
                    continue
                default:
                    throw SyntaxError(offset: position, reason: "invalid escape in a string")
                }
                position += 2
                runStart = position
                continue
            }
            position += 1
        }
        throw SyntaxError(offset: position, reason: "unterminated string")
    }

    private func unicodeEscape() throws(SyntaxError) -> (UInt32, Int) {
        func hex4(_ start: Int) -> UInt32? {
            guard start + 4 <= line.count else { return nil }
            var value: UInt32 = 0
            for index in start..<(start + 4) {
                guard let digit = FieldText.hexValue(line[index]) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        guard let first = hex4(position + 2) else { throw SyntaxError(offset: position, reason: "expected four hex digits after \\u") }
        if first >= 0xD800, first < 0xDC00 {
            if position + 12 <= line.count, line[position + 6] == 0x5C, line[position + 7] == UInt8(ascii: "u"),
               let second = hex4(position + 8), second >= 0xDC00, second < 0xE000 {
                return (0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00), 12)
            }
            return (0xFFFD, 6) // lone surrogate: replaced, as invalid UTF-8 is
        }
        if first >= 0xDC00, first < 0xE000 { return (0xFFFD, 6) }
        return (first, 6)
    }

    @inline(__always)
    private mutating func skipSpace() {
        while position < line.count {
            let byte = line[position]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return }
            position += 1
        }
    }

    @inline(__always)
    private func peek() -> UInt8? {
        position < line.count ? line[position] : nil
    }
}
