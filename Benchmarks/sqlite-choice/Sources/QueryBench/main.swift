import Foundation
import GRDB
import Logging
import SightlineCore
import SightlineDemo
import SightlineInsights
import SightlineQuery
import SightlineSQLite
import SightlineStorage

// The query-language benchmark of docs/BENCHMARKS.md: queries over 24 hours of generated events
// in a real SQLite store, run through QueryEngine (the code path of POST /v1/query without HTTP).
//
// Usage: QueryBench [--events N] [--runs N] [--db PATH] [--metrics-only] [--exact]
// The store is seeded once (kept at --db; default $BENCH_DIR or the temporary directory) with
// N events from the demo traffic generator spread evenly over 24 hours. To seed in minutes rather
// than hours, the secondary indexes are dropped while rows are written and created again after
// (the same index definitions, read back from the schema); this affects only the seeding time.
nonisolated(unsafe) var arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    defer { arguments.removeSubrange(i...(i + 1)) }
    return arguments[i + 1]
}
let eventCount = option("--events").flatMap(Int.init) ?? 10_000_000
let runs = option("--runs").flatMap(Int.init) ?? 5
let metricsOnly = arguments.contains("--metrics-only")  // skip the query-language part
let exact = arguments.contains("--exact")  // raw events only, no rollup routing
let directory = ProcessInfo.processInfo.environment["BENCH_DIR"] ?? NSTemporaryDirectory()
let path = option("--db") ?? URL(fileURLWithPath: directory).appendingPathComponent("query-bench-\(eventCount).sqlite").path
let day: Int64 = 86_400_000_000
let end: Int64 = 1_795_000_000_000_000 - 1_795_000_000_000_000 % day  // a UTC midnight
let start = end - day

func seconds(since begin: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - begin
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

// MARK: Seed

let opened = ContinuousClock.now
var store = try SQLiteEventStore(path: path)  // applies pending migrations (e.g. the rollups of an older store)
print("opened the store in \(Int(seconds(since: opened))) s")
let existing = try await store.count()
if existing != eventCount {
    precondition(existing == 0, "\(path) holds \(existing) events, not \(eventCount): remove it to seed again")
    try store.close()
    let began = ContinuousClock.now
    let queue = try DatabaseQueue(path: path)
    let indexSQL = try queue.read { db in
        try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'events_by_%' ORDER BY name")
    }
    try queue.write { db in
        for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'events_by_%'") {
            try db.execute(sql: "DROP INDEX \(name)")  // names read from the schema itself
        }
    }
    try queue.close()
    store = try SQLiteEventStore(path: path)
    var generator = TrafficGenerator(seed: 2026, startMicros: start)
    let batchSize = 50_000
    var seq: UInt64 = 0
    var batch: [StoredEvent] = []
    batch.reserveCapacity(batchSize)
    while seq < UInt64(eventCount) {
        let at = start + Int64(Double(seq) * Double(day) / Double(eventCount))
        let bytes = generator.nextEvent(atMicros: at)
        guard case .success(var event) = bytes.withUnsafeBytes({ EventDecoder.decodeEvent($0) }) else {
            fatalError("the generator wrote an invalid event")
        }
        seq += 1
        event.id = event.id ?? "bench-\(seq)"
        batch.append(StoredEvent(event, seq: seq, document: EventEncoder.encode(event)))
        if batch.count == batchSize || seq == UInt64(eventCount) {
            try await store.write(batch, checkpoint: seq)
            batch.removeAll(keepingCapacity: true)
            if seq % 1_000_000 == 0 { print("seeded \(seq) events (\(Int(seconds(since: began))) s)") }
        }
    }
    try store.close()
    let indexBegan = ContinuousClock.now
    let rebuild = try DatabaseQueue(path: path)
    try rebuild.write { db in
        for sql in indexSQL { try db.execute(sql: sql) }
        try db.execute(sql: "ANALYZE")
    }
    try rebuild.close()
    print("seeded \(eventCount) events in \(Int(seconds(since: began))) s (indexes: \(Int(seconds(since: indexBegan))) s)")
    store = try SQLiteEventStore(path: path)
}
let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
print("store: \(path), \(eventCount) events, \(fileBytes / 1_048_576) MiB")

// MARK: Queries

let queries: [(name: String, text: String)] = [
    ("filter + take 100", #"where service == "shop" and status >= 500 | take 100"#),
    ("filter on a JSON field + take 100", #"where consumer.plan == "enterprise" and duration_ms > 250 | take 100"#),
    ("summarize count() by route", "summarize count() by route"),
    ("p95 by route, bin(timestamp, 1h)", "summarize percentile(duration_ms, 95) by route, bin(timestamp, 1h)"),
    ("5xx by consumer, top 10", "where status >= 500 | summarize n=count() by consumer | top 10 by n"),
]
let engine = QueryEngine(executor: store, maxRows: 100_000, timeLimit: .seconds(600))
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
print("query | median ms | runs (ms) | rows | rows scanned | source")
for query in metricsOnly ? [] : queries {
    _ = try await engine.run(query.text, from: start, to: end, now: end, exact: exact)  // warm the page cache
    var times: [Double] = []
    var last: QueryResult?
    for _ in 0..<runs {
        let result = try await engine.run(query.text, from: start, to: end, now: end, exact: exact)
        times.append(result.statistics.elapsedMilliseconds)
        last = result
    }
    let list = times.map { String(format: "%.1f", $0) }.joined(separator: " / ")
    print("\(query.name) | \(String(format: "%.1f", median(times))) | \(list) | \(last?.rows.count ?? 0) | \(last?.statistics.rowsScanned ?? 0) | \(last?.statistics.readRollups == true ? "rollups" : "events")")
}
// MARK: Dashboard metrics (rollups)

let metrics = MetricsService(store: store)
print("metrics | median ms | runs (ms)")
let metricCalls: [(String, @Sendable () async throws -> Void)] = [
    ("overview, 24 h", { _ = try await metrics.overview(from: start, to: end, service: nil) }),
    ("endpoints, 24 h", { _ = try await metrics.endpoints(from: start, to: end, service: nil, method: nil) }),
    ("overview, last 1 h", { _ = try await metrics.overview(from: end - 3_600_000_000, to: end, service: nil) }),
    ("consumers, 24 h", { _ = try await metrics.consumers(from: start, to: end) }),
]
for (name, call) in metricCalls {
    try await call()
    var times: [Double] = []
    for _ in 0..<runs {
        let began = ContinuousClock.now
        try await call()
        times.append(seconds(since: began) * 1000)
    }
    print("\(name) | \(String(format: "%.1f", median(times))) | \(times.map { String(format: "%.1f", $0) }.joined(separator: " / "))")
}
try store.close()
