/// Exponential backoff with jitter, used between attempts of one batch and while every endpoint
/// is unreachable.
///
/// The delay before retry `attempt` (0-based) is drawn uniformly from `[base/2, base]` where
/// `base = min(maxDelay, initialDelay × multiplier^attempt)` ("equal jitter"): it keeps growing,
/// never exceeds `maxDelay`, and clients that failed together do not retry together.
public struct RetryPolicy: Sendable, Equatable {
    public var initialDelay: Duration
    public var maxDelay: Duration
    public var multiplier: Double
    /// Attempts on each endpoint before failing over to the next one.
    public var attemptsPerEndpoint: Int

    public init(
        initialDelay: Duration = .milliseconds(100),
        maxDelay: Duration = .seconds(30),
        multiplier: Double = 2,
        attemptsPerEndpoint: Int = 2
    ) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
        self.attemptsPerEndpoint = max(1, attemptsPerEndpoint)
    }

    /// The delay before retry `attempt`, with `unit` a random number in [0, 1).
    public func delay(attempt: Int, unit: Double) -> Duration {
        let initial = initialDelay.seconds
        let cap = maxDelay.seconds
        let base = min(cap, initial * pow(multiplier, Double(min(attempt, 64))))
        let jittered = base / 2 + base / 2 * min(max(unit, 0), 1)
        return .nanoseconds(Int64(min(jittered, cap) * 1e9))
    }

    /// The delay before retry `attempt`, with system randomness.
    public func delay(attempt: Int) -> Duration {
        delay(attempt: attempt, unit: Double.random(in: 0..<1))
    }

    private func pow(_ x: Double, _ y: Double) -> Double {
        var result = 1.0
        var i = 0.0
        while i < y, result < 1e12 {
            result *= x
            i += 1
        }
        return result
    }
}

extension Duration {
    var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }
}
