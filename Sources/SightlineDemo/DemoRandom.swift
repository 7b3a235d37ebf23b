#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The math functions the generator needs, so that only this file imports the C library.
enum DemoMath {
    static let twoPi = 6.283_185_307_179_586

    @inline(__always) static func log(_ x: Double) -> Double { cLog(x) }
    @inline(__always) static func exp(_ x: Double) -> Double { cExp(x) }
    @inline(__always) static func cos(_ x: Double) -> Double { cCos(x) }
    @inline(__always) static func sin(_ x: Double) -> Double { cSin(x) }
}

// Free functions, because inside `DemoMath` the names `log`, `exp`... refer to its own members.
@inline(__always) private func cLog(_ x: Double) -> Double { log(x) }
@inline(__always) private func cExp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func cCos(_ x: Double) -> Double { cos(x) }
@inline(__always) private func cSin(_ x: Double) -> Double { sin(x) }

/// SplitMix64's output function: a bijection on `UInt64` that scatters nearby inputs.
///
/// Being a bijection, distinct inputs always give distinct outputs, which is what makes
/// event ids derived from a counter unique.
@inline(__always)
func scramble(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// A hash of a seed, a stream tag and a number; schedule decisions use it so that they are
/// pure functions of time rather than of how many events were generated.
@inline(__always)
func scheduleHash(_ seed: UInt64, _ stream: UInt64, _ value: Int64) -> UInt64 {
    scramble(seed ^ scramble(stream ^ scramble(UInt64(bitPattern: value))))
}

/// Maps a 64-bit hash to a `Double` in `[0, 1)`.
@inline(__always)
func unitInterval(_ hash: UInt64) -> Double {
    Double(hash >> 11) * 0x1.0p-53
}

/// Division rounding towards negative infinity, so that times before 1970 fall into the right bucket.
@inline(__always)
func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// xoshiro256** seeded through SplitMix64: small, fast and deterministic on every platform.
struct DemoRandom: Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64
    private var spareNormal: Double = 0
    private var hasSpareNormal = false

    init(seed: UInt64) {
        let step: UInt64 = 0x9E37_79B9_7F4A_7C15
        s0 = scramble(seed)
        s1 = scramble(seed &+ step)
        s2 = scramble(seed &+ step &* 2)
        s3 = scramble(seed &+ step &* 3)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A `Double` in `[0, 1)`.
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// An integer in `0..<bound` (`bound` > 0), by multiply-shift.
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: UInt64(bound).multipliedFullWidth(by: next()).high)
    }

    @inline(__always)
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// An index in `0..<count` where small indices are much more likely (density ~ x^-2/3):
    /// a few hot products, users and ids, and a long tail.
    @inline(__always)
    mutating func skewedIndex(_ count: Int) -> Int {
        let u = unit()
        return min(count - 1, Int(Double(count) * u * u * u))
    }

    /// A standard normal variate (Box-Muller, the second value kept for the next call).
    mutating func normal() -> Double {
        if hasSpareNormal {
            hasSpareNormal = false
            return spareNormal
        }
        let u1 = 1.0 - unit()
        let u2 = unit()
        let radius = (-2.0 * DemoMath.log(u1)).squareRoot()
        let angle = DemoMath.twoPi * u2
        spareNormal = radius * DemoMath.sin(angle)
        hasSpareNormal = true
        return radius * DemoMath.cos(angle)
    }

    /// A log-normal variate with the given median and shape.
    @inline(__always)
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * DemoMath.exp(sigma * normal())
    }
}
