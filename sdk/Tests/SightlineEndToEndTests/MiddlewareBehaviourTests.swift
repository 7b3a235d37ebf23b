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
import SightlineVapor
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
}
#endif
