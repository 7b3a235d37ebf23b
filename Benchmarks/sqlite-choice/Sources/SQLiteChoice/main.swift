import BenchRows
import Foundation
import GRDB
import SQLiteNIO

// Step 1 of docs/storage-measurements.md: insert rows of the events table (WAL, synchronous=FULL,
// transactions of --batch rows) through each API and print rows/s, median of --runs fresh files.
//
// Usage: SQLiteChoice [variant ...] [--rows N] [--batch N] [--runs N]   (BENCH_DIR=dir for the files)
// Variants: grdb-raw        GRDB cached statement, sqlite3_bind_* on statement.sqliteStatement
//           grdb-unchecked  GRDB cached statement, setUncheckedArguments + execute()
//           grdb-execute    GRDB cached statement, execute(arguments:)
//           nio-multirow    sqlite-nio query() with 500-row INSERT … VALUES (…), (…) statements
//           nio-single      sqlite-nio query() per row
nonisolated(unsafe) var arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: Int) -> Int {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else { return fallback }
    arguments.removeSubrange(i...(i + 1))
    return v
}
let rowCount = option("--rows", 200_000)
let batchSize = option("--batch", 10_000)
let runs = option("--runs", 3)
let allVariants = ["grdb-raw", "grdb-unchecked", "grdb-execute", "nio-multirow", "nio-single"]
let variants = arguments.isEmpty ? allVariants : arguments

let rows = makeRows(count: rowCount)
let baseDir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["BENCH_DIR"] ?? NSTemporaryDirectory()).appendingPathComponent("sqlite-choice-\(getpid())")
try FileManager.default.createDirectory(at: baseDir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: baseDir) }
print("rows=\(rowCount) batch=\(batchSize) runs=\(runs) sqlite(GRDB)=\(grdbSQLiteVersion()) sqlite(sqlite-nio)=\(SQLiteConnection.libraryVersionString())")

func batches(_ rows: [BenchRow], _ batchSize: Int) -> [ArraySlice<BenchRow>] {
    stride(from: 0, to: rows.count, by: batchSize).map { rows[$0..<min($0 + batchSize, rows.count)] }
}

func runOnce(_ variant: String, run: Int, rows: [BenchRow], batchSize: Int, baseDir: URL) async throws -> Double {
    let path = baseDir.appendingPathComponent("\(variant)-\(run).sqlite").path
    let clock = ContinuousClock()
    var elapsed: Duration = .zero
    switch variant {
    case "grdb-raw", "grdb-unchecked", "grdb-execute":
        let pool = try openGRDB(path: path, extraDDL: "")
        let start = clock.now
        for batch in batches(rows, batchSize) {
            switch variant {
            case "grdb-raw": try insertGRDBRaw(pool, batch)
            case "grdb-unchecked": try insertGRDBArguments(pool, batch)
            default: try insertGRDBExecuteArguments(pool, batch)
            }
        }
        elapsed = clock.now - start
        let count = try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events") }
        precondition(count == rows.count, "inserted \(count ?? -1)")
        try pool.close()
    case "nio-multirow", "nio-single":
        let connection = try await openNIO(path: path)
        let start = clock.now
        for batch in batches(rows, batchSize) {
            if variant == "nio-single" { try await insertNIOSingleRow(connection, batch) }
            else { try await insertNIOMultiRow(connection, batch, rowsPerStatement: 500) }
        }
        elapsed = clock.now - start
        let result = try await connection.query("SELECT count(*) AS n FROM events")
        let count = result[0].column("n")?.integer
        precondition(count == rows.count, "inserted \(count ?? -1)")
        try await connection.close()
    default:
        fatalError("unknown variant \(variant)")
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Double(rows.count) / seconds
}

for variant in variants {
    var rates: [Double] = []
    for run in 0..<runs { rates.append(try await runOnce(variant, run: run, rows: rows, batchSize: batchSize, baseDir: baseDir)) }
    let sorted = rates.sorted()
    let runsText = rates.map { String(Int($0)) }.joined(separator: ", ")
    print("\(variant): median \(Int(sorted[sorted.count / 2])) rows/s  (runs: \(runsText))")
}
