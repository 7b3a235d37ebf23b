/// What a storage backend provides for per-endpoint metrics: rollup rows maintained as events are
/// stored, the endpoint catalogue, and a few raw-event lookups for endpoint detail.
///
/// Invariants a backend keeps:
/// - Rollups count each stored event exactly once: they are updated in the same transaction as
///   the event rows, and only for events actually inserted (a replayed or duplicate id adds
///   nothing), so write-ahead-log replay never double counts.
/// - Minute rows are keyed by epoch minute, hour rows by the epoch minute their hour starts at
///   (a multiple of 60); both hold the same counters and a mergeable latency sketch.
/// - An event without a route is rolled up under its inferred template.
public protocol RollupStore: Sendable {
    /// Rollup rows with `from ≤ bucket start < to` (µs), optionally for one service, method or route.
    func rollups(_ resolution: RollupResolution, from: Int64, to: Int64, filter: EndpointFilter) async throws -> [(MinuteRollupKey, MinuteRollup)]
    /// Per-consumer hourly rows with `from ≤ hour start < to` (µs), optionally for one endpoint.
    func consumerRollups(from: Int64, to: Int64, filter: EndpointFilter) async throws -> [(ConsumerHourRollupKey, ConsumerHourRollup)]
    /// The endpoint catalogue (every (service, method, route) ever stored).
    func endpointCatalogue(filter: EndpointFilter) async throws -> [EndpointRecord]
    /// Exact status codes and their counts for one endpoint in `from ..< to` (raw events).
    func statusCodes(of endpoint: EndpointID, from: Int64, to: Int64) async throws -> [(status: Int, count: Int)]
    /// The slowest events of one endpoint in `from ..< to`, slowest first (raw events).
    func slowestEvents(of endpoint: EndpointID, from: Int64, to: Int64, limit: Int) async throws -> [EventSummary]
}

/// Minute rows for short ranges, hour rows for long ones.
public enum RollupResolution: Sendable {
    case minute, hour
}

/// Restricts rollup reads to a service, method and/or route.
public struct EndpointFilter: Sendable, Equatable {
    public var service: String?
    public var method: String?
    public var route: String?
    public init(service: String? = nil, method: String? = nil, route: String? = nil) {
        self.service = service
        self.method = method
        self.route = route
    }
}

/// One endpoint: a route template of a service under one method.
public struct EndpointID: Sendable, Hashable, Comparable {
    public var service: String
    public var method: String
    public var route: String
    public init(service: String, method: String, route: String) {
        self.service = service
        self.method = method
        self.route = route
    }
    public static func < (lhs: EndpointID, rhs: EndpointID) -> Bool {
        (lhs.service, lhs.route, lhs.method) < (rhs.service, rhs.route, rhs.method)
    }
}

/// One row of the endpoint catalogue.
public struct EndpointRecord: Sendable, Equatable {
    public var endpoint: EndpointID
    /// First and last event time seen, µs since the epoch.
    public var firstSeen: Int64
    public var lastSeen: Int64
    /// Events stored for it, all time.
    public var count: Int64
    public init(endpoint: EndpointID, firstSeen: Int64, lastSeen: Int64, count: Int64) {
        self.endpoint = endpoint
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.count = count
    }
}

/// A few fields of one stored event, for lists such as "slowest requests".
public struct EventSummary: Sendable, Equatable {
    public var id: String
    public var timestampMicros: Int64
    public var path: String
    public var status: Int
    public var durationMs: Double?
    public var consumer: String?
    public init(id: String, timestampMicros: Int64, path: String, status: Int, durationMs: Double?, consumer: String?) {
        self.id = id
        self.timestampMicros = timestampMicros
        self.path = path
        self.status = status
        self.durationMs = durationMs
        self.consumer = consumer
    }
}
