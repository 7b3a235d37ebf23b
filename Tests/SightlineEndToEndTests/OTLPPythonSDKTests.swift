import AsyncHTTPClient
import Foundation
import Testing

/// The real OpenTelemetry Python SDK sends spans to the real server binary, over protobuf and over
/// JSON (Tests/otel/service.py: a small HTTP service instrumented with the SDK); every request it
/// served must come back from `GET /v1/events` field by field, and its trace (`GET /v1/traces/{id}`)
/// must hold the request's internal child span and the log record written inside it.
///
/// Needs two Pythons with the SDK (the protobuf and JSON exporters pin conflicting versions):
/// `SIGHTLINE_OTEL_PYTHON_PROTOBUF` and `SIGHTLINE_OTEL_PYTHON_JSON` (Tests/otel/requirements-*.txt;
/// `.ci/run` creates both). Skipped on a developer machine without them; under CI it runs.
@Suite("OpenTelemetry Python SDK → Sightline")
struct OTLPPythonSDKTests {
    static let pythons: [String: String] = {
        let environment = ProcessInfo.processInfo.environment
        var found: [String: String] = [:]
        if let python = environment["SIGHTLINE_OTEL_PYTHON_PROTOBUF"] { found["protobuf"] = python }
        if let python = environment["SIGHTLINE_OTEL_PYTHON_JSON"] { found["json"] = python }
        return found
    }()

    static var shouldRun: Bool { pythons.count == 2 || ProcessInfo.processInfo.environment["CI"] != nil }

    @Test("server spans arrive as events, field by field", .enabled(if: shouldRun), arguments: ["protobuf", "json"])
    func spans(_ encoding: String) async throws {
        let python = try #require(Self.pythons[encoding], "set SIGHTLINE_OTEL_PYTHON_\(encoding.uppercased()) to a Python with Tests/otel/requirements-\(encoding).txt")
        let root = try DashboardBrowserTests.packageRoot()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-otel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let server = try await ServerProcess(dataDirectory: work.appendingPathComponent("data").path)
        defer { server.terminate() }

        var environment = ProcessInfo.processInfo.environment
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = server.baseURL
        environment["OTEL_EXPORTER_OTLP_HEADERS"] = "Authorization=Bearer \(ServerProcess.ingestKey)"
        let output = work.appendingPathComponent("served.jsonl")
        let status = try DashboardBrowserTests.run(python, [root.appendingPathComponent("Tests/otel/service.py").path, encoding], output: output, environment: environment)
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        try #require(status == 0, "the instrumented service failed:\n\(text.suffix(3000))")
        let served = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(served.count == 6)

        let api = TestAPI(client: .shared, baseURL: server.baseURL)
        try await api.waitForStore()
        let (code, body) = try await api.get("/v1/events?service=python-shop-\(encoding)&limit=100")
        #expect(code == 200)
        let events = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["events"] as? [[String: Any]] ?? []
        #expect(events.count == served.count)
        let byPath = Dictionary(events.map { (($0["path"] as? String ?? "") + " " + ($0["method"] as? String ?? ""), $0) }, uniquingKeysWith: { first, _ in first })
        for request in served {
            let key = (request["path"] as? String ?? "") + " " + (request["method"] as? String ?? "")
            let event = try #require(byPath[key], "no event for \(key)")
            #expect(event["status"] as? Int == request["status"] as? Int, "\(key)")
            #expect(event["environment"] as? String == "e2e")
            #expect(event["user_agent"] as? String == request["user_agent"] as? String)
            #expect(event["user_id"] as? String == request["user_id"] as? String)
            #expect(event["trace_id"] as? String == request["trace_id"] as? String)
            #expect(event["span_id"] as? String == request["span_id"] as? String)
            #expect(event["client_ip"] as? String == "127.0.0.1")
            #expect(event["scheme"] as? String == "http")
            if let route = request["route"] as? String { #expect(event["route"] as? String == route, "\(key)") }
            if let query = request["query"] as? String, !query.isEmpty {
                #expect((event["query"] as? [String: Any])?["expand"] as? String == "items")
            }
            let duration = event["duration_ms"] as? Double ?? -1
            #expect(duration >= 0 && duration < 10_000)
            if request["status"] as? Int == 500 {
                #expect((event["error"] as? [String: Any])?["message"] as? String == "boom")
            }
            // The trace: this request's event, its child span, and the log record inside it.
            let traceID = try #require(request["trace_id"] as? String)
            let (traceCode, traceBody) = try await api.get("/v1/traces/\(traceID)")
            #expect(traceCode == 200, "\(key)")
            let trace = try JSONSerialization.jsonObject(with: traceBody) as? [String: Any] ?? [:]
            #expect((trace["events"] as? [[String: Any]])?.compactMap { $0["span_id"] as? String } == [request["span_id"] as? String].compactMap { $0 })
            let spans = trace["spans"] as? [[String: Any]] ?? []
            #expect(spans.count == 1, "\(key)")
            #expect(spans.first?["span_id"] as? String == request["child_span_id"] as? String)
            #expect(spans.first?["parent_span_id"] as? String == request["span_id"] as? String)
            #expect(spans.first?["name"] as? String == request["child_name"] as? String)
            #expect(spans.first?["kind"] as? String == "internal")
            #expect(spans.first?["service"] as? String == "python-shop-\(encoding)")
            let logs = trace["logs"] as? [[String: Any]] ?? []
            #expect(logs.count == 1, "\(key)")
            #expect(logs.first?["body"] as? String == request["log_body"] as? String)
            #expect(logs.first?["level"] as? String == request["log_level"] as? String)
            #expect(logs.first?["span_id"] as? String == request["child_span_id"] as? String)
            #expect(logs.first?["environment"] as? String == "e2e")
        }
    }
}
