import Foundation
import SightlineAccessLog
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("LogFollower")
struct LogFollowerTests {
    @Test("appends arrive in order, each byte once; a partial last line waits for its LF")
    func appends() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            let writer = LogWriter(path: path)
            let reader = try Reader(path: path)
            writer.append("a\nb")
            try await reader.pump(until: 1)
            #expect(reader.texts == ["a"])
            #expect(try await !reader.receive(timeout: .milliseconds(30)), "nothing is offered for a partial line")
            writer.append("b")
            #expect(try await !reader.receive(timeout: .milliseconds(30)))
            writer.append("\nc\nd")
            try await reader.pump(until: 3)
            writer.append("d\n")
            try await reader.pump(until: 4)
            #expect(reader.lines == [
                DeliveredLine(text: "a", number: 1), DeliveredLine(text: "bb", number: 2),
                DeliveredLine(text: "c", number: 3), DeliveredLine(text: "dd", number: 4),
            ])
            #expect(reader.duplicates == 0)
            #expect(reader.chunks.map(\.offset) == [0, 2, 7])
            #expect(reader.chunks.allSatisfy { !$0.isFinal })
            #expect(reader.saved?.offset == 10)
            #expect(reader.saved?.lineNumber == 5)
        }
    }

    @Test("a consumer that takes part of a chunk gets the rest again, with the new bytes")
    func partialConsumption() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            let writer = LogWriter(path: path)
            writer.append("one\ntwo\nthree\n")
            let follower = try LogFollower(path: path, pollInterval: .milliseconds(1))
            let first = try await follower.next()
            #expect(first.bytes.count == 14)
            follower.markConsumed(4)
            let second = try await follower.next()
            #expect(second.offset == 4)
            #expect(second.lineNumber == 2)
            #expect(String(decoding: second.bytes, as: UTF8.self) == "two\nthree\n")
            follower.markConsumed(second.bytes.count)
            #expect(second.position(afterConsuming: second.bytes.count) == FollowerPosition(file: second.file, offset: 14, lineNumber: 4))
        }
    }

    @Test("rename + create mid-stream: every line once, in order; the old file's partial last line is final")
    func renameRotation() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            let writer = LogWriter(path: path)
            let reader = try Reader(path: path)
            writer.append("l1\nl2\nl3\npar")
            try await reader.pump(until: 3)
            writer.moveAway(to: path + ".1")
            writer.append("tial\nl4\nlast without newline")  // late writes land in the old file
            writer.reopen()
            writer.append("n1\nn2\n")
            try await reader.pump(until: 8)
            #expect(reader.texts == ["l1", "l2", "l3", "partial", "l4", "last without newline", "n1", "n2"])
            #expect(reader.lines.map(\.number) == [1, 2, 3, 4, 5, 6, 1, 2])
            let old = reader.chunks.filter { $0.file.inode != reader.chunks.last!.file.inode }
            #expect(old.last?.isFinal == true)
            #expect(reader.chunks.last?.notes.contains(.rotated) == true)
            #expect(reader.duplicates == 0)
            #expect(try await !reader.receive(timeout: .milliseconds(30)))
        }
    }

    @Test("rename with the new file still empty: the old one is kept for the grace period")
    func renameRotationEmptyNewFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            let writer = LogWriter(path: path)
            let reader = try Reader(path: path, rotationGrace: .milliseconds(20))
            writer.append("l1\n")
            try await reader.pump(until: 1)
            writer.moveAway(to: path + ".1")
            writer.reopen()
            try await reader.drain()
            writer.append("n1\n")
            try await reader.pump(until: 2)
            #expect(reader.texts == ["l1", "n1"])
        }
    }

    @Test("copytruncate: lines after the truncation arrive, none from before is repeated")
    func copyTruncate() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            let writer = LogWriter(path: path)
            let reader = try Reader(path: path)
            writer.append("old line one\nold line two\nold line three\n")
            try await reader.pump(until: 3)
            writer.truncate()
            writer.append("m1\n")  // shorter than the read offset
            try await reader.pump(until: 4)
            writer.truncate()
            // Longer than the read offset before the follower looks: caught by the first line.
            writer.append("a much longer first line after the second truncation\nk2\n")
            try await reader.pump(until: 6)
            #expect(reader.texts == ["old line one", "old line two", "old line three", "m1", "a much longer first line after the second truncation", "k2"])
            #expect(reader.lines.map(\.number) == [1, 2, 3, 1, 1, 2])
            #expect(reader.notes.filter { if case .truncated = $0 { true } else { false } }.count == 2)
            #expect(reader.duplicates == 0)
        }
    }

    @Test("restart in the same file resumes at the saved offset")
    func restartSameFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            let writer = LogWriter(path: path)
            let first = try Reader(path: path)
            writer.append("l1\nl2\n")
            try await first.pump(until: 2)
            let stateURL = URL(fileURLWithPath: directory + "/access.state")
            try first.saved!.save(to: stateURL)
            writer.append("l3\npartial")

            let second = try Reader(path: path, position: try FollowerPosition.load(from: stateURL))
            try await second.pump(until: 1)
            writer.append("\n")
            try await second.pump(until: 2)
            #expect(second.lines == [DeliveredLine(text: "l3", number: 3), DeliveredLine(text: "partial", number: 4)])
            #expect(second.notes.first == .resumed(offset: 6))
        }
    }

    @Test("rotated while down: the saved file is found by inode among siblings and finished first")
    func restartAfterRotation() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            let writer = LogWriter(path: path)
            let first = try Reader(path: path)
            writer.append("l1\nl2\n")
            try await first.pump(until: 2)
            writer.append("l3\n")
            try await first.pump(until: 3)
            first.saved = first.chunks[0].position(afterConsuming: 3)  // l2 and l3 were never saved
            // While down: rotate, a late write to the old file, decoys next to it.
            writer.moveAway(to: path + ".1")
            writer.append("l4 tail")
            writer.reopen()
            writer.append("n1\n")
            try "decoy\n".write(toFile: path + ".2", atomically: false, encoding: .utf8)
            try "gz\n".write(toFile: path + ".1.gz", atomically: false, encoding: .utf8)

            let second = try Reader(path: path, position: first.saved)
            try await second.pump(until: 4)
            #expect(second.lines == [
                DeliveredLine(text: "l2", number: 2), DeliveredLine(text: "l3", number: 3),
                DeliveredLine(text: "l4 tail", number: 4), DeliveredLine(text: "n1", number: 1),
            ])
            #expect(second.notes.first == .resumedInRotatedFile(path: path + ".1"))
            #expect(second.notes.contains(.rotated))
            #expect(try await !second.receive(timeout: .milliseconds(30)))
        }
    }

    @Test("truncated while down: the file is read again from 0")
    func restartAfterTruncation() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            let writer = LogWriter(path: path)
            let first = try Reader(path: path)
            writer.append("first line\nsecond line\n")
            try await first.pump(until: 2)
            // Same first line, but shorter than the saved offset.
            writer.truncate()
            writer.append("first line\n")
            let second = try Reader(path: path, position: first.saved)
            try await second.pump(until: 1)
            #expect(second.lines == [DeliveredLine(text: "first line", number: 1)])
            #expect(second.notes.first == .truncated(previousOffset: 23))
            // Longer than the saved offset, but another first line.
            writer.truncate()
            writer.append("another first line\nand a second one\n")
            let third = try Reader(path: path, position: first.saved)
            try await third.pump(until: 2)
            #expect(third.texts == ["another first line", "and a second one"])
            #expect(third.notes.first == .truncated(previousOffset: 23))
        }
    }

    @Test("the saved file is gone: the new file is read from 0 and the possible gap is reported")
    func restartSavedFileGone() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            let writer = LogWriter(path: path)
            let first = try Reader(path: path)
            writer.append("l1\n")
            try await first.pump(until: 1)
            writer.moveAway(to: path + ".1")
            try FileManager.default.removeItem(atPath: path + ".1")  // compressed and deleted
            writer.reopen()
            writer.append("n1\n")
            let second = try Reader(path: path, position: first.saved)
            try await second.pump(until: 1)
            #expect(second.texts == ["n1"])
            #expect(second.notes.first == .savedFileNotFound)
        }
    }

    @Test("a file missing at start is waited for")
    func missingAtStart() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            let reader = try Reader(path: path)
            #expect(try await !reader.receive(timeout: .milliseconds(30)))
            let writer = LogWriter(path: path)
            writer.append("l1\n")
            try await reader.pump(until: 1)
            #expect(reader.texts == ["l1"])
            #expect(reader.notes.first == .waitedForFile)
        }
    }

    @Test("a file that disappears for a while: the open file is still read, the new one follows")
    func disappearsForAWhile() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            let writer = LogWriter(path: path)
            let reader = try Reader(path: path, rotationGrace: .milliseconds(2))
            writer.append("l1\n")
            try await reader.pump(until: 1)
            try FileManager.default.removeItem(atPath: path)
            writer.append("l2 to the deleted file\n")
            try await reader.pump(until: 2)
            #expect(try await !reader.receive(timeout: .milliseconds(30)), "waits, well past the grace period")
            writer.reopen()
            writer.append("n1\n")
            try await reader.pump(until: 3)
            #expect(reader.texts == ["l1", "l2 to the deleted file", "n1"])
        }
    }

    @Test("a line longer than maxLineLength is dropped, the lines around it are not")
    func overlongLine() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            let writer = LogWriter(path: path)
            let reader = try Reader(path: path, readChunk: 5, maxLineLength: 16)
            writer.append("short\n" + String(repeating: "x", count: 30))
            try await reader.pump(until: 1)
            try await reader.drain()
            writer.append(String(repeating: "y", count: 10) + "\nafter\n")
            try await reader.pump(until: 2)
            #expect(reader.lines == [DeliveredLine(text: "short", number: 1), DeliveredLine(text: "after", number: 3)])
            #expect(reader.notes.contains(.overlongLineDropped(lineNumber: 2, offset: 6)))
            #expect(reader.chunks.allSatisfy { $0.bytes.count <= 5 + 16 })
        }
    }

    @Test("start at the end skips what is there when the follower first looks, and counts its lines")
    func startAtEnd() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            let writer = LogWriter(path: path)
            writer.append("old1\nold2\npart")
            let reader = try Reader(path: path, start: .end)
            #expect(try await !reader.receive(timeout: .milliseconds(20)))
            writer.append("ial\nnew\n")
            try await reader.pump(until: 2)
            #expect(reader.lines == [DeliveredLine(text: "partial", number: 3), DeliveredLine(text: "new", number: 4)])
            #expect(reader.chunks.first?.offset == 10)
        }
    }

    @Test("run ends when its task is cancelled")
    func runEndsOnCancellation() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/access.log"
            LogWriter(path: path).append("l1\n")
            let follower = try LogFollower(path: path, pollInterval: .milliseconds(1))
            let delivered = DeliveredCount()
            let task = Task {
                var count = 0
                try await follower.run { chunk in
                    count += 1
                    delivered.value.withLock { $0 = count }
                    return chunk.bytes.count
                }
                return count
            }
            // Wait (without a fixed sleep: machines under load are slow) for the one chunk, then
            // cancel while the follower waits for more.
            for _ in 0..<5000 where delivered.value.withLock({ $0 }) == 0 {
                try await Task.sleep(for: .milliseconds(1))
            }
            try await Task.sleep(for: .milliseconds(20))
            task.cancel()
            #expect(try await task.value == 1)
        }
    }
}

