/// A position in the newest-first order of events: continue strictly after (older than) it.
///
/// Invariants:
/// - Order is `(timestampMicros, seq)` descending; a page read `after` a cursor returns only
///   events with `timestampMicros < cursor.timestampMicros`, or an equal time and a smaller `seq`.
/// - ``token`` is opaque, URL-safe (base64url without padding), and round-trips:
///   `EventCursor(token: c.token) == c`. Any other string, including a token with a
///   changed version byte or trailing characters, gives `nil`.
///
/// ```swift
/// let next = page.nextCursor?.token            // "AQAGRxc…"
/// let cursor = EventCursor(token: next!)       // the same cursor
/// ```
public struct EventCursor: Sendable, Equatable, Hashable {
    /// Event time of the last event returned, µs since the Unix epoch.
    public var timestampMicros: Int64
    /// Sequence number of the last event returned.
    public var seq: UInt64

    public init(timestampMicros: Int64, seq: UInt64) {
        self.timestampMicros = timestampMicros
        self.seq = seq
    }

    /// Token layout version: the first byte of the decoded token.
    private static let version: UInt8 = 1
    /// version (1) + timestamp (8, big-endian two's complement) + seq (8, big-endian).
    private static let byteCount = 17

    /// An opaque URL-safe string that ``init(token:)`` turns back into this cursor.
    public var token: String {
        var bytes: [UInt8] = [Self.version]
        bytes.reserveCapacity(Self.byteCount)
        let time = UInt64(bitPattern: timestampMicros)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: time >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: seq >> UInt64(shift))) }
        return Base64URL.encode(bytes)
    }

    /// Parses a token made by ``token``; `nil` for anything else.
    public init?(token: String) {
        guard let bytes = Base64URL.decode(token), bytes.count == Self.byteCount, bytes[0] == Self.version else {
            return nil
        }
        var time: UInt64 = 0
        var seq: UInt64 = 0
        for byte in bytes[1..<9] { time = time << 8 | UInt64(byte) }
        for byte in bytes[9..<17] { seq = seq << 8 | UInt64(byte) }
        self.init(timestampMicros: Int64(bitPattern: time), seq: seq)
    }
}

/// base64url (RFC 4648 §5) without padding; decoding accepts only the canonical encoding.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            if remaining > 1 { out.append(alphabet[Int(group >> 6 & 63)]) }
            if remaining > 2 { out.append(alphabet[Int(group & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 != 1, input.count <= 4096 else { return nil }
        var values: [UInt8] = []
        values.reserveCapacity(input.count)
        for character in input {
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(character - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(character - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(character - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "-"): values.append(62)
            case UInt8(ascii: "_"): values.append(63)
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var index = 0
        while index < values.count {
            let remaining = values.count - index
            var group: UInt32 = 0
            for offset in 0..<4 {
                group = group << 6 | (offset < remaining ? UInt32(values[index + offset]) : 0)
            }
            out.append(UInt8(truncatingIfNeeded: group >> 16))
            if remaining > 2 { out.append(UInt8(truncatingIfNeeded: group >> 8)) }
            if remaining > 3 { out.append(UInt8(truncatingIfNeeded: group)) }
            // Canonical form only: the bits below the last whole byte must be zero.
            if remaining == 2, group & 0xFFFF != 0 { return nil }
            if remaining == 3, group & 0xFF != 0 { return nil }
            index += 4
        }
        return out
    }
}
