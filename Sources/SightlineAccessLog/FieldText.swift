#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SightlineCore

/// Byte-level readers for one field of a log line. Nothing here allocates unless it returns a
/// `String` or writes to a buffer it is given.
enum FieldText {
    @inline(__always)
    static func isDash(_ value: UnsafeRawBufferPointer) -> Bool {
        value.count == 1 && value[0] == 0x2D
    }

    /// `-` and the empty value both mean "not set" in nginx and Apache logs.
    @inline(__always)
    static func isUnset(_ value: UnsafeRawBufferPointer) -> Bool {
        value.isEmpty || isDash(value)
    }

    @inline(__always)
    static func containsBackslash(_ value: UnsafeRawBufferPointer) -> Bool {
        guard let base = value.baseAddress, !value.isEmpty else { return false }
        return memchr(base, 0x5C, value.count) != nil
    }

    /// Decodes escapes: `\xHH` (nginx), `\"`, `\\`, `\n`, `\r`, `\t` (Apache), and JSON's `\/`,
    /// `\b`, `\f`, `\uXXXX` (with surrogate pairs). An unknown or cut-off escape is kept as written.
    static func unescape(_ value: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        output.removeAll(keepingCapacity: true)
        output.reserveCapacity(value.count)
        var index = 0
        let count = value.count
        while index < count {
            let byte = value[index]
            guard byte == 0x5C, index + 1 < count else {
                output.append(byte)
                index += 1
                continue
            }
            let next = value[index + 1]
            switch next {
            case UInt8(ascii: "x"), UInt8(ascii: "X"):
                if index + 3 < count, let high = hexValue(value[index + 2]), let low = hexValue(value[index + 3]) {
                    output.append(high << 4 | low)
                    index += 4
                    continue
                }
            case 0x22, 0x5C, 0x2F, 0x27:
                output.append(next)
                index += 2
                continue
            case UInt8(ascii: "n"): output.append(0x0A); index += 2; continue
            case UInt8(ascii: "r"): output.append(0x0D); index += 2; continue
            case UInt8(ascii: "t"): output.append(0x09); index += 2; continue
            case UInt8(ascii: "b"): output.append(0x08); index += 2; continue
            case UInt8(ascii: "f"): output.append(0x0C); index += 2; continue
            case UInt8(ascii: "v"): output.append(0x0B); index += 2; continue
            case UInt8(ascii: "u"):
                if let (scalar, length) = unicodeEscape(value, at: index) {
                    appendUTF8(scalar, to: &output)
                    index += length
                    continue
                }
            default:
                break
            }
            output.append(byte)
            index += 1
        }
    }

