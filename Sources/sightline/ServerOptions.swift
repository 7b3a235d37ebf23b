import SightlineIngest
import ArgumentParser
import Logging
import SightlineServer
import SightlineWAL

/// Options shared by `serve` and `demo`.
struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 7070

    @Option(help: "When an ingest request is acknowledged: 'fsync' (durable on disk, the default) or 'none' (written to the OS only; for benchmarks).")
    var durability: WALDurability = .fsync

    @Option(help: "Largest request body in bytes, before and after decompression.")
    var maxBodyBytes = 64 << 20

    @Option(help: "Most events in one batch.")
    var maxBatchEvents = 50_000

    @Option(help: "Disk quota of the write-ahead log in bytes; beyond it ingest answers 503 with Retry-After.")
    var walQuotaBytes = 4 << 30

    @Option(help: "Most rows one query (POST /v1/query) may return; more is an error.")
    var queryMaxRows = 10_000

    @Option(help: "Seconds one query may run before it is stopped.")
    var queryTimeout = 10.0

    @Flag(help: "Mark the dashboard session cookie Secure (when served over HTTPS, e.g. behind a TLS proxy).")
    var secureCookies = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func configuration(dataDirectory: String) -> ServerConfiguration {
        var configuration = ServerConfiguration(dataDirectory: dataDirectory)
        configuration.host = host
        configuration.port = port
        configuration.durability = durability
        configuration.maxBodyBytes = maxBodyBytes
        configuration.ingest.maxBatchEvents = maxBatchEvents
        configuration.walQuotaBytes = walQuotaBytes
        configuration.secureCookies = secureCookies
        configuration.queryMaxRows = max(1, queryMaxRows)
        configuration.queryTimeLimit = .milliseconds(Int64(max(0.001, queryTimeout) * 1000))
        return configuration
    }

    func makeLogger() -> Logger {
        var logger = Logger(label: "sightline") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = logLevel
        return logger
    }
}

extension WALDurability: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
