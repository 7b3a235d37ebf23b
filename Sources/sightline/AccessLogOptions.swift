import ArgumentParser
import Foundation
import SightlineAccessLog

/// The options `import` and `tail` share: how lines are read and where the events go.
struct AccessLogOptions: ParsableArguments {
    @Option(help: "Log format: combined, common, json, auto, or an nginx log_format string.")
    var format = "auto"

    @Option(help: "Service name the events are recorded under (default: the file's base name).")
    var service: String?

    @Option(help: "Environment recorded on the events.")
    var environment: String?

    @Flag(help: "Take the client address from X-Forwarded-For ($http_x_forwarded_for); only behind proxies you trust.")
    var trustForwardedFor = false

    @Option(help: "Store into this data directory (no server needed; no server may use it meanwhile).")
    var dataDir: String?

    @Flag(inversion: .prefixedNo, help: "With --data-dir: run the security detectors over the imported events (incidents in the data directory).")
    var detect = true

    @Option(help: "Send to this server instead (or SIGHTLINE_URL).")
    var server: String?

    @Option(help: "Ingest key for --server (or SIGHTLINE_INGEST_KEY).")
    var key: String?

    func validate() throws {
        if dataDir != nil, server != nil {
            throw ValidationError("--data-dir and --server exclude each other: store into a directory, or send to a server")
        }
        if !detect, dataDir == nil {
            throw ValidationError("--no-detect applies to --data-dir only: a server runs its detectors on everything it stores")
        }
        if dataDir == nil, server == nil, ProcessInfo.processInfo.environment["SIGHTLINE_URL"] == nil {
            throw ValidationError("say where the events go: --data-dir DIR, or --server URL (or SIGHTLINE_URL)")
        }
    }

    /// `--format`, parsed (an unusable format is a usage error).
    func parsedFormat() throws -> AccessLogFormat {
        do {
            return try AccessLogFormat(parsing: format)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// The destination: the data directory's own pipeline, or a server.
    func makeSink() async throws -> any ImportSink {
        if let dataDir { return try await DataDirectorySink.open(dataDir, detection: detect) }
        guard let key = key ?? ProcessInfo.processInfo.environment["SIGHTLINE_INGEST_KEY"] else {
            throw ValidationError("no ingest key: pass --key or set SIGHTLINE_INGEST_KEY")
        }
        return ServerSink(client: ServerClient(baseURL: serverURL(server), key: key))
    }

    /// Parser options for `file`, whose events are identified by `sourceID`.
    func parserOptions(file: String, sourceID: String) -> AccessLogParser.Options {
        let name = service ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        return AccessLogParser.Options(
            service: name.isEmpty ? "access-log" : name, sourceID: sourceID, environment: environment,
            trustForwardedFor: trustForwardedFor)
    }
}
