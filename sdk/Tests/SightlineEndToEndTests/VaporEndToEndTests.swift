#if Vapor
import SightlineClient
import SightlineVapor
import Testing
import Vapor

/// The Vapor app; the Sightline client runs in its own task.
struct VaporApp: AppUnderTest {
    let port: Int
    let app: Application
    let client: SightlineClient
    let clientTask: Task<Void, any Error>

    static func start(client: SightlineClient) async throws -> VaporApp {
        let clientTask = Task { try await client.run() }
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        app.middleware.use(SightlineMiddleware(
            client: client, options: AppRoutes.options,
            consumer: { request in request.headers.first(name: "X-Customer").map { SightlineConsumer(id: $0, plan: "pro") } },
            user: { request in request.headers.first(name: "X-User") }
        ))
        app.get("orders", ":id") { request -> Response in
            let id = request.parameters.get("id") ?? ""
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .ok, headers: headers, body: .init(string: #"{"id":"\#(id)","owner":"ann@example.com"}"#))
        }
        app.post("login") { _ -> Response in
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .ok, headers: headers, body: .init(string: AppRoutes.loginResponse))
        }
        app.get("missing", ":id") { _ -> String in throw Abort(.notFound, reason: "no such thing") }
        app.get("boom") { _ -> String in throw BoomError() }
        app.get("stream") { _ -> Response in
            var headers = HTTPHeaders()
            headers.contentType = .plainText
            return Response(status: .ok, headers: headers, body: .init(asyncStream: { writer in
                for chunk in AppRoutes.streamChunks {
                    try await writer.writeBuffer(ByteBuffer(string: chunk))
                    try await Task.sleep(for: .milliseconds(2))
                }
                try await writer.write(.end)
            }))
        }
        app.get("health") { _ in "ok" }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        guard let port = app.http.server.shared.localAddress?.port else { throw E2EError("the Vapor app did not start") }
        return VaporApp(port: port, app: app, client: client, clientTask: clientTask)
    }

    func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
        client.requestShutdown()
        try await clientTask.value
    }
}

@Suite("End to end: Vapor app → real Sightline servers", .enabled(if: SightlineBinary.shouldRun, "the sightline binary is not built (swift build in the repository root); CI=true makes this a failure"))
struct VaporEndToEndTests {
    @Test("fail-over, return to the primary, spool and drain: every request exactly once, with the right fields and redactions", .timeLimit(.minutes(5)))
    func failover() async throws {
        try await runFailoverScenario(framework: "vapor") { client in try await VaporApp.start(client: client) }
    }
}
#endif
