#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Distinct values over the current and previous tumbling window, in a HyperLogLog sketch of
/// `2^precision` one-byte registers per window (precision 7: 256 bytes in all, ~9% standard
/// error, exact-ish below ~100 through linear counting).
///
/// For a configured window `W` the sketch keeps two tumbling half-windows of `W/2` and
/// estimates their union, so the estimate covers between `W/2` and `W` of history: never more
/// than the window the explanation names. State is fixed-size whatever the number of distinct
/// values: this is what keeps "distinct usernames per IP" or "distinct ids per user" bounded.
struct WindowedDistinct: Sendable {
    private var current: [UInt8]
    private var previous: [UInt8]
    private(set) var windowIndex: Int64 = .min
    private let precision: Int
    private var cached: Double = 0
    private var dirty = false

    init(precision: Int = 7) {
        self.precision = precision
        current = [UInt8](repeating: 0, count: 1 << precision)
        previous = current
    }

    /// Bytes of sketch state (for documentation and memory tests).
    var stateBytes: Int { 2 << precision }

    /// Adds a value given by its stable 64-bit hash at event time `t`.
    @inline(__always)
    mutating func insert(hash: UInt64, at t: Int64, window: Int64) {
        let idx = t / max(1, window / 2)
        if idx > windowIndex {
            if idx == windowIndex &+ 1 {
                swap(&current, &previous)
            } else {
                for i in previous.indices { previous[i] = 0 }
            }
            for i in current.indices { current[i] = 0 }
            windowIndex = idx
            dirty = true
        }
        let bucket = Int(hash >> UInt64(64 - precision))
        let rest = hash << UInt64(precision)
        let rank = UInt8(min(rest.leadingZeroBitCount + 1, 64 - precision + 1))
        if rank > current[bucket] {
            current[bucket] = rank
            dirty = true
        }
    }

    /// Estimated distinct values in the current and previous half-window (0 once both are stale).
    mutating func estimate(at t: Int64, window: Int64) -> Double {
        let idx = t / max(1, window / 2)
        if idx > windowIndex + 1 { return 0 }
        if idx == windowIndex + 1 { return Self.estimate(current, precision: precision) }
        if dirty {
            cached = Self.estimate(zip(current, previous).map { max($0, $1) }, precision: precision)
            dirty = false
        }
        return cached
    }

    static func estimate(_ registers: [UInt8], precision: Int) -> Double {
        let m = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for r in registers {
            sum += 1.0 / Double(UInt64(1) << UInt64(r))
            if r == 0 { zeros += 1 }
        }
        let alpha: Double = switch registers.count {
        case 16: 0.673
        case 32: 0.697
        case 64: 0.709
        default: 0.7213 / (1 + 1.079 / m)
        }
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m, zeros > 0 {
            return m * log(m / Double(zeros))
        }
        return raw
    }
}
