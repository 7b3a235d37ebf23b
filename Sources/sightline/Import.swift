import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SightlineAccessLog
import SightlineCore
import SightlineIngest
import SightlineServer

/// `sightline import FILE... --format FORMAT`: access logs into Sightline, straight into a data
/// directory (no server needed) or to a running server.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import access logs (nginx, Apache, JSON lines) as API events.",
        discussion: """
        Formats: combined, common, json, auto, or an nginx log_format string as written in nginx.conf,
        e.g. --format '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'.
        With --data-dir the events go through the same write-ahead log, store and rollups as a server's
        (stop any server on that directory first); with --server they are sent to POST /v1/events.
        Bad lines never stop an import: they are counted and the first ones reported with their line
        numbers. Event ids derive from the file's first line, the byte offset and the line, so
        importing the same file twice stores each line once. See docs/specs/access-logs.md.
        """
    )

    @Argument(help: "Access log files.")
    var files: [String]

    @OptionGroup var log: AccessLogOptions

    @Option(help: "Events per batch.")
    var batchSize = 10_000

    @Option(help: .hidden)
    var progressIntervalMs = 500

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() async throws {
        let parsedFormat = try log.parsedFormat()
        let sink = try await log.makeSink()
        var totals = ImportProgress(interval: .milliseconds(max(progressIntervalMs, 0)))
        let began = ContinuousClock.now
        do {
            for file in files {
                try await importFile(file, format: parsedFormat, into: sink, totals: &totals)
            }
        } catch {
            try? await sink.finish()
            throw error
        }
        try await sink.finish()
        let elapsed = ContinuousClock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        totals.clearLine()
        print("imported \(totals.events) events from \(totals.lines) lines (\(totals.rejected) bad, \(totals.skipped) blank) in \(String(format: "%.1f", seconds)) s, \(Int(Double(totals.lines) / max(seconds, 0.001))) lines/s")
        if totals.rejected > 0 { throw ExitCode(1) }
    }

    private func importFile(_ path: String, format: AccessLogFormat, into sink: any ImportSink, totals: inout ImportProgress) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ValidationError("cannot read \(path): check the path and its permissions")
        }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var pending: [UInt8] = []
        var offset: Int64 = 0
        var lineNumber = 1
        var parser: AccessLogParser?
        var batch: [Event] = []
        batch.reserveCapacity(batchSize)
        totals.startFile(path, size: size)
        while true {
            let chunk = try handle.read(upToCount: 4 << 20) ?? Data()
            let isFinal = chunk.isEmpty
            pending.append(contentsOf: chunk)
            if parser == nil {
                // The first line identifies the file (ids survive renames and rotation).
                let firstEnd = pending.firstIndex(of: 0x0A) ?? (isFinal ? pending.count : nil)
                guard let firstEnd else { continue }
                let sourceID = pending[..<firstEnd].withUnsafeBytes { AccessLogEventID.fingerprint(firstLine: $0) }
                do {
                    parser = try AccessLogParser(format: format, options: log.parserOptions(file: path, sourceID: sourceID))
                } catch {
                    throw ValidationError(error.message)
                }
            }
            guard let parser else { break }
            var rejections: [AccessLogRejection] = []
            var skipped = 0
            var ready: [[Event]] = []
            let consumed = pending.withUnsafeBytes { buffer in
                parser.parseLines(in: buffer, firstLineNumber: lineNumber, byteOffset: offset, isFinal: isFinal) { result in
                    switch result {
                    case .event(let event):
                        batch.append(event)
                        if batch.count == batchSize {
                            // Full batches are set aside whole: slicing one would copy every event.
                            ready.append(batch)
                            batch = []
                            batch.reserveCapacity(batchSize)
                        }
                    case .skipped: skipped += 1
                    case .rejected(let rejection): rejections.append(rejection)
                    }
                }
            }
            let lines = pending[..<consumed].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + (isFinal && consumed > 0 && pending[consumed - 1] != 0x0A ? 1 : 0)
            lineNumber += lines
            offset += Int64(consumed)
            pending.removeFirst(consumed)
            totals.lines += lines
            totals.skipped += skipped
            for rejection in rejections { totals.reject(rejection, file: path) }
            for send in ready {
                try await sink.deliver(send)
                totals.events += send.count
            }
            totals.bytes += consumed
            totals.report()
            if isFinal { break }
        }
        if !batch.isEmpty {
            try await sink.deliver(batch)
            totals.events += batch.count
        }
    }
}

