/// Thresholds, windows and memory caps of every behavioural detector.
///
/// Defaults are chosen so that normal multi-user traffic (see ``LabelledTrafficGenerator``)
/// raises no incident while each scripted attack does; `docs/detectors.md` gives the reasoning.
/// Every per-key table is capped (`maxTracked…`), so memory is bounded by configuration, not
/// by traffic. Windows are in event time.
///
/// ```swift
/// var config = DetectionConfiguration()
/// config.bruteForce.failuresPerIP = 30
/// config.enabledDetectors.remove(.injectionBurst)
/// let engine = DetectionEngine(configuration: config)
/// ```
public struct DetectionConfiguration: Sendable {
    /// Detectors that run; all by default.
    public var enabledDetectors: Set<DetectorKind> = Set(DetectorKind.allCases)
    /// Evidence event ids kept per tracked key and per detection.
    public var evidenceLimit: Int = 10
    /// A key that already produced a detection produces the next one (for the same detector)
    /// no sooner than this, in event time. The incident tracker merges the repeats.
    public var reemitInterval: Duration = .seconds(60)

    public var authRoutes = AuthRouteConfiguration()
    public var bruteForce = BruteForceConfiguration()
    public var credentialStuffing = CredentialStuffingConfiguration()
    public var passwordSpraying = PasswordSprayingConfiguration()
    public var enumeration = EnumerationConfiguration()
    public var scanning = ScanningConfiguration()
    public var rateAbuse = RateAbuseConfiguration()
    public var exfiltration = ExfiltrationConfiguration()
    public var injection = InjectionBurstConfiguration()
    public var incidents = IncidentConfiguration()

    public init() {}
}

/// Which routes are authentication routes.
public struct AuthRouteConfiguration: Sendable {
    /// A route is an auth route when one of its segments, lower-cased, equals a keyword, or
    /// splits on `-`, `_`, `.` into a word that does, or equals one with separators removed
    /// (`sign-in` → `signin`). Words, not substrings: `/authors` is not an auth route.
    public var keywords: Set<String> = [
        "login", "logon", "signin", "auth", "oauth", "oauth2", "token", "tokens", "session", "sessions",
        "password", "passwords", "authenticate", "authorize", "mfa", "otp", "2fa",
    ]
    /// Statuses that count as a failed attempt.
    public var failureStatuses: Set<Int> = [401, 403]
    /// Distinct routes whose classification is cached (cleared when full).
    public var maxCachedRoutes: Int = 4096
    public init() {}
}

/// Detector 1: many failures on auth routes by one IP or against one user.
public struct BruteForceConfiguration: Sendable {
    public var window: Duration = .seconds(300)
    /// Failures from one IP in `window` (when they target fewer than the stuffing threshold of users).
    public var failuresPerIP: Int = 20
    /// Failures against one user in `window`, from any IPs.
    public var failuresPerUser: Int = 12
    public var maxTrackedIPs: Int = 50_000
    public var maxTrackedUsers: Int = 50_000
    public init() {}
}

/// Detector 2: one IP trying many distinct usernames, mostly failing.
public struct CredentialStuffingConfiguration: Sendable {
    /// Uses the brute-force window and IP table.
    public var minDistinctUsers: Int = 10
    public var minFailures: Int = 10
    /// Failed share of the IP's auth attempts in the window.
    public var minFailureRatio: Double = 0.6
    public init() {}
}

/// Detector 3: failures spread across many users from many IPs, few per user.
public struct PasswordSprayingConfiguration: Sendable {
    public var window: Duration = .seconds(900)
    public var minDistinctUsers: Int = 25
    public var minDistinctIPs: Int = 5
    /// Failures per distinct user must stay at or below this (spraying = 1–2 tries per user).
    public var maxFailuresPerUser: Double = 2.5
    /// Failed share of all attempts on the route in the window (normal typo rate is ~5%).
    public var minFailureRatio: Double = 0.2
    public var maxTrackedRoutes: Int = 256
    public init() {}
}

/// Detector 4: one identity (user, else consumer, else IP) walking object ids.
public struct EnumerationConfiguration: Sendable {
    public var window: Duration = .seconds(300)
    /// A placeholder is an object id when its name, lower-cased, is `id`, `uuid` or ends in `id`.
    /// Only the last such placeholder of a route is used.
    /// Distinct (route, id) pairs in the window (HyperLogLog estimate).
    public var distinctIDs: Int = 300
    /// Consecutive requests on one route whose numeric id moves by 1…`maxSequentialStep`.
    public var sequentialRun: Int = 20
    public var maxSequentialStep: Int64 = 2
    /// Denied (403/404) share of id-route requests, with at least `deniedMinRequests` requests
    /// over at least `deniedMinDistinctIDs` ids.
    public var deniedRatio: Double = 0.5
    public var deniedMinRequests: Int = 25
    public var deniedMinDistinctIDs: Int = 15
    public var deniedStatuses: Set<Int> = [403, 404]
    public var maxTrackedIdentities: Int = 50_000
    public init() {}
}

