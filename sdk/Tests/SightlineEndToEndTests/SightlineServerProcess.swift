import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SightlineClient
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Where the real `sightline` binary is: `SIGHTLINE_BINARY`, else the root package's debug build
/// next to this package (`../.build/debug/sightline`).
enum SightlineBinary {
    static var path: String? {
        if let env = ProcessInfo.processInfo.environment["SIGHTLINE_BINARY"], !env.isEmpty {
            return FileManager.default.isExecutableFile(atPath: env) ? env : nil
        }
        // #filePath = <root>/sdk/Tests/SightlineEndToEndTests/SightlineServerProcess.swift
        let sdk = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = sdk.deletingLastPathComponent().appendingPathComponent(".build/debug/sightline").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Run the end-to-end tests when the binary exists, and under CI always (to fail loudly).
    static var shouldRun: Bool { path != nil || isCI }

    static func require() throws -> String {
        guard let path else {
            throw E2EError("the sightline binary was not found: build it with `swift build --product sightline` in the repository root, or set SIGHTLINE_BINARY")
        }
        return path
    }
}

struct E2EError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// One `sightline serve` process with its own data directory; it can be killed (SIGKILL) and
/// started again on the same port and data.
final class SightlineServerProcess: @unchecked Sendable {
    static let ingestKey = "sl_ingest_e2e_0123456789abcdef"
    static let readKey = "sl_read_e2e_0123456789abcdef"

    let binary: String
    let dataDir: String
    let port: Int
    let name: String
    private var process: Process?
    private let http: HTTPClient

    init(name: String, http: HTTPClient) throws {
        self.binary = try SightlineBinary.require()
        self.name = name
        self.http = http
        self.dataDir = NSTemporaryDirectory() + "sightline-e2e-\(name)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        self.port = try Self.freePort()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw E2EError("could not find a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    func start() async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["serve", "--data-dir", dataDir, "--port", String(port), "--log-level", "warning"]
        var env = ProcessInfo.processInfo.environment
        env["SIGHTLINE_INGEST_KEY"] = Self.ingestKey
        env["SIGHTLINE_READ_KEY"] = Self.readKey
        env["SIGHTLINE_ADMIN_PASSWORD"] = "e2e-admin-password"
        p.environment = env
        let log = logPath
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = FileHandle(forWritingAtPath: log)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        process = p
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ContinuousClock.now < deadline {
            if !p.isRunning { throw E2EError("sightline \(name) exited with \(p.terminationStatus); see \(log)") }
            if await healthy() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw E2EError("sightline \(name) did not answer /health within 60 s; see \(log)")
    }

    func healthy() async -> Bool {
        var request = HTTPClientRequest(url: url + "/health")
        request.method = .GET
        guard let response = try? await http.execute(request, timeout: .seconds(1)) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 16)
        return response.status.code == 200
    }

    /// Started by the test and since exited on its own (a crash): the log says why.
    var crashed: Bool {
        guard let p = process else { return false }
        return !p.isRunning
    }

    var logPath: String { dataDir + "/../sightline-e2e-\(name)-\(port).log" }

    /// SIGKILL: no graceful shutdown, as in a crash.
    func kill() {
        guard let p = process, p.isRunning else { return }
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    /// SIGTERM and wait.
    func stop() {
        guard let p = process, p.isRunning else { return }
        p.terminate()
        p.waitUntilExit()
        process = nil
    }

    /// Every event of `service`, following `next_cursor`.
    func events(service: String) async throws -> [[String: Any]] {
        var all: [[String: Any]] = []
        var cursor: String?
        repeat {
            var query = "service=\(service)&limit=1000"
            if let cursor { query += "&cursor=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor) }
            var request = HTTPClientRequest(url: url + "/v1/events?" + query)
            request.headers.add(name: "Authorization", value: "Bearer \(Self.readKey)")
            let response = try await http.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 64 << 20)
            guard response.status.code == 200 else { throw E2EError("GET /v1/events on \(name): HTTP \(response.status.code) \(String(buffer: body))") }
            let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            all += object?["events"] as? [[String: Any]] ?? []
            cursor = object?["next_cursor"] as? String
        } while cursor != nil
        return all
    }
}
