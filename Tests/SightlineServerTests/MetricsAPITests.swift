import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SightlineIngest
import SightlineSQLite
import SightlineServer
import Testing

@Suite("GET /v1/metrics")
struct MetricsAPITests {
    static let range = "from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z"

    /// 90 events in 10:00–10:02: /users/{n} without a route (templated by the server), and
    /// /orders/{id} with one; every fifth is a 500, every seventh a 404.
    func seed(_ client: some TestClientProtocol, _ server: Sightline) async throws {
        var lines: [String] = []
        for index in 0..<90 {
            let status = index % 5 == 0 ? 500 : (index % 7 == 0 ? 404 : 200)
            let time = "2026-11-22T10:0\(index / 40):\(String(format: "%02d", index % 40)).000Z"
            let extra = #","consumer":{"id":"c\#(index % 3)"},"response_size":100"#
            if index % 2 == 0 {
                lines.append(event(id: "m\(index)", path: "/users/\(1000 + index)", status: status, at: time, extra: extra))
            } else {
                lines.append(event(id: "m\(index)", path: "/orders/\(index)", status: status, at: time, extra: #","route":"/orders/{id}""# + extra))
            }
        }
        #expect(try await client.post(lines.joined(separator: "\n")).json["accepted"] as? Int == 90)
        try await waitUntilStored(server)
    }

    @Test("overview totals, series and top endpoints")
    func overview() async throws {
        try await TestServer().run { server, client in
            try await seed(client, server)
            let json = try await client.get("/v1/metrics/overview?\(Self.range)").json
            let totals = json["totals"] as? [String: Any]
            #expect(totals?["requests"] as? Int == 90)
            #expect(totals?["errors"] as? Int == 18)
            #expect(totals?["client_errors"] as? Int == 10)
            #expect(totals?["bytes_out"] as? Int == 9000)
            #expect(json["bucket_seconds"] as? Int == 60)
            let series = json["series"] as? [[String: Any]] ?? []
            #expect(series.count == 60)
            #expect(series.prefix(3).map { $0["requests"] as? Int } == [40, 40, 10])
            let top = (json["top_by_traffic"] as? [[String: Any]])?.map { "\($0["method"] ?? "") \($0["route"] ?? "")" }
            #expect(top == ["GET /orders/{id}", "GET /users/{id}"])
        }
    }

    @Test("endpoints: paths without a route are templated; detail has status codes, slowest and consumers")
    func endpoints() async throws {
        try await TestServer().run { server, client in
            try await seed(client, server)
            let list = try await client.get("/v1/metrics/endpoints?\(Self.range)").json["endpoints"] as? [[String: Any]] ?? []
            #expect(Set(list.compactMap { $0["route"] as? String }) == ["/users/{id}", "/orders/{id}"])
            #expect(list.compactMap { $0["requests"] as? Int }.reduce(0, +) == 90)
            #expect(list.allSatisfy { $0["first_seen"] is String && $0["p95_ms"] as? Double == 12.5 })

            let detail = try await client.get("/v1/metrics/endpoint?\(Self.range)&service=shop&method=GET&route=%2Fusers%2F%7Bid%7D").json
            #expect((detail["endpoint"] as? [String: Any])?["requests"] as? Int == 45)
            let codes = (detail["status_codes"] as? [[String: Any]])?.map { [$0["status"] as? Int, $0["count"] as? Int] }
            #expect(codes == [[200, 31], [404, 5], [500, 9]])
            #expect((detail["slowest"] as? [[String: Any]])?.count == 10)
            #expect((detail["top_consumers"] as? [[String: Any]])?.compactMap { $0["requests"] as? Int }.reduce(0, +) == 45)

            let consumers = try await client.get("/v1/metrics/consumers?\(Self.range)").json["consumers"] as? [[String: Any]] ?? []
            #expect(consumers.map { $0["consumer"] as? String } == ["c0", "c1", "c2"])
            #expect(consumers.map { $0["requests"] as? Int } == [30, 30, 30])
        }
    }

    @Test("the read key is required; bad parameters are 400")
    func validation() async throws {
        try await TestServer().run { _, client in
            let statuses = [
                try await client.get("/v1/metrics/overview", headers: [:]).status,
                try await client.get("/v1/metrics/overview", headers: .ingest).status,
                try await client.get("/v1/metrics/overview?frm=x").status,
                try await client.get("/v1/metrics/overview?from=yesterday").status,
                try await client.get("/v1/metrics/endpoint?service=shop").status,
                try await client.get("/v1/metrics/overview").status,
            ]
            #expect(statuses == [.unauthorized, .forbidden, .badRequest, .badRequest, .badRequest, .ok])
        }
    }
}
