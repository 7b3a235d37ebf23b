import SightlineStorage

/// The SQL and arguments of one newest-first page read.
///
/// Invariants:
/// - Identifiers come only from ``Column`` (a closed set); every filter and cursor value is a
///   bound `?` argument, never text in the SQL. A given set of present conditions always yields
///   the same SQL, so statements are cached per connection.
/// - One row more than the page is fetched, to know whether a next page exists.
struct EventQuery {
    /// The columns a read may name.
    enum Column: String {
        case ts, seq, service, method, route, path, status
        case consumerID = "consumer_id"
        case userID = "user_id"
        case sessionID = "session_id"
        case traceID = "trace_id"
    }

    private(set) var sql: String
    private(set) var arguments: [BoundValue]
    /// The clamped page size (rows fetched are `limit + 1`).
    let limit: Int

    init(filter: EventFilter, after cursor: EventCursor?, limit requestedLimit: Int) {
        limit = EventPage.clampedLimit(requestedLimit)
        var conditions: [String] = []
        var values: [BoundValue] = []

        func add(_ condition: String, _ conditionValues: BoundValue...) {
            conditions.append(condition)
            values.append(contentsOf: conditionValues)
        }
        func equal(_ column: Column, _ value: String?) {
            if let value { add("\(column.rawValue) = ?", .text(value)) }
        }

        if let from = filter.fromMicros { add("\(Column.ts.rawValue) >= ?", .integer(from)) }
        if let to = filter.toMicros { add("\(Column.ts.rawValue) < ?", .integer(to)) }
        equal(.service, filter.service)
        equal(.method, filter.method)
        equal(.route, filter.route)
        if let prefix = filter.pathPrefix, !prefix.isEmpty {
            add("\(Column.path.rawValue) >= ?", .text(prefix))
            if let upper = Self.prefixUpperBound(prefix) { add("\(Column.path.rawValue) < ?", .text(upper)) }
        }
        equal(.consumerID, filter.consumerID)
        equal(.userID, filter.userID)
        equal(.sessionID, filter.sessionID)
        equal(.traceID, filter.traceID)
        switch filter.status {
        case nil:
            break
        case .exact(let code):
            // `status / 100` is the indexed expression (events_by_status_class); SQLite and Swift
            // both truncate integer division toward zero. The unary `+` keeps SQLite from
            // propagating `status = ?` into `status / 100 = ?`, which would hide that term from
            // the index.
            add("\(Column.status.rawValue) / 100 = ?", .integer(Int64(code / 100)))
            add("+\(Column.status.rawValue) = ?", .integer(Int64(code)))
        case .statusClass(let digit):
            add("\(Column.status.rawValue) / 100 = ?", .integer(Int64(digit)))
        }
        if let cursor {
            // (ts < c.ts) OR (ts = c.ts AND seq < c.seq), written so that `ts <= ?` bounds the
            // index range. Stored seqs are at most Int64.max, so a larger cursor seq keeps every
            // row at c.ts.
            if cursor.seq > UInt64(Int64.max) {
                add("\(Column.ts.rawValue) <= ?", .integer(cursor.timestampMicros))
            } else {
                add("\(Column.ts.rawValue) <= ?", .integer(cursor.timestampMicros))
                add("(\(Column.ts.rawValue) < ? OR \(Column.seq.rawValue) < ?)", .integer(cursor.timestampMicros), .integer(Int64(cursor.seq)))
            }
        }

        var sql = "SELECT \(Column.ts.rawValue), \(Column.seq.rawValue), doc FROM events"
        if !conditions.isEmpty {
            sql += " WHERE " + conditions.joined(separator: " AND ")
        }
        sql += " ORDER BY \(Column.ts.rawValue) DESC, \(Column.seq.rawValue) DESC LIMIT ?"
        values.append(.integer(Int64(limit + 1)))
        self.sql = sql
        self.arguments = values
    }

    /// The smallest string greater than every string that starts with `prefix`, or `nil` when no
    /// such string exists (every scalar of `prefix` is U+10FFFF).
    ///
    /// SQLite compares TEXT byte for byte (BINARY collation) and UTF-8 byte order is code point
    /// order, so `path >= prefix AND path < bound` holds exactly for paths starting with `prefix`:
    /// the bound is `prefix` cut after its last scalar below U+10FFFF, that scalar incremented
    /// (skipping the surrogate block). `%`, `_` and every other character stay literal.
    static func prefixUpperBound(_ prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 { next = 0xE000 }
            if let scalar = Unicode.Scalar(next) {
                scalars.append(scalar)
                var bound = String.UnicodeScalarView()
                bound.append(contentsOf: scalars)
                return String(bound)
            }
        }
        return nil
    }
}
