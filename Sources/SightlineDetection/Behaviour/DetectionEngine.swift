import SightlineCore
import Synchronization

/// Runs the behavioural detectors over batches of stored events and merges what they find
/// into incidents.
///
/// Invariants:
/// - Time is event time (`timestampMicros`), never the wall clock: a replay gives the same
///   detections as the live run.
/// - A batch is processed in a canonical order (timestamp, then id and other fields), so the
///   order of events *within* a batch does not change the result; the same batches give the
///   same detections on every run and every process (hashes are process-independent).
/// - Memory is bounded by configuration: every per-key table is an LRU with a cap
///   (see ``trackedKeys``), distinct counts are fixed-size HyperLogLog sketches.
/// - State sits in one struct behind a `Mutex`; `process` is synchronous and does no I/O.
///
/// ```swift
/// let engine = DetectionEngine(configuration: .init())
/// let detections = engine.process(events)
/// for incident in engine.incidents where incident.status == .open { print(incident.explanation) }
/// ```
public final class DetectionEngine: Sendable {
    public let configuration: DetectionConfiguration
    private let state: Mutex<EngineState>

    public init(configuration: DetectionConfiguration = .init()) {
        self.configuration = configuration
        state = Mutex(EngineState(configuration))
    }

    /// Runs every enabled detector over `events` and records the detections in the incident
    /// tracker. Events without a route use their path as route.
    /// - Returns: the detections, in processing order.
    public func process(_ events: [Event]) -> [Detection] {
        state.withLock { $0.process(events) }
    }

    /// Incidents so far, ordered by first seen.
    public var incidents: [Incident] { state.withLock { $0.tracker.incidents } }

    /// The incident tracker's persistable state.
    public func snapshot() -> IncidentSnapshot { state.withLock { $0.tracker.snapshot() } }

    /// Reads or changes the incident tracker (acknowledge, resolve, restore).
    public func withTracker<R: Sendable>(_ body: (inout IncidentTracker) -> R) -> R {
        state.withLock { body(&$0.tracker) }
    }

    /// How many keys each bounded table holds now (for memory tests and metrics).
    public var trackedKeys: TrackedKeyCounts { state.withLock { $0.trackedKeys } }

    /// Values handed to the payload classifier so far.
    public var classifiedValues: Int { state.withLock { $0.injection.classified } }
}

/// Sizes of the engine's bounded tables.
public struct TrackedKeyCounts: Sendable, Equatable {
    public var authIPs = 0
    public var authUsers = 0
    public var sprayRoutes = 0
    public var enumerationIdentities = 0
    public var scanningIPs = 0
    public var cachedUserAgents = 0
    public var rateIPs = 0
    public var rateConsumers = 0
    public var exfiltrationConsumers = 0
    public var injectionIPs = 0
    public var cachedRoutes = 0
}

struct EngineState: ~Copyable {
    var tracker: IncidentTracker
    var routes: RouteCatalog
    var auth: AuthFailureDetector
    var spraying: PasswordSprayingDetector
    var enumeration: EnumerationDetector
    var scanning: ScanningDetector
    var rate: RateAbuseDetector
    var exfiltration: ExfiltrationDetector
    var injection: InjectionBurstDetector
    let enabled: Set<DetectorKind>
    let authOn: Bool

    init(_ config: DetectionConfiguration) {
        tracker = IncidentTracker(configuration: config.incidents)
        routes = RouteCatalog(config.authRoutes)
        auth = AuthFailureDetector(config)
        spraying = PasswordSprayingDetector(config)
        enumeration = EnumerationDetector(config)
        scanning = ScanningDetector(config)
        rate = RateAbuseDetector(config)
        exfiltration = ExfiltrationDetector(config)
        injection = InjectionBurstDetector(config)
        enabled = config.enabledDetectors
        authOn = enabled.contains(.bruteForce) || enabled.contains(.credentialStuffing)
    }

