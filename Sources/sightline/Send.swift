import ArgumentParser
import Foundation

/// `sightline send FILE`: post a JSON array or NDJSON file of events to a running server.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send events from a JSON or NDJSON file to a running server.",
        discussion: """
        A JSON array is sent as one batch; NDJSON is split into batches of --batch-size lines.
        Exits 0 when every event was accepted, 1 when some were rejected (their line or index and
        reason are printed), 2 when a batch could not be delivered.
        """
    )

    @Argument(help: "File of events: a JSON array or NDJSON; '-' reads standard input.")
    var file: String

    @Option(help: "Server URL (or SIGHTLINE_URL; default http://127.0.0.1:7070).")
    var server: String?

    @Option(help: "Ingest key (or SIGHTLINE_INGEST_KEY).")
    var key: String?

    @Option(help: "NDJSON lines per request.")
    var batchSize = 10_000

    @Flag(inversion: .prefixedNo, help: "Compress requests with gzip.")
    var gzip = true

    func run() async throws {
        guard let key = key ?? ProcessInfo.processInfo.environment["SIGHTLINE_INGEST_KEY"] else {
            throw ValidationError("no ingest key: pass --key or set SIGHTLINE_INGEST_KEY")
        }
        let data: Data
        do {
            data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let bytes = [UInt8](data)
        let client = ServerClient(baseURL: serverURL(server), key: key)
        let batches = Self.split(bytes, batchSize: max(1, batchSize))
        var accepted = 0
        var rejected = 0
        var shown = 0
        for batch in batches {
            let answer = try await Self.deliver(batch.bytes, client: client, gzip: gzip)
            guard answer.status == 200 || answer.status == 400,
                  let result = try? JSONDecoder().decode(Result.self, from: Data(answer.body))
            else {
                let message = String(decoding: answer.body.prefix(500), as: UTF8.self)
                FileHandle.standardError.write(Data("error: the server answered \(answer.status): \(message)\n".utf8))
                print("sent \(accepted + rejected) events before the failure: \(accepted) accepted, \(rejected) rejected")
                throw ExitCode(2)
            }
            accepted += result.accepted
            rejected += result.rejected.count
            for item in result.rejected where shown < 20 {
                shown += 1
                let position = batch.firstLine.map { "line \($0 + batch.lineOfEvent(item.index))" } ?? "event \(item.index)"
                FileHandle.standardError.write(Data("rejected \(position): \(item.error)\n".utf8))
            }
        }
        if rejected > shown {
            FileHandle.standardError.write(Data("... and \(rejected - shown) more rejected\n".utf8))
        }
        print("sent \(accepted + rejected) events: \(accepted) accepted, \(rejected) rejected")
        if rejected > 0 { throw ExitCode(1) }
    }

    struct Result: Decodable {
        struct Item: Decodable { var index: Int; var error: String }
        var accepted: Int
        var rejected: [Item]
    }

    struct Batch {
        var bytes: [UInt8]
        /// First line number (1-based) for NDJSON batches.
        var firstLine: Int?
        /// Line offset of each non-blank line in the batch.
        var eventLines: [Int] = []
        func lineOfEvent(_ index: Int) -> Int { index < eventLines.count ? eventLines[index] : 0 }
    }

    /// A JSON array goes as one batch; NDJSON is cut at line boundaries every `batchSize` events.
    static func split(_ bytes: [UInt8], batchSize: Int) -> [Batch] {
        let first = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        if first == UInt8(ascii: "[") { return [Batch(bytes: bytes)] }
        var batches: [Batch] = []
        var current = Batch(bytes: [], firstLine: 1)
        var lineNumber = 1
        var lineStart = 0
        var index = 0
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == 0x0A {
                let line = bytes[lineStart..<index]
                if line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) {
                    if current.eventLines.count == batchSize {
                        batches.append(current)
                        current = Batch(bytes: [], firstLine: lineNumber)
                    }
                    current.eventLines.append(lineNumber - current.firstLine!)
                    current.bytes.append(contentsOf: line)
                    current.bytes.append(0x0A)
                }
                lineNumber += 1
                lineStart = index + 1
            }
            index += 1
        }
        if !current.eventLines.isEmpty { batches.append(current) }
        return batches
    }

    /// Posts one batch, waiting and retrying while the server answers 503 (back-pressure).
    static func deliver(_ body: [UInt8], client: ServerClient, gzip: Bool) async throws -> ServerClient.Answer {
        var attempt = 0
        while true {
            attempt += 1
            let answer: ServerClient.Answer
            do {
                answer = try await client.postEvents(body, gzip: gzip)
            } catch {
                if attempt >= 5 {
                    FileHandle.standardError.write(Data("error: cannot reach \(client.baseURL): \(error)\n".utf8))
                    throw ExitCode(2)
                }
                try await Task.sleep(for: .seconds(Double(attempt)))
                continue
            }
            if answer.status == 503, attempt < 10 {
                try await Task.sleep(for: .seconds(Double(answer.retryAfterSeconds ?? 1)))
                continue
            }
            return answer
        }
    }
}
