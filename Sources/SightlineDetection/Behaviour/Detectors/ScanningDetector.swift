import SightlineCore

/// Detector 5: scanning and probing from one IP — bursts of 404s over many distinct paths,
/// probes of sensitive files (`/.env`, `/.git/config`, `/actuator`, backups …) and known
/// scanner user agents.
///
/// Per IP: 404 count, distinct 404 paths (HyperLogLog, 256 B), sensitive probes, scanner-UA
/// hits, evidence. Memory: ≤ `maxTrackedIPs` × ~500 B, plus the user-agent cache
/// (≤ `maxCachedUserAgents` entries, cleared when full).
struct ScanningDetector {
    private struct State {
        var notFound = WindowedCount()
        var paths = WindowedDistinct()
        var sensitive = WindowedCount()
        var exposed = 0
        var lastMarker: Int = -1
        var scannerUA: Int = -1
        var evidence = EvidenceRing()
        var lastEmit: Int64 = neverEmitted
    }
    private var ips: BoundedTable<String, State>
    private var agentCache: [String: Int] = [:]
    private let config: ScanningConfiguration
    private let paths: MarkerMatcher
    private let agents: MarkerMatcher
    private let window: Int64
    private let reemit: Int64
    private let evidenceLimit: Int

    init(_ config: DetectionConfiguration) {
        self.config = config.scanning
        paths = MarkerMatcher(self.config.sensitivePathMarkers)
        agents = MarkerMatcher(self.config.scannerUserAgents)
        window = self.config.window.micros
        reemit = config.reemitInterval.micros
        evidenceLimit = config.evidenceLimit
        ips = BoundedTable(capacity: self.config.maxTrackedIPs)
    }

    var trackedIPs: Int { ips.count }
    var cachedUserAgents: Int { agentCache.count }

    private mutating func scannerAgent(_ ua: String) -> Int {
        if let hit = agentCache[ua] { return hit }
        let k = agents.firstMatch(in: ua) ?? -1
        if agentCache.count >= config.maxCachedUserAgents { agentCache.removeAll(keepingCapacity: true) }
        agentCache[ua] = k
        return k
    }

    mutating func observe(_ c: EventContext, into out: inout [Detection]) {
        guard let ip = c.ip else { return }
        let status = c.event.status
        let isNotFound = status == 404
        // Templated routes are known endpoints, so only literal routes can be probes.
        let marker = c.routeInfo.idSegment == nil && !c.route.contains("{") ? (paths.firstMatch(in: c.event.path) ?? -1) : -1
        let agent = c.event.userAgent.map { scannerAgent($0) } ?? -1
        guard isNotFound || marker >= 0 || agent >= 0 else { return }
        let t = c.t
        let (window, reemit, limit, cfg) = (self.window, self.reemit, self.evidenceLimit, self.config)
        let pathHash = isNotFound ? StableHash.hash(c.event.path) : 0
        ips.update(ip, make: State()) { s in
            if isNotFound {
                s.notFound.add(at: t, window: window)
                s.paths.insert(hash: pathHash, at: t, window: window)
            }
            if marker >= 0 {
                s.sensitive.add(at: t, window: window)
                s.lastMarker = marker
                if status < 300 { s.exposed += 1 }
            }
            if agent >= 0 { s.scannerUA = agent }
            s.evidence.append(c.event.id, limit: limit)
            guard t &- s.lastEmit >= reemit else { return }

            var reasons: [String] = []
            var severity = Severity.low
            let nf = s.notFound.estimate(at: t, window: window)
            if nf >= Double(cfg.notFoundCount) {
                let distinct = s.paths.estimate(at: t, window: window).rounded()
                if distinct >= Double(cfg.notFoundDistinctPaths) {
                    reasons.append("\(Int(nf)) 404s over ~\(Int(distinct)) distinct paths")
                    severity = max(severity, Severity.scaled(.medium, ratio: nf / Double(cfg.notFoundCount)))
                }
            }
            let probes = s.sensitive.estimate(at: t, window: window)
            if probes >= Double(cfg.sensitiveProbes), s.lastMarker >= 0 {
                let exposed = s.exposed > 0 ? ", \(s.exposed) answered 2xx" : ""
                reasons.append("\(Int(probes)) sensitive-file probe(s) (e.g. \(paths.needle(s.lastMarker)))\(exposed)")
                severity = max(severity, s.exposed > 0 ? .critical : .medium)
            }
            if s.scannerUA >= 0 {
                reasons.append("scanner user agent (\(agents.needle(s.scannerUA)))")
                severity = max(severity, .medium)
            }
            guard !reasons.isEmpty else { return }
            s.lastEmit = t
            s.exposed = 0
            s.scannerUA = -1
            out.append(Detection(
                detector: .scanning, entity: .init(.ip, ip), severity: severity, timestampMicros: t,
                explanation: "\(ip): " + reasons.joined(separator: "; ") + " in \(minutes(window))",
                evidenceEventIDs: s.evidence.ordered))
        }
    }
}
