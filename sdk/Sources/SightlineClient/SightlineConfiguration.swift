import CoreMetrics
import Logging

/// How the client sends: where, how often, how hard it retries, where it spools.
///
/// ```swift
/// var config = try SightlineConfiguration(
///     endpoints: ["http://sightline-a:7070", "http://sightline-b:7070"],
///     ingestKey: ingestKey, service: "shop")
/// config.spoolDirectory = "/var/lib/shop/sightline-spool"
/// ```
public struct SightlineConfiguration: Sendable {
    /// Servers in order of preference: the first is the primary, the others are fail-overs.
    public var endpoints: [Endpoint]
    /// The project's ingest key (`Authorization: Bearer`).
    public var ingestKey: String
    /// `service` of every event that does not name one.
    public var service: String
    /// `environment` of every event that does not name one.
    public var environment: String?
    /// Most events per request.
    public var batchSize: Int
    /// Longest time an event waits in memory before its (possibly partial) batch is sent.
    public var flushInterval: Duration
    /// Most events held in memory; beyond it new events are dropped (and counted).
    public var queueCapacity: Int
    /// Compress batches with gzip.
    public var gzip: Bool
    public var requestTimeout: Duration
    public var connectTimeout: Duration
    public var retry: RetryPolicy
    /// How often the primary is probed (`GET /health`) while the client uses a fail-over.
    public var primaryProbeInterval: Duration
    /// Where batches wait while no endpoint is reachable; `nil` keeps one batch in memory instead.
    public var spoolDirectory: String?
    /// Most bytes the spool may use.
    public var spoolMaxBytes: Int
    /// Size at which a spool segment file is closed and the next one started.
    public var spoolSegmentBytes: Int
    /// How long a graceful shutdown may spend sending; what remains goes to the spool.
    public var shutdownTimeout: Duration
    /// Applied to every event before it is sent or spooled.
    public var redaction: RedactionPolicy
    /// Also report the counters through swift-metrics (`sightline_sdk_events_<name>_total`).
    public var exportMetrics: Bool
    /// Where exported counters go (default: the factory `MetricsSystem` was bootstrapped with).
    public var metricsFactory: (any MetricsFactory)?
    /// How much CPU the client's sender (redaction, encoding, gzip, bookkeeping) may take from the app;
    /// by default only time nothing else wants (see ``SenderPriority``).
    public var senderPriority: SenderPriority
    public var logger: Logger

    public init(
        endpoints: [String],
        ingestKey: String,
        service: String,
        environment: String? = nil,
        batchSize: Int = 500,
        flushInterval: Duration = .seconds(1),
        queueCapacity: Int = 10_000,
        gzip: Bool = true,
        requestTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(2),
        retry: RetryPolicy = RetryPolicy(),
        primaryProbeInterval: Duration = .seconds(5),
        spoolDirectory: String? = nil,
        spoolMaxBytes: Int = 256 << 20,
        spoolSegmentBytes: Int = 1 << 20,
        shutdownTimeout: Duration = .seconds(10),
        redaction: RedactionPolicy = RedactionPolicy(),
        exportMetrics: Bool = false,
        senderPriority: SenderPriority = .idle,
        logger: Logger = Logger(label: "sightline.sdk")
    ) throws(SightlineClientError) {
        guard !endpoints.isEmpty else {
            throw .invalidConfiguration("at least one endpoint is needed, e.g. http://127.0.0.1:7070")
        }
        var parsed: [Endpoint] = []
        for e in endpoints { parsed.append(try Endpoint(e)) }
        guard !ingestKey.isEmpty else { throw .invalidConfiguration("the ingest key is empty: pass the key `sightline serve` printed on first start") }
        guard !service.isEmpty else { throw .invalidConfiguration("the service name is empty: name the app, e.g. \"shop\"") }
        guard batchSize > 0, queueCapacity >= batchSize else {
            throw .invalidConfiguration("batchSize must be > 0 and queueCapacity ≥ batchSize (got \(batchSize) and \(queueCapacity))")
        }
        self.endpoints = parsed
        self.ingestKey = ingestKey
        self.service = service
        self.environment = environment
        self.batchSize = batchSize
        self.flushInterval = flushInterval
        self.queueCapacity = queueCapacity
        self.gzip = gzip
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.retry = retry
        self.primaryProbeInterval = primaryProbeInterval
        self.spoolDirectory = spoolDirectory
        self.spoolMaxBytes = spoolMaxBytes
        self.spoolSegmentBytes = spoolSegmentBytes
        self.shutdownTimeout = shutdownTimeout
        self.redaction = redaction
        self.exportMetrics = exportMetrics
        self.senderPriority = senderPriority
        self.logger = logger
    }
}
