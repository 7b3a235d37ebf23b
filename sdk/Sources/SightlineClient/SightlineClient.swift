import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An atomic integer that closures can share.
final class AtomicCount: Sendable {
    private let storage = Atomic<Int>(0)
    var value: Int { storage.load(ordering: .relaxed) }
    func set(_ v: Int) { storage.store(v, ordering: .relaxed) }
}

import ServiceLifecycle
import Synchronization

/// Sends captured API events to Sightline without slowing the app down or losing them.
///
/// Invariants:
/// - ``enqueue(_:)`` never waits, takes no lock and never does I/O: it puts the event in a
///   bounded lock-free queue (``EventQueue``), or, when that is full, counts it as dropped. It
///   never wakes the sender either: the sender polls.
/// - Events leave the process only through the sender task started by ``run()``, redacted by the
///   configured ``RedactionPolicy``, in NDJSON batches (gzip) to `POST /v1/events`. That task
///   runs on a thread of the client's own (``SenderThread``) at
///   ``SightlineConfiguration/senderPriority``, by default only on CPU time nothing else wants;
///   its HTTP connections on a second one at the app's priority.
/// - Each event has a client-set id, so retries, fail-overs and spool replays never store it twice.
/// - An event is forgotten only when a server acknowledged or rejected it, or it was dropped
///   (counted): never silently.
/// - While no endpoint is reachable, batches go to the disk spool (if configured) in order;
///   the spool is drained, oldest first, before newer batches are sent, so order is kept.
/// - Graceful shutdown (ServiceLifecycle), or cancelling the task that runs ``run()``, sends what
///   is queued within `shutdownTimeout` and spools the rest.
///
/// ```swift
/// let client = try SightlineClient(configuration: config)
/// let group = ServiceGroup(services: [client, app], logger: logger)   // client first: it stops last
/// try await group.run()
/// ```
public final class SightlineClient: Service, Sendable {
    public let configuration: SightlineConfiguration
    /// What happened to the events so far.
    public let counters: SightlineCounters
    let queue: EventQueue
    let transport: any EventTransport
    let spool: DiskSpool?
    let encoder: EventEncoder
    /// The sender's time (see ``SenderClock``); tests inject a manual one.
    let clock: any SenderClock
    private let shutdownRequested = Atomic<Bool>(false)
    private let running = Atomic<Bool>(false)
    /// Set when ``run()`` has returned: nothing is sent any more.
    private let stopped = Atomic<Bool>(false)
    /// Events the sender took from the queue and has not yet sent or spooled: its own copy,
    /// the batch in flight and batches held in memory.
    let localPending: AtomicCount
    /// Events that have left memory for good since start: acknowledged or rejected when sent
    /// from memory, written to the spool, or dropped. Events leave memory in the order they were
    /// enqueued, so ``flush(timeout:)`` waits for this to reach the count enqueued before it.
    let leftMemory = AtomicCount()
    /// ``flush(timeout:)`` calls waiting: while any is, the sender sends without waiting for a
    /// full batch or the flush interval.
    let flushers = Atomic<Int>(0)
    var flushRequested: Bool { flushers.load(ordering: .relaxed) > 0 }
    /// Turns of the sender's loop, for tests that check it sleeps when idle.
    let senderIterations = Atomic<Int>(0)
    /// Where the first batch was encoded: the thread's scheduling policy and nice value, and
    /// whether it was the client's work thread (for tests of ``SenderPriority``).
    let firstEncode = Mutex<(policy: Int32, nice: Int32, onSenderThread: Bool)?>(nil)
    /// Where the first batch after shutdown began was encoded (for the test of draining).
    let drainEncode = Mutex<(policy: Int32, onIOThread: Bool)?>(nil)

    /// - Throws: ``SightlineClientError`` when the spool directory cannot be opened.
    public convenience init(configuration: SightlineConfiguration) throws(SightlineClientError) {
        try self.init(configuration: configuration, clock: RealSenderClock())
    }

    /// The client with its HTTP transport and a clock of the caller's (tests: a manual one).
    convenience init(configuration: SightlineConfiguration, clock: any SenderClock) throws(SightlineClientError) {
        let transport = HTTPTransport(
            ingestKey: configuration.ingestKey, gzip: configuration.gzip,
            timeout: configuration.requestTimeout, connectTimeout: configuration.connectTimeout
        )
        try self.init(configuration: configuration, transport: transport, clock: clock)
    }

