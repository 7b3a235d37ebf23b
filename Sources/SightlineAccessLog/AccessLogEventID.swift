/// Deterministic ids for events imported from a log, so that importing a file twice (or tailing it
/// again after a restart) gives the same ids, and the server stores each request once.
///
/// Scheme (fixed: changing it would make re-imports duplicate earlier ones):
/// - `seed = H(UTF-8 of sourceID, 0).0`, computed once per source;
/// - `h = H(line, mix(seed ^ byteOffset, K3))`, over the line as read (trailing CR, LF and white
///   space removed);
/// - 128 bits = 48-bit Unix milliseconds of the time written in the line (before any adjustment)
///   ‖ top 16 bits of `h.1` ‖ `h.0`; written as 26 characters of Crockford base32, like the
///   server's own ids (time-ordered, so the id index stays nearly sequential).
///
/// `H` is a 128-bit multiply-mix hash over 16-byte little-endian blocks (below). It is not
/// cryptographic: an id is unique as long as (source, offset, content) is, with 80 hash bits
/// per millisecond of log time.
public enum AccessLogEventID {
    /// The id of the line at `byteOffset` in the source whose seed is `sourceSeed`.
    /// - Parameters:
    ///   - sourceSeed: ``seed(sourceID:)`` of the source.
    ///   - byteOffset: offset of the line's first byte in the source.
    ///   - line: the line without its end-of-line bytes.
    ///   - loggedTimeMicros: the time written in the line, µs since the epoch.
    public static func make(sourceSeed: UInt64, byteOffset: Int64, line: UnsafeRawBufferPointer, loggedTimeMicros: Int64) -> String {
        let lineSeed = mix(sourceSeed ^ UInt64(bitPattern: byteOffset), k3)
        let (first, second) = hash(line, seed: lineSeed)
        let millis = UInt64(max(0, loggedTimeMicros / 1000)) & 0xFFFF_FFFF_FFFF
        return encode(high: millis << 16 | second >> 48, low: first)
    }

    /// The seed of a source identity (for example a fingerprint of the file's first line; see
    /// `docs/access-logs.md`).
    public static func seed(sourceID: String) -> UInt64 {
        var text = sourceID
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: 0).0 }
    }

    /// A source identity that survives renames and rotation: derived from the first line of the
    /// file (a file truncated and rewritten gets a new first line, hence a new identity).
    public static func fingerprint(firstLine: UnsafeRawBufferPointer) -> String {
        let (first, second) = hash(firstLine, seed: 0x6669_7273_746C_696E)
        return "line1:" + encode(high: second, low: first)
    }

    static let k0: UInt64 = 0x9E37_79B9_7F4A_7C15
    static let k1: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let k2: UInt64 = 0x1656_67B1_9E37_79F9
    static let k3: UInt64 = 0xD6E8_FEB8_6659_FD93

    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// 128-bit hash of `bytes`; the same on every platform (little-endian loads).
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> (UInt64, UInt64) {
        let count = bytes.count
        var a = seed ^ k0
        var b = (seed &* k1) ^ UInt64(count)
        var index = 0
        while index + 16 <= count {
            let w0 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let w1 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self))
            a = mix(w0 ^ a, w1 ^ k1)
            b = mix(w1 ^ b, w0 ^ k2) &+ a
            index += 16
        }
        var t0: UInt64 = 0
        var t1: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            let byte = UInt64(bytes[index])
            if shift < 64 { t0 |= byte << shift } else { t1 |= byte << (shift - 64) }
            shift += 8
            index += 1
        }
        a = mix(t0 ^ a ^ k3, t1 ^ k1)
        b = mix(t1 ^ b, t0 ^ k2 ^ UInt64(count))
        let first = mix(a ^ k2, b ^ k3)
        let second = mix(b ^ k0, a ^ k1 ^ (first << 23 | first >> 41))
        return (first, second)
    }

    private static let alphabet: StaticString = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

    /// 128 bits as 26 Crockford base32 digits (the first carries 3 bits).
    static func encode(high: UInt64, low: UInt64) -> String {
        let letters = alphabet.utf8Start
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 26) { digits in
            var hi = high
            var lo = low
            for index in stride(from: 25, through: 0, by: -1) {
                digits[index] = letters[Int(lo & 31)]
                lo = lo >> 5 | (hi & 31) << 59
                hi >>= 5
            }
            return String(decoding: UnsafeBufferPointer(digits), as: UTF8.self)
        }
    }
}
