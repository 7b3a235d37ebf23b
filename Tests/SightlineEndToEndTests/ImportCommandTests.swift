import Foundation
import SightlineInsights
import SightlineSQLite
import Testing

/// `sightline import` run as users run it: a generated nginx log (with bad lines) into a fresh
/// data directory, twice; every good line is stored once, bad lines are reported by number.
@Suite("sightline import")
struct ImportCommandTests {
    @Test("an nginx combined log with $request_time: every good line once, bad lines reported, re-import adds nothing")
    func importTwice() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var lines: [String] = []
        for index in 0..<3000 {
            let second = String(format: "%02d", index % 60)
            let minute = String(format: "%02d", (index / 60) % 60)
            let path = ["/api/orders/\(index)", "/api/users/\(index % 97)?expand=1", "/health"][index % 3]
            let status = [200, 201, 404, 500][index % 4]
            lines.append(#"198.51.100.\#(index % 200) - - [29/Nov/2026:10:\#(minute):\#(second) +0000] "GET \#(path) HTTP/1.1" \#(status) \#(index) "-" "curl/8.5.0" 0.0\#(index % 10)5"#)
            if index == 1000 { lines.append("garbage line without any structure") }
        }
        let log = work.appendingPathComponent("shop.log")
        try lines.joined(separator: "\n").write(to: log, atomically: true, encoding: .utf8)
        let data = work.appendingPathComponent("data").path

        for round in 0..<2 {
            let output = work.appendingPathComponent("import-\(round).txt")
            let status = try DashboardBrowserTests.run(try ServerProcess.binaryPath(), ["import", log.path, "--data-dir", data], output: output)
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            #expect(status == 1, "bad lines make the exit status 1: \(text)")
            #expect(text.contains("imported 3000 events from 3001 lines (1 bad"), "\(text)")
            #expect(text.contains("line 1002:"), "the bad line is reported by its number: \(text)")
            #expect(!text.contains("ETA"), "no progress line when standard error is not a terminal")
        }
        let store = try SQLiteEventStore(path: data + "/events.sqlite")
        defer { try? store.close() }
        #expect(try await store.count() == 3000)
        let catalogue = try await store.endpointCatalogue(filter: EndpointFilter(service: "shop"))
        #expect(Set(catalogue.map(\.endpoint.route)) == ["/api/orders/{id}", "/api/users/{id}", "/health"])
        #expect(catalogue.map(\.count).reduce(0, +) == 3000)
    }
}

extension ImportCommandTests {
    @Test("on a terminal, a long import shows its progress: lines, lines/s, bytes of the file, ETA")
    func progressOnATerminal() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        // ~10 MB: three 4 MiB read chunks, one progress line after each.
        var text = ""
        for index in 0..<70_000 {
            text += #"198.51.100.\#(index % 200) - - [29/Nov/2026:10:00:00 +0000] "GET /api/orders/\#(index)?page=\#(index % 9) HTTP/1.1" 200 \#(index) "https://shop.example/cart" "Mozilla/5.0 (X11; Linux x86_64)" 0.012"# + "\n"
        }
        let log = work.appendingPathComponent("big.log")
        try text.write(to: log, atomically: true, encoding: .utf8)
        let command = [try ServerProcess.binaryPath(), "import", log.path, "--data-dir", work.appendingPathComponent("data").path, "--progress-interval-ms", "0"]
            .map { "'\($0)'" }.joined(separator: " ")
        // `script` runs the command on a pseudo-terminal and copies what it writes.
        let output = work.appendingPathComponent("terminal.txt")
        let status = try DashboardBrowserTests.run("/usr/bin/script", ["-qec", command, "/dev/null"], output: output)
        let screen = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(screen.suffix(2000))")
        let progress = screen.split(separator: "\r").filter { $0.contains("ETA") }
        #expect(progress.count >= 2, "\(screen.suffix(2000))")
        let size = String(format: "%.1f", Double(text.utf8.count) / 1e6)
        for line in progress {
            #expect(line.contains("lines/s") && line.contains("/ \(size) MB"), "\(line)")
        }
        #expect(screen.contains("imported 70000 events from 70000 lines"))
    }
}

@Suite("sightline detect payloads")
struct DetectCommandTests {
    @Test("one JSON verdict per input line, in order")
    func verdicts() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-detect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let input = work.appendingPathComponent("values.txt")
        try ["O'Brien", "1' OR '1'='1' --", "<svg onload=alert(1)>", "../../etc/passwd", "hello world"].joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        let output = work.appendingPathComponent("out.jsonl")
        #expect(try DashboardBrowserTests.run(try ServerProcess.binaryPath(), ["detect", "payloads", input.path], output: output) == 0)
        let verdicts = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(verdicts.map { $0["attack"] as? Bool } == [false, true, true, true, false])
        #expect(verdicts.map { $0["type"] as? String } == [nil, "sqli", "xss", "path-traversal", nil])
        #expect(verdicts.allSatisfy { $0["reason"] is String && $0["score"] is Double })
    }
}
