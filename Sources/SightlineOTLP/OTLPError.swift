/// The one error type of SightlineOTLP: a request body that cannot be read as a whole.
///
/// Problems with single spans or log records are not errors: they are reported per item in the
/// result (``OTLPTraceResult/rejected``) and counted in the partial-success response.
/// Messages never quote the body (it is other people's traffic): they give types, sizes and places.
public struct OTLPError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The body is not a valid export request in the declared encoding. HTTP 400.
        case invalidBody = "bad_otlp_body"
        /// The export holds more spans or log records than ``OTLPLimits/maxItems``. HTTP 413.
        case tooManyItems = "batch_too_large"
    }

    public var code: Code
    /// What went wrong and how to fix it.
    public var message: String
    /// The decoder's error, when there is one (a swift-protobuf error naming the problem, not the data).
    public var underlying: (any Error)?

    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The HTTP status the server should answer with.
    public var httpStatus: Int {
        switch code {
        case .invalidBody: 400
        case .tooManyItems: 413
        }
    }
}
