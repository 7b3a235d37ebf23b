/// One event as a storage backend keeps it: the indexed columns and the canonical document.
///
/// Invariants:
/// - `id` is the de-duplication key: a store keeps at most one event per `id`, the first written.
/// - `seq` is the write-ahead-log sequence number of the record that carried the event; it orders
///   events that share a `timestampMicros` and is at most `Int64.max` (SQLite's integer range).
/// - `document` is returned byte for byte by reads; the columns are copies of fields inside it,
///   kept so that filters never parse the document.
///
/// ```swift
/// let event = StoredEvent(seq: 7, id: "01J…", timestampMicros: 1_767_225_600_000_000,
///                         service: "checkout", method: "GET", path: "/v1/orders", status: 200,
///                         document: Array(json.utf8))
/// ```
public struct StoredEvent: Sendable, Equatable {
    /// Write-ahead-log sequence number of the record (store-local order, also the tie-breaker).
    public var seq: UInt64
    /// Event id, unique: the de-duplication key.
    public var id: String
    /// Event time, microseconds since the Unix epoch.
    public var timestampMicros: Int64
    public var service: String
    public var environment: String?
    public var method: String
    /// The route template (`/v1/users/{id}`), when known.
    public var route: String?
    /// The concrete request path.
    public var path: String
    /// The HTTP response status code.
    public var status: Int
    public var durationMs: Double?
    public var requestSize: Int64?
    public var responseSize: Int64?
    public var clientIP: String?
    public var consumerID: String?
    public var userID: String?
    public var sessionID: String?
    public var traceID: String?
    public var errorType: String?
    public var level: String?
    /// The full canonical JSON of the event (UTF-8), returned as-is by reads.
    public var document: [UInt8]

    /// Creates a stored event; every optional column defaults to `nil`.
    public init(
        seq: UInt64,
        id: String,
        timestampMicros: Int64,
        service: String,
        environment: String? = nil,
        method: String,
        route: String? = nil,
        path: String,
        status: Int,
        durationMs: Double? = nil,
        requestSize: Int64? = nil,
        responseSize: Int64? = nil,
        clientIP: String? = nil,
        consumerID: String? = nil,
        userID: String? = nil,
        sessionID: String? = nil,
        traceID: String? = nil,
        errorType: String? = nil,
        level: String? = nil,
        document: [UInt8]
    ) {
        self.seq = seq
        self.id = id
        self.timestampMicros = timestampMicros
        self.service = service
        self.environment = environment
        self.method = method
        self.route = route
        self.path = path
        self.status = status
        self.durationMs = durationMs
        self.requestSize = requestSize
        self.responseSize = responseSize
        self.clientIP = clientIP
        self.consumerID = consumerID
        self.userID = userID
        self.sessionID = sessionID
        self.traceID = traceID
        self.errorType = errorType
        self.level = level
        self.document = document
    }
}
