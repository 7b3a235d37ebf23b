import Dispatch
import Foundation
import Logging
import Synchronization

/// A durable, append-only log of records with global sequence numbers: the WAL between ingest
/// and storage. A request is acknowledged only once its records are durable; an applier reads
/// them back with a ``WALCursor``, stores them, and frees space with ``removeSegments(through:)``.
/// The full specification is `docs/specs/wal.md`.
///
/// ```swift
/// let (wal, report) = try WriteAheadLog.open(WALConfiguration(directory: "/var/lib/sightline/wal"), logger: logger)
/// var batch = WALBatch()
/// batch.append(Array("event".utf8))
/// let seqs = try await wal.append(batch)        // durable when this returns
/// var cursor = wal.makeCursor(from: 1)
/// let records = try cursor.next(maxRecords: 100, maxBytes: 1 << 20)
/// try wal.removeSegments(through: records.last!.seq)
/// await wal.close()
/// ```
///
/// ## Invariants
/// 1. An append returns only after its records are durable (`fdatasync`ed, in `.fsync` mode);
///    an acknowledged record survives a crash and is read back exactly once, byte for byte.
/// 2. Sequence numbers are global, start at 1 and are assigned consecutively in append order,
///    across segments; a batch gets one contiguous range. A durable seq is never reused.
/// 3. Only the writer thread writes segment files, and only at the end of the active (last)
///    segment. Finished segments are never modified, only deleted whole.
/// 4. Cursors never read past `durableSeq`: they only see whole, durable records.
/// 5. Recovery never fails because of a bad record: a torn tail of the last segment is cut off;
///    any other bad bytes are skipped, counted and reported (file, offset, reason; no payload).
/// 6. Segments on disk plus queued batches stay within `maxTotalBytes` (give or take the
///    16-byte header of each segment started while appends were queued).
/// 7. ``removeSegments(through:)`` deletes only whole segments whose every record is <= the
///    given seq, and never the active segment.
///
/// ## On-disk format (integers little-endian)
/// The directory holds segment files named `<firstSeq as 20-digit zero-padded decimal>.wal`
/// (`00000000000000000001.wal`) and a `LOCK` file, `flock`ed while a log is open.
///
///     segment header (16 bytes)  "SLWALv01" (8) | firstSeq: UInt64 (8)
///     record (20 + N bytes)      magic: UInt32 = 0x534C5752 (bytes "RWLS") | length N: UInt32
///                                | seq: UInt64 | crc: UInt32 | payload (N bytes)
///
/// `crc` is CRC-32C (Castagnoli) over the payload, then over the 12 bytes `length | seq`, so a
/// damaged length or seq is detected too. Payloads are at most 1 GiB. The first record of a
/// segment has seq `firstSeq`; records follow each other without padding.
///
/// ## Recovery (``open(_:logger:)``)
/// Segments are scanned in firstSeq order. A record is valid when its magic matches, its length
/// fits in the file, its CRC matches and its seq is above the previous valid seq of the segment.
/// At an invalid record the scanner searches forward for the next valid record (magic + CRC +
/// larger seq). Found: the bytes in between are a corrupt region, skipped and counted. Not found:
/// in the last segment the rest is a torn tail and is truncated; in any other segment it is a
/// corrupt region. A last segment shorter than its header gets a fresh header. Overlapping
/// segments are the only fatal finding (``WALError/Code/corrupt``). The next append gets
/// `max(last valid seq, last segment's firstSeq - 1) + 1`.
///
/// ## Group commit
/// Appenders enqueue their framed batch (payload CRCs already computed on the caller's task)
/// and suspend. The writer thread takes every queued batch, assigns seqs, stamps seq and final
/// CRC in place, writes all batches with `writev`, calls `fdatasync` once, publishes
/// `durableSeq`, then resumes all of them. A new segment is started between batches once the
/// active one reached `segmentBytes`; its directory entry is synced with its first data.
///
/// ## Durability modes
/// `.fsync` (default) as above. `.none`: `write()` only, and `durableSeq` means "written"; a
/// power loss can lose acknowledged records (and their seqs may be reused). `close()` syncs once.
///
/// ## Quota
/// An append is refused with ``WALError/Code/full`` (nothing written) when bytes on disk +
/// bytes queued + the batch + one segment header would exceed `maxTotalBytes`, and with
/// ``WALError/Code/batchTooLarge`` when the batch could never fit. Space comes back through
/// ``removeSegments(through:)``. A write or sync error stops the log: that round's and all later
/// appends fail with ``WALError/Code/io`` until a restart runs recovery.
///
/// ## Threads
/// ``append(_:)``, ``waitForDurable(beyond:)`` and ``close()`` never block a thread.
/// ``open(_:logger:)``, ``removeSegments(through:)`` and ``WALCursor/next(maxRecords:maxBytes:)``
/// do blocking file I/O: call them at startup or from a thread that may block.
public final class WriteAheadLog: Sendable {
    let shared: WALShared

