import CompressNIO
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
@testable import SightlineClient

/// A tiny in-process stand-in for `sightline serve`: `POST /v1/events` (NDJSON, gzip) and
/// `GET /health`, with failures the test controls. Real sockets, real HTTP/1.1.
final class FakeSightline: Sendable {
    enum Mode: Sendable, Equatable {
        case accept
        /// Answer every batch with this status (e.g. 503, 401, 400) and no verdicts.
        case status(Int)
        /// Accept, but reject the events whose index is listed (answer 200 with verdicts).
        case rejectIndices(Set<Int>)
        /// 413 for batches of more than this many events; smaller ones are accepted.
        case tooLargeAbove(Int)
    }

    struct Batch: Sendable {
        var ids: [String]
        var lines: [String]
        var gzip: Bool
        var authorization: String?
    }

    fileprivate struct State {
        var mode: Mode = .accept
        var healthy = true
        var batches: [Batch] = []
        var requests = 0
        var probes = 0
    }

    private let box = Box()
    private let channel: Mutex<(any Channel)?> = Mutex(nil)
    let port: Int

    /// Starts on `port` (0 picks a free one).
    init(port: Int = 0) async throws {
        let box = self.box
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(box: box))
                }
            }
        let ch = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
        self.port = ch.localAddress!.port!
        channel.withLock { $0 = ch }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() async {
        let ch = channel.withLock { c -> (any Channel)? in
            defer { c = nil }
            return c
        }
        try? await ch?.close()
    }

    var mode: Mode {
        get { box.state.withLock { $0.mode } }
        set { box.state.withLock { $0.mode = newValue } }
    }
    var healthy: Bool {
        get { box.state.withLock { $0.healthy } }
        set { box.state.withLock { $0.healthy = newValue } }
    }
    var batches: [Batch] { box.state.withLock { $0.batches } }
    var receivedIDs: [String] { box.state.withLock { $0.batches.flatMap(\.ids) } }
    var requests: Int { box.state.withLock { $0.requests } }
    var probes: Int { box.state.withLock { $0.probes } }

    fileprivate final class Box: Sendable {
        let state = Mutex(State())
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let box: Box
        var head: HTTPRequestHead?
        var body = ByteBuffer()
        init(box: Box) { self.box = box }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body.clear()
            case .body(var b):
                body.writeBuffer(&b)
            case .end:
                guard let head else { return }
                let (status, answer) = respond(head: head)
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(answer.utf8.count))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .init(statusCode: status), headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }

        func respond(head: HTTPRequestHead) -> (Int, String) {
            if head.uri == "/health" {
                return box.state.withLock { s in
                    s.probes += 1
                    return s.healthy ? (200, #"{"status":"ok"}"#) : (503, #"{"status":"starting"}"#)
                }
            }
            guard head.method == .POST, head.uri == "/v1/events" else { return (404, "{}") }
            let gzip = head.headers.first(name: "Content-Encoding") == "gzip"
            var raw = body
            if gzip {
                guard let d = try? raw.decompress(with: .gzip()) else { return (400, #"{"error":{"code":"bad_batch"}}"#) }
                raw = d
            }
            let text = String(buffer: raw)
            let lines = text.split(separator: "\n").map(String.init)
            let ids = lines.map { line -> String in
                guard case .object(let m)? = JSONValue.parse(Array(line.utf8)),
                      case .string(let id)? = m.first(where: { $0.key == "id" })?.value else { return "?" }
                return id
            }
            let auth = head.headers.first(name: "Authorization")
            return box.state.withLock { s in
                s.requests += 1
                switch s.mode {
                case .accept:
                    s.batches.append(Batch(ids: ids, lines: lines, gzip: gzip, authorization: auth))
                    return (200, #"{"accepted":\#(ids.count),"rejected":[]}"#)
                case .status(let code):
                    return (code, #"{"error":{"code":"x","message":"y"}}"#)
                case .tooLargeAbove(let limit) where ids.count > limit:
                    return (413, #"{"error":{"code":"batch_too_large","message":"y"}}"#)
                case .tooLargeAbove:
                    s.batches.append(Batch(ids: ids, lines: lines, gzip: gzip, authorization: auth))
                    return (200, #"{"accepted":\#(ids.count),"rejected":[]}"#)
                case .rejectIndices(let bad):
                    let kept = ids.enumerated().filter { !bad.contains($0.offset) }
                    s.batches.append(Batch(ids: kept.map(\.element), lines: lines, gzip: gzip, authorization: auth))
                    let rejected = bad.filter { $0 < ids.count }.sorted().map { #"{"index":\#($0),"error":"field 'status'"}"# }
                    return (200, #"{"accepted":\#(kept.count),"rejected":[\#(rejected.joined(separator: ","))]}"#)
                }
            }
        }
    }
}
