/// How hard ``WriteAheadLog/append(_:)`` works to make records survive a crash before it returns.
public enum WALDurability: String, Sendable, CaseIterable {
    /// Default. Records are written and `fdatasync`ed before the append returns; one sync is
    /// shared by every append waiting at that moment (group commit).
    case fsync
    /// Records are only handed to the kernel with `write()`. A process crash loses nothing, a
    /// power loss or kernel crash can lose acknowledged records. For benchmarks only.
    case none
}

/// Where the WAL lives and how big it may grow.
///
/// ```swift
/// let configuration = WALConfiguration(directory: "/var/lib/sightline/wal", maxTotalBytes: 8 << 30)
/// ```
public struct WALConfiguration: Sendable {
    /// The directory holding the segment files; created if missing.
    public var directory: String
    /// Size at which the writer starts a new segment (checked between batches, so a segment can
    /// exceed it by one batch). Default 64 MiB.
    public var segmentBytes: Int
    /// Disk quota for all segments together; appends beyond it throw ``WALError/Code/full``.
    /// Must be at least twice `segmentBytes`. Default 4 GiB.
    public var maxTotalBytes: Int
    /// When appends return. Default ``WALDurability/fsync``.
    public var durability: WALDurability

    /// Creates a configuration.
    /// - Parameters:
    ///   - directory: The directory holding the segment files; created if missing.
    ///   - segmentBytes: Size at which a new segment is started. Default 64 MiB.
    ///   - maxTotalBytes: Disk quota for all segments. Default 4 GiB.
    ///   - durability: When appends return. Default ``WALDurability/fsync``.
    public init(
        directory: String,
        segmentBytes: Int = 64 << 20,
        maxTotalBytes: Int = 4 << 30,
        durability: WALDurability = .fsync
    ) {
        self.directory = directory
        self.segmentBytes = segmentBytes
        self.maxTotalBytes = maxTotalBytes
        self.durability = durability
    }

    /// The smallest accepted `segmentBytes`.
    static let minimumSegmentBytes = 64

    /// Throws ``WALError/Code/invalidConfiguration`` when a value is unusable.
    func validate() throws(WALError) {
        if directory.isEmpty {
            throw WALError(
                code: .invalidConfiguration,
                message: "WAL directory is empty; set WALConfiguration.directory to a writable directory path."
            )
        }
        if segmentBytes < Self.minimumSegmentBytes {
            throw WALError(
                code: .invalidConfiguration,
                message: "segmentBytes is \(segmentBytes); it must be at least \(Self.minimumSegmentBytes) (the default is 64 MiB)."
            )
        }
        if maxTotalBytes / 2 < segmentBytes {
            throw WALError(
                code: .invalidConfiguration,
                message: "maxTotalBytes (\(maxTotalBytes)) must be at least twice segmentBytes (\(segmentBytes)) so that finished segments can be removed while the active one fills; raise maxTotalBytes or lower segmentBytes."
            )
        }
    }
}
