import Foundation
import GRDB
import SightlineStorage

/// Dashboard users and their sessions, in their own SQLite file (`<data-dir>/accounts.sqlite`).
///
/// Invariants:
/// - Only password *hashes* (scrypt, with their salt and parameters) and session-token *hashes*
///   are stored; a stolen file gives no password and no usable session.
/// - `users.name` is unique; `role` is one of the roles the server knows (`admin`, `viewer`);
///   roles beyond these come later without a schema change.
/// - Values are bound parameters; errors never carry a name, hash or token.
public final class SQLiteAccountStore: Sendable {
    private let queue: DatabaseQueue
    public let path: String

    /// A dashboard user.
    public struct User: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var role: String
        /// The stored password hash: `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`.
        public var passwordHash: String
        public var disabled: Bool
    }

    /// A signed-in session.
    public struct Session: Sendable, Equatable {
        public var user: User
        public var csrfToken: String
        public var expiresAtMicros: Int64

        public init(user: User, csrfToken: String, expiresAtMicros: Int64) {
            self.user = user
            self.csrfToken = csrfToken
            self.expiresAtMicros = expiresAtMicros
        }
    }

    /// Opens (creating when missing) the account store at `path`.
    ///
    /// - Throws: ``StorageError`` when the file cannot be opened or migrated.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.label = "sightline.accounts"
        configuration.publicStatementArguments = false
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1-users-sessions") { db in
                try db.execute(sql: """
                    CREATE TABLE users (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
                        password_hash TEXT NOT NULL,
                        disabled INTEGER NOT NULL DEFAULT 0,
                        created_at INTEGER NOT NULL
                    ) STRICT;
                    CREATE TABLE sessions (
                        token_hash BLOB PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        csrf_token TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX sessions_by_expiry ON sessions (expires_at);
                    """)
            }
            try migrator.migrate(queue)
        } catch {
            throw StorageError(code: .openFailed, message: "cannot open the account store at \(path): check permissions and disk space", cause: "\(type(of: error))")
        }
    }

    /// Number of users.
    public func userCount() throws -> Int {
        try wrap("count users") { try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM users") ?? 0 } }
    }

    /// Creates a user; returns `false` when the name is taken.
    @discardableResult
    public func createUser(name: String, role: String, passwordHash: String, nowMicros: Int64) throws -> Bool {
        try wrap("create a user") {
            try queue.write { db in
                try db.execute(
                    sql: "INSERT OR IGNORE INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [name, role, passwordHash, nowMicros])
                return db.changesCount == 1
            }
        }
    }

    /// Replaces a user's password hash (e.g. the admin password pinned by the environment).
    public func setPasswordHash(_ hash: String, forUser name: String) throws {
        try wrap("update a password") {
            try queue.write { try $0.execute(sql: "UPDATE users SET password_hash = ? WHERE name = ?", arguments: [hash, name]) }
        }
    }

    /// The user with this name, if any.
    public func user(named name: String) throws -> User? {
        try wrap("read a user") {
            try queue.read { db in
                try Row.fetchOne(db, sql: "SELECT id, name, role, password_hash, disabled FROM users WHERE name = ?", arguments: [name]).map(Self.user)
            }
        }
    }

    /// Records a new session under the hash of its token.
    public func createSession(tokenHash: [UInt8], userID: Int64, csrfToken: String, nowMicros: Int64, expiresAtMicros: Int64) throws {
        try wrap("create a session") {
            try queue.write { db in
                try db.execute(sql: "DELETE FROM sessions WHERE expires_at <= ?", arguments: [nowMicros])
                try db.execute(
                    sql: "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [Data(tokenHash), userID, csrfToken, nowMicros, expiresAtMicros])
            }
        }
    }

    /// The live session with this token hash (not expired, user not disabled), if any.
    public func session(tokenHash: [UInt8], nowMicros: Int64) throws -> Session? {
        try wrap("read a session") {
            try queue.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT u.id, u.name, u.role, u.password_hash, u.disabled, s.csrf_token, s.expires_at
                    FROM sessions s JOIN users u ON u.id = s.user_id
                    WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0
                    """, arguments: [Data(tokenHash), nowMicros]).map { row in
                    Session(user: Self.user(row), csrfToken: row[5], expiresAtMicros: row[6])
                }
            }
        }
    }

    /// Ends a session (logout).
    public func deleteSession(tokenHash: [UInt8]) throws {
        try wrap("end a session") {
            try queue.write { try $0.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [Data(tokenHash)]) }
        }
    }

    public func close() throws {
        try queue.close()
    }

    private static func user(_ row: Row) -> User {
        User(id: row[0], name: row[1], role: row[2], passwordHash: row[3], disabled: row[4])
    }

    private func wrap<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw StorageError(code: .readFailed, message: "cannot \(what) in the account store at \(path)", cause: (error as? DatabaseError).map { "SQLite error \($0.resultCode.rawValue)" } ?? "\(type(of: error))")
        }
    }
}
