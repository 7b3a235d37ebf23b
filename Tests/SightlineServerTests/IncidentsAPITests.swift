import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SightlineIngest
import SightlineSQLite
import SightlineServer
import Testing

@Suite("Security detectors on the live stream and /v1/incidents")
struct IncidentsAPITests {
    @Test("a brute-force burst becomes one incident that can be acknowledged and resolved")
    func bruteForce() async throws {
        try await TestServer().run { server, client in
            var lines: [String] = []
            for index in 0..<40 {
                let second = String(format: "%02d", index)
                lines.append(event(id: "bf\(index)", method: "POST", path: "/auth/login", status: 401, at: "2026-11-22T10:00:\(second).000Z",
                                   extra: #","route":"/auth/login","client_ip":"203.0.113.66","user_id":"victim""#))
            }
            for index in 0..<20 {  // ordinary traffic from others
                lines.append(event(id: "ok\(index)", path: "/orders/\(index)", at: "2026-11-22T10:00:\(String(format: "%02d", index)).500Z",
                                   extra: #","route":"/orders/{id}","client_ip":"198.51.100.\#(index)""#))
            }
            #expect(try await client.post(lines.joined(separator: "\n")).json["accepted"] as? Int == 60)
            try await waitUntilStored(server)

            let list = try await client.get("/v1/incidents?detector=brute-force").json["incidents"] as? [[String: Any]] ?? []
            let incident = try #require(list.first { ($0["entity"] as? [String: String])?["value"] == "203.0.113.66" })
            #expect(incident["owasp_category"] as? String == "API2:2023")
            #expect(incident["status"] as? String == "open")
            #expect((incident["explanation"] as? String)?.isEmpty == false)
            #expect((incident["evidence_event_ids"] as? [String])?.allSatisfy { $0.hasPrefix("bf") } == true)
            #expect((try await client.get("/v1/incidents?entity=198.51.100.3").json["incidents"] as? [[String: Any]])?.isEmpty == true)

            let id = try #require(incident["id"] as? String)
            #expect(try await client.get("/v1/incidents/\(id)").json["id"] as? String == id)
            let acknowledged = try await client.execute(uri: "/v1/incidents/\(id)/acknowledge", method: .post, headers: .read)
            #expect(acknowledged.json["status"] as? String == "acknowledged")
            let resolved = try await client.execute(uri: "/v1/incidents/\(id)/resolve", method: .post, headers: .read)
            #expect(resolved.json["status"] as? String == "resolved")
            #expect(try await client.execute(uri: "/v1/incidents/nope/resolve", method: .post, headers: .read).status == .notFound)
            #expect(try await client.get("/v1/incidents?status=bogus").status == .badRequest)
            #expect(try await client.get("/v1/incidents", headers: .ingest).status == .forbidden)
            // Saved for the next start.
            let saved = try String(contentsOfFile: server.store.path.replacingOccurrences(of: "events.sqlite", with: "incidents.json"), encoding: .utf8)
            #expect(saved.contains(id) && saved.contains("resolved"))
        }
    }
}
