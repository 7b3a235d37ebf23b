import Foundation
import Testing
@testable import SightlineQuery

/// Writes compiled SQL as JSON lines when `SIGHTLINE_SQL_DUMP` names a file, so
/// `scripts/check_sqlite.py` can execute it against a real SQLite. Does nothing otherwise.
@Test func dumpCompiledSQLForExternalCheck() throws {
    guard let path = ProcessInfo.processInfo.environment["SIGHTLINE_SQL_DUMP"] else { return }
    var queries = Golden.cases.map(\.query)
    var generator = QueryGenerator(rng: SplitMix64(seed: 99))
    for _ in 0..<600 { queries.append(generator.query()) }
    var lines: [String] = []
    for query in queries {
        let compiled = try QueryCompiler().compile(query, now: goldenNow, options: CompileOptions(from: 0, to: goldenNow, maxRows: 1000))
        let parameters: [Any] = compiled.parameters.map { value -> Any in
            switch value {
            case .null: return NSNull()
            case .int(let v): return v
            case .real(let v): return ["real": v]
            case .text(let v): return v
            }
        }
        let object: [String: Any] = ["query": query, "sql": compiled.sql, "parameters": parameters, "columns": compiled.columns.map(\.name)]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        lines.append(String(decoding: data, as: UTF8.self))
    }
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
}
