import GRDB
import GRDBSQLite
import SightlineStorage

/// Binds one ``StoredEvent`` at a time to the cached insert statement through the SQLite C API
/// and steps it: the fastest insert path measured (docs/storage-measurements.md).
///
/// Invariants:
/// - Every value is a bound parameter of ``insertSQL``; nothing is interpolated into SQL.
/// - Strings and the document are copied into `scratch` and bound with `SQLITE_STATIC`: the
///   buffer is neither moved nor written while bound, and bindings are cleared (``finish(_:)``)
///   before it is freed, so SQLite never sees a dangling pointer.
/// - Non-optional columns are always bound to a non-NULL value (an empty string binds a valid
///   zero-length pointer), so `INSERT OR IGNORE` only ever skips on the `id` or `seq` conflict.
struct EventInsertBinder: ~Copyable {
    static let insertSQL = """
        INSERT OR IGNORE INTO events (
            seq, id, ts, service, environment, method, route, path, status, duration_ms,
            request_size, response_size, client_ip, consumer_id, user_id, session_id, trace_id,
            error_type, level, doc
        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    private var scratch: UnsafeMutableRawBufferPointer

    init(initialCapacity: Int = 16 * 1024) {
        scratch = .allocate(byteCount: max(initialCapacity, 1), alignment: 1)
    }

    deinit {
        scratch.deallocate()
    }

    /// Binds `event` to `statement` and steps it; returns the SQLite result code: `SQLITE_DONE`
    /// on success (also when the row was ignored as a duplicate), else the failed bind or step.
    /// - Parameter route: the value of the `route` column (the event's own, or one the caller
    ///   inferred; passed apart so the event need not be copied to set it).
    mutating func insert(_ event: StoredEvent, route: String?, with statement: SQLiteStatement) -> CInt {
        sqlite3_reset(statement)
        ensureCapacity(Self.variableByteCount(event) + (route?.utf8.count ?? 0))
        var offset = 0
        var code = SQLITE_OK
        func check(_ result: CInt) {
            if code == SQLITE_OK { code = result }
        }
        check(bindText(event.id, 2, statement, &offset))
        check(bindText(event.service, 4, statement, &offset))
        check(bindText(event.environment, 5, statement, &offset))
        check(bindText(event.method, 6, statement, &offset))
        check(bindText(route, 7, statement, &offset))
        check(bindText(event.path, 8, statement, &offset))
        check(bindText(event.clientIP, 13, statement, &offset))
        check(bindText(event.consumerID, 14, statement, &offset))
        check(bindText(event.userID, 15, statement, &offset))
        check(bindText(event.sessionID, 16, statement, &offset))
        check(bindText(event.traceID, 17, statement, &offset))
        check(bindText(event.errorType, 18, statement, &offset))
        check(bindText(event.level, 19, statement, &offset))
        check(bindBytes(event.document, 20, statement, &offset))
        check(sqlite3_bind_int64(statement, 1, Int64(bitPattern: event.seq)))
        check(sqlite3_bind_int64(statement, 3, event.timestampMicros))
        check(sqlite3_bind_int64(statement, 9, Int64(event.status)))
        if let duration = event.durationMs {
            check(sqlite3_bind_double(statement, 10, duration))
        } else {
            check(sqlite3_bind_null(statement, 10))
        }
        check(bindInt(event.requestSize, 11, statement))
        check(bindInt(event.responseSize, 12, statement))
        guard code == SQLITE_OK else { return code }
        return sqlite3_step(statement)
    }

    /// Resets the statement and drops its bindings, which point into `scratch`.
    func finish(_ statement: SQLiteStatement) {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    private static func variableByteCount(_ event: StoredEvent) -> Int {
        func length(_ value: String?) -> Int { value?.utf8.count ?? 0 }
        return event.document.count
            + event.id.utf8.count + event.service.utf8.count + event.method.utf8.count + event.path.utf8.count
            + length(event.environment) + length(event.clientIP)
            + length(event.consumerID) + length(event.userID) + length(event.sessionID)
            + length(event.traceID) + length(event.errorType) + length(event.level)
    }

    private mutating func ensureCapacity(_ byteCount: Int) {
        guard byteCount > scratch.count else { return }
        // Only called between rows: nothing is bound into the old buffer any more (the previous
        // step completed and every column is rebound before the next step).
        scratch.deallocate()
        scratch = .allocate(byteCount: max(byteCount, scratch.count * 2), alignment: 1)
    }

    private func bindText(_ value: String?, _ index: CInt, _ statement: SQLiteStatement, _ offset: inout Int) -> CInt {
        guard var value else {
            return sqlite3_bind_null(statement, index)
        }
        return value.withUTF8 { utf8 in
            bindCopy(UnsafeRawBufferPointer(utf8), index, statement, &offset)
        }
    }

    private func bindBytes(_ bytes: [UInt8], _ index: CInt, _ statement: SQLiteStatement, _ offset: inout Int) -> CInt {
        bytes.withUnsafeBytes { buffer in
            bindCopy(buffer, index, statement, &offset)
        }
    }

    /// Copies `source` into `scratch` at `offset` and binds it as TEXT with `SQLITE_STATIC`.
    private func bindCopy(_ source: UnsafeRawBufferPointer, _ index: CInt, _ statement: SQLiteStatement, _ offset: inout Int) -> CInt {
        guard source.count <= Int(CInt.max) else { return SQLITE_TOOBIG }
        let destination = scratch.baseAddress! + offset
        if source.count > 0 {
            destination.copyMemory(from: source.baseAddress!, byteCount: source.count)
        }
        offset += source.count
        return sqlite3_bind_text(statement, index, destination.assumingMemoryBound(to: CChar.self), CInt(source.count), nil)
    }

    private func bindInt(_ value: Int64?, _ index: CInt, _ statement: SQLiteStatement) -> CInt {
        if let value {
            return sqlite3_bind_int64(statement, index, value)
        }
        return sqlite3_bind_null(statement, index)
    }
}
