import SightlineCore

/// Detector 4: enumeration / BOLA. One identity — the user when known, else the consumer,
/// else the IP — touching many distinct object ids, walking ids sequentially, or being denied
/// (403/404) on most id-route requests.
///
/// Per identity: requests, denied, distinct (route, id) pairs (HyperLogLog, 256 B), the
/// current sequential run, evidence. Memory: ≤ `maxTrackedIdentities` × ~500 B.
struct EnumerationDetector {
    private struct State {
        var requests = WindowedCount()
        var denied = WindowedCount()
        var ids = WindowedDistinct()
        var lastRoute: UInt64 = 0
        var walkRoute = ""
        var lastID: Int64 = .min
        var lastWalk: Int64 = neverEmitted
        var run = 0
        var evidence = EvidenceRing()
        var lastEmit: Int64 = neverEmitted
    }
    private var identities: BoundedTable<DetectionEntity, State>
    private let config: EnumerationConfiguration
    private let window: Int64
    private let reemit: Int64
    private let evidenceLimit: Int

    init(_ config: DetectionConfiguration) {
        self.config = config.enumeration
        window = self.config.window.micros
        reemit = config.reemitInterval.micros
        evidenceLimit = config.evidenceLimit
        identities = BoundedTable(capacity: self.config.maxTrackedIdentities)
    }

    var trackedIdentities: Int { identities.count }

    mutating func observe(_ c: EventContext, into out: inout [Detection]) {
        guard let index = c.routeInfo.idSegment, let id = c.event.pathSegment(at: index) else { return }
        let entity: DetectionEntity
        if let u = c.user { entity = .init(.user, u) }
        else if let k = c.consumer { entity = .init(.consumer, k) }
        else if let ip = c.ip { entity = .init(.ip, ip) }
        else { return }
        let t = c.t
        let isDenied = config.deniedStatuses.contains(c.event.status)
        let idHash = StableHash.combine(c.routeHash, StableHash.hash(id))
        let numeric = Int64(id)
        let (window, reemit, limit, cfg) = (self.window, self.reemit, self.evidenceLimit, self.config)
        identities.update(entity, make: State()) { s in
            s.requests.add(at: t, window: window)
            if isDenied { s.denied.add(at: t, window: window) } else { s.denied.roll(to: t, window: window) }
            s.ids.insert(hash: idHash, at: t, window: window)
            // The walk follows one route; requests to other routes in between do not break it,
            // a pause longer than the window does.
            if t &- s.lastWalk > window { s.run = 0 }
            var extendsWalk = false
            if s.lastRoute == c.routeHash {
                if let numeric, s.lastID != .min {
                    let step = numeric > s.lastID ? numeric &- s.lastID : s.lastID &- numeric
                    if step >= 1 && step <= cfg.maxSequentialStep {
                        s.run += 1
                        extendsWalk = true
                        s.lastWalk = t
                    } else if step != 0 {
                        s.run = 0
                    }
                } else {
                    s.run = 0
                }
                s.lastID = numeric ?? .min
            } else if s.run < 2 {
                s.lastRoute = c.routeHash
                s.walkRoute = c.route
                s.lastID = numeric ?? .min
                s.run = 0
            }
            if isDenied || s.run > 0 { s.evidence.append(c.event.id, limit: limit) }

            let requests = s.requests.estimate(at: t, window: window)
            let denied = s.denied.estimate(at: t, window: window)
            let deniedRatio = requests > 0 ? denied / requests : 0
            var reasons: [String] = []
            var score = 0.0
            var distinct = -1.0
            if extendsWalk, s.run + 1 >= cfg.sequentialRun {
                reasons.append("walked \(s.run + 1) sequential ids on \(s.walkRoute)")
                score = max(score, Double(s.run + 1) / Double(cfg.sequentialRun))
            }
            if requests >= Double(cfg.distinctIDs) {
                distinct = s.ids.estimate(at: t, window: window).rounded()
                if distinct >= Double(cfg.distinctIDs) {
                    reasons.append("~\(Int(distinct)) distinct ids")
                    score = max(score, distinct / Double(cfg.distinctIDs))
                }
            }
            if requests >= Double(cfg.deniedMinRequests), deniedRatio >= cfg.deniedRatio {
                if distinct < 0 { distinct = s.ids.estimate(at: t, window: window).rounded() }
                if distinct >= Double(cfg.deniedMinDistinctIDs) {
                    reasons.append("\(percent(deniedRatio)) of \(Int(requests)) id requests denied (403/404) over ~\(Int(distinct)) ids")
                    score = max(score, deniedRatio / cfg.deniedRatio)
                }
            }
            guard !reasons.isEmpty, t &- s.lastEmit >= reemit else { return }
            s.lastEmit = t
            // Mostly-successful walks are the worse case: objects were actually returned.
            let base: Severity = deniedRatio < 0.5 ? .high : .medium
            out.append(Detection(
                detector: .enumeration, entity: entity, severity: Severity.scaled(base, ratio: score), timestampMicros: t,
                explanation: "\(entity) " + reasons.joined(separator: "; ") + " in \(minutes(window)) (\(percent(1 - deniedRatio)) succeeded)",
                evidenceEventIDs: s.evidence.ordered))
        }
    }
}
