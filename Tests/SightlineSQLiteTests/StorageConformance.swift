import SightlineInsights
import SightlineStorage
import Testing

/// The behaviour every ``EventStore`` backend must show, as generic checks over `any EventStore`.
///
/// Invariants of the suite:
/// - Each check receives a fresh, empty store and uses only the `EventWriter` / `EventReader` API,
///   so a new backend (ClickHouse) runs it unchanged: `@Test(arguments: StorageConformance.checks)`.
/// - Expected results come from a small reference model (``ReferenceModel``): a filter and order
///   written in plain Swift, which the store must agree with.
enum StorageConformance {
    /// One named check.
    struct Check: Sendable, CustomTestStringConvertible {
        let name: String
        let run: @Sendable (any EventStore) async throws -> Void
        var testDescription: String { name }
    }

    static let checks: [Check] = [
        Check(name: "empty store", run: emptyStore),
        Check(name: "round trip of every field and document bytes", run: roundTrip),
        Check(name: "replay of stored ids keeps one row and advances the checkpoint", run: idempotentReplay),
        Check(name: "duplicate ids inside one batch keep the first", run: duplicateIDsInOneBatch),
        Check(name: "checkpoint moves with the data", run: checkpointWithData),
        Check(name: "newest first, timestamp ties broken by seq", run: newestFirstOrdering),
        Check(name: "cursor pagination has no gaps or duplicates", run: cursorPagination),
        Check(name: "pagination is stable while newer events arrive", run: paginationDuringWrites),
        Check(name: "each filter alone", run: eachFilterAlone),
        Check(name: "filters combined", run: combinedFilters),
        Check(name: "status exact versus class", run: statusExactVersusClass),
        Check(name: "path prefix is literal", run: literalPathPrefix),
        Check(name: "time range is [from, to)", run: timeRangeBoundaries),
        Check(name: "event by id: hit and miss", run: eventByID),
        Check(name: "limit is clamped to 1...1000", run: limitClamping),
    ]

    // MARK: Fixtures

