import Foundation
import Testing
import SightlineDemo

@Suite("Traffic realism")
struct TrafficRealismTests {
    static func endpoint(_ event: [String: Any]) -> String {
        "\(event["service"] as? String ?? "") \(event["method"] as? String ?? "") \(event["route"] as? String ?? "-")"
    }

    static func median(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.sorted()[values.count / 2]
    }

    @Test("services, routes, statuses and consumers are varied like real traffic")
    func distribution() throws {
        let events = TestTraffic.events(count: 40_000)
        #expect(events.count == 40_000)

        let services = Set(events.compactMap { $0["service"] as? String })
        #expect(services.count >= 5)
        let routes = Set(events.filter { $0["route"] != nil }.map(Self.endpoint))
        #expect(routes.count >= 30)
        let withoutRoute = Double(events.filter { $0["route"] == nil }.count) / Double(events.count)
        #expect(withoutRoute > 0.2 && withoutRoute < 0.4)

        let statuses = events.compactMap { $0["status"] as? Int }
        func share(_ range: ClosedRange<Int>) -> Double {
            Double(statuses.filter { range.contains($0) }.count) / Double(statuses.count)
        }
        #expect(share(200...299) > 0.9)
        #expect(share(400...499) > 0.01)
        #expect(share(500...599) > 0.0005)
        for status in [400, 401, 403, 404, 409, 422, 429] {
            #expect(statuses.contains(status), "no \(status)")
        }

        // Consumers on every plan, enterprise ones far busier than free ones.
        var perConsumer: [String: (plan: String, count: Int)] = [:]
        for event in events {
            guard let consumer = event["consumer"] as? [String: Any], let id = consumer["id"] as? String,
                let plan = consumer["plan"] as? String
            else { continue }
            perConsumer[id, default: (plan, 0)].count += 1
        }
        #expect(perConsumer.count >= 20)
        func average(_ plan: String) -> Double {
            let counts = perConsumer.values.filter { $0.plan == plan }.map(\.count)
            return counts.isEmpty ? 0 : Double(counts.reduce(0, +)) / Double(counts.count)
        }
        #expect(average("free") > 0)
        #expect(average("enterprise") > 10 * average("free"))
        #expect(average("pro") > average("free"))

        // Bodies on writes, none on reads; slow endpoints are slow.
        let gets = events.filter { $0["method"] as? String == "GET" }
        #expect(gets.allSatisfy { $0["request_size"] as? Int == 0 })
        let posts = events.filter { $0["method"] as? String == "POST" }
        #expect(Double(posts.filter { ($0["request_size"] as? Int ?? 0) > 0 }.count) > 0.8 * Double(posts.count))
        func medianDuration(_ path: String) -> Double {
            Self.median(events.filter { $0["path"] as? String == path }.compactMap { TestTraffic.number($0["duration_ms"]) })
        }
        #expect(medianDuration("/v1/search") > 10 * medianDuration("/v2/categories"))
        #expect(medianDuration("/reports/sales/export") > 1_000)

        let agents = Set(events.compactMap { $0["user_agent"] as? String })
        #expect(agents.count >= 15)
        #expect(agents.contains { $0.hasPrefix("curl/") })
        #expect(agents.contains { $0.hasPrefix("Mozilla/5.0") })
        #expect(agents.contains { $0.hasPrefix("ShopApp/") })
    }

    @Test("sessions hold several requests from one device and follow journeys")
    func sessions() {
        let events = TestTraffic.events(count: 40_000, from: TestTraffic.start - 4 * TestTraffic.hour)
        var bySession: [String: [[String: Any]]] = [:]
        for event in events {
            if let session = event["session_id"] as? String {
                bySession[session, default: []].append(event)
            }
        }
        let long = bySession.values.filter { $0.count >= 3 }
        #expect(long.count >= 200)
        for requests in bySession.values {
            #expect(Set(requests.compactMap { $0["client_ip"] as? String }).count == 1)
            #expect(Set(requests.compactMap { $0["user_agent"] as? String }).count == 1)
            #expect(Set(requests.compactMap { ($0["consumer"] as? [String: Any])?["id"] as? String }).count == 1)
            #expect(Set(requests.compactMap { $0["user_id"] as? String }).count <= 1)
        }
        // Some visits go all the way from the catalogue to paying.
        let checkouts = bySession.values.filter { requests in
            let paths = requests.compactMap { $0["path"] as? String }
            guard let browse = paths.firstIndex(where: { $0.hasPrefix("/v2/products/") || $0.hasPrefix("/v2/search") }),
                let order = paths.lastIndex(of: "/orders")
            else { return false }
            return browse < order && paths[order...].contains { $0.hasSuffix("/payment") }
        }
        #expect(checkouts.count >= 5)
    }