    private init(shared: WALShared) {
        self.shared = shared
    }

    deinit {
        // No append can be in flight (each holds a reference); let the writer drain and exit.
        shared.requestClose()
    }

    /// Opens (or creates) the log in `configuration.directory`, recovers it and starts the
    /// writer thread.
    ///
    /// Blocking: scans every segment. Call it once at startup.
    ///
    /// - Parameters:
    ///   - configuration: Directory, segment size, quota and durability.
    ///   - logger: Receives recovery findings (warnings) and write errors.
    /// - Returns: The log and what recovery found and repaired.
    /// - Throws: ``WALError/Code/invalidConfiguration``, ``WALError/Code/locked`` when another
    ///   instance has the directory open, ``WALError/Code/io``, or ``WALError/Code/corrupt``
    ///   when segments overlap.
    public static func open(
        _ configuration: WALConfiguration,
        logger: Logger
    ) throws(WALError) -> (WriteAheadLog, WALRecoveryReport) {
        try configuration.validate()
        var logger = logger
        logger[metadataKey: "wal.directory"] = "\(configuration.directory)"
        try SystemCalls.makeDirectories(configuration.directory)
        let lock = try SystemCalls.lockDirectory(configuration.directory)
        let recovered = try WALRecovery.run(configuration: configuration, logger: logger)

        let last = recovered.segments[recovered.segments.count - 1]
        let activeFile = try SystemCalls.openDescriptor(last.path, flags: O_WRONLY | O_APPEND)
        let bytesOnDisk = recovered.segments.reduce(0) { $0 + $1.size }
        let lastSeq = recovered.nextSeq - 1
        let state = WALState(
            segments: recovered.segments,
            bytesOnDisk: bytesOnDisk,
            lastSeq: lastSeq,
            durableSeq: lastSeq,
            corruptRecordsSkipped: recovered.report.corruptRecordsSkipped,
            knownCorruptions: recovered.knownCorruptions
        )
        let shared = WALShared(configuration: configuration, logger: logger, state: state)
        // The thread takes the writer out of the hand-off box, so it holds the only reference
        // to the segment and lock descriptors and closes them when it stops.
        let handoff = WriterHandoff(WALWriter(
            shared: shared,
            durability: configuration.durability,
            segmentBytes: configuration.segmentBytes,
            directory: configuration.directory,
            directoryLock: lock,
            active: activeFile,
            activeSize: last.size,
            nextSeq: recovered.nextSeq
        ))
        let thread = Thread {
            guard var writer = handoff.take() else { return }
            writer.run()
        }
        thread.name = "sightline-wal-writer"
        thread.start()

        let report = recovered.report
        logger.info(
            "WAL opened",
            metadata: [
                "wal.segments": "\(report.segments)", "wal.records": "\(report.records)",
                "wal.last_seq": "\(report.lastSeq)", "wal.torn_bytes": "\(report.tornTailBytesTruncated)",
                "wal.corrupt_records": "\(report.corruptRecordsSkipped)",
            ]
        )
        return (WriteAheadLog(shared: shared), report)
    }