    init(
        configuration: SightlineConfiguration, transport: any EventTransport,
        clock: any SenderClock = RealSenderClock()
    ) throws(SightlineClientError) {
        self.configuration = configuration
        self.clock = clock
        self.transport = transport
        let queue = EventQueue(capacity: configuration.queueCapacity)
        self.queue = queue
        let spool: DiskSpool?
        if let directory = configuration.spoolDirectory {
            spool = try DiskSpool(directory: directory, maxBytes: configuration.spoolMaxBytes, segmentBytes: configuration.spoolSegmentBytes)
        } else {
            spool = nil
        }
        self.spool = spool
        self.encoder = EventEncoder(service: configuration.service, environment: configuration.environment, policy: configuration.redaction)
        let localPending = AtomicCount()
        self.localPending = localPending
        self.counters = SightlineCounters(exportMetrics: configuration.exportMetrics, factory: configuration.metricsFactory) {
            (queue.count + localPending.value, spool?.pendingEvents ?? 0)
        }
    }

    /// Hands an event to the client. Never blocks, never throws: when the memory queue is full
    /// the event is dropped and counted in ``SightlineCounters/Snapshot/dropped``.
    public func enqueue(_ event: APIEvent) {
        if queue.offer(event) {
            counters.add(.enqueued)
        } else {
            counters.add(.dropped)
        }
    }

    /// Whether a request should be captured at all: false (and the event counted as dropped)
    /// while the memory queue is full, so that a middleware does not build an event that
    /// ``enqueue(_:)`` would drop. Costs two atomic loads while there is room. (A request that
    /// a route-template exclusion would have skipped later is counted too.)
    public func shouldCapture() -> Bool {
        guard queue.isFull else { return true }
        counters.add(.dropped)
        return false
    }

    /// Sends what is queued without waiting for a full batch or the flush interval, and waits
    /// until every event enqueued before the call has left memory: acknowledged or rejected by a
    /// server, written to the disk spool, or dropped (and counted). For scripts and jobs that
    /// exit on their own; a service relies on graceful shutdown instead.
    ///
    /// - Parameter timeout: how long to wait at most.
    /// - Returns: false when that did not happen in time (every endpoint is down and there is no
    ///   spool, or ``run()`` was not started), or the client has stopped with events in memory.
    @discardableResult
    public func flush(timeout: Duration = .seconds(10)) async -> Bool {
        // The queue's count of claimed positions: every event it covers is ahead of any
        // event accepted later (the `enqueued` counter is bumped after the append, so it could
        // count a later event before an earlier one).
        let target = queue.accepted
        flushers.wrappingAdd(1, ordering: .relaxed)
        defer { flushers.wrappingSubtract(1, ordering: .relaxed) }
        queue.poke()
        let deadline = clock.now.advanced(by: timeout)
        while leftMemory.value < target {
            // A client that has stopped sends nothing more; one not started yet may start.
            guard !stopped.load(ordering: .relaxed), clock.now < deadline, !Task.isCancelled else {
                return leftMemory.value >= target
            }
            // Looks for the outcome every 2 ms (real time: the timeout is on the client's clock).
            try? await Task.sleep(for: .milliseconds(2))
        }
        return true
    }

