import Dispatch
import Logging
import ServiceLifecycle
import SightlineCore
import SightlineInsights
import SightlineStorage
import SightlineWAL
import Synchronization

/// Applies the write-ahead log to the store: reads durable records after the store's checkpoint,
/// inserts them in batches, and advances the checkpoint in the same transaction; then deletes
/// log segments the store has durably applied.
///
/// Invariants:
/// - Start-up replay and live tailing are the same loop, starting at `checkpoint + 1`.
/// - The store is idempotent on event id and the checkpoint moves with the data, so a crash at
///   any point replays at most the last batch and never duplicates an event.
/// - A segment is deleted only after a checkpoint at or beyond its last record has committed.
/// - On graceful shutdown it drains everything durable, then returns.
/// - Spans and log records in the log (see ``LogPayload``) are stored in the same transaction as
///   the events of their batch; they are not passed to `onStored`.
public final class StoreApplier: Service, Sendable {
    private let wal: WriteAheadLog
    private let store: any EventWriter
    private let logger: Logger
    private let batchSize: Int
    /// Infers the route template of events that arrive without one.
    public let routes: RouteLearner
    /// Called with the events of each batch once it is stored (e.g. the security detectors).
    private let onStored: (@Sendable ([Event]) async -> Void)?
    /// Events the ingestor of this process appended, so they need not be decoded again.
    private let handoff: DecodedHandoff?
    private let state = Mutex(State())
    private let readQueue = DispatchQueue(label: "sightline.applier.read")

    struct State {
        var applied: UInt64 = 0
        var appliedEvents = 0
        var undecodable = 0
        var shuttingDown = false
        var paused = false
        var replayTarget: UInt64?
    }

    /// - Parameters:
    ///   - batchSize: records per store transaction at most.
    ///   - routes: the learner that templates paths of events without a route (its state may
    ///     be restored from a snapshot of a previous run).
    ///   - onStored: called, on the applier's task, with each batch's events after they are
    ///     stored (route set). After a crash, the batch replayed from the log is passed again.
    public init(
        wal: WriteAheadLog, store: any EventWriter, logger: Logger, batchSize: Int = 10_000, routes: RouteLearner = RouteLearner(),
        onStored: (@Sendable ([Event]) async -> Void)? = nil, handoff: DecodedHandoff? = nil
    ) {
        self.handoff = handoff
        self.wal = wal
        self.store = store
        self.logger = logger
        self.batchSize = batchSize
        self.routes = routes
        self.onStored = onStored
    }

    /// The highest log seq applied to the store.
    public var appliedSeq: UInt64 { state.withLock { $0.applied } }
    /// Records written to the log but not yet in the store.
    public var lag: UInt64 {
        let applied = appliedSeq
        let durable = wal.durableSeq
        return durable > applied ? durable - applied : 0
    }
    /// Holds (`true`) or resumes (`false`) applying the log to the store. While held, ingest goes
    /// on into the log until its quota, and then is refused with 503; nothing is lost. Used to
    /// take a consistent copy of the store, and by tests of the quota. Shutdown resumes it.
    public func setPaused(_ paused: Bool) {
        state.withLock { $0.paused = paused }
    }

