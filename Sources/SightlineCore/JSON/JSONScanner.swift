#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A forward-only JSON reader over a byte buffer, built for the ingest hot path: it reads strings
/// and numbers in place, validates syntax (RFC 8259) and UTF-8, and can copy a value minified.
///
/// Invariants: `position` only moves forward; a thrown ``JSONSyntaxError`` carries the byte offset
/// where reading stopped and never any of the input's content. Nesting is bounded by `maxDepth`
/// so hostile input cannot exhaust the stack.
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    var position: Int
    let maxDepth: Int

    init(_ buffer: UnsafeRawBufferPointer, from start: Int = 0, end: Int? = nil, maxDepth: Int = 32) {
        if let address = buffer.baseAddress {
            self.base = address.assumingMemoryBound(to: UInt8.self)
        } else {
            // An empty buffer has no address; point at a static byte that is never read.
            self.base = JSONScanner.emptyByte
        }
        self.position = start
        self.end = end ?? buffer.count
        self.maxDepth = maxDepth
    }

    nonisolated(unsafe) private static let emptyByte: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    var isAtEnd: Bool { position >= end }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < end {
            let byte = base[position]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                position += 1
            } else {
                return
            }
        }
    }

    /// The next non-whitespace byte, without consuming it; `nil` at the end.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < end ? base[position] : nil
    }

    mutating func expect(_ byte: UInt8, _ what: StaticString) throws(JSONSyntaxError) {
        skipWhitespace()
        guard position < end else { throw JSONSyntaxError(offset: position, reason: "unexpected end of input, expected \(what)") }
        guard base[position] == byte else {
            throw JSONSyntaxError(offset: position, reason: "expected \(what), found \(JSONScanner.describe(base[position]))")
        }
        position += 1
    }

    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }

    // MARK: Strings

    /// Reads a string; the opening quote must be next (after whitespace).
    mutating func readString() throws(JSONSyntaxError) -> String {
        try expect(UInt8(ascii: "\""), "'\"'")
        let start = position
        // Fast path: no escapes.
        while position < end {
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                let buffer = UnsafeBufferPointer(start: base + start, count: position - start)
                position += 1
                if let string = JSONScanner.validatedString(buffer) { return string }
                throw JSONSyntaxError(offset: start, reason: "string is not valid UTF-8")
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw JSONSyntaxError(offset: position, reason: "control character in string (escape it)") }
            position += 1
        }
        guard position < end else { throw JSONSyntaxError(offset: start - 1, reason: "unterminated string") }
        // Slow path: escapes.
        var bytes = [UInt8](UnsafeBufferPointer(start: base + start, count: position - start))
        try readEscapedTail(into: &bytes)
        if let string = String(validating: bytes, as: UTF8.self) { return string }
        throw JSONSyntaxError(offset: start, reason: "string is not valid UTF-8")
    }

    @inline(__always)
    static func validatedString(_ buffer: UnsafeBufferPointer<UInt8>) -> String? {
        // ASCII needs no validation.
        var ascii = true
        for byte in buffer where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii { return String(decoding: buffer, as: UTF8.self) }
        return String(validating: buffer, as: UTF8.self)
    }

    /// Continues a string from `position` (inside it), decoding escapes, consuming the closing quote.
    private mutating func readEscapedTail(into bytes: inout [UInt8]) throws(JSONSyntaxError) {
        while position < end {
            let byte = base[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return
            case UInt8(ascii: "\\"):
                guard position < end else { break }
                let escape = base[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        // High surrogate: a low one must follow.
                        guard position + 1 < end, base[position] == UInt8(ascii: "\\"), base[position + 1] == UInt8(ascii: "u") else {
                            throw JSONSyntaxError(offset: position, reason: "unpaired UTF-16 surrogate in \\u escape")
                        }
                        position += 2
                        let low = try readHex4()
                        guard low >= 0xDC00 && low < 0xE000 else {
                            throw JSONSyntaxError(offset: position, reason: "unpaired UTF-16 surrogate in \\u escape")
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        throw JSONSyntaxError(offset: position, reason: "unpaired UTF-16 surrogate in \\u escape")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else {
                        throw JSONSyntaxError(offset: position, reason: "invalid \\u escape")
                    }
                    bytes.append(contentsOf: UTF8.encode(unicode)!)
                default:
                    throw JSONSyntaxError(offset: position - 1, reason: "invalid escape \\\(JSONScanner.describe(escape))")
                }
            default:
                if byte < 0x20 { throw JSONSyntaxError(offset: position - 1, reason: "control character in string (escape it)") }
                bytes.append(byte)
            }
        }
        throw JSONSyntaxError(offset: position, reason: "unterminated string")
    }

    private mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= end else { throw JSONSyntaxError(offset: position, reason: "truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
            default: throw JSONSyntaxError(offset: position, reason: "invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// Skips a string whose opening quote is next; validates escapes and UTF-8 as it goes.
    mutating func skipString() throws(JSONSyntaxError) {
        _ = try readString()
    }

    // MARK: Numbers

    /// Reads a number. Integers that fit in Int64 are exact; everything is also given as a Double.
    mutating func readNumber() throws(JSONSyntaxError) -> JSONNumber {
        skipWhitespace()
        let start = position
        var negative = false
        if position < end && base[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < end, base[position] >= 48, base[position] <= 57 else {
            throw JSONSyntaxError(offset: start, reason: "invalid number")
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var overflow = false
        if base[position] == 48 {
            position += 1
            if position < end, base[position] >= 48, base[position] <= 57 {
                throw JSONSyntaxError(offset: start, reason: "numbers must not have leading zeros")
            }
        } else {
            while position < end, base[position] >= 48, base[position] <= 57 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(base[position] - 48)
                } else {
                    overflow = true
                }
                digits += 1
                position += 1
            }
        }
        var fractionDigits = 0
        var isInteger = true
        if position < end, base[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < end, base[position] >= 48, base[position] <= 57 else {
                throw JSONSyntaxError(offset: position, reason: "invalid number: digit expected after '.'")
            }
            while position < end, base[position] >= 48, base[position] <= 57 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(base[position] - 48)
                    fractionDigits += 1
                    digits += 1
                } else {
                    overflow = true
                }
                position += 1
            }
        }
        var hasExponent = false
        if position < end, base[position] == UInt8(ascii: "e") || base[position] == UInt8(ascii: "E") {
            isInteger = false
            hasExponent = true
            position += 1
            if position < end, base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-") { position += 1 }
            guard position < end, base[position] >= 48, base[position] <= 57 else {
                throw JSONSyntaxError(offset: position, reason: "invalid number: digit expected in exponent")
            }
            while position < end, base[position] >= 48, base[position] <= 57 { position += 1 }
        }
        if isInteger && !overflow && mantissa <= UInt64(Int64.max) {
            let value = negative ? -Int64(mantissa) : Int64(mantissa)
            return JSONNumber(integer: value, double: Double(value))
        }
        let double: Double
        if !overflow && !hasExponent && mantissa < (1 << 53) && fractionDigits <= 22 {
            // Exact operands and one division: correctly rounded.
            let value = Double(mantissa) / JSONScanner.powersOfTen[fractionDigits]
            double = negative ? -value : value
        } else {
            let text = String(decoding: UnsafeBufferPointer(start: base + start, count: position - start), as: UTF8.self)
            guard let parsed = Double(text), parsed.isFinite else {
                throw JSONSyntaxError(offset: start, reason: "number out of range")
            }
            double = parsed
        }
        return JSONNumber(integer: nil, double: double)
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    // MARK: Literals and whole values

    /// Reads `true`, `false` or `null` if next; returns the kind found.
    mutating func readLiteral() throws(JSONSyntaxError) -> JSONLiteral {
        skipWhitespace()
        if matches("true") { position += 4; return .true }
        if matches("false") { position += 5; return .false }
        if matches("null") { position += 4; return .null }
        throw JSONSyntaxError(offset: position, reason: position < end ? "unexpected \(JSONScanner.describe(base[position]))" : "unexpected end of input")
    }

    @inline(__always)
    private func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= end else { return false }
        return memcmp(base + position, literal.utf8Start, count) == 0
    }

    /// The kind of the next value, judged by its first byte (after whitespace).
    mutating func nextKind() -> JSONKind? {
        guard let byte = peek() else { return nil }
        switch byte {
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: return .invalid
        }
    }

    /// Skips one whole value, validating it.
    mutating func skipValue(depth: Int = 0) throws(JSONSyntaxError) {
        var sink: [UInt8]? = nil
        try copyValue(into: &sink, depth: depth)
    }

    /// Copies one value minified (insignificant whitespace removed) into `output`, validating it.
    mutating func copyValue(into output: inout [UInt8]) throws(JSONSyntaxError) {
        var sink: [UInt8]? = output
        output = []
        try copyValue(into: &sink, depth: 0)
        output = sink!
    }

    private mutating func copyValue(into output: inout [UInt8]?, depth: Int) throws(JSONSyntaxError) {
        guard depth < maxDepth else { throw JSONSyntaxError(offset: position, reason: "nesting deeper than \(maxDepth) levels") }
        switch nextKind() {
        case .string:
            let start = position
            try skipStringRaw()
            output?.append(contentsOf: UnsafeBufferPointer(start: base + start, count: position - start))
        case .number:
            let start = position
            _ = try readNumber()
            output?.append(contentsOf: UnsafeBufferPointer(start: base + start, count: position - start))
        case .bool, .null:
            let start = position
            _ = try readLiteral()
            output?.append(contentsOf: UnsafeBufferPointer(start: base + start, count: position - start))
        case .object:
            position += 1
            output?.append(UInt8(ascii: "{"))
            if peek() == UInt8(ascii: "}") {
                position += 1
                output?.append(UInt8(ascii: "}"))
                return
            }
            while true {
                guard nextKind() == .string else { throw JSONSyntaxError(offset: position, reason: "expected a member name in quotes") }
                let start = position
                try skipStringRaw()
                output?.append(contentsOf: UnsafeBufferPointer(start: base + start, count: position - start))
                try expect(UInt8(ascii: ":"), "':'")
                output?.append(UInt8(ascii: ":"))
                try copyValue(into: &output, depth: depth + 1)
                guard let next = peek() else { throw JSONSyntaxError(offset: position, reason: "unexpected end of input in object") }
                position += 1
                if next == UInt8(ascii: "}") { output?.append(next); return }
                guard next == UInt8(ascii: ",") else { throw JSONSyntaxError(offset: position - 1, reason: "expected ',' or '}' in object, found \(JSONScanner.describe(next))") }
                output?.append(next)
            }
        case .array:
            position += 1
            output?.append(UInt8(ascii: "["))
            if peek() == UInt8(ascii: "]") {
                position += 1
                output?.append(UInt8(ascii: "]"))
                return
            }
            while true {
                try copyValue(into: &output, depth: depth + 1)
                guard let next = peek() else { throw JSONSyntaxError(offset: position, reason: "unexpected end of input in array") }
                position += 1
                if next == UInt8(ascii: "]") { output?.append(next); return }
                guard next == UInt8(ascii: ",") else { throw JSONSyntaxError(offset: position - 1, reason: "expected ',' or ']' in array, found \(JSONScanner.describe(next))") }
                output?.append(next)
            }
        case .invalid:
            throw JSONSyntaxError(offset: position, reason: "unexpected \(JSONScanner.describe(base[position]))")
        case nil:
            throw JSONSyntaxError(offset: position, reason: "unexpected end of input, expected a value")
        }
    }

    /// Skips a string (quote next), validating escapes and UTF-8 without building a String when possible.
    private mutating func skipStringRaw() throws(JSONSyntaxError) {
        let save = position
        position += 1
        var ascii = true
        while position < end {
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                if !ascii {
                    let buffer = UnsafeBufferPointer(start: base + save + 1, count: position - save - 1)
                    guard String(validating: buffer, as: UTF8.self) != nil else {
                        throw JSONSyntaxError(offset: save, reason: "string is not valid UTF-8")
                    }
                }
                position += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                position = save
                _ = try readString()
                return
            }
            if byte < 0x20 { throw JSONSyntaxError(offset: position, reason: "control character in string (escape it)") }
            if byte >= 0x80 { ascii = false }
            position += 1
        }
        throw JSONSyntaxError(offset: save, reason: "unterminated string")
    }
}

/// A JSON number: exact when it is an integer that fits in 64 bits.
struct JSONNumber {
    var integer: Int64?
    var double: Double
}

enum JSONLiteral { case `true`, `false`, null }

enum JSONKind: Equatable {
    case string, number, object, array, bool, null, invalid

    var name: String {
        switch self {
        case .string: "a string"
        case .number: "a number"
        case .object: "an object"
        case .array: "an array"
        case .bool: "a boolean"
        case .null: "null"
        case .invalid: "invalid JSON"
        }
    }
}

/// Malformed JSON: where reading stopped and why. Never carries input content.
public struct JSONSyntaxError: Error, Sendable, Equatable {
    /// Byte offset in the input where the problem was found.
    public var offset: Int
    /// What was wrong.
    public var reason: String
}
