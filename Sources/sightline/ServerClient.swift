import NIOHTTP1
import AsyncHTTPClient
import CompressNIO
import Foundation
import NIOCore

/// The client side of Sightline's HTTP API, shared by the commands that talk to a server.
///
/// Conventions for every such command: `--server URL` or `SIGHTLINE_URL` (default
/// http://127.0.0.1:7070), and the key from `--key` or the environment variable of its scope.
struct ServerClient {
    let baseURL: String
    let key: String
    let client: HTTPClient

    init(baseURL: String, key: String, client: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.key = key
        self.client = client
    }

    struct Answer {
        var status: Int
        var body: [UInt8]
        var retryAfterSeconds: Int?
    }

    /// POSTs a batch to /v1/events, gzip-compressed when asked.
    func postEvents(_ body: [UInt8], gzip: Bool) async throws -> Answer {
        var request = HTTPClientRequest(url: "\(baseURL)/v1/events")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
        var buffer = ByteBuffer(bytes: body)
        if gzip {
            buffer = try buffer.compress(with: .gzip())
            request.headers.add(name: "Content-Encoding", value: "gzip")
        }
        request.body = .bytes(buffer)
        let response = try await client.execute(request, timeout: .seconds(120))
        var responseBody = try await response.body.collect(upTo: 64 << 20)
        return Answer(
            status: Int(response.status.code),
            body: responseBody.readBytes(length: responseBody.readableBytes) ?? [],
            retryAfterSeconds: response.headers.first(name: "Retry-After").flatMap(Int.init)
        )
    }
}

extension ServerClient {
    /// POSTs a JSON body to `path` and returns the answer.
    func postJSON(_ path: String, _ body: [UInt8], timeout: TimeAmount = .seconds(120)) async throws -> Answer {
        var request = HTTPClientRequest(url: "\(baseURL)\(path)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: timeout)
        var responseBody = try await response.body.collect(upTo: 256 << 20)
        return Answer(
            status: Int(response.status.code),
            body: responseBody.readBytes(length: responseBody.readableBytes) ?? [],
            retryAfterSeconds: response.headers.first(name: "Retry-After").flatMap(Int.init)
        )
    }
}

/// Resolves `--server` / `SIGHTLINE_URL`.
func serverURL(_ option: String?) -> String {
    option ?? ProcessInfo.processInfo.environment["SIGHTLINE_URL"] ?? "http://127.0.0.1:7070"
}