    mutating func process(_ events: [Event]) -> [Detection] {
        var out: [Detection] = []
        if Self.isCanonical(events) {
            for e in events { observe(e, into: &out) }
        } else {
            // Times first (cheap integers); whole events are compared only on equal times. A
            // batch already in time order (an access log) only sorts its runs of equal times.
            let stamps = events.map(\.timestampMicros)
            var order = Array(events.indices)
            if zip(stamps, stamps.dropFirst()).allSatisfy({ $0 <= $1 }) {
                var start = 0
                while start < order.count {
                    var end = start + 1
                    while end < order.count && stamps[end] == stamps[start] { end += 1 }
                    if end - start > 1 { order[start..<end].sort { Self.precedes(events[$0], events[$1]) } }
                    start = end
                }
            } else {
                order.sort { a, b in stamps[a] != stamps[b] ? stamps[a] < stamps[b] : Self.precedes(events[a], events[b]) }
            }
            for i in order {
                observe(events[i], into: &out)
            }
        }
        for d in out { tracker.record(d) }
        return out
    }

    private mutating func observe(_ e: Event, into out: inout [Detection]) {
        let route = e.route ?? e.path
        let info = routes.info(for: route)
        let c = EventContext(event: e, route: route, routeInfo: info, routeHash: StableHash.hash(route))
        if authOn { auth.observe(c, into: &out) }
        if enabled.contains(.passwordSpraying) { spraying.observe(c, into: &out) }
        if enabled.contains(.enumeration) { enumeration.observe(c, into: &out) }
        if enabled.contains(.scanning) { scanning.observe(c, into: &out) }
        if enabled.contains(.rateAbuse) { rate.observe(c, into: &out) }
        if enabled.contains(.exfiltration) { exfiltration.observe(c, into: &out) }
        if enabled.contains(.injectionBurst) { injection.observe(c, into: &out) }
    }

    var trackedKeys: TrackedKeyCounts {
        TrackedKeyCounts(
            authIPs: auth.trackedIPs, authUsers: auth.trackedUsers, sprayRoutes: spraying.trackedRoutes,
            enumerationIdentities: enumeration.trackedIdentities, scanningIPs: scanning.trackedIPs,
            cachedUserAgents: scanning.cachedUserAgents, rateIPs: rate.trackedIPs,
            rateConsumers: rate.trackedConsumers, exfiltrationConsumers: exfiltration.trackedConsumers,
            injectionIPs: injection.trackedIPs, cachedRoutes: routes.count)
    }

    static func isCanonical(_ events: [Event]) -> Bool {
        var i = 1
        while i < events.count {
            if !precedes(events[i - 1], events[i]) { return false }
            i += 1
        }
        return true
    }

    /// The canonical order: a strict total order on the fields the detectors read.
    static func precedes(_ a: Event, _ b: Event) -> Bool {
        if a.timestampMicros != b.timestampMicros { return a.timestampMicros < b.timestampMicros }
        if a.id != b.id { return (a.id ?? "") < (b.id ?? "") }
        if a.clientIP != b.clientIP { return (a.clientIP ?? "") < (b.clientIP ?? "") }
        if a.path != b.path { return a.path < b.path }
        if a.status != b.status { return a.status < b.status }
        if a.method != b.method { return a.method < b.method }
        if a.userID != b.userID { return (a.userID ?? "") < (b.userID ?? "") }
        if a.consumer?.id != b.consumer?.id { return (a.consumer?.id ?? "") < (b.consumer?.id ?? "") }
        if a.route != b.route { return (a.route ?? "") < (b.route ?? "") }
        if a.userAgent != b.userAgent { return (a.userAgent ?? "") < (b.userAgent ?? "") }
        if a.responseSize != b.responseSize { return (a.responseSize ?? -1) < (b.responseSize ?? -1) }
        return a.query.lexicographicallyPrecedes(b.query) { ($0.name, $0.value) < ($1.name, $1.value) }
    }
}
