import NIOHTTP1
import AsyncHTTPClient
import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The real `sightline` binary run as a child process, for tests that kill it.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    static let ingestKey = "sl_ingest_crash_test_key_0123456789"
    static let readKey = "sl_read_crash_test_key_0123456789"

    /// The binary next to the test bundle (`swift build` puts both in .build/<config>/), or $SIGHTLINE_BINARY.
    static func binaryPath() throws -> String {
        if let path = ProcessInfo.processInfo.environment["SIGHTLINE_BINARY"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("sightline").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        struct Missing: Error, CustomStringConvertible {
            var description: String { "the sightline binary was not found next to the test bundle: run `swift build` first (or set SIGHTLINE_BINARY)" }
        }
        throw Missing()
    }

    /// Starts `sightline serve` on a free port and waits until it listens.
    init(dataDirectory: String, extraArguments: [String] = []) async throws {
        process.executableURL = URL(fileURLWithPath: try Self.binaryPath())
        process.arguments = ["serve", "--data-dir", dataDirectory, "--port", "0", "--log-level", "warning"] + extraArguments
        var environment = ProcessInfo.processInfo.environment
        environment["SIGHTLINE_INGEST_KEY"] = Self.ingestKey
        environment["SIGHTLINE_READ_KEY"] = Self.readKey
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        // The server prints "listening on http://HOST:PORT" once bound.
        let handle = output.fileHandleForReading
        var text = ""
        var found: Int?
        while found == nil {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: #"listening on http://[^:]+:(\d+)"#, options: .regularExpression) {
                found = Int(text[range].split(separator: ":").last!)
            }
        }
        guard let found else {
            process.terminate()
            struct NoPort: Error {}
            throw NoPort()
        }
        port = found
        // Keep draining stdout so the child never blocks on a full pipe.
        handle.readabilityHandler = { handle in _ = handle.availableData }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() {
        Glibc.kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}

/// Minimal API calls for the crash test.
struct TestAPI {
    let client: HTTPClient
    let baseURL: String

    /// POSTs NDJSON; returns the accepted count on 200, nil on any failure (not acknowledged).
    func post(_ body: String) async -> Int? {
        var request = HTTPClientRequest(url: "\(baseURL)/v1/events")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(ServerProcess.ingestKey)")
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            let buffer = try await response.body.collect(upTo: 1 << 20)
            guard response.status.code == 200,
                  let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
            else { return nil }
            return object["accepted"] as? Int
        } catch {
            return nil
        }
    }

    func get(_ path: String) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: "\(baseURL)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(ServerProcess.readKey)")
        let response = try await client.execute(request, timeout: .seconds(60))
        let buffer = try await response.body.collect(upTo: 256 << 20)
        return (Int(response.status.code), Data(buffer.readableBytesView))
    }

    /// Waits until the store has applied everything durable (lag 0 in /metrics).
    func waitForStore() async throws {
        for _ in 0..<600 {
            let (_, data) = try await get("/metrics")
            let text = String(decoding: data, as: UTF8.self)
            if text.contains("\nsightline_store_lag_records 0\n") { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        struct Lagging: Error {}
        throw Lagging()
    }

    /// Every stored event document, newest first, following cursors.
    func allEvents() async throws -> [[String: Any]] {
        var events: [[String: Any]] = []
        var cursor: String?
        repeat {
            let path = "/v1/events?limit=1000" + (cursor.map { "&cursor=\($0)" } ?? "")
            let (status, data) = try await get(path)
            guard status == 200, let page = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                struct BadPage: Error {}
                throw BadPage()
            }
            events += page["events"] as? [[String: Any]] ?? []
            cursor = page["next_cursor"] as? String
        } while cursor != nil
        return events
    }
}
