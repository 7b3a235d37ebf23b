/// What ``WriteAheadLog/open(_:logger:)`` found on disk and repaired.
public struct WALRecoveryReport: Sendable {
    /// Segment files found (after creating the first one in an empty directory).
    public var segments: Int
    /// Valid records on disk.
    public var records: Int
    /// Highest valid sequence number on disk (0 when there is none). The next append starts
    /// after it, or after the last segment's `firstSeq - 1` if that is larger.
    public var lastSeq: UInt64
    /// Bytes cut off the end of the last segment: a record torn by a crash, or garbage after it.
    public var tornTailBytesTruncated: Int
    /// Corrupt regions skipped (each is usually one record): invalid bytes followed by valid
    /// records, or anywhere in a segment that is not the last.
    public var corruptRecordsSkipped: Int
    /// One human description per problem found: file, offset and reason; never payload bytes.
    public var corruptions: [String]

    /// Creates a report.
    public init(
        segments: Int = 0,
        records: Int = 0,
        lastSeq: UInt64 = 0,
        tornTailBytesTruncated: Int = 0,
        corruptRecordsSkipped: Int = 0,
        corruptions: [String] = []
    ) {
        self.segments = segments
        self.records = records
        self.lastSeq = lastSeq
        self.tornTailBytesTruncated = tornTailBytesTruncated
        self.corruptRecordsSkipped = corruptRecordsSkipped
        self.corruptions = corruptions
    }
}
