/// Aggregated traffic for one `MinuteRollupKey` (or, after merging, any group of keys).
///
/// Invariants:
/// - `errors` counts status ≥ 500 and `clientErrors` counts 400...499; both ≤ `count`.
/// - `latency.count ≤ count`: events without a valid duration count here but not in the sketch.
/// - `requestBytes`/`responseBytes` sum the known, non-negative sizes only.
/// - `merge` is associative and commutative with `MinuteRollup()` as identity: every field is
///   a saturating integer sum or an exact sketch merge, so results never depend on order.
///
/// ```swift
/// var total = MinuteRollup()
/// for row in rows { try total.merge(row) }
/// let p99 = total.latency.quantile(0.99)
/// ```
public struct MinuteRollup: Sendable, Hashable {
    /// Number of events.
    public var count: Int64
    /// Events with status ≥ 500.
    public var errors: Int64
    /// Events with status 400...499.
    public var clientErrors: Int64
    /// Sum of known request body sizes.
    public var requestBytes: Int64
    /// Sum of known response body sizes.
    public var responseBytes: Int64
    /// Latency distribution of events that had a valid duration.
    public var latency: LatencySketch

    /// Sum of durations in milliseconds (from the sketch, 1 µs resolution).
    public var durationSumMs: Double { latency.sumMs }
    /// Sum of durations in whole microseconds; exact and order-independent.
    public var durationSumMicros: Int64 { latency.sumMicros }

    /// Creates a rollup, typically from a stored row (decode `latency` with
    /// `LatencySketch(serialized:)`).
    public init(
        count: Int64 = 0, errors: Int64 = 0, clientErrors: Int64 = 0,
        requestBytes: Int64 = 0, responseBytes: Int64 = 0,
        latency: LatencySketch = LatencySketch()
    ) {
        self.count = count
        self.errors = errors
        self.clientErrors = clientErrors
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
        self.latency = latency
    }

    /// Folds another rollup into this one.
    ///
    /// - Parameter other: the rollup to add.
    /// - Throws: `InsightsError` `.incompatibleSketches` when both latency sketches are
    ///   non-empty with different configurations; `self` is then unchanged.
    public mutating func merge(_ other: MinuteRollup) throws(InsightsError) {
        try latency.merge(other.latency)
        count = Saturating.add(count, other.count)
        errors = Saturating.add(errors, other.errors)
        clientErrors = Saturating.add(clientErrors, other.clientErrors)
        requestBytes = Saturating.add(requestBytes, other.requestBytes)
        responseBytes = Saturating.add(responseBytes, other.responseBytes)
    }

    /// Returns `self` merged with `other`; see `merge(_:)`.
    public func merging(_ other: MinuteRollup) throws(InsightsError) -> MinuteRollup {
        var copy = self
        try copy.merge(other)
        return copy
    }

    /// Merges any number of rollups (any range, any keys).
    ///
    /// - Parameter rollups: the rows to total.
    /// - Returns: their merge; `MinuteRollup()` for an empty sequence.
    /// - Throws: `InsightsError` `.incompatibleSketches` on mixed sketch configurations.
    public static func merged(_ rollups: some Sequence<MinuteRollup>) throws(InsightsError) -> MinuteRollup {
        var total = MinuteRollup()
        for rollup in rollups { try total.merge(rollup) }
        return total
    }
}
