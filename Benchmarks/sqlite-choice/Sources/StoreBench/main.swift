import BenchRows
import Foundation
import GRDB
import Logging
import SightlineSQLite
import SightlineStorage

// Step 2 of docs/storage-measurements.md: SQLiteEventStore.write throughput with a chosen set of
// secondary indexes, median of --runs fresh files (plus process CPU time per row, steadier than
// wall time on a shared machine).
//
// Usage: StoreBench [--rows N] [--batch N] [--runs N] [--preload N] <index-set> ...
// An index set is "all", "none", or a comma-separated list of index names to keep
// (events_by_ts, events_by_service, …; see SQLiteSchema.indexStatements). --preload N writes N rows
// before the timed part, to measure a store that is no longer empty.
nonisolated(unsafe) var arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: Int) -> Int {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else { return fallback }
    arguments.removeSubrange(i...(i + 1))
    return v
}
let rowCount = option("--rows", 200_000)
let batchSize = option("--batch", 10_000)
let runs = option("--runs", 3)
let preload = option("--preload", 0)
var quiet = Logger(label: "bench")
quiet.logLevel = .warning
let logger = quiet
let sets = arguments.isEmpty ? ["none", "all"] : arguments

let allRows = makeRows(count: preload + rowCount)
func event(_ row: BenchRow) -> StoredEvent {
    StoredEvent(
        seq: UInt64(row.seq), id: row.id, timestampMicros: row.ts, service: row.service, environment: row.environment,
        method: row.method, route: row.route, path: row.path, status: row.status, durationMs: row.durationMs,
        requestSize: row.requestSize, responseSize: row.responseSize, clientIP: row.clientIP, consumerID: row.consumerID,
        userID: row.userID, sessionID: row.sessionID, traceID: row.traceID, errorType: row.errorType, level: row.level,
        document: row.doc)
}
let events = allRows.map(event)
let baseDir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["BENCH_DIR"] ?? NSTemporaryDirectory())
    .appendingPathComponent("store-bench-\(getpid())")
try FileManager.default.createDirectory(at: baseDir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: baseDir) }
let docBytes = events.reduce(0) { $0 + $1.document.count } / max(events.count, 1)
print("rows=\(rowCount) preload=\(preload) batch=\(batchSize) runs=\(runs) avg-doc=\(docBytes)B")

func write(_ store: SQLiteEventStore, _ slice: ArraySlice<StoredEvent>) async throws {
    var start = slice.startIndex
    while start < slice.endIndex {
        let end = min(start + batchSize, slice.endIndex)
        try await store.write(Array(slice[start..<end]), checkpoint: slice[end - 1].seq)
        start = end
    }
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func walBytes(_ path: String) -> Int {
    (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
}

func runOnce(_ set: String, number: Int, run: Int) async throws -> (rate: Double, cpuMicrosPerRow: Double) {
    let path = baseDir.appendingPathComponent("set\(number)-run\(run).sqlite").path
    try SQLiteEventStore(path: path, logger: logger).close()
    if set != "all" {
        let keep = set == "none" ? [] : set.split(separator: ",").map(String.init)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL")
            for name in names where !keep.contains(name) { try db.execute(sql: "DROP INDEX \(name)") }
        }
        try queue.close()
    }
    let store = try SQLiteEventStore(path: path, logger: logger)
    try await write(store, events[0..<preload])
    let clock = ContinuousClock()
    let cpuStart = cpuSeconds()
    let start = clock.now
    try await write(store, events[preload...])
    let elapsed = clock.now - start
    let cpu = cpuSeconds() - cpuStart
    let stored = try await store.count()
    precondition(stored == events.count)
    try store.close()
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (Double(rowCount) / seconds, cpu * 1e6 / Double(rowCount))
}

for (number, set) in sets.enumerated() {
    var rates: [Double] = []
    var cpus: [Double] = []
    for run in 0..<runs {
        let result = try await runOnce(set, number: number, run: run)
        rates.append(result.rate)
        cpus.append(result.cpuMicrosPerRow)
    }
    let median = rates.sorted()[rates.count / 2]
    let cpu = cpus.sorted()[cpus.count / 2]
    let best = rates.max()!
    print("\(set): median \(Int(median)) rows/s (best \(Int(best))), CPU median \(String(format: "%.2f", cpu)) min \(String(format: "%.2f", cpus.min()!)) µs/row  (runs: \(rates.map { String(Int($0)) }.joined(separator: ", ")))")
}
