import Foundation
import GRDB
import SightlineInsights
import SightlineStorage

/// Reads of the rollup tables and of a few raw-event lists for endpoint detail.
///
/// Invariants: filters become bound parameters on a closed set of columns; rollup rows are read
/// by their primary key's leading `bucket` column (a range scan, never a table scan).
extension SQLiteEventStore: RollupStore {
    public func rollups(_ resolution: RollupResolution, from: Int64, to: Int64, filter: EndpointFilter) async throws -> [(MinuteRollupKey, MinuteRollup)] {
        let table = resolution == .minute ? "rollup_minute" : "rollup_hour"
        var sql = """
            SELECT bucket, service, route, method, status_class, count, errors, client_errors, request_bytes, response_bytes, sketch
            FROM \(table) WHERE bucket >= ? AND bucket < ?
            """
        var arguments: StatementArguments = [Self.minute(ceilingOf: from), Self.minute(ceilingOf: to)]
        Self.append(filter, to: &sql, &arguments)
        return try await read("read rollups from") { [sql, arguments] db in
            var result: [(MinuteRollupKey, MinuteRollup)] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let key = MinuteRollupKey(minute: row[0], service: row[1], route: row[2], method: row[3], statusClass: row[4])
                let sketch: Data = row[10]
                let rollup = MinuteRollup(
                    count: row[5], errors: row[6], clientErrors: row[7], requestBytes: row[8], responseBytes: row[9],
                    latency: try LatencySketch(serialized: Array(sketch)))
                result.append((key, rollup))
            }
            return result
        }
    }

    public func consumerRollups(from: Int64, to: Int64, filter: EndpointFilter) async throws -> [(ConsumerHourRollupKey, ConsumerHourRollup)] {
        var sql = """
            SELECT bucket, consumer, service, route, count, errors, client_errors, request_bytes, response_bytes
            FROM rollup_consumer_hour WHERE bucket >= ? AND bucket < ?
            """
        var arguments: StatementArguments = [Self.minute(ceilingOf: from), Self.minute(ceilingOf: to)]
        if let service = filter.service {
            sql += " AND service = ?"
            arguments += [service]
        }
        if let route = filter.route {
            sql += " AND route = ?"
            arguments += [route]
        }
        return try await read("read consumer rollups from") { [sql, arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let bucket: Int64 = row[0]
                return (
                    ConsumerHourRollupKey(hour: bucket / 60, consumer: row[1], service: row[2], route: row[3]),
                    ConsumerHourRollup(count: row[4], errors: row[5], clientErrors: row[6], requestBytes: row[7], responseBytes: row[8]))
            }
        }
    }

    public func endpointCatalogue(filter: EndpointFilter) async throws -> [EndpointRecord] {
        var sql = "SELECT service, method, route, first_seen, last_seen, count FROM endpoints WHERE 1"
        var arguments = StatementArguments()
        Self.append(filter, to: &sql, &arguments)
        return try await read("read the endpoint catalogue of") { [sql, arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                EndpointRecord(endpoint: EndpointID(service: row[0], method: row[1], route: row[2]), firstSeen: row[3], lastSeen: row[4], count: row[5])
            }
        }
    }

    public func statusCodes(of endpoint: EndpointID, from: Int64, to: Int64) async throws -> [(status: Int, count: Int)] {
        try await read("count status codes in") { db in
            try Row.fetchAll(db, sql: """
                SELECT status, count(*) FROM events
                WHERE route = ? AND ts >= ? AND ts < ? AND service = ? AND method = ?
                GROUP BY status ORDER BY status
                """, arguments: [endpoint.route, from, to, endpoint.service, endpoint.method]).map { (status: $0[0], count: $0[1]) }
        }
    }

    public func slowestEvents(of endpoint: EndpointID, from: Int64, to: Int64, limit: Int) async throws -> [EventSummary] {
        try await read("read the slowest events of") { db in
            try Row.fetchAll(db, sql: """
                SELECT id, ts, path, status, duration_ms, consumer_id FROM events
                WHERE route = ? AND ts >= ? AND ts < ? AND service = ? AND method = ? AND duration_ms IS NOT NULL
                ORDER BY duration_ms DESC LIMIT ?
                """, arguments: [endpoint.route, from, to, endpoint.service, endpoint.method, limit]).map { row in
                EventSummary(id: row[0], timestampMicros: row[1], path: row[2], status: row[3], durationMs: row[4], consumer: row[5])
            }
        }
    }

    /// The first whole epoch minute at or after `micros`.
    static func minute(ceilingOf micros: Int64) -> Int64 {
        let minute = micros >= 0 ? micros / 60_000_000 : (micros - 59_999_999) / 60_000_000
        return minute * 60_000_000 == micros ? minute : minute + 1
    }

    private static func append(_ filter: EndpointFilter, to sql: inout String, _ arguments: inout StatementArguments) {
        if let service = filter.service {
            sql += " AND service = ?"
            arguments += [service]
        }
        if let method = filter.method {
            sql += " AND method = ?"
            arguments += [method]
        }
        if let route = filter.route {
            sql += " AND route = ?"
            arguments += [route]
        }
    }
}
