#if Hummingbird && Vapor
import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
@testable import SightlineClient
import SightlineHummingbird
@testable import SightlineVapor
import Synchronization
import Testing
import Vapor

/// A client that is never run: events stay in its memory queue, where the test reads them.
func queueOnlyClient() throws -> SightlineClient {
    try SightlineClient(configuration: SightlineConfiguration(endpoints: ["http://127.0.0.1:9"], ingestKey: "k", service: "behaviour"))
}

/// Waits until the client's queue holds `count` events (the response's last byte can reach the
/// test a moment before the middleware records the event), then takes them.
func takeEvents(_ client: SightlineClient, count: Int) async -> [APIEvent] {
    let deadline = ContinuousClock.now.advanced(by: .seconds(5))
    while client.queue.count < count, ContinuousClock.now < deadline {
        try? await Task.sleep(for: .milliseconds(5))
    }
    return client.queue.takeAll()
}

/// A one-shot gate a handler waits on until the test opens it.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.open { return true }
                s.waiters.append(c)
                return false
            }
            if resumeNow { c.resume() }
        }
    }
    func open() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }
}

/// Starts a Hummingbird app on a free port for the body.
func withHummingbird(_ router: Hummingbird.Router<E2EContext>, _ body: (String) async throws -> Void) async throws {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Hummingbird.Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                          onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: Logger(label: "behaviour"))
    let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "behaviour")))
    let task = Task { try await group.run() }
    var iterator = ports.makeAsyncIterator()
    let port = await iterator.next() ?? 0
    do {
        try await body("http://127.0.0.1:\(port)")
    } catch {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        throw error
    }
    await group.triggerGracefulShutdown()
    try await task.value
}

func get(_ http: HTTPClient, _ url: String, headers: [(String, String)] = []) async throws -> (Int, String) {
    var request = HTTPClientRequest(url: url)
    for (n, v) in headers { request.headers.add(name: n, value: v) }
    let response = try await http.execute(request, timeout: .seconds(10))
    let body = try await response.body.collect(upTo: 1 << 22)
    return (Int(response.status.code), String(buffer: body))
}

