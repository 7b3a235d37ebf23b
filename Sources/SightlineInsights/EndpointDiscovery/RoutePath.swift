/// A raw request path normalised into decoded segments.
///
/// Invariants:
/// - `segments` never contains an empty string, `"."` or `".."`: empty segments (`//`,
///   trailing `/`) are dropped and dot-segments are resolved as in RFC 3986 §5.2.4.
/// - Everything from the first `?` or `#` on is ignored; an absolute URL's scheme and
///   authority (`https://host:8443`) are ignored.
/// - Each segment is percent-decoded once. A segment whose escapes are malformed or decode
///   to invalid UTF-8 is kept exactly as received. `+` is not a space in paths.
///
/// ```swift
/// RoutePath("/Orders/88%2012/?x=1").segments  // ["Orders", "88 12"]
/// ```
public struct RoutePath: Sendable, Hashable {
    /// The decoded, non-empty segments in order.
    public let segments: [String]

    /// Normalises a raw path (or absolute URL).
    /// - Parameter raw: the path as received, e.g. `/orders/8812/items/3?expand=1`.
    public init(_ raw: String) {
        var raw = raw
        segments = raw.withUTF8 { RoutePath.segments(of: $0) }
    }

    /// Byte-level split: one pass, no `Character` iteration (paths are ASCII in practice).
    private static func segments(of bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var end = bytes.count
        if let cut = bytes.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            end = cut
        }
        var start = 0
        if hasSchemePrefix(bytes, end: end) {
            // Skip "scheme://authority"; the path starts at the next "/".
            var i = bytes.firstIndex(of: UInt8(ascii: ":"))! + 3
            while i < end, bytes[i] != UInt8(ascii: "/") { i += 1 }
            start = i
        }
        var result: [String] = []
        result.reserveCapacity(8)
        var segmentStart = start
        var hasEscape = false
        var i = start
        while i <= end {
            if i == end || bytes[i] == UInt8(ascii: "/") {
                if i > segmentStart {
                    let slice = UnsafeBufferPointer(rebasing: bytes[segmentStart..<i])
                    let segment = hasEscape ? percentDecoded(slice) : String(decoding: slice, as: UTF8.self)
                    if segment == ".." {
                        if !result.isEmpty { result.removeLast() }
                    } else if segment != "." && !segment.isEmpty {
                        result.append(segment)
                    }
                }
                segmentStart = i + 1
                hasEscape = false
            } else if bytes[i] == UInt8(ascii: "%") {
                hasEscape = true
            }
            i += 1
        }
        return result
    }

    private static func hasSchemePrefix(_ bytes: UnsafeBufferPointer<UInt8>, end: Int) -> Bool {
        for scheme in ["http://", "https://"] where scheme.utf8.count <= end {
            if zip(scheme.utf8, bytes).allSatisfy({ $0 == ($1 | 0x20) || $0 == $1 }) { return true }
        }
        return false
    }

    /// Decodes `%XX` escapes; returns the input unchanged if any escape is malformed or the
    /// bytes are not valid UTF-8.
    static func percentDecoded(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var iterator = raw.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return String(decoding: raw, as: UTF8.self)
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? String(decoding: raw, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Renders a decoded literal segment canonically: bytes outside RFC 3986 `pchar`
    /// (unreserved, sub-delims, `:`, `@`) are percent-encoded, so `{`, `}`, `/`, `%`, spaces
    /// and non-ASCII never appear raw in a template.
    static func encodedLiteral(_ segment: String) -> String {
        if segment.utf8.allSatisfy(isPathCharacter) { return segment }
        var out = ""
        out.reserveCapacity(segment.utf8.count * 3)
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in segment.utf8 {
            if isPathCharacter(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(digits[Int(byte >> 4)])
                bytes.append(digits[Int(byte & 0x0F)])
            }
        }
        out = String(decoding: bytes, as: UTF8.self)
        return out
    }

    private static func isPathCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: ":"),
             UInt8(ascii: "@"):
            true
        default:
            false
        }
    }
}
