import BenchRows
import GRDB
import GRDBSQLite

private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

func openGRDB(path: String, extraDDL: String) throws -> DatabasePool {
    let pool = try DatabasePool(path: path, configuration: Configuration())
    // DatabasePool sets synchronous=NORMAL when it enables WAL: set FULL afterwards.
    try pool.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA synchronous = FULL")
        try db.execute(sql: createEventsTable + extraDDL)
    }
    return pool
}

/// (a) cached statement, values bound with sqlite3_bind_* on `statement.sqliteStatement`.
func insertGRDBRaw(_ pool: DatabasePool, _ rows: ArraySlice<BenchRow>) throws {
    try pool.write { db in
        let statement = try db.cachedStatement(sql: insertSQL)
        let s = statement.sqliteStatement
        for row in rows {
            sqlite3_reset(s)
            sqlite3_bind_int64(s, 1, row.seq)
            bindText(s, 2, row.id)
            sqlite3_bind_int64(s, 3, row.ts)
            bindText(s, 4, row.service)
            bindText(s, 5, row.environment)
            bindText(s, 6, row.method)
            bindText(s, 7, row.route)
            bindText(s, 8, row.path)
            sqlite3_bind_int64(s, 9, Int64(row.status))
            if let d = row.durationMs { sqlite3_bind_double(s, 10, d) } else { sqlite3_bind_null(s, 10) }
            bindInt(s, 11, row.requestSize)
            bindInt(s, 12, row.responseSize)
            bindText(s, 13, row.clientIP)
            bindText(s, 14, row.consumerID)
            bindText(s, 15, row.userID)
            bindText(s, 16, row.sessionID)
            bindText(s, 17, row.traceID)
            bindText(s, 18, row.errorType)
            bindText(s, 19, row.level)
            let rc = row.doc.withUnsafeBytes { buffer in
                sqlite3_bind_text(s, 20, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(buffer.count), nil)
                return sqlite3_step(s)  // SQLITE_STATIC: the buffer outlives the step
            }
            guard rc == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: rc)) }
        }
        sqlite3_reset(s)
        sqlite3_clear_bindings(s)
        try db.execute(sql: checkpointSQL, arguments: [rows.last!.seq])
    }
}

@inline(__always)
private func bindText(_ s: OpaquePointer, _ index: Int32, _ value: String?) {
    guard var value else { sqlite3_bind_null(s, index); return }
    value.withUTF8 { utf8 in
        _ = sqlite3_bind_text(s, index, UnsafeRawPointer(utf8.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(utf8.count), transient)
    }
}

@inline(__always)
private func bindInt(_ s: OpaquePointer, _ index: Int32, _ value: Int64?) {
    if let value { sqlite3_bind_int64(s, index, value) } else { sqlite3_bind_null(s, index) }
}

/// (b) cached statement, `setUncheckedArguments` + `execute()`.
func insertGRDBArguments(_ pool: DatabasePool, _ rows: ArraySlice<BenchRow>) throws {
    try pool.write { db in
        let statement = try db.cachedStatement(sql: insertSQL)
        for row in rows {
            statement.setUncheckedArguments([
                row.seq, row.id, row.ts, row.service, row.environment, row.method, row.route, row.path, row.status,
                row.durationMs, row.requestSize, row.responseSize, row.clientIP, row.consumerID, row.userID,
                row.sessionID, row.traceID, row.errorType, row.level, String(decoding: row.doc, as: UTF8.self),
            ])
            try statement.execute()
        }
        try db.execute(sql: checkpointSQL, arguments: [rows.last!.seq])
    }
}

/// (b') cached statement, `execute(arguments:)` (validates the arguments each time).
func insertGRDBExecuteArguments(_ pool: DatabasePool, _ rows: ArraySlice<BenchRow>) throws {
    try pool.write { db in
        let statement = try db.cachedStatement(sql: insertSQL)
        for row in rows {
            try statement.execute(arguments: [
                row.seq, row.id, row.ts, row.service, row.environment, row.method, row.route, row.path, row.status,
                row.durationMs, row.requestSize, row.responseSize, row.clientIP, row.consumerID, row.userID,
                row.sessionID, row.traceID, row.errorType, row.level, String(decoding: row.doc, as: UTF8.self),
            ])
        }
        try db.execute(sql: checkpointSQL, arguments: [rows.last!.seq])
    }
}

func grdbSQLiteVersion() -> String { String(cString: sqlite3_libversion()) }
