/// A 64-bit hash that is the same in every process (Swift's `Hasher` is seeded per process),
/// so sketches, incident ids and tests are reproducible.
enum StableHash {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    /// FNV-1a over the UTF-8 bytes, then a SplitMix64 finaliser for well-spread low and high bits.
    @inline(__always)
    static func hash(_ s: some StringProtocol, seed: UInt64 = seed) -> UInt64 {
        var h = seed
        for b in s.utf8 {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01b3
        }
        return mix(h)
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    @inline(__always)
    static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 { mix(a ^ (b &* 0x9e37_79b9_7f4a_7c15)) }

    /// 16 lower-case hex digits.
    static func hex(_ x: UInt64) -> String {
        let s = String(x, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
