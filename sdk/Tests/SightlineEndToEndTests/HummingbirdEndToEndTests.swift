#if Hummingbird
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SightlineClient
import SightlineHummingbird
import Testing

/// A context that records the peer address, so that the middleware can capture `client_ip`.
struct E2EContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}

/// The Hummingbird app and the Sightline client run in one ServiceGroup, as an app would.
struct HummingbirdApp: AppUnderTest {
    let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>

    static func start(client: SightlineClient) async throws -> HummingbirdApp {
        let router = Router(context: E2EContext.self)
        router.add(middleware: SightlineMiddleware(
            client: client, options: AppRoutes.options,
            consumer: { request, _ in request.headers[HTTPField.Name("x-customer")!].map { SightlineConsumer(id: $0, plan: "pro") } },
            user: { request, _ in request.headers[HTTPField.Name("x-user")!] }
        ))
        router.get("/orders/:id") { _, context -> Response in
            let id = context.parameters.get("id") ?? ""
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"id":"\#(id)","owner":"ann@example.com"}"#)))
        }
        router.post("/login") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: AppRoutes.loginResponse)))
        }
        router.get("/missing/:id") { _, _ -> String in throw HTTPError(.notFound, message: "no such thing") }
        router.get("/boom") { _, _ -> String in throw BoomError() }
        router.get("/stream") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody { writer in
                for chunk in AppRoutes.streamChunks {
                    try await writer.write(ByteBuffer(string: chunk))
                    try await Task.sleep(for: .milliseconds(2))
                }
                try await writer.finish(nil)
            })
        }
        router.get("/health") { _, _ in "ok" }

        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "e2e.hummingbird")
        )
        // The client first: a ServiceGroup stops services in reverse order, so it flushes last.
        let group = ServiceGroup(configuration: .init(services: [client, app], logger: Logger(label: "e2e.group")))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw E2EError("the Hummingbird app did not start") }
        return HummingbirdApp(port: port, group: group, task: task)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

@Suite("End to end: Hummingbird app → real Sightline servers", .enabled(if: SightlineBinary.shouldRun, "the sightline binary is not built (swift build in the repository root); CI=true makes this a failure"))
struct HummingbirdEndToEndTests {
    @Test("fail-over, return to the primary, spool and drain: every request exactly once, with the right fields and redactions", .timeLimit(.minutes(5)))
    func failover() async throws {
        try await runFailoverScenario(framework: "hummingbird") { client in try await HummingbirdApp.start(client: client) }
    }
}
#endif
