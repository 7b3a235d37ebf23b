import BenchRows
import NIOCore
import SQLiteNIO

func openNIO(path: String) async throws -> SQLiteConnection {
    let connection = try await SQLiteConnection.open(storage: .file(path: path))
    _ = try await connection.query("PRAGMA journal_mode = WAL")
    _ = try await connection.query("PRAGMA synchronous = FULL")
    for statement in createEventsTable.split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
        _ = try await connection.query(String(statement))
    }
    return connection
}

private func binds(_ row: BenchRow, into out: inout [SQLiteData]) {
    out.append(.integer(Int(row.seq)))
    out.append(.text(row.id))
    out.append(.integer(Int(row.ts)))
    out.append(.text(row.service))
    out.append(row.environment.map(SQLiteData.text) ?? .null)
    out.append(.text(row.method))
    out.append(row.route.map(SQLiteData.text) ?? .null)
    out.append(.text(row.path))
    out.append(.integer(row.status))
    out.append(row.durationMs.map(SQLiteData.float) ?? .null)
    out.append(row.requestSize.map { .integer(Int($0)) } ?? .null)
    out.append(row.responseSize.map { .integer(Int($0)) } ?? .null)
    out.append(row.clientIP.map(SQLiteData.text) ?? .null)
    out.append(row.consumerID.map(SQLiteData.text) ?? .null)
    out.append(row.userID.map(SQLiteData.text) ?? .null)
    out.append(row.sessionID.map(SQLiteData.text) ?? .null)
    out.append(row.traceID.map(SQLiteData.text) ?? .null)
    out.append(row.errorType.map(SQLiteData.text) ?? .null)
    out.append(row.level.map(SQLiteData.text) ?? .null)
    out.append(.text(String(decoding: row.doc, as: UTF8.self)))
}

/// (c) sqlite-nio public API: one `query` per multi-row `INSERT ... VALUES (...), (...)` of `rowsPerStatement` rows
/// (each query prepares its statement anew: the public API has no prepared-statement reuse).
func insertNIOMultiRow(_ connection: SQLiteConnection, _ rows: ArraySlice<BenchRow>, rowsPerStatement: Int) async throws {
    _ = try await connection.query("BEGIN IMMEDIATE")
    do {
        let placeholders = "(" + Array(repeating: "?", count: columnsPerRow).joined(separator: ", ") + ")"
        var start = rows.startIndex
        while start < rows.endIndex {
            let end = min(start + rowsPerStatement, rows.endIndex)
            let valuesHead = insertSQL.components(separatedBy: "VALUES")[0]
            let sql = valuesHead + "VALUES " + Array(repeating: placeholders, count: end - start).joined(separator: ", ")
            var values: [SQLiteData] = []
            values.reserveCapacity((end - start) * columnsPerRow)
            for row in rows[start..<end] { binds(row, into: &values) }
            _ = try await connection.query(sql, values)
            start = end
        }
        _ = try await connection.query(checkpointSQL, [.integer(Int(rows.last!.seq))])
        _ = try await connection.query("COMMIT")
    } catch {
        _ = try? await connection.query("ROLLBACK")
        throw error
    }
}

/// (c') sqlite-nio public API, one `query` (prepare + bind + step on the thread pool) per row.
func insertNIOSingleRow(_ connection: SQLiteConnection, _ rows: ArraySlice<BenchRow>) async throws {
    _ = try await connection.query("BEGIN IMMEDIATE")
    do {
        var values: [SQLiteData] = []
        values.reserveCapacity(columnsPerRow)
        for row in rows {
            values.removeAll(keepingCapacity: true)
            binds(row, into: &values)
            try await connection.query(insertSQL, values) { _ in }
        }
        _ = try await connection.query(checkpointSQL, [.integer(Int(rows.last!.seq))])
        _ = try await connection.query("COMMIT")
    } catch {
        _ = try? await connection.query("ROLLBACK")
        throw error
    }
}
