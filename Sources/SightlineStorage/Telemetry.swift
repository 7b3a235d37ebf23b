import SightlineCore

/// A span as a backend keeps it: the span (for the indexed columns) and its document.
///
/// Invariants: `document` is ``TelemetryDocument/document(of:)-(LinkedSpan)`` of `span`, byte for
/// byte, and is what reads return; `(traceID, spanID)` is the de-duplication key (an exporter that
/// sends a span twice stores it once); `seq` is the write-ahead-log record that carried it.
public struct StoredSpan: Sendable, Equatable {
    public var seq: UInt64
    public var span: LinkedSpan
    public var document: [UInt8]

    public init(seq: UInt64, span: LinkedSpan, document: [UInt8]) {
        self.seq = seq
        self.span = span
        self.document = document
    }

    /// Encodes the document of `span`.
    public init(seq: UInt64, span: LinkedSpan) {
        self.init(seq: seq, span: span, document: TelemetryDocument.document(of: span))
    }
}

/// A log record as a backend keeps it.
///
/// Invariants: `log.id` is set (the de-duplication key, with `seq` the write-ahead-log record);
/// `document` is the record's ``TelemetryDocument``, returned byte for byte.
public struct StoredLog: Sendable, Equatable {
    public var seq: UInt64
    public var log: LinkedLog
    public var document: [UInt8]

    public init(seq: UInt64, log: LinkedLog, document: [UInt8]) {
        precondition(log.id != nil, "a stored log record has an id (the ingestor sets it)")
        self.seq = seq
        self.log = log
        self.document = document
    }

    /// Encodes the document of `log`.
    public init(seq: UInt64, log: LinkedLog) {
        self.init(seq: seq, log: log, document: TelemetryDocument.document(of: log))
    }
}

/// The spans and log records of one store batch.
public struct TelemetryBatch: Sendable, Equatable {
    public var spans: [StoredSpan]
    public var logs: [StoredLog]

    public init(spans: [StoredSpan] = [], logs: [StoredLog] = []) {
        self.spans = spans
        self.logs = logs
    }

    public var isEmpty: Bool { spans.isEmpty && logs.isEmpty }
    public static let empty = TelemetryBatch()
}

/// Conditions on log records, all of which must hold.
public struct LogFilter: Sendable, Equatable {
    public var fromMicros: Int64?
    /// Exclusive.
    public var toMicros: Int64?
    public var service: String?
    public var traceID: String?
    /// Records of this severity number or above (1...24).
    public var minimumSeverity: Int?
    /// Records whose body contains this text (case-sensitive).
    public var bodyContains: String?

    public init(
        fromMicros: Int64? = nil, toMicros: Int64? = nil, service: String? = nil, traceID: String? = nil,
        minimumSeverity: Int? = nil, bodyContains: String? = nil
    ) {
        self.fromMicros = fromMicros
        self.toMicros = toMicros
        self.service = service
        self.traceID = traceID
        self.minimumSeverity = minimumSeverity
        self.bodyContains = bodyContains
    }
}

/// Everything stored about one trace: its API events, its other spans and its log records.
///
/// Invariants: events and spans oldest first (by start), logs oldest first (by time); each list is
/// at most the limit the reader was given, and `truncated` says whether any was cut.
public struct TraceRecords: Sendable, Equatable {
    public var eventDocuments: [[UInt8]]
    public var spanDocuments: [[UInt8]]
    public var logDocuments: [[UInt8]]
    public var truncated: Bool

    public init(eventDocuments: [[UInt8]], spanDocuments: [[UInt8]], logDocuments: [[UInt8]], truncated: Bool) {
        self.eventDocuments = eventDocuments
        self.spanDocuments = spanDocuments
        self.logDocuments = logDocuments
        self.truncated = truncated
    }

    public var isEmpty: Bool { eventDocuments.isEmpty && spanDocuments.isEmpty && logDocuments.isEmpty }
}

/// Reads spans and log records.
///
/// Invariants: documents byte for byte as written; filter values are data, never query text; log
/// pages are newest first by `(timestampMicros, seq)` with the same cursor rules as events.
public protocol TelemetryReader: Sendable {
    /// The events, spans and logs of the trace `traceID` (32 lower-case hex digits), at most
    /// `limit` of each.
    ///
    /// - Throws: ``StorageError``.
    func trace(id traceID: String, limit: Int) async throws -> TraceRecords

    /// Log records newest first; `after` continues a previous page.
    ///
    /// - Throws: ``StorageError``.
    func logs(matching filter: LogFilter, after cursor: EventCursor?, limit: Int) async throws -> EventPage
}
