/// What happened to one batch sent to one endpoint.
enum DeliveryOutcome: Sendable, Equatable {
    /// The server answered with per-event verdicts: `accepted` events are durable, `rejected`
    /// ones were invalid and will never be accepted (not retried).
    case answered(accepted: Int, rejected: Int)
    /// The batch as a whole can never be accepted (400 malformed, 415): count it as rejected.
    case refused(status: Int)
    /// The batch is too large for the server (413): send it in smaller parts.
    case tooLarge
    /// The ingest key is wrong (401/403): keep the events, retry slowly, tell the operator.
    case unauthorized(status: Int)
    /// Connection refused, timeout, 5xx, 503 back-pressure, 429: try again, maybe elsewhere.
    case retryable(reason: String, retryAfter: Duration?)
}

/// Sends encoded batches to one endpoint; an abstraction so the client's state machine does not
/// depend on a particular HTTP library.
protocol EventTransport: Sendable {
    /// POSTs `ndjson` (uncompressed NDJSON lines of `count` events) to `endpoint`.
    func send(_ ndjson: [UInt8], count: Int, to endpoint: Endpoint) async -> DeliveryOutcome
    /// True when `endpoint` answers its health check.
    func probe(_ endpoint: Endpoint) async -> Bool
    /// Names the client's threads: connections on its I/O thread, compression on its work thread.
    func start(on thread: SenderThread)
    func shutdown() async
}

/// One Sightline server, by its base URL (`http://host:port`, no path).
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public let baseURL: String

    /// - Throws: ``SightlineClientError`` (`.invalidEndpoint`) when the URL is not http(s).
    public init(_ url: String) throws(SightlineClientError) {
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://"), trimmed.count > 8 else {
            throw SightlineClientError(code: .invalidEndpoint, message: "endpoint '\(url)' must be an http:// or https:// base URL such as http://127.0.0.1:7070")
        }
        self.baseURL = trimmed
    }

    public var description: String { baseURL }
}
