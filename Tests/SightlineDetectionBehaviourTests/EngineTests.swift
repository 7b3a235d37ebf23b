import Foundation
import SightlineCore
import Testing
@testable import SightlineDetection

@Suite("Engine and incidents")
struct EngineTests {
    /// One failed login every 2 s from one IP against one user, for `minutes`.
    func bruteForce(from start: Double, minutes: Int) -> [Event] {
        (0..<(minutes * 30)).map { i in
            Fixtures.event(start + Double(i) * 2, "POST", "/login", status: 401, ip: "203.0.113.7", user: "alice")
        }
    }

    @Test("repeated detections update one incident; a later attack after the quiet period opens another")
    func merging() throws {
        let engine = DetectionEngine()
        var detections = engine.process(bruteForce(from: 0, minutes: 20))
        let ipDetections = detections.filter { $0.entity == .init(.ip, "203.0.113.7") }
        #expect(ipDetections.count >= 15)
        var incidents = engine.incidents.filter { $0.entity == .init(.ip, "203.0.113.7") }
        #expect(incidents.count == 1)
        let incident = try #require(incidents.first)
        #expect(incident.count == ipDetections.count)
        #expect(incident.detector == .bruteForce && incident.owaspCategory == .api2BrokenAuthentication)
        #expect(incident.evidenceEventIDs.count <= IncidentConfiguration().evidenceLimit)
        #expect(incident.id == Incident.makeID(detector: .bruteForce, entity: incident.entity, firstSeenMicros: incident.firstSeenMicros))
        #expect(incident.explanation.contains("203.0.113.7"))

        // Two hours later: beyond the 30 min quiet period → a second incident.
        detections = engine.process(bruteForce(from: 7_200, minutes: 6))
        #expect(!detections.isEmpty)
        incidents = engine.incidents.filter { $0.entity == .init(.ip, "203.0.113.7") }
        #expect(incidents.count == 2)

        // Resolving closes it: the next detection opens a third.
        engine.withTracker { _ = $0.resolve(id: incidents[1].id) }
        _ = engine.process(bruteForce(from: 7_200 + 400, minutes: 3))
        let after = engine.incidents.filter { $0.entity == .init(.ip, "203.0.113.7") }
        #expect(after.count == 3)
        #expect(after.contains { $0.status == .resolved })
    }

    @Test("snapshot round-trips through JSON and restores merging")
    func snapshot() throws {
        let engine = DetectionEngine()
        _ = engine.process(bruteForce(from: 0, minutes: 5))
        let snap = engine.snapshot()
        #expect(!snap.incidents.isEmpty)
        let data = try JSONEncoder().encode(snap)
        let decoded = try JSONDecoder().decode(IncidentSnapshot.self, from: data)
        #expect(decoded == snap)
        var tracker = IncidentTracker(snapshot: decoded)
        let first = try #require(decoded.incidents.first)
        let merged = tracker.record(Detection(
            detector: first.detector, entity: first.entity, severity: .critical,
            timestampMicros: first.lastSeenMicros + 60_000_000, explanation: "more"))
        #expect(merged.id == first.id && merged.count == first.count + 1 && merged.severity == .critical)
        let acknowledged = tracker.acknowledge(id: first.id)
        #expect(acknowledged)
        #expect(tracker.incident(id: first.id)?.status == .acknowledged)
    }

