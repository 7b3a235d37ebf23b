import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SightlineIngest
import SightlineSQLite
import SightlineServer
import SightlineWAL
import Testing

@Suite("POST /v1/events")
struct IngestAPITests {
    @Test("health needs no key; every other endpoint does")
    func authentication() async throws {
        try await TestServer().run { _, client in
            #expect(try await client.get("/health", headers: [:]).status == .ok)
            #expect(try await client.post(event(), headers: [:]).status == .unauthorized)
            #expect(try await client.post(event(), headers: [.authorization: "Bearer nope"]).status == .unauthorized)
            #expect(try await client.post(event(), headers: [.authorization: "Basic abc"]).status == .unauthorized)
            #expect(try await client.post(event(), headers: .read).status == .forbidden)
            #expect(try await client.get("/v1/events", headers: .ingest).status == .forbidden)
            #expect(try await client.get("/v1/events", headers: [:]).status == .unauthorized)
            #expect(try await client.get("/v1/events/x", headers: [:]).status == .unauthorized)
            #expect(try await client.get("/metrics", headers: [:]).status == .unauthorized)
            let denied = try await client.post(event(), headers: [:])
            #expect(denied.headers[.wwwAuthenticate] != nil)
            #expect((denied.json["error"] as? [String: Any])?["code"] as? String == "unauthorized")
        }
    }

