/// Why a batch as a whole was not accepted. Maps to one HTTP status in the server.
///
/// Messages say what is wrong and how to fix it; they never contain event content.
public struct IngestError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The body is not a readable batch (malformed array, empty, not JSON): 400.
        case badBatch
        /// Too many events in one batch, or the body is too large: 413.
        case tooLarge
        /// The write-ahead log is full (its disk quota is reached): 503 with Retry-After.
        case full
        /// The log is closing (the server is shutting down): 503.
        case unavailable
        /// Writing to disk failed: 500.
        case io
    }

    public var code: Code
    public var message: String
    /// Seconds a client should wait before retrying (for `full` and `unavailable`).
    public var retryAfterSeconds: Int?

    public init(code: Code, message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
