import Foundation
import GRDB
import GRDBSQLite
import Logging
import SightlineInsights
import SightlineStorage
import Synchronization

/// The embedded default backend: events in one SQLite file, through GRDB.
///
/// Invariants:
/// - One writer connection and concurrent readers (a GRDB `DatabasePool`, WAL journal mode):
///   reads never block the write path and see only committed batches.
/// - `synchronous=FULL`: a `write` that returned is on stable storage, with its checkpoint.
/// - A batch and its checkpoint commit in one transaction; `INSERT OR IGNORE` keeps the first row
///   of each event id, so write-ahead-log replay never duplicates (see ``EventWriter``).
/// - SQLite I/O runs on GRDB's dispatch queues, never on the cooperative thread pool: async
///   methods suspend while it runs.
/// - Values reach SQLite only as bound parameters; errors and logs carry no payload or parameter.
/// - The schema is applied by named, ordered, forward-only migrations (``SQLiteSchema``).
///
/// ```swift
/// let store = try SQLiteEventStore(path: "/var/lib/sightline/events.sqlite", logger: logger)
/// try await store.write(events, checkpoint: lastSeq)
/// let page = try await store.events(matching: EventFilter(service: "checkout"), after: nil, limit: 50)
/// try store.close()
/// ```
public final class SQLiteEventStore: EventStore {
    /// The database file.
    public let path: String
    private let pool: DatabasePool
    private let logger: Logger
    private let isClosed = Atomic<Bool>(false)

    /// How long a connection waits for a lock held by another connection before failing.
    static let busyTimeout: TimeInterval = 5
    /// WAL pages between automatic checkpoints of the WAL into the database file (4 KiB pages).
    static let walAutocheckpointPages = 4096
    /// Page cache of the writer connection, KiB: keeps the hot index pages of large databases.
    static let writerCacheKiB = 65_536

