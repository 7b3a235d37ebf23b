/// The one error type of the storage layer and its backends.
///
/// Invariants:
/// - `description` says what failed and how to fix it; it never contains event payloads, filter
///   values or SQL parameters (this product stores other people's traffic). `cause` is the
///   underlying error reduced to such safe text (an SQLite result code and message, an errno).
/// - `code` is stable: branch on it, never on `message`.
///
/// ```swift
/// do { try await store.write(events, checkpoint: seq) }
/// catch let error as StorageError where error.code == .storageFull { … }
/// ```
public struct StorageError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The store could not be opened or created (path, permissions, not a database).
        public static let openFailed = Code("open_failed")
        /// Applying the schema migrations failed.
        public static let migrationFailed = Code("migration_failed")
        /// The database was migrated by a newer version of Sightline (migrations are forward-only).
        public static let schemaTooNew = Code("schema_too_new")
        /// An argument is outside what the store can hold (a `seq` beyond `Int64.max`, …).
        public static let invalidArgument = Code("invalid_argument")
        /// A write failed and was rolled back: nothing of the batch, nor its checkpoint, is stored.
        public static let writeFailed = Code("write_failed")
        /// A read failed.
        public static let readFailed = Code("read_failed")
        /// The disk or the file system is full.
        public static let storageFull = Code("storage_full")
        /// Another process holds the database lock longer than the busy timeout.
        public static let busy = Code("busy")
        /// The database file is damaged.
        public static let corrupt = Code("corrupt")
        /// The store was closed.
        public static let closed = Code("closed")
    }

    /// What kind of failure this is.
    public var code: Code
    /// What failed and how to fix it.
    public var message: String
    /// The underlying error, as text that holds no payload or parameter.
    public var cause: String?

    public init(code: Code, message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause {
            return "StorageError.\(code): \(message) (cause: \(cause))"
        }
        return "StorageError.\(code): \(message)"
    }
}
