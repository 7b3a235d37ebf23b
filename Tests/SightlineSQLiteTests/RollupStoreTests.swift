import Foundation
import SightlineCore
import SightlineInsights
import SightlineQuery
import SightlineSQLite
import SightlineStorage
import Testing

/// Rollups maintained by the SQLite store as events are written, checked against brute force over
/// the same events, and the metrics computed from them.
@Suite("Rollups in the SQLite store")
struct RollupStoreTests {
    static let events = QueryResultsTests.events
    static let base = QueryResultsTests.base
    /// The whole hour the events start in (rollup reads cover whole buckets).
    static let hourStart = base - base % 3_600_000_000
    static let templater = RouteTemplater()

    static func stored(_ events: [Event], firstSeq: UInt64 = 1) -> [StoredEvent] {
        events.enumerated().map { offset, event in
            StoredEvent(event, seq: firstSeq + UInt64(offset), document: EventEncoder.encode(event))
        }
    }

    static func route(_ event: Event) -> String { event.route ?? templater.template(path: event.path) }

    func nearestRank(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[max(1, Int((p * Double(sorted.count)).rounded(.up))) - 1]
    }

    func withSeededStore(_ body: (SQLiteEventStore) async throws -> Void) async throws {
        try await withTemporaryStore { store in
            let all = Self.stored(Self.events)
            try await store.write(Array(all[..<1500]), checkpoint: 1500)
            try await store.write(Array(all[1500...]), checkpoint: UInt64(all.count))
            try await body(store)
        }
    }

    @Test("minute rollups count every stored event once, per endpoint and status class")
    func minuteCounts() async throws {
        try await withSeededStore { store in
            let rows = try await store.rollups(.minute, from: Self.hourStart, to: Self.hourStart + 5 * 3_600_000_000, filter: EndpointFilter())
            var counted: [String: Int64] = [:]
            for (key, rollup) in rows { counted["\(key.service) \(key.method) \(key.route) \(key.statusClass)", default: 0] += rollup.count }
            var expected: [String: Int64] = [:]
            for event in Self.events { expected["\(event.service) \(event.method) \(Self.route(event)) \(event.status / 100)", default: 0] += 1 }
            #expect(counted == expected)
            #expect(rows.allSatisfy { $0.0.startMicros >= Self.base - 60_000_000 && $0.0.startMicros < Self.base + 4 * 3_600_000_000 })
        }
    }

