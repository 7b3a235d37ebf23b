/// Size limits of OTLP ingestion. Event-level limits come from SightlineCore's `EventLimits`.
public struct OTLPLimits: Sendable, Equatable {
    /// Spans (or log records) in one export; more refuses the whole request (HTTP 413).
    public var maxItems: Int = 50_000
    /// A log record's body, rendered as text; a longer one rejects the record.
    public var maxLogBodyBytes: Int = 64 << 10
    /// Nesting of array and key-value-list values rendered into attribute JSON; deeper values
    /// are rendered as `null` (the event format refuses JSON nested deeper than 32 levels).
    public var maxValueDepth: Int = 24
    public init() {}
}
