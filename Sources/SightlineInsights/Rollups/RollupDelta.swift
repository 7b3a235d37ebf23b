/// The rollup changes produced by one batch of events, to be merged into stored rows
/// (read-modify-write: decode the row, `merge` the delta, write it back).
///
/// Invariant: every key present maps to a rollup with `count ≥ 1`.
public struct RollupDelta: Sendable, Hashable {
    /// Per-minute deltas.
    public var minuteRollups: [MinuteRollupKey: MinuteRollup]
    /// Per-consumer, per-hour deltas.
    public var consumerHourRollups: [ConsumerHourRollupKey: ConsumerHourRollup]
    /// What was counted, skipped or partially used.
    public var diagnostics: RollupDiagnostics

    /// Creates an empty delta.
    public init() {
        self.minuteRollups = [:]
        self.consumerHourRollups = [:]
        self.diagnostics = RollupDiagnostics()
    }

    /// `true` when no event was rolled up or skipped.
    public var isEmpty: Bool {
        minuteRollups.isEmpty && consumerHourRollups.isEmpty && diagnostics == RollupDiagnostics()
    }
}

/// Counters describing how a batch was rolled up; feed them to metrics
/// (`sightline_insights_rollup_skipped_events_total`, …).
///
/// Invariant: `rolledUpEvents + skippedInvalidStatus` equals the number of events offered.
public struct RollupDiagnostics: Sendable, Hashable {
    /// Events that reached the rollups.
    public var rolledUpEvents: Int64 = 0
    /// Events skipped entirely because `status` was outside 100...599.
    public var skippedInvalidStatus: Int64 = 0
    /// Rolled-up events whose `durationMs` was negative, NaN or infinite (counted, no latency).
    public var invalidDurations: Int64 = 0
    /// Rolled-up events with a negative request or response size (that size ignored).
    public var invalidSizes: Int64 = 0

    /// Creates zeroed diagnostics.
    public init() {}
}
