#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Logging
import Synchronization

/// Passes the writer to its thread exactly once, so no other reference to its file descriptors
/// stays behind (the directory lock is released when the writer stops).
final class WriterHandoff: Sendable {
    private let slot: Mutex<WALWriter?>

    init(_ writer: consuming WALWriter) {
        slot = Mutex(writer)
    }

    func take() -> WALWriter? {
        slot.withLock { $0.take() }
    }
}

/// The loop run by the dedicated writer thread: group commit.
///
/// Each round takes every pending batch at once, assigns consecutive seqs in queue order, fills
/// in the seq and finishes the CRC of each record inside the batch's own buffer, writes all
/// buffers with `writev` (up to `IOV_MAX` batches per call), makes them durable with ONE
/// `fdatasync`, publishes the new `durableSeq`, and only then resumes the appenders.
/// When the active segment has reached `segmentBytes`, the next batch starts a new segment; a
/// round that crosses a segment boundary syncs once per segment.
///
/// The writer is the only code that writes segment files or advances `lastSeq`/`durableSeq`.
struct WALWriter {
    let shared: WALShared
    let durability: WALDurability
    let segmentBytes: Int
    let directory: String
    /// Held until the writer exits, so the directory stays locked while the log is open.
    var directoryLock: FileDescriptor?
    var active: FileDescriptor
    var activeSize: Int
    /// A new segment's directory entry is synced together with its first data.
    var activeNeedsDirectorySync = false
    var nextSeq: UInt64
    var failure: WALError?

    mutating func run() {
        while let items = takeWork() {
            process(items)
        }
        finish()
    }

    /// Blocks until there is work; nil once the log is closed and drained.
    private func takeWork() -> [PendingAppend]? {
        while true {
            enum Next { case work([PendingAppend]), stop, wait }
            let next = shared.state.withLock { state -> Next in
                if !state.pending.isEmpty && !state.writerPaused {
                    var taken: [PendingAppend] = []
                    swap(&taken, &state.pending)
                    return .work(taken)
                }
                if state.isClosed && state.pending.isEmpty { return .stop }
                state.writerIdle = true
                return .wait
            }
            switch next {
            case .work(let items): return items
            case .stop: return nil
            case .wait: shared.wakeup.wait()
            }
        }
    }

