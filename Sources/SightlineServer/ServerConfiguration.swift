import SightlineCore
import SightlineIngest
import SightlineWAL

/// Everything `sightline serve` can be told. Defaults suit one machine and 10k-event batches.
public struct ServerConfiguration: Sendable {
    /// Where the log segments, the SQLite file and the keys live.
    public var dataDirectory: String
    public var host = "127.0.0.1"
    public var port = 7070
    /// `.fsync` (default) acknowledges only after fdatasync; `.none` is for benchmarks.
    public var durability: WALDurability = .fsync
    /// Largest request body, before and after gzip decompression.
    public var maxBodyBytes = 64 << 20
    /// Batch and event limits.
    public var ingest = Ingestor.Configuration()
    /// Disk quota of the write-ahead log; beyond it ingest answers 503.
    public var walQuotaBytes = 4 << 30
    /// Size at which the log rolls over to a new segment.
    public var walSegmentBytes = 64 << 20
    /// Keys pinned from the environment (`SIGHTLINE_INGEST_KEY`, `SIGHTLINE_READ_KEY`).
    public var pinnedIngestKey: String?
    public var pinnedReadKey: String?
    /// The dashboard admin's password, pinned from `SIGHTLINE_ADMIN_PASSWORD`.
    public var pinnedAdminPassword: String?
    /// Mark the session cookie `Secure` (set when Sightline is served over HTTPS, e.g. behind a
    /// TLS-terminating proxy).
    public var secureCookies = false
    /// Largest page of `GET /v1/events`.
    public var maxPageSize = 1000
    /// Whether stored events go through the security detectors (off for bulk imports that ask).
    public var detection = true
    /// Most rows one `POST /v1/query` may return; more is an error that says so.
    public var queryMaxRows = 10_000
    /// Longest one query may run before it is stopped.
    public var queryTimeLimit: Duration = .seconds(10)

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }
}
