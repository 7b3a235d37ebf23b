import Foundation
import GRDB
@testable import SightlineSQLite
import SightlineStorage
import Testing

@Suite("SQLiteEventStore specifics")
struct SQLiteEventStoreTests {
    typealias Fixture = StorageConformance

    @Test("the writer runs in WAL mode with synchronous=FULL, foreign keys and a busy timeout")
    func connectionSettings() async throws {
        try await withTemporaryStore { store in
            let settings = try await store.writerSettings()
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == 2)
            #expect(settings.foreignKeys)
            #expect(settings.busyTimeoutMilliseconds == 5_000)
            #expect(settings.pageSize == SQLiteEventStore.pageSize)
            #expect(settings.walAutocheckpointPages == 0)   // checkpointed by its own connection
        }
    }

    @Test("the WAL is checkpointed by its own connection once enough was written; the writer does not checkpoint")
    func walCheckpointedOffTheWriter() async throws {
        try await withTemporaryStore { store in
            #expect(try await store.writerSettings().walAutocheckpointPages == 0)
            #expect(store.walCheckpointsRun == 0)
            // Past the threshold in a few batches of 1 KiB documents.
            let padding = String(repeating: "x", count: 1_000)
            var seq: UInt64 = 0
            for _ in 0..<4 {
                let batch = (0..<5_000).map { _ -> StoredEvent in
                    seq += 1
                    return StoredEvent(
                        seq: seq, id: "e\(seq)", timestampMicros: 1_767_225_600_000_000 + Int64(seq), service: "s",
                        method: "GET", path: "/p/\(seq)", status: 200, document: Array(#"{"pad":"\#(padding)"}"#.utf8))
                }
                try await store.write(batch, checkpoint: seq)
            }
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            while (store.walCheckpointsRun ?? 0) == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect((store.walCheckpointsRun ?? 0) >= 1)
            #expect(try await store.checkpoint() == seq)
        }
    }

    @Test("a file created with another page size keeps it")
    func existingPageSizeIsKept() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("events.sqlite").path
            var configuration = Configuration()
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = 4096") }
            let old = try DatabaseQueue(path: path, configuration: configuration)
            try await old.write { db in try db.execute(sql: "CREATE TABLE before_sightline (x INTEGER)") }
            try old.close()
            let store = try SQLiteEventStore(path: path)
            let settings = try await store.writerSettings()
            #expect(settings.pageSize == 4096)
            #expect(settings.walAutocheckpointPages == 0)
            try store.close()
        }
    }

    @Test("migrations run once, in order, and reopening works")
    func migrationsRunOnce() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("events.sqlite").path
            let first = try SQLiteEventStore(path: path)
            #expect(try await first.appliedMigrations() == SQLiteSchema.migrationNames)
            #expect(try await first.eventIndexNames().count == SQLiteSchema.indexStatements.count)
            try first.close()
            let second = try SQLiteEventStore(path: path)
            #expect(try await second.appliedMigrations() == SQLiteSchema.migrationNames)
            try second.close()
        }
    }

    @Test("the file and its directory are created")
    func createsDirectory() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("a/b/events.sqlite").path
            let store = try SQLiteEventStore(path: path)
            #expect(FileManager.default.fileExists(atPath: path))
            try store.close()
        }
    }

    @Test("data and checkpoint persist across close and reopen")
    func persistence() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("events.sqlite").path
            let events = Fixture.dataset(count: 50)
            let store = try SQLiteEventStore(path: path)
            try await store.write(events, checkpoint: 50)
            try store.close()

            let reopened = try SQLiteEventStore(path: path)
            #expect(try await reopened.count() == 50)
            #expect(try await reopened.checkpoint() == 50)
            #expect(try await Fixture.readAll(reopened) == Fixture.ReferenceModel.expected(events, EventFilter()))
            try await reopened.integrityCheck(full: true)
            try reopened.close()
        }
    }

    @Test("a database migrated by a newer version is refused, not downgraded")
    func newerSchemaRefused() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("events.sqlite").path
            let store = try SQLiteEventStore(path: path)
            try await store.execute(unsafeSQL: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            try store.close()
            let error = #expect(throws: StorageError.self) { try SQLiteEventStore(path: path) }
            #expect(error?.code == .schemaTooNew)
        }
    }

    @Test("a file that is not a database gives a clear error")
    func notADatabase() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("events.sqlite").path
            try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: StorageError.self) { try SQLiteEventStore(path: path) }
            #expect(error?.code == .corrupt)
            #expect(error?.description.contains(path) == true)
        }
    }

    @Test("every column round-trips")
    func everyColumn() async throws {
        try await withTemporaryStore { store in
            let event = StoredEvent(
                seq: UInt64(Int64.max), id: "01JDX0000000000000000000AB", timestampMicros: -1_234_567,
                service: "checkout", environment: "staging", method: "POST", route: "/v1/pay/{id}",
                path: "/v1/pay/7", status: 503, durationMs: 0.125, requestSize: Int64.max, responseSize: 0,
                clientIP: "203.0.113.9", consumerID: "c", userID: "u", sessionID: "s", traceID: "t",
                errorType: "Timeout", level: "error", document: Array(#"{"a":1}"#.utf8))
            let sparse = StoredEvent(
                seq: 1, id: "sparse", timestampMicros: 0, service: "s", method: "GET", path: "/", status: 200,
                document: Array("{}".utf8))
            try await store.write([event, sparse], checkpoint: UInt64(Int64.max))
            #expect(try await store.storedEvent(id: event.id) == event)
            // A routeless row is stored with its path's template (the route column is never NULL).
            var templated = sparse
            templated.route = "/"
            #expect(try await store.storedEvent(id: "sparse") == templated)
            #expect(try await store.checkpoint() == UInt64(Int64.max))
        }
    }

    @Test("a seq beyond Int64.max is refused and nothing is written")
    func seqOutOfRange() async throws {
        try await withTemporaryStore { store in
            let events = [Fixture.event(seq: 1), Fixture.event(seq: UInt64(Int64.max) + 1)]
            let error = await #expect(throws: StorageError.self) { try await store.write(events, checkpoint: 1) }
            #expect(error?.code == .invalidArgument)
            let checkpointError = await #expect(throws: StorageError.self) {
                try await store.write([], checkpoint: UInt64.max)
            }
            #expect(checkpointError?.code == .invalidArgument)
            let count = try await store.count()
            let checkpoint = try await store.checkpoint()
            #expect(count == 0)
            #expect(checkpoint == 0)
        }
    }

    @Test("a failure mid-batch rolls back the whole batch and its checkpoint; the error holds no payload")
    func failedBatchIsAtomic() async throws {
        try await withTemporaryStore { store in
            try await store.write([Fixture.event(seq: 1)], checkpoint: 1)
            // A temporary trigger on the writer connection fails the insert of one marked row.
            try await store.execute(unsafeSQL: """
                CREATE TEMP TRIGGER fail_marked BEFORE INSERT ON main.events
                WHEN NEW.service = 'boom-secret-payload' BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                """)
            let batch = [
                Fixture.event(seq: 2), Fixture.event(seq: 3),
                Fixture.event(seq: 4, service: "boom-secret-payload", document: Array("secret-document".utf8)),
                Fixture.event(seq: 5),
            ]
            let error = await #expect(throws: StorageError.self) { try await store.write(batch, checkpoint: 5) }
            #expect(error?.code == .writeFailed)
            #expect(error?.description.contains("secret") == false)
            #expect(try await store.count() == 1)
            #expect(try await store.checkpoint() == 1)
            // The store stays usable: the next batch commits.
            try await store.execute(unsafeSQL: "DROP TRIGGER temp.fail_marked")
            try await store.write(batch, checkpoint: 5)
            #expect(try await store.count() == 5)
            #expect(try await store.checkpoint() == 5)
        }
    }

    static let hostileValues = [
        "'; DROP TABLE events; --", "\" OR 1=1 --", "' OR '1'='1", "%", "_", "\\", "?", "?1", ":name", "$x",
        "'); DELETE FROM ingest_checkpoint; --", "events", "seq", "NULL",
    ]

    @Test("injection attempts in filter values are treated as values", arguments: hostileValues)
    func injection(_ value: String) async throws {
        try await withTemporaryStore { store in
            let events = Fixture.dataset(count: 30)
            let hostile = Fixture.event(
                seq: 100, service: value, method: value, route: value, path: value, consumerID: value,
                userID: value, sessionID: value, traceID: value)
            try await store.write(events + [hostile], checkpoint: 100)
            let filters = [
                EventFilter(service: value), EventFilter(method: value), EventFilter(route: value),
                EventFilter(pathPrefix: value), EventFilter(consumerID: value), EventFilter(userID: value),
                EventFilter(sessionID: value), EventFilter(traceID: value),
                EventFilter(service: value, method: value, route: value, pathPrefix: value, consumerID: value,
                            userID: value, sessionID: value, traceID: value),
            ]
            for filter in filters {
                let page = try await store.events(matching: filter, after: nil, limit: 100)
                #expect(page.documents == [hostile.document], "filter \(filter)")
            }
            #expect(try await store.event(id: value) == nil)
            #expect(try await store.count() == 31)
            #expect(try await store.checkpoint() == 100)
            try await store.integrityCheck()
        }
    }

    @Test("values with an embedded NUL are stored and compared whole")
    func embeddedNUL() async throws {
        try await withTemporaryStore { store in
            let withNUL = Fixture.event(seq: 1, id: "id\u{0}1", service: "a\u{0}b", path: "/p\u{0}q", userID: "u\u{0}")
            let truncated = Fixture.event(seq: 2, id: "id", service: "a", path: "/p", userID: "u")
            try await store.write([withNUL, truncated], checkpoint: 2)
            #expect(try await store.count() == 2)
            #expect(try await store.event(id: "id\u{0}1") == withNUL.document)
            #expect(try await store.event(id: "id") == truncated.document)
            for (filter, expected) in [
                (EventFilter(service: "a\u{0}b"), [withNUL]), (EventFilter(service: "a"), [truncated]),
                (EventFilter(pathPrefix: "/p\u{0}"), [withNUL]), (EventFilter(userID: "u"), [truncated]),
                (EventFilter(userID: "u\u{0}"), [withNUL]),
            ] {
                let page = try await store.events(matching: filter, after: nil, limit: 10)
                #expect(page.documents == expected.map(\.document))
            }
        }
    }

    @Test("single-filter reads walk their index newest first, without sorting", arguments: [
        (EventFilter(), "events_by_ts"),
        (EventFilter(fromMicros: 1, toMicros: 2), "events_by_ts"),
        (EventFilter(method: "GET"), "events_by_ts"),
        (EventFilter(pathPrefix: "/v1/"), "events_by_ts"),
        (EventFilter(service: "s"), "events_by_service"),
        (EventFilter(fromMicros: 1, toMicros: 2, service: "s"), "events_by_service"),
        (EventFilter(route: "r"), "events_by_route"),
        (EventFilter(status: .exact(404)), "events_by_status_class"),
        (EventFilter(status: .statusClass(5)), "events_by_status_class"),
        (EventFilter(consumerID: "c"), "events_by_consumer"),
        (EventFilter(userID: "u"), "events_by_user"),
        (EventFilter(sessionID: "s"), "events_by_session"),
        (EventFilter(traceID: "t"), "events_by_trace"),
    ])
    func queryPlans(_ filter: EventFilter, _ index: String) async throws {
        try await withTemporaryStore { store in
            for cursor in [nil, EventCursor(timestampMicros: 5, seq: 5)] {
                let plan = try await store.queryPlan(matching: filter, after: cursor)
                let usesIndex = plan.count == 1
                    && (plan[0].hasSuffix("USING INDEX \(index)") || plan[0].contains("USING INDEX \(index) "))
                #expect(usesIndex, "\(plan)")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
            }
        }
    }

    @Test("reads and writes after close fail with code closed")
    func closed() async throws {
        try await withTemporaryStore { store in
            try store.close()
            try store.close()  // idempotent
            let readError = await #expect(throws: StorageError.self) { try await store.count() }
            #expect(readError?.code == .closed)
            let writeError = await #expect(throws: StorageError.self) { try await store.write([], checkpoint: 1) }
            #expect(writeError?.code == .closed)
        }
    }

    @Test("concurrent readers while a writer commits see whole batches")
    func concurrentReads() async throws {
        try await withTemporaryStore { store in
            let batches: [[StoredEvent]] = (0..<20).map { (batch: Int) -> [StoredEvent] in
                (1...100).map { (offset: Int) -> StoredEvent in
                    let seq = batch * 100 + offset
                    return Fixture.event(seq: UInt64(seq), ts: Int64(seq))
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for batch in batches { try await store.write(batch, checkpoint: batch.last!.seq) }
                }
                for _ in 0..<3 {
                    group.addTask {
                        for _ in 0..<40 {
                            let count = try await store.count()
                            #expect(count % 100 == 0)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.count() == 2_000)
        }
    }

    @Test("the path-prefix upper bound is the exact successor")
    func prefixUpperBound() {
        #expect(EventQuery.prefixUpperBound("/api/") == "/api0")
        #expect(EventQuery.prefixUpperBound("a%") == "a&")
        #expect(EventQuery.prefixUpperBound("a\u{10FFFF}") == "b")
        #expect(EventQuery.prefixUpperBound("\u{10FFFF}\u{10FFFF}") == nil)
        #expect(EventQuery.prefixUpperBound("a\u{D7FF}") == "a\u{E000}")
    }
}
