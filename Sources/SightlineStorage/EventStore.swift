/// Writes events into a store: the only way data enters it.
///
/// Invariants every backend keeps (the conformance suite checks them):
/// - Idempotent on event id: writing an id already stored changes nothing, so replaying the
///   write-ahead log never duplicates an event. Within one batch the first event of an id wins.
/// - Atomic and durable: the events of a call and its checkpoint commit together or not at all,
///   and are on stable storage when the call returns.
/// - The checkpoint never moves backwards: a lower `checkpoint` leaves the stored one as it is.
/// - Every stored event has a route: an event written without one is stored under its path's
///   template (`RouteTemplater` in SightlineInsights; the store applier normally sets a learned
///   template first), and rollups use the same route.
public protocol EventWriter: Sendable {
    /// Inserts events (ignoring ids already stored, so replay never duplicates) and records
    /// `checkpoint` (the highest WAL seq applied) in the same transaction: durable and atomic.
    ///
    /// - Parameters:
    ///   - events: the batch; may be empty (then only the checkpoint is recorded).
    ///   - checkpoint: the highest write-ahead-log seq the batch covers.
    /// - Throws: ``StorageError``; after an error nothing of the batch is stored.
    ///
    /// ```swift
    /// try await store.write(batch, checkpoint: batch.last!.seq)
    /// ```
    func write(_ events: [StoredEvent], checkpoint: UInt64) async throws

    /// Like ``write(_:checkpoint:)``, with the batch's spans and log records in the same
    /// transaction (idempotent on `(trace id, span id)` and on log id).
    ///
    /// - Throws: ``StorageError``; after an error nothing of the batch is stored.
    func write(_ events: [StoredEvent], telemetry: TelemetryBatch, checkpoint: UInt64) async throws

    /// The last checkpoint written (0 when empty).
    ///
    /// - Throws: ``StorageError``.
    func checkpoint() async throws -> UInt64
}

/// Reads events from a store, newest first.
///
/// Invariants every backend keeps (the conformance suite checks them):
/// - Order is `timestampMicros` descending, then `seq` descending: total and stable, so cursor
///   pagination has no gaps and no duplicates while writes go on.
/// - Documents are returned byte for byte as written.
/// - A requested limit is clamped into ``EventPage/limitRange``.
/// - Filter values are data, never query text.
public protocol EventReader: Sendable {
    /// Newest first: ORDER BY timestampMicros DESC, seq DESC; `after` continues a previous page
    /// (strictly older than the cursor). `nextCursor` is nil when no more rows.
    ///
    /// - Parameters:
    ///   - filter: conditions, all of which must hold.
    ///   - cursor: the previous page's `nextCursor`, or `nil` for the newest events.
    ///   - limit: page size, clamped into ``EventPage/limitRange``.
    /// - Throws: ``StorageError``.
    ///
    /// ```swift
    /// var page = try await store.events(matching: EventFilter(service: "checkout"), after: nil, limit: 100)
    /// while let next = page.nextCursor {
    ///     page = try await store.events(matching: filter, after: next, limit: 100)
    /// }
    /// ```
    func events(matching filter: EventFilter, after cursor: EventCursor?, limit: Int) async throws -> EventPage

    /// The document of the event with this id, or `nil` when none is stored.
    ///
    /// - Throws: ``StorageError``.
    func event(id: String) async throws -> [UInt8]?

    /// The number of events stored.
    ///
    /// - Throws: ``StorageError``.
    func count() async throws -> Int
}

/// A backend that both writes and reads.
public typealias EventStore = EventWriter & EventReader
