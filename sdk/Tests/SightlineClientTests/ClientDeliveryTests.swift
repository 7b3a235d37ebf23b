import Foundation
import MetricsTestKit
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
@testable import SightlineClient

@Suite("Client delivery: batching, retries, fail-over, spool", .serialized)
struct ClientDeliveryTests {
    @Test("events go out in batches of batchSize, in order, gzip-compressed, with the ingest key")
    func batching() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        let client = try SightlineClient(configuration: fastConfiguration([server.url], batchSize: 10))
        let events = makeEvents(25)
        try await deliver(events, through: client)
        let batches = server.batches
        #expect(batches.map(\.ids.count) == [10, 10, 5])
        #expect(batches.flatMap(\.ids) == events.map(\.id))
        #expect(batches.allSatisfy { $0.gzip && $0.authorization == "Bearer test-key" })
        let s = client.counters.snapshot()
        #expect(s.enqueued == 25 && s.sent == 25 && s.retried == 0 && s.dropped == 0 && s.spooled == 0)
        // Each line is one event in the wire format.
        let first = try #require(JSONValue.parse(Array(batches[0].lines[0].utf8)))
        guard case .object(let members) = first else { Issue.record("not an object"); return }
        #expect(members.map(\.key).starts(with: ["id", "timestamp", "service", "method", "path", "route", "status"]))
    }

    @Test("a partial batch leaves after flushInterval without waiting for more events")
    func flushInterval() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        let client = try SightlineClient(configuration: fastConfiguration([server.url], batchSize: 1000))
        try await withRunningClient(client) {
            for e in makeEvents(3) { client.enqueue(e) }
            await eventually("3 events sent before shutdown") { server.receivedIDs.count == 3 }
        }
        #expect(server.batches.count == 1)
    }

    @Test("an idle sender sleeps: one turn per flush interval, also after waits that timed out")
    func idleSenderDoesNotSpin() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        let client = try SightlineClient(configuration: fastConfiguration([server.url], batchSize: 1000))
        try await withRunningClient(client) {
            for e in makeEvents(3) { client.enqueue(e) }
            await eventually("sent") { server.receivedIDs.count == 3 }
            let before = client.senderIterations.load(ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(400))  // 20 flush intervals of 20 ms
            let turns = client.senderIterations.load(ordering: .relaxed) - before
            #expect(turns <= 60, "the sender turned \(turns) times in 400 ms while idle")
            // And it still wakes up for a full batch at once.
            for e in makeEvents(1000) { client.enqueue(e) }
            await eventually("batch sent") { server.receivedIDs.count == 1003 }
        }
    }

    @Test("an offline sender without a spool sleeps between attempts instead of spinning")
    func offlineSenderDoesNotSpin() async throws {
        let dead = "http://127.0.0.1:\(try await unusedPort())"
        var config = try fastConfiguration([dead], batchSize: 1000)
        config.retry = RetryPolicy(initialDelay: .milliseconds(200), maxDelay: .milliseconds(400), attemptsPerEndpoint: 1)
        let client = try SightlineClient(configuration: config)
        try await withRunningClient(client) {
            for e in makeEvents(3) { client.enqueue(e) }
            await eventually("held in memory, offline") { client.counters.snapshot().sent >= 3 }
            let before = client.senderIterations.load(ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(400))  // 20 flush intervals of 20 ms
            let turns = client.senderIterations.load(ordering: .relaxed) - before
            #expect(turns <= 60, "the sender turned \(turns) times in 400 ms while offline")
        }
    }

    @Test(
        "batches are encoded on the client's work thread, at the configured priority",
        arguments: [SenderPriority.idle, .low, .normal]
    )
    func senderThreadPriority(priority: SenderPriority) async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        var config = try fastConfiguration([server.url], batchSize: 5)
        config.senderPriority = priority
        let client = try SightlineClient(configuration: config)
        try await deliver(makeEvents(5), through: client)
        let seen = try #require(client.firstEncode.withLock { $0 })
        #expect(seen.onSenderThread, "the batch was encoded on another thread than the work thread")
        #if os(Linux)
        // The test process runs at the default policy (SCHED_OTHER = 0) and nice 0.
        switch priority {
        case .idle: #expect(seen.policy == SenderThread.schedIdle)
        case .low: #expect(seen.policy == 0 && seen.nice == 10)
        case .normal: #expect(seen.policy == 0 && seen.nice == 0)
        }
        #endif
    }

    @Test("the final flush runs on the I/O thread at the app's priority, not on the idle work thread")
    func drainRunsOnIOThread() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        // A batch that never fills and an interval that never ends: only shutdown sends.
        var config = try fastConfiguration([server.url], batchSize: 1000)
        config.flushInterval = .seconds(3600)
        config.senderPriority = .idle
        let client = try SightlineClient(configuration: config)
        try await withRunningClient(client) {
            for e in makeEvents(7) { client.enqueue(e) }
            try await Task.sleep(for: .milliseconds(50))
            #expect(server.receivedIDs.isEmpty)
        }
        #expect(server.receivedIDs.count == 7)
        let seen = try #require(client.drainEncode.withLock { $0 })
        #expect(seen.onIOThread, "the shutdown batch was encoded on another thread than the I/O thread")
        #if os(Linux)
        #expect(seen.policy == 0, "the shutdown batch was encoded at policy \(seen.policy), not SCHED_OTHER")
        #endif
    }

    @Test("shutdown waits for an offer that claimed its place but has not published yet: nothing behind it is dropped")
    func shutdownWaitsForHalfPublishedOffer() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        var config = try fastConfiguration([server.url], batchSize: 1000)
        config.flushInterval = .seconds(3600)
        let client = try SightlineClient(configuration: config)
        let events = makeEvents(6)
        let task = Task { try await client.run() }
        // A request thread preempted halfway through its offer: its place is claimed first.
        let slow = try #require(client.queue.claim())
        for e in events.dropFirst() { client.enqueue(e) }
        client.requestShutdown()
        try await Task.sleep(for: .milliseconds(100))
        client.queue.publish(events[0], at: slow)
        try await task.value
        #expect(server.receivedIDs == events.map(\.id), "every event, in order")
        #expect(client.counters.snapshot().dropped == 0)
    }

    @Test("graceful shutdown sends what is still queued")
    func shutdownFlush() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        var config = try fastConfiguration([server.url], batchSize: 1000)
        config.flushInterval = .seconds(3600)
        let client = try SightlineClient(configuration: config)
        let events = makeEvents(7)
        try await withRunningClient(client) {
            for e in events { client.enqueue(e) }
        }
        #expect(server.receivedIDs == events.map(\.id))
        #expect(client.counters.snapshot().acknowledged == 7)
    }

    @Test("flush() sends a partial batch at once and returns when it is acknowledged")
    func explicitFlush() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        var config = try fastConfiguration([server.url], batchSize: 1000)
        config.flushInterval = .seconds(3600)   // only flush() can make these leave now
        let client = try SightlineClient(configuration: config)
        try await withRunningClient(client) {
            let events = makeEvents(5)
            for e in events { client.enqueue(e) }
            #expect(await client.flush(timeout: .seconds(10)))
            #expect(server.receivedIDs == events.map(\.id))
            #expect(client.counters.snapshot().acknowledged == 5)
            #expect(client.counters.snapshot().queued == 0)
            #expect(await client.flush(timeout: .milliseconds(1)))   // nothing left: true at once
        }
        // Stopped: flush answers at once, and nothing was left behind.
        #expect(await client.flush(timeout: .seconds(10)))
    }

    @Test("exportMetrics: the counters reach swift-metrics under their documented names, equal to the snapshot")
    func metricsExport() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        let metrics = TestMetrics()
        var config = try fastConfiguration([server.url], batchSize: 10, queueCapacity: 20)
        config.exportMetrics = true
        config.metricsFactory = metrics
        let client = try SightlineClient(configuration: config)
        // Before the sender runs, so that exactly 20 fit the queue and 5 are dropped.
        for e in makeEvents(25) { client.enqueue(e) }
        try await withRunningClient(client) {
            #expect(await client.flush(timeout: .seconds(10)))
        }
        let s = client.counters.snapshot()
        #expect(s.enqueued == 20 && s.dropped == 5 && s.acknowledged == 20)
        for (name, value) in [("enqueued", s.enqueued), ("sent", s.sent), ("acknowledged", s.acknowledged), ("dropped", s.dropped)] {
            let counter = try metrics.expectCounter("sightline_sdk_events_\(name)_total")
            #expect(counter.totalValue == Int64(value), "\(name)")
        }
    }

    @Test("flush() with every endpoint down: true once the events are spooled, false without a spool")
    func flushWhileOffline() async throws {
        let dead = "http://127.0.0.1:\(try await unusedPort())"
        var plain = try fastConfiguration([dead], batchSize: 1000)
        plain.flushInterval = .seconds(3600)
        let unspooled = try SightlineClient(configuration: plain)
        try await withRunningClient(unspooled) {
            for e in makeEvents(3) { unspooled.enqueue(e) }
            #expect(await unspooled.flush(timeout: .milliseconds(300)) == false)
            #expect(unspooled.counters.snapshot().queued == 3)   // still held in memory
        }

        var spooling = try fastConfiguration([dead], batchSize: 1000, spool: temporaryDirectory())
        spooling.flushInterval = .seconds(3600)
        let spooled = try SightlineClient(configuration: spooling)
        try await withRunningClient(spooled) {
            for e in makeEvents(3) { spooled.enqueue(e) }
            #expect(await spooled.flush(timeout: .seconds(10)))
            let s = spooled.counters.snapshot()
            #expect(s.spooled == 3 && s.queued == 0 && s.spoolPending == 3)
        }
    }

    @Test("503 from the primary: retried with backoff, then fail-over to the secondary; back to the primary once it recovers")
    func failoverAndReturn() async throws {
        let primary = try await FakeSightline()
        let secondary = try await FakeSightline()
        defer { Task { await primary.stop(); await secondary.stop() } }
        primary.mode = .status(503)
        primary.healthy = false
        let client = try SightlineClient(configuration: fastConfiguration([primary.url, secondary.url], batchSize: 5))
        try await withRunningClient(client) {
            for e in makeEvents(5) { client.enqueue(e) }
            await eventually("batch on the secondary") { secondary.receivedIDs.count == 5 }
            #expect(primary.requests == 2)  // attemptsPerEndpoint
            #expect(client.counters.snapshot().retried >= 5)
            #expect(client.counters.snapshot().failovers >= 1)

            primary.mode = .accept
            primary.healthy = true
            // Keep sending: each delivery probes the primary when a probe is due, and the client
            // returns to it once the probe succeeds.
            var round = 0
            while primary.receivedIDs.isEmpty, round < 200 {
                for e in makeEvents(5, path: "/round\(round)") { client.enqueue(e) }
                round += 1
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(!primary.receivedIDs.isEmpty)
            #expect(primary.probes > 0)
        }
        // Exactly once overall: every acknowledged id is on one of the two servers, once.
        let all = primary.receivedIDs + secondary.receivedIDs
        #expect(Set(all).count == all.count)
        #expect(all.count == client.counters.snapshot().acknowledged)
        #expect(client.counters.snapshot().dropped == 0)
    }

    @Test("connection refused on the primary: fail-over to the secondary")
    func connectionRefused() async throws {
        let dead = try await unusedPort()
        let secondary = try await FakeSightline()
        defer { Task { await secondary.stop() } }
        let client = try SightlineClient(configuration: fastConfiguration(["http://127.0.0.1:\(dead)", secondary.url], batchSize: 4))
        try await withRunningClient(client) {
            for e in makeEvents(8) { client.enqueue(e) }
            await eventually("8 on the secondary") { secondary.receivedIDs.count == 8 }
        }
        #expect(client.counters.snapshot().acknowledged == 8)
    }

    @Test("every endpoint down: batches are spooled to disk, then drained in order when one comes back")
    func spoolRecovery() async throws {
        let spoolDir = temporaryDirectory()
        let portA = try await unusedPort()
        let portB = try await unusedPort()
        let client = try SightlineClient(configuration: fastConfiguration(["http://127.0.0.1:\(portA)", "http://127.0.0.1:\(portB)"], batchSize: 10, spool: spoolDir))
        let events = makeEvents(45)
        var revived: FakeSightline?
        try await withRunningClient(client) {
            for e in events { client.enqueue(e) }
            await eventually("45 spooled") { client.counters.snapshot().spooled == 45 }
            #expect(client.counters.snapshot().queued == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: spoolDir).contains { $0.hasSuffix(".seg") })
            // The secondary comes up: everything is drained, oldest first.
            let server = try await FakeSightline(port: portB)
            revived = server
            await eventually("45 delivered") { server.receivedIDs.count == 45 }
            await eventually("spool empty") { client.counters.snapshot().spoolPending == 0 }
        }
        let server = try #require(revived)
        #expect(server.receivedIDs == events.map(\.id))
        let s = client.counters.snapshot()
        #expect(s.acknowledged == 45 && s.unspooled == 45 && s.dropped == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spoolDir).filter { $0.hasSuffix(".seg") }.isEmpty)
        await server.stop()
    }

    @Test("events spooled at shutdown are sent by the next process, once")
    func spoolSurvivesRestart() async throws {
        let spoolDir = temporaryDirectory()
        let port = try await unusedPort()
        let events = makeEvents(12)
        do {
            let client = try SightlineClient(configuration: fastConfiguration(["http://127.0.0.1:\(port)"], batchSize: 5, spool: spoolDir))
            try await withRunningClient(client) {
                for e in events { client.enqueue(e) }
                await eventually("first batch attempted") { client.counters.snapshot().spooled >= 5 }
            }
            #expect(client.counters.snapshot().spooled == 12)
        }
        let server = try await FakeSightline(port: port)
        defer { Task { await server.stop() } }
        let second = try SightlineClient(configuration: fastConfiguration([server.url], batchSize: 5, spool: spoolDir))
        #expect(second.counters.snapshot().spoolPending == 12)
        try await withRunningClient(second) {
            await eventually("12 delivered") { server.receivedIDs.count == 12 }
        }
        #expect(server.receivedIDs == events.map(\.id))
    }

    @Test("cancelling the client's task stops it like a graceful shutdown: what is queued goes to the spool, nothing is dropped")
    func cancellationSpools() async throws {
        let spoolDir = temporaryDirectory()
        let port = try await unusedPort()
        let client = try SightlineClient(configuration: fastConfiguration(["http://127.0.0.1:\(port)"], batchSize: 5, spool: spoolDir))
        let task = Task { try await client.run() }
        for e in makeEvents(5) { client.enqueue(e) }
        await eventually("first batch spooled") { client.counters.snapshot().spooled == 5 }
        for e in makeEvents(7) { client.enqueue(e) }
        task.cancel()
        _ = try? await task.value
        let s = client.counters.snapshot()
        #expect(s.spooled == 12 && s.dropped == 0 && s.queued == 0, "\(s)")
    }

    @Test("events the server rejects as invalid are counted and never retried")
    func rejectedEvents() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        server.mode = .rejectIndices([1, 3])
        let client = try SightlineClient(configuration: fastConfiguration([server.url], batchSize: 5))
        try await withRunningClient(client) {
            for e in makeEvents(5) { client.enqueue(e) }
            await eventually("verdict") { client.counters.snapshot().rejected == 2 }
        }
        #expect(server.requests == 1)
        #expect(client.counters.snapshot().acknowledged == 3)

        let refusing = try await FakeSightline()
        defer { Task { await refusing.stop() } }
        refusing.mode = .status(400)
        let client2 = try SightlineClient(configuration: fastConfiguration([refusing.url], batchSize: 4))
        try await withRunningClient(client2) {
            for e in makeEvents(4) { client2.enqueue(e) }
            await eventually("refused batch counted") { client2.counters.snapshot().rejected == 4 }
        }
        #expect(refusing.requests == 1)
    }

    @Test("401: events are kept (spooled), not dropped, and delivered once the key is accepted")
    func unauthorized() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        server.mode = .status(401)
        let client = try SightlineClient(configuration: fastConfiguration([server.url], batchSize: 5, spool: temporaryDirectory()))
        let events = makeEvents(5)
        try await withRunningClient(client) {
            for e in events { client.enqueue(e) }
            await eventually("spooled") { client.counters.snapshot().spooled == 5 }
            #expect(client.counters.snapshot().dropped == 0)
            server.mode = .accept
            await eventually("delivered after the key is fixed", timeout: .seconds(20)) { server.receivedIDs.count == 5 }
        }
        #expect(server.receivedIDs == events.map(\.id))
        #expect(client.counters.snapshot().rejected == 0)
    }

    @Test("413: the batch is split until the server takes it; nothing lost, nothing twice")
    func tooLargeSplits() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        server.mode = .tooLargeAbove(3)
        let client = try SightlineClient(configuration: fastConfiguration([server.url], batchSize: 10))
        let events = makeEvents(10)
        try await deliver(events, through: client)
        #expect(server.receivedIDs == events.map(\.id))
        #expect(server.batches.allSatisfy { $0.ids.count <= 3 })
        #expect(client.counters.snapshot().rejected == 0)
    }

    @Test("status mapping: verdicts, refusals, key errors, retryable failures with Retry-After")
    func statusMapping() {
        let verdict = ByteBuffer(string: #"{"accepted":3,"rejected":[{"index":1,"error":"x"}]}"#)
        let error = ByteBuffer(string: #"{"error":{"code":"bad_batch","message":"m"}}"#)
        var retryAfter = HTTPHeaders()
        retryAfter.add(name: "Retry-After", value: "7")
        #expect(HTTPTransport.outcome(status: 200, headers: [:], body: verdict, count: 4) == .answered(accepted: 3, rejected: 1))
        #expect(HTTPTransport.outcome(status: 400, headers: [:], body: ByteBuffer(string: #"{"accepted":0,"rejected":[{"index":0,"error":"x"}]}"#), count: 1) == .answered(accepted: 0, rejected: 1))
        #expect(HTTPTransport.outcome(status: 400, headers: [:], body: error, count: 4) == .refused(status: 400))
        #expect(HTTPTransport.outcome(status: 415, headers: [:], body: error, count: 4) == .refused(status: 415))
        #expect(HTTPTransport.outcome(status: 401, headers: [:], body: error, count: 4) == .unauthorized(status: 401))
        #expect(HTTPTransport.outcome(status: 403, headers: [:], body: error, count: 4) == .unauthorized(status: 403))
        #expect(HTTPTransport.outcome(status: 413, headers: [:], body: error, count: 4) == .tooLarge)
        #expect(HTTPTransport.outcome(status: 503, headers: retryAfter, body: error, count: 4) == .retryable(reason: "HTTP 503", retryAfter: .seconds(7)))
        #expect(HTTPTransport.outcome(status: 429, headers: [:], body: error, count: 4) == .retryable(reason: "HTTP 429", retryAfter: nil))
        #expect(HTTPTransport.outcome(status: 500, headers: [:], body: error, count: 4) == .retryable(reason: "HTTP 500", retryAfter: nil))
        #expect(HTTPTransport.outcome(status: 408, headers: [:], body: error, count: 4) == .retryable(reason: "HTTP 408", retryAfter: nil))
    }

    @Test("without a spool, a full memory queue drops new events and counts them; enqueue never blocks")
    func queueFull() async throws {
        let client = try SightlineClient(configuration: fastConfiguration(["http://127.0.0.1:9"], batchSize: 5, queueCapacity: 5))
        for e in makeEvents(8) { client.enqueue(e) }  // not running: nothing drains
        let s = client.counters.snapshot()
        #expect(s.enqueued == 5 && s.dropped == 3 && s.queued == 5)
    }

    @Test("after the client stopped, events are refused and counted as dropped, never left uncounted in memory")
    func enqueueAfterStop() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        let client = try SightlineClient(configuration: fastConfiguration([server.url], batchSize: 5))
        try await deliver(makeEvents(5), through: client)
        #expect(!client.shouldCapture())
        for e in makeEvents(3) { client.enqueue(e) }
        let s = client.counters.snapshot()
        #expect(s.enqueued == 5 && s.acknowledged == 5 && s.dropped == 4 && s.queued == 0, "\(s)")
        #expect(await client.flush(timeout: .milliseconds(50)), "nothing is left in memory")
    }

    @Test("when the spool is full too, events are dropped with a count")
    func spoolFull() async throws {
        let port = try await unusedPort()
        var config = try fastConfiguration(["http://127.0.0.1:\(port)"], batchSize: 10, spool: temporaryDirectory())
        config.spoolMaxBytes = 4096
        config.spoolSegmentBytes = 4096
        let client = try SightlineClient(configuration: config)
        try await withRunningClient(client) {
            for e in makeEvents(100) { client.enqueue(e) }
            await eventually("all accounted") {
                let s = client.counters.snapshot()
                return s.spooled + s.dropped == 100
            }
        }
        let s = client.counters.snapshot()
        #expect(s.spooled > 0 && s.dropped > 0)
        #expect(s.spoolPending == s.spooled)
    }
}
