import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SightlineClient
import Testing

/// A web app under test, serving on `port`, whose middleware sends to a `SightlineClient`.
protocol AppUnderTest: Sendable {
    var port: Int { get }
    /// Stops the app, then the Sightline client (flush), and waits for both.
    func stop() async throws
}

/// The five kinds of requests the scenario sends, in turn (`n % 5`).
enum RequestKind: Int, CaseIterable {
    case order, login, missing, boom, stream

    var expectedStatus: Int { [200, 200, 404, 500, 200][rawValue] }
    var route: String { ["/orders/{id}", "/login", "/missing/{id}", "/boom", "/stream"][rawValue] }
    var method: String { self == .login ? "POST" : "GET" }
    func path(_ n: Int) -> String {
        switch self {
        case .order: return "/orders/\(n)"
        case .login: return "/login"
        case .missing: return "/missing/\(n)"
        case .boom: return "/boom"
        case .stream: return "/stream"
        }
    }
}

/// What every app's routes do, so that both frameworks are checked against the same answers.
enum AppRoutes {
    static let loginResponse = #"{"access_token":"tok_live_5f2b9c1d","password":"not-a-secret-echo","user":"ann"}"#
    static let streamChunks = ["chunk-0\n", "chunk-1\n", "chunk-2\n"]
    static let loginRequest = #"{"user":"ann@example.com","password":"hunter2","remember":true}"#

    static var options: CaptureOptions {
        try! CaptureOptions(
            excludedPaths: ["/health"], captureRequestHeaders: true, captureResponseHeaders: true,
            captureRequestBody: true, captureResponseBody: true, sessionCookieName: "sid"
        )
    }
}

struct BoomError: Error, CustomStringConvertible {
    var description: String { "boom: the handler failed" }
}

