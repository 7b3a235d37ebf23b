import Logging
import SightlineCore
import SightlineWAL
import Synchronization

/// Turns a request body into durable events: decode → validate → assign ids → canonical JSON →
/// append to the write-ahead log.
///
/// Invariants:
/// - ``ingest(_:)`` returns only after every accepted event is durable in the log (per the log's
///   durability mode); if it throws, none of the batch's events were accepted.
/// - Every event of the body is counted as accepted or rejected (with its index and reason).
/// - Ids are assigned before the log append, so replaying the log never changes an event's id.
public final class Ingestor: Sendable {
    /// Limits for one batch.
    public struct Configuration: Sendable {
        public var eventLimits = EventLimits()
        /// Events in one request body.
        public var maxBatchEvents = 50_000
        public init() {}
    }

    private let wal: WriteAheadLog
    private let configuration: Configuration
    private let ids: EventIDGenerator
    private let now: @Sendable () -> Int64
    private let counters = Mutex(Counters())
    /// The events of recent appends, for the store applier (see ``DecodedHandoff``).
    public let handoff: DecodedHandoff

    /// Running totals since start.
    public struct Counters: Sendable {
        public var accepted = 0
        public var rejected = 0
        public var batchesRefused = 0
        /// Spans and log records accepted (OTLP).
        public var spans = 0
        public var logs = 0
    }

    /// - Parameters:
    ///   - wal: the log events are appended to.
    ///   - configuration: batch and event limits.
    ///   - ids: generator for events sent without an id.
    ///   - now: the clock, in µs since the epoch (injected for tests).
    public init(
        wal: WriteAheadLog, configuration: Configuration, ids: EventIDGenerator = EventIDGenerator(),
        handoff: DecodedHandoff = DecodedHandoff(), now: @escaping @Sendable () -> Int64
    ) {
        self.wal = wal
        self.handoff = handoff
        self.configuration = configuration
        self.ids = ids
        self.now = now
    }

    /// Totals since start, for metrics.
    public func snapshot() -> Counters { counters.withLock { $0 } }

    /// Decodes, validates and durably appends one request body.
    ///
    /// - Parameter body: the decompressed body bytes.
    /// - Returns: how many events were accepted and why the others were rejected.
    /// - Throws: ``IngestError`` when nothing was accepted: unreadable batch, too many events,
    ///   log full or closed.
    public func ingest(_ body: [UInt8]) async throws(IngestError) -> IngestResult {
        let received = now()
        let decoded: DecodedBatch
        do {
            decoded = try EventDecoder.decodeBatch(body, limits: configuration.eventLimits, maxEvents: configuration.maxBatchEvents)
        } catch {
            counters.withLock { $0.batchesRefused += 1 }
            throw IngestError(code: error.code == .tooManyEvents ? .tooLarge : .badBatch, message: error.message)
        }
        try await append(decoded.events, receivedAtMicros: received, sizeHint: body.count)
        counters.withLock { $0.rejected += decoded.rejected.count }
        return IngestResult(accepted: decoded.events.count, rejected: decoded.rejected)
    }

    /// Durably appends events that were decoded elsewhere (e.g. from OTLP spans); they must
    /// satisfy ``Event``'s invariants.
    ///
    /// - Returns: how many were accepted (all of them, or it throws).
    /// - Throws: ``IngestError`` when nothing was accepted (log full, closed, I/O).
    public func ingest(events: [Event]) async throws(IngestError) -> Int {
        try await ingest(events: events, spans: [], logs: [])
        return events.count
    }

    /// Durably appends events, spans and log records in one log batch: all of them are accepted,
    /// or it throws and none is. Log records without an id get one here.
    ///
    /// - Throws: ``IngestError`` when nothing was accepted (too many items, log full, closed, I/O).
    public func ingest(events: [Event], spans: [LinkedSpan], logs: [LinkedLog]) async throws(IngestError) {
        guard events.count + spans.count + logs.count <= configuration.maxBatchEvents else {
            counters.withLock { $0.batchesRefused += 1 }
            throw IngestError(code: .tooLarge, message: "more than \(configuration.maxBatchEvents) items in one request: send smaller batches")
        }
        let received = now()
        var extra: [[UInt8]] = []
        extra.reserveCapacity(spans.count + logs.count)
        for span in spans {
            var payload: [UInt8] = []
            LogPayload.append(span, to: &payload)
            extra.append(payload)
        }
        for var log in logs {
            if log.id == nil { log.id = ids.next(nowMicros: received) }
            var payload: [UInt8] = []
            LogPayload.append(log, to: &payload)
            extra.append(payload)
        }
        try await append(events, receivedAtMicros: received, sizeHint: events.count * 512 + extra.reduce(0) { $0 + $1.count + 20 }, extra: extra)
        counters.withLock {
            $0.spans += spans.count
            $0.logs += logs.count
        }
    }

    /// Assigns missing ids and the receive time, encodes the canonical JSON and appends it (then
    /// the `extra` records) to the log; counts the events accepted when the append is durable.
    /// Events are stamped as they are encoded, not copied; when some arrive without an id, the
    /// array is copied once, for the handoff, which must see the ids their records have.
    private func append(_ events: [Event], receivedAtMicros received: Int64, sizeHint: Int, extra: [[UInt8]] = []) async throws(IngestError) {
        var batch = WALBatch(reservingCapacity: sizeHint + events.count * 64)
        var payload: [UInt8] = []
        payload.reserveCapacity(1024)
        var assigned: [(index: Int, id: String)] = []
        for index in events.indices {
            let id: String
            if let given = events[index].id {
                id = given
            } else {
                id = ids.next(nowMicros: received)
                assigned.append((index, id))
            }
            payload.removeAll(keepingCapacity: true)
            EventEncoder.append(events[index], id: id, receivedAtMicros: received, to: &payload)
            batch.append(payload)
        }
        var handed = events
        if handoff.capacity > 0 {
            for (index, id) in assigned { handed[index].id = id }
        }
        for record in extra { batch.append(record) }
        if batch.count > 0 {
            do {
                let seqs = try await wal.append(batch)
                if handoff.capacity > 0 { handoff.put(first: seqs.lowerBound, events: handed, receivedAtMicros: received) }
            } catch {
                counters.withLock { $0.batchesRefused += 1 }
                switch error.code {
                case .full:
                    throw IngestError(code: .full, message: "the write-ahead log has reached its disk quota; events are being stored, retry shortly", retryAfterSeconds: 5)
                case .batchTooLarge:
                    throw IngestError(code: .tooLarge, message: "the batch is larger than the whole write-ahead-log quota (--wal-quota-bytes); send it in smaller batches")
                case .closed:
                    throw IngestError(code: .unavailable, message: "the server is shutting down; retry against another instance or shortly", retryAfterSeconds: 2)
                default:
                    throw IngestError(code: .io, message: "the events could not be written to disk; nothing in this batch was accepted")
                }
            }
        }
        counters.withLock { $0.accepted += events.count }
    }
}

/// The answer to one batch: `{"accepted": 998, "rejected": [{"index": 3, "error": "..."}]}`.
public struct IngestResult: Sendable, Equatable, Codable {
    public var accepted: Int
    public var rejected: [Rejection]
    public init(accepted: Int, rejected: [Rejection]) {
        self.accepted = accepted
        self.rejected = rejected
    }
}
