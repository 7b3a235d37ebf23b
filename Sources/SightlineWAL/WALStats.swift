/// A snapshot of the log's counters, from ``WriteAheadLog/stats()``.
public struct WALStats: Sendable {
    /// Segment files currently in the directory.
    public var segments: Int
    /// Bytes of all segment files.
    public var bytesOnDisk: Int
    /// Highest sequence number written (handed to the kernel).
    public var lastSeq: UInt64
    /// Highest sequence number known durable (synced in `.fsync` mode, written in `.none`).
    public var durableSeq: UInt64
    /// Number of `fdatasync` calls for appended data since open.
    public var fsyncCount: Int
    /// Duration of the most recent `fdatasync`, in seconds.
    public var lastFsyncSeconds: Double
    /// Sum of all `fdatasync` durations since open, in seconds.
    public var fsyncSecondsTotal: Double
    /// `fdatasync` calls that took at most ``fsyncBucketBounds``[i] seconds, cumulative (as a
    /// Prometheus histogram's buckets); the `+Inf` bucket is ``fsyncCount``.
    public var fsyncBuckets: [Int]

    /// Upper bounds, in seconds, of the fsync latency histogram buckets.
    public static let fsyncBucketBounds: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
    /// Distinct corrupt regions known: those found at open plus new ones found by cursors.
    public var corruptRecordsSkipped: Int
    /// Appended batches waiting for the writer.
    public var pendingBatches: Int
    /// Bytes of appended batches waiting for the writer.
    public var pendingBytes: Int

    /// Creates a snapshot.
    public init(
        segments: Int = 0,
        bytesOnDisk: Int = 0,
        lastSeq: UInt64 = 0,
        durableSeq: UInt64 = 0,
        fsyncCount: Int = 0,
        lastFsyncSeconds: Double = 0,
        fsyncSecondsTotal: Double = 0,
        fsyncBuckets: [Int] = Array(repeating: 0, count: WALStats.fsyncBucketBounds.count),
        corruptRecordsSkipped: Int = 0,
        pendingBatches: Int = 0,
        pendingBytes: Int = 0
    ) {
        self.segments = segments
        self.bytesOnDisk = bytesOnDisk
        self.lastSeq = lastSeq
        self.durableSeq = durableSeq
        self.fsyncCount = fsyncCount
        self.lastFsyncSeconds = lastFsyncSeconds
        self.fsyncSecondsTotal = fsyncSecondsTotal
        self.fsyncBuckets = fsyncBuckets
        self.corruptRecordsSkipped = corruptRecordsSkipped
        self.pendingBatches = pendingBatches
        self.pendingBytes = pendingBytes
    }
}