    @Test("tracked keys stay within the configured caps under a flood of distinct IPs, paths, users and agents")
    func memoryBounds() {
        var config = DetectionConfiguration()
        let cap = 500
        config.bruteForce.maxTrackedIPs = cap
        config.bruteForce.maxTrackedUsers = cap
        config.passwordSpraying.maxTrackedRoutes = 16
        config.enumeration.maxTrackedIdentities = cap
        config.scanning.maxTrackedIPs = cap
        config.scanning.maxCachedUserAgents = cap
        config.rateAbuse.maxTrackedIPs = cap
        config.rateAbuse.maxTrackedConsumers = cap
        config.exfiltration.maxTrackedConsumers = cap
        config.injection.maxTrackedIPs = cap
        config.authRoutes.maxCachedRoutes = cap
        let engine = DetectionEngine(configuration: config)
        var rng = SeededRandom(seed: 5)
        for b in 0..<10 {
            var batch: [Event] = []
            for i in 0..<3_000 {
                let n = b * 3_000 + i
                let ip = "198.18.\(n / 256 % 256).\(n % 256)"
                let t = Double(n) * 0.01
                switch n % 5 {
                case 0: batch.append(Fixtures.event(t, "GET", "/x/\(rng.next())", status: 404, ip: ip, agent: "agent-\(n)"))
                case 1: batch.append(Fixtures.event(t, "POST", "/login/\(n % 40)", route: "/login/\(n % 40)", status: 401, ip: ip, user: "u\(n)"))
                case 2: batch.append(Fixtures.event(t, "GET", "/orders/\(n)", route: "/orders/{id}", status: 404, ip: ip, consumer: "k\(n)"))
                case 3: batch.append(Fixtures.event(t, "GET", "/search?q=1'+OR+1=1", route: "/search/\(n)", ip: ip, user: "v\(n)"))
                default: batch.append(Fixtures.event(t, "GET", "/.env", status: 404, ip: ip, consumer: "k\(n)"))
                }
            }
            _ = engine.process(batch)
            let k = engine.trackedKeys
            for (name, value) in [("authIPs", k.authIPs), ("authUsers", k.authUsers), ("enumeration", k.enumerationIdentities),
                                  ("scanningIPs", k.scanningIPs), ("agents", k.cachedUserAgents), ("rateIPs", k.rateIPs),
                                  ("rateConsumers", k.rateConsumers), ("exfiltration", k.exfiltrationConsumers),
                                  ("injectionIPs", k.injectionIPs), ("routes", k.cachedRoutes)] {
                #expect(value <= cap, "\(name) = \(value)")
            }
            #expect(k.sprayRoutes <= 16)
        }
        let k = engine.trackedKeys
        #expect(k.scanningIPs > cap / 2 && k.rateIPs > cap / 2)  // the tables were actually used
        // The incident list is bounded too.
        #expect(engine.incidents.count <= config.incidents.maxIncidents)
    }

    @Test("results do not depend on the order of events within a batch, and are the same on every run")
    func orderRobustAndDeterministic() {
        let traffic = LabelledTrafficGenerator(.init(
            seed: 3, benignEvents: 30_000, attacks: [.bruteForce, .credentialStuffing, .enumeration, .scanner, .injection])).generate()
        let batches = Fixtures.chunks(traffic.events, 2_000)
        func run(shuffled: Bool, seed: UInt64) -> ([Detection], [Incident]) {
            let engine = DetectionEngine()
            var rng = SeededRandom(seed: seed)
            var out: [Detection] = []
            for var b in batches {
                if shuffled {
                    for i in stride(from: b.count - 1, to: 0, by: -1) { b.swapAt(i, rng.int(0..<(i + 1))) }
                }
                out += engine.process(b)
            }
            return (out, engine.incidents)
        }
        let a = run(shuffled: false, seed: 0)
        let b = run(shuffled: true, seed: 1)
        let c = run(shuffled: true, seed: 2)
        let d = run(shuffled: false, seed: 0)
        #expect(!a.0.isEmpty)
        #expect(a.0 == b.0 && a.0 == c.0 && a.0 == d.0)
        #expect(a.1 == b.1 && a.1 == d.1)
    }

    @Test("disabled detectors stay silent")
    func disabled() {
        var config = DetectionConfiguration()
        config.enabledDetectors = [.scanning]
        let engine = DetectionEngine(configuration: config)
        let detections = engine.process(bruteForce(from: 0, minutes: 5))
        #expect(detections.isEmpty)
    }
}
