import Foundation
import Testing
@testable import SightlineWAL

@Suite("WAL quota and segment removal")
struct WALQuotaTests {
    @Test("a full log refuses appends without writing, and accepts them again after removal")
    func quota() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory, segmentBytes: 500, maxTotalBytes: 2000)
        var appended: UInt64 = 0
        var fullError: WALError?
        for index in 0..<100 {
            do {
                appended = try await wal.append(makeBatch([payload("f\(index)", size: 100)])).upperBound
            } catch {
                fullError = error
                break
            }
        }
        let error = try #require(fullError)
        #expect(error.code == .full)
        #expect(error.message.contains("maxTotalBytes"))
        let before = wal.stats()
        #expect(before.bytesOnDisk <= 2000)
        #expect(before.lastSeq == appended)
        let sizes = try directory.segmentFiles().map { try fileBytes($0).count }
        #expect(sizes.reduce(0, +) == before.bytesOnDisk)

        // Still full: nothing was written by the refused appends.
        await #expect(throws: WALError.self) { _ = try await wal.append(makeBatch([payload("again", size: 100)])) }
        #expect(wal.stats().bytesOnDisk == before.bytesOnDisk)
        #expect(try directory.segmentFiles().map { try fileBytes($0).count } == sizes)

        try wal.removeSegments(through: appended)
        let after = wal.stats()
        #expect(after.segments == 1)
        #expect(after.bytesOnDisk < before.bytesOnDisk)
        let range = try await wal.append(makeBatch([payload("later", size: 100)]))
        #expect(range == (appended + 1)...(appended + 1))
        #expect(try readAll(wal, from: appended + 1).map(\.payload) == [payload("later", size: 100)])
        await wal.close()
    }

    @Test("a batch larger than the whole quota is refused as batchTooLarge")
    func batchTooLarge() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory, segmentBytes: 500, maxTotalBytes: 1000)
        do {
            _ = try await wal.append(makeBatch([payload("big", size: 2000)]))
            Issue.record("oversized batch accepted")
        } catch {
            #expect(error.code == .batchTooLarge)
        }
        await wal.close()
    }

    @Test("removeSegments deletes only whole segments at or below the seq, never the active one")
    func removeSegments() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory, segmentBytes: 200, maxTotalBytes: 1 << 20)
        for index in 0..<20 {
            _ = try await wal.append(makeBatch([payload("x\(index)", size: 70), payload("y\(index)", size: 70)]))
        }
        let firstSeqs = try directory.segmentFiles().map { UInt64($0.deletingPathExtension().lastPathComponent)! }
        #expect(firstSeqs.count > 4)

        // A seq in the middle of segment 2 removes segment 0 and 1 only if their records are all <= it.
        let middle = firstSeqs[2] + 1
        try wal.removeSegments(through: middle)
        let remaining = try directory.segmentFiles().map { UInt64($0.deletingPathExtension().lastPathComponent)! }
        #expect(remaining == Array(firstSeqs[2...]))
        #expect(try readAll(wal, from: 1).first?.seq == firstSeqs[2])
        #expect(try readAll(wal, from: middle + 1).map(\.seq) == Array((middle + 1)...40))

        try wal.removeSegments(through: UInt64.max)
        let last = try directory.segmentFiles()
        #expect(last.map { UInt64($0.deletingPathExtension().lastPathComponent)! } == [firstSeqs[firstSeqs.count - 1]])
        #expect(wal.stats().segments == 1)
        #expect(wal.stats().bytesOnDisk == (try fileBytes(last[0]).count))
        #expect(try readAll(wal).last?.seq == 40)
        #expect(try await wal.append(makeBatch([[1]])) == 41...41)
        await wal.close()
    }

    @Test("a cursor keeps reading a segment removed under it")
    func cursorSurvivesRemoval() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory, segmentBytes: 200, maxTotalBytes: 1 << 20)
        for index in 0..<10 { _ = try await wal.append(makeBatch([payload("c\(index)", size: 80)])) }
        var cursor = wal.makeCursor(from: 1)
        let head = try cursor.next(maxRecords: 1, maxBytes: 1 << 20)
        #expect(head.map(\.seq) == [1])
        // Segment 1 holds seqs 1 and 2; the cursor has it open.
        let firstSeqs = try directory.segmentFiles().map { UInt64($0.deletingPathExtension().lastPathComponent)! }
        #expect(firstSeqs[1] == 3)
        try wal.removeSegments(through: 2)
        #expect(try directory.segmentFiles().count == firstSeqs.count - 1)
        var rest: [UInt64] = []
        while case let records = try cursor.next(maxRecords: 3, maxBytes: 1 << 20), !records.isEmpty {
            rest += records.map(\.seq)
        }
        #expect(rest == Array(2...10))
        await wal.close()
    }
}
