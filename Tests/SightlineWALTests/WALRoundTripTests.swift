import Foundation
import Testing
@testable import SightlineWAL

@Suite("WAL append and read")
struct WALRoundTripTests {
    @Test("appended records come back with their seqs and payloads")
    func roundTrip() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, report) = try open(directory)
        #expect(report.records == 0 && report.lastSeq == 0 && report.segments == 1)

        let first = [payload("a", size: 10), [], payload("c", size: 1000)]
        let second = (0..<50).map { payload("b\($0)", size: $0 * 13) }
        let firstRange = try await wal.append(makeBatch(first))
        let secondRange = try await wal.append(makeBatch(second))
        #expect(firstRange == 1...3)
        #expect(secondRange == 4...53)
        #expect(wal.durableSeq == 53)

        let records = try readAll(wal)
        #expect(records.map(\.seq) == Array(1...53))
        #expect(records.map(\.payload) == first + second)

        let fromMiddle = try readAll(wal, from: 30)
        #expect(fromMiddle.map(\.seq) == Array(30...53))
        await wal.close()
    }

    @Test("the file layout is the documented one")
    func fileLayout() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory)
        _ = try await wal.append(makeBatch([Array("hello".utf8)]))
        await wal.close()

        let files = try directory.segmentFiles()
        #expect(files.map(\.lastPathComponent) == ["00000000000000000001.wal"])
        let bytes = try fileBytes(files[0])
        #expect(bytes.count == 16 + 20 + 5)
        #expect(Array(bytes[0..<8]) == Array("SLWALv01".utf8))
        #expect(Array(bytes[8..<16]) == [1, 0, 0, 0, 0, 0, 0, 0])          // firstSeq
        #expect(Array(bytes[16..<20]) == [0x52, 0x57, 0x4C, 0x53])         // record magic LE
        #expect(Array(bytes[20..<24]) == [5, 0, 0, 0])                     // length
        #expect(Array(bytes[24..<32]) == [1, 0, 0, 0, 0, 0, 0, 0])         // seq
        var covered = Array("hello".utf8)
        covered += bytes[20..<32]
        let crc = UInt32(bytes[32]) | UInt32(bytes[33]) << 8 | UInt32(bytes[34]) << 16 | UInt32(bytes[35]) << 24
        #expect(crc == CRC32C.checksum(covered))
        #expect(Array(bytes[36...]) == Array("hello".utf8))
    }

    @Test("an empty batch is refused without I/O")
    func emptyBatch() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory)
        await #expect(throws: WALError.self) { _ = try await wal.append(WALBatch()) }
        do {
            _ = try await wal.append(WALBatch())
        } catch {
            #expect(error.code == .emptyBatch)
        }
        #expect(wal.stats().lastSeq == 0)
        await wal.close()
    }

    @Test("a batch appended twice is written twice, with its own seqs each time")
    func sharedBatch() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory)
        let batch = makeBatch([payload("x", size: 40), payload("y", size: 3)])
        async let one = wal.append(batch)
        async let two = wal.append(batch)
        let ranges = try await [one, two].sorted { $0.lowerBound < $1.lowerBound }
        #expect(ranges == [1...2, 3...4])
        #expect(batch.count == 2 && batch.byteCount == 20 * 2 + 43)
        let records = try readAll(wal)
        #expect(records.map(\.payload) == [payload("x", size: 40), payload("y", size: 3), payload("x", size: 40), payload("y", size: 3)])
        await wal.close()
    }

    @Test("segments rotate at segmentBytes and cursors read across them")
    func rotation() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory, segmentBytes: 300, maxTotalBytes: 1 << 20)
        var expected: [[UInt8]] = []
        for round in 0..<20 {
            let payloads = (0..<(round % 4 + 1)).map { payload("r\(round)-\($0)", size: 30 + round) }
            expected += payloads
            _ = try await wal.append(makeBatch(payloads))
        }
        let stats = wal.stats()
        #expect(stats.segments > 3)
        #expect(stats.lastSeq == UInt64(expected.count))

        let records = try readAll(wal, step: 3)
        #expect(records.map(\.seq) == Array(1...UInt64(expected.count)))
        #expect(records.map(\.payload) == expected)

        // Each file is named after the seq of its first record; every file but the last
        // reached segmentBytes before the writer moved on.
        let files = try directory.segmentFiles()
        #expect(files.count == stats.segments)
        var total = 0
        for (index, file) in files.enumerated() {
            let bytes = try fileBytes(file)
            total += bytes.count
            let firstSeq = UInt64(file.deletingPathExtension().lastPathComponent)!
            let recordSeq = bytes[24..<32].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(recordSeq == firstSeq)
            if index < files.count - 1 { #expect(bytes.count >= 300) }
        }
        #expect(total == stats.bytesOnDisk)
        await wal.close()
    }

    @Test("reopening continues the sequence")
    func reopenContinues() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        do {
            let (wal, _) = try open(directory, segmentBytes: 200, maxTotalBytes: 1 << 20)
            for i in 0..<10 { _ = try await wal.append(makeBatch([payload("first\(i)", size: 50)])) }
            await wal.close()
        }
        let (wal, report) = try open(directory, segmentBytes: 200, maxTotalBytes: 1 << 20)
        #expect(report.records == 10 && report.lastSeq == 10)
        #expect(report.tornTailBytesTruncated == 0 && report.corruptRecordsSkipped == 0 && report.corruptions.isEmpty)
        #expect(wal.durableSeq == 10)
        let range = try await wal.append(makeBatch([payload("second", size: 5), payload("third", size: 5)]))
        #expect(range == 11...12)
        let records = try readAll(wal)
        #expect(records.map(\.seq) == Array(1...12))
        #expect(records.last?.payload == payload("third", size: 5))
        await wal.close()
    }

    @Test("a cursor tails the log: [] when caught up, new records after appends")
    func tailing() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory, segmentBytes: 256, maxTotalBytes: 1 << 20)
        var cursor = wal.makeCursor(from: 1)
        #expect(try cursor.next(maxRecords: 10, maxBytes: 1 << 20).isEmpty)
        var seen: [UInt64] = []
        for round in 0..<15 {
            _ = try await wal.append(makeBatch((0..<3).map { payload("t\(round)-\($0)", size: 40) }))
            while case let records = try cursor.next(maxRecords: 2, maxBytes: 1 << 20), !records.isEmpty {
                seen += records.map(\.seq)
            }
            #expect(seen.last == wal.durableSeq)
        }
        #expect(seen == Array(1...45))
        // maxBytes bounds a call but never blocks progress on a big record.
        var small = wal.makeCursor(from: 1)
        #expect(try small.next(maxRecords: 100, maxBytes: 1).count == 1)
        await wal.close()
    }

    @Test(".none durability writes without syncing")
    func noneDurability() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory, durability: .none)
        let range = try await wal.append(makeBatch([payload("n", size: 100)]))
        #expect(range == 1...1)
        #expect(wal.stats().fsyncCount == 0)
        #expect(try readAll(wal).map(\.payload) == [payload("n", size: 100)])
        await wal.close()
        let (reopened, report) = try open(directory)
        #expect(report.records == 1)
        await reopened.close()
    }

    @Test("configuration errors say what to change")
    func invalidConfiguration() {
        let cases = [
            WALConfiguration(directory: ""),
            WALConfiguration(directory: "/tmp/x", segmentBytes: 10),
            WALConfiguration(directory: "/tmp/x", segmentBytes: 1 << 20, maxTotalBytes: 1 << 20),
        ]
        for configuration in cases {
            #expect {
                _ = try WriteAheadLog.open(configuration, logger: quietLogger)
            } throws: { error in
                (error as? WALError)?.code == .invalidConfiguration
            }
        }
    }

    @Test("a second open of the same directory is refused while the first is open")
    func directoryLock() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory)
        #expect {
            _ = try open(directory)
        } throws: { error in
            (error as? WALError)?.code == .locked
        }
        await wal.close()
        let (again, _) = try open(directory)
        await again.close()
    }
}