/// Primary and secondary `sightline serve`, an app with the middleware, and a sequence of
/// outages: primary killed (fail-over), primary back (return to it), both killed (spool), the
/// secondary back (drain), the primary back. At the end every request is in the union of both
/// servers' events exactly once, with the right fields and redactions.
func runFailoverScenario(framework: String, makeApp: @Sendable (SightlineClient) async throws -> any AppUnderTest) async throws {
    _ = try SightlineBinary.require()  // fails with how to build it, before anything is started
    let http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    let primary = try SightlineServerProcess(name: "\(framework)-primary", http: http)
    let secondary = try SightlineServerProcess(name: "\(framework)-secondary", http: http)
    var app: (any AppUnderTest)?
    do {
        try await primary.start()
        try await secondary.start()

        let service = "e2e-\(framework)-\(UUID().uuidString.prefix(8).lowercased())"
        var redaction = RedactionPolicy()
        redaction.headers.insert("X-Session-Secret")
        let config = try SightlineConfiguration(
            endpoints: [primary.url, secondary.url], ingestKey: SightlineServerProcess.ingestKey, service: service,
            environment: "test", batchSize: 5, flushInterval: .milliseconds(50), connectTimeout: .milliseconds(500),
            retry: RetryPolicy(initialDelay: .milliseconds(20), maxDelay: .milliseconds(400), attemptsPerEndpoint: 2),
            // Every delivery while failed over probes the primary first: the return to it then
            // follows its restart, not the passing of time (the test never sleeps for a probe).
            primaryProbeInterval: .zero,
            spoolDirectory: NSTemporaryDirectory() + "sightline-e2e-spool-" + UUID().uuidString,
            shutdownTimeout: .seconds(15), redaction: redaction
        )
        let client = try SightlineClient(configuration: config)
        let running = try await makeApp(client)
        app = running
        let base = "http://127.0.0.1:\(running.port)"

        func send(_ range: Range<Int>) async throws {
            for n in range {
                let kind = RequestKind(rawValue: n % 5)!
                var request = HTTPClientRequest(url: base + kind.path(n) + "?req=\(n)&api_key=zzz-secret")
                request.method = kind == .login ? .POST : .GET
                request.headers.add(name: "Authorization", value: "Bearer sk_live_secret_value_123")
                request.headers.add(name: "X-Customer", value: "acme")
                request.headers.add(name: "X-User", value: "user-7")
                request.headers.add(name: "Cookie", value: "theme=dark; sid=sess-\(n)")
                request.headers.add(name: "X-Session-Secret", value: "s3cr3t-\(n)")
                request.headers.add(name: "traceparent", value: "00-\(traceID(n))-00f067aa0ba902b7-01")
                request.headers.add(name: "User-Agent", value: "e2e-agent/1.0")
                if kind == .login {
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: AppRoutes.loginRequest))
                }
                let response = try await http.execute(request, timeout: .seconds(10))
                let body = try await response.body.collect(upTo: 1 << 20)
                // The app's behaviour is unchanged by the middleware.
                #expect(Int(response.status.code) == kind.expectedStatus, "request \(n) \(kind)")
                if kind == .stream { #expect(String(buffer: body) == AppRoutes.streamChunks.joined()) }
                if kind == .login { #expect(String(buffer: body) == AppRoutes.loginResponse) }
            }
            // An excluded route: served, never captured.
            let health = try await http.execute(HTTPClientRequest(url: base + "/health"), timeout: .seconds(5))
            _ = try await health.body.collect(upTo: 1024)
            #expect(health.status.code == 200)
        }

        func settle(_ what: String) async throws {
            let deadline = ContinuousClock.now.advanced(by: .seconds(60))
            while ContinuousClock.now < deadline {
                for server in [primary, secondary] where server.crashed {
                    throw E2EError("sightline \(server.name) exited unexpectedly during '\(what)'; see \(server.logPath)")
                }
                let s = client.counters.snapshot()
                if s.queued == 0, s.spoolPending == 0, s.acknowledged + s.rejected + s.dropped == s.enqueued { return }
                try await Task.sleep(for: .milliseconds(20))
            }
            throw E2EError("events not all acknowledged after \(what): \(client.counters.snapshot())")
        }

        // 1. Both up; the primary is killed while the batches of this phase are in flight.
        try await send(0..<15)
        primary.kill()
        // 2. Fail-over: the secondary takes everything.
        try await send(15..<30)
        try await settle("fail-over to the secondary")
        // 3. The primary is back: the client probes it and returns to it.
        try await primary.start()
        try await send(30..<45)
        try await settle("return to the primary")
        // 4. Both down: batches go to the disk spool.
        let spooledBefore = client.counters.snapshot().spooled
        primary.kill()
        secondary.kill()
        try await send(45..<60)
        let spoolDeadline = ContinuousClock.now.advanced(by: .seconds(30))
        while client.counters.snapshot().spooled - spooledBefore < 15, ContinuousClock.now < spoolDeadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(client.counters.snapshot().spooled - spooledBefore == 15)
        // 5. The secondary comes back: the spool drains to it; then the primary comes back.
        try await secondary.start()
        try await settle("spool drain to the secondary")
        try await primary.start()
        try await send(60..<75)
        try await settle("after both are back")

        try await running.stop()
        app = nil
        let counters = client.counters.snapshot()
        #expect(counters.enqueued == 75)
        #expect(counters.dropped == 0 && counters.rejected == 0)
        #expect(counters.failovers >= 3)

        // Read back both servers (the store applies the log a moment after the ack).
        var primaryEvents: [[String: Any]] = []
        var secondaryEvents: [[String: Any]] = []
        let readDeadline = ContinuousClock.now.advanced(by: .seconds(30))
        repeat {
            primaryEvents = try await primary.events(service: service)
            secondaryEvents = try await secondary.events(service: service)
            let reqs = Set((primaryEvents + secondaryEvents).compactMap { requestNumber($0) })
            if reqs.count == 75 { break }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < readDeadline

        // Each server stores an id once (server-side de-duplication).
        for (name, events) in [("primary", primaryEvents), ("secondary", secondaryEvents)] {
            let ids = events.compactMap { $0["id"] as? String }
            #expect(Set(ids).count == ids.count, "\(name) holds an id twice")
        }
        // Fail-over and return really happened: phase 2 only on the secondary, phase 3 on the primary.
        #expect(secondaryEvents.contains { (15..<30).contains(requestNumber($0) ?? -1) })
        #expect(!primaryEvents.contains { (15..<30).contains(requestNumber($0) ?? -1) })
        #expect(primaryEvents.contains { (30..<45).contains(requestNumber($0) ?? -1) })
        #expect(secondaryEvents.contains { (45..<60).contains(requestNumber($0) ?? -1) })

        // The union: every request exactly once (one event id per request). A batch the primary
        // made durable just before it was killed may also have been re-sent to the secondary; it
        // then carries the same id on both, which is the same event.
        var byRequest: [Int: [[String: Any]]] = [:]
        for event in primaryEvents + secondaryEvents {
            guard let n = requestNumber(event) else { continue }
            byRequest[n, default: []].append(event)
        }
        #expect(Set(byRequest.keys) == Set(0..<75))
        var onBoth = 0
        for n in 0..<75 {
            let events = byRequest[n] ?? []
            let ids = Set(events.compactMap { $0["id"] as? String })
            #expect(ids.count == 1, "request \(n) has \(ids.count) distinct events")
            if events.count > 1 { onBoth += 1 }
            if let event = events.first { checkFields(event, n: n, framework: framework) }
        }
        #expect(onBoth <= 5, "more events on both servers than one in-flight batch: \(onBoth)")
        print("[\(framework) e2e] primary=\(primaryEvents.count) secondary=\(secondaryEvents.count) on-both=\(onBoth) counters: \(counters)")
        #expect(!(primaryEvents + secondaryEvents).contains { ($0["path"] as? String) == "/health" })
    } catch {
        try? await app?.stop()
        primary.kill()
        secondary.kill()
        try? await http.shutdown()
        throw error
    }
    primary.stop()
    secondary.stop()
    try await http.shutdown()
}

func traceID(_ n: Int) -> String {
    let hex = String(n, radix: 16)
    return String(repeating: "a", count: 32 - hex.count) + hex
}

func requestNumber(_ event: [String: Any]) -> Int? {
    guard let query = event["query"] as? [String: Any], let req = query["req"] as? String else { return nil }
    return Int(req)
}

func checkFields(_ e: [String: Any], n: Int, framework: String) {
    let kind = RequestKind(rawValue: n % 5)!
    let context = "\(framework) request \(n) (\(kind))"
    #expect(e["method"] as? String == kind.method, "\(context)")
    #expect(e["path"] as? String == kind.path(n), "\(context)")
    #expect(e["route"] as? String == kind.route, "\(context)")
    #expect(e["status"] as? Int == kind.expectedStatus, "\(context)")
    #expect(e["environment"] as? String == "test", "\(context)")
    #expect((e["duration_ms"] as? Double).map { $0 >= 0 } == true, "\(context)")
    #expect(e["client_ip"] as? String == "127.0.0.1", "\(context)")
    #expect(e["user_agent"] as? String == "e2e-agent/1.0", "\(context)")
    #expect((e["consumer"] as? [String: Any])?["id"] as? String == "acme", "\(context)")
    #expect(e["user_id"] as? String == "user-7", "\(context)")
    #expect(e["session_id"] as? String == "sess-\(n)", "\(context)")
    #expect(e["trace_id"] as? String == traceID(n), "\(context)")
    #expect(e["span_id"] as? String == "00f067aa0ba902b7", "\(context)")
    let query = e["query"] as? [String: Any]
    #expect(query?["api_key"] as? String == "[REDACTED]", "\(context)")
    let request = e["request"] as? [String: Any]
    let requestHeaders = request?["headers"] as? [String: Any]
    #expect(requestHeaders?["authorization"] as? String == "[REDACTED]", "\(context)")
    #expect(requestHeaders?["cookie"] as? String == "[REDACTED]", "\(context)")
    // Not on the server's own list: redacted by the SDK's policy.
    #expect(requestHeaders?["x-session-secret"] as? String == "[REDACTED]", "\(context)")
    #expect(requestHeaders?["x-customer"] as? String == "acme", "\(context)")
    switch kind {
    case .login:
        let body = request?["body"] as? [String: Any]
        #expect(body?["password"] as? String == "[REDACTED]", "\(context)")
        #expect(body?["user"] as? String == "[REDACTED]", "\(context): the email detector")
        #expect(body?["remember"] as? Bool == true, "\(context)")
        let response = (e["response"] as? [String: Any])?["body"] as? [String: Any]
        #expect(response?["access_token"] as? String == "[REDACTED]", "\(context)")
        // The request list ($..password) is not applied to the response.
        #expect(response?["password"] as? String == "not-a-secret-echo", "\(context)")
        #expect(response?["user"] as? String == "ann", "\(context)")
    case .missing:
        #expect(e["error"] != nil, "\(context)")
    case .boom:
        let error = e["error"] as? [String: Any]
        #expect((error?["message"] as? String)?.contains("boom") == true, "\(context)")
    case .stream:
        // Counted as the stream was written (both frameworks record it when the stream ends),
        // never buffered, never captured.
        #expect(e["response_size"] as? Int == AppRoutes.streamChunks.joined().utf8.count, "\(context)")
        #expect((e["response"] as? [String: Any])?["body"] == nil, "\(context): a stream body is not captured")
        if framework == "vapor" {
            #expect((e["attributes"] as? [String: Any])?["streamed"] as? Bool == true, "\(context)")
        }
    case .order:
        let body = (e["response"] as? [String: Any])?["body"] as? [String: Any]
        #expect(body?["id"] as? String == String(n), "\(context)")
        #expect(body?["owner"] as? String == "[REDACTED]", "\(context): email in a response body")
    }
}
