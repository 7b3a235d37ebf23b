/// One API request as the SDK captured it: what becomes one event of Sightline's wire format
/// (`docs/specs/events.md` in the Sightline repository).
///
/// Invariants:
/// - `id` is set when the event is captured (``EventID/make()``), so every retry, fail-over and
///   spool replay of the event carries the same id and the server stores it once.
/// - Nothing here has been redacted yet: the client applies its ``RedactionPolicy`` in the
///   sender, before the event is written to the network or the disk spool.
/// - Captured bodies are raw bytes; they become JSON (parsed and redacted) or a JSON string.
public struct APIEvent: Sendable {
    /// The de-duplication key. Wire: `id`.
    public var id: String
    /// When the request started, microseconds since the Unix epoch. Wire: `timestamp`.
    public var timestampMicros: Int64
    public var durationMs: Double?
    /// Defaults to the client's configured service when `nil`.
    public var service: String?
    public var environment: String?
    public var method: String
    public var scheme: String?
    public var host: String?
    /// Starts with `/`; without the query string.
    public var path: String
    /// The router's template, e.g. `/orders/{id}`.
    public var route: String?
    /// Query parameters, decoded. See also ``rawQuery``.
    public var query: [(name: String, value: String)]
    /// The query string as received (`a=1&b=2`), split by the sender rather than on the request
    /// path; used when ``query`` is empty.
    public var rawQuery: String?
    public var status: Int
    public var requestSize: Int64?
    public var responseSize: Int64?
    public var clientIP: String?
    public var userAgent: String?
    public var consumer: SightlineConsumer?
    public var userID: String?
    public var sessionID: String?
    public var traceID: String?
    public var spanID: String?
    public var error: CapturedError?
    /// Free-form attributes (strings), e.g. `sample_weight`.
    public var attributes: [(name: String, value: AttributeValue)]
    public var request: CapturedExchange?
    public var response: CapturedExchange?

    /// Creates an event with the required fields and a fresh id.
    public init(
        id: String = EventID.make(),
        timestampMicros: Int64 = WallClock.nowMicros(),
        method: String,
        path: String,
        status: Int
    ) {
        self.id = id
        self.timestampMicros = timestampMicros
        self.method = method
        self.path = path
        self.status = status
        self.query = []
        self.attributes = []
    }
}

/// A value in ``APIEvent/attributes``.
public enum AttributeValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
}

/// The API customer (or key owner) a request was made for. Wire: `consumer`.
public struct SightlineConsumer: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var plan: String?
    public init(id: String, name: String? = nil, plan: String? = nil) {
        self.id = id
        self.name = name
        self.plan = plan
    }
}

/// The error a handler threw. Wire: `error`.
public struct CapturedError: Sendable, Equatable {
    public var type: String?
    public var message: String?
    public init(type: String? = nil, message: String? = nil) {
        self.type = type
        self.message = message
    }
}

/// Captured headers and body of a request or a response (both opt-in). Wire: `request`/`response`.
public struct CapturedExchange: Sendable {
    /// Header names as received; the encoder lower-cases them.
    public var headers: [(name: String, value: String)]
    /// The body bytes, at most the configured cap.
    public var body: [UInt8]?
    /// The `Content-Type`, which decides whether the body is parsed as JSON.
    public var contentType: String?
    /// True when the body was longer than the cap and only its start was kept.
    public var bodyTruncated: Bool

    public init(headers: [(name: String, value: String)] = [], body: [UInt8]? = nil, contentType: String? = nil, bodyTruncated: Bool = false) {
        self.headers = headers
        self.body = body
        self.contentType = contentType
        self.bodyTruncated = bodyTruncated
    }
}
