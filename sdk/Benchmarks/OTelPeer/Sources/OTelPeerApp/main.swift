// The benchmark's peer app: a Hummingbird hello-world that records every request as an
// OpenTelemetry span (Hummingbird's TracingMiddleware) and exports the spans with swift-otel over
// OTLP/HTTP (protobuf; swift-otel 1.6.0's HTTP exporter sends it uncompressed whatever
// `compression` says) to the benchmark's sink.
//
//   OTelPeerApp --port 18200 --otlp http://127.0.0.1:18190/v1/traces/otel200ms [--schedule-delay-ms 200]
//
// The batch span processor takes batches of up to 1,000, like the Sightline client in the
// benchmark, and holds at most 10,000 spans (beyond that they are dropped). It exports one batch
// per `scheduleDelay` tick, and one more whenever its queue is full: with 200 ms (the client's
// flush interval) its timer exports at most 5,000 spans/s, so at the benchmark's loads the full
// queue drives it; 20 ms keeps up.
import Hummingbird
import Logging
import OTel
import ServiceLifecycle

var arguments = CommandLine.arguments.dropFirst()
var options: [String: String] = [:]
while let key = arguments.popFirst(), key.hasPrefix("--"), let value = arguments.popFirst() {
    options[String(key.dropFirst(2))] = value
}
let port = Int(options["port"] ?? "") ?? 8086
var logger = Logger(label: "otel-peer")
logger.logLevel = .warning

var configuration = OTel.Configuration.default
configuration.serviceName = "bench"
configuration.logs.enabled = false
configuration.metrics.enabled = false
configuration.traces.sampler = .alwaysOn
configuration.traces.otlpExporter.protocol = .httpProtobuf
configuration.traces.otlpExporter.endpoint = options["otlp"] ?? "http://127.0.0.1:8090/v1/traces"
configuration.traces.batchSpanProcessor.scheduleDelay = .milliseconds(Int(options["schedule-delay-ms"] ?? "") ?? 200)
configuration.traces.batchSpanProcessor.maxExportBatchSize = 1000
configuration.traces.batchSpanProcessor.maxQueueSize = 10_000
configuration.diagnosticLogLevel = .warning
let observability = try OTel.bootstrap(configuration: configuration)

let router = Router()
router.add(middleware: TracingMiddleware())
router.get("/") { _, _ in "Hello, World!" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
let group = ServiceGroup(configuration: .init(
    services: [observability, app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
))
try await group.run()