    /// Runs the sender until graceful shutdown (or cancellation), then flushes.
    public func run() async throws {
        guard !running.exchange(true, ordering: .relaxed) else {
            throw SightlineClientError.invalidConfiguration("SightlineClient.run() was called twice; add the client to one ServiceGroup only")
        }
        let thread = SenderThread(priority: configuration.senderPriority)
        senderThread.withLock { $0 = thread }
        if isShuttingDown { thread.startDraining() }
        transport.start(on: thread)
        // The sender is a task of its own, so that cancelling this one asks it to stop like a
        // graceful shutdown does, without cancelling its work: a cancelled task could not write
        // the spool (the thread pool refuses work from cancelled tasks), and would drop instead.
        let sender = Task(executorPreference: thread) {
            await Sender(client: self, thread: thread).run()
        }
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await sender.value
            } onCancel: {
                self.requestShutdown()
            }
        } onGracefulShutdown: {
            self.requestShutdown()
        }
        // Events enqueued after the sender's last take are never sent: counted as dropped, and
        // every later one is refused (and counted) too.
        let late = queue.close()
        if late > 0 {
            counters.add(.dropped, late)
            leftMemory.set(leftMemory.value + late)
            configuration.logger.warning("Sightline: events enqueued while the client stopped were dropped", metadata: ["sdk.events": "\(late)"])
        }
        stopped.store(true, ordering: .relaxed)
        senderThread.withLock { $0 = nil }
        // From outside the client's threads: the connections close on the I/O thread, then
        // both threads stop.
        await transport.shutdown()
        await thread.shutdown()
    }

    /// Asks the sender to flush and stop (what graceful shutdown does).
    public func requestShutdown() {
        shutdownRequested.store(true, ordering: .relaxed)
        senderThread.withLock { $0 }?.startDraining()
        queue.poke()
    }

    /// The threads of the running sender (for ``requestShutdown()``).
    private let senderThread = Mutex<SenderThread?>(nil)

    var isShuttingDown: Bool { shutdownRequested.load(ordering: .relaxed) }
}

/// The sender's state machine; lives in the one task that ``SightlineClient/run()`` starts.
final class Sender {
    enum Result {
        case delivered
        /// These parts (payload, event count) could not be delivered now.
        case undeliverable([(payload: [UInt8], count: Int)])
    }

    let client: SightlineClient
    var config: SightlineConfiguration { client.configuration }
    let logger: SenderLog
    /// Where spool files are read and written.
    var blockingPool: NIOThreadPool { thread.blockingPool }
    /// Counts events; an exported metric is reported from the I/O thread.
    func tally(_ kind: SightlineCounters.Kind, _ n: Int = 1) {
        client.counters.add(kind, n, exportOn: thread.ioLoop)
    }
    /// The client's clock: every deadline and wait below is on it.
    var clock: any SenderClock { client.clock }

    var current = 0
    var offline = false
    var offlineAttempt = 0
    var nextAttemptAt: ContinuousClock.Instant
    var nextProbeAt: ContinuousClock.Instant
    var lastFlush: ContinuousClock.Instant
    var held: [(payload: [UInt8], count: Int)] = []
    var authFailureLogged = false
    var spoolErrorLogged = false
    var lastDropped = 0
    var shutdownDeadline: ContinuousClock.Instant?

    /// Events waiting in the memory queue.
    var pendingCount: Int { client.queue.count }

    /// The next batch of at most `max` events, oldest first, taken from the queue.
    func nextBatch(max: Int) -> [APIEvent] {
        var batch: [APIEvent] = []
        batch.reserveCapacity(Swift.min(max, client.queue.count))
        client.queue.take(max: max, into: &batch)
        publishPending()
        return batch
    }

    /// Events in flight from memory (being encoded or delivered).
    var inFlight = 0

    /// Updates the count of events the sender holds in memory (in flight, held).
    func publishPending() {
        client.localPending.set(inFlight + held.reduce(0) { $0 + $1.count })
    }

    /// Counts events that left memory for good (see ``SightlineClient/leftMemory``). Only the
    /// sender writes that count, so a load and a store do.
    func leftMemory(_ n: Int) {
        if n > 0 { client.leftMemory.set(client.leftMemory.value + n) }
    }

    /// The client's threads (this runs on the work one, and on the I/O one once shutting down).
    let thread: SenderThread

    init(client: SightlineClient, thread: SenderThread) {
        self.client = client
        self.thread = thread
        self.logger = SenderLog(logger: client.configuration.logger, loop: thread.ioLoop)
        let now = client.clock.now
        self.nextAttemptAt = now
        self.nextProbeAt = now
        self.lastFlush = now
    }