    @Test("the minimal event is accepted as written and read back")
    func minimalRoundTrip() async throws {
        try await TestServer().run { server, client in
            let response = try await client.post(#"{"timestamp":"2026-11-22T10:00:00.123Z","service":"shop","method":"GET","path":"/orders/42","status":200,"duration_ms":12.5}"#)
            #expect(response.status == .ok)
            #expect(response.text == #"{"accepted":1,"rejected":[]}"#)
            try await waitUntilStored(server)
            let page = try await client.get("/v1/events").json
            let events = try #require(page["events"] as? [[String: Any]])
            #expect(events.count == 1)
            #expect(events.first?["path"] as? String == "/orders/42")
            #expect(events.first?["timestamp"] as? String == "2026-11-22T10:00:00.123Z")
            #expect((events.first?["id"] as? String)?.count == 26)
            #expect(page["next_cursor"] is NSNull)
            let id = try #require(events.first?["id"] as? String)
            let single = try await client.get("/v1/events/\(id)")
            #expect(single.status == .ok)
            #expect(single.json["service"] as? String == "shop")
            #expect(try await client.get("/v1/events/nope").status == .notFound)
        }
    }

    @Test("a partial batch accepts the valid events and names each rejected one")
    func partialBatch() async throws {
        try await TestServer().run { server, client in
            let body = "[" + [event(id: "a"), event(id: "b", status: 700), event(id: "c"), #"{"service":"x"}"#].joined(separator: ",") + "]"
            let response = try await client.post(body)
            #expect(response.status == .ok)
            #expect(response.json["accepted"] as? Int == 2)
            let rejected = try #require(response.json["rejected"] as? [[String: Any]])
            #expect(rejected.map { $0["index"] as? Int } == [1, 3])
            #expect(rejected.first?["error"] as? String == "field 'status': expected an integer 100...599, got 700")
            // All invalid: 400 with the same shape.
            let allBad = try await client.post(event(status: 99))
            #expect(allBad.status == .badRequest)
            #expect(allBad.json["accepted"] as? Int == 0)
            try await waitUntilStored(server)
            #expect(try await client.get("/v1/events/a").status == .ok)
            #expect(try await client.get("/v1/events/b").status == .notFound)
        }
    }

    @Test("NDJSON and gzip bodies; bad encodings are refused clearly")
    func encodings() async throws {
        try await TestServer().run { _, client in
            let ndjson = [event(id: "n1"), event(id: "n2"), "{broken", event(id: "n3")].joined(separator: "\n")
            let plain = try await client.post(ndjson)
            #expect(plain.json["accepted"] as? Int == 3)
            #expect((plain.json["rejected"] as? [[String: Any]])?.first?["index"] as? Int == 2)

            var buffer = ByteBuffer(string: [event(id: "g1"), event(id: "g2")].joined(separator: "\n"))
            let gzipped = try buffer.compress(with: .gzip())
            let zipped = try await client.execute(uri: "/v1/events", method: .post, headers: HTTPFields.ingest + [.contentEncoding: "gzip"], body: gzipped)
            #expect(zipped.status == .ok)
            #expect(zipped.json["accepted"] as? Int == 2)

            let corrupt = try await client.execute(uri: "/v1/events", method: .post, headers: HTTPFields.ingest + [.contentEncoding: "gzip"], body: ByteBuffer(string: "not gzip"))
            #expect(corrupt.status == .badRequest)
            let brotli = try await client.execute(uri: "/v1/events", method: .post, headers: HTTPFields.ingest + [.contentEncoding: "br"], body: ByteBuffer(string: event()))
            #expect(brotli.status == .unsupportedMediaType)
        }
    }

    @Test("malformed and empty batches get 400 with a position")
    func badBatches() async throws {
        try await TestServer().run { _, client in
            let malformed = try await client.post("[\(event()),\n{\"service\" 1}]")
            #expect(malformed.status == .badRequest)
            let message = (malformed.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("line 2, column 12"))
            #expect(try await client.post("").status == .badRequest)
            #expect(try await client.post("hello").status == .badRequest)
        }
    }

    @Test("limits: body size (also after gzip), batch count")
    func limits() async throws {
        try await TestServer { $0.maxBodyBytes = 4096; $0.ingest.maxBatchEvents = 5 }.run { _, client in
            let big = Array(repeating: event(), count: 40).joined(separator: "\n")
            let tooBig = try await client.post(big)
            #expect(tooBig.status == .contentTooLarge)
            #expect((tooBig.json["error"] as? [String: Any])?["code"] as? String == "body_too_large")

            var bomb = ByteBuffer(string: String(repeating: " ", count: 100_000) + event())
            let compressed = try bomb.compress(with: .gzip())
            #expect(compressed.readableBytes < 4096)
            let inflated = try await client.execute(uri: "/v1/events", method: .post, headers: HTTPFields.ingest + [.contentEncoding: "gzip"], body: compressed)
            #expect(inflated.status == .contentTooLarge)

            let many = try await client.post(Array(repeating: event(), count: 6).joined(separator: "\n"))
            #expect(many.status == .contentTooLarge)
            #expect((many.json["error"] as? [String: Any])?["code"] as? String == "batch_too_large")
            #expect(try await client.post(Array(repeating: event(), count: 5).joined(separator: "\n")).status == .ok)
        }
    }

    @Test("a full write-ahead log answers 503 with Retry-After and accepts nothing")
    func walFull() async throws {
        try await TestServer { $0.walQuotaBytes = 64 << 10; $0.walSegmentBytes = 16 << 10 }.run { server, client in
            server.applier.setPaused(true)
            var full: TestResponse?
            var accepted = 0
            for index in 0..<200 {
                let response = try await client.post(Array((0..<20).map { event(id: "q\(index)-\($0)", extra: #","user_agent":"\#(String(repeating: "x", count: 200))""#) }).joined(separator: "\n"))
                if response.status == .serviceUnavailable { full = response; break }
                accepted += response.json["accepted"] as? Int ?? 0
            }
            let refused = try #require(full)
            #expect(refused.headers[.retryAfter] != nil)
            #expect((refused.json["error"] as? [String: Any])?["code"] as? String == "wal_full")
            #expect(accepted > 0)
            // Everything acknowledged before the refusal is stored, once the applier goes on.
            server.applier.setPaused(false)
            try await waitUntilStored(server)
            #expect(try await server.store.count() == accepted)
        }
    }

    @Test("a batch larger than the whole log quota is 413, not 503 or 500")
    func batchLargerThanQuota() async throws {
        try await TestServer { $0.walQuotaBytes = 64 << 10; $0.walSegmentBytes = 16 << 10 }.run { server, client in
            let agent = String(repeating: "x", count: 1000)
            let body = (0..<100).map { event(id: "big-\($0)", extra: #","user_agent":"\#(agent)""#) }.joined(separator: "\n")
            let response = try await client.post(body)
            #expect(response.status == .contentTooLarge)
            #expect((response.json["error"] as? [String: Any])?["code"] as? String == "batch_too_large")
            // Nothing of it was accepted; a small batch still is.
            #expect(try await client.post(event(id: "small")).status == .ok)
            try await waitUntilStored(server)
            #expect(try await server.store.count() == 1)
        }
    }

    @Test("the same id sent twice is stored once")
    func deduplication() async throws {
        try await TestServer().run { server, client in
            #expect(try await client.post(event(id: "dup-1")).status == .ok)
            #expect(try await client.post([event(id: "dup-1"), event(id: "dup-2")].joined(separator: "\n")).status == .ok)
            try await waitUntilStored(server)
            #expect(try await server.store.count() == 2)
        }
    }

    @Test("metrics are exposed in Prometheus format")
    func metrics() async throws {
        try await TestServer().run { server, client in
            _ = try await client.post([event(), event(status: 1)].joined(separator: "\n"))
            try await waitUntilStored(server)
            let text = try await client.get("/metrics").text
            #expect(text.contains("sightline_ingest_events_accepted_total 1"))
            #expect(text.contains("sightline_ingest_events_rejected_total 1"))
            #expect(text.contains("sightline_wal_fsyncs_total"))
            #expect(text.contains("sightline_wal_fsync_duration_seconds_bucket{le=\"+Inf\"}"))
            #expect(text.contains("sightline_wal_fsync_duration_seconds_count"))
            #expect(text.contains("sightline_store_lag_records 0"))
            #expect(text.contains("sightline_http_request_duration_seconds_bucket"))
            #expect(!text.contains(TestServer.ingestKey))
        }
    }
}

extension HTTPFields {
    static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var result = lhs
        result.append(contentsOf: rhs)
        return result
    }
}