/// Where imported events go.
protocol ImportSink: Sendable {
    func deliver(_ events: [Event]) async throws
    func finish() async throws
}

/// A running server: NDJSON batches to `POST /v1/events`, retried on 503.
struct ServerSink: ImportSink {
    let client: ServerClient

    func deliver(_ events: [Event]) async throws {
        var body: [UInt8] = []
        body.reserveCapacity(events.count * 600)
        for event in events {
            EventEncoder.append(event, to: &body)
            body.append(0x0A)
        }
        let answer = try await Send.deliver(body, client: client, gzip: true)
        guard answer.status == 200 else {
            throw ValidationError("the server answered \(answer.status): \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
        }
    }

    func finish() async throws {}
}

/// A data directory: the server's own pipeline (write-ahead log, store applier, rollups) run in
/// this process without its HTTP listener doing anything; `finish` drains it like a shutdown.
final class DataDirectorySink: ImportSink {
    let server: Sightline
    let group: ServiceGroup
    let running: Task<Void, any Error>

    private init(server: Sightline, group: ServiceGroup, running: Task<Void, any Error>) {
        self.server = server
        self.group = group
        self.running = running
    }

    static func open(_ directory: String, detection: Bool) async throws -> DataDirectorySink {
        var logger = Logger(label: "sightline.import") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        var configuration = ServerConfiguration(dataDirectory: directory)
        configuration.port = 0  // the pipeline needs no listener; an ephemeral loopback port is harmless
        configuration.detection = detection
        let server = try Sightline.make(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server.application], logger: logger))
        let running = Task { try await group.run() }
        return DataDirectorySink(server: server, group: group, running: running)
    }

    /// Log records the import may run ahead of the store: a bulk load gains nothing from a long
    /// log (the store is the slower stage), and a short lead keeps the events it appended in the
    /// ingestor's handoff, so the applier need not decode them again.
    static let maxLead: UInt64 = 30_000

    func deliver(_ events: [Event]) async throws {
        while server.applier.lag > Self.maxLead {
            try await Task.sleep(for: .milliseconds(2))
        }
        while true {
            do {
                _ = try await server.ingestor.ingest(events: events)
                return
            } catch let error where error.code == .full {
                // The log is at its quota: the applier is storing; wait for room, lose nothing.
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    func finish() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
    }
}

/// Counts, the first bad lines, and a progress line on a terminal.
struct ImportProgress {
    var lines = 0
    var events = 0
    var rejected = 0
    var skipped = 0
    var bytes = 0
    var fileSize = 0
    var started = ContinuousClock.now
    var lastReport = ContinuousClock.now
    /// Time between progress lines.
    var interval: Duration = .milliseconds(500)
    /// Progress is shown only when standard error is a terminal.
    let interactive = isatty(STDERR_FILENO) == 1

    mutating func startFile(_ path: String, size: Int) {
        fileSize = size
        bytes = 0
        started = ContinuousClock.now
    }

    mutating func reject(_ rejection: AccessLogRejection, file: String) {
        rejected += 1
        if rejected <= 10 {
            clearLine()
            FileHandle.standardError.write(Data("\(file): \(rejection)\n".utf8))
        } else if rejected == 11 {
            FileHandle.standardError.write(Data("(further bad lines are counted, not shown)\n".utf8))
        }
    }

    mutating func report() {
        guard interactive, ContinuousClock.now - lastReport >= interval else { return }
        lastReport = ContinuousClock.now
        let elapsed = ContinuousClock.now - started
        let seconds = max(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 0.001)
        let rate = Double(bytes) / seconds
        let eta = rate > 0 ? Double(fileSize - bytes) / rate : 0
        let text = String(format: "\r%d lines, %.0f lines/s, %.1f / %.1f MB, ETA %.0f s   ", lines, Double(lines) / seconds, Double(bytes) / 1e6, Double(fileSize) / 1e6, eta)
        FileHandle.standardError.write(Data(text.utf8))
    }

    func clearLine() {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
