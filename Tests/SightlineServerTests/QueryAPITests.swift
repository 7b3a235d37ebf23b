import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SightlineIngest
import SightlineSQLite
import SightlineServer
import SightlineWAL
import Testing

@Suite("POST /v1/query")
struct QueryAPITests {
    func query(_ client: some TestClientProtocol, _ body: [String: String], headers: HTTPFields = .read) async throws -> TestResponse {
        let data = try JSONSerialization.data(withJSONObject: body)
        var headers = headers
        headers[.contentType] = "application/json"
        return try await client.execute(uri: "/v1/query", method: .post, headers: headers, body: ByteBuffer(bytes: data))
    }

    func seed(_ client: some TestClientProtocol, _ server: Sightline) async throws {
        var lines: [String] = []
        for index in 0..<120 {
            let status = [200, 200, 404, 500][index % 4]
            let extra = #","route":"/orders/{id}","consumer":{"id":"c\#(index % 3)","plan":"pro"},"attributes":{"tenant":"t\#(index % 2)"}"#
            lines.append(event(id: "e\(index)", path: "/orders/\(index)", status: status, at: "2026-11-22T10:\(String(format: "%02d", index / 60)):\(String(format: "%02d", index % 60)).000Z", extra: extra))
        }
        #expect(try await client.post(lines.joined(separator: "\n")).json["accepted"] as? Int == 120)
        try await waitUntilStored(server)
    }

    @Test("columns with types, rows and statistics")
    func summarize() async throws {
        try await TestServer().run { server, client in
            try await seed(client, server)
            let response = try await query(client, ["query": "where status >= 500 | summarize n=count(), p95=p95(duration_ms) by consumer | sort by consumer asc"])
            #expect(response.status == .ok)
            let json = response.json
            let columns = json["columns"] as? [[String: String]]
            #expect(columns == [["name": "consumer", "type": "string"], ["name": "n", "type": "int"], ["name": "p95", "type": "real"]])
            let rows = json["rows"] as? [[Any]] ?? []
            #expect(rows.map { $0[0] as? String } == ["c0", "c1", "c2"])
            #expect(rows.map { $0[1] as? Int } == [10, 10, 10])
            let statistics = json["statistics"] as? [String: Any]
            #expect(statistics?["rows_scanned"] as? Int == 120)
            #expect(statistics?["rows_returned"] as? Int == 3)
            #expect(statistics?["elapsed_ms"] is Double || statistics?["elapsed_ms"] is Int)
        }
    }

    @Test("from/to narrow the window; datetimes come back as RFC 3339")
    func window() async throws {
        try await TestServer().run { server, client in
            try await seed(client, server)
            let response = try await query(client, [
                "query": "summarize n=count() by bin(timestamp, 1m) | sort by timestamp asc",
                "from": "2026-11-22T10:00:30Z", "to": "2026-11-22T10:01:10Z",
            ])
            let rows = response.json["rows"] as? [[Any]] ?? []
            #expect(rows.map { $0[0] as? String } == ["2026-11-22T10:00:00.000Z", "2026-11-22T10:01:00.000Z"])
            #expect(rows.map { $0[1] as? Int } == [30, 10])
        }
    }

    @Test("a query error is 400 with code, position and a caret")
    func compileError() async throws {
        try await TestServer().run { _, client in
            let response = try await query(client, ["query": "where stauts >= 500"])
            #expect(response.status == .badRequest)
            let error = response.json["error"] as? [String: Any]
            #expect(error?["code"] as? String == "unknown_field")
            #expect((error?["message"] as? String)?.contains("did you mean 'status'") == true)
            #expect(error?["line"] as? Int == 1)
            #expect(error?["column"] as? Int == 7)
            #expect((error?["detail"] as? String)?.contains("^~~~~~") == true)
        }
    }

    @Test("the row limit is answered with 422 and what to do")
    func rowLimit() async throws {
        try await TestServer { $0.queryMaxRows = 50 }.run { server, client in
            try await seed(client, server)
            let response = try await query(client, ["query": "project id"])
            #expect(response.status == .unprocessableContent)
            #expect((response.json["error"] as? [String: Any])?["code"] as? String == "row_limit_exceeded")
        }
    }

    @Test("the read key is required; bad bodies and times are 400")
    func authAndValidation() async throws {
        try await TestServer().run { _, client in
            let statuses = [
                try await query(client, ["query": "take 1"], headers: [:]).status,
                try await query(client, ["query": "take 1"], headers: .ingest).status,
                try await query(client, ["q": "take 1"]).status,
                try await query(client, ["query": "take 1", "from": "yesterday"]).status,
                try await query(client, ["query": "take 1", "from": "2026-11-22T11:00:00Z", "to": "2026-11-22T10:00:00Z"]).status,
            ]
            #expect(statuses == [.unauthorized, .forbidden, .badRequest, .badRequest, .badRequest])
        }
    }
}