    @Test("replaying a batch or re-sending ids adds nothing to the rollups")
    func replayIsIdempotent() async throws {
        try await withSeededStore { store in
            let before = try await store.rollups(.hour, from: Self.hourStart, to: Self.hourStart + 5 * 3_600_000_000, filter: EndpointFilter())
            let catalogueBefore = try await store.endpointCatalogue(filter: EndpointFilter())
            // The same seqs again (write-ahead-log replay), then the same ids under new seqs (client retry).
            let all = Self.stored(Self.events)
            try await store.write(Array(all[1000..<2000]), checkpoint: UInt64(all.count))
            try await store.write(Self.stored(Array(Self.events[..<500]), firstSeq: 10_000), checkpoint: 10_499)
            let after = try await store.rollups(.hour, from: Self.hourStart, to: Self.hourStart + 5 * 3_600_000_000, filter: EndpointFilter())
            #expect(after.map(\.1).reduce(0) { $0 + $1.count } == Int64(Self.events.count))
            #expect(Dictionary(uniqueKeysWithValues: after.map { ($0.0, $0.1) }) == Dictionary(uniqueKeysWithValues: before.map { ($0.0, $0.1) }))
            #expect(try await store.endpointCatalogue(filter: EndpointFilter()).sorted { $0.endpoint < $1.endpoint }
                == catalogueBefore.sorted { $0.endpoint < $1.endpoint })
        }
    }

    @Test("hour rows equal the merge of their minute rows")
    func hoursMergeMinutes() async throws {
        try await withSeededStore { store in
            let range = (Self.hourStart, Self.hourStart + 5 * 3_600_000_000)
            let minutes = try await store.rollups(.minute, from: range.0, to: range.1, filter: EndpointFilter())
            let hours = try await store.rollups(.hour, from: range.0, to: range.1, filter: EndpointFilter())
            var merged: [MinuteRollupKey: MinuteRollup] = [:]
            for (key, rollup) in minutes {
                var hourKey = key
                hourKey.minute = key.minute / 60 * 60
                if merged[hourKey] == nil { merged[hourKey] = rollup } else { try merged[hourKey]!.merge(rollup) }
            }
            #expect(merged == Dictionary(uniqueKeysWithValues: hours.map { ($0.0, $0.1) }))
        }
    }

    @Test("percentiles from merged sketches are within 1 % of the exact values")
    func percentilesWithinAccuracy() async throws {
        try await withSeededStore { store in
            let service = MetricsService(store: store)
            let list = try await service.endpoints(from: Self.hourStart, to: Self.hourStart + 5 * 3_600_000_000, service: nil, method: nil)
            for stats in list.endpoints {
                let durations = Self.events.filter {
                    $0.service == stats.endpoint.service && $0.method == stats.endpoint.method && Self.route($0) == stats.endpoint.route
                }.compactMap(\.durationMs)
                #expect(stats.requests == Int64(durations.count))
                for (p, estimate) in [(0.5, stats.p50Ms), (0.95, stats.p95Ms), (0.99, stats.p99Ms)] {
                    let exact = nearestRank(durations, p)
                    let value = try #require(estimate)
                    #expect(abs(value - exact) <= exact * 0.01 + 0.001, "\(stats.endpoint) p\(p): \(value) vs \(exact)")
                }
            }
        }
    }

    @Test("the overview totals, series and status mix match brute force")
    func overview() async throws {
        try await withSeededStore { store in
            let from = Self.hourStart + 3_600_000_000
            let to = Self.hourStart + 3 * 3_600_000_000
            let overview = try await MetricsService(store: store).overview(from: from, to: to, service: "shop")
            let window = Self.events.filter { $0.service == "shop" && $0.timestampMicros >= from && $0.timestampMicros < to }
            #expect(overview.totals.requests == Int64(window.count))
            #expect(overview.totals.errors == Int64(window.filter { $0.status >= 500 }.count))
            #expect(overview.totals.clientErrors == Int64(window.filter { (400..<500).contains($0.status) }.count))
            #expect(overview.bucketSeconds == 60)
            #expect(overview.series.count == 120)
            #expect(overview.series.reduce(0) { $0 + $1.requests } == Int64(window.count))
            #expect(overview.statusClasses["5xx"] == Int64(window.filter { $0.status >= 500 }.count))
            let top = try #require(overview.topByTraffic.first)
            let busiest = Dictionary(grouping: window, by: { "\($0.method) \(Self.route($0))" }).mapValues(\.count).values.max()
            #expect(Int(top.requests) == busiest)
        }
    }

    @Test("the endpoint catalogue records first and last sightings and all-time counts")
    func catalogue() async throws {
        try await withSeededStore { store in
            let catalogue = try await store.endpointCatalogue(filter: EndpointFilter(service: "auth"))
            let auth = Dictionary(grouping: Self.events.filter { $0.service == "auth" }, by: { EndpointID(service: $0.service, method: $0.method, route: Self.route($0)) })
            #expect(catalogue.count == auth.count)
            for record in catalogue {
                let events = try #require(auth[record.endpoint])
                #expect(record.count == Int64(events.count))
                #expect(record.firstSeen == events.map(\.timestampMicros).min())
                #expect(record.lastSeen == events.map(\.timestampMicros).max())
            }
        }
    }

    @Test("long ranges read hour rows over whole hours")
    func windowResolution() {
        let hour: Int64 = 3_600_000_000
        let short = MetricsService.Window(from: Self.hourStart + 90_000_000, to: Self.hourStart + hour)
        #expect(short.resolution == .minute)
        #expect(short.from == Self.hourStart + 60_000_000 && short.to == Self.hourStart + hour && short.bucketMicros == 60_000_000)
        let day = MetricsService.Window(from: Self.hourStart + 1, to: Self.hourStart + 24 * hour - 1)
        #expect(day.resolution == .hour)
        #expect(day.from == Self.hourStart && day.to == Self.hourStart + 24 * hour && day.bucketMicros == hour)
        let week = MetricsService.Window(from: Self.hourStart, to: Self.hourStart + 7 * 24 * hour)
        #expect(week.bucketMicros == hour && week.to - week.from == 7 * 24 * hour)
    }
}

