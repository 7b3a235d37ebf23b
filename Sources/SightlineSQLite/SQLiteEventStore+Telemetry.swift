import GRDB
import GRDBSQLite
import SightlineStorage

extension SQLiteEventStore: TelemetryReader {
    public func trace(id traceID: String, limit: Int) async throws -> TraceRecords {
        let limit = EventPage.clampedLimit(limit)
        return try await read("read a trace from") { db in
            var truncated = false
            func documents(_ sql: String) throws -> [[UInt8]] {
                var documents: [[UInt8]] = []
                try RawRead.run(db, sql: sql, arguments: [.text(traceID), .integer(Int64(limit + 1))]) { row in
                    guard documents.count < limit else {
                        truncated = true
                        return false
                    }
                    documents.append(RawRead.bytes(row, 0))
                    return true
                }
                return documents
            }
            let events = try documents("SELECT doc FROM events WHERE trace_id = ? ORDER BY ts, seq LIMIT ?")
            let spans = try documents("SELECT doc FROM spans WHERE trace_id = ? ORDER BY start_us, span_id LIMIT ?")
            let logs = try documents("SELECT doc FROM logs WHERE trace_id = ? ORDER BY ts, seq LIMIT ?")
            return TraceRecords(eventDocuments: events, spanDocuments: spans, logDocuments: logs, truncated: truncated)
        }
    }

    public func logs(matching filter: LogFilter, after cursor: EventCursor?, limit: Int) async throws -> EventPage {
        let limit = EventPage.clampedLimit(limit)
        // Fixed fragments only; every value is bound.
        var conditions: [String] = []
        var values: [BoundValue] = []
        if let from = filter.fromMicros { conditions.append("ts >= ?"); values.append(.integer(from)) }
        if let to = filter.toMicros { conditions.append("ts < ?"); values.append(.integer(to)) }
        if let service = filter.service { conditions.append("service = ?"); values.append(.text(service)) }
        if let trace = filter.traceID { conditions.append("trace_id = ?"); values.append(.text(trace)) }
        if let severity = filter.minimumSeverity { conditions.append("severity >= ?"); values.append(.integer(Int64(severity))) }
        if let text = filter.bodyContains, !text.isEmpty { conditions.append("instr(body, ?) > 0"); values.append(.text(text)) }
        if let cursor {
            conditions.append("(ts < ? OR (ts = ? AND seq < ?))")
            values.append(contentsOf: [.integer(cursor.timestampMicros), .integer(cursor.timestampMicros), .integer(Int64(min(cursor.seq, UInt64(Int64.max))))])
        }
        let condition = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT ts, seq, doc FROM logs\(condition) ORDER BY ts DESC, seq DESC LIMIT ?"
        values.append(.integer(Int64(limit + 1)))
        let arguments = values
        return try await read("read log records from") { db in
            try RawRead.page(db, sql: sql, arguments: arguments, limit: limit)
        }
    }
}
