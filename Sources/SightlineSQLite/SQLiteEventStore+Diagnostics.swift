import GRDB
import GRDBSQLite
import SightlineStorage

/// Internal views of the store's SQLite state, for tests and diagnostics. None is public API.
extension SQLiteEventStore {
    /// Per-connection settings of the writer connection.
    struct WriterSettings: Sendable, Equatable {
        var journalMode: String
        /// `PRAGMA synchronous`: 2 is FULL.
        var synchronous: Int
        var foreignKeys: Bool
        var busyTimeoutMilliseconds: Int
        var pageSize: Int
        /// `PRAGMA wal_autocheckpoint`, in pages.
        var walAutocheckpointPages: Int
    }

    func writerSettings() async throws -> WriterSettings {
        try await onWriter { db in
            WriterSettings(
                journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
                foreignKeys: try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false,
                busyTimeoutMilliseconds: try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? -1,
                pageSize: try Int.fetchOne(db, sql: "PRAGMA page_size") ?? -1,
                walAutocheckpointPages: try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? -1)
        }
    }

    /// WAL checkpoints the separate checkpoint connection has run (nil: there is none).
    var walCheckpointsRun: Int? { checkpointer?.checkpointsRun }

    /// Migration identifiers recorded in the database, in the order they were applied.
    func appliedMigrations() async throws -> [String] {
        try await read("list the migrations of") { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
        }
    }

    /// Names of the secondary indexes on `events`.
    func eventIndexNames() async throws -> [String] {
        try await read("list the indexes of") { db in
            try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_schema
                WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name
                """)
        }
    }

    /// The `EXPLAIN QUERY PLAN` details of the page read for `filter`.
    func queryPlan(matching filter: EventFilter, after cursor: EventCursor? = nil) async throws -> [String] {
        let query = EventQuery(filter: filter, after: cursor, limit: 10)
        return try await read("explain a read of") { db in
            var details: [String] = []
            try RawRead.run(db, sql: "EXPLAIN QUERY PLAN " + query.sql, arguments: query.arguments) { row in
                details.append(String(decoding: RawRead.bytes(row, 3), as: UTF8.self))
                return true
            }
            return details
        }
    }

    /// Every column of the stored row of `id`, as a ``StoredEvent``.
    func storedEvent(id: String) async throws -> StoredEvent? {
        try await read("read an event from") { db in
            let statement = try db.makeStatement(sql: """
                SELECT seq, id, ts, service, environment, method, route, path, status, duration_ms,
                       request_size, response_size, client_ip, consumer_id, user_id, session_id,
                       trace_id, error_type, level, doc
                FROM events WHERE id = ?
                """)
            let rows = try Row.fetchCursor(statement, arguments: [id])
            guard let row = try rows.next() else { return nil }
            return StoredEvent(
                seq: UInt64(row[0] as Int64), id: row[1], timestampMicros: row[2], service: row[3],
                environment: row[4], method: row[5], route: row[6], path: row[7], status: row[8],
                durationMs: row[9], requestSize: row[10], responseSize: row[11], clientIP: row[12],
                consumerID: row[13], userID: row[14], sessionID: row[15], traceID: row[16],
                errorType: row[17], level: row[18],
                document: try row.withUnsafeData(atIndex: 19) { data in data.map { [UInt8]($0) } ?? [] })
        }
    }

    /// Runs raw SQL text on the writer connection. Tests only: it bypasses every safeguard of
    /// the store (bound parameters, the closed column set), hence the name.
    func execute(unsafeSQL sql: String) async throws {
        try await onWriter { db in try db.execute(sql: sql) }
    }
}
