#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Which file a ``LogFollower`` is reading: the file system's identity (device and inode) and a
/// fingerprint of the content's first line, so that a reused inode or a file truncated and
/// rewritten in place is not mistaken for the file read before.
public struct FollowerFileIdentity: Sendable, Hashable, Codable {
    public var device: UInt64
    public var inode: UInt64
    /// `fingerprint(firstLine)` of the file's first line without its LF (capped at the follower's
    /// `maxLineLength`; see ``LogFollower/init(path:position:start:pollInterval:readChunk:maxLineLength:rotationGrace:fingerprint:clock:)``).
    public var fingerprint: String

    public init(device: UInt64, inode: UInt64, fingerprint: String) {
        self.device = device
        self.inode = inode
        self.fingerprint = fingerprint
    }

    /// The default fingerprint: a 128-bit FNV-1a variant, `"fl1:"` + 32 hex digits. Pass
    /// `AccessLogEventID.fingerprint(firstLine:)` to the follower instead when the identity must
    /// match the source ids used by `sightline import`.
    public static func defaultFingerprint(firstLine: UnsafeRawBufferPointer) -> String {
        var low: UInt64 = 0xCBF2_9CE4_8422_2325
        var high: UInt64 = 0x6C62_272E_07BB_0142
        for byte in firstLine {
            low = (low ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            high = (high ^ UInt64(byte) ^ (low >> 29)) &* 0x0000_0100_0000_01B3
        }
        high ^= UInt64(firstLine.count)
        return "fl1:" + hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// Where a ``LogFollower`` stands: the file and the offset of the first byte not yet consumed.
///
/// Save it (``save(to:)``) only after the events of the consumed bytes are durably accepted
/// downstream; after a crash the follower resumes there, re-sending at most the lines consumed
/// after the last save (which deterministic event ids make harmless) and never skipping any.
///
/// ```swift
/// let saved = try FollowerPosition.load(from: stateURL)
/// let follower = try LogFollower(path: "/var/log/nginx/access.log", position: saved)
/// ```
public struct FollowerPosition: Sendable, Hashable, Codable {
    public var inode: UInt64
    public var device: UInt64
    public var fingerprint: String
    /// Offset of the first byte not yet consumed.
    public var offset: Int64
    /// 1-based line number of the line starting at `offset`.
    public var lineNumber: Int

    public init(inode: UInt64, device: UInt64, fingerprint: String, offset: Int64, lineNumber: Int) {
        self.inode = inode
        self.device = device
        self.fingerprint = fingerprint
        self.offset = offset
        self.lineNumber = lineNumber
    }

    public init(file: FollowerFileIdentity, offset: Int64, lineNumber: Int) {
        self.init(inode: file.inode, device: file.device, fingerprint: file.fingerprint, offset: offset, lineNumber: lineNumber)
    }

    public var file: FollowerFileIdentity {
        FollowerFileIdentity(device: device, inode: inode, fingerprint: fingerprint)
    }

    /// Writes the position as JSON, atomically: a temporary file in the same directory, `fsync`,
    /// `rename` over `url`, then `fsync` of the directory. A crash leaves the old or the new
    /// position, never a torn one.
    /// - Throws: ``LogFollowerError`` `.cannotSavePosition`.
    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do { data = try encoder.encode(self) } catch {
            throw LogFollowerError(code: .cannotSavePosition, message: "cannot encode the follower position")
        }
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.saveError("cannot create \(temporary); check that the directory exists and is writable") }
        var failure: LogFollowerError?
        data.withUnsafeBytes { bytes in
            var written = 0
            while written < bytes.count {
                let result = write(fd, bytes.baseAddress! + written, bytes.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = Self.saveError("cannot write \(temporary) (disk full?)")
                    return
                }
                written += result
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = Self.saveError("cannot fsync \(temporary)") }
        close(fd)
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, path) == 0 else {
            let error = Self.saveError("cannot rename \(temporary) to \(path)")
            unlink(temporary)
            throw error
        }
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// The position saved at `url`, or `nil` when there is none yet.
    /// - Throws: ``LogFollowerError`` `.invalidPosition` when the file exists but is unreadable or
    ///   not a saved position (delete it to start from the beginning of the log).
    public static func load(from url: URL) throws -> FollowerPosition? {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            if !FileManager.default.fileExists(atPath: url.path) { return nil }
            throw LogFollowerError(code: .invalidPosition, message: "cannot read the position file \(url.path); check its permissions")
        }
        do {
            return try JSONDecoder().decode(FollowerPosition.self, from: data)
        } catch {
            throw LogFollowerError(code: .invalidPosition, message: "\(url.path) is not a saved follower position; delete it to start from the beginning of the log")
        }
    }

    private static func saveError(_ message: String) -> LogFollowerError {
        LogFollowerError(code: .cannotSavePosition, message: message, systemError: errno)
    }
}
