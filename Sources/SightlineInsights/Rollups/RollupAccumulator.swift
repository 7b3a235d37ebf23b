/// Turns batches of stored events into rollup deltas, in memory.
///
/// Invariants:
/// - Each offered event with a valid status adds exactly 1 to `count` of its minute row and,
///   when it has a non-empty `consumerID`, of its consumer-hour row; invalid statuses are
///   skipped and counted in `diagnostics`, invalid durations/sizes only drop that field.
/// - The accumulator is not idempotent: offer each event once. The caller guarantees this
///   across WAL replay by rolling up only events that the store actually inserted (e.g. the
///   rows a deduplicating insert reports as new), in the same transaction as the row update.
/// - Hot path: one dictionary upsert per rollup (no copy of the existing value), one `log`
///   per valid duration; no allocation beyond new keys and sketch growth.
///
/// ```swift
/// var accumulator = RollupAccumulator()
/// accumulator.add(contentsOf: insertedEvents)
/// let delta = accumulator.takeDelta()
/// for (key, rollup) in delta.minuteRollups { /* read row, try row.merge(rollup), write */ }
/// ```
public struct RollupAccumulator: Sendable {
    /// The sketch configuration used for new minute rows.
    public let sketchConfiguration: LatencySketch.Configuration
    /// The delta accumulated since creation or the last `takeDelta()`.
    public private(set) var delta: RollupDelta

    /// Creates an empty accumulator.
    ///
    /// - Parameter sketchConfiguration: accuracy/cap for latency sketches; must match the
    ///   configuration of stored rows for the later merge to succeed.
    public init(sketchConfiguration: LatencySketch.Configuration = .default) {
        self.sketchConfiguration = sketchConfiguration
        self.delta = RollupDelta()
    }

    /// Rolls up one event.
    ///
    /// - Parameter event: an event that was actually inserted into storage.
    public mutating func add(_ event: RollupInput) {
        guard let minuteKey = MinuteRollupKey(
            timestampMicros: event.timestampMicros, service: event.service,
            route: event.route, method: event.method, status: event.status
        ) else {
            delta.diagnostics.skippedInvalidStatus += 1
            return
        }
        delta.diagnostics.rolledUpEvents += 1
        let isServerError: Int64 = event.status >= 500 ? 1 : 0
        let isClientError: Int64 = (400...499).contains(event.status) ? 1 : 0

        var requestBytes: Int64 = 0
        var responseBytes: Int64 = 0
        var badSize = false
        if let size = event.requestSize { if size >= 0 { requestBytes = size } else { badSize = true } }
        if let size = event.responseSize { if size >= 0 { responseBytes = size } else { badSize = true } }
        if badSize { delta.diagnostics.invalidSizes += 1 }

        var validDuration: Double? = nil
        if let duration = event.durationMs {
            if LatencySketch.isValid(duration) {
                validDuration = duration
            } else {
                delta.diagnostics.invalidDurations += 1
            }
        }

        let configuration = sketchConfiguration
        // `default:` subscript modifies in place: no copy of the existing rollup or sketch.
        let reqBytes = requestBytes, respBytes = responseBytes
        Self.update(&delta.minuteRollups[minuteKey, default: MinuteRollup(latency: LatencySketch(configuration: configuration))]) {
            $0.count = Saturating.add($0.count, 1)
            $0.errors = Saturating.add($0.errors, isServerError)
            $0.clientErrors = Saturating.add($0.clientErrors, isClientError)
            $0.requestBytes = Saturating.add($0.requestBytes, reqBytes)
            $0.responseBytes = Saturating.add($0.responseBytes, respBytes)
            if let validDuration { $0.latency.addValidated(validDuration, count: 1) }
        }

        if let consumer = event.consumerID, !consumer.isEmpty {
            let key = ConsumerHourRollupKey(
                timestampMicros: event.timestampMicros, consumer: consumer,
                service: event.service, route: event.route
            )
            Self.update(&delta.consumerHourRollups[key, default: ConsumerHourRollup()]) {
                $0.count = Saturating.add($0.count, 1)
                $0.errors = Saturating.add($0.errors, isServerError)
                $0.clientErrors = Saturating.add($0.clientErrors, isClientError)
                $0.requestBytes = Saturating.add($0.requestBytes, reqBytes)
                $0.responseBytes = Saturating.add($0.responseBytes, respBytes)
            }
        }
    }

    @inline(__always)
    private static func update<Value>(_ value: inout Value, _ body: (inout Value) -> Void) {
        body(&value)
    }

    /// Rolls up a batch of events.
    ///
    /// - Parameter events: events that were actually inserted into storage.
    public mutating func add(contentsOf events: some Sequence<RollupInput>) {
        for event in events { add(event) }
    }

    /// Returns the accumulated delta and resets the accumulator.
    public mutating func takeDelta() -> RollupDelta {
        defer { delta = RollupDelta() }
        return delta
    }

    /// Rolls up one batch in a single call.
    ///
    /// - Parameters:
    ///   - events: events that were actually inserted into storage.
    ///   - sketchConfiguration: latency sketch configuration for new rows.
    /// - Returns: the batch's delta.
    ///
    /// ```swift
    /// let delta = RollupAccumulator.rollUp(batch)
    /// ```
    public static func rollUp(
        _ events: some Sequence<RollupInput>,
        sketchConfiguration: LatencySketch.Configuration = .default
    ) -> RollupDelta {
        var accumulator = RollupAccumulator(sketchConfiguration: sketchConfiguration)
        accumulator.add(contentsOf: events)
        return accumulator.delta
    }
}
