import Foundation
import Synchronization
import Testing
@testable import SightlineWAL

@Suite("WAL group commit and lifecycle")
struct WALConcurrencyTests {
    @Test("concurrent appenders get disjoint, consecutive ranges and every record once")
    func concurrentAppenders() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory, segmentBytes: 8 << 10, maxTotalBytes: 64 << 20)
        let appenders = 16
        let appendsEach = 25
        let results = try await withThrowingTaskGroup(of: [(ClosedRange<UInt64>, [[UInt8]])].self) { group in
            for appender in 0..<appenders {
                group.addTask {
                    var mine: [(ClosedRange<UInt64>, [[UInt8]])] = []
                    for index in 0..<appendsEach {
                        let payloads = (0..<(1 + (appender + index) % 5)).map { payload("a\(appender)-\(index)-\($0)", size: 20 + $0 * 7) }
                        mine.append((try await wal.append(makeBatch(payloads)), payloads))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(results.count == appenders * appendsEach)
        let sorted = results.sorted { $0.0.lowerBound < $1.0.lowerBound }
        var expectedNext: UInt64 = 1
        var expected: [UInt64: [UInt8]] = [:]
        for (range, payloads) in sorted {
            #expect(range.lowerBound == expectedNext)
            #expect(range.count == payloads.count)
            for (seq, bytes) in zip(range, payloads) { expected[seq] = bytes }
            expectedNext = range.upperBound + 1
        }
        let stats = wal.stats()
        #expect(stats.lastSeq == expectedNext - 1 && stats.durableSeq == stats.lastSeq)
        #expect(stats.fsyncCount <= appenders * appendsEach + stats.segments)
        // The latency histogram is cumulative and ends at (at most) the number of fsyncs.
        #expect(stats.fsyncCount > 0 && stats.fsyncSecondsTotal > 0)
        #expect(zip(stats.fsyncBuckets, stats.fsyncBuckets.dropFirst()).allSatisfy { $0 <= $1 })
        #expect((stats.fsyncBuckets.last ?? 0) <= stats.fsyncCount)
        #expect(stats.pendingBatches == 0 && stats.pendingBytes == 0)

        let records = try readAll(wal, step: 50)
        #expect(records.count == expected.count)
        #expect(records.allSatisfy { expected[$0.seq] == $0.payload })
        await wal.close()
    }

    @Test("appends queued while the writer is busy share one fdatasync")
    func groupCommitSharesSync() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory)
        wal.shared.setWriterPaused(true)
        let appends = 10
        try await withThrowingTaskGroup(of: ClosedRange<UInt64>.self) { group in
            for index in 0..<appends {
                group.addTask { try await wal.append(makeBatch([payload("g\(index)", size: 100), payload("h\(index)", size: 10)])) }
            }
            while wal.stats().pendingBatches < appends { await Task.yield() }
            #expect(wal.durableSeq == 0)
            wal.shared.setWriterPaused(false)
            var ranges: [ClosedRange<UInt64>] = []
            for try await range in group { ranges.append(range) }
            ranges.sort { $0.lowerBound < $1.lowerBound }
            let expected: [ClosedRange<UInt64>] = (0..<appends).map { index in
                let first = UInt64(2 * index + 1)
                return first...(first + 1)
            }
            #expect(ranges == expected)
        }
        #expect(wal.stats().fsyncCount == 1)
        #expect(wal.durableSeq == UInt64(2 * appends))
        await wal.close()
    }

    @Test("close writes queued appends, then appends throw .closed")
    func closeThenAppend() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory)
        wal.shared.setWriterPaused(true)
        async let queued = wal.append(makeBatch([payload("q", size: 10)]))
        while wal.stats().pendingBatches < 1 { await Task.yield() }
        wal.shared.setWriterPaused(false)
        await wal.close()
        #expect(try await queued == 1...1)
        #expect(wal.isClosed)
        do {
            _ = try await wal.append(makeBatch([[1]]))
            Issue.record("append after close succeeded")
        } catch {
            #expect(error.code == .closed)
            #expect(error.description.contains("closed"))
        }
        await wal.close()  // idempotent
        let (reopened, report) = try open(directory)
        #expect(report.records == 1)
        await reopened.close()
    }

    static func waiterCount(_ wal: WriteAheadLog) -> Int {
        wal.shared.state.withLock { $0.durableWaiters.count }
    }

    @Test("waitForDurable wakes on append")
    func waitWakesOnAppend() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory)
        _ = try await wal.append(makeBatch([[1]]))
        await wal.waitForDurable(beyond: 0)  // already true: returns at once
        async let waited: Void = wal.waitForDurable(beyond: 1)
        while Self.waiterCount(wal) < 1 { await Task.yield() }
        _ = try await wal.append(makeBatch([[2]]))
        await waited
        #expect(wal.durableSeq == 2)
        #expect(!wal.isClosed)
        await wal.close()
    }

    @Test("waitForDurable wakes on close and on cancellation")
    func waitWakesOnCloseAndCancel() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (wal, _) = try open(directory)
        let cancelled = Task { await wal.waitForDurable(beyond: 100) }
        while Self.waiterCount(wal) < 1 { await Task.yield() }
        cancelled.cancel()
        await cancelled.value
        #expect(Self.waiterCount(wal) == 0)

        async let waited: Void = wal.waitForDurable(beyond: 100)
        while Self.waiterCount(wal) < 1 { await Task.yield() }
        await wal.close()
        await waited
        #expect(wal.isClosed)
        await wal.waitForDurable(beyond: 100)  // closed: returns at once
    }
}
