import Foundation
import SightlineCore
import SightlineSQLite
import SightlineStorage
import Testing

@Suite("Spans and log records in SQLite")
struct TelemetryStoreTests {
    static let trace = "7d110169212675bc99c8d4f1072ee304"

    static func span(_ id: String, name: String, start: Int64, trace: String = trace) -> LinkedSpan {
        LinkedSpan(traceID: trace, spanID: id, parentSpanID: "49ab3e0175384a80", name: name, kind: .internal,
                   startMicros: start, endMicros: start + 500, service: "shop", receivedAtMicros: 9)
    }

    static func log(_ id: String, at time: Int64, severity: Int, body: String, trace: String? = trace, service: String = "shop") -> LinkedLog {
        LinkedLog(id: id, timestampMicros: time, severityNumber: severity, body: body, traceID: trace, spanID: trace == nil ? nil : "8448134c7997d2fe",
                  service: service, receivedAtMicros: 9)
    }

    static func event(seq: UInt64, trace: String?) -> StoredEvent {
        var event = Event(timestampMicros: 1_000 + Int64(seq), service: "shop", method: "GET", path: "/orders/\(seq)", status: 200)
        event.id = "e\(seq)"
        event.traceID = trace
        return StoredEvent(event, seq: seq, document: EventEncoder.encode(event))
    }

    @Test("stored with the events of their batch; replays and re-sends store each once; reads are byte for byte")
    func storeAndReplay() async throws {
        try await withTemporaryStore { store in
            let spans = [StoredSpan(seq: 2, span: Self.span("0000000000000002", name: "b", start: 2_000)),
                         StoredSpan(seq: 3, span: Self.span("0000000000000001", name: "a", start: 1_500))]
            let logs = [StoredLog(seq: 4, log: Self.log("L1", at: 1_600, severity: 9, body: "loaded")),
                        StoredLog(seq: 5, log: Self.log("L2", at: 1_700, severity: 17, body: "no stock", trace: nil))]
            let batch = TelemetryBatch(spans: spans, logs: logs)
            try await store.write([Self.event(seq: 1, trace: Self.trace)], telemetry: batch, checkpoint: 5)
            // The same batch again (a replay after a crash), and a span re-sent later under a new seq.
            try await store.write([Self.event(seq: 1, trace: Self.trace)], telemetry: batch, checkpoint: 5)
            try await store.write([], telemetry: TelemetryBatch(spans: [StoredSpan(seq: 6, span: Self.span("0000000000000001", name: "a", start: 1_500))]), checkpoint: 6)
            #expect(try await store.checkpoint() == 6)

            let records = try await store.trace(id: Self.trace, limit: 100)
            #expect(records.eventDocuments.count == 1)
            #expect(records.spanDocuments == [spans[1].document, spans[0].document])  // by start
            #expect(records.logDocuments == [logs[0].document])
            #expect(!records.truncated)
            let limited = try await store.trace(id: Self.trace, limit: 1)
            #expect(limited.spanDocuments.count == 1 && limited.truncated)
            #expect(try await store.trace(id: String(repeating: "0", count: 32), limit: 10).isEmpty)
        }
    }

    @Test("log pages: newest first, filters, cursor without gaps or duplicates")
    func logPages() async throws {
        try await withTemporaryStore { store in
            var logs: [StoredLog] = []
            for index in 0..<57 {
                let trace: String? = index % 3 == 0 ? Self.trace : nil
                let log = Self.log("L\(index)", at: 10_000 + Int64(index / 2), severity: [5, 9, 13, 17][index % 4],
                                   body: index % 5 == 0 ? "payment \(index) failed" : "ok \(index)", trace: trace,
                                   service: index % 2 == 0 ? "shop" : "billing")
                logs.append(StoredLog(seq: UInt64(index + 1), log: log))
            }
            try await store.write([], telemetry: TelemetryBatch(logs: logs), checkpoint: 57)

            func all(_ filter: LogFilter, pageSize: Int) async throws -> [String] {
                var ids: [String] = []
                var cursor: EventCursor?
                repeat {
                    let page = try await store.logs(matching: filter, after: cursor, limit: pageSize)
                    ids += try page.documents.map { try #require(TelemetryDocument.log(from: $0).id) }
                    cursor = page.nextCursor
                } while cursor != nil
                return ids
            }
            func expected(_ keep: (LinkedLog) -> Bool) -> [String] {
                logs.filter { keep($0.log) }
                    .sorted { ($0.log.timestampMicros, $0.seq) > ($1.log.timestampMicros, $1.seq) }
                    .map { $0.log.id! }
            }
            #expect(try await all(LogFilter(), pageSize: 7) == expected { _ in true })
            #expect(try await all(LogFilter(service: "billing"), pageSize: 4) == expected { $0.service == "billing" })
            #expect(try await all(LogFilter(traceID: Self.trace), pageSize: 5) == expected { $0.traceID == Self.trace })
            #expect(try await all(LogFilter(minimumSeverity: 13), pageSize: 100) == expected { $0.severityNumber >= 13 })
            #expect(try await all(LogFilter(bodyContains: "failed"), pageSize: 3) == expected { $0.body?.contains("failed") == true })
            #expect(try await all(LogFilter(fromMicros: 10_010, toMicros: 10_020), pageSize: 6) == expected { (10_010..<10_020).contains($0.timestampMicros) })
            // Filter values are data: quotes and wildcards match literally.
            #expect(try await all(LogFilter(service: "' OR 1=1 --", bodyContains: "%"), pageSize: 10).isEmpty)
        }
    }
}