    @Test("downstream calls share the trace of the request that made them")
    func traces() {
        let events = TestTraffic.events(count: 20_000)
        var spans: [String: [String: Any]] = [:]
        for event in events {
            if let trace = event["trace_id"] as? String, let span = event["span_id"] as? String {
                spans[trace + span] = event
            }
        }
        var linked = 0
        var services = Set<String>()
        for event in events {
            guard let attributes = event["attributes"] as? [String: Any],
                let parentSpan = attributes["parent_span_id"] as? String, let trace = event["trace_id"] as? String
            else { continue }
            guard let parent = spans[trace + parentSpan] else {
                Issue.record("no parent for a downstream call")
                continue
            }
            linked += 1
            #expect(parent["service"] as? String == attributes["upstream_service"] as? String)
            #expect(parent["service"] as? String != event["service"] as? String)
            #expect(
                TestTraffic.number(parent["duration_ms"]) ?? 0 >= TestTraffic.number(event["duration_ms"]) ?? .infinity)
            services.insert(event["service"] as? String ?? "")
        }
        #expect(linked >= 500)
        #expect(services.isSuperset(of: ["payments", "inventory", "search"]))
    }

    @Test("the first incident makes payment capture slow and failing, and checkout with it")
    func incident() throws {
        var generator = TrafficGenerator(seed: 42, startMicros: TestTraffic.start)
        let incidents = generator.incidents(fromMicros: TestTraffic.start, toMicros: TestTraffic.start + 20 * TestTraffic.minute)
        let incident = try #require(incidents.first)
        #expect(incident.endpoint == "POST /v1/payment_intents/{id}/capture")
        #expect(incident.service == "payments")
        #expect(incident.startMicros == TestTraffic.start + 6 * TestTraffic.minute)

        let lines = TestTraffic.lines(
            generator.ndjson(count: 60_000, fromMicros: TestTraffic.start, toMicros: TestTraffic.start + 20 * TestTraffic.minute))
        var inside: [(status: Int, duration: Double)] = []
        var outside: [(status: Int, duration: Double)] = []
        var payFailures = 0
        let core = (incident.startMicros + TestTraffic.minute)..<(incident.endMicros - TestTraffic.minute)
        for line in lines {
            let event = try #require(TestTraffic.object(line))
            let micros = try TestTraffic.time(of: event)
            let path = event["path"] as? String ?? ""
            let status = try #require(event["status"] as? Int)
            if core.contains(micros), path.hasPrefix("/orders/"), path.hasSuffix("/payment"), status >= 502 {
                payFailures += 1
            }
            guard path.hasPrefix("/v1/payment_intents/"), path.hasSuffix("/capture") else { continue }
            let duration = try #require(TestTraffic.number(event["duration_ms"]))
            let sample = (status, duration)
            if core.contains(micros) {
                inside.append(sample)
            } else if micros < incident.startMicros || micros >= incident.endMicros {
                outside.append(sample)
            }
        }
        #expect(inside.count >= 50 && outside.count >= 50)
        let insideErrors = Double(inside.filter { $0.status >= 500 }.count) / Double(inside.count)
        let outsideErrors = Double(outside.filter { $0.status >= 500 }.count) / Double(outside.count)
        #expect(insideErrors > 0.15)
        #expect(outsideErrors < 0.05)
        #expect(Self.median(inside.map(\.duration)) > 3 * Self.median(outside.map(\.duration)))
        #expect(payFailures >= 5)
    }

    @Test("attacks come only from reserved addresses, inside their windows, and look like attacks")
    func attacks() throws {
        let from = TestTraffic.start
        let to = TestTraffic.start + 30 * TestTraffic.minute
        var generator = TrafficGenerator(seed: 42, startMicros: TestTraffic.start)
        let windows = generator.attacks(fromMicros: from, toMicros: to)
        for kind in DemoAttack.Kind.allCases {
            #expect(windows.contains { $0.kind == kind && $0.startMicros < from + 15 * TestTraffic.minute }, "no early \(kind)")
        }
        var byKind: [DemoAttack.Kind: [[String: Any]]] = [:]
        for line in TestTraffic.lines(generator.ndjson(count: 60_000, fromMicros: from, toMicros: to)) {
            let event = try #require(TestTraffic.object(line))
            let address = try #require(event["client_ip"] as? String)
            let octet = address.hasPrefix("192.0.2.") ? Int(address.dropFirst(8)) ?? 0 : 0
            guard octet >= 200 || address.hasPrefix("2001:db8:bad:") else { continue }
            let micros = try TestTraffic.time(of: event)
            let window = windows.first {
                $0.clientIP == address && micros >= $0.startMicros - 1_000 && micros < $0.endMicros
            }
            let attack = try #require(window, "attacker traffic outside any window from \(address)")
            byKind[attack.kind, default: []].append(event)
        }

        let scan = byKind[.pathScan] ?? []
        #expect(scan.count >= 20)
        #expect(scan.allSatisfy { ($0["status"] as? Int ?? 0) >= 400 && $0["route"] == nil })
        #expect(scan.contains { $0["path"] as? String == "/.env" } || scan.contains { $0["path"] as? String == "/wp-login.php" })

        let stuffing = byKind[.credentialStuffing] ?? []
        #expect(stuffing.count >= 20)
        #expect(stuffing.allSatisfy { $0["path"] as? String == "/auth/login" && $0["method"] as? String == "POST" })
        #expect(Double(stuffing.filter { $0["status"] as? Int == 401 }.count) > 0.5 * Double(stuffing.count))

        let enumeration = byKind[.idEnumeration] ?? []
        #expect(enumeration.count >= 10)
        #expect(Set(enumeration.compactMap { $0["path"] as? String }).count == enumeration.count)
        #expect(Double(enumeration.filter { $0["status"] as? Int == 403 }.count) > 0.5 * Double(enumeration.count))
    }

    @Test("a day holds several incidents and attacks of every kind")
    func groundTruthOverADay() {
        let generator = TrafficGenerator(seed: 8, startMicros: TestTraffic.start)
        let from = TestTraffic.start + TestTraffic.hour
        let incidents = generator.incidents(fromMicros: from, toMicros: from + TestTraffic.day)
        #expect(incidents.count >= 4)
        #expect(zip(incidents, incidents.dropFirst()).allSatisfy { $0.endMicros <= $1.startMicros })
        #expect(incidents.allSatisfy { $0.latencyFactor > 1 && $0.errorRate > 0 && (500...599).contains($0.status) })
        let attacks = generator.attacks(fromMicros: from, toMicros: from + TestTraffic.day)
        for kind in DemoAttack.Kind.allCases {
            #expect(attacks.filter { $0.kind == kind }.count >= 3)
        }
    }
}
