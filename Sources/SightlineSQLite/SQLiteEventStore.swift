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
/// - New files use 16 KiB pages (``pageSize``); an existing file keeps the page size it was
///   created with.
/// - The WAL is checkpointed into the database file by a connection of its own, on its own
///   thread, after about every ``walAutocheckpointBytes`` written, so the writer never stops for
///   it (SQLite's automatic checkpoint on the writer is off). PASSIVE checkpoints never block
///   the writer or readers; if that connection cannot be opened, the writer checkpoints itself.
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
    /// Checkpoints the WAL off the writer (see the invariants); nil: the writer does it.
    let checkpointer: WALCheckpointer?
    private let logger: Logger
    private let isClosed = Atomic<Bool>(false)

    /// How long a connection waits for a lock held by another connection before failing.
    static let busyTimeout: TimeInterval = 5
    /// Page size of new database files. Bulk inserts write every page twice (WAL, then the
    /// database file), one system call each: 16 KiB pages took a 1M-line import from 8.8 s to
    /// 7.5 s against 4 KiB (32 and 64 KiB were slower again); see docs/BENCHMARKS.md.
    static let pageSize = 16_384
    /// WAL size, in bytes, at which it is checkpointed into the database file.
    static let walAutocheckpointBytes = 16 << 20
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
            // Only takes effect while the file is still empty, before WAL mode is set.
            try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)")
            QueryFunctions.register(on: db)
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StorageError.sqlite(error, code: .openFailed, message: "cannot open the store at \(path)", path: path)
        }
        // Opened before the writer is configured, so that the writer's automatic checkpoint is
        // set once: off when this connection does it.
        let checkpointer = WALCheckpointer(path: path, logger: logger)
        self.checkpointer = checkpointer
        do {
            // DatabasePool sets synchronous=NORMAL when it enables WAL; the writer needs FULL so
            // that a returned write survives power loss.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                let pages = checkpointer == nil ? max(Self.walAutocheckpointBytes / max(pageSize, 512), 64) : 0
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(pages)")
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
        checkpointer?.close()
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
        // The batch's rollups are summed on another thread while its rows are inserted.
        let rollups = RollupPrecomputation(events)
        do {
            inserted = try await pool.write { db in
                let telemetryRows = telemetry.isEmpty ? 0 : try TelemetryTables.insert(telemetry, in: db)
                return try Self.insert(events, rollups: rollups, checkpoint: checkpoint, in: db) + telemetryRows
            }
        } catch {
            throw StorageError.sqlite(
                error, code: .writeFailed,
                message: "storing \(events.count) events (and \(telemetry.spans.count) spans, \(telemetry.logs.count) log records) in \(path) failed and was rolled back: the write-ahead log keeps them for a retry",
                path: path)
        }
        // About what the batch added to the WAL: its documents and, per row, the columns and
        // index entries (the pages are written whole, so this is a floor).
        checkpointer?.noteWritten(
            bytes: events.reduce(0) { $0 + $1.document.count + 256 }
                + telemetry.spans.reduce(0) { $0 + $1.document.count + 128 } + telemetry.logs.reduce(0) { $0 + $1.document.count + 128 },
            threshold: Self.walAutocheckpointBytes)
        logger.debug("events stored", metadata: [
            "storage.inserted": "\(inserted)",
            "storage.ignored": "\(events.count + telemetry.spans.count + telemetry.logs.count - inserted)",
            "storage.checkpoint": "\(checkpoint)",
        ])
    }

    /// Inserts `events` and records `checkpoint`, inside the caller's transaction; returns the
    /// number of rows inserted (ignored duplicates excluded). The rollups merged are those of the
    /// rows inserted: `rollups` when every row was, else summed again without the ignored ones.
    private static func insert(_ events: [StoredEvent], rollups: RollupPrecomputation, checkpoint: UInt64, in db: Database) throws -> Int {
        let changesBefore = sqlite3_total_changes64(db.sqliteConnection)
        if !events.isEmpty {
            let statement = try db.cachedStatement(sql: EventInsertBinder.insertSQL)
            var binder = EventInsertBinder()
            defer { binder.finish(statement.sqliteStatement) }
            var ignored: Set<Int> = []
            for index in events.indices {
                // Indexed, not iterated: a loop variable would copy every event.
                let code = binder.insert(events[index], route: RollupPrecomputation.route(of: events[index]), with: statement.sqliteStatement)
                guard code == SQLITE_DONE else { throw db.error(code) }
                // A duplicate id or a replayed seq is ignored, and must add nothing to the rollups.
                if sqlite3_changes(db.sqliteConnection) != 1 { ignored.insert(index) }
            }
            var accumulator = rollups.wait()
            if !ignored.isEmpty {
                accumulator = RollupPrecomputation.accumulate(events) { !ignored.contains($0) }
            }
            try accumulator.flush(into: db)
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

/// The rollups of a batch, summed on a dispatch thread (not the cooperative pool) from the moment
/// the write starts, so that the SQLite writer only merges them.
///
/// Invariants:
/// - `result` is written once, before `done` is signalled, and read only after waiting on it.
/// - Every stored event has a route: the one sent, the applier's learned template, or (rows
///   written past the applier) the path's stateless template; the `route` column and the rollups
///   hold the same one (``route(of:)``), so summaries from either agree.
final class RollupPrecomputation: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result = RollupTables.Accumulator()
    /// One thread of its own (the store writes one batch at a time), not the global pool.
    private static let queue = DispatchQueue(label: "sightline.sqlite.rollups")

    init(_ events: [StoredEvent]) {
        guard !events.isEmpty else {
            done.signal()
            return
        }
        Self.queue.async {
            self.result = Self.accumulate(events) { _ in true }
            self.done.signal()
        }
    }

    /// The rollups of every event of the batch; blocks until they are summed. Call once.
    func wait() -> RollupTables.Accumulator {
        done.wait()
        return result
    }

    static func route(of event: StoredEvent) -> String {
        event.route ?? RouteTemplater().template(path: event.path)
    }

    /// The rollups of the events whose index passes `include`.
    static func accumulate(_ events: [StoredEvent], include: (Int) -> Bool) -> RollupTables.Accumulator {
        var accumulator = RollupTables.Accumulator()
        for index in events.indices where include(index) {
            accumulator.add(RollupInput(
                timestampMicros: events[index].timestampMicros, service: events[index].service,
                route: route(of: events[index]), method: events[index].method, status: events[index].status,
                durationMs: events[index].durationMs, requestSize: events[index].requestSize,
                responseSize: events[index].responseSize, consumerID: events[index].consumerID))
        }
        return accumulator
    }
}

/// Checkpoints the store's WAL from a connection and a thread of its own (PASSIVE: it copies
/// what no reader still needs and never blocks the writer), so the writer's commits never wait
/// for a checkpoint.
///
/// Invariants:
/// - At most one checkpoint is queued or running; a request meanwhile is folded into it.
/// - After ``close()`` returns, no checkpoint runs and the connection is closed.
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "sightline.sqlite.checkpoint")
    private let pending = Atomic<Bool>(false)
    private let unCheckpointedBytes = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)
    private let completed = Atomic<Int>(0)
    private let logger: Logger

    /// Checkpoints run so far (for tests).
    var checkpointsRun: Int { completed.load(ordering: .relaxed) }

    /// nil when the connection cannot be opened (the writer then checkpoints itself).
    init?(path: String, logger: Logger) {
        var configuration = Configuration()
        configuration.label = "sightline.sqlite.checkpoint"
        configuration.busyMode = .timeout(SQLiteEventStore.busyTimeout)
        configuration.publicStatementArguments = false
        do {
            connection = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            logger.warning("no separate WAL checkpoint connection; the writer checkpoints", metadata: ["error": "\(type(of: error))"])
            return nil
        }
        self.logger = logger
    }

    /// Counts bytes a commit added to the WAL; past `threshold`, queues a checkpoint.
    func noteWritten(bytes: Int, threshold: Int) {
        let total = unCheckpointedBytes.wrappingAdd(bytes, ordering: .relaxed).newValue
        guard total >= threshold, !closed.load(ordering: .relaxed), !pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        unCheckpointedBytes.store(0, ordering: .relaxed)
        queue.async {
            defer { self.pending.store(false, ordering: .releasing) }
            guard !self.closed.load(ordering: .relaxed) else { return }
            do {
                try self.connection.inDatabase { db in try db.checkpoint(.passive) }
                self.completed.wrappingAdd(1, ordering: .relaxed)
            } catch {
                self.logger.warning("WAL checkpoint failed; the next one retries", metadata: ["error": "\(type(of: error))"])
            }
        }
    }

    /// Waits for a running checkpoint, then closes the connection.
    func close() {
        closed.store(true, ordering: .relaxed)
        queue.sync {}
        try? connection.close()
    }
}