@Suite("FollowerPosition")
struct FollowerPositionTests {
    @Test("saves atomically and loads back; a missing file is no position, a bad one an error")
    func saveAndLoad() async throws {
        try await withTemporaryDirectory { directory in
            let url = URL(fileURLWithPath: directory + "/state.json")
            #expect(try FollowerPosition.load(from: url) == nil)
            let position = FollowerPosition(inode: 42, device: 7, fingerprint: "fl1:abc", offset: 1234, lineNumber: 56)
            try position.save(to: url)
            try FollowerPosition(inode: 43, device: 7, fingerprint: "fl1:def", offset: 99, lineNumber: 2).save(to: url)
            #expect(try FollowerPosition.load(from: url)?.inode == 43)
            try position.save(to: url)
            #expect(try FollowerPosition.load(from: url) == position)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["state.json"])
            try "{".write(to: url, atomically: false, encoding: .utf8)
            #expect(throws: LogFollowerError.self) { try FollowerPosition.load(from: url) }
            let missingDirectory = URL(fileURLWithPath: directory + "/nope/state.json")
            #expect(throws: LogFollowerError.self) { try position.save(to: missingDirectory) }
        }
    }
}

/// The number of chunks a follower's consumer has seen, readable from outside its task.
final class DeliveredCount: Sendable {
    let value = Mutex(0)
}
