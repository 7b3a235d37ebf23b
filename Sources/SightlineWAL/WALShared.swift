import Dispatch
import Logging
import Synchronization

/// One segment as the writer, cursors and `removeSegments` see it.
struct SegmentEntry: Sendable {
    /// Sequence number of the first record the segment may hold (from its file name).
    let firstSeq: UInt64
    /// Full path of the file.
    let path: String
    /// Bytes in the file.
    var size: Int
    /// Bytes cursors may read: whole, durable records only (the writer may be writing past it).
    var readableEnd: Int
    /// Whether the writer has moved on to a later segment; `readableEnd` is then final.
    var sealed: Bool
}

/// Identifies a corrupt region so it is counted once, whoever finds it.
struct CorruptionKey: Hashable, Sendable {
    let segmentFirstSeq: UInt64
    let offset: Int
}

/// A batch waiting for the writer, with the continuation of the task that appended it.
struct PendingAppend: Sendable {
    var batch: WALBatch
    let continuation: CheckedContinuation<Result<ClosedRange<UInt64>, WALError>, Never>
}

/// A task waiting in ``WriteAheadLog/waitForDurable(beyond:)``.
struct DurableWaiter: Sendable {
    let seq: UInt64
    let continuation: CheckedContinuation<Void, Never>
}

/// Everything the appenders, the writer thread, cursors and `removeSegments` share. It lives
/// behind one `Mutex`; each critical section is short and does no I/O.
struct WALState: Sendable {
    var pending: [PendingAppend] = []
    var pendingBytes = 0
    /// Set by the writer right before it blocks on `wakeup`; whoever clears it signals.
    var writerIdle = false
    /// Test hook: while set, the writer leaves pending batches queued.
    var writerPaused = false
    var isClosed = false
    var writerExited = false
    /// The write error that stopped the writer; later appends fail with it.
    var failure: WALError?

    var segments: [SegmentEntry]
    var bytesOnDisk: Int
    var lastSeq: UInt64
    var durableSeq: UInt64
    var fsyncCount = 0
    var lastFsyncSeconds = 0.0
    var fsyncSecondsTotal = 0.0
    /// Per-bucket (not cumulative) fsync counts; see ``WALStats/fsyncBuckets``.
    var fsyncBucketCounts = Array(repeating: 0, count: WALStats.fsyncBucketBounds.count)

    /// Counts one fdatasync of `seconds`.
    mutating func recordFsync(seconds: Double) {
        fsyncCount += 1
        lastFsyncSeconds = seconds
        fsyncSecondsTotal += seconds
        if let bucket = WALStats.fsyncBucketBounds.firstIndex(where: { seconds <= $0 }) {
            fsyncBucketCounts[bucket] += 1
        }
    }
    var corruptRecordsSkipped: Int
    var knownCorruptions: Set<CorruptionKey>

    var durableWaiters: [UInt64: DurableWaiter] = [:]
    var nextWaiterID: UInt64 = 0
    var closeWaiters: [CheckedContinuation<Void, Never>] = []

    /// Removes and returns the waiters satisfied by the current `durableSeq` (all when closed).
    mutating func takeSatisfiedWaiters() -> [CheckedContinuation<Void, Never>] {
        if durableWaiters.isEmpty { return [] }
        var ready: [CheckedContinuation<Void, Never>] = []
        for (id, waiter) in durableWaiters where isClosed || waiter.seq < durableSeq {
            ready.append(waiter.continuation)
            durableWaiters[id] = nil
        }
        return ready
    }
}

/// The state shared between a ``WriteAheadLog``, its writer thread and its cursors.
final class WALShared: Sendable {
    let configuration: WALConfiguration
    let logger: Logger
    let state: Mutex<WALState>
    /// The writer blocks here while idle; signalled once per `writerIdle` true → false.
    let wakeup = DispatchSemaphore(value: 0)

    init(configuration: WALConfiguration, logger: Logger, state: WALState) {
        self.configuration = configuration
        self.logger = logger
        self.state = Mutex(state)
    }

    /// Marks the log closed and wakes the writer so it drains and exits.
    func requestClose() {
        let wake = state.withLock { state -> Bool in
            state.isClosed = true
            if state.writerIdle {
                state.writerIdle = false
                return true
            }
            return false
        }
        if wake { wakeup.signal() }
    }

    /// Test hook: holds pending batches back from the writer, or releases them.
    func setWriterPaused(_ paused: Bool) {
        let wake = state.withLock { state -> Bool in
            state.writerPaused = paused
            if !paused && state.writerIdle {
                state.writerIdle = false
                return true
            }
            return false
        }
        if wake { wakeup.signal() }
    }

    /// The segment a cursor should read next: the one after `previous` if given, otherwise the
    /// one holding `seq` (or the oldest segment when `seq` is older than all of them).
    func segmentForReading(seq: UInt64, after previous: UInt64?) -> SegmentEntry? {
        state.withLock { state in
            if let previous {
                return state.segments.first { $0.firstSeq > previous }
            }
            return state.segments.last { $0.firstSeq <= seq } ?? state.segments.first
        }
    }

    /// The readable end and sealed flag of a segment, or nil when it was removed.
    func readingLimits(segmentFirstSeq: UInt64) -> (readableEnd: Int, sealed: Bool)? {
        state.withLock { state in
            // Usually the last or one of the last few segments: search from the end.
            guard let entry = state.segments.last(where: { $0.firstSeq == segmentFirstSeq }) else { return nil }
            return (entry.readableEnd, entry.sealed)
        }
    }

    /// Records a corrupt region found by a cursor; counted and logged once per region.
    func noteCorruption(_ key: CorruptionKey, description: @autoclosure () -> String) {
        let isNew = state.withLock { state -> Bool in
            guard !state.knownCorruptions.contains(key) else { return false }
            state.knownCorruptions.insert(key)
            state.corruptRecordsSkipped += 1
            return true
        }
        if isNew {
            logger.warning("WAL corruption skipped while reading", metadata: ["wal.problem": "\(description())"])
        }
    }
}
