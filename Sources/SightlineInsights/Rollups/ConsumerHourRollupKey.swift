/// Identifies one per-consumer, per-hour usage row.
///
/// Invariant: `hour` is `⌊timestampMicros / 3 600 000 000⌋`; `consumer` is non-empty for keys
/// produced by `RollupAccumulator` (anonymous traffic gets no consumer row).
public struct ConsumerHourRollupKey: Sendable, Hashable, Comparable {
    /// Microseconds per hour.
    public static let microsPerHour: Int64 = 3_600_000_000

    /// Epoch hour.
    public var hour: Int64
    /// The consumer identifier.
    public var consumer: String
    /// The service name.
    public var service: String
    /// The templated route.
    public var route: String

    /// Creates a key from its parts.
    public init(hour: Int64, consumer: String, service: String, route: String) {
        self.hour = hour
        self.consumer = consumer
        self.service = service
        self.route = route
    }

    /// Creates the key of an event at `timestampMicros`.
    public init(timestampMicros: Int64, consumer: String, service: String, route: String) {
        self.init(
            hour: Saturating.floorDivide(timestampMicros, Self.microsPerHour),
            consumer: consumer, service: service, route: route
        )
    }

    public static func < (lhs: ConsumerHourRollupKey, rhs: ConsumerHourRollupKey) -> Bool {
        (lhs.hour, lhs.consumer, lhs.service, lhs.route) < (rhs.hour, rhs.consumer, rhs.service, rhs.route)
    }
}
