import GRDB

/// The SQLite schema of the event store, as named, ordered, forward-only migrations.
///
/// Invariants:
/// - A migration, once released, never changes: a schema change is a new migration appended at
///   the end. A database that lists a migration this build does not know was written by a newer
///   build and is refused (``StorageError/Code-swift.struct/schemaTooNew``), never downgraded.
/// - `events.seq` is the rowid and the write-ahead-log sequence number; `events.id` is unique (the
///   de-duplication key); `ingest_checkpoint` holds at most one row (`id = 1`).
/// - Tables are `STRICT`: a value of the wrong type is an error, not a silent conversion.
/// - `doc` holds the canonical JSON as TEXT bound from its exact bytes, so it reads back byte for
///   byte and SQLite's JSON functions apply to it.
enum SQLiteSchema {
    /// The migration names, in order.
    static let migrationNames = ["v1-events-table", "v1-ingest-checkpoint", "v1-event-indexes", "v2-rollups", "v3-telemetry"]

    /// The migrator for this schema, migrations in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(migrationNames[0]) { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    ts INTEGER NOT NULL,
                    service TEXT NOT NULL,
                    environment TEXT,
                    method TEXT NOT NULL,
                    route TEXT,
                    path TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    duration_ms REAL,
                    request_size INTEGER,
                    response_size INTEGER,
                    client_ip TEXT,
                    consumer_id TEXT,
                    user_id TEXT,
                    session_id TEXT,
                    trace_id TEXT,
                    error_type TEXT,
                    level TEXT,
                    doc TEXT NOT NULL
                ) STRICT
                """)
        }
        migrator.registerMigration(migrationNames[1]) { db in
            try db.execute(sql: """
                CREATE TABLE ingest_checkpoint (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    applied_seq INTEGER NOT NULL CHECK (applied_seq >= 0)
                ) STRICT
                """)
        }
        migrator.registerMigration(migrationNames[2]) { db in
            for statement in indexStatements {
                try db.execute(sql: statement)
            }
        }
        migrator.registerMigration(migrationNames[3]) { db in
            try RollupTables.create(db)
        }
        migrator.registerMigration(migrationNames[4]) { db in
            try TelemetryTables.create(db)
        }
        return migrator
    }

    /// The secondary indexes: each serves one filter newest first. Every index entry ends with
    /// `ts` and, implicitly, the rowid `seq`, so `ORDER BY ts DESC, seq DESC` and the cursor
    /// condition are walked in index order without a sort. Sparse columns get partial indexes.
    /// `method` and `path` have none: they are low-cardinality or prefix filters that ride on
    /// another index (see docs/storage-measurements.md for what each index costs on insert).
    static let indexStatements = [
        "CREATE INDEX events_by_ts ON events (ts)",
        "CREATE INDEX events_by_service ON events (service, ts)",
        "CREATE INDEX events_by_route ON events (route, ts) WHERE route IS NOT NULL",
        "CREATE INDEX events_by_status_class ON events (status / 100, ts)",
        "CREATE INDEX events_by_consumer ON events (consumer_id, ts) WHERE consumer_id IS NOT NULL",
        "CREATE INDEX events_by_user ON events (user_id, ts) WHERE user_id IS NOT NULL",
        "CREATE INDEX events_by_session ON events (session_id, ts) WHERE session_id IS NOT NULL",
        "CREATE INDEX events_by_trace ON events (trace_id, ts) WHERE trace_id IS NOT NULL",
    ]
}
