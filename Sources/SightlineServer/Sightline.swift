import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SightlineCore
import SightlineIngest
import SightlineInsights
import SightlineQuery
import SightlineSQLite
import SightlineStorage
import SightlineWAL

/// A Sightline server, assembled and ready to run: HTTP routes in front of
/// ingest → write-ahead log → store applier → SQLite.
///
/// Invariants:
/// - Services shut down in reverse order: the HTTP server stops accepting first (in-flight
///   requests finish), then the store applier drains the log and checkpoints, then the security
///   monitor runs the detectors over what is still queued, then the log closes.
/// - Every route but `GET /health` requires a key: the ingest key to write, the read key to read.
public struct Sightline: Sendable {
    /// The Hummingbird application; run it with `runService()` or in a ServiceGroup.
    public let application: Application<RouterResponder<SightlineRequestContext>>
    /// Keys created by this start (first start only): print them once, they are not stored in clear.
    public let createdKeys: [(KeyStore.Scope, String)]
    /// What the log found on disk at start.
    public let recovery: WALRecoveryReport
    public let wal: WriteAheadLog
    public let applier: StoreApplier
    public let ingestor: Ingestor
    public let store: SQLiteEventStore
    /// Runs the security detectors over stored batches and keeps their incidents.
    public let security: SecurityMonitor
    /// The dashboard admin's password when this start created it (first start, no
    /// `SIGHTLINE_ADMIN_PASSWORD`): print it once, it is stored only as a hash.
    public let createdAdminPassword: String?

    /// Opens (or creates) the data directory and builds the application.
    ///
    /// - Parameters:
    ///   - configuration: data directory, address, limits.
    ///   - logger: structured logger; never given keys or payloads.
    ///   - onServerRunning: called with the bound port once the server listens.
    /// - Throws: ``ServerError`` when the data directory, keys, log or store cannot be opened.
    public static func make(
        configuration: ServerConfiguration,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> Sightline {
        let directory = URL(fileURLWithPath: configuration.dataDirectory)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ServerError(code: .dataDirectory, message: "cannot create the data directory \(directory.path): check the path and its permissions", underlying: "\(type(of: error))")
        }
        let (keys, created) = try KeyStore.open(
            directory: directory.path,
            pinnedIngestKey: configuration.pinnedIngestKey,
            pinnedReadKey: configuration.pinnedReadKey
        )
        let walConfiguration = WALConfiguration(
            directory: directory.appendingPathComponent("wal").path,
            segmentBytes: configuration.walSegmentBytes,
            maxTotalBytes: configuration.walQuotaBytes,
            durability: configuration.durability
        )
        let wal: WriteAheadLog
        let recovery: WALRecoveryReport
        do {
            (wal, recovery) = try WriteAheadLog.open(walConfiguration, logger: logger)
        } catch {
            throw ServerError(code: .wal, message: "cannot open the write-ahead log in \(walConfiguration.directory)", underlying: error.description)
        }
        if recovery.tornTailBytesTruncated > 0 || recovery.corruptRecordsSkipped > 0 {
            logger.warning("write-ahead log recovered with damage", metadata: [
                "wal.torn_tail_bytes": "\(recovery.tornTailBytesTruncated)",
                "wal.corrupt_records": "\(recovery.corruptRecordsSkipped)",
                "wal.details": "\(recovery.corruptions.prefix(5).joined(separator: "; "))",
            ])
        }
        let store: SQLiteEventStore
        do {
            store = try SQLiteEventStore(path: directory.appendingPathComponent("events.sqlite").path, logger: logger)
        } catch {
            throw ServerError(code: .store, message: "cannot open the SQLite store in \(directory.path)", underlying: "\(error)")
        }
        let accounts: SQLiteAccountStore
        let auth: DashboardAuth
        let adminPassword: String?
        do {
            accounts = try SQLiteAccountStore(path: directory.appendingPathComponent("accounts.sqlite").path)
            auth = DashboardAuth(accounts: accounts, secureCookies: configuration.secureCookies)
            adminPassword = try auth.ensureAdmin(pinnedPassword: configuration.pinnedAdminPassword, nowMicros: Self.nowMicros(), logger: logger)
        } catch {
            throw ServerError(code: .store, message: "cannot open the dashboard accounts in \(directory.path)", underlying: "\(error)")
        }
        let ingestor = Ingestor(wal: wal, configuration: configuration.ingest, now: { Self.nowMicros() })
        let routesFile = directory.appendingPathComponent("routes.json")
        let security = SecurityMonitor(file: directory.appendingPathComponent("incidents.json"), logger: logger)
        let detect: (@Sendable ([Event]) async -> Void)? = configuration.detection ? { @Sendable events in await security.enqueue(events) } : nil
        let applier = StoreApplier(
            wal: wal, store: store, logger: logger, routes: Self.loadRoutes(routesFile, logger: logger),
            onStored: detect, handoff: ingestor.handoff)
        let metrics = ServerMetrics()

        let router = Router(context: SightlineRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        let routes = Routes(
            keys: keys,
            ingestor: ingestor,
            reader: store,
            telemetry: store,
            metrics: metrics,
            wal: wal,
            applier: applier,
            queries: QueryEngine(executor: store, maxRows: configuration.queryMaxRows, timeLimit: configuration.queryTimeLimit),
            rollups: store,
            auth: auth,
            security: security,
            configuration: configuration
        )
        routes.register(on: router)

        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "sightline"),
            services: [LogLifecycle(wal: wal, store: store, accounts: accounts, routes: applier.routes, routesFile: routesFile, security: security, logger: logger), security, applier],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
        return Sightline(
            application: application, createdKeys: created, recovery: recovery,
            wal: wal, applier: applier, ingestor: ingestor, store: store, security: security, createdAdminPassword: adminPassword
        )
    }

    /// The route learner of the previous run, or a new one when there is none or it is unreadable
    /// (templates are then relearned from traffic).
    static func loadRoutes(_ file: URL, logger: Logger) -> RouteLearner {
        guard let data = try? Data(contentsOf: file) else { return RouteLearner() }
        do {
            return try RouteLearner(restoring: JSONDecoder().decode(RouteLearnerSnapshot.self, from: data))
        } catch {
            logger.warning("the saved route templates are unreadable; relearning them from traffic", metadata: ["file": "\(file.path)"])
            return RouteLearner()
        }
    }

    static func nowMicros() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())
    }
}

/// Closes the write-ahead log and the store when the group shuts down — after the store applier
/// (listed after this service) has drained.
struct LogLifecycle: Service {
    let wal: WriteAheadLog
    let store: SQLiteEventStore
    let accounts: SQLiteAccountStore
    let routes: RouteLearner
    let routesFile: URL
    let security: SecurityMonitor
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try JSONEncoder().encode(routes.snapshot()).write(to: routesFile, options: .atomic)
        } catch {
            logger.warning("could not save the learned route templates", metadata: ["error": "\(type(of: error))"])
        }
        security.save()
        await wal.close()
        try? accounts.close()
        do {
            try store.close()
        } catch {
            logger.error("closing the store failed", metadata: ["error": "\(error)"])
        }
        logger.info("write-ahead log and store closed")
    }
}
