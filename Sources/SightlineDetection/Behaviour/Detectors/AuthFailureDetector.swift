import SightlineCore

/// Detectors 1 and 2: brute force (many failures by one IP or against one user) and
/// credential stuffing (one IP, many distinct usernames, mostly failing), on auth routes.
///
/// Per IP: attempts and failures (``WindowedCount``), distinct failed usernames
/// (``WindowedDistinct``), evidence. Per user: failures, distinct IPs, evidence.
/// Memory: ≤ `maxTrackedIPs` × ~400 B + `maxTrackedUsers` × ~400 B.
struct AuthFailureDetector {
    private struct IPState {
        var attempts = WindowedCount()
        var failures = WindowedCount()
        var users = WindowedDistinct()
        var evidence = EvidenceRing()
        var lastBruteForce: Int64 = neverEmitted
        var lastStuffing: Int64 = neverEmitted
    }
    private struct UserState {
        var failures = WindowedCount()
        var ips = WindowedDistinct(precision: 5)
        var evidence = EvidenceRing()
        var lastEmit: Int64 = neverEmitted
    }

    private var ips: BoundedTable<String, IPState>
    private var users: BoundedTable<String, UserState>
    private let bf: BruteForceConfiguration
    private let cs: CredentialStuffingConfiguration
    private let failureStatuses: Set<Int>
    private let window: Int64
    private let reemit: Int64
    private let evidenceLimit: Int
    let bruteForceEnabled: Bool
    let stuffingEnabled: Bool

    init(_ config: DetectionConfiguration) {
        bf = config.bruteForce
        cs = config.credentialStuffing
        failureStatuses = config.authRoutes.failureStatuses
        window = bf.window.micros
        reemit = config.reemitInterval.micros
        evidenceLimit = config.evidenceLimit
        ips = BoundedTable(capacity: bf.maxTrackedIPs)
        users = BoundedTable(capacity: bf.maxTrackedUsers)
        bruteForceEnabled = config.enabledDetectors.contains(.bruteForce)
        stuffingEnabled = config.enabledDetectors.contains(.credentialStuffing)
    }

    var trackedIPs: Int { ips.count }
    var trackedUsers: Int { users.count }

    mutating func observe(_ c: EventContext, into out: inout [Detection]) {
        guard c.routeInfo.isAuth else { return }
        let t = c.t
        let failed = failureStatuses.contains(c.event.status)
        let userHash = c.user.map { StableHash.hash($0) }
        let (window, reemit, limit, bf, cs) = (self.window, self.reemit, self.evidenceLimit, self.bf, self.cs)
        let (bfOn, csOn) = (bruteForceEnabled, stuffingEnabled)
        if let ip = c.ip {
            ips.update(ip, make: IPState()) { s in
                s.attempts.add(at: t, window: window)
                guard failed else { s.failures.roll(to: t, window: window); return }
                s.failures.add(at: t, window: window)
                if let userHash { s.users.insert(hash: userHash, at: t, window: window) }
                s.evidence.append(c.event.id, limit: limit)
                let failures = s.failures.estimate(at: t, window: window)
                guard failures >= Double(min(cs.minFailures, bf.failuresPerIP)) else { return }
                let distinct = s.users.estimate(at: t, window: window).rounded()
                let attempts = max(failures, s.attempts.estimate(at: t, window: window))
                let ratio = failures / attempts
                if distinct >= Double(cs.minDistinctUsers) {
                    guard csOn, failures >= Double(cs.minFailures), ratio >= cs.minFailureRatio,
                          t &- s.lastStuffing >= reemit else { return }
                    s.lastStuffing = t
                    let sev = Severity.scaled(.high, ratio: distinct / Double(cs.minDistinctUsers))
                    out.append(Detection(
                        detector: .credentialStuffing, entity: .init(.ip, ip), severity: sev, timestampMicros: t,
                        explanation: "\(Int(failures)) failed logins (\(percent(ratio)) of \(Int(attempts)) attempts) for ~\(Int(distinct)) distinct users from \(ip) in \(minutes(window))",
                        evidenceEventIDs: s.evidence.ordered))
                } else if bfOn, failures >= Double(bf.failuresPerIP), t &- s.lastBruteForce >= reemit {
                    s.lastBruteForce = t
                    let sev = Severity.scaled(.medium, ratio: failures / Double(bf.failuresPerIP))
                    out.append(Detection(
                        detector: .bruteForce, entity: .init(.ip, ip), severity: sev, timestampMicros: t,
                        explanation: "\(Int(failures)) failed logins for \(Int(distinct)) user(s) from \(ip) in \(minutes(window)) on \(c.route)",
                        evidenceEventIDs: s.evidence.ordered))
                }
            }
        }
        guard failed, bfOn, let user = c.user else { return }
        let ipHash = c.ip.map { StableHash.hash($0) }
        users.update(user, make: UserState()) { s in
            s.failures.add(at: t, window: window)
            if let ipHash { s.ips.insert(hash: ipHash, at: t, window: window) }
            s.evidence.append(c.event.id, limit: limit)
            let failures = s.failures.estimate(at: t, window: window)
            guard failures >= Double(bf.failuresPerUser), t &- s.lastEmit >= reemit else { return }
            s.lastEmit = t
            let distinctIPs = Int(s.ips.estimate(at: t, window: window).rounded())
            let sev = Severity.scaled(.medium, ratio: failures / Double(bf.failuresPerUser))
            out.append(Detection(
                detector: .bruteForce, entity: .init(.user, user), severity: sev, timestampMicros: t,
                explanation: "\(Int(failures)) failed logins against user \(user) from \(distinctIPs) IP(s) in \(minutes(window))",
                evidenceEventIDs: s.evidence.ordered))
        }
    }
}

/// "5 min", "90 s".
func minutes(_ micros: Int64) -> String {
    let s = micros / 1_000_000
    return s % 60 == 0 ? "\(s / 60) min" : "\(s) s"
}

/// "87%".
func percent(_ r: Double) -> String { "\(Int((r * 100).rounded()))%" }

/// "12.3 MB".
func bytes(_ b: Double) -> String {
    if b >= 1e9 { return "\(Double(Int(b / 1e8)) / 10) GB" }
    if b >= 1e6 { return "\(Double(Int(b / 1e5)) / 10) MB" }
    if b >= 1e3 { return "\(Double(Int(b / 1e2)) / 10) kB" }
    return "\(Int(b)) B"
}
