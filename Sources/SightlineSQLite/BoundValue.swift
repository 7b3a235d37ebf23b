import GRDB
import GRDBSQLite

/// A value bound to a `?` parameter of a read statement, with its exact length.
///
/// Invariants:
/// - Text is bound with its UTF-8 byte count, never as a NUL-terminated C string, so a value with
///   an embedded NUL compares exactly as the insert path stored it (GRDB's own `String` binding
///   stops at the first NUL).
/// - Values are copied by SQLite (`SQLITE_TRANSIENT`): read arguments are few and small.
enum BoundValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// Binds `values` to parameters 1…n of `statement`; returns the first failing result code,
    /// or `SQLITE_OK`.
    static func bind(_ values: [BoundValue], to statement: SQLiteStatement) -> CInt {
        for (offset, value) in values.enumerated() {
            let index = CInt(offset + 1)
            let code: CInt
            switch value {
            case .null:
                code = sqlite3_bind_null(statement, index)
            case .integer(let integer):
                code = sqlite3_bind_int64(statement, index, integer)
            case .real(let real):
                code = sqlite3_bind_double(statement, index, real)
            case .text(var text):
                code = text.withUTF8 { utf8 in
                    // A zero-length buffer may have no address; "" binds an empty string, not NULL.
                    guard let base = utf8.baseAddress else {
                        return sqlite3_bind_text(statement, index, "", 0, transient)
                    }
                    return UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: utf8.count) { pointer in
                        sqlite3_bind_text(statement, index, pointer, CInt(utf8.count), transient)
                    }
                }
            }
            guard code == SQLITE_OK else { return code }
        }
        return SQLITE_OK
    }

    /// `SQLITE_TRANSIENT`: SQLite copies the value before the bind call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