    /// Opens the store at `path`, creating the file (and its directory) when missing, and applies
    /// pending schema migrations.
    ///
    /// Opening blocks the calling thread on file I/O (and on migrations, the first time): call it
    /// once at start-up, not from a hot path.
    ///
    /// - Parameters:
    ///   - path: the database file; `-wal` and `-shm` files are created beside it.
    ///   - logger: receives open, migration and write-summary messages (never payloads); by
    ///     default nothing is logged.
    /// - Throws: ``StorageError`` with code `openFailed`, `migrationFailed`, `schemaTooNew`,
    ///   `corrupt` or `busy`.
    ///
    /// ```swift
    /// let store = try SQLiteEventStore(path: dataDirectory + "/events.sqlite", logger: logger)
    /// ```
    public init(
        path: String,
        logger: Logger = Logger(label: "sightline.sqlite", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws {
        self.path = path
        var logger = logger
        logger[metadataKey: "sqlite.path"] = "\(path)"
        self.logger = logger

        let minimumVersion: CInt = 3_037_000  // STRICT tables
        guard sqlite3_libversion_number() >= minimumVersion else {
            throw StorageError(
                code: .openFailed,
                message: "SQLite \(String(cString: sqlite3_libversion())) is too old: Sightline needs 3.37 or newer (install a newer libsqlite3)")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StorageError(
                code: .openFailed,
                message: "cannot create the directory \(directory.path) for the store: check permissions",
                cause: "\(type(of: error))")
        }

        var configuration = Configuration()
        configuration.label = "sightline.sqlite"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.publicStatementArguments = false  // never put parameters in errors or logs
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            QueryFunctions.register(on: db)
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StorageError.sqlite(error, code: .openFailed, message: "cannot open the store at \(path)", path: path)
        }
        do {
            // DatabasePool sets synchronous=NORMAL when it enables WAL; the writer needs FULL so
            // that a returned write survives power loss.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.walAutocheckpointPages)")
                try db.execute(sql: "PRAGMA journal_size_limit = \(64 * 1024 * 1024)")
                try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheKiB)")
            }
        } catch {
            throw StorageError.sqlite(error, code: .openFailed, message: "cannot configure the store at \(path)", path: path)
        }
        try Self.migrate(pool, path: path, logger: logger)
        logger.info("event store opened", metadata: ["sqlite.version": "\(String(cString: sqlite3_libversion()))"])
    }

    private static func migrate(_ pool: DatabasePool, path: String, logger: Logger) throws {
        let migrator = SQLiteSchema.migrator
        let pending: [String]
        do {
            pending = try pool.read { db -> [String] in
                if try migrator.hasBeenSuperseded(db) {
                    throw StorageError(
                        code: .schemaTooNew,
                        message: "\(path) was written by a newer Sightline (it lists schema migrations this version does not know): run that version or newer; migrations are forward-only")
                }
                let applied = try migrator.appliedIdentifiers(db)
                return SQLiteSchema.migrationNames.filter { !applied.contains($0) }
            }
            guard !pending.isEmpty else { return }
            try migrator.migrate(pool)
        } catch {
            throw StorageError.sqlite(
                error, code: .migrationFailed,
                message: "cannot apply the schema migrations to \(path): the failed migration was rolled back; check disk space and permissions, then start again",
                path: path)
        }
        logger.info("schema migrated", metadata: ["sqlite.migrations": "\(pending.joined(separator: ","))"])
    }

    /// Closes every connection, after the write in progress, if any. Later calls throw
    /// ``StorageError`` with code `closed`; closing twice does nothing. Blocks the calling thread.
    ///
    /// - Throws: ``StorageError`` when a connection cannot close.
    public func close() throws {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        do {
            try pool.close()
        } catch {
            // GRDB closes all or nothing: the store stays open and usable.
            isClosed.store(false, ordering: .releasing)
            throw StorageError.sqlite(error, code: .closed, message: "closing the store at \(path) failed; it is still open", path: path)
        }
        logger.info("event store closed")
    }

    /// Checks the database file for corruption (`PRAGMA quick_check`, or `integrity_check` when
    /// `full`; quick is O(pages), full also cross-checks every index).
    ///
    /// - Throws: ``StorageError`` with code `corrupt` and the first problems SQLite reports.
    public func integrityCheck(full: Bool = false) async throws {
        let problems = try await read("check the integrity of") { db in
            try String.fetchAll(db, sql: full ? "PRAGMA integrity_check" : "PRAGMA quick_check")
        }
        guard problems != ["ok"] else { return }
        throw StorageError(
            code: .corrupt,
            message: "\(path) failed its integrity check: restore it from a backup, or move it away to start empty (the write-ahead log replays what it still holds)",
            cause: problems.prefix(5).joined(separator: "; "))
    }

    // MARK: EventWriter

    public func write(_ events: [StoredEvent], checkpoint: UInt64) async throws {
        try await write(events, telemetry: .empty, checkpoint: checkpoint)
    }

    public func write(_ events: [StoredEvent], telemetry: TelemetryBatch, checkpoint: UInt64) async throws {
        try checkOpen()
        guard checkpoint <= UInt64(Int64.max), events.allSatisfy({ $0.seq <= UInt64(Int64.max) }),
            telemetry.spans.allSatisfy({ $0.seq <= UInt64(Int64.max) }), telemetry.logs.allSatisfy({ $0.seq <= UInt64(Int64.max) })
        else {
            throw StorageError(
                code: .invalidArgument,
                message: "a seq or checkpoint beyond \(Int64.max) cannot be stored in SQLite: the write-ahead log's sequence numbers must stay in the signed 64-bit range")
        }
        let inserted: Int
        do {
            inserted = try await pool.write { db in
                let telemetryRows = telemetry.isEmpty ? 0 : try TelemetryTables.insert(telemetry, in: db)
                return try Self.insert(events, checkpoint: checkpoint, in: db) + telemetryRows
            }
        } catch {
            throw StorageError.sqlite(
                error, code: .writeFailed,
                message: "storing \(events.count) events (and \(telemetry.spans.count) spans, \(telemetry.logs.count) log records) in \(path) failed and was rolled back: the write-ahead log keeps them for a retry",
                path: path)
        }
        logger.debug("events stored", metadata: [
            "storage.inserted": "\(inserted)",
            "storage.ignored": "\(events.count + telemetry.spans.count + telemetry.logs.count - inserted)",
            "storage.checkpoint": "\(checkpoint)",
        ])
    }

    /// Inserts `events` and records `checkpoint`, inside the caller's transaction; returns the
    /// number of rows inserted (ignored duplicates excluded).
    private static func insert(_ events: [StoredEvent], checkpoint: UInt64, in db: Database) throws -> Int {
        let changesBefore = sqlite3_total_changes64(db.sqliteConnection)
        if !events.isEmpty {
            let statement = try db.cachedStatement(sql: EventInsertBinder.insertSQL)
            var binder = EventInsertBinder()
            defer { binder.finish(statement.sqliteStatement) }
            var rollups = RollupTables.Accumulator()
            let templater = RouteTemplater()
            for var event in events {
                // Every stored event has a route: the one sent, the applier's learned template, or
                // (rows written past the applier) the path's stateless template. The column and
                // the rollups hold the same one, so summaries from either agree.
                if event.route == nil { event.route = templater.template(path: event.path) }
                let code = binder.insert(event, with: statement.sqliteStatement)
                guard code == SQLITE_DONE else { throw db.error(code) }
                // Roll up only what was inserted: a duplicate id or a replayed seq adds nothing.
                guard sqlite3_changes(db.sqliteConnection) == 1 else { continue }
                rollups.add(RollupInput(
                    timestampMicros: event.timestampMicros, service: event.service,
                    route: event.route ?? "", method: event.method, status: event.status,
                    durationMs: event.durationMs, requestSize: event.requestSize, responseSize: event.responseSize,
                    consumerID: event.consumerID))
            }
            try rollups.flush(into: db)
        }
        let inserted = Int(sqlite3_total_changes64(db.sqliteConnection) - changesBefore)
        try db.execute(
            sql: """
                INSERT INTO ingest_checkpoint (id, applied_seq) VALUES (1, ?)
                ON CONFLICT (id) DO UPDATE SET applied_seq = max(applied_seq, excluded.applied_seq)
                """,
            arguments: [Int64(checkpoint)])
        return inserted
    }

    public func checkpoint() async throws -> UInt64 {
        let seq = try await read("read the checkpoint of") { db in
            try Int64.fetchOne(db, sql: "SELECT applied_seq FROM ingest_checkpoint WHERE id = 1")
        }
        return UInt64(max(seq ?? 0, 0))
    }

    // MARK: EventReader

    public func events(matching filter: EventFilter, after cursor: EventCursor?, limit: Int) async throws -> EventPage {
        let query = EventQuery(filter: filter, after: cursor, limit: limit)
        return try await read("read events from") { db in
            try RawRead.page(db, sql: query.sql, arguments: query.arguments, limit: query.limit)
        }
    }

    public func event(id: String) async throws -> [UInt8]? {
        try await read("read an event from") { db in
            var document: [UInt8]?
            try RawRead.run(db, sql: "SELECT doc FROM events WHERE id = ?", arguments: [.text(id)]) { row in
                document = RawRead.bytes(row, 0)
                return false
            }
            return document
        }
    }

    public func count() async throws -> Int {
        try await read("count the events in") { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0
        }
    }

    // MARK: Plumbing

    private func checkOpen() throws {
        if isClosed.load(ordering: .acquiring) {
            throw StorageError(code: .closed, message: "the store at \(path) was closed: open a new SQLiteEventStore")
        }
    }

    /// Runs `body` on a reader connection, mapping errors to ``StorageError``.
    func read<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try checkOpen()
        do {
            return try await pool.read(body)
        } catch {
            throw StorageError.sqlite(error, code: .readFailed, message: "cannot \(what) the store at \(path)", path: path)
        }
    }

    /// Runs `body` on the writer connection outside a transaction (connection settings, tests).
    func onWriter<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try checkOpen()
        do {
            return try await pool.writeWithoutTransaction(body)
        } catch {
            throw StorageError.sqlite(error, code: .readFailed, message: "cannot use the writer connection of \(path)", path: path)
        }
    }
}
