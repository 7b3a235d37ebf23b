#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered, sequential reads of one segment file with `pread`, plus record validation and
/// resynchronisation after corruption. Shared by recovery (``WALRecovery``) and ``WALCursor``.
///
/// The reader keeps a window of the file in memory (`chunkSize`, grown for larger records) and
/// refills it only when a request falls outside it, keeping the overlapping bytes, so scanning a
/// segment reads every byte once in big chunks.
struct SegmentReader: Sendable {
    /// The outcome of looking for a record at an offset.
    enum Probe: Equatable {
        /// A complete record whose CRC matches; the payload starts at offset + 20.
        case record(seq: UInt64, length: Int)
        /// No bytes left before the limit.
        case end
        /// The bytes at the offset are not a valid record; the reason is for humans.
        case invalid(String)
    }

    let file: FileDescriptor
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    /// File offset of `buffer[0]`.
    private var bufferStart = 0
    /// Valid bytes in `buffer`.
    private var bufferCount = 0

    init(file: FileDescriptor, chunkSize: Int = 1 << 20) {
        self.file = file
        self.chunkSize = chunkSize
    }

    /// Makes bytes `[offset, offset + count)` available in the window. The caller guarantees
    /// `offset + count <= limit` and that the file holds at least `limit` bytes.
    mutating func ensure(_ offset: Int, count: Int, limit: Int) throws(WALError) {
        if offset >= bufferStart && offset + count <= bufferStart + bufferCount { return }
        let total = max(count, min(chunkSize, limit - offset))
        var keep = 0
        if offset >= bufferStart && offset < bufferStart + bufferCount {
            keep = bufferStart + bufferCount - offset
        }
        let from = offset - bufferStart
        if buffer.count < total || buffer.count > 4 * max(chunkSize, total) {
            // Grow for a large record, or give back memory after one.
            var replacement = [UInt8](unsafeUninitializedCapacity: total) { _, initialized in initialized = total }
            if keep > 0 {
                replacement.withUnsafeMutableBytes { destination in
                    buffer.withUnsafeBytes { source in
                        _ = memcpy(destination.baseAddress!, source.baseAddress! + from, keep)
                    }
                }
            }
            buffer = replacement
        } else if keep > 0 && from > 0 {
            buffer.withUnsafeMutableBytes { bytes in
                _ = memmove(bytes.baseAddress!, bytes.baseAddress! + from, keep)
            }
        }
        try fill(offset: offset, keep: keep, total: total, required: count)
    }

    /// Reads `total - keep` bytes into the window after `keep` kept bytes.
    private mutating func fill(offset: Int, keep: Int, total: Int, required: Int) throws(WALError) {
        let file = self.file
        let read = try buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(WALError) -> Int in
                try SystemCalls.readFully(
                    file.fd, into: bytes.baseAddress! + keep, count: total - keep, offset: offset + keep, path: file.path
                )
            }
        }.get()
        bufferStart = offset
        bufferCount = keep + read
        if bufferCount < required {
            throw WALError(
                code: .io,
                message: "Segment '\(file.path)' ended at \(offset + bufferCount) bytes while \(offset + required) were expected; was it truncated or replaced by another process? Restart so recovery can re-scan it."
            )
        }
    }

    /// Calls `body` with bytes `[offset, offset + count)`, which must be in the window.
    func withBytes<R>(at offset: Int, count: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        precondition(offset >= bufferStart && offset + count <= bufferStart + bufferCount)
        return buffer.withUnsafeBytes { bytes in
            body(UnsafeRawBufferPointer(rebasing: bytes[(offset - bufferStart)..<(offset - bufferStart + count)]))
        }
    }

    /// Validates the record at `offset`; bytes at or past `limit` are never read.
    mutating func probe(at offset: Int, limit: Int) throws(WALError) -> Probe {
        let available = limit - offset
        if available <= 0 { return .end }
        if available < WALFormat.recordHeaderSize {
            return .invalid("incomplete record header (\(available) bytes before the end of data)")
        }
        try ensure(offset, count: WALFormat.recordHeaderSize, limit: limit)
        let (magic, length, seq, storedCRC) = withBytes(at: offset, count: WALFormat.recordHeaderSize) { header in
            let base = header.baseAddress!
            return (
                base.loadLE32(at: 0), Int(base.loadLE32(at: WALFormat.lengthOffset)),
                base.loadLE64(at: WALFormat.seqOffset), base.loadLE32(at: WALFormat.crcOffset)
            )
        }
        if magic != WALFormat.recordMagic {
            return .invalid("bad record magic")
        }
        if length > WALFormat.maxPayloadBytes || length > available - WALFormat.recordHeaderSize {
            return .invalid("record length \(length) runs past the end of data (\(available - WALFormat.recordHeaderSize) bytes left)")
        }
        try ensure(offset, count: WALFormat.recordHeaderSize + length, limit: limit)
        let computed = withBytes(at: offset, count: WALFormat.recordHeaderSize + length) { record in
            let base = record.baseAddress!
            let payloadState = CRC32C.update(
                CRC32C.initialState,
                UnsafeRawBufferPointer(start: base + WALFormat.recordHeaderSize, count: length)
            )
            return WALFormat.recordCRC(payloadState: payloadState, header: base)
        }
        if computed != storedCRC {
            return .invalid("checksum mismatch")
        }
        return .record(seq: seq, length: length)
    }

    /// Copies the payload of a record that `probe(at:limit:)` just accepted.
    func payload(ofRecordAt offset: Int, length: Int) -> [UInt8] {
        withBytes(at: offset + WALFormat.recordHeaderSize, count: length) { Array($0) }
    }

    /// Finds the first valid record at or after `start` whose seq is greater than `minSeq`, by
    /// scanning for the record magic and validating each candidate's CRC.
    mutating func resync(from start: Int, limit: Int, after minSeq: UInt64) throws(WALError) -> (offset: Int, seq: UInt64)? {
        var position = start
        while position + WALFormat.recordHeaderSize <= limit {
            let windowEnd = min(limit, position + chunkSize)
            try ensure(position, count: windowEnd - position, limit: limit)
            let candidate = withBytes(at: position, count: windowEnd - position) { bytes -> Int? in
                guard bytes.count >= 4 else { return nil }
                let base = bytes.baseAddress!
                var i = 0
                let last = bytes.count - 4
                while i <= last {
                    if base.load(fromByteOffset: i, as: UInt8.self) == 0x52 && base.loadLE32(at: i) == WALFormat.recordMagic {
                        return i
                    }
                    i += 1
                }
                return nil
            }
            guard let found = candidate else {
                if windowEnd >= limit { return nil }
                position = max(position + 1, windowEnd - 3)
                continue
            }
            let offset = position + found
            if case .record(let seq, _) = try probe(at: offset, limit: limit), seq > minSeq {
                return (offset, seq)
            }
            position = offset + 1
        }
        return nil
    }
}