@Suite("Middleware behaviour (real sockets, events read from the client's queue)", .serialized)
struct MiddlewareBehaviourTests {
    @Test("Hummingbird: a streamed response reaches the client chunk by chunk; the event is recorded when the stream ends, with its size")
    func hummingbirdStreamingNotDelayed() async throws {
        let client = try queueOnlyClient()
        let gate = Gate()
        let router = Hummingbird.Router(context: E2EContext.self)
        router.add(middleware: SightlineHummingbird.SightlineMiddleware(client: client, options: try CaptureOptions(captureResponseBody: true)))
        router.get("/events") { _, _ -> Hummingbird.Response in
            Hummingbird.Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "data: first\n\n"))
                await gate.wait()  // the test opens this only after it has read the first chunk
                try await writer.write(ByteBuffer(string: "data: second\n\n"))
                try await writer.finish(nil)
            })
        }
        let http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        try await withHummingbird(router) { (base: String) async throws -> Void in
            let response = try await http.execute(HTTPClientRequest(url: base + "/events"), timeout: .seconds(10))
            var iterator = response.body.makeAsyncIterator()
            var received = ""
            while !received.contains("first") {
                guard let chunk = try await iterator.next() else { break }
                received += String(buffer: chunk)
            }
            #expect(received == "data: first\n\n")
            #expect(client.queue.count == 0, "recorded before the stream ended")
            gate.open()
            while let chunk = try await iterator.next() { received += String(buffer: chunk) }
            #expect(received == "data: first\n\ndata: second\n\n")
            let events = await takeEvents(client, count: 1)
            #expect(events.count == 1)
            #expect(events.first?.responseSize == Int64(received.utf8.count))
            #expect(events.first?.response?.body == nil, "an event stream is never captured")
            #expect(events.first?.route == "/events")
        }
        try await http.shutdown()
    }

    @Test("Hummingbird: exclusions by path and by route template, and sampling with a weight")
    func hummingbirdExclusionAndSampling() async throws {
        let client = try queueOnlyClient()
        let router = Hummingbird.Router(context: E2EContext.self)
        router.add(middleware: SightlineHummingbird.SightlineMiddleware(client: client, options: try CaptureOptions(excludedPaths: ["/health", "/internal/{id}"], sampleRate: 0.5)))
        router.get("/health") { _, _ in "ok" }
        router.get("/internal/:id") { _, _ in "internal" }
        router.get("/items/:id") { _, _ in "item" }
        let http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        try await withHummingbird(router) { (base: String) async throws -> Void in
            for i in 0..<4 {
                #expect(try await get(http, base + "/health").0 == 200)
                #expect(try await get(http, base + "/internal/\(i)").0 == 200)
            }
            for i in 0..<10 { #expect(try await get(http, base + "/items/\(i)").0 == 200) }
            let events = await takeEvents(client, count: 5)
            #expect(events.allSatisfy { $0.route == "/items/{id}" })
            #expect(events.count == 5)
            #expect(events.allSatisfy { $0.attributes.contains { $0.name == "sample_weight" && $0.value == .number(2) } })
        }
        try await http.shutdown()
    }

    @Test("a full memory queue: requests are served as usual, not captured, and counted as dropped (Hummingbird and Vapor)")
    func fullQueueSkipsCapture() async throws {
        func smallClient() throws -> SightlineClient {
            try SightlineClient(configuration: SightlineConfiguration(endpoints: ["http://127.0.0.1:9"], ingestKey: "k", service: "behaviour", batchSize: 2, queueCapacity: 3))
        }
        let http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        func check(_ client: SightlineClient, _ base: String) async throws {
            for i in 0..<8 { #expect(try await get(http, base + "/items/\(i)") == (200, "item")) }
            // The last event can be recorded a moment after its response reached the test.
            let deadline = ContinuousClock.now.advanced(by: .seconds(5))
            while client.counters.snapshot().enqueued + client.counters.snapshot().dropped < 8, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            let s = client.counters.snapshot()
            #expect(s.enqueued == 3 && s.dropped == 5, "\(s)")
            // The 4th request's event was refused by the queue; from then on capture is skipped.
            #expect(!client.shouldCapture())
            #expect(client.queue.takeAll().map(\.path) == ["/items/0", "/items/1", "/items/2"])
            #expect(client.shouldCapture(), "capture resumes once the sender took the queue")
            #expect(try await get(http, base + "/items/9") == (200, "item"))
            #expect(await takeEvents(client, count: 1).map(\.path) == ["/items/9"])
        }

        let hummingbirdClient = try smallClient()
        let router = Hummingbird.Router(context: E2EContext.self)
        router.add(middleware: SightlineHummingbird.SightlineMiddleware(client: hummingbirdClient))
        router.get("/items/:id") { _, _ in "item" }
        try await withHummingbird(router) { base in try await check(hummingbirdClient, base) }

        let vaporClient = try smallClient()
        let app = try await Vapor.Application.make(.testing)
        app.logger.logLevel = .critical
        app.middleware.use(SightlineVapor.SightlineMiddleware(client: vaporClient))
        app.get("items", ":id") { _ in "item" }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        do {
            try await check(vaporClient, "http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)")
        } catch {
            Issue.record(error)
        }
        try await http.shutdown()
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    @Test("Hummingbird: a thrown HTTPError keeps its status for the client and is recorded with it; X-Forwarded-For only from trusted proxies")
    func hummingbirdErrorsAndProxies() async throws {
        let client = try queueOnlyClient()
        let trusting = try queueOnlyClient()
        let router = Hummingbird.Router(context: E2EContext.self)
        router.add(middleware: SightlineHummingbird.SightlineMiddleware(client: client))
        router.get("/teapot") { _, _ -> String in throw Hummingbird.HTTPError(.badRequest, message: "bad thing") }
        router.get("/ok") { _, _ in "ok" }
        let trustingRouter = Hummingbird.Router(context: E2EContext.self)
        trustingRouter.add(middleware: SightlineHummingbird.SightlineMiddleware(client: trusting, options: try CaptureOptions(trustedProxies: ["127.0.0.1"])))
        trustingRouter.get("/ok") { _, _ in "ok" }
        let http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        try await withHummingbird(router) { (base: String) async throws -> Void in
            let (status, body) = try await get(http, base + "/teapot")
            #expect(status == 400)
            #expect(body.contains("bad thing"))
            _ = try await get(http, base + "/ok", headers: [("X-Forwarded-For", "203.0.113.9")])
            let events = await takeEvents(client, count: 2)
            #expect(events.count == 2)
            #expect(events.first?.status == 400)
            #expect(events.first?.error?.message?.contains("bad thing") == true)
            #expect(events.last?.clientIP == "127.0.0.1", "not trusted: the header is ignored")
        }
        try await withHummingbird(trustingRouter) { (base: String) async throws -> Void in
            _ = try await get(http, base + "/ok", headers: [("X-Forwarded-For", "203.0.113.9")])
            #expect(await takeEvents(trusting, count: 1).first?.clientIP == "203.0.113.9")
        }
        try await http.shutdown()
    }

    @Test("Hummingbird: bodies over the cap are not captured; sizes are still right")
    func hummingbirdBodyCap() async throws {
        let client = try queueOnlyClient()
        let router = Hummingbird.Router(context: E2EContext.self)
        router.add(middleware: SightlineHummingbird.SightlineMiddleware(client: client, options: try CaptureOptions(captureResponseBody: true, maxBodyBytes: 100)))
        let big = String(repeating: "x", count: 1000)
        router.get("/big") { _, _ in big }
        router.get("/small") { _, _ in "small" }
        let http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        try await withHummingbird(router) { (base: String) async throws -> Void in
            #expect(try await get(http, base + "/big").1 == big)
            #expect(try await get(http, base + "/small").1 == "small")
            let events = await takeEvents(client, count: 2)
            #expect(events.map(\.responseSize) == [1000, 5])
            #expect(events[0].response?.body == nil)
            #expect(events[1].response?.body == Array("small".utf8))
        }
        try await http.shutdown()
    }

    @Test("Vapor: a streamed response is not held back by the middleware; route templates and errors")
    func vaporStreamingAndErrors() async throws {
        let client = try queueOnlyClient()
        let gate = Gate()
        let app = try await Vapor.Application.make(.testing)
        app.logger.logLevel = .critical
        app.middleware.use(SightlineVapor.SightlineMiddleware(client: client, options: try CaptureOptions(captureResponseBody: true)))
        app.get("events") { _ -> Vapor.Response in
            Vapor.Response(status: .ok, body: .init(asyncStream: { writer in
                try await writer.writeBuffer(ByteBuffer(string: "data: first\n\n"))
                await gate.wait()
                try await writer.writeBuffer(ByteBuffer(string: "data: second\n\n"))
                try await writer.write(.end)
            }))
        }
        app.get("users", ":id", "orders", "**") { _ in "ok" }
        app.get("teapot") { _ -> String in throw Abort(.imATeapot, reason: "short and stout") }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let base = "http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)"
        let http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        do {
            let response = try await http.execute(HTTPClientRequest(url: base + "/events"), timeout: .seconds(10))
            var iterator = response.body.makeAsyncIterator()
            var received = ""
            while !received.contains("first") {
                guard let chunk = try await iterator.next() else { break }
                received += String(buffer: chunk)
            }
            #expect(received == "data: first\n\n")
            gate.open()
            while let chunk = try await iterator.next() { received += String(buffer: chunk) }
            #expect(received.hasSuffix("data: second\n\n"))
            #expect(try await get(http, base + "/users/7/orders/a/b").0 == 200)
            let (status, body) = try await get(http, base + "/teapot")
            #expect(status == 418)
            #expect(body.contains("short and stout"))
            let events = await takeEvents(client, count: 3)
            #expect(events.map(\.route) == ["/events", "/users/{id}/orders/**", "/teapot"])
            #expect(events[0].attributes.contains { $0.name == "streamed" })
            #expect(events[0].response?.body == nil)
            #expect(events[2].status == 418)
            #expect(events[2].error?.message?.contains("short and stout") == true)
        } catch {
            Issue.record(error)
        }
        try await http.shutdown()
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    // MARK: Vapor streamed bodies: recorded when the stream ends

    static let sse = ["data: one\n\n", "data: two\n\n", "data: three\n\n"]

    /// The two ways Vapor streams a body.
    enum StreamKind: String, CaseIterable, Sendable {
        case callback = "Response.Body(stream:)"
        case async = "Response.Body(asyncStream:)"
    }

    @Test(
        "Vapor: a streamed body reaches the client chunk by chunk; the event is recorded when the stream ends, with the bytes written and the time to the end",
        arguments: StreamKind.allCases
    )
    func vaporStreamRecordedAtEnd(kind: StreamKind) async throws {
        let client = try queueOnlyClient()
        let gate = Gate()
        try await withVapor(client, routes: { app in
            app.get("events") { _ in
                Vapor.Response(body: kind == .callback
                    ? Self.callbackBody(Self.sse, gate: gate, pause: .milliseconds(100))
                    : Self.asyncBody(Self.sse, gate: gate, pause: .milliseconds(100)))
            }
        }) { base, http in
            let received = try await readPastGate(http, base + "/events", first: Self.sse[0], gate: gate, client: client)
            #expect(received == Self.sse.joined())
            let events = await takeEvents(client, count: 1)
            #expect(events.count == 1)
            #expect(events.first?.responseSize == Int64(received.utf8.count))
            #expect((events.first?.durationMs ?? 0) >= 200, "the two pauses after the first chunk are in the duration")
            #expect(events.first?.error == nil)
            #expect(events.first?.route == "/events")
            #expect(events.first?.attributes.contains { $0.name == "streamed" } == true)
        }
    }

    @Test("Vapor: a stream that ends with .error (or throws) is recorded once, with the error and the bytes written")
    func vaporStreamErrorRecordedOnce() async throws {
        struct StreamFailure: Error, CustomStringConvertible { var description: String { "the feed broke" } }
        let client = try queueOnlyClient()
        let first = Self.sse[0]
        try await withVapor(client, routes: { app in
            app.get("callback") { _ in
                Vapor.Response(body: .init(stream: { writer in
                    _ = writer.write(.buffer(ByteBuffer(string: first))).always { _ in
                        writer.write(.error(StreamFailure()), promise: nil)
                    }
                }))
            }
            app.get("async") { _ in
                Vapor.Response(body: .init(asyncStream: { writer in
                    try await writer.writeBuffer(ByteBuffer(string: first))
                    try? await writer.write(.error(StreamFailure()))
                    throw StreamFailure()  // a second end: must not give a second event
                }))
            }
        }) { base, http in
            // Vapor closes the connection mid-body: the client sees an error or a short body.
            _ = try? await get(http, base + "/callback")
            _ = try? await get(http, base + "/async")
            let events = await takeEvents(client, count: 2)
            #expect(events.map(\.route) == ["/callback", "/async"])
            for event in events {
                #expect(event.error?.message?.contains("the feed broke") == true, "\(event.route ?? "")")
                #expect(event.responseSize == Int64(first.utf8.count), "\(event.route ?? "")")
            }
        }
        #expect(client.queue.count == 0, "recorded again after the app released the responses")
    }

    @Test("Vapor: a stream the client walks away from is recorded, with the failed write's error")
    func vaporStreamClientDisconnects() async throws {
        let client = try queueOnlyClient()
        let gate = Gate()
        let first = Self.sse[0]
        try await withVapor(client, routes: { app in
            app.get("feed") { _ in
                Vapor.Response(body: .init(asyncStream: { writer in
                    do {
                        try await writer.writeBuffer(ByteBuffer(string: first))
                        await gate.wait()  // opened once the client has gone
                        // Writes fail once the server has seen the connection close (bounded: 10 s).
                        for _ in 0..<1000 {
                            try await writer.writeBuffer(ByteBuffer(string: "data: more\n\n"))
                            try await Task.sleep(for: .milliseconds(10))
                        }
                        try await writer.write(.end)
                    } catch {
                        try? await writer.write(.error(error))  // as Vapor's own file streaming does
                    }
                }))
            }
        }) { base, http in
            let (firstChunk, received) = AsyncStream.makeStream(of: Void.self)
            let reader = Task {
                let response = try await http.execute(HTTPClientRequest(url: base + "/feed"), timeout: .seconds(30))
                var iterator = response.body.makeAsyncIterator()
                _ = try await iterator.next()
                received.yield()
                while try await iterator.next() != nil {}  // until cancelled: the client closes the connection
            }
            var signal = firstChunk.makeAsyncIterator()
            await signal.next()
            #expect(client.queue.count == 0, "recorded before the stream ended")
            reader.cancel()
            _ = await reader.result
            gate.open()
            let events = await takeEvents(client, count: 1)
            #expect(events.count == 1)
            #expect(events.first?.error?.type != nil, "a stream cut short by the client is an error: the failed write's")
            #expect((events.first?.responseSize ?? 0) >= Int64(first.utf8.count))
        }
        #expect(client.queue.count == 0, "recorded once")
    }

    @Test("Vapor: with this Vapor version every kind of streamed body is read by reflection and recorded at its end (fails if a Vapor upgrade breaks it)")
    func vaporStreamReflectionCanary() async throws {
        let client = try queueOnlyClient()
        let parts = ["abc", "de"]
        // After the first part, a pause: the event must include it. The fallback (recorded when the
        // middleware returns) has no size for an unknown length and no pause in its duration.
        let pause = Duration.milliseconds(50)
        let bodies: [(String, @Sendable () -> Vapor.Response.Body)] = [
            ("stream", { Self.callbackBody(parts, pause: pause) }),
            ("stream-count", { Self.callbackBody(parts, count: 5, pause: pause) }),
            ("async", { Self.asyncBody(parts, pause: pause) }),
            ("async-count", { Self.asyncBody(parts, count: 5, pause: pause) }),
            ("managed", {
                .init(managedAsyncStream: { writer in
                    try await writer.writeBuffer(ByteBuffer(string: parts[0]))
                    try await Task.sleep(for: pause)
                    try await writer.writeBuffer(ByteBuffer(string: parts[1]))
                })
            }),
        ]
        try await withVapor(client, routes: serving(bodies)) { base, http in
            for (name, _) in bodies {
                let (status, text) = try await get(http, base + "/" + name)
                #expect(status == 200 && text == "abcde", "\(name)")
            }
            let events = await takeEvents(client, count: bodies.count)
            #expect(events.map { $0.route ?? "" } == bodies.map { "/" + $0.0 })
            for (event, (name, _)) in zip(events, bodies) {
                #expect(event.responseSize == 5, "\(name): Response.Body is no longer read by reflection (see StreamedBody)")
                #expect((event.durationMs ?? 0) >= 50, "\(name): recorded before the stream ended")
                #expect(event.error == nil, "\(name)")
            }
        }
    }

    @Test("Vapor: large in-memory bodies (data, string, buffer) are told from streams without a copy, and recorded with their size when the middleware returns")
    func vaporLargeInMemoryBodies() async throws {
        let size = 64 << 10
        #expect(SightlineVapor.SightlineMiddleware.copyCheckLimit < size, "the test must take the reflection path")
        let text = String(repeating: "x", count: size)
        let bodies: [(String, @Sendable () -> Vapor.Response.Body)] = [
            ("data", { .init(data: Data(text.utf8)) }),
            ("string", { .init(string: text) }),
            ("buffer", { .init(buffer: ByteBuffer(string: text)) }),
        ]
        for (name, body) in bodies {
            #expect(StreamedBody.isStream(body()) == false, "\(name)")
        }
        #expect(StreamedBody.isStream(.init(asyncStream: { _ in }, count: size)) == true)
        #expect(StreamedBody.isStream(.init(stream: { _ in }, count: size)) == true)
        #expect(StreamedBody.isStream(.empty) == false)

        let client = try queueOnlyClient()
        try await withVapor(client, routes: serving(bodies)) { base, http in
            for (name, _) in bodies {
                let (status, received) = try await get(http, base + "/" + name)
                #expect(status == 200 && received == text, "\(name)")
            }
            let events = await takeEvents(client, count: bodies.count)
            #expect(events.map { $0.route ?? "" } == bodies.map { "/" + $0.0 })
            for (event, (name, _)) in zip(events, bodies) {
                #expect(event.responseSize == Int64(size), "\(name)")
                #expect(!event.attributes.contains { $0.name == "streamed" }, "\(name) taken for a stream")
            }
        }
    }

    @Test("Vapor: a file from req.fileio is recorded when its last byte is written, with its size; HEAD is recorded when the middleware returns")
    func vaporFileRecordedAtEnd() async throws {
        let client = try queueOnlyClient()
        // Larger than the loopback socket buffers: the file cannot have been sent when the
        // client has read only its first chunk.
        let size = 64 << 20
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-vapor-\(UUID().uuidString).bin").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(count: size)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withVapor(client, routes: { app in
            app.on(.GET, "file") { request in try await request.fileio.asyncStreamFile(at: path) }
            app.on(.HEAD, "file") { request in try await request.fileio.asyncStreamFile(at: path) }
        }) { base, http in
            let response = try await http.execute(HTTPClientRequest(url: base + "/file"), timeout: .seconds(60))
            var iterator = response.body.makeAsyncIterator()
            var bytes = try await iterator.next()?.readableBytes ?? 0
            #expect(client.queue.count == 0, "recorded before the file was sent")
            while let chunk = try await iterator.next() { bytes += chunk.readableBytes }
            #expect(bytes == size)
            let events = await takeEvents(client, count: 1)
            #expect(events.first?.responseSize == Int64(size))
            #expect(events.first?.error == nil)

            var head = HTTPClientRequest(url: base + "/file")
            head.method = .HEAD
            #expect(try await http.execute(head, timeout: .seconds(10)).status == .ok)
            let headEvents = await takeEvents(client, count: 1)
            #expect(headEvents.first?.method == "HEAD")
            #expect(headEvents.first?.error == nil, "Vapor writes no body for HEAD: not an abandoned stream")
        }
    }

    /// Routes that serve each body at `/name`, for ``withVapor(_:routes:_:)``.
    private func serving(_ bodies: [(String, @Sendable () -> Vapor.Response.Body)]) -> (Vapor.Application) throws -> Void {
        { app in
            for (name, body) in bodies {
                app.get(PathComponent(stringLiteral: name)) { _ in Vapor.Response(body: body()) }
            }
        }
    }

    /// Starts a Vapor app with the middleware on a free port, runs `body` with its base URL and
    /// an HTTP client, then stops both.
    private func withVapor(
        _ client: SightlineClient,
        routes: (Vapor.Application) throws -> Void,
        _ body: (_ base: String, _ http: HTTPClient) async throws -> Void
    ) async throws {
        let app = try await Vapor.Application.make(.testing)
        app.logger.logLevel = .critical
        app.middleware.use(SightlineVapor.SightlineMiddleware(client: client))
        try routes(app)
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        do {
            try await body("http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)", http)
        } catch {
            Issue.record(error)
        }
        try await http.shutdown()
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    /// Reads `url` until `first` has arrived and checks that nothing was recorded yet; then
    /// opens `gate` (the handler waits on it after its first chunk) and reads the rest.
    private func readPastGate(
        _ http: HTTPClient, _ url: String, first: String, gate: Gate, client: SightlineClient,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        var iterator = response.body.makeAsyncIterator()
        var received = ""
        while !received.contains(first) {
            guard let chunk = try await iterator.next() else { break }
            received += String(buffer: chunk)
        }
        #expect(received == first, "the first chunk is not held back", sourceLocation: sourceLocation)
        #expect(client.queue.count == 0, "recorded before the stream ended", sourceLocation: sourceLocation)
        gate.open()
        while let chunk = try await iterator.next() { received += String(buffer: chunk) }
        return received
    }

    /// `parts` through `Response.Body(stream:)` (or `stream:count:`), written from a task, off
    /// the event loop (the writer hops); waits on `gate` after the first part and `pause` before
    /// each later one.
    static func callbackBody(_ parts: [String], count: Int? = nil, gate: Gate? = nil, pause: Duration = .zero) -> Vapor.Response.Body {
        let stream: @Sendable (any BodyStreamWriter) -> Void = { writer in
            Task {
                do {
                    for (i, part) in parts.enumerated() {
                        if i == 1 { await gate?.wait() }
                        if i > 0 { try await Task.sleep(for: pause) }
                        try await writer.write(.buffer(ByteBuffer(string: part))).get()
                    }
                    try await writer.write(.end).get()
                } catch {
                    _ = try? await writer.write(.error(error)).get()
                }
            }
        }
        if let count { return Vapor.Response.Body(stream: stream, count: count) }
        return Vapor.Response.Body(stream: stream)
    }

    /// The same through `Response.Body(asyncStream:)` (or `asyncStream:count:`).
    static func asyncBody(_ parts: [String], count: Int? = nil, gate: Gate? = nil, pause: Duration = .zero) -> Vapor.Response.Body {
        let stream: @Sendable (any AsyncBodyStreamWriter) async throws -> Void = { writer in
            for (i, part) in parts.enumerated() {
                if i == 1 { await gate?.wait() }
                if i > 0 { try await Task.sleep(for: pause) }
                try await writer.writeBuffer(ByteBuffer(string: part))
            }
            try await writer.write(.end)
        }
        if let count { return Vapor.Response.Body(asyncStream: stream, count: count) }
        return Vapor.Response.Body(asyncStream: stream)
    }
}
#endif
