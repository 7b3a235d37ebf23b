#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads records back in seq order, for the applier and for replay after a restart.
///
/// A cursor only returns whole, durable records (seq <= ``WriteAheadLog/durableSeq``): it never
/// reads bytes the writer may still be writing. It keeps the current segment open and its
/// position, and reads in 1 MiB chunks with `pread`, so each call continues where the last one
/// stopped. It moves to the next segment when it has read a sealed one to its end.
///
/// Corrupt records are skipped (by scanning forward to the next valid record) and counted in
/// ``WALStats/corruptRecordsSkipped`` once per corrupt region.
///
/// `next` does blocking file I/O: call it from a thread that may block (the applier's thread or a
/// thread pool), not from the Swift concurrency pool in a hot loop. A cursor is a value: copies
/// are independent cursors. It holds no lock; the file it reads stays readable even after
/// ``WriteAheadLog/removeSegments(through:)`` deletes it.
///
/// ```swift
/// var cursor = wal.makeCursor(from: checkpoint + 1)
/// while true {
///     let records = try cursor.next(maxRecords: 10_000, maxBytes: 8 << 20)
///     if records.isEmpty { await wal.waitForDurable(beyond: checkpoint); if wal.isClosed { break }; continue }
///     try store.insert(records); checkpoint = records.last!.seq
/// }
/// ```
public struct WALCursor: Sendable {
    private struct Position: Sendable {
        let firstSeq: UInt64
        var reader: SegmentReader
        var offset: Int
        /// Highest seq seen in this segment (valid records must increase).
        var lastSeen: UInt64
    }

    private let shared: WALShared
    /// The next seq to return; records below it are skipped.
    private var nextSeq: UInt64
    private var position: Position?
    /// firstSeq of the last segment finished, to find the one after it.
    private var finishedSegment: UInt64?

    init(shared: WALShared, from seq: UInt64) {
        self.shared = shared
        self.nextSeq = max(seq, 1)
    }

    /// The seq of the next record this cursor will return (records may be missing after it
    /// because of corruption).
    public var nextSequenceNumber: UInt64 { nextSeq }

    /// Returns the next records in seq order.
    ///
    /// - Parameters:
    ///   - maxRecords: At most this many records (positive).
    ///   - maxBytes: Stop adding records once their payloads reach this many bytes (positive); one
    ///     record is returned when one is available, however large.
    /// - Returns: Records with consecutive seqs (except where corrupt ones were skipped), or `[]`
    ///   when the cursor has caught up with ``WriteAheadLog/durableSeq``.
    /// - Throws: ``WALError/Code/io`` when a segment cannot be read.
    public mutating func next(maxRecords: Int, maxBytes: Int) throws(WALError) -> [WALRecord] {
        precondition(maxRecords > 0 && maxBytes > 0, "maxRecords and maxBytes must be positive")
        var records: [WALRecord] = []
        var bytes = 0
        while records.count < maxRecords && bytes < maxBytes {
            if position == nil {
                guard try openNextSegment() else { break }
            }
            let firstSeq = position!.firstSeq
            let limits: (readableEnd: Int, sealed: Bool)
            if let known = shared.readingLimits(segmentFirstSeq: firstSeq) {
                limits = known
            } else {
                // Removed by removeSegments, which never removes the active segment: the file
                // (still open) is complete.
                let file = position!.reader.file
                limits = (try SystemCalls.fileSize(file.fd, path: file.path), true)
            }
            try readRecords(upTo: limits.readableEnd, into: &records, bytes: &bytes, maxRecords: maxRecords, maxBytes: maxBytes)
            if position!.offset < limits.readableEnd { break }  // stopped by maxRecords/maxBytes
            if limits.sealed {
                finishedSegment = firstSeq
                position = nil
                continue
            }
            break  // caught up with the writer
        }
        return records
    }

    private mutating func readRecords(
        upTo limit: Int,
        into records: inout [WALRecord],
        bytes: inout Int,
        maxRecords: Int,
        maxBytes: Int
    ) throws(WALError) {
        guard var current = position else { return }
        defer { position = current }
        while current.offset < limit && records.count < maxRecords && bytes < maxBytes {
            let reason: String
            switch try current.reader.probe(at: current.offset, limit: limit) {
            case .end:
                return
            case .record(let seq, let length) where seq > current.lastSeen:
                if seq >= nextSeq {
                    records.append(WALRecord(seq: seq, payload: current.reader.payload(ofRecordAt: current.offset, length: length)))
                    bytes += length
                    nextSeq = seq + 1
                }
                current.lastSeen = seq
                current.offset += WALFormat.recordHeaderSize + length
                continue
            case .record(let seq, _):
                reason = "sequence number \(seq) does not follow \(current.lastSeen)"
            case .invalid(let why):
                reason = why
            }
            let start = current.offset
            let resumed = try current.reader.resync(from: start + 1, limit: limit, after: current.lastSeen)
            let end = resumed?.offset ?? limit
            let path = current.reader.file.path
            shared.noteCorruption(
                CorruptionKey(segmentFirstSeq: current.firstSeq, offset: start),
                description: "\(path) offset \(start): \(reason); skipped \(end - start) bytes"
            )
            current.offset = end
        }
    }

    /// Opens the segment to read next; false when there is none (yet).
    private mutating func openNextSegment() throws(WALError) -> Bool {
        while true {
            guard let entry = shared.segmentForReading(seq: nextSeq, after: finishedSegment) else { return false }
            let file: FileDescriptor
            do {
                file = try SystemCalls.openDescriptor(entry.path, flags: O_RDONLY)
            } catch where error.errno == ENOENT {
                // Removed between the lookup and the open; look again.
                if shared.readingLimits(segmentFirstSeq: entry.firstSeq) != nil { throw error }
                continue
            }
            position = Position(
                firstSeq: entry.firstSeq,
                reader: SegmentReader(file: file),
                offset: WALFormat.segmentHeaderSize,
                lastSeen: entry.firstSeq &- 1
            )
            return true
        }
    }
}