    func run() async {
        if let spool = client.spool, !spool.isEmpty {
            logger.info("Sightline spool holds events from an earlier run; sending them first", metadata: ["sdk.spool.events": "\(spool.pendingEvents)"])
        }
        while true {
            client.senderIterations.wrappingAdd(1, ordering: .relaxed)
            reportDrops()
            let shuttingDown = client.isShuttingDown
            if shuttingDown, shutdownDeadline == nil {
                shutdownDeadline = clock.now.advanced(by: config.shutdownTimeout)
            }
            let pastDeadline = isPastShutdownDeadline

            // 1. Older events first: the spool, or the batch held in memory without a spool.
            if hasBacklog {
                if pastDeadline || (shuttingDown && offline) {
                    await spoolQueued(all: true)
                    break
                }
                let flushDue = clock.now >= lastFlush.advanced(by: config.flushInterval) || client.flushRequested
                if offline, clock.now < nextAttemptAt {
                    await spoolQueued(all: shuttingDown || flushDue)
                    // The interval restarts, else (nothing to spool, or no spool) the wait below
                    // would end at once until the next attempt: a busy loop.
                    if flushDue { lastFlush = clock.now }
                    await waitForWork(until: min(nextAttemptAt, lastFlush.advanced(by: config.flushInterval)))
                    continue
                }
                await sendBacklogHead()
                await spoolQueued(all: flushDue)
                continue
            }

            // 2. The memory queue.
            let due = clock.now >= lastFlush.advanced(by: config.flushInterval)
                || (client.flushRequested && pendingCount > 0)
            if pendingCount >= config.batchSize || due || shuttingDown {
                var batch = nextBatch(max: config.batchSize)
                lastFlush = clock.now
                if batch.isEmpty {
                    if await waitedForUnpublished() { continue }
                    if shuttingDown { break }
                    continue
                }
                inFlight = batch.count
                publishPending()
                defer {
                    inFlight = 0
                    publishPending()
                }
                let (payload, count) = await encode(&batch)
                if pastDeadline || (offline && clock.now < nextAttemptAt) {
                    await backlog([(payload, count)])
                    continue
                }
                switch await deliver(payload, count: count) {
                case .delivered:
                    markOnline()
                    leftMemory(count)
                case .undeliverable(let parts):
                    markOffline()
                    leftMemory(count - parts.reduce(0) { $0 + $1.count })
                    await backlog(parts)
                }
                continue
            }
            await waitForWork(until: lastFlush.advanced(by: config.flushInterval))
        }
        var rest = nextBatch(max: Int.max)
        if !rest.isEmpty {
            let part = await encode(&rest)
            if client.spool != nil {
                await backlog([part])
            } else {
                held.append(part)
            }
        }
        if !held.isEmpty {
            let lost = held.reduce(0) { $0 + $1.count }
            tally(.dropped, lost)
            leftMemory(lost)
            held.removeAll()
            publishPending()
            logger.error("Sightline: no endpoint reachable at shutdown and no spool configured; events dropped", metadata: ["sdk.events": "\(lost)"])
        }
        reportDrops(force: true)
    }

    var isPastShutdownDeadline: Bool { shutdownDeadline.map { clock.now >= $0 } ?? false }

    /// For a take that came back empty while events are counted as queued: the oldest position
    /// is claimed but not yet published (its offer was preempted halfway). Waits a poll interval
    /// and returns true, so the caller looks again instead of spinning or, while shutting down,
    /// leaving it and everything behind it to be dropped; false when nothing is queued or the
    /// shutdown deadline has passed.
    func waitedForUnpublished() async -> Bool {
        guard pendingCount > 0, !isPastShutdownDeadline else { return false }
        await waitForWork(until: clock.now.advanced(by: Self.pollInterval))
        return true
    }

    var hasBacklog: Bool {
        !held.isEmpty || !(client.spool?.isEmpty ?? true)
    }

    /// Encodes (and redacts) a batch, on the sender's thread, then hands its events to the I/O
    /// thread to be released (see ``SenderThread/release(_:)``), leaving `batch` empty. Yields
    /// between chunks, so that a shutdown can move the rest to the I/O thread.
    func encode(_ batch: inout [APIEvent]) async -> (payload: [UInt8], count: Int) {
        if !encodedBefore {
            encodedBefore = true
            let (policy, nice) = SenderThread.currentThreadScheduling()
            client.firstEncode.withLock { $0 = (policy, nice, thread.workLoop.inEventLoop) }
        }
        if client.isShuttingDown, !encodedDraining {
            encodedDraining = true
            let (policy, _) = SenderThread.currentThreadScheduling()
            client.drainEncode.withLock { $0 = (policy, thread.ioLoop.inEventLoop) }
        }
        var payload: [UInt8] = []
        payload.reserveCapacity(batch.count * 400)
        var start = 0
        while start < batch.count {
            let end = min(start + Self.encodeChunk, batch.count)
            EventEncoder.encode(batch[start..<end], with: client.encoder, into: &payload)
            start = end
            if start < batch.count { await Task.yield() }
        }
        let count = batch.count
        thread.release(&batch)
        return (payload, count)
    }

