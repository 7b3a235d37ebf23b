import Foundation
import GRDB
import SightlineInsights
import SightlineStorage

/// The rollup tables and their maintenance inside the event write transaction.
///
/// Invariants:
/// - Only events the `INSERT OR IGNORE` actually inserted are rolled up, in the same transaction
///   as their rows and the checkpoint: a replayed batch or a duplicate id adds nothing, and a
///   rolled-back batch leaves no rollup behind.
/// - `rollup_minute.bucket` is the epoch minute; `rollup_hour.bucket` the epoch minute the hour
///   starts at. Both rows of an event carry the same counters and latency sketch (a serialized
///   ``LatencySketch``), so an hour row equals the merge of its sixty minute rows.
/// - Every event row has a route (the insert path and this migration template routeless paths),
///   and an event is rolled up under the route its row holds.
enum RollupTables {
    static let statements = [
        latencyRollupTable("rollup_minute"),
        latencyRollupTable("rollup_hour"),
        """
        CREATE TABLE rollup_consumer_hour (
            bucket INTEGER NOT NULL, consumer TEXT NOT NULL, service TEXT NOT NULL, route TEXT NOT NULL,
            count INTEGER NOT NULL, errors INTEGER NOT NULL, client_errors INTEGER NOT NULL,
            request_bytes INTEGER NOT NULL, response_bytes INTEGER NOT NULL,
            PRIMARY KEY (bucket, consumer, service, route)
        ) STRICT, WITHOUT ROWID
        """,
        """
        CREATE TABLE endpoints (
            service TEXT NOT NULL, method TEXT NOT NULL, route TEXT NOT NULL,
            first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, count INTEGER NOT NULL,
            PRIMARY KEY (service, method, route)
        ) STRICT, WITHOUT ROWID
        """,
    ]

    /// The minute and hour tables share one shape (a name from this file, never user text).
    static func latencyRollupTable(_ name: String) -> String {
        """
        CREATE TABLE \(name) (
            bucket INTEGER NOT NULL, service TEXT NOT NULL, route TEXT NOT NULL, method TEXT NOT NULL,
            status_class INTEGER NOT NULL, count INTEGER NOT NULL, errors INTEGER NOT NULL,
            client_errors INTEGER NOT NULL, request_bytes INTEGER NOT NULL, response_bytes INTEGER NOT NULL,
            sketch BLOB NOT NULL,
            PRIMARY KEY (bucket, service, route, method, status_class)
        ) STRICT, WITHOUT ROWID
        """
    }

    /// Creates the tables, gives routeless events the template of their path (as the insert path
    /// does), and rolls up the events already stored (a store from before rollups).
    static func create(_ db: Database) throws {
        for statement in statements { try db.execute(sql: statement) }
        let templater = RouteTemplater()
        let update = try db.makeStatement(sql: "UPDATE events SET route = ? WHERE seq = ?")
        var after: Int64 = -1
        while true {
            let rows = try Row.fetchAll(db, sql: "SELECT seq, path FROM events WHERE route IS NULL AND seq > ? ORDER BY seq LIMIT 10000", arguments: [after])
            guard let last = rows.last else { break }
            for row in rows {
                let path: String = row[1]
                try update.execute(arguments: [templater.template(path: path), row[0] as Int64])
            }
            after = last[0]
        }
        var accumulator = Accumulator()
        let rows = try Row.fetchCursor(db, sql: """
            SELECT ts, service, route, method, status, duration_ms, request_size, response_size, consumer_id FROM events
            """)
        while let row = try rows.next() {
            accumulator.add(RollupInput(
                timestampMicros: row[0], service: row[1], route: row[2], method: row[3], status: row[4],
                durationMs: row[5], requestSize: row[6], responseSize: row[7], consumerID: row[8]))
            if accumulator.pending >= 100_000 { try accumulator.flush(into: db) }
        }
        try accumulator.flush(into: db)
    }

