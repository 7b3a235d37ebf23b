/// The one error type of `SightlineAccessLog`: a format or option that cannot be used.
///
/// Lines never throw: a bad line is an ``AccessLogLineResult/rejected(_:)`` result. This error is
/// only raised up front, when a format string is parsed or a parser is configured, so that an
/// import fails before reading anything rather than rejecting every line.
public struct AccessLogError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The format name or `log_format` text cannot be read (syntax).
        case invalidFormat
        /// The `log_format` is readable but cannot be turned into events (a required variable is
        /// missing, or two variables touch so that their boundary is ambiguous).
        case unsupportedFormat
        /// An option is out of range (for example an empty service name).
        case invalidOption
    }

    public var code: Code
    /// What is wrong and how to fix it. Never contains log content.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
