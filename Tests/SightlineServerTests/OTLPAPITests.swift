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

    @Test("server spans become stored events; other spans are counted as rejected", arguments: [
        ("python-protobuf-traces-1.bin", "application/x-protobuf", false),
        ("python-json-traces-1.json", "application/json", true),
    ])
    func traces(_ name: String, _ contentType: String, _ gzip: Bool) async throws {
        try await TestServer().run { server, client in
            let response = try await post(client, "/v1/traces", try Self.fixture(name), contentType: contentType, gzip: gzip)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == contentType)
            if contentType == "application/json" {
                let partial = response.json["partialSuccess"] as? [String: Any]
                #expect((partial?["rejectedSpans"] as? String).flatMap(Int.init) ?? partial?["rejectedSpans"] as? Int == 2)
                #expect((partial?["errorMessage"] as? String)?.contains("not HTTP server spans") == true)
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
            // Re-sending the same export stores nothing twice (ids come from trace and span ids).
            #expect(try await post(client, "/v1/traces", try Self.fixture(name), contentType: contentType).status == .ok)
            try await waitUntilStored(server)
            #expect(try await server.store.count() == 3)
        }
    }

    @Test("logs and metrics are answered with what was not stored; bad input is refused")
    func logsMetricsAndErrors() async throws {
        try await TestServer().run { _, client in
            let logs = try await post(client, "/v1/logs", try Self.fixture("python-json-logs-1.json"), contentType: "application/json")
            #expect(logs.status == .ok)
            #expect(((logs.json["partialSuccess"] as? [String: Any])?["errorMessage"] as? String)?.contains("does not store log records") == true)
            #expect(try await post(client, "/v1/metrics", Array("{}".utf8), contentType: "application/json").status == .ok)

            #expect(try await post(client, "/v1/traces", [1, 2, 3], contentType: "application/x-protobuf").status == .badRequest)
            #expect(try await post(client, "/v1/traces", Array("{}".utf8), contentType: "text/plain").status == .unsupportedMediaType)
            #expect(try await post(client, "/v1/traces", Array("{}".utf8), contentType: "application/json", headers: [:]).status == .unauthorized)
            #expect(try await post(client, "/v1/traces", Array("{}".utf8), contentType: "application/json", headers: .read).status == .forbidden)
        }
    }
}