    /// Events encoded between two yields.
    static let encodeChunk = 64

    /// Whether a batch was encoded before (the first one records where it ran), and since
    /// shutdown began (likewise).
    var encodedBefore = false
    var encodedDraining = false

    func markOnline() {
        if offline {
            logger.info("Sightline reachable again", metadata: ["sdk.endpoint": "\(config.endpoints[current])"])
        }
        offline = false
        offlineAttempt = 0
    }

    func markOffline() {
        if !offline {
            logger.warning("Sightline: no endpoint reachable; keeping events in the spool and retrying with backoff", metadata: ["sdk.endpoints": "\(config.endpoints.count)"])
        }
        offline = true
        var delay = config.retry.delay(attempt: offlineAttempt)
        if authFailureLogged { delay = max(delay, min(config.retry.maxDelay, .seconds(5))) }
        offlineAttempt += 1
        nextAttemptAt = clock.now.advanced(by: delay)
    }

    /// Puts undeliverable parts behind everything older: on disk, or held in memory.
    /// - Parameter fromMemory: false for the rest of a spool record (already counted as having
    ///   left memory when it was spooled).
    func backlog(_ parts: [(payload: [UInt8], count: Int)], fromMemory: Bool = true) async {
        for part in parts {
            if let spool = client.spool {
                do {
                    let appended = try await blockingPool.runIfActive { try spool.append(part.payload, count: part.count) }
                    if appended {
                        tally(.spooled, part.count)
                    } else {
                        tally(.dropped, part.count)
                    }
                    if fromMemory { leftMemory(part.count) }
                } catch {
                    tally(.dropped, part.count)
                    if fromMemory { leftMemory(part.count) }
                    if !spoolErrorLogged {
                        spoolErrorLogged = true
                        logger.error("Sightline spool write failed; events dropped", metadata: ["sdk.error": "\(error)"])
                    }
                }
            } else if held.isEmpty || held.reduce(0, { $0 + $1.count }) + part.count <= config.batchSize {
                held.append(part)
            } else {
                tally(.dropped, part.count)
                if fromMemory { leftMemory(part.count) }
            }
        }
        publishPending()
    }

    /// Moves queued events into the backlog so that they keep their place behind it and the
    /// memory queue does not fill while endpoints are down.
    func spoolQueued(all: Bool) async {
        guard client.spool != nil else { return }
        while all ? pendingCount > 0 : pendingCount >= config.batchSize {
            var batch = nextBatch(max: config.batchSize)
            if batch.isEmpty {
                if all, await waitedForUnpublished() { continue }
                break
            }
            await backlog([await encode(&batch)])
            lastFlush = clock.now
        }
    }

    func sendBacklogHead() async {
        if !held.isEmpty {
            let part = held.removeFirst()
            switch await deliver(part.payload, count: part.count) {
            case .delivered:
                markOnline()
                leftMemory(part.count)
            case .undeliverable(let parts):
                held.insert(contentsOf: parts, at: 0)
                leftMemory(part.count - parts.reduce(0) { $0 + $1.count })
                markOffline()
            }
            publishPending()
            return
        }
        guard let spool = client.spool else { return }
        let record: DiskSpool.Record?
        do {
            record = try await blockingPool.runIfActive { try spool.peek() }
        } catch {
            logger.error("Sightline spool read failed", metadata: ["sdk.error": "\(error)"])
            markOffline()
            return
        }
        guard let record else { return }
        switch await deliver(record.payload, count: record.count) {
        case .delivered:
            tally(.unspooled, record.count)
            do {
                try await blockingPool.runIfActive { try spool.remove(record) }
            } catch {
                logger.error("Sightline spool cleanup failed", metadata: ["sdk.error": "\(error)"])
            }
            markOnline()
        case .undeliverable(let parts):
            if parts.reduce(0, { $0 + $1.count }) == record.count {
                markOffline()
            } else {
                // Part of the record was delivered (a 413 split): keep the rest, in order, at the tail.
                await backlog(parts, fromMemory: false)
                try? await blockingPool.runIfActive { try spool.remove(record) }
                markOffline()
            }
        }
    }

