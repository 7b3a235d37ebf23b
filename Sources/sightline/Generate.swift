import ArgumentParser
import Foundation
import SightlineDemo

/// `sightline generate`: write generated demo events as NDJSON (for benchmarks, tests, trying `send`).
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write realistic generated API events as NDJSON to standard output."
    )

    @Option(help: "Number of events.")
    var count = 1000

    @Option(help: "Seed: the same seed gives the same events.")
    var seed: UInt64 = 1

    @Option(help: "Minutes of history the events span, ending now.")
    var minutes = 60

    @Flag(name: .customLong("without-ids"), help: "Omit event ids (the server assigns them), so the same file can be sent many times.")
    var withoutIDs = false

    func run() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let from = now - Int64(minutes) * 60_000_000
        var generator = TrafficGenerator(seed: seed, startMicros: from)
        var bytes = generator.ndjson(count: count, fromMicros: from, toMicros: now)
        if withoutIDs { bytes = Self.removingIDs(bytes) }
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// Drops a leading `"id":"...",` member from each line.
    static func removingIDs(_ bytes: [UInt8]) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for line in text.split(separator: "\n") {
            if line.hasPrefix("{\"id\":\""), let end = line.firstIndex(of: ","), line[line.index(line.startIndex, offsetBy: 7)...].firstIndex(of: "\"").map({ $0 < end }) == true {
                output += "{" + line[line.index(after: end)...] + "\n"
            } else {
                output += line + "\n"
            }
        }
        return Array(output.utf8)
    }
}
