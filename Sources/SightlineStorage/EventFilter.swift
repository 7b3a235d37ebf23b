/// Which response statuses an ``EventFilter`` keeps.
///
/// ```swift
/// StatusFilter.exact(404)       // status == 404
/// StatusFilter.statusClass(5)   // 500 ..< 600
/// ```
public enum StatusFilter: Sendable, Equatable, Hashable {
    /// Exactly this status code.
    case exact(Int)
    /// Every status of the class: `4` keeps `400 ..< 500`.
    case statusClass(Int)
}

/// The conditions a read applies; every condition set must hold (they are combined with AND).
///
/// Invariants:
/// - `nil` means "no condition on this field"; an empty string is a real value (it matches only
///   empty fields; an empty `pathPrefix` matches every path).
/// - Time is the half-open range `[fromMicros, toMicros)`.
/// - String conditions compare exactly (case-sensitive, byte for byte); `pathPrefix` is a literal
///   prefix, so `%`, `_` and `*` have no special meaning.
///
/// ```swift
/// var filter = EventFilter(service: "checkout", status: .statusClass(5))
/// filter.fromMicros = oneHourAgo
/// ```
public struct EventFilter: Sendable, Equatable, Hashable {
    /// Inclusive lower bound of the event time, µs since the Unix epoch.
    public var fromMicros: Int64?
    /// Exclusive upper bound of the event time, µs since the Unix epoch.
    public var toMicros: Int64?
    public var service: String?
    public var method: String?
    /// The route template, compared exactly.
    public var route: String?
    /// A literal prefix of the request path.
    public var pathPrefix: String?
    public var consumerID: String?
    public var userID: String?
    public var sessionID: String?
    public var traceID: String?
    public var status: StatusFilter?

    /// Creates a filter; every condition defaults to `nil` (no condition).
    public init(
        fromMicros: Int64? = nil,
        toMicros: Int64? = nil,
        service: String? = nil,
        method: String? = nil,
        route: String? = nil,
        pathPrefix: String? = nil,
        consumerID: String? = nil,
        userID: String? = nil,
        sessionID: String? = nil,
        traceID: String? = nil,
        status: StatusFilter? = nil
    ) {
        self.fromMicros = fromMicros
        self.toMicros = toMicros
        self.service = service
        self.method = method
        self.route = route
        self.pathPrefix = pathPrefix
        self.consumerID = consumerID
        self.userID = userID
        self.sessionID = sessionID
        self.traceID = traceID
        self.status = status
    }
}
