import Foundation
import MetricsTestKit
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
@testable import SightlineClient

@Suite("Client delivery: batching, retries, fail-over, spool", .serialized)
struct ClientDeliveryTests {
    @Test("events go out in batches of batchSize, in order, gzip-compressed, with the ingest key; full batches at the next poll, the rest after flushInterval")
    func batching() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        let config = try fastConfiguration([server.url], batchSize: 10)
        let (client, clock) = try manualClient(config)
        let start = clock.now
        let events = makeEvents(25)
        try await withRunningClient(client) {
            for e in events { client.enqueue(e) }
            await clock.run(until: "two full batches sent") { server.receivedIDs.count == 20 }
            let fullBatchesAt = clock.now
            #expect(fullBatchesAt - start <= Sender.pollInterval, "full batches waited \(fullBatchesAt - start)")
            await clock.run(until: "the partial batch sent") { server.receivedIDs.count == 25 }
            #expect(clock.now - fullBatchesAt == config.flushInterval, "the partial batch left \(clock.now - fullBatchesAt) after the full ones")
            await clock.run(until: "25 acknowledged") { client.counters.snapshot().acknowledged == 25 }
        }
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

    @Test("a partial batch leaves exactly one flushInterval after the last send, not before, without waiting for more events")
    func flushInterval() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        var config = try fastConfiguration([server.url], batchSize: 1000)
        config.flushInterval = .seconds(2)
        let (client, clock) = try manualClient(config)
        let start = clock.now
        try await withRunningClient(client) {
            for e in makeEvents(3) { client.enqueue(e) }
            await clock.run(for: .milliseconds(1999))
            #expect(server.receivedIDs.isEmpty, "sent before the interval")
            await clock.run(until: "3 events sent") { server.receivedIDs.count == 3 }
            #expect(clock.now - start == .seconds(2))
            // The next interval starts at that send.
            for e in makeEvents(2, path: "/later") { client.enqueue(e) }
            await clock.run(for: .milliseconds(1999))
            #expect(server.receivedIDs.count == 3, "sent before the interval")
            await clock.run(until: "2 more sent") { server.receivedIDs.count == 5 }
            #expect(clock.now - start == .seconds(4))
        }
        #expect(server.batches.map(\.ids.count) == [3, 2])
    }

    @Test("an idle sender sleeps: two turns per flush interval and a few polls, also after waits that timed out; a full batch still leaves within one idle poll")
    func idleSenderDoesNotSpin() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        let config = try fastConfiguration([server.url], batchSize: 1000)
        let (client, clock) = try manualClient(config)
        try await withRunningClient(client) {
            for e in makeEvents(3) { client.enqueue(e) }
            await clock.run(until: "sent") { server.receivedIDs.count == 3 }
            let before = client.senderIterations.load(ordering: .relaxed)
            await clock.run(for: .milliseconds(400))  // 20 flush intervals of 20 ms
            let turns = client.senderIterations.load(ordering: .relaxed) - before
            // One turn finds the interval over and the queue empty, the next waits for the
            // next interval: a spinning sender would turn without the clock moving.
            #expect(turns <= 2 * 20 + 1, "the sender turned \(turns) times in 400 ms of clock time while idle")
            // And it still notices a full batch within one idle poll.
            let enqueuedAt = clock.now
            for e in makeEvents(1000) { client.enqueue(e) }
            await clock.run(until: "batch sent") { server.receivedIDs.count == 1003 }
            #expect(clock.now - enqueuedAt <= Sender.idlePollInterval)
        }
    }

    @Test("an offline sender without a spool sleeps between attempts instead of spinning, and its attempts back off")
    func offlineSenderDoesNotSpin() async throws {
        let dead = "http://127.0.0.1:\(try await unusedPort())"
        var config = try fastConfiguration([dead], batchSize: 1000)
        config.retry = RetryPolicy(initialDelay: .milliseconds(200), maxDelay: .milliseconds(400), attemptsPerEndpoint: 1)
        let (client, clock) = try manualClient(config)
        try await withRunningClient(client) {
            for e in makeEvents(3) { client.enqueue(e) }
            await clock.run(until: "held in memory, offline") { client.counters.snapshot().sent >= 3 }
            let before = client.senderIterations.load(ordering: .relaxed)
            let attemptsBefore = client.counters.snapshot().sent / 3
            await clock.run(for: .milliseconds(400))  // 20 flush intervals of 20 ms
            let turns = client.senderIterations.load(ordering: .relaxed) - before
            #expect(turns <= 2 * 20 + 1, "the sender turned \(turns) times in 400 ms of clock time while offline")
            // Waits of [100, 200] ms, then [200, 400] ms: one or two more attempts in 400 ms.
            let attempts = client.counters.snapshot().sent / 3 - attemptsBefore
            #expect((1...2).contains(attempts), "\(attempts) attempts in 400 ms")
        }
    }

    @Test("retries of a batch wait an exponential backoff with jitter, then the next delivery cycle waits again")
    func backoff() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        server.mode = .status(503)
        var config = try fastConfiguration([server.url], batchSize: 5)
        config.retry = RetryPolicy(initialDelay: .milliseconds(100), maxDelay: .seconds(1), attemptsPerEndpoint: 4)
        let (client, clock) = try manualClient(config)
        var attempts: [ContinuousClock.Instant] = []
        try await withRunningClient(client) {
            for e in makeEvents(5) { client.enqueue(e) }
            await clock.run(until: "a second delivery cycle began") {
                if server.requests > attempts.count { attempts.append(clock.now) }
                return server.requests >= 5
            }
            #expect(client.counters.snapshot().retried == 3 * 5)
        }
        try #require(attempts.count == 5)
        let waits = zip(attempts, attempts.dropFirst()).map { $1 - $0 }
        // Retries 1, 2, 3 of the first cycle: [base/2, base] for base 100, 200, 400 ms.
        for (wait, base) in zip(waits, [100, 200, 400]) {
            #expect(wait >= .milliseconds(base / 2) && wait <= .milliseconds(base), "waited \(wait) for base \(base) ms")
        }
        // The next cycle after the first offline backoff: [50, 100] ms.
        #expect(waits[3] >= .milliseconds(50) && waits[3] <= .milliseconds(100), "waited \(waits[3]) before the next cycle")
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
        let (client, _) = try manualClient(config)
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
        let (client, clock) = try manualClient(config)
        try await withRunningClient(client) {
            for e in makeEvents(7) { client.enqueue(e) }
            await clock.run(for: .seconds(1))
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
        let (client, clock) = try manualClient(config)
        let events = makeEvents(6)
        let task = Task { try await client.run() }
        // A request thread preempted halfway through its offer: its place is claimed first.
        let slow = try #require(client.queue.claim())
        for e in events.dropFirst() { client.enqueue(e) }
        client.requestShutdown()
        // The sender waits on the clock for the claimed place (within the shutdown timeout).
        await clock.run(for: .seconds(1))
        #expect(server.receivedIDs.isEmpty && client.counters.snapshot().dropped == 0)
        client.queue.publish(events[0], at: slow)
        try await stopped(task, client)
        #expect(server.receivedIDs == events.map(\.id), "every event, in order")
        #expect(client.counters.snapshot().dropped == 0)
    }

    @Test("graceful shutdown sends what is still queued")
    func shutdownFlush() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        var config = try fastConfiguration([server.url], batchSize: 1000)
        config.flushInterval = .seconds(3600)
        let (client, _) = try manualClient(config)
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
        let (client, clock) = try manualClient(config)
        try await withRunningClient(client) {
            let events = makeEvents(5)
            for e in events { client.enqueue(e) }
            // Driven, so that a flush that cannot deliver ends at its timeout instead of hanging.
            #expect(await clock.driving { await client.flush(timeout: .seconds(10)) })
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
        let (client, clock) = try manualClient(config)
        // Before the sender runs, so that exactly 20 fit the queue and 5 are dropped.
        for e in makeEvents(25) { client.enqueue(e) }
        try await withRunningClient(client) {
            #expect(await clock.driving { await client.flush(timeout: .seconds(10)) })
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
        // Few attempts (each to a closed port takes the connect timeout of real time).
        plain.retry = RetryPolicy(initialDelay: .milliseconds(200), maxDelay: .seconds(1), attemptsPerEndpoint: 1)
        let (unspooled, clock) = try manualClient(plain)
        try await withRunningClient(unspooled) {
            for e in makeEvents(3) { unspooled.enqueue(e) }
            #expect(await clock.driving { await unspooled.flush(timeout: .milliseconds(300)) } == false)
            #expect(unspooled.counters.snapshot().queued == 3)   // still held in memory
        }

        var spooling = try fastConfiguration([dead], batchSize: 1000, spool: temporaryDirectory())
        spooling.flushInterval = .seconds(3600)
        let (spooled, spoolingClock) = try manualClient(spooling)
        try await withRunningClient(spooled) {
            for e in makeEvents(3) { spooled.enqueue(e) }
            #expect(await spoolingClock.driving { await spooled.flush(timeout: .seconds(10)) })
            let s = spooled.counters.snapshot()
            #expect(s.spooled == 3 && s.queued == 0 && s.spoolPending == 3)
        }
    }

    @Test("503 from the primary: retried with backoff, then fail-over to the secondary; back to the primary at the first probe once it recovers")
    func failoverAndReturn() async throws {
        let primary = try await FakeSightline()
        let secondary = try await FakeSightline()
        defer { Task { await primary.stop(); await secondary.stop() } }
        primary.mode = .status(503)
        primary.healthy = false
        let config = try fastConfiguration([primary.url, secondary.url], batchSize: 5)
        let (client, clock) = try manualClient(config)
        try await withRunningClient(client) {
            for e in makeEvents(5) { client.enqueue(e) }
            await clock.run(until: "batch on the secondary") { secondary.receivedIDs.count == 5 }
            let failedOverAt = clock.now
            #expect(primary.requests == 2)  // attemptsPerEndpoint
            #expect(client.counters.snapshot().retried == 5 * 2)   // the second try, then the secondary
            #expect(client.counters.snapshot().failovers == 1)

            primary.mode = .accept
            primary.healthy = true
            // Before the probe is due, batches stay on the secondary.
            for e in makeEvents(5, path: "/before-probe") { client.enqueue(e) }
            await clock.run(until: "second batch on the secondary") { secondary.receivedIDs.count == 10 }
            #expect(clock.now < failedOverAt.advanced(by: config.primaryProbeInterval))
            #expect(primary.probes == 0 && primary.receivedIDs.isEmpty)
            // Once it is due, the next delivery probes the primary and returns to it.
            await clock.run(for: config.primaryProbeInterval)
            for e in makeEvents(5, path: "/after-probe") { client.enqueue(e) }
            await clock.run(until: "batch on the primary") { primary.receivedIDs.count == 5 }
            #expect(primary.probes == 1 && secondary.receivedIDs.count == 10)
            #expect(client.counters.snapshot().failovers == 2)
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
        let (client, clock) = try manualClient(fastConfiguration(["http://127.0.0.1:\(dead)", secondary.url], batchSize: 4))
        try await withRunningClient(client) {
            for e in makeEvents(8) { client.enqueue(e) }
            await clock.run(until: "8 on the secondary") { secondary.receivedIDs.count == 8 }
        }
        #expect(client.counters.snapshot().acknowledged == 8)
    }

    @Test("every endpoint down: batches are spooled to disk, then drained in order when one comes back")
    func spoolRecovery() async throws {
        let spoolDir = temporaryDirectory()
        let portA = try await unusedPort()
        let portB = try await unusedPort()
        let (client, clock) = try manualClient(fastConfiguration(["http://127.0.0.1:\(portA)", "http://127.0.0.1:\(portB)"], batchSize: 10, spool: spoolDir))
        let events = makeEvents(45)
        var revived: FakeSightline?
        try await withRunningClient(client) {
            for e in events { client.enqueue(e) }
            await clock.run(until: "45 spooled") { client.counters.snapshot().spooled == 45 }
            #expect(client.counters.snapshot().queued == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: spoolDir).contains { $0.hasSuffix(".seg") })
            // The secondary comes up: everything is drained, oldest first.
            let server = try await FakeSightline(port: portB)
            revived = server
            await clock.run(until: "45 delivered") { server.receivedIDs.count == 45 }
            await clock.run(until: "spool empty") { client.counters.snapshot().spoolPending == 0 }
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
            let (client, clock) = try manualClient(fastConfiguration(["http://127.0.0.1:\(port)"], batchSize: 5, spool: spoolDir))
            try await withRunningClient(client) {
                for e in events { client.enqueue(e) }
                await clock.run(until: "first batch attempted") { client.counters.snapshot().spooled >= 5 }
            }
            #expect(client.counters.snapshot().spooled == 12)
        }
        let server = try await FakeSightline(port: port)
        defer { Task { await server.stop() } }
        let (second, clock) = try manualClient(fastConfiguration([server.url], batchSize: 5, spool: spoolDir))
        #expect(second.counters.snapshot().spoolPending == 12)
        try await withRunningClient(second) {
            await clock.run(until: "12 delivered") { server.receivedIDs.count == 12 }
        }
        #expect(server.receivedIDs == events.map(\.id))
    }

    @Test("cancelling the client's task stops it like a graceful shutdown: what is queued goes to the spool, nothing is dropped")
    func cancellationSpools() async throws {
        let spoolDir = temporaryDirectory()
        let port = try await unusedPort()
        let (client, clock) = try manualClient(fastConfiguration(["http://127.0.0.1:\(port)"], batchSize: 5, spool: spoolDir))
        let task = Task { try await client.run() }
        for e in makeEvents(5) { client.enqueue(e) }
        await clock.run(until: "first batch spooled") { client.counters.snapshot().spooled == 5 }
        for e in makeEvents(7) { client.enqueue(e) }
        task.cancel()
        _ = try? await stopped(task, client)
        let s = client.counters.snapshot()
        #expect(s.spooled == 12 && s.dropped == 0 && s.queued == 0, "\(s)")
    }

    @Test("events the server rejects as invalid are counted and never retried")
    func rejectedEvents() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        server.mode = .rejectIndices([1, 3])
        let (client, clock) = try manualClient(fastConfiguration([server.url], batchSize: 5))
        try await withRunningClient(client) {
            for e in makeEvents(5) { client.enqueue(e) }
            await clock.run(until: "verdict") { client.counters.snapshot().rejected == 2 }
        }
        #expect(server.requests == 1)
        #expect(client.counters.snapshot().acknowledged == 3)

        let refusing = try await FakeSightline()
        defer { Task { await refusing.stop() } }
        refusing.mode = .status(400)
        let (client2, clock2) = try manualClient(fastConfiguration([refusing.url], batchSize: 4))
        try await withRunningClient(client2) {
            for e in makeEvents(4) { client2.enqueue(e) }
            await clock2.run(until: "refused batch counted") { client2.counters.snapshot().rejected == 4 }
        }
        #expect(refusing.requests == 1)
    }

    @Test("401: events are kept (spooled), not dropped, and delivered once the key is accepted")
    func unauthorized() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        server.mode = .status(401)
        let (client, clock) = try manualClient(fastConfiguration([server.url], batchSize: 5, spool: temporaryDirectory()))
        let events = makeEvents(5)
        try await withRunningClient(client) {
            for e in events { client.enqueue(e) }
            await clock.run(until: "spooled") { client.counters.snapshot().spooled == 5 }
            #expect(client.counters.snapshot().dropped == 0)
            server.mode = .accept
            await clock.run(until: "delivered after the key is fixed") { server.receivedIDs.count == 5 }
        }
        #expect(server.receivedIDs == events.map(\.id))
        #expect(client.counters.snapshot().rejected == 0)
    }

    @Test("413: the batch is split until the server takes it; nothing lost, nothing twice")
    func tooLargeSplits() async throws {
        let server = try await FakeSightline()
        defer { Task { await server.stop() } }
        server.mode = .tooLargeAbove(3)
        let (client, _) = try manualClient(fastConfiguration([server.url], batchSize: 10))
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
        let (client, _) = try manualClient(fastConfiguration([server.url], batchSize: 5))
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
        let (client, clock) = try manualClient(config)
        try await withRunningClient(client) {
            for e in makeEvents(100) { client.enqueue(e) }
            await clock.run(until: "all accounted") {
                let s = client.counters.snapshot()
                return s.spooled + s.dropped == 100
            }
        }
        let s = client.counters.snapshot()
        #expect(s.spooled > 0 && s.dropped > 0)
        #expect(s.spoolPending == s.spooled)
    }
}
