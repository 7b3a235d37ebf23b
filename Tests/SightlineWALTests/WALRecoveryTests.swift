import Foundation
import Testing
@testable import SightlineWAL

@Suite("WAL recovery")
struct WALRecoveryTests {
    /// Writes `count` single-record batches into a one-segment log and closes it.
    static func writeLog(_ directory: TemporaryDirectory, count: Int, size: (Int) -> Int) async throws -> [[UInt8]] {
        let (wal, _) = try open(directory)
        var payloads: [[UInt8]] = []
        for i in 0..<count {
            let bytes = payload("rec\(i)", size: size(i))
            payloads.append(bytes)
            _ = try await wal.append(makeBatch([bytes]))
        }
        await wal.close()
        return payloads
    }

    /// Byte offset of record `index` (0-based) in a single-segment file.
    static func offset(ofRecord index: Int, _ payloads: [[UInt8]]) -> Int {
        16 + payloads[..<index].reduce(0) { $0 + framedSize($1) }
    }

    @Test("a torn last record is truncated and the sequence continues after the intact ones")
    func tornTail() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let payloads = try await Self.writeLog(directory, count: 10, size: { 30 + $0 })
        let file = try directory.segmentFiles()[0]
        let bytes = try fileBytes(file)
        let cut = Self.offset(ofRecord: 9, payloads) + 25  // inside the last record's payload
        try writeFileBytes(file, Array(bytes[..<cut]))

