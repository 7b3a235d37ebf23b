import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SightlineIngest
import SightlineSQLite
import SightlineServer
import SightlineWAL
import Testing

/// A server on a fresh temporary data directory, run live (with its services) for one test.
struct TestServer {
    static let ingestKey = "sl_ingest_test_0123456789abcdef"
    static let readKey = "sl_read_test_0123456789abcdef"
    let directory: String
    var configuration: ServerConfiguration

    init(_ adjust: (inout ServerConfiguration) -> Void = { _ in }) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-test-\(UUID().uuidString)").path
        configuration = ServerConfiguration(dataDirectory: directory)
        configuration.port = 0
        configuration.pinnedIngestKey = Self.ingestKey
        configuration.pinnedReadKey = Self.readKey
        adjust(&configuration)
    }

    /// Builds the server and runs `body` against it over real sockets; removes the directory unless `keep`.
    func run<Value>(keep: Bool = false, _ body: @Sendable (Sightline, any TestClientProtocol) async throws -> Value) async throws -> Value {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let server = try Sightline.make(configuration: configuration, logger: logger)
        defer { if !keep { try? FileManager.default.removeItem(atPath: directory) } }
        return try await server.application.test(.live) { client in
            try await body(server, client)
        }
    }
}

extension HTTPFields {
    static let ingest: HTTPFields = [.authorization: "Bearer \(TestServer.ingestKey)"]
    static let read: HTTPFields = [.authorization: "Bearer \(TestServer.readKey)"]
}

extension TestClientProtocol {
    func post(_ body: String, headers: HTTPFields = .ingest) async throws -> TestResponse {
        try await execute(uri: "/v1/events", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func get(_ uri: String, headers: HTTPFields = .read) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }
}

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]) ?? [:]
    }
    var text: String { String(buffer: body) }
}

/// Waits until the store has applied everything the log made durable, and the detectors have
/// seen it.
func waitUntilStored(_ server: Sightline) async throws {
    for _ in 0..<500 {
        if server.applier.appliedSeq >= server.wal.durableSeq && server.security.isIdle { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("the store did not catch up with the log")
}

func event(id: String? = nil, service: String = "shop", method: String = "GET", path: String = "/orders/42", status: Int = 200, at time: String = "2026-11-22T10:00:00.123Z", extra: String = "") -> String {
    let idPart = id.map { #""id":"\#($0)","# } ?? ""
    return #"{\#(idPart)"timestamp":"\#(time)","service":"\#(service)","method":"\#(method)","path":"\#(path)","status":\#(status),"duration_ms":12.5\#(extra)}"#
}
