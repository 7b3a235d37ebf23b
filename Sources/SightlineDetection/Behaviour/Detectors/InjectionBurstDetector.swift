import SightlineCore

/// Detector 8: injection bursts. Events from one IP in which ``PayloadClassifier`` judges at
/// least one request value an attack, above a count in a window.
///
/// The values are those ``RequestInspector`` reads (path segments, query values, selected
/// headers and cookies, captured JSON/form bodies value by value, Mongo operator keys); it
/// stops at the first attack. Values made only of letters, digits, `-`, `_` and single dots
/// are skipped without calling the classifier. The explanation names the locations that
/// fired (`query.q`, `header.user-agent`, `body.$.filter.name`), never the values.
/// Per IP ~400 B. Memory: ≤ `maxTrackedIPs` × ~400 B, plus a header-verdict cache ≤ 4,096 × ~0.7 KB.
struct InjectionBurstDetector {
    private struct State {
        var hits = WindowedCount()
        var types: [AttackType: Int] = [:]
        /// Locations that fired in the window (at most `maxLocations` distinct).
        var locations: [String: Int] = [:]
        var routes = WindowedDistinct(precision: 4)
        var evidence = EvidenceRing()
        var lastEmit: Int64 = neverEmitted
    }
    private var ips: BoundedTable<String, State>
    private let inspector = RequestInspector()
    /// Verdicts of recent user agents / referers (≤ 4,096 values of ≤ 512 B).
    private var headerCache = RequestInspector.HeaderCache()
    private static let maxLocations = 4
    private let config: InjectionBurstConfiguration
    private let window: Int64
    private let reemit: Int64
    private let evidenceLimit: Int
    /// Values passed to the classifier so far (for the benchmark).
    private(set) var classified = 0

    init(_ config: DetectionConfiguration) {
        self.config = config.injection
        window = self.config.window.micros
        reemit = config.reemitInterval.micros
        evidenceLimit = config.evidenceLimit
        ips = BoundedTable(capacity: self.config.maxTrackedIPs)
    }

    var trackedIPs: Int { ips.count }

    /// Whether `s` can skip classification (see ``RequestInspector/isPlain(_:)``).
    @inline(__always)
    static func isPlain(_ s: some StringProtocol) -> Bool { RequestInspector.isPlain(s) }

    /// The first attack among the event's request values.
    private mutating func firstAttack(_ e: Event) -> RequestFinding? {
        let scan = inspector.inspect(e, stoppingAtFirst: true, cache: &headerCache)
        classified += scan.valuesClassified
        return scan.findings.first
    }

    mutating func observe(_ c: EventContext, into out: inout [Detection]) {
        guard config.classifyPayloads, let ip = c.ip, let finding = firstAttack(c.event), let type = finding.verdict.type else { return }
        let t = c.t
        let (window, reemit, limit, cfg) = (self.window, self.reemit, self.evidenceLimit, self.config)
        ips.update(ip, make: State()) { s in
            if s.hits.estimate(at: t, window: window) == 0 { s.types.removeAll(); s.locations.removeAll() }
            s.hits.add(at: t, window: window)
            s.types[type, default: 0] += 1
            if s.locations[finding.location] != nil || s.locations.count < Self.maxLocations {
                s.locations[finding.location, default: 0] += 1
            }
            s.routes.insert(hash: c.routeHash, at: t, window: window)
            s.evidence.append(c.event.id, limit: limit)
            let hits = s.hits.estimate(at: t, window: window)
            guard hits >= Double(cfg.hits), t &- s.lastEmit >= reemit else { return }
            s.lastEmit = t
            let mix = s.types.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
                .map { "\($0.key.rawValue) ×\($0.value)" }.joined(separator: ", ")
            let routes = Int(s.routes.estimate(at: t, window: window).rounded())
            let places = s.locations.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map(\.key).joined(separator: ", ")
            out.append(Detection(
                detector: .injectionBurst, entity: .init(.ip, ip),
                severity: Severity.scaled(.high, ratio: hits / Double(cfg.hits)), timestampMicros: t,
                explanation: "\(Int(hits)) requests carrying injection payloads (\(mix)) in \(places) across \(routes) route(s) from \(ip) in \(minutes(window))",
                evidenceEventIDs: s.evidence.ordered))
        }
    }
}
