import GRDB
import GRDBSQLite
import SightlineCore
import SightlineStorage

/// The `spans` and `logs` tables: OpenTelemetry spans that are not API events and log records,
/// kept linked to their trace.
///
/// Invariants:
/// - `spans` is keyed by `(trace_id, span_id)` and `logs` by `seq` with a unique `id`; inserts
///   are `INSERT OR IGNORE`, so a replayed or re-sent item is stored once.
/// - `doc` holds the item's document as TEXT bound from its exact bytes (read back byte for byte).
/// - Every value is a bound parameter; the SQL text is fixed.
enum TelemetryTables {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE spans (
                trace_id TEXT NOT NULL,
                span_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                parent_span_id TEXT,
                name TEXT NOT NULL,
                kind INTEGER NOT NULL,
                start_us INTEGER NOT NULL,
                end_us INTEGER,
                service TEXT NOT NULL,
                status INTEGER NOT NULL,
                doc TEXT NOT NULL,
                PRIMARY KEY (trace_id, span_id)
            ) STRICT, WITHOUT ROWID
            """)
        try db.execute(sql: "CREATE INDEX spans_by_start ON spans (start_us)")
        try db.execute(sql: """
            CREATE TABLE logs (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                ts INTEGER NOT NULL,
                trace_id TEXT,
                span_id TEXT,
                service TEXT NOT NULL,
                severity INTEGER NOT NULL,
                body TEXT,
                doc TEXT NOT NULL
            ) STRICT
            """)
        try db.execute(sql: "CREATE INDEX logs_by_ts ON logs (ts)")
        try db.execute(sql: "CREATE INDEX logs_by_service ON logs (service, ts)")
        try db.execute(sql: "CREATE INDEX logs_by_trace ON logs (trace_id, ts) WHERE trace_id IS NOT NULL")
    }

    static let insertSpanSQL = """
        INSERT OR IGNORE INTO spans (trace_id, span_id, seq, parent_span_id, name, kind, start_us, end_us, service, status, doc)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let insertLogSQL = """
        INSERT OR IGNORE INTO logs (seq, id, ts, trace_id, span_id, service, severity, body, doc)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Inserts the batch inside the caller's transaction; returns the rows inserted.
    static func insert(_ batch: TelemetryBatch, in db: Database) throws -> Int {
        var inserted = 0
        for stored in batch.spans {
            let span = stored.span
            let values: [BoundValue] = [
                .text(span.traceID), .text(span.spanID), .integer(Int64(stored.seq)), span.parentSpanID.map(BoundValue.text) ?? .null,
                .text(span.name), .integer(Int64(span.kind.rawValue)), .integer(span.startMicros), span.endMicros.map(BoundValue.integer) ?? .null,
                .text(span.service), .integer(Int64(span.status.rawValue)), .text(String(decoding: stored.document, as: UTF8.self)),
            ]
            inserted += try insert(insertSpanSQL, values, db)
        }
        for stored in batch.logs {
            let log = stored.log
            let values: [BoundValue] = [
                .integer(Int64(stored.seq)), .text(log.id ?? ""), .integer(log.timestampMicros), log.traceID.map(BoundValue.text) ?? .null,
                log.spanID.map(BoundValue.text) ?? .null, .text(log.service), .integer(Int64(log.severityNumber)),
                log.body.map(BoundValue.text) ?? .null, .text(String(decoding: stored.document, as: UTF8.self)),
            ]
            inserted += try insert(insertLogSQL, values, db)
        }
        return inserted
    }

    /// Runs one `INSERT OR IGNORE` (cached statement, bound values); 1 when a row was inserted.
    private static func insert(_ sql: String, _ values: [BoundValue], _ db: Database) throws -> Int {
        try RawRead.run(db, sql: sql, arguments: values) { _ in false }
        return Int(sqlite3_changes(db.sqliteConnection))
    }
}
