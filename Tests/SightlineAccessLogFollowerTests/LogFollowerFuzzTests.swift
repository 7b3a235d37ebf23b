import Foundation
import SightlineAccessLog
import Testing

/// A seeded writer appends random slices of generated lines (so lines are split across writes),
/// rotates by rename + create and by copytruncate, and restarts the follower from a lagging saved
/// position, while the reader consumes. At the end the reader's lines (duplicates from restarts
/// removed by (file, offset), as the server does) equal the written lines, with their numbers.
///
/// What the writer respects (the follower's documented limits):
/// - before a rename rotation the follower has reached the current file, and the position was
///   saved there (a second rotation before that would hide the file in between);
/// - before a truncation the follower has consumed everything (copytruncate's loss window).
@Suite("LogFollower fuzz")
struct LogFollowerFuzzTests {
    final class Coin {
        var generator: SeededGenerator
        init(seed: UInt64) { generator = SeededGenerator(state: seed) }
        func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &generator) < probability }
        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
    }

    /// The writer's side: what was written, as the lines the reader must deliver.
    final class Model {
        let writer: LogWriter
        let coin: Coin
        var expected: [DeliveredLine] = []
        var lineNumber = 1
        var partial: [UInt8] = []
        var queue: [UInt8] = []
        var sequence = 0

        init(writer: LogWriter, coin: Coin) {
            self.writer = writer
            self.coin = coin
        }

        private func generate() {
            sequence += 1
            let letters = Array("abcdefghijklmnopqrstuvwxyz /?=&\"-0123456789".utf8)
            var line = Array("s\(sequence) ".utf8)
            for _ in 0..<coin.int(0...70) { line.append(letters[coin.int(0...(letters.count - 1))]) }
            queue += line + [0x0A]
        }

        func write(_ count: Int) {
            while queue.count < count { generate() }
            let bytes = Array(queue.prefix(count))
            queue.removeFirst(count)
            writer.append(String(decoding: bytes, as: UTF8.self))
            for byte in bytes {
                if byte == 0x0A {
                    expected.append(DeliveredLine(text: String(decoding: partial, as: UTF8.self), number: lineNumber))
                    lineNumber += 1
                    partial = []
                } else {
                    partial.append(byte)
                }
            }
        }

        func appendRandom() { write(coin.int(1...180)) }

        /// Writes through the end of the current line, or one whole line when none is open.
        func completeLine() {
            if queue.isEmpty { generate() }
            write(queue.firstIndex(of: 0x0A)! + 1)
        }

        /// The writer reopens the path: a partial line left in the old file is that file's last line
        /// (the writer gives up the rest of it: the new file starts with a line of its own).
        func reopen() {
            if !partial.isEmpty {
                expected.append(DeliveredLine(text: String(decoding: partial, as: UTF8.self), number: lineNumber))
                partial = []
                queue.removeFirst(queue.firstIndex(of: 0x0A)! + 1)
            }
            lineNumber = 1
            writer.reopen()
        }

        func renameRotation() {
            for _ in 0..<coin.int(0...2) { appendRandom() }
            writer.moveAway(to: writer.path + ".1")
            if coin.chance(0.5) { appendRandom() }  // late writes to the renamed file
            reopen()
            if coin.chance(0.7) { appendRandom() }
        }

        func truncate() {
            writer.truncate()
            lineNumber = 1
            if coin.chance(0.7) { appendRandom() }
        }
    }

    @Test("random appends, rotations and restarts: every line once, in order", arguments: Array(UInt64(1)...8))
    func randomized(seed: UInt64) async throws {
        try await withTemporaryDirectory { directory in
            let coin = Coin(seed: seed)
            let path = directory + "/access.log"
            let model = Model(writer: LogWriter(path: path), coin: coin)
            let reader = try Reader(path: path, readChunk: coin.int(8...96), maxLineLength: 4096, rotationGrace: .milliseconds(3))
            reader.shouldSave = { coin.chance(0.4) }
            var counts: [String: Int] = [:]

            /// The follower has consumed every complete line and is on the current file.
            func catchUp(save: Bool) async throws {
                model.completeLine()
                try await reader.pump(until: model.expected.count)
                if save { reader.saved = reader.lastPosition }
            }

            for _ in 0..<220 {
                switch coin.int(0...99) {
                case 0..<55:
                    model.appendRandom()
                    counts["append", default: 0] += 1
                case 55..<77:
                    for _ in 0..<coin.int(1...3) { try await reader.receive(timeout: .milliseconds(4)) }
                    counts["read", default: 0] += 1
                case 77..<85:
                    try await catchUp(save: true)
                    model.renameRotation()
                    counts["rename", default: 0] += 1
                case 85..<91:
                    try await catchUp(save: false)
                    model.truncate()
                    counts["copytruncate", default: 0] += 1
                default:
                    switch coin.int(0...2) {
                    case 0:
                        break  // crash: what was consumed after the last save is sent again
                    case 1:
                        try await catchUp(save: true)
                        model.renameRotation()  // while down
                    default:
                        try await catchUp(save: true)
                        model.truncate()  // while down
                    }
                    try reader.restart()
                    counts["restart", default: 0] += 1
                }
            }
            try await catchUp(save: true)
            #expect(try await !reader.receive(timeout: .milliseconds(20)))
            #expect(reader.lines.count == model.expected.count)
            if let index = zip(reader.lines, model.expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                Issue.record("first difference at line \(index): got \(reader.lines[index]), expected \(model.expected[index]); \(counts)")
            }
            #expect(counts.count == 5, "every operation ran: \(counts)")
        }
    }
}