        let (wal, report) = try open(directory)
        #expect(report.tornTailBytesTruncated == 25)
        #expect(report.records == 9 && report.lastSeq == 9)
        #expect(report.corruptRecordsSkipped == 0)
        #expect(try fileBytes(file).count == Self.offset(ofRecord: 9, payloads))
        #expect(try readAll(wal).map(\.payload) == Array(payloads[..<9]))
        let range = try await wal.append(makeBatch([payload("after", size: 8)]))
        #expect(range == 10...10)
        #expect(try readAll(wal, from: 10).map(\.payload) == [payload("after", size: 8)])
        await wal.close()
    }

    @Test("garbage after the last record is truncated")
    func garbageTail() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let payloads = try await Self.writeLog(directory, count: 5, size: { _ in 64 })
        let file = try directory.segmentFiles()[0]
        let original = try fileBytes(file)
        // A partial header that starts like a record, then noise.
        let garbage: [UInt8] = [0x52, 0x57, 0x4C, 0x53, 0xFF, 0xFF] + [UInt8](repeating: 0xAB, count: 300)
        try writeFileBytes(file, original + garbage)

        let (wal, report) = try open(directory)
        #expect(report.tornTailBytesTruncated == garbage.count)
        #expect(report.records == 5 && report.lastSeq == 5)
        #expect(report.corruptions.count == 1)
        #expect(try fileBytes(file) == original)
        #expect(try readAll(wal).map(\.payload) == payloads)
        #expect(try await wal.append(makeBatch([[1, 2, 3]])) == 6...6)
        await wal.close()
    }

    @Test("a flipped payload byte in a middle record skips only that record")
    func corruptPayload() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let payloads = try await Self.writeLog(directory, count: 10, size: { 40 + $0 })
        let file = try directory.segmentFiles()[0]
        var bytes = try fileBytes(file)
        bytes[Self.offset(ofRecord: 4, payloads) + 20 + 7] ^= 0x01  // seq 5
        try writeFileBytes(file, bytes)

        let (wal, report) = try open(directory)
        #expect(report.corruptRecordsSkipped == 1)
        #expect(report.tornTailBytesTruncated == 0)
        #expect(report.records == 9 && report.lastSeq == 10)
        #expect(report.corruptions.count == 1)
        #expect(report.corruptions.first?.contains("checksum") == true)
        #expect(report.corruptions.first?.contains("00000000000000000001.wal offset \(Self.offset(ofRecord: 4, payloads))") == true)

        let records = try readAll(wal)
        #expect(records.map(\.seq) == [1, 2, 3, 4, 6, 7, 8, 9, 10])
        #expect(records.map(\.payload) == Array(payloads[..<4] + payloads[5...]))
        // Counted once, however many cursors pass over it.
        _ = try readAll(wal)
        #expect(wal.stats().corruptRecordsSkipped == 1)
        #expect(try await wal.append(makeBatch([[9]])) == 11...11)
        await wal.close()
    }

    @Test("a damaged length field skips only that record")
    func corruptLength() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let payloads = try await Self.writeLog(directory, count: 8, size: { _ in 50 })
        let file = try directory.segmentFiles()[0]
        for damagedLength: UInt32 in [51, 10, 0xFFFF_FF00] {
            var bytes = try fileBytes(file)
            let at = Self.offset(ofRecord: 3, payloads) + 4
            let original = bytes
            withUnsafeBytes(of: damagedLength.littleEndian) { for i in 0..<4 { bytes[at + i] = $0[i] } }
            try writeFileBytes(file, bytes)

            let (wal, report) = try open(directory)
            #expect(report.corruptRecordsSkipped == 1, "length \(damagedLength)")
            #expect(report.tornTailBytesTruncated == 0)
            let records = try readAll(wal)
            #expect(records.map(\.seq) == [1, 2, 3, 5, 6, 7, 8])
            #expect(records.map(\.payload) == Array(payloads[..<3] + payloads[4...]))
            await wal.close()
            // Restore for the next variant (the log itself never rewrites old records).
            try writeFileBytes(file, original)
        }
    }

    @Test("corruption in a finished segment is skipped; later segments are read")
    func corruptionInOlderSegment() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var payloads: [[UInt8]] = []
        do {
            let (wal, _) = try open(directory, segmentBytes: 200, maxTotalBytes: 1 << 20)
            for i in 0..<12 {
                payloads.append(payload("s\(i)", size: 60))
                _ = try await wal.append(makeBatch([payloads[i]]))
            }
            await wal.close()
        }
        let files = try directory.segmentFiles()
        #expect(files.count >= 3)
        // Damage the last record of the first segment, so nothing valid follows it in that file.
        var bytes = try fileBytes(files[0])
        bytes[bytes.count - 3] ^= 0xFF
        try writeFileBytes(files[0], bytes)
        let secondFirstSeq = UInt64(files[1].deletingPathExtension().lastPathComponent)!

        let (wal, report) = try open(directory, segmentBytes: 200, maxTotalBytes: 1 << 20)
        #expect(report.corruptRecordsSkipped == 1)
        #expect(report.tornTailBytesTruncated == 0)
        #expect(try fileBytes(files[0]).count == bytes.count)  // never truncated
        let records = try readAll(wal)
        let lost = secondFirstSeq - 1
        #expect(records.map(\.seq) == Array(1...12).filter { $0 != lost })
        #expect(wal.stats().corruptRecordsSkipped == 1)
        await wal.close()
    }

    @Test("a last segment cut inside its header gets a fresh header")
    func tornSegmentHeader() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var payloads: [[UInt8]] = []
        do {
            let (wal, _) = try open(directory, segmentBytes: 100, maxTotalBytes: 1 << 20)
            for i in 0..<4 {
                payloads.append(payload("h\(i)", size: 90))
                _ = try await wal.append(makeBatch([payloads[i]]))
            }
            await wal.close()
        }
        let files = try directory.segmentFiles()
        let last = files[files.count - 1]
        try writeFileBytes(last, Array(try fileBytes(last)[..<9]))

        let (wal, report) = try open(directory, segmentBytes: 100, maxTotalBytes: 1 << 20)
        #expect(report.tornTailBytesTruncated == 9)
        #expect(report.lastSeq == 3)
        #expect(try fileBytes(last).count == 16)
        #expect(try await wal.append(makeBatch([[7]])) == 4...4)
        #expect(try readAll(wal).map(\.seq) == [1, 2, 3, 4])
        await wal.close()
    }

    @Test("property: after a crash cut anywhere in the last file, exactly the whole records survive")
    func randomCrashPoints() async throws {
        for seed in UInt64(1)...12 {
            var random = SeededGenerator(seed: seed)
            let directory = TemporaryDirectory("randomCrashPoints\(seed)")
            defer { directory.remove() }
            let segmentBytes = Int.random(in: 256...2048, using: &random)
            var acknowledged: [UInt64: [UInt8]] = [:]
            do {
                let (wal, _) = try open(directory, segmentBytes: segmentBytes, maxTotalBytes: 1 << 24)
                for round in 0..<Int.random(in: 1...30, using: &random) {
                    let payloads = (0..<Int.random(in: 1...6, using: &random)).map {
                        payload("p\(seed)-\(round)-\($0)", size: Int.random(in: 0...300, using: &random))
                    }
                    let range = try await wal.append(makeBatch(payloads))
                    for (seq, bytes) in zip(range, payloads) { acknowledged[seq] = bytes }
                }
                await wal.close()
            }
            let files = try directory.segmentFiles()
            let last = files[files.count - 1]
            let lastFirstSeq = UInt64(last.deletingPathExtension().lastPathComponent)!
            let bytes = try fileBytes(last)
            let cut = Int.random(in: 0...bytes.count, using: &random)
            try writeFileBytes(last, Array(bytes[..<cut]))

            // Records of the last file that end at or before the cut survive.
            var survivors = acknowledged.keys.filter { $0 < lastFirstSeq }.count
            var end = 16
            var seq = lastFirstSeq
            while let bytes = acknowledged[seq], end + framedSize(bytes) <= cut {
                end += framedSize(bytes)
                survivors += 1
                seq += 1
            }
            let expectedLast = UInt64(survivors)

            let (wal, report) = try open(directory, segmentBytes: segmentBytes, maxTotalBytes: 1 << 24)
            #expect(report.corruptRecordsSkipped == 0, "seed \(seed)")
            #expect(report.lastSeq == expectedLast, "seed \(seed)")
            let records = try readAll(wal, step: 5)
            #expect(records.map(\.seq) == Array(1..<(expectedLast + 1)), "seed \(seed)")
            #expect(records.allSatisfy { acknowledged[$0.seq] == $0.payload }, "seed \(seed)")
            let next = try await wal.append(makeBatch([[1]]))
            #expect(next.lowerBound == max(expectedLast + 1, lastFirstSeq), "seed \(seed)")
            await wal.close()
        }
    }
}