    /// One delivery cycle: each endpoint in turn, `attemptsPerEndpoint` times, with backoff.
    func deliver(_ payload: [UInt8], count: Int) async -> Result {
        await probePrimaryIfDue()
        let endpoints = config.endpoints
        let attempts = endpoints.count * config.retry.attemptsPerEndpoint
        var attempt = 0
        while attempt < attempts {
            if Task.isCancelled { break }
            let endpoint = endpoints[current]
            tally(.sent, count)
            if attempt > 0 { tally(.retried, count) }
            let outcome = await client.transport.send(payload, count: count, to: endpoint)
            var retryAfter: Duration?
            switch outcome {
            case .answered(let accepted, let rejected):
                tally(.acknowledged, accepted)
                tally(.rejected, rejected)
                if rejected > 0 {
                    logger.warning("Sightline rejected events as invalid; they are not retried", metadata: ["sdk.rejected": "\(rejected)", "sdk.endpoint": "\(endpoint)"])
                }
                if accepted + rejected < count {
                    // The answer accounts for fewer events than sent: count the rest as rejected.
                    tally(.rejected, count - accepted - rejected)
                }
                authFailureLogged = false
                return .delivered
            case .refused(let status):
                tally(.rejected, count)
                logger.error("Sightline refused a batch; its events are counted as rejected", metadata: ["http.status": "\(status)", "sdk.events": "\(count)"])
                return .delivered
            case .tooLarge:
                return await deliverSplit(payload, count: count)
            case .unauthorized(let status):
                if !authFailureLogged {
                    authFailureLogged = true
                    logger.error("Sightline refused the ingest key (HTTP \(status)): events are kept and retried slowly; set the SDK's ingestKey to the project's ingest key", metadata: ["sdk.endpoint": "\(endpoint)"])
                }
            case .retryable(let reason, let after):
                retryAfter = after
                logger.debug("Sightline send failed; will retry", metadata: ["sdk.endpoint": "\(endpoint)", "sdk.reason": "\(reason)"])
            }
            attempt += 1
            if attempt >= attempts { break }
            if attempt % config.retry.attemptsPerEndpoint == 0 {
                failOver(from: current, to: (current + 1) % endpoints.count)
            } else {
                var delay = config.retry.delay(attempt: attempt - 1)
                if let retryAfter { delay = min(max(delay, retryAfter), config.retry.maxDelay) }
                if let deadline = shutdownDeadline { delay = min(delay, max(.zero, deadline - clock.now)) }
                do { try await clock.sleep(until: clock.now.advanced(by: delay)) } catch { break }
            }
        }
        return .undeliverable([(payload, count)])
    }

    /// A 413: halves, each delivered on its own; a single event too large is rejected.
    func deliverSplit(_ payload: [UInt8], count: Int) async -> Result {
        let lines = payload.split(separator: UInt8(ascii: "\n")).map { Array($0) + [UInt8(ascii: "\n")] }
        if lines.count <= 1 {
            tally(.rejected, count)
            logger.error("Sightline refused an event as too large (413); it is counted as rejected")
            return .delivered
        }
        let mid = lines.count / 2
        let first = lines[..<mid].flatMap { $0 }
        let second = lines[mid...].flatMap { $0 }
        let secondCount = lines.count - mid
        // In order: once the first half is not delivered, the second is not sent either, so
        // events never overtake older ones (the server's order, and `flush`'s count, rely on it).
        if case .undeliverable(let parts) = await deliver(first, count: mid) {
            return .undeliverable(parts + [(second, secondCount)])
        }
        return await deliver(second, count: secondCount)
    }

    func failOver(from: Int, to: Int) {
        guard from != to else { return }
        current = to
        tally(.failovers)
        nextProbeAt = clock.now.advanced(by: config.primaryProbeInterval)
        logger.warning("Sightline endpoint unreachable; failing over", metadata: [
            "sdk.from": "\(config.endpoints[from])", "sdk.to": "\(config.endpoints[to])",
        ])
    }