    /// Records that could not be decoded and were skipped (should stay 0).
    public var undecodableRecords: Int { state.withLock { $0.undecodable } }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await self.applyLoop()
        } onGracefulShutdown: {
            self.state.withLock { $0.shuttingDown = true }
        }
    }

    private func applyLoop() async throws {
        let checkpoint = try await store.checkpoint()
        state.withLock { $0.applied = checkpoint }
        let durable = wal.durableSeq
        if durable > checkpoint {
            logger.info("replaying write-ahead log into the store", metadata: [
                "wal.from_seq": "\(checkpoint + 1)", "wal.to_seq": "\(durable)",
            ])
        }
        let replayStart = ContinuousClock.now
        var replaying = durable > checkpoint
        var cursor = wal.makeCursor(from: checkpoint + 1)
        var lastRead = checkpoint
        // The store write of the previous batch runs while this task reads and decodes the next
        // one (two stages, two cores); it is awaited before the next write starts, so batches
        // are stored, reported and their segments deleted strictly in order.
        var inFlight: Task<Void, any Error>?
        do {
            try await loop()
        } catch {
            _ = try? await inFlight?.value
            throw error
        }
        logger.info("store applier stopped", metadata: ["wal.applied_seq": "\(lastRead)"])

        func loop() async throws {
        while true {
            while state.withLock({ $0.paused && !$0.shuttingDown }) {
                try? await Task.sleep(for: .milliseconds(20))
            }
            let (records, nextCursor) = try await read(cursor)
            cursor = nextCursor
            if records.isEmpty {
                try await inFlight?.value
                inFlight = nil
                if replaying {
                    replaying = false
                    logger.info("replay finished", metadata: [
                        "wal.applied_seq": "\(lastRead)", "replay.seconds": "\(ContinuousClock.now - replayStart)",
                    ])
                }
                if state.withLock({ $0.shuttingDown }) || wal.isClosed {
                    break
                }
                await waitForMore(beyond: lastRead)
                continue
            }
            var events: [StoredEvent] = []
            events.reserveCapacity(records.count)
            var decodedEvents: [Event] = []
            if onStored != nil { decodedEvents.reserveCapacity(records.count) }
            var skipped = 0
            var telemetry = TelemetryBatch()
            var kept = handoff?.take(records[0].seq...records[records.count - 1].seq)
            for record in records {
                let kind = record.payload.withUnsafeBytes { LogPayload.kind(of: $0) }
                switch kind {
                case .span, .log:
                    do {
                        let document = Array(record.payload.dropFirst())
                        if kind == .span {
                            telemetry.spans.append(StoredSpan(seq: record.seq, span: try TelemetryDocument.span(from: document), document: document))
                        } else {
                            let log = try TelemetryDocument.log(from: document)
                            guard log.id != nil else { throw TelemetryDocument.DecodingError(member: "id", expected: "a string") }
                            telemetry.logs.append(StoredLog(seq: record.seq, log: log, document: document))
                        }
                    } catch {
                        skipped += 1
                        logger.error("skipping an undecodable log record", metadata: ["wal.seq": "\(record.seq)", "error": "\(error)"])
                    }
                    continue
                case .event, nil:
                    break
                }
                let decoded: Result<Event, EventFieldError>
                if let event = kept?.event(seq: record.seq) {
                    decoded = .success(event)
                    assert(decoded == record.payload.withUnsafeBytes { EventDecoder.decodeEvent($0) }, "a handed-off event differs from its log record")
                } else {
                    decoded = record.payload.withUnsafeBytes { EventDecoder.decodeEvent($0) }
                }
                switch decoded {
                case .success(let event):
                    var stored = StoredEvent(event, seq: record.seq, document: record.payload)
                    if stored.route == nil {
                        // Endpoint discovery: the `route` column holds the inferred template; the
                        // document keeps the event as it was sent (without a route).
                        stored.route = routes.observe(service: event.service, method: event.method, path: event.path)
                    }
                    events.append(stored)
                    if onStored != nil {
                        var routed = event
                        routed.route = stored.route
                        decodedEvents.append(routed)
                    }
                case .failure(let error):
                    skipped += 1
                    logger.error("skipping an undecodable log record", metadata: ["wal.seq": "\(record.seq)", "error": "\(error.field) \(error.expected)"])
                }
            }
            let last = records[records.count - 1].seq
            lastRead = last
            try await inFlight?.value
            let batch = (events, telemetry, decodedEvents)
            inFlight = Task {
                try await self.store(batch.0, telemetry: batch.1, decoded: batch.2, checkpoint: last, skipped: skipped)
            }
        }
        }
    }

    /// Stores one batch with its checkpoint, reports it, and deletes the log segments it covered.
    private func store(_ events: [StoredEvent], telemetry: TelemetryBatch, decoded: [Event], checkpoint last: UInt64, skipped: Int) async throws {
        try await store.write(events, telemetry: telemetry, checkpoint: last)
        if let onStored, !decoded.isEmpty { await onStored(decoded) }
        state.withLock {
            $0.applied = last
            $0.appliedEvents += events.count
            $0.undecodable += skipped
        }
        do {
            try wal.removeSegments(through: last)
        } catch {
            logger.warning("could not delete applied log segments", metadata: ["error": "\(error)"])
        }
    }

    /// Reads the next records off the cooperative pool (file I/O).
    private func read(_ cursor: WALCursor) async throws -> ([WALRecord], WALCursor) {
        let batchSize = self.batchSize
        return try await withCheckedThrowingContinuation { continuation in
            readQueue.async {
                var cursor = cursor
                do {
                    let records = try cursor.next(maxRecords: batchSize, maxBytes: 64 << 20)
                    continuation.resume(returning: (records, cursor))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Waits until the log has records beyond `seq`, or a short time passes (to notice shutdown).
    private func waitForMore(beyond seq: UInt64) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wal.waitForDurable(beyond: seq) }
            group.addTask { try? await Task.sleep(for: .milliseconds(100)) }
            await group.next()
            group.cancelAll()
        }
    }
}
