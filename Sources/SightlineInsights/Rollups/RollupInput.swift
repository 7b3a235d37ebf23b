/// One stored API event, reduced to what the rollups need.
///
/// Invariants expected by `RollupAccumulator` (violations are counted, never trapped on):
/// - `route` is already templated (`/users/{id}`), so rollup cardinality stays bounded.
/// - `status` is an HTTP status in 100...599; other values are skipped and counted.
/// - `durationMs` is finite and ≥ 0 when present; `requestSize`/`responseSize` ≥ 0 when present.
///
/// ```swift
/// let input = RollupInput(timestampMicros: 1_700_000_000_000_000, service: "billing",
///                         route: "/invoices/{id}", method: "GET", status: 200, durationMs: 12.4)
/// ```
public struct RollupInput: Sendable, Hashable {
    /// Event time in microseconds since the Unix epoch (UTC).
    public var timestampMicros: Int64
    /// The service (API) name.
    public var service: String
    /// The templated route.
    public var route: String
    /// The HTTP method, as stored (the accumulator does not re-case it).
    public var method: String
    /// The HTTP status code.
    public var status: Int
    /// Server-side duration in milliseconds, if known.
    public var durationMs: Double?
    /// Request body size in bytes, if known.
    public var requestSize: Int64?
    /// Response body size in bytes, if known.
    public var responseSize: Int64?
    /// The identified API consumer, if any; `nil` or empty means anonymous.
    public var consumerID: String?

    /// Creates an input event; see the type's invariants.
    public init(
        timestampMicros: Int64, service: String, route: String, method: String, status: Int,
        durationMs: Double? = nil, requestSize: Int64? = nil, responseSize: Int64? = nil,
        consumerID: String? = nil
    ) {
        self.timestampMicros = timestampMicros
        self.service = service
        self.route = route
        self.method = method
        self.status = status
        self.durationMs = durationMs
        self.requestSize = requestSize
        self.responseSize = responseSize
        self.consumerID = consumerID
    }
}
