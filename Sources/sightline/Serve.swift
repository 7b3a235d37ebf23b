import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import SightlineServer

/// `sightline serve`: run the server on a data directory.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Sightline server.",
        discussion: """
        On first start it creates the default project with an ingest key and a read key, prints them
        once and stores them hashed in the data directory. SIGHTLINE_INGEST_KEY and SIGHTLINE_READ_KEY
        pin keys for automation. SIGTERM or SIGINT stop it gracefully: it stops accepting, stores
        everything acknowledged and checkpoints.
        """
    )

    @Option(help: "Directory for the write-ahead log, the SQLite store and the keys.")
    var dataDir: String

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let logger = options.makeLogger()
        var configuration = options.configuration(dataDirectory: dataDir)
        let environment = ProcessInfo.processInfo.environment
        configuration.pinnedIngestKey = environment["SIGHTLINE_INGEST_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.pinnedReadKey = environment["SIGHTLINE_READ_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.pinnedAdminPassword = environment["SIGHTLINE_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        let host = configuration.host
        let server = try Sightline.make(configuration: configuration, logger: logger) { port in
            print("Sightline is listening on http://\(host):\(port)")
            fflush(nil)
        }
        printKeys(server.createdKeys)
        if let password = server.createdAdminPassword {
            print("Dashboard: http://\(host):\(configuration.port)/  user: admin  password: \(password)  (shown only now; set SIGHTLINE_ADMIN_PASSWORD to choose it)")
            fflush(nil)
        }
        let group = ServiceGroup(configuration: .init(
            services: [server.application],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
    }
}

/// Prints keys created on first start; they are never shown again.
func printKeys(_ keys: [(KeyStore.Scope, String)]) {
    guard !keys.isEmpty else { return }
    print("First start: created the default project's API keys. They are shown only now; keep them safe.")
    for (scope, key) in keys {
        print("  \(scope.rawValue) key: \(key)")
    }
    fflush(nil)
}
