import AsyncHTTPClient
import CompressNIO
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Sends batches with AsyncHTTPClient: `POST /v1/events`, NDJSON, gzip (level 1: NDJSON of
/// events compresses well even at the fastest level, and the CPU is taken from the app's
/// machine), bearer ingest key.
///
/// Status mapping (Sightline's `docs/specs/events.md`): 200 and 400-with-verdicts are answers;
/// 400 without verdicts and 415 refuse the batch; 413 asks for smaller batches; 401/403 mean a
/// wrong key; 408, 429, 5xx (503 is back-pressure, with `Retry-After`) and every connection error
/// or timeout are retryable.
final class HTTPTransport: EventTransport {
    let ingestKey: String
    let gzip: Bool
    let timeout: Duration
    let configuration: HTTPClient.Configuration
    /// Created on first use and shut down by ``shutdown()``, so that a client that is never run
    /// owns no connection pool (AsyncHTTPClient traps when one is deinitialised while running).
    private let httpClient = Mutex<HTTPClient?>(nil)
    /// The client's threads once ``start(on:)`` named them: connections on the I/O thread.
    private let thread = Mutex<SenderThread?>(nil)

    init(ingestKey: String, gzip: Bool, timeout: Duration, connectTimeout: Duration) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .init(connectTimeout), read: .init(timeout))
        configuration.connectionPool = .init(idleTimeout: .seconds(30))
        configuration.decompression = .disabled
        self.configuration = configuration
        self.ingestKey = ingestKey
        self.gzip = gzip
        self.timeout = timeout
    }

    func start(on thread: SenderThread) {
        self.thread.withLock { $0 = thread }
    }

    var client: HTTPClient {
        let group: any EventLoopGroup = thread.withLock { $0?.ioGroup } ?? MultiThreadedEventLoopGroup.singleton
        return httpClient.withLock { c in
            if let c { return c }
            let new = HTTPClient(eventLoopGroup: group, configuration: configuration)
            c = new
            return new
        }
    }

    func send(_ ndjson: [UInt8], count: Int, to endpoint: Endpoint) async -> DeliveryOutcome {
        var request = HTTPClientRequest(url: endpoint.baseURL + "/v1/events")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(ingestKey)")
        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
        // On the caller's thread: the sender's, at its priority. A yield first, so that a
        // shutdown that began meanwhile moves the copy and the compression to the I/O thread.
        await Task.yield()
        var body = ByteBuffer(bytes: ndjson)
        var raw = body
        if gzip, let compressed = try? raw.compress(with: .gzip(configuration: .init(compressionLevel: 1))) {
            request.headers.add(name: "Content-Encoding", value: "gzip")
            body = compressed
        }
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            let answer = try await response.body.collect(upTo: 4 << 20)
            return HTTPTransport.outcome(status: Int(response.status.code), headers: response.headers, body: answer, count: count)
        } catch {
            return .retryable(reason: HTTPTransport.describe(error), retryAfter: nil)
        }
    }

    static func outcome(status: Int, headers: HTTPHeaders, body: ByteBuffer, count: Int) -> DeliveryOutcome {
        switch status {
        case 200..<300:
            if let verdict = parseVerdict(body) { return .answered(accepted: verdict.accepted, rejected: verdict.rejected) }
            return .answered(accepted: count, rejected: 0)
        case 400:
            if let verdict = parseVerdict(body) { return .answered(accepted: verdict.accepted, rejected: verdict.rejected) }
            return .refused(status: status)
        case 401, 403:
            return .unauthorized(status: status)
        case 413:
            return .tooLarge
        case 408, 429, 500..<600:
            let retryAfter = headers.first(name: "Retry-After").flatMap { Int($0.trimmingSpaces()) }.map { Duration.seconds($0) }
            return .retryable(reason: "HTTP \(status)", retryAfter: retryAfter)
        default:
            return .refused(status: status)
        }
    }

    /// `{"accepted":N,"rejected":[...]}` → counts.
    static func parseVerdict(_ body: ByteBuffer) -> (accepted: Int, rejected: Int)? {
        guard let value = JSONValue.parse(body.readableBytesView), case .object(let members) = value else { return nil }
        guard let acceptedValue = members.first(where: { $0.key == "accepted" })?.value,
              case .number(let text) = acceptedValue, let accepted = Int(text) else { return nil }
        var rejected = 0
        if let r = members.first(where: { $0.key == "rejected" })?.value, case .array(let items) = r {
            rejected = items.count
        }
        return (accepted, rejected)
    }

    static func describe(_ error: any Error) -> String {
        // Type and case only: never a payload.
        "\(type(of: error)): \(error)"
    }

    func probe(_ endpoint: Endpoint) async -> Bool {
        var request = HTTPClientRequest(url: endpoint.baseURL + "/health")
        request.method = .GET
        do {
            let response = try await client.execute(request, timeout: .seconds(2))
            _ = try await response.body.collect(upTo: 64 * 1024)
            return response.status.code == 200
        } catch {
            return false
        }
    }

    func shutdown() async {
        let c = httpClient.withLock { c -> HTTPClient? in
            defer { c = nil }
            return c
        }
        try? await c?.shutdown()
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        self = .nanoseconds(Int64(duration.seconds * 1e9))
    }
}