    private mutating func process(_ items: [PendingAppend]) {
        var items = items
        if let failure {
            reject(items[...], with: failure, releasingPendingBytes: true)
            return
        }
        var start = 0
        while start < items.count {
            if activeSize >= segmentBytes && activeSize > WALFormat.segmentHeaderSize {
                do {
                    try rotate()
                } catch {
                    fail(error, written: items[start..<start], pending: items[start...])
                    return
                }
            }
            // Batches for this segment: up to and including the one that reaches segmentBytes.
            var end = start
            var projected = activeSize
            repeat {
                projected += items[end].batch.byteCount
                end += 1
            } while end < items.count && projected < segmentBytes

            var ranges: [ClosedRange<UInt64>] = []
            ranges.reserveCapacity(end - start)
            var vectors: [iovec] = []
            vectors.reserveCapacity(end - start)
            var byteCount = 0
            // Keeps every buffer alive until the write is done.
            var storages: [WALBatch.Storage] = []
            storages.reserveCapacity(end - start)
            for index in start..<end {
                let count = items[index].batch.count
                let storage = items[index].batch.uniqueStorage().unsafelyUnwrapped
                Self.stamp(storage, firstSeq: nextSeq)
                ranges.append(nextSeq...(nextSeq + UInt64(count) - 1))
                nextSeq += UInt64(count)
                vectors.append(iovec(iov_base: storage.base, iov_len: storage.length))
                byteCount += storage.length
                storages.append(storage)
            }
            let lastSeq = ranges[ranges.count - 1].upperBound
            let segmentPath = active.path

            // From here on the sub-round's bytes count as on disk, not pending.
            activeSize += byteCount
            let sizeNow = activeSize
            shared.state.withLock { state in
                state.pendingBytes -= byteCount
                state.bytesOnDisk += byteCount
            }
            do {
                try SystemCalls.writevAll(active.fd, &vectors, path: segmentPath)
            } catch {
                fail(error, written: items[start..<end], pending: items[end...])
                return
            }
            withExtendedLifetime(storages) {}
            shared.state.withLock { state in
                state.lastSeq = lastSeq
                state.segments[state.segments.count - 1].size = sizeNow
            }

            var syncSeconds: Double? = nil
            if durability == .fsync {
                let clock = ContinuousClock()
                let began = clock.now
                do {
                    try SystemCalls.syncData(active.fd, path: segmentPath)
                    if activeNeedsDirectorySync {
                        try SystemCalls.syncDirectory(directory)
                        activeNeedsDirectorySync = false
                    }
                } catch {
                    fail(error, written: items[start..<end], pending: items[end...])
                    return
                }
                let elapsed = clock.now - began
                syncSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            }

            let waiters = shared.state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.durableSeq = lastSeq
                state.segments[state.segments.count - 1].readableEnd = sizeNow
                if let syncSeconds {
                    state.recordFsync(seconds: syncSeconds)
                }
                return state.takeSatisfiedWaiters()
            }
            for (offset, index) in (start..<end).enumerated() {
                items[index].continuation.resume(returning: .success(ranges[offset]))
            }
            for waiter in waiters { waiter.resume() }
            start = end
        }
    }

    /// Fills in seqs and finishes CRCs of every record in a batch, in place.
    static func stamp(_ storage: WALBatch.Storage, firstSeq: UInt64) {
        var offset = 0
        var seq = firstSeq
        let base = storage.base
        let end = storage.length
        while offset < end {
            let record = base + offset
            let length = Int(UnsafeRawPointer(record).loadLE32(at: WALFormat.lengthOffset))
            let payloadState = UnsafeRawPointer(record).loadLE32(at: WALFormat.crcOffset)
            record.storeLE(seq, at: WALFormat.seqOffset)
            record.storeLE(WALFormat.recordCRC(payloadState: payloadState, header: record), at: WALFormat.crcOffset)
            offset += WALFormat.recordHeaderSize + length
            seq += 1
        }
    }

    /// Seals the active segment and starts `<nextSeq>.wal`. The active segment is already
    /// durable: every round syncs before it returns.
    private mutating func rotate() throws(WALError) {
        let firstSeq = nextSeq
        let path = directory + "/" + WALFormat.segmentFileName(firstSeq: firstSeq)
        let file = try SystemCalls.openDescriptor(path, flags: O_WRONLY | O_CREAT | O_EXCL | O_APPEND)
        try SystemCalls.writeAll(file.fd, WALFormat.segmentHeader(firstSeq: firstSeq), path: path)
        let headerSize = WALFormat.segmentHeaderSize
        shared.state.withLock { state in
            state.segments[state.segments.count - 1].sealed = true
            state.segments.append(
                SegmentEntry(firstSeq: firstSeq, path: path, size: headerSize, readableEnd: headerSize, sealed: false)
            )
            state.bytesOnDisk += headerSize
        }
        shared.logger.debug("WAL segment started", metadata: ["wal.segment": "\(path)"])
        active = file
        activeSize = headerSize
        activeNeedsDirectorySync = durability == .fsync
    }

    /// Stops accepting writes after an I/O error: rolls the active segment back to its last
    /// durable size (best effort), fails the appends of the current round and every later one.
    /// - Parameters:
    ///   - written: Appends whose bytes were already moved from pending to on-disk accounting.
    ///   - pending: Appends still counted as pending.
    private mutating func fail(
        _ error: WALError,
        written: ArraySlice<PendingAppend>,
        pending: ArraySlice<PendingAppend>
    ) {
        shared.logger.error(
            "WAL write failed; the log accepts no more appends until restarted",
            metadata: ["wal.segment": "\(active.path)", "wal.error": "\(error)"]
        )
        let stopped = WALError(
            code: .io,
            message: "The WAL stopped accepting appends after a write error on '\(active.path)': \(error.message) Fix the disk and restart; recovery keeps every acknowledged record.",
            errno: error.errno
        )
        failure = stopped
        let durableEnd = shared.state.withLock { state in state.segments[state.segments.count - 1].readableEnd }
        _ = try? SystemCalls.truncate(active.fd, length: durableEnd, path: active.path)
        let removed = activeSize - durableEnd
        activeSize = durableEnd
        shared.state.withLock { state in
            state.failure = stopped
            state.bytesOnDisk -= removed
            state.lastSeq = state.durableSeq
            state.segments[state.segments.count - 1].size = durableEnd
        }
        reject(written, with: error, releasingPendingBytes: false)
        reject(pending, with: error, releasingPendingBytes: true)
    }

    private func reject(_ items: ArraySlice<PendingAppend>, with error: WALError, releasingPendingBytes: Bool) {
        if releasingPendingBytes {
            let bytes = items.reduce(0) { $0 + $1.batch.byteCount }
            shared.state.withLock { state in state.pendingBytes -= bytes }
        }
        for item in items {
            item.continuation.resume(returning: .failure(error))
        }
    }

    /// Last work of the thread: make `.none` data durable on a clean close, release the
    /// directory lock, then wake `close()` and every remaining waiter.
    private mutating func finish() {
        if durability == .none && failure == nil {
            do {
                try SystemCalls.syncData(active.fd, path: active.path)
                try SystemCalls.syncDirectory(directory)
            } catch {
                shared.logger.error("WAL final sync failed", metadata: ["wal.segment": "\(active.path)", "wal.error": "\(error)"])
            }
        }
        directoryLock = nil
        let (closers, waiters) = shared.state.withLock { state in
            state.writerExited = true
            let closers = state.closeWaiters
            state.closeWaiters = []
            return (closers, state.takeSatisfiedWaiters())
        }
        for waiter in waiters { waiter.resume() }
        for closer in closers { closer.resume() }
        shared.logger.debug("WAL writer stopped", metadata: ["wal.directory": "\(directory)"])
    }
}
