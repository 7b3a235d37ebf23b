// The benchmark's peer app: a Hummingbird hello-world that records every request as an
// OpenTelemetry span (Hummingbird's TracingMiddleware) and exports the spans with swift-otel over
// OTLP/HTTP (protobuf, gzip) to the benchmark's sink.
//
//   OTelPeerApp --port 18186 --otlp http://127.0.0.1:18190/v1/traces
//
// The batch span processor is set like the Sightline client in the benchmark: batches of up to
// 1,000, sent every 200 ms at the latest, at most 10,000 waiting (beyond that spans are dropped).
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
configuration.traces.otlpExporter.compression = .gzip
configuration.traces.otlpExporter.endpoint = options["otlp"] ?? "http://127.0.0.1:8090/v1/traces"
configuration.traces.batchSpanProcessor.scheduleDelay = .milliseconds(200)
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
