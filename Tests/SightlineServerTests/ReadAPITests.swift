import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SightlineIngest
import SightlineSQLite
import SightlineServer
import SightlineWAL
import Testing

@Suite("GET /v1/events")
struct ReadAPITests {
    @Test("filters, newest first, cursor pagination without gaps or repeats")
    func filtersAndPages() async throws {
        try await TestServer().run { server, client in
            var lines: [String] = []
            for index in 0..<250 {
                let second = String(format: "%02d", index % 60)
                let minute = String(format: "%02d", index / 60)
                let status = [200, 201, 404, 500][index % 4]
                let service = index % 2 == 0 ? "shop" : "payments"
                let extra = #","consumer":{"id":"c\#(index % 3)"},"route":"/orders/{id}","user_id":"u\#(index % 5)","session_id":"s\#(index % 7)","trace_id":"\#(String(format: "%032x", index + 1))""#
                lines.append(event(id: "e\(index)", service: service, path: "/orders/\(index)", status: status, at: "2026-11-22T10:\(minute):\(second).000Z", extra: extra))
            }
            #expect(try await client.post(lines.joined(separator: "\n")).json["accepted"] as? Int == 250)
            try await waitUntilStored(server)

            // Pages of 100 walk all 250, newest first.
            var ids: [String] = []
            var timestamps: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.get("/v1/events?limit=100" + (cursor.map { "&cursor=\($0)" } ?? "")).json
                let events = page["events"] as? [[String: Any]] ?? []
                ids += events.compactMap { $0["id"] as? String }
                timestamps += events.compactMap { $0["timestamp"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(ids.count == 250)
            #expect(Set(ids).count == 250)
            #expect(timestamps == timestamps.sorted(by: >))

            func count(_ query: String) async throws -> Int {
                (try await client.get("/v1/events?limit=1000&\(query)").json["events"] as? [[String: Any]])?.count ?? -1
            }
            #expect(try await count("service=shop") == 125)
            #expect(try await count("status=404") == 62)
            #expect(try await count("status=5xx") == 62)
            #expect(try await count("status=2xx&service=shop") == 63)
            #expect(try await count("consumer=c1") == 83)
            #expect(try await count("user=u2") == 50)
            #expect(try await count("session=s3") == 36)
            #expect(try await count("trace_id=\(String(format: "%032x", 8))") == 1)
            #expect(try await count("route=%2Forders%2F%7Bid%7D") == 250)
            #expect(try await count("path_prefix=%2Forders%2F1") == 111)
            #expect(try await count("method=get") == 250)
            #expect(try await count("from=2026-11-22T10:01:00Z&to=2026-11-22T10:02:00Z") == 60)
        }
    }

    @Test("bad parameters get 400 with what to do")
    func badParameters() async throws {
        try await TestServer().run { _, client in
            for query in ["limit=0", "limit=abc", "limit=5000", "status=6xx", "status=abc", "from=yesterday", "cursor=zzz", "colour=red"] {
                let response = try await client.get("/v1/events?\(query)")
                #expect(response.status == .badRequest, "\(query)")
                #expect(((response.json["error"] as? [String: Any])?["message"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test("filter values are data, never SQL")
    func injection() async throws {
        try await TestServer().run { server, client in
            _ = try await client.post(event(id: "safe"))
            try await waitUntilStored(server)
            for value in ["x'%20OR%20'1'%3D'1", "shop'%3B%20DROP%20TABLE%20events%3B%20--", "%25", "shop%22%29%20OR%201%3D1%20--"] {
                let response = try await client.get("/v1/events?service=\(value)")
                #expect(response.status == .ok)
                #expect((response.json["events"] as? [[String: Any]])?.count == 0)
            }
            #expect(try await server.store.count() == 1)
        }
    }

    @Test("data survives a restart: graceful shutdown checkpoints, the next start reads it")
    func restart() async throws {
        let setup = TestServer()
        try await setup.run(keep: true) { _, client in
            _ = try await client.post([event(id: "r1"), event(id: "r2")].joined(separator: "\n"))
        }
        try await setup.run { server, client in
            try await waitUntilStored(server)
            #expect(try await client.get("/v1/events/r1").status == .ok)
            #expect(try await server.store.count() == 2)
        }
    }

    @Test("keys are stored hashed; first start creates an ingest and a read key")
    func keysHashed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let (store, created) = try KeyStore.open(directory: directory, pinnedIngestKey: nil, pinnedReadKey: nil)
        #expect(created.map(\.0) == [.ingest, .read])
        let file = try String(contentsOfFile: directory + "/keys.json", encoding: .utf8)
        for (scope, key) in created {
            #expect(!file.contains(key))
            #expect(store.scope(ofKey: key) == scope)
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/keys.json")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // A second start creates nothing and still knows the keys.
        let (again, none) = try KeyStore.open(directory: directory, pinnedIngestKey: nil, pinnedReadKey: nil)
        #expect(none.isEmpty)
        #expect(again.scope(ofKey: created[0].1) == .ingest)
    }
}
