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
        self.corruptRecordsSkipped = corruptRecordsSkipped
        self.pendingBatches = pendingBatches
        self.pendingBytes = pendingBytes
    }
}
