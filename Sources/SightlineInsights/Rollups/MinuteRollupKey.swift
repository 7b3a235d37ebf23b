/// Identifies one per-minute rollup row.
///
/// Invariants:
/// - `minute` is `⌊timestampMicros / 60 000 000⌋` (floor, so pre-1970 times round down).
/// - `statusClass` is `status / 100`, in 1...5 for keys produced by `RollupAccumulator`.
///
/// ```swift
/// let key = MinuteRollupKey(timestampMicros: ts, service: "billing", route: "/invoices/{id}",
///                           method: "GET", status: 200)
/// ```
public struct MinuteRollupKey: Sendable, Hashable, Comparable {
    /// Microseconds per minute.
    public static let microsPerMinute: Int64 = 60_000_000

    /// Epoch minute.
    public var minute: Int64
    /// The service name.
    public var service: String
    /// The templated route.
    public var route: String
    /// The HTTP method.
    public var method: String
    /// The status class (2 for 2xx), 1...5.
    public var statusClass: Int

    /// Creates a key from its parts.
    public init(minute: Int64, service: String, route: String, method: String, statusClass: Int) {
        self.minute = minute
        self.service = service
        self.route = route
        self.method = method
        self.statusClass = statusClass
    }

    /// Creates the key of an event; returns `nil` when `status` is outside 100...599.
    ///
    /// - Parameters:
    ///   - timestampMicros: event time, µs since the epoch.
    ///   - service: the service name.
    ///   - route: the templated route.
    ///   - method: the HTTP method.
    ///   - status: the HTTP status code.
    public init?(timestampMicros: Int64, service: String, route: String, method: String, status: Int) {
        guard let statusClass = Self.statusClass(of: status) else { return nil }
        self.init(
            minute: Saturating.floorDivide(timestampMicros, Self.microsPerMinute),
            service: service, route: route, method: method, statusClass: statusClass
        )
    }

    /// The status class of an HTTP status, or `nil` outside 100...599.
    public static func statusClass(of status: Int) -> Int? {
        (100...599).contains(status) ? status / 100 : nil
    }

    /// First microsecond of this key's minute.
    public var startMicros: Int64 {
        minute.multipliedReportingOverflow(by: Self.microsPerMinute).overflow
            ? (minute < 0 ? .min : .max) : minute * Self.microsPerMinute
    }

    public static func < (lhs: MinuteRollupKey, rhs: MinuteRollupKey) -> Bool {
        (lhs.minute, lhs.service, lhs.route, lhs.method, lhs.statusClass)
            < (rhs.minute, rhs.service, rhs.route, rhs.method, rhs.statusClass)
    }
}