    /// Appends a batch and returns once its records are durable.
    ///
    /// Concurrent appends are written together with one `fdatasync` (group commit). The batch's
    /// records get consecutive seqs. Pass the batch as its last use (`append(consume batch)`
    /// works too) so the writer can stamp seqs into its buffer without copying it.
    /// Enqueued appends are not cancellable: the data will be written either way.
    ///
    /// - Parameter batch: The records; must not be empty.
    /// - Returns: The seqs given to the batch's records, in order.
    /// - Throws: ``WALError/Code/full`` (nothing written; retry after the applier frees space,
    ///   e.g. answer 503 with Retry-After), ``WALError/Code/batchTooLarge``,
    ///   ``WALError/Code/emptyBatch``, ``WALError/Code/closed``, or ``WALError/Code/io`` after
    ///   a write error.
    public func append(_ batch: consuming WALBatch) async throws(WALError) -> ClosedRange<UInt64> {
        if batch.isEmpty {
            throw WALError(
                code: .emptyBatch,
                message: "Cannot append an empty WALBatch; skip the append when there are no records."
            )
        }
        let byteCount = batch.byteCount
        let maxTotalBytes = shared.configuration.maxTotalBytes
        if byteCount + WALFormat.segmentHeaderSize > maxTotalBytes {
            throw WALError(
                code: .batchTooLarge,
                message: "A batch of \(byteCount) bytes can never fit the WAL quota of \(maxTotalBytes) bytes (maxTotalBytes); split it into smaller batches or raise maxTotalBytes."
            )
        }
        var incoming: WALBatch? = consume batch
        let shared = self.shared
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<ClosedRange<UInt64>, WALError>, Never>) in
            enum Outcome { case queued(wake: Bool), rejected(WALError) }
            let outcome = shared.state.withLock { state -> Outcome in
                if state.isClosed {
                    return .rejected(WALError(code: .closed, message: "The WAL is closed; appends are refused during and after shutdown."))
                }
                if let failure = state.failure {
                    return .rejected(failure)
                }
                let projected = state.bytesOnDisk + state.pendingBytes + byteCount + WALFormat.segmentHeaderSize
                if projected > maxTotalBytes {
                    return .rejected(WALError(
                        code: .full,
                        message: "WAL quota reached: \(state.bytesOnDisk) bytes on disk + \(state.pendingBytes) queued + \(byteCount) in this batch exceed maxTotalBytes (\(maxTotalBytes)). Retry later; space is freed when the applier catches up and removes applied segments. If this persists, check that the applier is running or raise maxTotalBytes."
                    ))
                }
                state.pending.append(PendingAppend(batch: incoming.take()!, continuation: continuation))
                state.pendingBytes += byteCount
                if state.writerIdle {
                    state.writerIdle = false
                    return .queued(wake: true)
                }
                return .queued(wake: false)
            }
            switch outcome {
            case .queued(let wake):
                if wake { shared.wakeup.signal() }
            case .rejected(let error):
                continuation.resume(returning: .failure(error))
            }
        }
        return try result.get()
    }

    /// The highest seq known durable (synced in `.fsync` mode, written in `.none` mode).
    public var durableSeq: UInt64 {
        shared.state.withLock { $0.durableSeq }
    }

    /// Whether ``close()`` has been called (appends are refused from then on).
    public var isClosed: Bool {
        shared.state.withLock { $0.isClosed }
    }

    /// Suspends until ``durableSeq`` is greater than `seq`, the log is closed, or the task is
    /// cancelled. Check ``isClosed`` afterwards to tell the cases apart.
    ///
    /// - Parameter seq: The seq the caller has already seen.
    public func waitForDurable(beyond seq: UInt64) async {
        let shared = self.shared
        let id = shared.state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = shared.state.withLock { state -> Bool in
                    if state.durableSeq > seq || state.isClosed || Task.isCancelled { return true }
                    state.durableWaiters[id] = DurableWaiter(seq: seq, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = shared.state.withLock { state in state.durableWaiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }

    /// A cursor returning records with seq >= `seq`, in order.
    ///
    /// - Parameter seq: The first seq wanted, typically the applier's checkpoint + 1. Older seqs
    ///   whose segments were removed are simply not returned.
    public func makeCursor(from seq: UInt64) -> WALCursor {
        WALCursor(shared: shared, from: seq)
    }

    /// Deletes every segment whose records all have seq <= `seq`; never the active segment.
    ///
    /// Blocking (unlinks files). Call it after the records are stored elsewhere, with the
    /// stored checkpoint.
    ///
    /// - Parameter seq: The highest seq that is no longer needed.
    /// - Throws: ``WALError/Code/io`` when a file cannot be deleted (it stays listed).
    public func removeSegments(through seq: UInt64) throws(WALError) {
        let removed = shared.state.withLock { state -> [SegmentEntry] in
            var removed: [SegmentEntry] = []
            // Segment i holds seqs below segments[i + 1].firstSeq; the last one is active.
            while state.segments.count > 1 && state.segments[1].firstSeq - 1 <= seq {
                let entry = state.segments.removeFirst()
                state.bytesOnDisk -= entry.size
                state.knownCorruptions = state.knownCorruptions.filter { $0.segmentFirstSeq != entry.firstSeq }
                removed.append(entry)
            }
            return removed
        }
        for (index, entry) in removed.enumerated() {
            do {
                try SystemCalls.removeFile(entry.path)
            } catch {
                // Put back what is still on disk, so quota and readers stay truthful.
                let remaining = removed[index...]
                shared.state.withLock { state in
                    state.segments.insert(contentsOf: remaining, at: 0)
                    state.bytesOnDisk += remaining.reduce(0) { $0 + $1.size }
                }
                throw error
            }
            shared.logger.debug("WAL segment removed", metadata: ["wal.segment": "\(entry.path)"])
        }
    }

    /// A snapshot of the log's counters.
    public func stats() -> WALStats {
        shared.state.withLock { state in
            WALStats(
                segments: state.segments.count,
                bytesOnDisk: state.bytesOnDisk,
                lastSeq: state.lastSeq,
                durableSeq: state.durableSeq,
                fsyncCount: state.fsyncCount,
                lastFsyncSeconds: state.lastFsyncSeconds,
                fsyncSecondsTotal: state.fsyncSecondsTotal,
                fsyncBuckets: state.fsyncBucketCounts.reduce(into: []) { cumulative, count in cumulative.append((cumulative.last ?? 0) + count) },
                corruptRecordsSkipped: state.corruptRecordsSkipped,
                pendingBatches: state.pending.count,
                pendingBytes: state.pendingBytes
            )
        }
    }

    /// Writes every queued append, stops the writer thread and releases the directory.
    ///
    /// Appends started after this call throw ``WALError/Code/closed``; waiters in
    /// ``waitForDurable(beyond:)`` return. Calling it again waits for the same shutdown.
    public func close() async {
        let shared = self.shared
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            enum Next { case done, wait(wake: Bool) }
            let next = shared.state.withLock { state -> Next in
                if state.writerExited { return .done }
                state.isClosed = true
                state.closeWaiters.append(continuation)
                if state.writerIdle {
                    state.writerIdle = false
                    return .wait(wake: true)
                }
                return .wait(wake: false)
            }
            switch next {
            case .done: continuation.resume()
            case .wait(let wake): if wake { shared.wakeup.signal() }
            }
        }
    }
}