    /// An event whose document is a small JSON object naming its id (so documents differ).
    static func event(
        seq: UInt64, id: String? = nil, ts: Int64 = 1_767_225_600_000_000, service: String = "checkout",
        method: String = "GET", route: String? = "/v1/orders", path: String = "/v1/orders", status: Int = 200,
        consumerID: String? = nil, userID: String? = nil, sessionID: String? = nil, traceID: String? = nil,
        document: [UInt8]? = nil
    ) -> StoredEvent {
        let id = id ?? "evt-\(seq)"
        return StoredEvent(
            seq: seq, id: id, timestampMicros: ts, service: service, method: method, route: route, path: path,
            status: status, consumerID: consumerID, userID: userID, sessionID: sessionID, traceID: traceID,
            document: document ?? Array(#"{"id":"\#(id)","seq":\#(seq)}"#.utf8))
    }

    /// Reads every page of `filter` with page size `limit`.
    static func readAll(_ store: any EventStore, _ filter: EventFilter = EventFilter(), limit: Int = 1000) async throws -> [[UInt8]] {
        var documents: [[UInt8]] = []
        var cursor: EventCursor?
        var pages = 0
        repeat {
            let page = try await store.events(matching: filter, after: cursor, limit: limit)
            documents += page.documents
            cursor = page.nextCursor
            pages += 1
            if cursor != nil {
                #expect(page.documents.count == EventPage.clampedLimit(limit), "a page with a next cursor is full")
            }
        } while cursor != nil && pages < 100_000
        return documents
    }

    /// A varied data set: every filterable field takes a few values, some absent; timestamps tie.
    static func dataset(count: Int = 240) -> [StoredEvent] {
        let services = ["checkout", "users", "search"]
        let methods = ["GET", "POST", "DELETE"]
        let routes: [String?] = ["/v1/orders/{id}", "/v1/users", nil, "/v1/search"]
        let paths = ["/v1/orders/1", "/v1/orders/2", "/v1/users", "/v1/search", "/health", "/v1/orders%2F_x"]
        let statuses = [200, 201, 204, 301, 400, 404, 429, 499, 500, 503]
        let optional: [String?] = ["a", "b", nil, "c", nil]
        return (0..<count).map { index in
            let seq = UInt64(index + 1)
            return event(
                seq: seq,
                ts: 1_767_225_600_000_000 + Int64((index * 7919) % 97) * 1_000,  // ~97 distinct times, many ties
                service: services[index % services.count],
                method: methods[(index / 3) % methods.count],
                route: routes[(index / 2) % routes.count],
                path: paths[(index * 5) % paths.count],
                status: statuses[(index * 3) % statuses.count],
                consumerID: optional[index % optional.count].map { "consumer-\($0)" },
                userID: optional[(index / 2) % optional.count].map { "user-\($0)" },
                sessionID: optional[(index / 3) % optional.count].map { "session-\($0)" },
                traceID: optional[(index / 5) % optional.count].map { "trace-\($0)" })
        }
    }

    /// The filter and order of the protocol, in plain Swift.
    enum ReferenceModel {
        static func matches(_ event: StoredEvent, _ filter: EventFilter) -> Bool {
            if let from = filter.fromMicros, event.timestampMicros < from { return false }
            if let to = filter.toMicros, event.timestampMicros >= to { return false }
            if let service = filter.service, event.service != service { return false }
            if let method = filter.method, event.method != method { return false }
            // A backend stores a routeless event under its path's template (see EventWriter).
            if let route = filter.route, (event.route ?? RouteTemplater().template(path: event.path)) != route { return false }
            if let prefix = filter.pathPrefix, !event.path.utf8.starts(with: prefix.utf8) { return false }
            if let consumer = filter.consumerID, event.consumerID != consumer { return false }
            if let user = filter.userID, event.userID != user { return false }
            if let session = filter.sessionID, event.sessionID != session { return false }
            if let trace = filter.traceID, event.traceID != trace { return false }
            switch filter.status {
            case nil: break
            case .exact(let code): if event.status != code { return false }
            case .statusClass(let digit): if event.status / 100 != digit { return false }
            }
            return true
        }

        /// The documents of `events` matching `filter`, newest first (first write of an id wins).
        static func expected(_ events: [StoredEvent], _ filter: EventFilter) -> [[UInt8]] {
            var seen = Set<String>()
            let unique = events.filter { seen.insert($0.id).inserted }
            return unique
                .filter { matches($0, filter) }
                .sorted { ($0.timestampMicros, $0.seq) > ($1.timestampMicros, $1.seq) }
                .map(\.document)
        }
    }

    // MARK: Checks

    static func emptyStore(_ store: any EventStore) async throws {
        #expect(try await store.count() == 0)
        #expect(try await store.checkpoint() == 0)
        let page = try await store.events(matching: EventFilter(), after: nil, limit: 10)
        #expect(page.documents.isEmpty)
        #expect(page.nextCursor == nil)
        #expect(try await store.event(id: "missing") == nil)
    }

    static func roundTrip(_ store: any EventStore) async throws {
        // Multi-byte UTF-8, escapes, a NUL and bytes that are not UTF-8: returned exactly.
        let document: [UInt8] = Array(#"{"id":"full","note":"héllo ✓ 🚀 \"q\" \\ \n"}"#.utf8) + [0x00, 0xFF, 0xC3]
        let full = StoredEvent(
            seq: 42, id: "full", timestampMicros: 1_767_225_600_123_456, service: "checkout",
            environment: "prod", method: "PATCH", route: "/v1/orders/{id}", path: "/v1/orders/42?x=1",
            status: 418, durationMs: 12.5, requestSize: 1024, responseSize: 2048, clientIP: "2001:db8::1",
            consumerID: "consumer-1", userID: "user-ü", sessionID: "session-1", traceID: "4bf92f3577b34da6a3ce929d0e0e4736",
            errorType: "Teapot", level: "warn", document: document)
        let bare = StoredEvent(
            seq: 43, id: "bare", timestampMicros: -5, service: "", method: "", path: "", status: 0, document: [])
        try await store.write([full, bare], checkpoint: 43)

        #expect(try await store.count() == 2)
        #expect(try await store.event(id: "full") == document)
        #expect(try await store.event(id: "bare") == [])
        let all = try await store.events(matching: EventFilter(), after: nil, limit: 10)
        #expect(all.documents == [document, []])

        // Every filterable field of `full` finds it, alone and all together.
        let filters: [EventFilter] = [
            EventFilter(fromMicros: full.timestampMicros, toMicros: full.timestampMicros + 1),
            EventFilter(service: "checkout"), EventFilter(method: "PATCH"), EventFilter(route: "/v1/orders/{id}"),
            EventFilter(pathPrefix: "/v1/orders/42?x=1"), EventFilter(consumerID: "consumer-1"),
            EventFilter(userID: "user-ü"), EventFilter(sessionID: "session-1"),
            EventFilter(traceID: "4bf92f3577b34da6a3ce929d0e0e4736"), EventFilter(status: .exact(418)),
            EventFilter(
                fromMicros: full.timestampMicros, toMicros: full.timestampMicros + 1, service: "checkout",
                method: "PATCH", route: "/v1/orders/{id}", pathPrefix: "/v1/orders/", consumerID: "consumer-1",
                userID: "user-ü", sessionID: "session-1", traceID: "4bf92f3577b34da6a3ce929d0e0e4736",
                status: .statusClass(4)),
        ]
        for filter in filters {
            let page = try await store.events(matching: filter, after: nil, limit: 10)
            #expect(page.documents == [document], "filter \(filter)")
        }
        // Empty strings are values: they find the bare event only.
        let empty = try await store.events(matching: EventFilter(service: "", method: ""), after: nil, limit: 10)
        #expect(empty.documents == [[]])
    }

    static func idempotentReplay(_ store: any EventStore) async throws {
        let batch = (1...5).map { event(seq: $0) }
        try await store.write(batch, checkpoint: 5)
        // Replay the same ids (with different documents, as a re-encoded replay might have).
        let replay = batch.map { var copy = $0; copy.document = Array("changed".utf8); return copy }
        try await store.write(replay, checkpoint: 7)
        #expect(try await store.count() == 5)
        #expect(try await store.checkpoint() == 7)
        #expect(try await store.event(id: "evt-3") == batch[2].document)
        // Same ids under new seqs are still duplicates.
        let reSequenced = batch.map { var copy = $0; copy.seq += 100; return copy }
        try await store.write(reSequenced, checkpoint: 105)
        #expect(try await store.count() == 5)
        #expect(try await readAll(store) == ReferenceModel.expected(batch, EventFilter()))
    }

    static func duplicateIDsInOneBatch(_ store: any EventStore) async throws {
        let first = event(seq: 1, id: "dup", document: Array("first".utf8))
        let second = event(seq: 2, id: "dup", ts: first.timestampMicros + 1, document: Array("second".utf8))
        let other = event(seq: 3, id: "other")
        try await store.write([first, second, other], checkpoint: 3)
        #expect(try await store.count() == 2)
        #expect(try await store.event(id: "dup") == Array("first".utf8))
        #expect(try await store.checkpoint() == 3)
    }

    static func checkpointWithData(_ store: any EventStore) async throws {
        #expect(try await store.checkpoint() == 0)
        try await store.write([event(seq: 1), event(seq: 2)], checkpoint: 2)
        #expect(try await store.checkpoint() == 2)
        #expect(try await store.count() == 2)
        // An empty batch records the checkpoint alone (records that decoded to nothing).
        try await store.write([], checkpoint: 9)
        #expect(try await store.checkpoint() == 9)
        #expect(try await store.count() == 2)
        // The checkpoint never moves backwards.
        try await store.write([event(seq: 3)], checkpoint: 3)
        #expect(try await store.checkpoint() == 9)
        #expect(try await store.count() == 3)
    }

    static func newestFirstOrdering(_ store: any EventStore) async throws {
        let time: Int64 = 1_767_225_600_000_000
        // Written out of order, across batches; three share one timestamp.
        let events = [
            event(seq: 5, ts: time), event(seq: 2, ts: time + 10), event(seq: 9, ts: time),
            event(seq: 7, ts: time - 10), event(seq: 1, ts: time),
        ]
        try await store.write(Array(events[0..<2]), checkpoint: 5)
        try await store.write(Array(events[2...]), checkpoint: 9)
        let page = try await store.events(matching: EventFilter(), after: nil, limit: 10)
        let expectedOrder: [UInt64] = [2, 9, 5, 1, 7]
        #expect(page.documents == expectedOrder.map { seq in events.first { $0.seq == seq }!.document })
        #expect(page.nextCursor == nil)
    }

    static func cursorPagination(_ store: any EventStore) async throws {
        let events = dataset(count: 500)
        try await store.write(Array(events[0..<250]), checkpoint: 250)
        try await store.write(Array(events[250...]), checkpoint: 500)
        let expected = ReferenceModel.expected(events, EventFilter())
        for limit in [1, 7, 100, 250, 500, 1000] {
            let all = try await readAll(store, limit: limit)
            #expect(all == expected, "page size \(limit)")
        }
        // Exactly one full page: no next cursor (the reader looked one row ahead).
        let page = try await store.events(matching: EventFilter(), after: nil, limit: 500)
        #expect(page.documents.count == 500)
        #expect(page.nextCursor == nil)
        // The cursor points at the last document of its page.
        let first = try await store.events(matching: EventFilter(), after: nil, limit: 3)
        let cursor = try #require(first.nextCursor)
        let rest = try await store.events(matching: EventFilter(), after: cursor, limit: 1000)
        #expect(first.documents + rest.documents == expected)
        // A cursor survives its token.
        let token = cursor.token
        let viaToken = try await store.events(matching: EventFilter(), after: EventCursor(token: token), limit: 1000)
        #expect(viaToken.documents == rest.documents)
        // Filtered pagination.
        let filter = EventFilter(status: .statusClass(4))
        #expect(try await readAll(store, filter, limit: 9) == ReferenceModel.expected(events, filter))
    }

    static func paginationDuringWrites(_ store: any EventStore) async throws {
        let events = dataset(count: 200)
        try await store.write(events, checkpoint: 200)
        let expected = ReferenceModel.expected(events, EventFilter())
        var documents: [[UInt8]] = []
        var cursor: EventCursor?
        var nextSeq: UInt64 = 1000
        repeat {
            let page = try await store.events(matching: EventFilter(), after: cursor, limit: 13)
            documents += page.documents
            cursor = page.nextCursor
            // Newer events (later times) and late events at an already-read time with a higher seq
            // land before the cursor: they never appear in, nor shift, the older pages.
            nextSeq += 1
            try await store.write([event(seq: nextSeq, ts: 1_900_000_000_000_000 + Int64(nextSeq))], checkpoint: nextSeq)
        } while cursor != nil
        #expect(documents == expected)
    }

    static func eachFilterAlone(_ store: any EventStore) async throws {
        let events = dataset()
        try await store.write(events, checkpoint: UInt64(events.count))
        let time: Int64 = 1_767_225_600_000_000
        var filters: [EventFilter] = [
            EventFilter(fromMicros: time + 40_000), EventFilter(toMicros: time + 40_000),
            EventFilter(pathPrefix: "/v1/orders"), EventFilter(pathPrefix: "/v1/orders/"), EventFilter(pathPrefix: "/nope"),
            EventFilter(pathPrefix: ""),
        ]
        for service in ["checkout", "users", "search", "absent"] { filters.append(EventFilter(service: service)) }
        for method in ["GET", "POST", "DELETE", "get"] { filters.append(EventFilter(method: method)) }
        for route in ["/v1/orders/{id}", "/v1/users", "/v1/search", "/v1"] { filters.append(EventFilter(route: route)) }
        for value in ["a", "b", "c", "zzz"] {
            filters.append(EventFilter(consumerID: "consumer-\(value)"))
            filters.append(EventFilter(userID: "user-\(value)"))
            filters.append(EventFilter(sessionID: "session-\(value)"))
            filters.append(EventFilter(traceID: "trace-\(value)"))
        }
        for code in [200, 404, 503, 302] { filters.append(EventFilter(status: .exact(code))) }
        for digit in 1...5 { filters.append(EventFilter(status: .statusClass(digit))) }
        for filter in filters {
            let actual = try await readAll(store, filter, limit: 50)
            #expect(actual == ReferenceModel.expected(events, filter), "filter \(filter)")
        }
    }

    static func combinedFilters(_ store: any EventStore) async throws {
        let events = dataset()
        try await store.write(events, checkpoint: UInt64(events.count))
        let time: Int64 = 1_767_225_600_000_000
        let filters: [EventFilter] = [
            EventFilter(service: "checkout", method: "GET"),
            EventFilter(fromMicros: time + 10_000, toMicros: time + 60_000, service: "users"),
            EventFilter(route: "/v1/orders/{id}", status: .statusClass(5)),
            EventFilter(pathPrefix: "/v1/", consumerID: "consumer-a", status: .exact(404)),
            EventFilter(userID: "user-b", sessionID: "session-c"),
            EventFilter(fromMicros: time, toMicros: time + 96_001, service: "search", method: "POST", traceID: "trace-a"),
            EventFilter(service: "checkout", userID: "user-a", status: .statusClass(2)),
            EventFilter(method: "DELETE", route: "/v1/users", pathPrefix: "/v1/users", consumerID: "consumer-c"),
            EventFilter(fromMicros: time + 50_000, toMicros: time + 50_000),  // empty range
        ]
        for filter in filters {
            let actual = try await readAll(store, filter, limit: 11)
            #expect(actual == ReferenceModel.expected(events, filter), "filter \(filter)")
        }
    }

    static func statusExactVersusClass(_ store: any EventStore) async throws {
        let codes = [399, 400, 404, 450, 499, 500, 40, 4000]
        let events = codes.enumerated().map { event(seq: UInt64($0.offset + 1), ts: Int64($0.offset), status: $0.element) }
        try await store.write(events, checkpoint: UInt64(events.count))
        func statuses(_ filter: StatusFilter) async throws -> [Int] {
            let page = try await store.events(matching: EventFilter(status: filter), after: nil, limit: 100)
            return page.documents.map { document in events.first { $0.document == document }!.status }.sorted()
        }
        #expect(try await statuses(.exact(404)) == [404])
        #expect(try await statuses(.exact(40)) == [40])
        #expect(try await statuses(.exact(401)) == [])
        #expect(try await statuses(.statusClass(4)) == [400, 404, 450, 499])
        #expect(try await statuses(.statusClass(3)) == [399])
        #expect(try await statuses(.statusClass(5)) == [500])
    }

    static func literalPathPrefix(_ store: any EventStore) async throws {
        let paths = ["/a%b", "/a_b", "/axb", "/a%", "/A%b", "/a\\b", "/a*b", "/a[b]", "/a%c/d", "/ab", "/a\u{10FFFF}x", "/a\u{10FFFF}", "/é/x"]
        let events = paths.enumerated().map { event(seq: UInt64($0.offset + 1), ts: Int64($0.offset), path: $0.element) }
        try await store.write(events, checkpoint: UInt64(events.count))
        for prefix in ["/a%", "/a_", "/a\\", "/a*", "/a[", "/a", "/A", "/a\u{10FFFF}", "/é", "/e", "%", "_"] {
            let filter = EventFilter(pathPrefix: prefix)
            let actual = try await readAll(store, filter, limit: 100)
            #expect(actual == ReferenceModel.expected(events, filter), "prefix \(prefix)")
        }
        let percent = try await readAll(store, EventFilter(pathPrefix: "/a%"))
        #expect(percent.count == 3)  // "/a%b", "/a%", "/a%c/d"
        let underscore = try await readAll(store, EventFilter(pathPrefix: "/a_"))
        #expect(underscore.count == 1)
    }

    static func timeRangeBoundaries(_ store: any EventStore) async throws {
        let events = (0..<10).map { event(seq: UInt64($0 + 1), ts: 1_000 + Int64($0) * 10) }  // 1000, 1010, …, 1090
        try await store.write(events, checkpoint: 10)
        func times(_ from: Int64?, _ to: Int64?) async throws -> [Int64] {
            let page = try await store.events(matching: EventFilter(fromMicros: from, toMicros: to), after: nil, limit: 100)
            return page.documents.map { document in events.first { $0.document == document }!.timestampMicros }
        }
        #expect(try await times(1_010, 1_030) == [1_020, 1_010])
        #expect(try await times(1_011, 1_030) == [1_020])
        #expect(try await times(1_010, 1_031) == [1_030, 1_020, 1_010])
        #expect(try await times(1_010, 1_010) == [])
        #expect(try await times(1_030, 1_010) == [])
        #expect(try await times(nil, 1_010) == [1_000])
        #expect(try await times(1_090, nil) == [1_090])
        #expect(try await times(Int64.min, Int64.max).count == 10)
    }

    static func eventByID(_ store: any EventStore) async throws {
        let events = (1...3).map { event(seq: $0) }
        try await store.write(events, checkpoint: 3)
        #expect(try await store.event(id: "evt-2") == events[1].document)
        #expect(try await store.event(id: "evt-4") == nil)
        #expect(try await store.event(id: "EVT-2") == nil)
        #expect(try await store.event(id: "") == nil)
        #expect(try await store.event(id: "evt-2' OR '1'='1") == nil)
    }

    static func limitClamping(_ store: any EventStore) async throws {
        let events = (1...1_005).map { event(seq: UInt64($0), ts: Int64($0)) }
        try await store.write(events, checkpoint: 1_005)
        #expect(EventPage.limitRange == 1...1000)
        for (requested, returned) in [(0, 1), (-7, 1), (Int.min, 1), (1, 1), (999, 999), (1000, 1000), (1001, 1000), (Int.max, 1000)] {
            let page = try await store.events(matching: EventFilter(), after: nil, limit: requested)
            #expect(page.documents.count == returned, "limit \(requested)")
            #expect(page.nextCursor != nil, "limit \(requested)")
        }
        let last = try await store.events(matching: EventFilter(), after: EventCursor(timestampMicros: 6, seq: 6), limit: Int.max)
        #expect(last.documents == events[0..<5].reversed().map(\.document))
        #expect(last.nextCursor == nil)
    }
}
