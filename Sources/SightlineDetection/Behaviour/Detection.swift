/// One finding of a behavioural detector: who did what, how bad, when, and the events behind it.
///
/// Invariants:
/// - `explanation` states the numbers that crossed the threshold (counts, window, baseline);
///   it never quotes captured payloads, only identifiers (IP, consumer id, user id, route).
/// - `evidenceEventIDs` holds at most ``DetectionConfiguration/evidenceLimit`` ids, most
///   recent last; events without an `id` contribute none.
/// - `timestampMicros` is event time (the event that triggered it), never the wall clock.
///
/// ```swift
/// let engine = DetectionEngine()
/// for d in engine.process(events) { print(d.severity, d.detector, d.entity, d.explanation) }
/// ```
public struct Detection: Sendable, Equatable, Hashable, Codable {
    /// Which detector fired.
    public var detector: DetectorKind
    /// OWASP API Security Top 10 (2023) category; see ``DetectorKind/owaspCategory``.
    public var owaspCategory: OWASPCategory
    /// The actor the finding is about.
    public var entity: DetectionEntity
    public var severity: Severity
    /// Event time of the triggering event, µs since the Unix epoch.
    public var timestampMicros: Int64
    /// Human explanation with the numbers, e.g. "41 failed logins for 23 users from 203.0.113.7 in 5 min".
    public var explanation: String
    /// Ids of (some of) the events behind the finding, bounded, most recent last.
    public var evidenceEventIDs: [String]

    public init(
        detector: DetectorKind, entity: DetectionEntity, severity: Severity, timestampMicros: Int64,
        explanation: String, evidenceEventIDs: [String] = []
    ) {
        self.detector = detector
        self.owaspCategory = detector.owaspCategory
        self.entity = entity
        self.severity = severity
        self.timestampMicros = timestampMicros
        self.explanation = explanation
        self.evidenceEventIDs = evidenceEventIDs
    }
}

/// The behavioural detectors.
public enum DetectorKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case bruteForce = "brute-force"
    case credentialStuffing = "credential-stuffing"
    case passwordSpraying = "password-spraying"
    case enumeration = "enumeration"
    case scanning = "scanning"
    case rateAbuse = "rate-abuse"
    case exfiltration = "exfiltration"
    case injectionBurst = "injection-burst"

    /// The OWASP API Security Top 10 2023 category each detector maps to.
    ///
    /// - authentication attacks → API2 Broken Authentication;
    /// - enumeration of object ids → API1 Broken Object Level Authorization;
    /// - scanning / probing for exposed files and admin consoles → API8 Security Misconfiguration;
    /// - rate abuse / DoS → API4 Unrestricted Resource Consumption;
    /// - scraping / bulk export → API6 Unrestricted Access to Sensitive Business Flows;
    /// - injection bursts → API8 Security Misconfiguration: the 2023 list has no injection
    ///   category (it was API8:2019 *Injection*); OWASP folds missing input hardening into API8:2023.
    public var owaspCategory: OWASPCategory {
        switch self {
        case .bruteForce, .credentialStuffing, .passwordSpraying: .api2BrokenAuthentication
        case .enumeration: .api1BrokenObjectLevelAuthorization
        case .scanning, .injectionBurst: .api8SecurityMisconfiguration
        case .rateAbuse: .api4UnrestrictedResourceConsumption
        case .exfiltration: .api6UnrestrictedAccessToSensitiveBusinessFlows
        }
    }

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// OWASP API Security Top 10, 2023 edition. The raw value is the official short id.
public enum OWASPCategory: String, Sendable, Hashable, Codable, CaseIterable {
    case api1BrokenObjectLevelAuthorization = "API1:2023"
    case api2BrokenAuthentication = "API2:2023"
    case api3BrokenObjectPropertyLevelAuthorization = "API3:2023"
    case api4UnrestrictedResourceConsumption = "API4:2023"
    case api5BrokenFunctionLevelAuthorization = "API5:2023"
    case api6UnrestrictedAccessToSensitiveBusinessFlows = "API6:2023"
    case api7ServerSideRequestForgery = "API7:2023"
    case api8SecurityMisconfiguration = "API8:2023"
    case api9ImproperInventoryManagement = "API9:2023"
    case api10UnsafeConsumptionOfAPIs = "API10:2023"

    /// The official title, e.g. "Broken Authentication".
    public var title: String {
        switch self {
        case .api1BrokenObjectLevelAuthorization: "Broken Object Level Authorization"
        case .api2BrokenAuthentication: "Broken Authentication"
        case .api3BrokenObjectPropertyLevelAuthorization: "Broken Object Property Level Authorization"
        case .api4UnrestrictedResourceConsumption: "Unrestricted Resource Consumption"
        case .api5BrokenFunctionLevelAuthorization: "Broken Function Level Authorization"
        case .api6UnrestrictedAccessToSensitiveBusinessFlows: "Unrestricted Access to Sensitive Business Flows"
        case .api7ServerSideRequestForgery: "Server Side Request Forgery"
        case .api8SecurityMisconfiguration: "Security Misconfiguration"
        case .api9ImproperInventoryManagement: "Improper Inventory Management"
        case .api10UnsafeConsumptionOfAPIs: "Unsafe Consumption of APIs"
        }
    }
}

/// The actor a detection is about.
public struct DetectionEntity: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A client IP address.
        case ip
        /// An API consumer (customer / API-key owner), ``Consumer/id``.
        case consumer
        /// An end user, ``Event/userID``.
        case user
        /// An API key, when keys are tracked apart from consumers.
        case key
        /// A route template: for attacks spread over many IPs and users (password spraying).
        case route
    }
    public var kind: Kind
    public var value: String
    public init(_ kind: Kind, _ value: String) {
        self.kind = kind
        self.value = value
    }
    public var description: String { "\(kind.rawValue) \(value)" }
}

/// How urgent a detection or incident is.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case low, medium, high, critical
    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    /// `base` raised one step per doubling of `ratio` beyond 2 (ratio = observed / threshold).
    static func scaled(_ base: Severity, ratio: Double) -> Severity {
        var s = base
        var r = ratio
        while r >= 2, s < .critical {
            s = Self.allCases[s.rank + 1]
            r /= 4
        }
        return s
    }
}

/// The "last emitted" time of a key that never emitted: far in the past, yet safe to subtract from.
let neverEmitted: Int64 = -(1 << 60)
