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
        }
        let store = try SQLiteEventStore(path: data + "/events.sqlite")
        defer { try? store.close() }
        #expect(try await store.count() == 3000)
        let catalogue = try await store.endpointCatalogue(filter: EndpointFilter(service: "shop"))
        #expect(Set(catalogue.map(\.endpoint.route)) == ["/api/orders/{id}", "/api/users/{id}", "/health"])
        #expect(catalogue.map(\.count).reduce(0, +) == 3000)
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
