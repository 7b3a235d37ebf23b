#if Hummingbird
// The overhead benchmark's three processes (docs/BENCHMARKS.md, "Swift SDK overhead"):
//
//   SDKOverheadBench app  --port 8081 [--sightline http://127.0.0.1:8090] [--sample-rate 1]
//       a Hummingbird hello-world; with --sightline, SightlineMiddleware captures every request
//       and the client sends to that URL.
//       --sender-priority idle|low|normal sets the client's work thread priority (default idle).
//       --capture-only 1 leaves the client unrun (events stay queued): the request-path cost alone.
//   SDKOverheadBench sink --port 8090
//       a minimal ingest endpoint that acknowledges every batch (gunzips it, counts lines),
//       so that the receiving side is never the bottleneck. It also takes the peers' OTLP/HTTP
//       spans (POST /v1/traces/<peer>: counts the spans, per peer) and answers GET /_spans/<peer>
//       with the number of that peer's spans received so far.
//
// Run by Benchmarks/run-overhead.sh under wrk; build with `swift build -c release`.
import CompressNIO
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization
@_spi(Benchmarks) import SightlineClient
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
case "micro":
    // Per-event costs of the pieces, in-process (diagnostics for the overhead figures).
    let client = try SightlineClient(configuration: SightlineConfiguration(endpoints: ["http://127.0.0.1:9"], ingestKey: "k", service: "bench"))
    func event() -> APIEvent {
        var e = APIEvent(method: "GET", path: "/", status: 200)
        e.route = "/"
        e.host = "127.0.0.1:8081"
        e.durationMs = 0.042
        e.responseSize = 13
        e.userAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
        e.rawQuery = "page=2&sort=asc"
        return e
    }
    func time(_ label: String, _ n: Int, _ body: () -> Void) {
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        let (s, a) = elapsed.components
        print(label, String(format: "%.3f µs/op", (Double(s) * 1e6 + Double(a) / 1e12) / Double(n)))
    }
    let n = 200_000
    var sink = 0
    time("EventID.make", n) { for _ in 0..<n { sink &+= EventID.make().utf8.count } }
    time("APIEvent()", n) { for _ in 0..<n { sink &+= event().path.utf8.count } }
    let batch = (0..<1000).map { _ in event() }
    time("encode (per event)", 100_000) { for _ in 0..<100 { sink &+= client.encodeBatchForBenchmark(batch).count } }
    let noDetectors = try SightlineClient(configuration: SightlineConfiguration(endpoints: ["http://127.0.0.1:9"], ingestKey: "k", service: "bench", redaction: RedactionPolicy(detectors: [])))
    time("encode, no detectors (per event)", 100_000) { for _ in 0..<100 { sink &+= noDetectors.encodeBatchForBenchmark(batch).count } }
    let noQuery = batch.map { e -> APIEvent in var e = e; e.rawQuery = nil; return e }
    time("encode, no query (per event)", 100_000) { for _ in 0..<100 { sink &+= client.encodeBatchForBenchmark(noQuery).count } }
    let noUA = batch.map { e -> APIEvent in var e = e; e.userAgent = nil; return e }
    time("encode, no user agent (per event)", 100_000) { for _ in 0..<100 { sink &+= client.encodeBatchForBenchmark(noUA).count } }
    let payload = client.encodeBatchForBenchmark(batch)
    print("payload bytes per event:", payload.count / 1000)
    time("gzip level 1 (per event)", 100_000) {
        for _ in 0..<100 {
            var buffer = ByteBuffer(bytes: payload)
            sink &+= (try? buffer.compress(with: .gzip(configuration: .init(compressionLevel: 1))))?.readableBytes ?? 0
        }
    }
    time("enqueue+take (per event)", n) {
        for i in 0..<n {
            client.enqueue(batch[i % 1000])
            if i % 1000 == 999 { sink &+= client.counters.snapshot().queued }
        }
    }
    print("checksum", sink)
case "sink":
    try await runSink(port: port)
