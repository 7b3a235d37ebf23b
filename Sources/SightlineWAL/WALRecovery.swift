#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// The scan that ``WriteAheadLog/open(_:logger:)`` runs before accepting appends.
///
/// Rules (see `docs/specs/wal.md`):
/// - Records are checked in file order: magic, length within the file, CRC, and a seq greater
///   than the previous valid seq of the segment.
/// - At an invalid record the scanner looks forward for the next valid record (record magic
///   whose CRC validates and whose seq is larger). If it finds one, the bytes in between are a
///   corrupt region: skipped, counted, reported. If it finds none and this is the last segment,
///   the rest is a torn tail and is truncated. In any other segment it is a corrupt region.
/// - Nothing about a record is fatal. Only segments whose sequence numbers overlap are.
enum WALRecovery {
    struct Result {
        var segments: [SegmentEntry]
        var report: WALRecoveryReport
        var knownCorruptions: Set<CorruptionKey>
        /// The seq the next append gets.
        var nextSeq: UInt64
    }

    static func run(configuration: WALConfiguration, logger: Logger) throws(WALError) -> Result {
        let directory = configuration.directory
        var report = WALRecoveryReport()
        var known = Set<CorruptionKey>()
        var entries: [SegmentEntry] = []
        var lastValidSeq: UInt64 = 0
        var lastSegmentLastSeq: UInt64? = nil

        let names = try SystemCalls.listDirectory(directory)
        let segmentFiles = names.compactMap { name in WALFormat.firstSeq(fromFileName: name).map { ($0, name) } }
            .sorted { $0.0 < $1.0 }

        for (index, (firstSeq, name)) in segmentFiles.enumerated() {
            let path = directory + "/" + name
            let isLast = index == segmentFiles.count - 1
            let file = try SystemCalls.openDescriptor(path, flags: isLast ? O_RDWR : O_RDONLY)
            var size = try SystemCalls.fileSize(file.fd, path: path)

            if size < WALFormat.segmentHeaderSize {
                if isLast {
                    // Crashed while creating the segment: start it over.
                    try SystemCalls.truncate(file.fd, length: 0, path: path)
                    try SystemCalls.writeAll(file.fd, WALFormat.segmentHeader(firstSeq: firstSeq), path: path)
                    try SystemCalls.syncFile(file.fd, path: path)
                    report.tornTailBytesTruncated += size
                    report.corruptions.append("\(name): segment header incomplete (\(size) bytes); header rewritten")
                    size = WALFormat.segmentHeaderSize
                } else {
                    report.corruptions.append("\(name): segment shorter than its header (\(size) bytes); no records")
                }
                entries.append(SegmentEntry(firstSeq: firstSeq, path: path, size: size, readableEnd: size, sealed: !isLast))
                continue
            }

            var reader = SegmentReader(file: file, chunkSize: 4 << 20)
            try reader.ensure(0, count: WALFormat.segmentHeaderSize, limit: size)
            let headerSeq = reader.withBytes(at: 0, count: WALFormat.segmentHeaderSize) { WALFormat.parseSegmentHeader($0) }
            if headerSeq != firstSeq {
                let found = headerSeq.map { "firstSeq \($0)" } ?? "bad magic"
                report.corruptions.append("\(name) offset 0: segment header does not match the file name (\(found)); records are still read")
            }

            var offset = WALFormat.segmentHeaderSize
            var lastSeen = firstSeq &- 1
            var segmentLastSeq: UInt64? = nil
            scan: while true {
                let reason: String
                switch try reader.probe(at: offset, limit: size) {
                case .end:
                    break scan
                case .record(let seq, let length) where seq > lastSeen:
                    lastSeen = seq
                    segmentLastSeq = seq
                    report.records += 1
                    offset += WALFormat.recordHeaderSize + length
                    continue scan
                case .record(let seq, _):
                    reason = "sequence number \(seq) does not follow \(lastSeen)"
                case .invalid(let why):
                    reason = why
                }
                if let next = try reader.resync(from: offset + 1, limit: size, after: lastSeen) {
                    known.insert(CorruptionKey(segmentFirstSeq: firstSeq, offset: offset))
                    report.corruptRecordsSkipped += 1
                    report.corruptions.append(
                        "\(name) offset \(offset): \(reason); skipped \(next.offset - offset) bytes up to the next valid record (seq \(next.seq))"
                    )
                    offset = next.offset
                } else if isLast {
                    let cut = size - offset
                    try SystemCalls.truncate(file.fd, length: offset, path: path)
                    try SystemCalls.syncFile(file.fd, path: path)
                    report.tornTailBytesTruncated += cut
                    report.corruptions.append("\(name) offset \(offset): \(reason); truncated \(cut) bytes of torn tail")
                    size = offset
                    break scan
                } else {
                    known.insert(CorruptionKey(segmentFirstSeq: firstSeq, offset: offset))
                    report.corruptRecordsSkipped += 1
                    report.corruptions.append(
                        "\(name) offset \(offset): \(reason); the remaining \(size - offset) bytes of the segment hold no valid record"
                    )
                    break scan
                }
            }

            if let previousLast = lastSegmentLastSeq, let previous = entries.last {
                if firstSeq <= previousLast {
                    throw WALError(
                        code: .corrupt,
                        message: "Segments overlap: '\(previous.path)' holds seq \(previousLast) but '\(path)' starts at seq \(firstSeq). The directory mixes files from different logs; move the stray segment files out of '\(directory)' and restart."
                    )
                }
                if firstSeq != previousLast + 1 && !known.contains(where: { $0.segmentFirstSeq == previous.firstSeq }) {
                    report.corruptions.append("\(name): records \(previousLast + 1)...\(firstSeq - 1) are missing between segments")
                }
            }
            if let segmentLastSeq {
                lastSegmentLastSeq = segmentLastSeq
                lastValidSeq = max(lastValidSeq, segmentLastSeq)
            } else {
                lastSegmentLastSeq = firstSeq &- 1
            }
            entries.append(SegmentEntry(firstSeq: firstSeq, path: path, size: size, readableEnd: size, sealed: !isLast))
        }

        var nextSeq = lastValidSeq + 1
        if let last = entries.last {
            nextSeq = max(nextSeq, last.firstSeq)
        } else {
            let path = directory + "/" + WALFormat.segmentFileName(firstSeq: 1)
            let fd = try SystemCalls.openFile(path, flags: O_WRONLY | O_CREAT | O_TRUNC)
            defer { _ = close(fd) }
            try SystemCalls.writeAll(fd, WALFormat.segmentHeader(firstSeq: 1), path: path)
            try SystemCalls.syncFile(fd, path: path)
            try SystemCalls.syncDirectory(directory)
            let size = WALFormat.segmentHeaderSize
            entries.append(SegmentEntry(firstSeq: 1, path: path, size: size, readableEnd: size, sealed: false))
            nextSeq = 1
        }
        report.segments = entries.count
        report.lastSeq = lastValidSeq
        for problem in report.corruptions {
            logger.warning("WAL recovery found a problem", metadata: ["wal.directory": "\(directory)", "wal.problem": "\(problem)"])
        }
        return Result(segments: entries, report: report, knownCorruptions: known, nextSeq: nextSeq)
    }
}