/// Summaries answered from rollups give the raw answer: counts and sums exactly, percentiles
/// within the sketches' 1 %.
@Suite("Queries routed to rollups on a real SQLite store")
struct RollupRoutedQueryTests {
    static let templater = RouteTemplater()

    func withStore(_ body: (SQLiteEventStore) async throws -> Void) async throws {
        try await withTemporaryStore { store in
            // As the store applier writes them: every event has a route (inferred when missing).
            let rows = QueryResultsTests.events.enumerated().map { offset, event in
                var row = StoredEvent(event, seq: UInt64(offset + 1), document: EventEncoder.encode(event))
                row.route = event.route ?? Self.templater.template(path: event.path)
                return row
            }
            try await store.write(rows, checkpoint: UInt64(rows.count))
            try await body(store)
        }
    }

    func run(_ store: SQLiteEventStore, _ query: String, rollups: Bool, from: Int64, to: Int64) async throws -> QueryResult {
        let compiled = try QueryCompiler().compile(query, now: to, options: CompileOptions(from: from, to: to), dialect: SQLiteDialect(countsScannedRows: true, routesToRollups: rollups))
        #expect(compiled.readsRollups == rollups, "\(query)")
        return try await store.execute(compiled, timeLimit: .seconds(30))
    }

    func keyed(_ result: QueryResult, keys: Int) -> [String: [SQLValue]] {
        Dictionary(uniqueKeysWithValues: result.rows.map { row in
            (row.prefix(keys).map { "\($0)" }.joined(separator: "|"), Array(row.dropFirst(keys)))
        })
    }

    @Test("counts and sums are exact", arguments: [
        ("summarize n=count() by route", 1),
        ("where status >= 500 | summarize n=count(), bytes=sum(response_size) by service, method", 2),
        ("where service in (\"shop\", \"auth\") and status < 400 | summarize n=count() by bin(timestamp, 1h), route", 2),
    ])
    func exact(_ query: String, _ keys: Int) async throws {
        try await withStore { store in
            let from = RollupStoreTests.hourStart
            let to = from + 5 * 3_600_000_000
            let raw = try await run(store, query, rollups: false, from: from, to: to)
            let rolled = try await run(store, query, rollups: true, from: from, to: to)
            #expect(!raw.rows.isEmpty)
            #expect(keyed(rolled, keys: keys) == keyed(raw, keys: keys))
            #expect(rolled.statistics.rowsScanned < raw.statistics.rowsScanned)
        }
    }

    @Test("percentiles are within 1 % of the exact values")
    func percentiles() async throws {
        try await withStore { store in
            let from = RollupStoreTests.hourStart + 3_600_000_000
            let to = from + 2 * 3_600_000_000
            let query = "summarize p50=p50(duration_ms), p95=percentile(duration_ms, 95), p99=p99(duration_ms) by route, bin(timestamp, 1h)"
            let raw = keyed(try await run(store, query, rollups: false, from: from, to: to), keys: 2)
            let rolled = keyed(try await run(store, query, rollups: true, from: from, to: to), keys: 2)
            #expect(Set(raw.keys) == Set(rolled.keys))
            for (key, exactRow) in raw {
                for (exact, estimate) in zip(exactRow, rolled[key] ?? []) {
                    guard case .real(let e) = exact, case .real(let r) = estimate else { Issue.record("\(key): \(exact) vs \(estimate)"); continue }
                    #expect(abs(r - e) <= e * 0.01 + 0.001, "\(key): \(r) vs \(e)")
                }
            }
        }
    }
}
