/// Saturating integer arithmetic for counters.
///
/// Invariant: for non-negative operands, `add` returns `min(a + b, .max)`, which is
/// associative and commutative, so merge results never depend on merge order even at the
/// (practically unreachable) saturation point, and counters never trap on overflow.
enum Saturating {
    @inline(__always)
    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (result, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : result
    }

    @inline(__always)
    static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (result, overflow) = a.addingReportingOverflow(b)
        if overflow { return b < 0 ? .min : .max }
        return result
    }

    @inline(__always)
    static func multiply(_ a: Int64, _ b: UInt64) -> Int64 {
        // Only used with a ≥ 0.
        guard b <= UInt64(Int64.max) else { return a == 0 ? 0 : .max }
        let (result, overflow) = a.multipliedReportingOverflow(by: Int64(b))
        return overflow ? .max : result
    }

    /// Floor division for epoch arithmetic (timestamps before 1970 round down, not toward zero).
    @inline(__always)
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    /// Largest multiple of `width` (> 0) that is ≤ `value`, clamped to `Int64.min` on overflow.
    @inline(__always)
    static func floorToMultiple(_ value: Int64, of width: Int64) -> Int64 {
        let (result, overflow) = floorDivide(value, width).multipliedReportingOverflow(by: width)
        return overflow ? .min : result
    }
}