    /// `\uXXXX` or a `\uD8xx\uDCxx` pair at `index`: the scalar and the escape's length.
    private static func unicodeEscape(_ value: UnsafeRawBufferPointer, at index: Int) -> (UInt32, Int)? {
        func hex4(_ start: Int) -> UInt32? {
            guard start + 4 <= value.count else { return nil }
            var result: UInt32 = 0
            for position in start..<(start + 4) {
                guard let digit = hexValue(value[position]) else { return nil }
                result = result << 4 | UInt32(digit)
            }
            return result
        }
        guard let first = hex4(index + 2) else { return nil }
        if first >= 0xD800 && first < 0xDC00 {
            if index + 12 <= value.count, value[index + 6] == 0x5C, value[index + 7] == UInt8(ascii: "u"),
               let second = hex4(index + 8), second >= 0xDC00 && second < 0xE000 {
                return (0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00), 12)
            }
            return (0xFFFD, 6)
        }
        if first >= 0xDC00 && first < 0xE000 { return (0xFFFD, 6) }
        return (first, 6)
    }

    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        if byte &- 0x30 < 10 { return byte &- 0x30 }
        let lower = byte | 0x20
        if lower &- 0x61 < 6 { return lower &- 0x61 + 10 }
        return nil
    }

    /// The value as text: escapes decoded, invalid UTF-8 replaced by U+FFFD, cut to `limit` bytes
    /// at a character boundary.
    static func string(_ value: UnsafeRawBufferPointer, unescaping: Bool, limit: Int, scratch: inout [UInt8]) -> String {
        if unescaping, containsBackslash(value) {
            unescape(value, into: &scratch)
            return scratch.withUnsafeBytes { decoded in
                limited(String(decoding: truncated(decoded, to: limit), as: UTF8.self), to: limit)
            }
        }
        return limited(String(decoding: truncated(value, to: limit), as: UTF8.self), to: limit)
    }

    /// Replacing invalid UTF-8 (one byte → U+FFFD, three bytes) can make text longer: cut again.
    @inline(__always)
    static func limited(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var text = text
        return text.withUTF8 { String(decoding: truncated(UnsafeRawBufferPointer($0), to: limit), as: UTF8.self) }
    }

    /// The longest prefix of at most `limit` bytes that does not cut a UTF-8 sequence.
    static func truncated(_ value: UnsafeRawBufferPointer, to limit: Int) -> UnsafeRawBufferPointer {
        guard value.count > limit else { return value }
        var end = max(0, limit)
        while end > 0, value[end] & 0xC0 == 0x80 { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: value[0..<end])
    }

    /// Appends the bytes as a JSON string; invalid UTF-8 is replaced.
    static func appendJSONString(_ value: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        var ascii = true
        for byte in value where byte >= 0x80 {
            ascii = false
            break
        }
        guard ascii else {
            EventEncoder.appendString(String(decoding: value, as: UTF8.self), to: &output)
            return
        }
        output.append(0x22)
        var runStart = 0
        for index in 0..<value.count {
            let byte = value[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F else { continue }
            if runStart < index { output.append(contentsOf: UnsafeRawBufferPointer(rebasing: value[runStart..<index])) }
            switch byte {
            case 0x22: output.append(contentsOf: [0x5C, 0x22])
            case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            default:
                output.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hexDigit(byte >> 4), hexDigit(byte & 15)])
            }
            runStart = index + 1
        }
        if runStart < value.count { output.append(contentsOf: UnsafeRawBufferPointer(rebasing: value[runStart..<value.count])) }
        output.append(0x22)
    }

    @inline(__always)
    static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 + value : 0x61 + value - 10
    }

    // MARK: numbers

    /// A non-negative decimal integer of at most 18 digits.
    @inline(__always)
    static func integer(_ value: UnsafeRawBufferPointer) -> Int64? {
        guard !value.isEmpty, value.count <= 18 else { return nil }
        var result: Int64 = 0
        for byte in value {
            let digit = byte &- 0x30
            guard digit < 10 else { return nil }
            result = result &* 10 &+ Int64(digit)
        }
        return result
    }

    /// `123`, `0.123`, `12.` : the integer part and the fraction in nanoseconds (digits past the
    /// ninth are dropped).
    static func decimal(_ value: UnsafeRawBufferPointer) -> (whole: Int64, nanos: Int64)? {
        var index = 0
        var whole: Int64 = 0
        var sawDigit = false
        while index < value.count, value[index] &- 0x30 < 10 {
            guard index < 18 else { return nil }
            whole = whole * 10 + Int64(value[index] &- 0x30)
            sawDigit = true
            index += 1
        }
        var nanos: Int64 = 0
        if index < value.count, value[index] == 0x2E {
            index += 1
            var digits = 0
            while index < value.count, value[index] &- 0x30 < 10 {
                if digits < 9 {
                    nanos = nanos * 10 + Int64(value[index] &- 0x30)
                    digits += 1
                }
                sawDigit = true
                index += 1
            }
            while digits < 9 {
                nanos *= 10
                digits += 1
            }
        }
        guard sawDigit, index == value.count else { return nil }
        return (whole, nanos)
    }

    /// Seconds with a fraction (`0.123`) in microseconds.
    @inline(__always)
    static func secondsAsMicros(_ value: UnsafeRawBufferPointer) -> Int64? {
        guard let (whole, nanos) = decimal(value), whole < 10_000_000_000 else { return nil }
        return whole * 1_000_000 + nanos / 1000
    }

    // MARK: excerpts

    /// The start of a value for an error message: at most `limit` bytes of it, and at most
    /// 48 characters once non-printable bytes are written `\xHH`; the total size when cut.
    static func excerpt(_ value: UnsafeRawBufferPointer, limit: Int = 32) -> String {
        var output: [UInt8] = [0x22]
        var shown = 0
        for byte in value.prefix(limit) {
            guard output.count < 49 else { break }
            if byte >= 0x20 && byte < 0x7F && byte != 0x22 {
                output.append(byte)
            } else {
                output.append(contentsOf: [0x5C, UInt8(ascii: "x"), hexDigit(byte >> 4), hexDigit(byte & 15)])
            }
            shown += 1
        }
        output.append(0x22)
        if value.count > shown {
            output.append(contentsOf: "… (\(value.count) bytes)".utf8)
        }
        return String(decoding: output, as: UTF8.self)
    }
}