    /// Collects the rollup deltas and endpoint sightings of inserted events, then merges them
    /// into the tables.
    struct Accumulator: Sendable {
        private var rollups = RollupAccumulator()
        private var endpoints: [EndpointID: (first: Int64, last: Int64, count: Int64)] = [:]
        private(set) var pending = 0

        mutating func add(_ input: RollupInput) {
            rollups.add(input)
            pending += 1
            let id = EndpointID(service: input.service, method: input.method, route: input.route)
            if let seen = endpoints[id] {
                endpoints[id] = (min(seen.first, input.timestampMicros), max(seen.last, input.timestampMicros), seen.count + 1)
            } else {
                endpoints[id] = (input.timestampMicros, input.timestampMicros, 1)
            }
        }

        /// Merges everything collected into the tables (inside the caller's transaction).
        mutating func flush(into db: Database) throws {
            guard pending > 0 else { return }
            let delta = rollups.takeDelta()
            var hours: [MinuteRollupKey: MinuteRollup] = [:]
            for (key, rollup) in delta.minuteRollups {
                var hourKey = key
                hourKey.minute = key.minute - ((key.minute % 60) + 60) % 60
                if hours[hourKey] == nil { hours[hourKey] = rollup } else { try hours[hourKey]!.merge(rollup) }
            }
            try RollupTables.merge(delta.minuteRollups, into: "rollup_minute", db)
            try RollupTables.merge(hours, into: "rollup_hour", db)
            let consumer = try db.cachedStatement(sql: """
                INSERT INTO rollup_consumer_hour (bucket, consumer, service, route, count, errors, client_errors, request_bytes, response_bytes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (bucket, consumer, service, route) DO UPDATE SET
                    count = count + excluded.count, errors = errors + excluded.errors,
                    client_errors = client_errors + excluded.client_errors,
                    request_bytes = request_bytes + excluded.request_bytes,
                    response_bytes = response_bytes + excluded.response_bytes
                """)
            for (key, rollup) in delta.consumerHourRollups {
                try consumer.execute(arguments: [
                    key.hour * 60, key.consumer, key.service, key.route, rollup.count, rollup.errors, rollup.clientErrors,
                    rollup.requestBytes, rollup.responseBytes,
                ])
            }
            let endpoint = try db.cachedStatement(sql: """
                INSERT INTO endpoints (service, method, route, first_seen, last_seen, count) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (service, method, route) DO UPDATE SET
                    first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
                    count = count + excluded.count
                """)
            for (id, seen) in endpoints {
                try endpoint.execute(arguments: [id.service, id.method, id.route, seen.first, seen.last, seen.count])
            }
            endpoints.removeAll(keepingCapacity: true)
            pending = 0
        }
    }

    /// Read-merge-write of rollup rows: a row's sketch is merged, never added twice.
    private static func merge(_ rows: [MinuteRollupKey: MinuteRollup], into table: String, _ db: Database) throws {
        precondition(table == "rollup_minute" || table == "rollup_hour")  // a closed set: never user text
        let select = try db.cachedStatement(sql: """
            SELECT count, errors, client_errors, request_bytes, response_bytes, sketch FROM \(table)
            WHERE bucket = ? AND service = ? AND route = ? AND method = ? AND status_class = ?
            """)
        let upsert = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO \(table) (bucket, service, route, method, status_class, count, errors, client_errors, request_bytes, response_bytes, sketch)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (key, rollup) in rows {
            var merged = rollup
            let keyArguments: StatementArguments = [key.minute, key.service, key.route, key.method, key.statusClass]
            if let row = try Row.fetchOne(select, arguments: keyArguments) {
                let sketch: [UInt8] = Array((row[5] as Data?) ?? Data())
                let existing = MinuteRollup(
                    count: row[0], errors: row[1], clientErrors: row[2], requestBytes: row[3], responseBytes: row[4],
                    latency: try LatencySketch(serialized: sketch))
                try merged.merge(existing)
            }
            try upsert.execute(arguments: keyArguments + [
                merged.count, merged.errors, merged.clientErrors, merged.requestBytes, merged.responseBytes,
                Data(merged.latency.serialized()),
            ])
        }
    }
}