    func probePrimaryIfDue() async {
        guard current != 0, clock.now >= nextProbeAt else { return }
        nextProbeAt = clock.now.advanced(by: config.primaryProbeInterval)
        if await client.transport.probe(config.endpoints[0]) {
            logger.info("Sightline primary endpoint is back; returning to it", metadata: ["sdk.endpoint": "\(config.endpoints[0])"])
            current = 0
            tally(.failovers)
        }
    }

    /// Waits until `deadline`, a poke (flush, shutdown) or a batch's worth of queued events,
    /// whichever comes first. Offers never wake the sender (see ``EventQueue``): it looks at the
    /// queue every ``pollInterval`` while events arrive, and backs off to ``idlePollInterval``
    /// while none do.
    func waitForWork(until deadline: ContinuousClock.Instant) async {
        if client.isShuttingDown {
            // Do not sleep through a shutdown; retry soon instead.
            let soon = clock.now.advanced(by: .milliseconds(50))
            try? await clock.sleep(until: min(deadline, soon))
            return
        }
        var interval = Self.pollInterval
        var seen = pendingCount
        while clock.now < deadline {
            if await client.queue.wait(until: min(deadline, clock.now.advanced(by: interval)), clock: clock, timerLoop: thread.workLoop) { return }
            let now = pendingCount
            if now >= config.batchSize || client.isShuttingDown || client.flushRequested { return }
            interval = now > seen ? Self.pollInterval : min(interval * 2, Self.idlePollInterval)
            seen = now
        }
    }

    /// How often the sender looks at the queue while events arrive, and at most while none do.
    /// At 200,000 events/s the default queue (10,000) fills in 50 ms.
    static let pollInterval: Duration = .milliseconds(5)
    static let idlePollInterval: Duration = .milliseconds(40)

    /// Logs new drops, at most once per ``dropReportInterval`` (under sustained overload they
    /// grow with every batch).
    func reportDrops(force: Bool = false) {
        let dropped = client.counters.value(.dropped)
        guard dropped > lastDropped else { return }
        let now = client.clock.now
        if !force, let last = lastDropReport, now < last.advanced(by: Self.dropReportInterval) { return }
        lastDropReport = now
        logger.warning(
            "Sightline dropped events: the memory queue was full (the sender fell behind: the CPU is saturated and senderPriority is .idle, or Sightline is slow or unreachable without a spool) or the spool was full",
            metadata: ["sdk.dropped.total": "\(dropped)", "sdk.dropped.new": "\(dropped - lastDropped)"]
        )
        lastDropped = dropped
    }

    var lastDropReport: ContinuousClock.Instant?
    static let dropReportInterval: Duration = .seconds(10)
}

/// The sender's log. Messages are handed to the client's I/O thread, which writes them: a log
/// handler may take a lock the app's threads share (a stream's), and the sender's own thread may
/// be preempted at any instant.
struct SenderLog {
    let logger: Logger
    let loop: any EventLoop
    /// Read once: a handler's `logLevel` getter could take a lock.
    let level: Logger.Level

    init(logger: Logger, loop: any EventLoop) {
        self.logger = logger
        self.loop = loop
        self.level = logger.logLevel
    }

    func log(_ level: Logger.Level, _ message: Logger.Message, _ metadata: Logger.Metadata?) {
        guard self.level <= level else { return }
        let logger = logger
        loop.execute { logger.log(level: level, message, metadata: metadata) }
    }

    func debug(_ message: Logger.Message, metadata: Logger.Metadata? = nil) { log(.debug, message, metadata) }
    func info(_ message: Logger.Message, metadata: Logger.Metadata? = nil) { log(.info, message, metadata) }
    func warning(_ message: Logger.Message, metadata: Logger.Metadata? = nil) { log(.warning, message, metadata) }
    func error(_ message: Logger.Message, metadata: Logger.Metadata? = nil) { log(.error, message, metadata) }
}

extension SightlineClient {
    /// The sender's encoding step (redaction included) for a batch, exposed to the overhead
    /// benchmark's diagnostics only.
    @_spi(Benchmarks) public func encodeBatchForBenchmark(_ events: [APIEvent]) -> [UInt8] {
        EventEncoder.encodeBatch(events, with: encoder)
    }
}