default:
    let router = Router()
    var services: [any Service] = []
    if let url = options["sightline"] {
        // --capture-only 1: the client is not run, so the events stay queued (a diagnostic that
        // separates the middleware's cost on the request path from the sender's).
        let captureOnly = options["capture-only"] == "1"
        let priority: SenderPriority
        switch options["sender-priority"] ?? "idle" {
        case "low": priority = .low
        case "normal": priority = .normal
        default: priority = .idle
        }
        let client = try SightlineClient(configuration: SightlineConfiguration(
            endpoints: [url], ingestKey: options["key"] ?? "bench-key", service: "bench",
            batchSize: 1000, flushInterval: .milliseconds(200), queueCapacity: captureOnly ? 2_000_000 : 10_000, senderPriority: priority, logger: logger
        ))
        if !captureOnly { services.append(client) }
        let capture = try CaptureOptions(sampleRate: Double(options["sample-rate"] ?? "1") ?? 1)
        router.add(middleware: SightlineMiddleware(client: client, options: capture))
        // Printed at the end so that a run can be checked (every request acknowledged), and
        // served at /_counters so that the script can count, per run, the requests captured.
        let snapshot: @Sendable () -> String = { client.counters.snapshot().description }
        counters = snapshot
        router.get("/_counters") { _, _ in snapshot() }
    }
    router.get("/") { _, _ in "Hello, World!" }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    services.append(app)
    let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
    if let counters { print("counters: \(counters())") }
}

/// Spans the sink has received, per OTLP peer (the path after `/v1/traces`). A static, lazily
/// initialised: a global of main.swift would be initialised only when the top-level code reaches
/// it, after the sink has started.
enum SpansReceived {
    static let byPeer = Mutex<[String: Int]>([:])
}

/// Counts the spans of an OTLP `ExportTraceServiceRequest` without decoding them: field 1
/// (resource_spans) → field 2 (scope_spans) → field 2 (spans), walking protobuf's wire format.
enum OTLPSpanCount {
    static func spans<C: Collection<UInt8>>(in bytes: C) -> Int where C.Index == Int {
        var count = 0
        for resource in fields(bytes, number: 1) {
            for scope in fields(resource, number: 2) {
                count += fields(scope, number: 2).count
            }
        }
        return count
    }

    /// The payloads of the length-delimited fields numbered `number` (others are skipped); stops
    /// at the first malformed byte.
    static func fields<C: Collection<UInt8>>(_ bytes: C, number: UInt64) -> [C.SubSequence] where C.Index == Int {
        var found: [C.SubSequence] = []
        var i = bytes.startIndex
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while i < bytes.endIndex, shift < 64 {
                let byte = bytes[i]
                i += 1
                value |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while i < bytes.endIndex, let key = varint() {
            switch key & 7 {
            case 0: guard varint() != nil else { return found }
            case 1: i += 8
            case 5: i += 4
            case 2:
                guard let length = varint(), length <= UInt64(bytes.endIndex - i) else { return found }
                let end = i + Int(length)
                if key >> 3 == number { found.append(bytes[i..<end]) }
                i = end
            default: return found
            }
        }
        return found
    }
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
            var headers = HTTPHeaders()
            let answer: String
            switch head.uri {
            case "/health":
                answer = #"{"status":"ok"}"#
            case let uri where uri.hasPrefix("/v1/traces"):
                // An empty ExportTraceServiceResponse: full success.
                let spans = OTLPSpanCount.spans(in: raw.readableBytesView)
                let peer = String(uri.dropFirst("/v1/traces".count))
                SpansReceived.byPeer.withLock { $0[peer, default: 0] += spans }
                headers.add(name: "Content-Type", value: "application/x-protobuf")
                answer = ""
            case let uri where uri.hasPrefix("/_spans"):
                let peer = String(uri.dropFirst("/_spans".count))
                answer = String(SpansReceived.byPeer.withLock { $0[peer] ?? 0 })
            default:
                let lines = raw.readableBytesView.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                answer = #"{"accepted":\#(lines),"rejected":[]}"#
            }
            headers.add(name: "Content-Length", value: String(answer.utf8.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
#endif
