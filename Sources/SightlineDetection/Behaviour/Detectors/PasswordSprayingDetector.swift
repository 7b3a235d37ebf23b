import SightlineCore

/// Detector 3: failures on one auth route spread across many users from many IPs, with only
/// one or two failures per user, while most attempts on the route fail.
///
/// Per auth route: attempts, failures, distinct failed users and distinct failing IPs
/// (HyperLogLog, precision 8). Memory: ≤ `maxTrackedRoutes` × ~1.1 kB.
struct PasswordSprayingDetector {
    private struct RouteState {
        var attempts = WindowedCount()
        var failures = WindowedCount()
        /// Failures over the sketches' horizon (two half-windows), for failures per user.
        var sketchFailures = WindowedCount()
        var users = WindowedDistinct(precision: 8)
        var ips = WindowedDistinct(precision: 8)
        var evidence = EvidenceRing()
        var lastEmit: Int64 = neverEmitted
    }
    private var routes: BoundedTable<String, RouteState>
    private let config: PasswordSprayingConfiguration
    private let failureStatuses: Set<Int>
    private let window: Int64
    private let reemit: Int64
    private let evidenceLimit: Int

    init(_ config: DetectionConfiguration) {
        self.config = config.passwordSpraying
        failureStatuses = config.authRoutes.failureStatuses
        window = self.config.window.micros
        reemit = config.reemitInterval.micros
        evidenceLimit = config.evidenceLimit
        routes = BoundedTable(capacity: self.config.maxTrackedRoutes)
    }

    var trackedRoutes: Int { routes.count }

    mutating func observe(_ c: EventContext, into out: inout [Detection]) {
        guard c.routeInfo.isAuth else { return }
        let t = c.t
        let failed = failureStatuses.contains(c.event.status)
        let (window, reemit, limit, cfg) = (self.window, self.reemit, self.evidenceLimit, self.config)
        routes.update(c.route, make: RouteState()) { s in
            s.attempts.add(at: t, window: window)
            guard failed else { s.failures.roll(to: t, window: window); return }
            s.failures.add(at: t, window: window)
            s.sketchFailures.add(at: t, window: window / 2)
            if let user = c.user { s.users.insert(hash: StableHash.hash(user), at: t, window: window) }
            if let ip = c.ip { s.ips.insert(hash: StableHash.hash(ip), at: t, window: window) }
            s.evidence.append(c.event.id, limit: limit)
            let failures = s.failures.estimate(at: t, window: window)
            let attempts = max(failures, s.attempts.estimate(at: t, window: window))
            let ratio = failures / attempts
            guard failures >= Double(cfg.minDistinctUsers), ratio >= cfg.minFailureRatio,
                  t &- s.lastEmit >= reemit else { return }
            let users = s.users.estimate(at: t, window: window).rounded()
            let ips = s.ips.estimate(at: t, window: window).rounded()
            guard users >= Double(cfg.minDistinctUsers), ips >= Double(cfg.minDistinctIPs),
                  users > 0 else { return }
            let perUser = Double(s.sketchFailures.total(at: t, window: window / 2)) / users
            guard perUser <= cfg.maxFailuresPerUser else { return }
            s.lastEmit = t
            let sev = Severity.scaled(.high, ratio: users / Double(cfg.minDistinctUsers))
            out.append(Detection(
                detector: .passwordSpraying, entity: .init(.route, c.route), severity: sev, timestampMicros: t,
                explanation: "\(Int(failures)) failed logins (\(percent(ratio)) of \(Int(attempts)) attempts) across ~\(Int(users)) users from ~\(Int(ips)) IPs on \(c.route) in \(minutes(window)), \(String(Double(Int(perUser * 10)) / 10)) per user",
                evidenceEventIDs: s.evidence.ordered))
        }
    }
}
