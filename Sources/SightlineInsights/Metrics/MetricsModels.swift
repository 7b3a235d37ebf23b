import SightlineCore

// The answers of MetricsService, encoded as the JSON of `GET /v1/metrics/...` (snake_case keys;
// times RFC 3339 UTC; error_rate a fraction; *_ms in milliseconds, null without requests).

/// Totals over a window.
public struct Totals: Sendable, Equatable, Encodable {
    public var requests: Int64 = 0
    public var errors: Int64 = 0
    public var clientErrors: Int64 = 0
    public var errorRate: Double = 0
    public var p50Ms: Double?
    public var p95Ms: Double?
    public var p99Ms: Double?
    public var bytesOut: Int64 = 0

    public init() {}

    init(_ rollups: [MinuteRollup]) throws {
        self.init(merged: try MinuteRollup.merged(rollups))
    }

    init(merged: MinuteRollup) {
        requests = merged.count
        errors = merged.errors
        clientErrors = merged.clientErrors
        errorRate = merged.count == 0 ? 0 : Double(merged.errors) / Double(merged.count)
        p50Ms = merged.latency.quantile(0.5).map(MetricsService.rounded)
        p95Ms = merged.latency.quantile(0.95).map(MetricsService.rounded)
        p99Ms = merged.latency.quantile(0.99).map(MetricsService.rounded)
        bytesOut = merged.responseBytes
    }

    enum CodingKeys: String, CodingKey {
        case requests, errors, clientErrors = "client_errors", errorRate = "error_rate", p50Ms = "p50_ms", p95Ms = "p95_ms", p99Ms = "p99_ms", bytesOut = "bytes_out"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requests, forKey: .requests)
        try container.encode(errors, forKey: .errors)
        try container.encode(clientErrors, forKey: .clientErrors)
        try container.encode(errorRate, forKey: .errorRate)
        try container.encode(p50Ms, forKey: .p50Ms)
        try container.encode(p95Ms, forKey: .p95Ms)
        try container.encode(p99Ms, forKey: .p99Ms)
        try container.encode(bytesOut, forKey: .bytesOut)
    }
}

/// One chart point.
public struct SeriesPoint: Sendable, Equatable, Encodable {
    public var t: String
    public var requests: Int64
    public var errors: Int64
    public var clientErrors: Int64
    public var p95Ms: Double?

    enum CodingKeys: String, CodingKey {
        case t, requests, errors, clientErrors = "client_errors", p95Ms = "p95_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(t, forKey: .t)
        try container.encode(requests, forKey: .requests)
        try container.encode(errors, forKey: .errors)
        try container.encode(clientErrors, forKey: .clientErrors)
        try container.encode(p95Ms, forKey: .p95Ms)
    }
}

/// One endpoint's figures over a window: its totals, plus when it was first and last seen.
public struct EndpointStats: Sendable, Equatable, Encodable {
    public var endpoint: EndpointID
    public var totals = Totals()
    public var firstSeen: String?
    public var lastSeen: String?

    public var requests: Int64 { totals.requests }
    public var errors: Int64 { totals.errors }
    public var p50Ms: Double? { totals.p50Ms }
    public var p95Ms: Double? { totals.p95Ms }
    public var p99Ms: Double? { totals.p99Ms }

    public init(endpoint: EndpointID) {
        self.endpoint = endpoint
    }

    init(endpoint: EndpointID, rollup: MinuteRollup) {
        self.endpoint = endpoint
        totals = Totals(merged: rollup)
    }

    enum CodingKeys: String, CodingKey {
        case service, method, route, firstSeen = "first_seen", lastSeen = "last_seen"
    }

    /// The endpoint's keys and its totals' keys in one JSON object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(endpoint.service, forKey: .service)
        try container.encode(endpoint.method, forKey: .method)
        try container.encode(endpoint.route, forKey: .route)
        try container.encode(firstSeen, forKey: .firstSeen)
        try container.encode(lastSeen, forKey: .lastSeen)
        try totals.encode(to: encoder)
    }
}

