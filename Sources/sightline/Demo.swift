import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import SightlineDemo
import SightlineServer

/// `sightline demo`: a server on its own data directory, fed with realistic generated traffic.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Sightline with generated API traffic, to see it at work at once.",
        discussion: """
        Starts the server on a data directory of its own, backfills recent history, then keeps sending
        live traffic from several services (consumers on plans, users and sessions, slow endpoints,
        error bursts, a little suspicious traffic) through the real ingest API. Ctrl-C stops it.
        """
    )

    @Option(help: "Data directory (default: sightline-demo in the system's temporary directory).")
    var dataDir: String?

    @Option(help: "Minutes of history to backfill at start.")
    var backfillMinutes = 60

    @Option(help: "Multiply the generator's live traffic rate by this factor.")
    var rateFactor = 1.0

    @Option(help: "Stop after this many seconds (0: run until interrupted).")
    var seconds = 0

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let logger = options.makeLogger()
        let directory = dataDir ?? FileManager.default.temporaryDirectory.appendingPathComponent("sightline-demo").path
        var configuration = options.configuration(dataDirectory: directory)
        let ingestKey = KeyStoreDemoKeys.make("ingest")
        let readKey = KeyStoreDemoKeys.make("read")
        configuration.pinnedIngestKey = ingestKey
        configuration.pinnedReadKey = readKey
        let adminPassword = ProcessInfo.processInfo.environment["SIGHTLINE_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 } ?? KeyStoreDemoKeys.make("admin")
        configuration.pinnedAdminPassword = adminPassword
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = try Sightline.make(configuration: configuration, logger: logger) { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let traffic = DemoTraffic(
            ports: ports, host: configuration.host, ingestKey: ingestKey, readKey: readKey, adminPassword: adminPassword, dataDirectory: directory,
            backfillMinutes: backfillMinutes, rateFactor: rateFactor, logger: logger
        )
        var services: [any Service] = [server.application, traffic]
        if seconds > 0 { services.append(StopAfter(seconds: seconds)) }
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
    }
}

enum KeyStoreDemoKeys {
    static func make(_ scope: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "sl_\(scope)_demo_" + String((0..<24).map { _ in alphabet.randomElement()! })
    }
}

/// Ends the demo after a fixed time (for scripted runs).
struct StopAfter: Service {
    let seconds: Int
    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(seconds)) }
    }
}

/// Sends generated traffic to the demo server through its public ingest API.
struct DemoTraffic: Service {
    let ports: AsyncStream<Int>
    let host: String
    let ingestKey: String
    let readKey: String
    let adminPassword: String
    let dataDirectory: String
    let backfillMinutes: Int
    let rateFactor: Double
    let logger: Logger

    func run() async throws {
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { return }
        let url = "http://\(host):\(port)"
        print("""

        Sightline demo is running on \(url)  (data: \(dataDirectory))
          dashboard:  \(url)/   user: admin   password: \(adminPassword)
          ingest key: \(ingestKey)
          read key:   \(readKey)

        Try:
          curl -s -H 'Authorization: Bearer \(readKey)' '\(url)/v1/events?limit=3'
          curl -s -H 'Authorization: Bearer \(readKey)' '\(url)/v1/events?status=5xx&limit=3'
          curl -s -H 'Authorization: Bearer \(readKey)' '\(url)/metrics'

        Or ask questions with the query language (docs/specs/query-language.md):
          export SIGHTLINE_URL=\(url) SIGHTLINE_READ_KEY=\(readKey)
          swift run sightline query 'where status >= 500 | summarize errors=count() by service, route | top 10 by errors' --from 1h
          swift run sightline query 'summarize n=count(), p95=p95(duration_ms) by bin(timestamp, 5m) | sort by timestamp asc' --from 1h

        Press Ctrl-C to stop.
        """)
        fflush(nil)
        let client = ServerClient(baseURL: url, key: ingestKey)
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        var generator = TrafficGenerator(seed: UInt64(now), startMicros: now)
        // Backfill: history at the generator's own rate, sent in batches.
        if backfillMinutes > 0 {
            let start = now - Int64(backfillMinutes) * 60_000_000
            let step: Int64 = 60_000_000
            var total = 0
            var from = start
            while from < now {
                let to = min(from + step, now)
                let count = min(20_000, max(1, Int(generator.rate(atMicros: from) * Double(to - from) / 1_000_000)))
                let body = generator.ndjson(count: count, fromMicros: from, toMicros: to)
                _ = try await Send.deliver(body, client: client, gzip: true)
                await sendTelemetry(for: body, client: client)
                total += count
                from = to
            }
            print("backfilled \(total) events over the last \(backfillMinutes) minutes; now sending live traffic")
            fflush(nil)
        }
        // Live: every 250 ms, the events the generator's rate calls for.
        var last = now
        var carry = 0.0
        while !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(250)) }
            let current = Int64(Date().timeIntervalSince1970 * 1_000_000)
            carry += generator.rate(atMicros: current) * rateFactor * Double(current - last) / 1_000_000
            let count = Int(carry)
            carry -= Double(count)
            guard count > 0 else { last = current; continue }
            var body: [UInt8] = []
            for index in 0..<count {
                let at = last + (current - last) * Int64(index) / Int64(count)
                body.append(contentsOf: generator.nextEvent(atMicros: at))
                body.append(0x0A)
            }
            last = current
            do {
                _ = try await client.postEvents(body, gzip: true)
            } catch {
                logger.warning("demo traffic could not be sent", metadata: ["error": "\(type(of: error))"])
            }
            await sendTelemetry(for: body, client: client)
        }
    }

    /// Sends spans and log records for some of the batch's requests over OTLP/HTTP (JSON).
    private func sendTelemetry(for batch: [UInt8], client: ServerClient) async {
        guard let exports = DemoTelemetry.exports(ndjson: batch, sampleEvery: 8) else { return }
        do {
            _ = try await client.postJSON("/v1/traces", exports.traces)
            _ = try await client.postJSON("/v1/logs", exports.logs)
        } catch {
            logger.warning("demo telemetry could not be sent", metadata: ["error": "\(type(of: error))"])
        }
    }
}
