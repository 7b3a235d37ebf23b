import GRDB
import GRDBSQLite
import SightlineStorage

/// Steps a cached statement through the SQLite C API: reads, and single-row writes whose
/// `row` callback is never called.
///
/// Invariants: the statement is reset and its bindings cleared when `run` returns or throws, so
/// a cached statement never holds a read open nor keeps old values.
enum RawRead {
    /// Binds `arguments` to the cached statement for `sql` and calls `row` for each result row
    /// until it returns `false` or the rows end.
    static func run(
        _ db: Database, sql: String, arguments: [BoundValue], row: (SQLiteStatement) throws -> Bool
    ) throws {
        let statement = try db.cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(statement)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        let bound = BoundValue.bind(arguments, to: statement)
        guard bound == SQLITE_OK else { throw db.error(bound) }
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw db.error(code) }
            guard try row(statement) else { return }
        }
    }

    /// One newest-first page from a statement that selects `ts, seq, doc` and fetches one row
    /// more than `limit` (to know whether a next page exists).
    static func page(_ db: Database, sql: String, arguments: [BoundValue], limit: Int) throws -> EventPage {
        var documents: [[UInt8]] = []
        documents.reserveCapacity(min(limit, 128))
        var last: EventCursor?
        var more = false
        try run(db, sql: sql, arguments: arguments) { row in
            guard documents.count < limit else {
                more = true
                return false
            }
            documents.append(bytes(row, 2))
            last = EventCursor(timestampMicros: sqlite3_column_int64(row, 0), seq: UInt64(sqlite3_column_int64(row, 1)))
            return true
        }
        return EventPage(documents: documents, nextCursor: more ? last : nil)
    }

    /// The bytes of column `index` exactly as stored (`sqlite3_column_blob` does not convert TEXT).
    static func bytes(_ statement: SQLiteStatement, _ index: CInt) -> [UInt8] {
        guard let base = sqlite3_column_blob(statement, index) else { return [] }
        let count = Int(sqlite3_column_bytes(statement, index))
        return [UInt8](UnsafeRawBufferPointer(start: base, count: count))
    }
}

extension Database {
    /// The error for a failed C API call on this connection: the result code and SQLite's
    /// message, which names constraints and columns but never bound values.
    func error(_ code: CInt) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqliteConnection)))
    }
}
