import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SightlineAccessLog
import SightlineCore
import UnixSignals

/// `sightline tail FILE --format FORMAT`: follow an access log like `tail -F`, across rotation,
/// resuming from a saved position after a restart.
struct Tail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow an access log and send its new lines as API events, across log rotation.",
        discussion: """
        Follows FILE through rename+create and copytruncate rotation. The position (file identity and
        byte offset) is saved after each batch is durably accepted, so a restart resumes where it
        stopped: no gaps, and lines re-sent after a crash are stored once (event ids derive from the
        file's first line and the byte offset, as with `sightline import`). Ctrl-C or SIGTERM stops it
        cleanly. See docs/specs/access-logs.md.
        """
    )

    @Argument(help: "The access log to follow.")
    var file: String

    @OptionGroup var log: AccessLogOptions

    @Option(help: "Where the position is saved (default: in the data directory, or ~/.local/state/sightline).")
    var state: String?

    @Flag(help: "Without a saved position, start at the end of the file instead of its beginning.")
    var fromEnd = false

    func run() async throws {
        let parsedFormat = try log.parsedFormat()
        let stateURL = try positionFile()
        let saved = try FollowerPosition.load(from: stateURL)
        let follower = try LogFollower(
            path: file, position: saved, start: fromEnd ? .end : .beginning,
            fingerprint: { AccessLogEventID.fingerprint(firstLine: $0) })
        let sink = try await log.makeSink()
        let options = log.parserOptions(file: file, sourceID: "")  // sourceID: each file's fingerprint
        let following = Following(follower: follower, format: parsedFormat, options: options, sink: sink, stateURL: stateURL, path: file)
        var logger = Logger(label: "sightline.tail") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: following, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        do {
            try await group.run()
        } catch {
            try? await sink.finish()
            throw error
        }
        try await sink.finish()
    }

    /// The position file: `--state`, else beside the data directory's own files, else in the
    /// user's state directory; named after the followed path.
    private func positionFile() throws -> URL {
        if let state { return URL(fileURLWithPath: state) }
        let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
        let name = "tail-" + absolute.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined() + ".json"
        let directory: URL
        if let dataDir = log.dataDir {
            directory = URL(fileURLWithPath: dataDir).appendingPathComponent("tail-positions")
        } else {
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSTemporaryDirectory()
            directory = URL(fileURLWithPath: home).appendingPathComponent(".local/state/sightline")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name)
    }
}

/// The follow loop as a Service: parse each chunk, deliver its events durably, then save the
/// position (never before), so a crash re-sends at most the last batch (de-duplicated by id).
struct Following: Service {
    let follower: LogFollower
    let format: AccessLogFormat
    let options: AccessLogParser.Options
    let sink: any ImportSink
    let stateURL: URL
    let path: String

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            var parsers: [String: AccessLogParser] = [:]
            var counts = (events: 0, rejected: 0)
            try await follower.run { chunk in
                for note in chunk.notes {
                    FileHandle.standardError.write(Data("\(path): \(note)\n".utf8))
                }
                let parser: AccessLogParser
                if let known = parsers[chunk.file.fingerprint] {
                    parser = known
                } else {
                    var fileOptions = options
                    fileOptions.sourceID = chunk.file.fingerprint
                    do {
                        parser = try AccessLogParser(format: format, options: fileOptions)
                    } catch let error as AccessLogError {
                        throw ValidationError(error.message)
                    }
                    parsers[chunk.file.fingerprint] = parser
                }
                var events: [Event] = []
                var rejections: [AccessLogRejection] = []
                let consumed = chunk.bytes.withUnsafeBytes { bytes in
                    parser.parseLines(in: bytes, firstLineNumber: chunk.lineNumber, byteOffset: chunk.offset, isFinal: chunk.isFinal) { result in
                        switch result {
                        case .event(let event): events.append(event)
                        case .skipped: break
                        case .rejected(let rejection): rejections.append(rejection)
                        }
                    }
                }
                if !events.isEmpty { try await sink.deliver(events) }
                try chunk.position(afterConsuming: consumed).save(to: stateURL)
                counts.events += events.count
                for rejection in rejections {
                    counts.rejected += 1
                    if counts.rejected <= 10 { FileHandle.standardError.write(Data("\(path): \(rejection)\n".utf8)) }
                }
                return chunk.isFinal ? chunk.bytes.count : consumed
            }
            print("followed \(path): \(counts.events) events sent, \(counts.rejected) bad lines")
        }
    }
}