/// `GET /v1/metrics/overview`.
public struct Overview: Sendable, Encodable {
    public var from: String
    public var to: String
    public var bucketSeconds: Int64
    public var totals = Totals()
    public var series: [SeriesPoint] = []
    public var statusClasses: [String: Int64] = ["2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0]
    public var topByTraffic: [EndpointStats] = []
    public var topByErrors: [EndpointStats] = []
    public var topByLatency: [EndpointStats] = []

    init(window: MetricsService.Window) {
        from = Timestamp.format(window.from)
        to = Timestamp.format(window.to)
        bucketSeconds = window.bucketMicros / 1_000_000
    }

    enum CodingKeys: String, CodingKey {
        case from, to, bucketSeconds = "bucket_seconds", totals, series, statusClasses = "status_classes"
        case topByTraffic = "top_by_traffic", topByErrors = "top_by_errors", topByLatency = "top_by_latency"
    }
}

/// `GET /v1/metrics/endpoints`.
public struct EndpointList: Sendable, Encodable {
    public var from: String
    public var to: String
    public var endpoints: [EndpointStats]

    init(window: MetricsService.Window, endpoints: [EndpointStats]) {
        from = Timestamp.format(window.from)
        to = Timestamp.format(window.to)
        self.endpoints = endpoints
    }
}

/// One status code and its count.
public struct StatusCount: Sendable, Equatable, Encodable {
    public var status: Int
    public var count: Int
}

/// One of the slowest requests of an endpoint.
public struct SlowEvent: Sendable, Equatable, Encodable {
    public var id: String
    public var timestamp: String
    public var path: String
    public var status: Int
    public var durationMs: Double?
    public var consumer: String?

    init(_ summary: EventSummary) {
        id = summary.id
        timestamp = Timestamp.format(summary.timestampMicros)
        path = summary.path
        status = summary.status
        durationMs = summary.durationMs
        consumer = summary.consumer
    }

    enum CodingKeys: String, CodingKey {
        case id, timestamp, path, status, durationMs = "duration_ms", consumer
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(path, forKey: .path)
        try container.encode(status, forKey: .status)
        try container.encode(durationMs, forKey: .durationMs)
        try container.encode(consumer, forKey: .consumer)
    }
}

/// One consumer's traffic over a window.
public struct ConsumerStats: Sendable, Equatable, Encodable {
    public var consumer: String
    public var requests: Int64
    public var errors: Int64
    public var bytes: Int64

    public var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }

    enum CodingKeys: String, CodingKey {
        case consumer, requests, errors, errorRate = "error_rate", bytes
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(consumer, forKey: .consumer)
        try container.encode(requests, forKey: .requests)
        try container.encode(errors, forKey: .errors)
        try container.encode(errorRate, forKey: .errorRate)
        try container.encode(bytes, forKey: .bytes)
    }
}

/// `GET /v1/metrics/endpoint`.
public struct EndpointDetail: Sendable, Encodable {
    public var from: String
    public var to: String
    public var bucketSeconds: Int64
    public var endpoint: EndpointStats
    public var series: [SeriesPoint]
    public var statusCodes: [StatusCount]
    public var slowest: [SlowEvent]
    public var topConsumers: [ConsumerStats]

    init(window: MetricsService.Window, endpoint: EndpointStats, series: [SeriesPoint], statusCodes: [StatusCount], slowest: [SlowEvent], topConsumers: [ConsumerStats]) {
        from = Timestamp.format(window.from)
        to = Timestamp.format(window.to)
        bucketSeconds = window.bucketMicros / 1_000_000
        self.endpoint = endpoint
        self.series = series
        self.statusCodes = statusCodes
        self.slowest = slowest
        self.topConsumers = topConsumers
    }

    enum CodingKeys: String, CodingKey {
        case from, to, bucketSeconds = "bucket_seconds", endpoint, series, statusCodes = "status_codes", slowest, topConsumers = "top_consumers"
    }
}

/// `GET /v1/metrics/consumers`.
public struct ConsumerList: Sendable, Encodable {
    public var from: String
    public var to: String
    public var consumers: [ConsumerStats]

    init(window: MetricsService.Window, consumers: [ConsumerStats]) {
        from = Timestamp.format(window.from)
        to = Timestamp.format(window.to)
        self.consumers = consumers
    }
}
