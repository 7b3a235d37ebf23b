import Foundation
import SightlineAccessLog
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct TimedOut: Error {}

/// A fresh directory under the system's temporary directory, removed by `body`'s end.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("follower-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url.path)
}

/// A log writer like nginx: an `O_APPEND` descriptor that stays on the old file after a rename
/// until `reopen()`.
final class LogWriter {
    let path: String
    private(set) var descriptor: CInt

    init(path: String) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        precondition(descriptor >= 0, "cannot create \(path)")
    }

    deinit { close(descriptor) }

    func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var done = 0
            while done < bytes.count {
                let result = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
                precondition(result > 0)
                done += result
            }
        }
    }

    /// `mv path rotated` (the writer keeps writing to the renamed file).
    func moveAway(to rotated: String) {
        precondition(rename(path, rotated) == 0)
    }

    /// Closes the old file and creates the path anew.
    func reopen() {
        close(descriptor)
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        precondition(descriptor >= 0)
    }

    /// copytruncate's truncation (the copy itself does not matter to the follower).
    func truncate() {
        precondition(ftruncate(descriptor, 0) == 0)
    }
}

struct DeliveredLine: Equatable, CustomStringConvertible {
    var text: String
    var number: Int
    var description: String { "\(number):\(text)" }
}

/// A consumer like the CLI's: takes the complete lines of each chunk (all of a final chunk),
/// saves the position, and drops lines it has seen (same source, offset and content), as the
/// server's deterministic event ids do.
final class Reader {
    private(set) var follower: LogFollower
    let path: String
    var lines: [DeliveredLine] = []
    var notes: [FollowerNote] = []
    var chunks: [FollowerChunk] = []
    var saved: FollowerPosition?
    /// The position after the last consumed chunk, saved or not.
    var lastPosition: FollowerPosition?
    var duplicates = 0
    /// Decides, per chunk, whether the position is saved (false simulates an unsaved batch).
    var shouldSave: () -> Bool = { true }
    private var seen: Set<String> = []
    private let makeFollower: (FollowerPosition?) throws -> LogFollower

    init(path: String, position: FollowerPosition? = nil, start: FollowerStart = .beginning, pollInterval: Duration = .milliseconds(1),
         readChunk: Int = 1 << 20, maxLineLength: Int = 1 << 20, rotationGrace: Duration = .milliseconds(5)) throws {
        self.path = path
        makeFollower = { position in
            try LogFollower(path: path, position: position, start: start, pollInterval: pollInterval, readChunk: readChunk,
                            maxLineLength: maxLineLength, rotationGrace: rotationGrace)
        }
        saved = position
        follower = try makeFollower(position)
    }

    /// Simulates a crash and restart: a new follower from the last saved position.
    func restart() throws {
        follower = try makeFollower(saved)
    }

    /// Consumes one chunk; false when none came within `timeout`.
    @discardableResult
    func receive(timeout: Duration = .seconds(10)) async throws -> Bool {
        let follower = self.follower
        let chunk = try await withThrowingTaskGroup(of: FollowerChunk?.self) { group in
            group.addTask {
                do { return try await follower.next() } catch is CancellationError { return nil }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            // Whichever ends first, a chunk that next() did return is never lost.
            var received = try await group.next() ?? nil
            group.cancelAll()
            for try await other in group where other != nil { received = other }
            return received
        }
        guard let chunk else { return false }
        chunks.append(chunk)
        notes += chunk.notes
        let bytes = chunk.bytes
        let end = chunk.isFinal ? bytes.count : (bytes.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)
        #expect(end > 0 || chunk.isFinal, "a non-final chunk holds a complete line")
        var start = 0
        var number = chunk.lineNumber
        while start < end {
            let stop = bytes[start..<end].firstIndex(of: 0x0A) ?? end
            let text = String(decoding: bytes[start..<stop], as: UTF8.self)
            // Like the server's event id: source (first-line fingerprint), offset and content.
            let key = "\(chunk.file.fingerprint)/\(chunk.offset + Int64(start))/\(text)"
            if seen.contains(key) {
                duplicates += 1
            } else {
                seen.insert(key)
                lines.append(DeliveredLine(text: text, number: number))
            }
            number += 1
            start = stop + 1
        }
        follower.markConsumed(end)
        lastPosition = chunk.position(afterConsuming: end)
        if shouldSave() { saved = lastPosition }
        return true
    }

    /// Consumes chunks until `count` lines have arrived.
    func pump(until count: Int, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while lines.count < count {
            guard ContinuousClock.now < deadline, try await receive(timeout: deadline - ContinuousClock.now) else {
                Issue.record("timed out with \(lines.count) of \(count) lines: \(lines.suffix(3))")
                throw TimedOut()
            }
        }
    }

    /// Consumes chunks while they keep coming within `idle`.
    func drain(idle: Duration = .milliseconds(15)) async throws {
        while try await receive(timeout: idle) {}
    }

    var texts: [String] { lines.map(\.text) }
}

/// SplitMix64: a small seeded generator, so that a failing fuzz run can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
