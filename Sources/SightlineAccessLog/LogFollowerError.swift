/// The error of ``LogFollower`` and ``FollowerPosition``: a file that cannot be opened, read or
/// saved. Carries the path and the system error, never log content.
public struct LogFollowerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The followed file (or a rotated sibling) exists but cannot be opened or examined.
        case cannotOpen
        /// Reading an open log file failed.
        case cannotRead
        /// The position file cannot be written (directory missing or not writable, disk full).
        case cannotSavePosition
        /// The position file exists but is not a position saved by this version.
        case invalidPosition
        /// An option is out of range (for example a zero read chunk).
        case invalidOption
    }

    public var code: Code
    /// What is wrong and how to fix it. Names paths, never log content.
    public var message: String
    /// `errno` of the failed system call, when there was one.
    public var systemError: Int32?

    public init(code: Code, message: String, systemError: Int32? = nil) {
        self.code = code
        self.message = message
        self.systemError = systemError
    }

    public var description: String {
        var text = "\(code.rawValue): \(message)"
        if let systemError { text += " (errno \(systemError))" }
        return text
    }
}