/// Detector 5: 404 bursts, sensitive-file probes and scanner user agents.
public struct ScanningConfiguration: Sendable {
    public var window: Duration = .seconds(120)
    public var notFoundCount: Int = 30
    public var notFoundDistinctPaths: Int = 20
    /// Probes of sensitive paths from one IP in the window that raise a detection.
    public var sensitiveProbes: Int = 1
    /// Case-insensitive substrings of the path that mark a sensitive-file probe.
    public var sensitivePathMarkers: [String] = [
        "/.env", "/.git/", "/.git", "/.svn", "/.hg/", "/.ds_store", "/.aws/", "/.ssh/", "/.npmrc", "/.docker",
        "/.htaccess", "/.htpasswd", "/web.config", "/wp-admin", "/wp-login", "/wp-config", "/xmlrpc.php",
        "/phpmyadmin", "/phpinfo", "/server-status", "/server-info", "/actuator", "/cgi-bin/", "/etc/passwd",
        "/id_rsa", "/config.php", "/debug/pprof", "/.bash_history", "/backup.", "/dump.sql", ".sql.gz",
        ".bak", ".swp", ".old", ".orig",
    ]
    /// Case-insensitive substrings of the user agent that identify a scanner.
    public var scannerUserAgents: [String] = [
        "sqlmap", "nikto", "nmap", "masscan", "zgrab", "nuclei", "gobuster", "dirbuster", "wpscan", "dirb/",
        "ffuf", "feroxbuster", "acunetix", "nessus", "openvas", "w3af", "arachni", "skipfish", "wfuzz",
        "netsparker", "whatweb", "jaeles", "commix", "hydra",
    ]
    public var maxTrackedIPs: Int = 50_000
    /// Distinct user agents whose classification is cached (cleared when full).
    public var maxCachedUserAgents: Int = 4096
    public init() {}
}

/// Detector 6: per-minute request rate far above the key's own baseline, or an absolute ceiling.
public struct RateAbuseConfiguration: Sendable {
    /// EWMA weight of each completed active minute.
    public var alpha: Double = 0.2
    /// Active minutes before the baseline is trusted; until then only the ceilings apply.
    public var warmupMinutes: Int = 10
    /// Current minute ≥ `factor` × baseline …
    public var factor: Double = 8
    /// … and ≥ this floor.
    public var minPerMinute: Int = 150
    public var ceilingPerIPPerMinute: Int = 3_000
    public var ceilingPerConsumerPerMinute: Int = 30_000
    public var maxTrackedIPs: Int = 50_000
    public var maxTrackedConsumers: Int = 20_000
    public init() {}
}

/// Detector 7: response bytes or requests per consumer far above its own baseline and its peers'.
public struct ExfiltrationConfiguration: Sendable {
    public var window: Duration = .seconds(300)
    public var alpha: Double = 0.2
    public var warmupWindows: Int = 4
    /// ≥ `selfFactor` × own baseline (a consumer not yet warmed up uses the peer median) …
    public var selfFactor: Double = 6
    /// … and ≥ `peerFactor` × the median baseline of warmed-up consumers …
    public var peerFactor: Double = 10
    /// … and at least this much in the window.
    public var minBytes: Int64 = 50_000_000
    public var minRequests: Int = 2_000
    /// Peer medians need this many warmed-up consumers; with fewer only the own baseline counts.
    public var minPeers: Int = 5
    public var maxTrackedConsumers: Int = 20_000
    public init() {}
}

/// Detector 8: payload-classifier hits per IP.
public struct InjectionBurstConfiguration: Sendable {
    /// Whether requests go through ``RequestInspector`` (path segments, query values, selected
    /// headers and cookies, captured JSON/form bodies) at all.
    public var classifyPayloads: Bool = true
    public var window: Duration = .seconds(300)
    /// Events with at least one attack value from one IP in the window.
    public var hits: Int = 5
    public var maxTrackedIPs: Int = 50_000
    public init() {}
}

/// How detections merge into incidents.
public struct IncidentConfiguration: Sendable {
    /// A detection joins the open incident of the same detector and entity when it comes
    /// within this much event time of the incident's last detection; otherwise a new one opens.
    public var quietPeriod: Duration = .seconds(1800)
    public var evidenceLimit: Int = 50
    /// Incidents kept; beyond it the oldest resolved, then oldest quiet ones, are dropped.
    public var maxIncidents: Int = 10_000
    public init() {}
}

extension Duration {
    /// Whole microseconds (at least 1).
    var micros: Int64 {
        let c = components
        return max(1, c.seconds * 1_000_000 + c.attoseconds / 1_000_000_000_000)
    }
}
