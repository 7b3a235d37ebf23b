import Hummingbird
import Logging
import ServiceLifecycle
import SightlineClient
import SightlineHummingbird

// The whole integration: a client (a Service) and one line of middleware.
let sightline = try SightlineClient(configuration: SightlineConfiguration(
    endpoints: ["http://127.0.0.1:7070"], ingestKey: "replace-with-ingest-key", service: "hello"
))
let router = Router()
router.add(middleware: SightlineMiddleware(client: sightline))
router.get("/hello") { _, _ in "Hello" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
let group = ServiceGroup(configuration: .init(services: [sightline, app], gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "hello")))
try await group.run()
