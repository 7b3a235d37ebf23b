import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SightlineIngest
import SightlineSQLite
import SightlineServer
import Testing

/// OTLP/HTTP through the server, with bodies the OpenTelemetry Python SDK sent (captured in
/// Tests/SightlineOTLPTests/Fixtures): events are durable and readable, the rest is reported.
@Suite("POST /v1/traces, /v1/logs, /v1/metrics")
struct OTLPAPITests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return [UInt8](try Data(contentsOf: directory.appendingPathComponent("SightlineOTLPTests/Fixtures/\(name)")))
    }

    func post(_ client: some TestClientProtocol, _ path: String, _ body: [UInt8], contentType: String, gzip: Bool = false, headers: HTTPFields = .ingest) async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = contentType
        var buffer = ByteBuffer(bytes: body)
        if gzip {
            buffer = try buffer.compress(with: .gzip())
            fields[.contentEncoding] = "gzip"
        }
        return try await client.execute(uri: path, method: .post, headers: fields, body: buffer)
    }

    @Test("server spans become stored events; other spans are kept linked to their trace", arguments: [
        ("python-protobuf-traces-1.bin", "application/x-protobuf", false),
        ("python-json-traces-1.json", "application/json", true),
    ])
    func traces(_ name: String, _ contentType: String, _ gzip: Bool) async throws {
        try await TestServer().run { server, client in
            let response = try await post(client, "/v1/traces", try Self.fixture(name), contentType: contentType, gzip: gzip)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == contentType)
            if contentType == "application/json" {
                // Nothing rejected: proto3 JSON leaves out a zero count and an empty message.
                let partial = response.json["partialSuccess"] as? [String: Any] ?? [:]
                #expect((partial["rejectedSpans"] as? String).flatMap(Int.init) ?? partial["rejectedSpans"] as? Int ?? 0 == 0)
            }
            try await waitUntilStored(server)
            #expect(try await server.store.count() == 3)
            let events = try await client.get("/v1/events?limit=10").json["events"] as? [[String: Any]] ?? []
            let orders = try #require(events.first { $0["path"] as? String == "/orders/42" })
            #expect(orders["service"] as? String == "checkout")
            #expect(orders["route"] as? String == "/orders/{id}")
            #expect(orders["status"] as? Int == 200)
            #expect(orders["client_ip"] as? String == "203.0.113.9")
            #expect((orders["consumer"] as? [String: Any])?["id"] as? String == "acme")
            #expect((orders["id"] as? String)?.hasPrefix("otel-") == true)
            // The request's internal and client spans are stored with its trace.
            let traceID = try #require(orders["trace_id"] as? String)
            let trace = try await client.get("/v1/traces/\(traceID)")
            #expect(trace.status == .ok)
            let traceEvents = trace.json["events"] as? [[String: Any]] ?? []
            let spans = trace.json["spans"] as? [[String: Any]] ?? []
            #expect(traceEvents.map { $0["path"] as? String } == ["/orders/42"])
            #expect(Set(spans.compactMap { $0["name"] as? String }) == ["load order", "GET"])
            #expect(Set(spans.compactMap { $0["kind"] as? String }) == ["internal", "client"])
            let parent = try #require(orders["span_id"] as? String)
            #expect(spans.allSatisfy { $0["parent_span_id"] as? String == parent && $0["service"] as? String == "checkout" })
            // Re-sending the same export stores nothing twice (ids come from trace and span ids).
            #expect(try await post(client, "/v1/traces", try Self.fixture(name), contentType: contentType).status == .ok)
            try await waitUntilStored(server)
            #expect(try await server.store.count() == 3)
            #expect((try await client.get("/v1/traces/\(traceID)").json["spans"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test("log records are stored, linked to their trace and span, and listed with filters")
    func logsAreLinked() async throws {
        try await TestServer().run { server, client in
            #expect(try await post(client, "/v1/traces", try Self.fixture("python-json-traces-1.json"), contentType: "application/json").status == .ok)
            let answer = try await post(client, "/v1/logs", try Self.fixture("python-json-logs-1.json"), contentType: "application/json")
            #expect(answer.status == .ok)
            #expect((answer.json["partialSuccess"] as? [String: Any])?["errorMessage"] == nil)
            try await waitUntilStored(server)

            let trace = try await client.get("/v1/traces/7D110169212675BC99C8D4F1072EE304")
            let logs = trace.json["logs"] as? [[String: Any]] ?? []
            #expect(logs.count == 1)
            #expect(logs.first?["body"] as? String == "order 42 loaded")
            #expect(logs.first?["span_id"] as? String == "8448134c7997d2fe")
            #expect(logs.first?["level"] as? String == "info")
            #expect((logs.first?["id"] as? String)?.isEmpty == false)

            let all = try await client.get("/v1/logs").json["logs"] as? [[String: Any]] ?? []
            #expect(all.count == 2)
            let errors = try await client.get("/v1/logs?level=error").json["logs"] as? [[String: Any]] ?? []
            #expect(errors.map { $0["body"] as? String } == ["payment failed"])
            #expect(errors.first?["trace_id"] == nil)
            let found = try await client.get("/v1/logs?q=order%2042").json["logs"] as? [[String: Any]] ?? []
            #expect(found.count == 1)
            // Pagination: one per page, newest first, no duplicates.
            let first = try await client.get("/v1/logs?limit=1")
            let cursor = try #require(first.json["next_cursor"] as? String)
            let second = try await client.get("/v1/logs?limit=1&cursor=\(cursor)")
            #expect(second.json["next_cursor"] is NSNull)
            let ids = [first, second].flatMap { ($0.json["logs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
            #expect(Set(ids).count == 2)

            let metrics = String(buffer: try await client.get("/metrics").body)
            #expect(metrics.contains("sightline_ingest_log_records_accepted_total 2\n"))
            #expect(metrics.contains("sightline_ingest_spans_accepted_total 2\n"))

            #expect(try await client.get("/v1/logs?level=loud").status == .badRequest)
            #expect(try await client.get("/v1/logs?colour=red").status == .badRequest)
            #expect(try await client.get("/v1/traces/not-a-trace").status == .badRequest)
            #expect(try await client.get("/v1/traces/00000000000000000000000000000001").status == .notFound)
            #expect(try await client.get("/v1/logs", headers: .ingest).status == .forbidden)
            #expect(try await client.get("/v1/traces/7d110169212675bc99c8d4f1072ee304", headers: [:]).status == .unauthorized)
        }
    }

    @Test("metrics are answered with what was not stored; bad input is refused")
    func metricsAndErrors() async throws {
        try await TestServer().run { _, client throws in
            let metrics = try await post(client, "/v1/metrics", Array("{}".utf8), contentType: "application/json")
            #expect(metrics.status == .ok)

            #expect(try await post(client, "/v1/traces", [1, 2, 3], contentType: "application/x-protobuf").status == .badRequest)
            #expect(try await post(client, "/v1/traces", Array("{}".utf8), contentType: "text/plain").status == .unsupportedMediaType)
            #expect(try await post(client, "/v1/traces", Array("{}".utf8), contentType: "application/json", headers: [:]).status == .unauthorized)
            #expect(try await post(client, "/v1/traces", Array("{}".utf8), contentType: "application/json", headers: .read).status == .forbidden)
        }
    }
}
