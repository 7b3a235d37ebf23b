/// A span that is not an API request: an internal step, an outgoing call, a message. Sightline
/// stores it linked to its trace, so that the waterfall of a request can be shown.
///
/// Invariants: `traceID` is 32 and `spanID` (and `parentSpanID` when present) 16 lower-case hex
/// digits, not all zero; `startMicros` > 0; `attributes` and `events` are minified, valid JSON.
public struct LinkedSpan: Sendable, Equatable {
    /// The span kind of OpenTelemetry (`SpanKind`).
    public enum Kind: Int, Sendable, Equatable, CaseIterable {
        case unspecified = 0, `internal` = 1, server = 2, client = 3, producer = 4, consumer = 5
    }

    /// The span status of OpenTelemetry (`Status.StatusCode`).
    public enum Status: Int, Sendable, Equatable, CaseIterable {
        case unset = 0, ok = 1, error = 2
    }

    public var traceID: String
    public var spanID: String
    /// `nil` for a root span.
    public var parentSpanID: String?
    public var name: String
    public var kind: Kind
    /// Start, in microseconds since the Unix epoch.
    public var startMicros: Int64
    /// End, in microseconds since the Unix epoch; `nil` when the sender gave none or one before the start.
    public var endMicros: Int64?
    /// Resource `service.name` (`unknown_service` when absent).
    public var service: String
    /// Resource `deployment.environment.name` (or the older `deployment.environment`).
    public var environment: String?
    public var status: Status
    /// The status description, given with `error` only.
    public var statusMessage: String?
    /// The instrumentation scope (library) name, when given.
    public var scope: String?
    /// Span attributes, then resource attributes (without `service.name` and the environment): a JSON object.
    public var attributes: RawJSON?
    /// Span events as a JSON array of `{"name", "timestamp", "attributes"}`; `nil` when there are none.
    public var events: RawJSON?
    /// When Sightline received the export, µs since the epoch.
    public var receivedAtMicros: Int64

    public init(
        traceID: String, spanID: String, parentSpanID: String? = nil, name: String, kind: Kind,
        startMicros: Int64, endMicros: Int64? = nil, service: String, environment: String? = nil,
        status: Status = .unset, statusMessage: String? = nil, scope: String? = nil,
        attributes: RawJSON? = nil, events: RawJSON? = nil, receivedAtMicros: Int64
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        self.startMicros = startMicros
        self.endMicros = endMicros
        self.service = service
        self.environment = environment
        self.status = status
        self.statusMessage = statusMessage
        self.scope = scope
        self.attributes = attributes
        self.events = events
        self.receivedAtMicros = receivedAtMicros
    }

    /// Duration in milliseconds, when the end is known.
    public var durationMs: Double? {
        endMicros.map { Double($0 - startMicros) / 1000 }
    }
}
