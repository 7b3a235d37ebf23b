import ArgumentParser
import Foundation
import SightlineCore

/// `sightline query '...'`: run a query of the query language against a running server.
struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a query against a running server and print the result.",
        discussion: """
        The language is specified in docs/specs/query-language.md. Examples:
          sightline query 'where status >= 500 | summarize n=count() by route | top 10 by n'
          sightline query 'summarize p95=p95(duration_ms) by bin(timestamp, 5m)' --from 1h --format csv
        Exits 1 when the server refuses the query (the error is printed with its position), 2 when
        the server cannot be reached.
        """
    )

    @Argument(help: "The query; '-' reads it from standard input.")
    var query: String

    @Option(help: "Start of the time window: RFC 3339 (2026-11-22T10:00:00Z) or a duration back from now (15m, 24h, 7d).")
    var from: String?

    @Option(help: "End of the time window (exclusive): RFC 3339 or a duration back from now.")
    var to: String?

    @Flag(help: "Read raw events even when rollups could answer the summary (exact percentiles, slower).")
    var exact = false

    @Option(help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    @Option(help: "Server URL (or SIGHTLINE_URL; default http://127.0.0.1:7070).")
    var server: String?

    @Option(help: "Read key (or SIGHTLINE_READ_KEY).")
    var key: String?

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    func run() async throws {
        guard let key = key ?? ProcessInfo.processInfo.environment["SIGHTLINE_READ_KEY"] else {
            throw ValidationError("no read key: pass --key or set SIGHTLINE_READ_KEY")
        }
        let text = query == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : query
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        var request: [String: Any] = ["query": text]
        if exact { request["exact"] = true }
        if let from { request["from"] = Timestamp.format(try Self.time(from, now: now, option: "--from")) }
        if let to { request["to"] = Timestamp.format(try Self.time(to, now: now, option: "--to")) }
        let body = try JSONSerialization.data(withJSONObject: request)
        let client = ServerClient(baseURL: serverURL(server), key: key)
        let answer: ServerClient.Answer
        do {
            answer = try await client.postJSON("/v1/query", [UInt8](body))
        } catch {
            FileHandle.standardError.write(Data("error: cannot reach the server at \(client.baseURL): \(error)\n".utf8))
            throw ExitCode(2)
        }
        let json = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        guard answer.status == 200, let json else {
            let error = json?["error"] as? [String: Any]
            let message = (error?["detail"] as? String).map { $0 } ?? "error: \(error?["message"] as? String ?? String(decoding: answer.body.prefix(500), as: UTF8.self))"
            FileHandle.standardError.write(Data("\(message)\n".utf8))
            throw ExitCode(1)
        }
        if format == .json {
            FileHandle.standardOutput.write(Data(answer.body))
            FileHandle.standardOutput.write(Data("\n".utf8))
            return
        }
        let columnObjects = json["columns"] as? [[String: Any]] ?? []
        let columns = columnObjects.map { $0["name"] as? String ?? "" }
        let types = columnObjects.map { $0["type"] as? String ?? "" }
        let rows = (json["rows"] as? [[Any]] ?? []).map { row in
            row.enumerated().map { index, value in Self.cell(value, type: index < types.count ? types[index] : "") }
        }
        switch format {
        case .csv:
            print(Self.csvLine(columns))
            for row in rows { print(Self.csvLine(row)) }
        case .table, .json:
            print(Self.table(columns: columns, rows: rows), terminator: "")
            fflush(nil)
            let statistics = json["statistics"] as? [String: Any] ?? [:]
            let scanned = statistics["rows_scanned"] as? Int ?? 0
            let elapsed = statistics["elapsed_ms"] as? Double ?? 0
            let source = statistics["source"] as? String == "rollups" ? "rollup rows" : "events"
            FileHandle.standardError.write(Data("\(rows.count) row\(rows.count == 1 ? "" : "s") (\(scanned) \(source) scanned, \(elapsed) ms)\n".utf8))
        }
    }

    /// RFC 3339, or a duration (`90s`, `15m`, `24h`, `7d`) back from `now`.
    static func time(_ text: String, now: Int64, option: String) throws -> Int64 {
        if let micros = Timestamp.parse(text) { return micros }
        let units: [(String, Int64)] = [("ms", 1_000), ("s", 1_000_000), ("m", 60_000_000), ("h", 3_600_000_000), ("d", 86_400_000_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let amount = Double(text.dropLast(suffix.count)), amount >= 0, amount.isFinite {
                return now - Int64(amount * Double(scale))
            }
        }
        throw ValidationError("\(option) must be an RFC 3339 date-time (2026-11-22T10:00:00Z) or a duration back from now (15m, 24h, 7d); got '\(text)'")
    }

    /// A JSON value as the text shown in a table or CSV cell (null is empty), by column type.
    static func cell(_ value: Any, type: String) -> String {
        switch value {
        case is NSNull: return ""
        case let string as String: return string
        case let number as NSNumber:
            if type == "bool" { return number.boolValue ? "true" : "false" }
            return number.stringValue
        default: return "\(value)"
        }
    }

    /// RFC 4180: quote a field holding a comma, quote, CR or LF; double inner quotes.
    static func csvLine(_ fields: [String]) -> String {
        fields.map { field in
            guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",")
    }

    /// Aligned columns; cells longer than 60 characters are cut with an ellipsis, and control
    /// characters are shown as spaces so one row stays one line.
    static func table(columns: [String], rows: [[String]]) -> String {
        let maxWidth = 60
        func clean(_ text: String) -> String {
            let flat = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
            return flat.count > maxWidth ? String(flat.prefix(maxWidth - 1)) + "…" : flat
        }
        let header = columns.map(clean)
        let body = rows.map { $0.map(clean) }
        var widths = header.map(\.count)
        for row in body {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ") + "\n"
        }
        var out = line(header)
        out += line(widths.map { String(repeating: "-", count: $0) })
        for row in body { out += line(row) }
        return out
    }
}
