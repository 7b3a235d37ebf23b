#if Hummingbird
// The overhead benchmark's three processes (docs/BENCHMARKS.md, "Swift SDK overhead"):
//
//   SDKOverheadBench app  --port 8081 [--sightline http://127.0.0.1:8090] [--sample-rate 1]
//       a Hummingbird hello-world; with --sightline, SightlineMiddleware captures every request
//       and the client sends to that URL.
//   SDKOverheadBench sink --port 8090
//       a minimal ingest endpoint that acknowledges every batch (gunzips it, counts lines),
//       so that the receiving side is never the bottleneck.
//
// Run by Benchmarks/run-overhead.sh under wrk; build with `swift build -c release`.
import CompressNIO
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import SightlineClient
import SightlineHummingbird
import UnixSignals

var arguments = CommandLine.arguments.dropFirst()
let mode = arguments.popFirst() ?? "app"
var options: [String: String] = [:]
while let key = arguments.popFirst(), key.hasPrefix("--"), let value = arguments.popFirst() {
    options[String(key.dropFirst(2))] = value
}
let port = Int(options["port"] ?? "8081") ?? 8081
var logger = Logger(label: "bench")
logger.logLevel = .warning

var counters: (@Sendable () -> String)?
switch mode {
case "sink":
    try await runSink(port: port)
default:
    let router = Router()
    var services: [any Service] = []
    if let url = options["sightline"] {
        let client = try SightlineClient(configuration: SightlineConfiguration(
            endpoints: [url], ingestKey: options["key"] ?? "bench-key", service: "bench",
            batchSize: 1000, flushInterval: .milliseconds(200), queueCapacity: 200_000, logger: logger
        ))
        services.append(client)
        let capture = try CaptureOptions(sampleRate: Double(options["sample-rate"] ?? "1") ?? 1)
        router.add(middleware: SightlineMiddleware(client: client, options: capture))
        // Printed at the end so that a run can be checked (every request acknowledged).
        counters = { client.counters.snapshot().description }
    }
    router.get("/") { _, _ in "Hello, World!" }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    services.append(app)
    let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
    if let counters { print("counters: \(counters())") }
}

/// Acknowledges `POST /v1/events` with `{"accepted":<lines>,"rejected":[]}`.
func runSink(port: Int) async throws {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                try channel.pipeline.syncOperations.addHandler(SinkHandler())
            }
        }
        .bind(host: "127.0.0.1", port: port).get()
    print("sink listening on \(port)")
    try await channel.closeFuture.get()
}

final class SinkHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    var head: HTTPRequestHead?
    var body = ByteBuffer()
    var total = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body.clear()
        case .body(var b):
            body.writeBuffer(&b)
        case .end:
            guard let head else { return }
            var raw = body
            if head.headers.first(name: "Content-Encoding") == "gzip", let d = try? raw.decompress(with: .gzip()) { raw = d }
            let lines = raw.readableBytesView.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            let answer = head.uri == "/health" ? #"{"status":"ok"}"# : #"{"accepted":\#(lines),"rejected":[]}"#
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: String(answer.utf8.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
#endif
