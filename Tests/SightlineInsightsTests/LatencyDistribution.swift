import Foundation

extension SplitMix64 {
    /// Standard normal via Box–Muller.
    mutating func normal() -> Double {
        let u1 = Swift.max(unit(), 0x1p-53)
        let u2 = unit()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}

/// Latency distributions used by accuracy tests (milliseconds).
enum LatencyDistribution: String, CaseIterable, Sendable, CustomStringConvertible {
    case uniform, lognormal, bimodalSlowTail, constant, wideLogUniform

    var description: String { rawValue }

    func sample(_ rng: inout SplitMix64) -> Double {
        switch self {
        case .uniform:
            return 1 + rng.unit() * 999  // 1 ms … 1 s
        case .lognormal:
            return Foundation.exp(Foundation.log(50) + rng.normal())  // median 50 ms
        case .bimodalSlowTail:
            if rng.unit() < 0.9 {
                return Swift.max(0.05, 20 + 5 * rng.normal())  // fast mode ~20 ms
            }
            return Foundation.exp(Foundation.log(2000) + 0.8 * rng.normal())  // slow tail ~2 s
        case .constant:
            return 42.0
        case .wideLogUniform:
            return Foundation.exp(Foundation.log(0.01) + rng.unit() * Foundation.log(60_000 / 0.01))  // 0.01 ms … 60 s
        }
    }
}
