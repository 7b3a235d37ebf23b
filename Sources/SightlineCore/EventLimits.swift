/// Size limits applied to each event as it is decoded. Every limit is configurable; the defaults
/// are generous for real API traffic and keep one hostile event from costing much.
public struct EventLimits: Sendable, Equatable {
    /// Bytes of one event's JSON.
    public var maxEventBytes: Int = 1 << 20
    /// `id`.
    public var maxIDBytes: Int = 128
    /// Short identifiers: service, environment, host, consumer/user/session ids, names, plans, error type.
    public var maxNameBytes: Int = 256
    /// `path` and `route`.
    public var maxPathBytes: Int = 8192
    /// Free text: user agent, error message, query and header values.
    public var maxTextBytes: Int = 16 << 10
    /// `error.stack`.
    public var maxStackBytes: Int = 64 << 10
    /// `attributes` (minified JSON).
    public var maxAttributesBytes: Int = 64 << 10
    /// Query parameters, and headers per request/response.
    public var maxEntries: Int = 256
    /// A captured request or response body (minified JSON).
    public var maxCapturedBodyBytes: Int = 256 << 10

    public init() {}
}
