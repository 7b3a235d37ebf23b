import Foundation
import SightlineCore
import SightlineInsights
import SightlineQuery
import SightlineSQLite
import SightlineStorage
import Testing

/// Queries of the query language run on a real SQLite store seeded with known events; every
/// answer is checked against the same question computed by brute force over the events.
@Suite("Query results on a real SQLite store")
struct QueryResultsTests {
    static let base: Int64 = 1_795_000_000_000_000  // 2026-11-18T09:46:40Z
    static let now: Int64 = base + 4 * 3_600_000_000

    /// 3,000 events over four hours from a fixed seed.
    static let events: [Event] = {
        var random = SeededRandom(seed: 42)
        let services = ["shop", "auth", "search"]
        let routes = ["/orders/{id}", "/users/{id}", "/search", "/login", "/cart"]
        let consumers: [Consumer?] = [Consumer(id: "acme", name: "Acme", plan: "pro"), Consumer(id: "globex", plan: "free"), Consumer(id: "initech", plan: "pro"), nil]
        let statuses = [200, 200, 200, 200, 201, 204, 304, 400, 401, 404, 404, 429, 500, 502, 503]
        let messages = ["upstream timeout after 30s", "database timeouts", "card declined", "Timeout", "no route"]
        return (0..<3000).map { index in
            let route = routes[random.next(routes.count)]
            let id = random.next(100_000)
            var event = Event(
                id: "q\(index)", timestampMicros: base + Int64(random.next(4 * 3600)) * 1_000_000 + Int64(random.next(1_000_000)),
                service: services[random.next(services.count)], method: random.next(4) == 0 ? "POST" : "GET",
                path: route.replacingOccurrences(of: "{id}", with: String(id)), status: statuses[random.next(statuses.count)],
                durationMs: Double(random.next(500_000)) / 1000)
            event.route = random.next(10) == 0 ? nil : route
            event.consumer = consumers[random.next(consumers.count)]
            event.userID = random.next(3) == 0 ? nil : "u\(random.next(200))"
            event.responseSize = Int64(random.next(10_000))
            if event.status >= 500 || random.next(20) == 0 {
                event.error = EventError(type: "Failure", message: messages[random.next(messages.count)])
            }
            let tenant = "t\(random.next(5))"
            event.attributes = RawJSON(unsafeUncheckedBytes: Array(#"{"tenant":"\#(tenant)","retries":\#(random.next(4))}"#.utf8))
            let contentType = random.next(2) == 0 ? "application/json" : "text/html; charset=utf-8"
            event.request = Exchange(headers: [Header(name: "content-type", values: [contentType])])
            return event
        }
    }()

    /// The route a stored event has: the one sent, else its path's template (as the store does).
    static func route(_ event: Event) -> String {
        event.route ?? RouteTemplater().template(path: event.path)
    }

    func withSeededEngine(maxRows: Int = 10_000, timeLimit: Duration = .seconds(30), _ body: (QueryEngine, SQLiteEventStore) async throws -> Void) async throws {
        try await withTemporaryStore { store in
            let stored = Self.events.enumerated().map { offset, event in
                StoredEvent(event, seq: UInt64(offset + 1), document: EventEncoder.encode(event))
            }
            try await store.write(stored, checkpoint: UInt64(stored.count))
            try await body(QueryEngine(executor: store, maxRows: maxRows, timeLimit: timeLimit), store)
        }
    }

    /// Rows as dictionaries keyed by the first column's text.
    func keyed(_ result: QueryResult) -> [String: [SQLValue]] {
        Dictionary(uniqueKeysWithValues: result.rows.map { (text($0[0]), Array($0.dropFirst())) })
    }

    func text(_ value: SQLValue) -> String {
        switch value {
        case .null: return "<null>"
        case .int(let integer): return String(integer)
        case .real(let real): return String(real)
        case .text(let text): return text
        }
    }

    func number(_ value: SQLValue) -> Double? {
        switch value {
        case .int(let integer): return Double(integer)
        case .real(let real): return real
        default: return nil
        }
    }

    /// Nearest rank: the value at 1-based rank max(1, ceil(p/100·n)) of the sorted values.
    func nearestRank(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        let rank = max(1, Int((p / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[rank - 1]
    }

    @Test("count by service matches a brute-force count")
    func countByService() async throws {
        try await withSeededEngine { engine, _ in
            let result = try await engine.run("summarize n=count() by service", now: Self.now, exact: true)
            #expect(result.columns.map(\.name) == ["service", "n"])
            let expected = Dictionary(grouping: Self.events, by: \.service).mapValues(\.count)
            #expect(keyed(result).mapValues { number($0[0]).map(Int.init) } == expected.mapValues { Optional($0) })
            #expect(result.statistics.rowsScanned == Self.events.count)
        }
    }

    @Test("percentiles per route are exact nearest-rank values", arguments: [50.0, 90.0, 95.0, 99.0, 99.9, 0, 100])
    func percentiles(_ p: Double) async throws {
        try await withSeededEngine { engine, _ in
            let result = try await engine.run("summarize v=percentile(duration_ms, \(p)), n=count() by route", now: Self.now, exact: true)
            let byRoute = Dictionary(grouping: Self.events, by: Self.route)
            let rows = keyed(result)
            #expect(rows.count == byRoute.count)
            for (route, events) in byRoute {
                #expect(rows[route].flatMap { number($0[0]) } == nearestRank(events.compactMap(\.durationMs), p), "route \(route) p\(p)")
            }
        }
    }

    @Test("p50/p90/p95/p99 shorthands agree with percentile()")
    func shorthands() async throws {
        try await withSeededEngine { engine, _ in
            let result = try await engine.run("where service == \"shop\" | summarize p50(duration_ms), p90(duration_ms), p95(duration_ms), p99(duration_ms)", now: Self.now, exact: true)
            let durations = Self.events.filter { $0.service == "shop" }.compactMap(\.durationMs)
            #expect(result.rows.count == 1)
            #expect(result.rows[0].map(number) == [50.0, 90, 95, 99].map { nearestRank(durations, $0) })
        }
    }

    @Test("5xx by consumer, sorted, with a time window")
    func errorsByConsumer() async throws {
        try await withSeededEngine { engine, _ in
            let from = Self.base + 3_600_000_000
            let to = Self.base + 2 * 3_600_000_000
            let result = try await engine.run("where status >= 500 | summarize n=count() by consumer | sort by n desc", from: from, to: to, now: Self.now, exact: true)
            let window = Self.events.filter { $0.timestampMicros >= from && $0.timestampMicros < to && $0.status >= 500 }
            let expected = Dictionary(grouping: window, by: { $0.consumer?.id ?? "<null>" }).mapValues(\.count)
            #expect(keyed(result).mapValues { number($0[0]).map(Int.init) } == expected.mapValues { Optional($0) })
            let counts = result.rows.compactMap { number($0[1]) }
            #expect(counts == counts.sorted(by: >))
            // Only the window's rows were read (the ts index narrows the scan).
            #expect(result.statistics.rowsScanned == Self.events.filter { $0.timestampMicros >= from && $0.timestampMicros < to }.count)
        }
    }

    @Test("bin(timestamp, 5m) counts per five minutes")
    func bins() async throws {
        try await withSeededEngine { engine, _ in
            let result = try await engine.run("summarize n=count() by bin(timestamp, 5m) | sort by timestamp asc", now: Self.now, exact: true)
            let span: Int64 = 300_000_000
            let expected = Dictionary(grouping: Self.events, by: { $0.timestampMicros / span * span }).mapValues(\.count)
            #expect(result.columns.first?.type == .datetime)
            #expect(result.rows.count == expected.count)
            for row in result.rows {
                guard case .int(let start) = row[0] else { Issue.record("bin is not an integer"); continue }
                #expect(number(row[1]).map(Int.init) == expected[start])
            }
        }
    }

    @Test("dcount, countif, sum, avg, min, max")
    func aggregates() async throws {
        try await withSeededEngine { engine, _ in
            let result = try await engine.run("summarize users=dcount(user_id), errors=countif(status >= 500), bytes=sum(response_size), slowest=max(duration_ms), fastest=min(duration_ms), mean=avg(duration_ms)", now: Self.now, exact: true)
            let row = try #require(result.rows.first)
            let durations = Self.events.compactMap(\.durationMs)
            #expect(number(row[0]).map(Int.init) == Set(Self.events.compactMap(\.userID)).count)
            #expect(number(row[1]).map(Int.init) == Self.events.filter { $0.status >= 500 }.count)
            #expect(number(row[2]).map(Int64.init) == Self.events.compactMap(\.responseSize).reduce(0, +))
            #expect(number(row[3]) == durations.max())
            #expect(number(row[4]) == durations.min())
            let mean = try #require(number(row[5]))
            #expect(abs(mean - durations.reduce(0, +) / Double(durations.count)) < 1e-9)
        }
    }

    @Test("JSON paths: attributes, captured headers, consumer plan", arguments: [
        ("where attributes.tenant == \"t3\" | summarize count()", { @Sendable (e: Event) in e.attributes?.description.contains(#""tenant":"t3""#) == true }),
        ("where attributes.retries > 2 | summarize count()", { @Sendable (e: Event) in e.attributes?.description.contains(#""retries":3"#) == true }),
        ("where request.headers.content-type contains \"JSON\" | summarize count()", { @Sendable (e: Event) in e.request?.headers.first?.values.first == "application/json" }),
        ("where consumer.plan == \"pro\" | summarize count()", { @Sendable (e: Event) in e.consumer?.plan == "pro" }),
    ] as [(String, @Sendable (Event) -> Bool)])
    func jsonPaths(_ query: String, _ predicate: @Sendable (Event) -> Bool) async throws {
        try await withSeededEngine { engine, _ in
            let result = try await engine.run(query, now: Self.now, exact: true)
            #expect(result.rows.first.flatMap { number($0[0]) }.map(Int.init) == Self.events.filter(predicate).count)
        }
    }

    @Test("string operators: has, contains, startswith, endswith, matches regex, in, free text", arguments: [
        ("where error.message has \"timeout\"", { @Sendable (e: Event) in
            // whole term, case-insensitive: "timeout" and "Timeout", not "timeouts"
            ["upstream timeout after 30s", "Timeout"].contains(e.error?.message ?? "") }),
        ("where error.message contains \"TIMEOUT\"", { @Sendable (e: Event) in e.error?.message?.lowercased().contains("timeout") == true }),
        ("where path startswith \"/orders/1\"", { @Sendable (e: Event) in e.path.hasPrefix("/orders/1") }),
        ("where path endswith \"7\"", { @Sendable (e: Event) in e.path.hasSuffix("7") }),
        ("where path matches regex \"^/users/[0-9]{2}$\"", { @Sendable (e: Event) in e.path.wholeMatch(of: /\/users\/[0-9]{2}/) != nil }),
        ("where status in (401, 429)", { @Sendable (e: Event) in e.status == 401 || e.status == 429 }),
        ("where route !in (\"/login\", \"/cart\")", { @Sendable (e: Event) in QueryResultsTests.route(e) != "/login" && QueryResultsTests.route(e) != "/cart" }),
        ("where duration_ms between (100 .. 200)", { @Sendable (e: Event) in (100...200).contains(e.durationMs ?? -1) }),
        ("where isnull(user_id)", { @Sendable (e: Event) in e.userID == nil }),
        ("declined", { @Sendable (e: Event) in e.error?.message?.contains("declined") == true }),
    ] as [(String, @Sendable (Event) -> Bool)])
    func stringOperators(_ filter: String, _ predicate: @Sendable (Event) -> Bool) async throws {
        try await withSeededEngine { engine, _ in
            let result = try await engine.run("\(filter) | summarize n=count()", now: Self.now, exact: true)
            #expect(result.rows.first.flatMap { number($0[0]) }.map(Int.init) == Self.events.filter(predicate).count, "\(filter)")
        }
    }

    @Test("events come back newest first with the default columns")
    func defaultListing() async throws {
        try await withSeededEngine { engine, _ in
            let result = try await engine.run("where service == \"auth\" | take 5", now: Self.now, exact: true)
            let expected = Self.events.filter { $0.service == "auth" }.sorted { $0.timestampMicros > $1.timestampMicros }.prefix(5)
            let idColumn = try #require(result.columns.firstIndex { $0.name == "id" })
            #expect(result.rows.map { text($0[idColumn]) } == expected.map { $0.id ?? "" })
        }
    }

    @Test("more rows than the limit is an error, not a silent cut")
    func rowLimit() async throws {
        try await withSeededEngine(maxRows: 100) { engine, _ in
            await #expect(throws: QueryError.self) { try await engine.run("where service == \"shop\"", now: Self.now, exact: true) }
            do {
                _ = try await engine.run("project id, status", now: Self.now, exact: true)
                Issue.record("expected the row limit")
            } catch let error as QueryError {
                #expect(error.code == .rowLimitExceeded)
                #expect(error.message.contains("100"))
            }
            // Exactly at the limit is fine.
            #expect(try await engine.run("take 100", now: Self.now, exact: true).rows.count == 100)
        }
    }

    @Test("a query past its time limit is stopped with a clear error")
    func timeLimit() async throws {
        try await withSeededEngine(timeLimit: .zero) { engine, _ in
            do {
                _ = try await engine.run("summarize dcount(path), p99(duration_ms) by route, consumer", now: Self.now, exact: true)
                Issue.record("expected the time limit")
            } catch let error as QueryError {
                #expect(error.code == .timeLimitExceeded)
            }
        }
    }

    @Test("hostile text in values is only ever a value")
    func injection() async throws {
        try await withSeededEngine { engine, store in
            for hostile in [#"x'; DROP TABLE events; --"#, #"" OR 1=1 --"#, "a\u{0}b", "/* */ UNION SELECT doc FROM events"] {
                let literal = "\"" + hostile.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\u{0}", with: "\\u0000") + "\""
                if let result = try? await engine.run("where service == \(literal) | summarize count()", now: Self.now, exact: true) {
                    #expect(result.rows.first.flatMap { number($0[0]) } == 0)
                }
            }
            let total = try await store.count()
            #expect(total == Self.events.count)
        }
    }
}

/// SplitMix64: a deterministic generator for test data.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
