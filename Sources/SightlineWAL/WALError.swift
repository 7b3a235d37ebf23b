#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one error type of the WAL module.
///
/// Carries a machine-readable ``code``, a ``message`` that says what happened and how to fix
/// it, and the underlying cause (an `errno` value for system calls). Messages name files and
/// offsets, never payload bytes: the WAL stores other people's traffic.
///
/// ```swift
/// do {
///     _ = try await wal.append(batch)
/// } catch let error where error.code == .full {
///     // answer 503 with Retry-After
/// }
/// ```
public struct WALError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; stable, for mapping to responses and metrics.
    public enum Code: String, Sendable, CaseIterable {
        /// Accepting the batch would exceed `maxTotalBytes`. Retry later: space is freed when the
        /// applier catches up and calls ``WriteAheadLog/removeSegments(through:)``.
        case full
        /// The batch alone is larger than `maxTotalBytes` allows; retrying cannot succeed.
        case batchTooLarge
        /// The batch has no records; skip the append instead.
        case emptyBatch
        /// The log was closed (or is closing); it accepts no more appends.
        case closed
        /// A system call failed (open, write, fdatasync, read, ...). See ``errno``.
        case io
        /// The directory holds segments that contradict each other in a way recovery cannot
        /// repair automatically (for example overlapping sequence numbers).
        case corrupt
        /// The ``WALConfiguration`` is not usable.
        case invalidConfiguration
        /// Another `WriteAheadLog` (in this or another process) holds the directory's lock.
        case locked
    }

    /// What kind of failure this is.
    public var code: Code
    /// What happened and how to fix it. Never contains payload bytes.
    public var message: String
    /// The `errno` of the failed system call, when there was one.
    public var errno: Int32?
    /// The underlying error, when the failure came from another library.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What happened and how to fix it.
    ///   - errno: The `errno` of a failed system call.
    ///   - underlying: The underlying error.
    public init(code: Code, message: String, errno: Int32? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
        self.underlying = underlying
    }

    public var description: String {
        var text = "WALError.\(code.rawValue): \(message)"
        if let errno {
            text += " (errno \(errno): \(String(cString: strerror(errno))))"
        }
        if let underlying {
            text += " (caused by: \(underlying))"
        }
        return text
    }

    /// An `.io` error for a failed system call; `errno` is read from the calling thread.
    static func system(_ call: String, path: String, fix: String, errno code: Int32) -> WALError {
        WALError(
            code: .io,
            message: "\(call) failed for '\(path)'. \(fix)",
            errno: code
        )
    }
}
