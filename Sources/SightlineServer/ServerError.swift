/// Errors of setting the server up (data directory, keys, store); each says how to fix it.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case dataDirectory
        case keys
        case store
        case wal
    }

    public var code: Code
    public var message: String
    /// The underlying error's description, when there is one (never payloads or keys).
    public var underlying: String?

    public init(code: Code, message: String, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        underlying.map { "\(message) (\($0))" } ?? message
    }
}
