/// The one error type of `SightlineClient`: a code, a message that says how to fix it, and the
/// underlying cause when there is one.
///
/// Messages never contain captured payloads, header values or keys.
public struct SightlineClientError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidJSONPath
        case invalidConfiguration
        case invalidEndpoint
        case spoolIO
        case unauthorized
        case rejected
    }

    public let code: Code
    public let message: String
    public let cause: (any Error & Sendable)?

    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(code.rawValue): \(message) (cause: \(cause))" }
        return "\(code.rawValue): \(message)"
    }

    static func invalidJSONPath(_ path: String, _ why: String) -> Self {
        .init(code: .invalidJSONPath, message: "invalid JSON path '\(path)': \(why)")
    }

    static func invalidConfiguration(_ why: String) -> Self {
        .init(code: .invalidConfiguration, message: why)
    }

    static func spoolIO(_ what: String, path: String, errno: Int32) -> Self {
        .init(code: .spoolIO, message: "\(what) '\(path)' failed with errno \(errno): check that the spool directory exists, is writable and has free space")
    }
}
