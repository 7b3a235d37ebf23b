/// One API request handled by a service: the unit Sightline captures, stores and explains.
///
/// Invariants (enforced by ``EventDecoder``; an `Event` built by hand should respect them too):
/// - `service`, `method` and `path` are non-empty; `method` is upper case; `path` starts with `/`
///   (or is `*` for `OPTIONS *`).
/// - `status` is in 100...599; sizes are ≥ 0; `durationMs` is finite and ≥ 0.
/// - `traceID` is 32 and `spanID` 16 lower-case hex digits; `clientIP` is a valid IPv4/IPv6 address.
/// - `attributes`, and request/response bodies, are stored as minified, valid JSON text.
///
/// The wire format (compact JSON with short names) is specified in `docs/specs/events.md`; the
/// OpenTelemetry semantic-convention name of each field is given on its property.
public struct Event: Sendable, Equatable {
    /// Client-supplied or server-assigned identifier, the de-duplication key. Wire: `id`.
    public var id: String?
    /// When the request started, in microseconds since the Unix epoch. Wire: `timestamp` (RFC 3339).
    public var timestampMicros: Int64
    /// How long the request took. Wire: `duration_ms`; OTel: `http.server.request.duration` (in s).
    public var durationMs: Double?
    /// OTel: `service.name`.
    public var service: String
    /// OTel: `deployment.environment.name`.
    public var environment: String?
    /// OTel: `http.request.method`.
    public var method: String
    /// OTel: `url.scheme`.
    public var scheme: String?
    /// OTel: `server.address`.
    public var host: String?
    /// OTel: `url.path`.
    public var path: String
    /// The route template, e.g. `/orders/{id}`. OTel: `http.route`.
    public var route: String?
    /// Query parameters in their original order. OTel: `url.query`.
    public var query: [QueryParameter]
    /// OTel: `http.response.status_code`.
    public var status: Int
    /// OTel: `http.request.body.size`.
    public var requestSize: Int64?
    /// OTel: `http.response.body.size`.
    public var responseSize: Int64?
    /// OTel: `client.address`.
    public var clientIP: String?
    /// OTel: `user_agent.original`.
    public var userAgent: String?
    /// The API customer or key owner the request was made for.
    public var consumer: Consumer?
    /// OTel: `user.id`.
    public var userID: String?
    /// OTel: `session.id`.
    public var sessionID: String?
    /// OTel: `trace_id` (W3C trace context).
    public var traceID: String?
    /// OTel: `span_id`.
    public var spanID: String?
    /// What went wrong, when something did. OTel: `error.type`, `exception.message`, `exception.stacktrace`.
    public var error: EventError?
    /// Severity; when absent it is derived from the status (see ``effectiveLevel``).
    public var level: Level?
    /// Free-form attributes: a JSON object, minified.
    public var attributes: RawJSON?
    /// Opt-in captured request headers and body.
    public var request: Exchange?
    /// Opt-in captured response headers and body.
    public var response: Exchange?
    /// When Sightline accepted the event (server-assigned), µs since the epoch. Wire: `received_at`.
    public var receivedAtMicros: Int64?

    /// Creates an event with the required fields; every other field starts empty.
    public init(
        id: String? = nil,
        timestampMicros: Int64,
        service: String,
        method: String,
        path: String,
        status: Int,
        durationMs: Double? = nil
    ) {
        self.id = id
        self.timestampMicros = timestampMicros
        self.service = service
        self.method = method
        self.path = path
        self.status = status
        self.durationMs = durationMs
        self.query = []
    }

    /// The level given by the sender, or `error` for 5xx, `warn` for 4xx and `info` otherwise.
    public var effectiveLevel: Level {
        if let level { return level }
        if status >= 500 { return .error }
        if status >= 400 { return .warn }
        return .info
    }
}

/// One query parameter (`?name=value`); repeated names are kept as separate entries.
public struct QueryParameter: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The consumer of an API: the customer or API-key owner a request was made for.
public struct Consumer: Sendable, Equatable {
    /// Stable identifier, e.g. a customer id. Required when `consumer` is present.
    public var id: String
    /// Display name.
    public var name: String?
    /// Pricing plan, e.g. `free`, `pro`, `enterprise`.
    public var plan: String?
    public init(id: String, name: String? = nil, plan: String? = nil) {
        self.id = id
        self.name = name
        self.plan = plan
    }
}

/// An error the request ended with.
public struct EventError: Sendable, Equatable {
    /// OTel: `error.type`, e.g. `TimeoutError` or `500`.
    public var type: String?
    /// OTel: `exception.message`.
    public var message: String?
    /// OTel: `exception.stacktrace`.
    public var stack: String?
    public init(type: String? = nil, message: String? = nil, stack: String? = nil) {
        self.type = type
        self.message = message
        self.stack = stack
    }
}

/// Severity of an event.
public enum Level: String, Sendable, CaseIterable {
    case debug, info, warn, error
}

/// Captured headers and body of a request or a response (opt-in by the sender).
public struct Exchange: Sendable, Equatable {
    /// Header names are lower-cased; a header may have several values.
    public var headers: [Header]
    /// The body: minified JSON text (a JSON string for non-JSON bodies).
    public var body: RawJSON?
    public init(headers: [Header] = [], body: RawJSON? = nil) {
        self.headers = headers
        self.body = body
    }
}

/// One HTTP header with its values, name lower-cased.
public struct Header: Sendable, Equatable {
    public var name: String
    public var values: [String]
    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

/// Valid, minified JSON text kept as bytes, so that arbitrary attributes and bodies pass through
/// without building a tree.
public struct RawJSON: Sendable, Equatable, CustomStringConvertible {
    /// UTF-8 bytes of one JSON value.
    public var bytes: [UInt8]
    /// Wraps bytes that the caller guarantees to be one valid, minified JSON value.
    public init(unsafeUncheckedBytes bytes: [UInt8]) {
        self.bytes = bytes
    }
    public var description: String { String(decoding: bytes, as: UTF8.self) }
}
