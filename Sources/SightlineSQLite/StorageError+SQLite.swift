import GRDB
import SightlineStorage

extension StorageError {
    /// Maps an error thrown while using the database to a ``StorageError``, keeping only safe text:
    /// the SQLite result code and message (never the SQL arguments, which GRDB keeps private by
    /// default, nor any payload).
    ///
    /// - Parameters:
    ///   - error: the error thrown.
    ///   - code: the code to use when the SQLite result code has no more specific one.
    ///   - message: what failed and how to fix it, for that fallback code.
    ///   - path: the database path, named in messages about the file.
    static func sqlite(_ error: any Error, code: Code, message: String, path: String) -> any Error {
        if error is StorageError || error is CancellationError {
            return error
        }
        guard let error = error as? DatabaseError else {
            return StorageError(code: code, message: message, cause: "\(type(of: error))")
        }
        let cause = "SQLite error \(error.extendedResultCode.rawValue): \(error.message ?? "no message")"
        switch error.resultCode {
        case .SQLITE_FULL:
            return StorageError(
                code: .storageFull,
                message: "the disk holding \(path) is full: free space or move the data directory; nothing of the failed write was stored",
                cause: cause)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StorageError(
                code: .busy,
                message: "another process holds a lock on \(path): run one Sightline server per data directory",
                cause: cause)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return StorageError(
                code: .corrupt,
                message: "\(path) is damaged or not a Sightline database: restore it from a backup, or move it away to start empty (the write-ahead log replays what it still holds)",
                cause: cause)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return StorageError(
                code: code,
                message: "\(message): check that \(path), its directory and its -wal and -shm files are readable and writable by this user",
                cause: cause)
        default:
            return StorageError(code: code, message: message, cause: cause)
        }
    }
}
