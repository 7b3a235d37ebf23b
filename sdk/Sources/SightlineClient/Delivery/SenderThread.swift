import Atomics
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How much CPU the client's work thread (the sender: redaction, encoding, gzip, bookkeeping)
/// may take from the app (``SightlineConfiguration/senderPriority``).
public enum SenderPriority: Sendable, Hashable {
    /// Only CPU time that no other thread of the machine (or of the container's CPU group) wants
    /// (Linux `SCHED_IDLE`): an app thread that wakes up takes the core at once. Under sustained
    /// 100 % CPU the client's work thread gets almost no time, its queue fills and requests are no longer
    /// captured (counted in `dropped`); the app pays only for the requests still captured.
    case idle
    /// nice 10: about a tenth of a normal thread's share while the CPU is contended, so events
    /// keep flowing under overload at a small cost to the app.
    case low
    /// The app's own priority.
    case normal
}

/// The client's own threads, never the app's: one for the sender, one for its connections.
///
/// Invariants:
/// - The work thread runs the sender task (it is that task's `TaskExecutor`, by task executor
///   preference): the loop and its bookkeeping, taking events from the queue, redaction,
///   encoding and gzip, at ``SenderPriority`` (`SCHED_IDLE` by default).
/// - The kernel may preempt the work thread at any instant, so it takes no lock that the threads
///   serving requests take: they hand events over through the lock-free ``EventQueue`` and
///   never wake it (it polls); the events they allocated are released on the I/O thread
///   (``release(_:)``: the allocator's arena locks); its log lines and exported metric counts
///   are handed to the I/O thread (a log handler's or a metrics backend's lock may be the
///   app's); it reads the spool's counts from atomics. The locks it does take are the client's
///   own: its wait state (also taken by `flush` and shutdown), the job queues of the two
///   threads, AsyncHTTPClient's, and its spool thread's. So the I/O thread can wait for it.
/// - The I/O thread, at the app's priority, is the event loop of the client's `HTTPClient`:
///   connect and read timeouts then measure the network, not a busy CPU.
/// - Once shutdown begins (``startDraining()``), the sender's jobs run on the I/O thread instead,
///   so that the final flush is not starved.
/// - Spool files are read and written on a blocking-I/O thread of the client's own, not on
///   NIO's shared pool (which the app's file I/O uses).
/// - The priority is set once, on the work thread itself, before any job runs on it. Lowering a
///   thread's priority needs no privilege; when it is refused anyway, the thread keeps the app's.
/// - Created by ``SightlineClient/run()`` and shut down when it returns (from outside them).
final class SenderThread: TaskExecutor, Sendable {
    private let workGroup: MultiThreadedEventLoopGroup
    /// The work thread's event loop (its job queue).
    let workLoop: any EventLoop
    /// Where the client's connections run.
    let ioGroup: MultiThreadedEventLoopGroup
    let ioLoop: any EventLoop
    /// Where spool files are read and written.
    let blockingPool: NIOThreadPool

    init(priority: SenderPriority) {
        workGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        workLoop = workGroup.next()
        ioGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        ioLoop = ioGroup.next()
        blockingPool = NIOThreadPool(numberOfThreads: 1)
        blockingPool.start()
        workLoop.execute { Self.apply(priority) }
    }

    /// Set when shutdown begins: from then on the sender's jobs run on the I/O thread.
    private let draining = ManagedAtomic<Bool>(false)
    /// The sender's job enqueued last (the task has at most one waiting), so that
    /// ``startDraining()`` can run it on the I/O thread if the work thread has not yet.
    private let pending = ManagedAtomic<PendingJob?>(nil)

    func enqueue(_ job: consuming ExecutorJob) {
        let box = PendingJob(UnownedJob(job))
        // Sequentially consistent, like the pair in startDraining: either this sees `draining`,
        // or startDraining sees this job and runs it on the I/O thread.
        let previous = pending.exchange(box, ordering: .sequentiallyConsistent)
        // One task, one job waiting at a time: the one before has been claimed.
        assert(previous?.isClaimed ?? true, "the sender task had two jobs waiting")
        let loop = draining.load(ordering: .sequentiallyConsistent) ? ioLoop : workLoop
        loop.execute { box.runOnce(on: self.asUnownedTaskExecutor()) }
    }

    /// Moves the sender to the I/O thread, at the app's priority, for the final flush: on a
    /// saturated machine a `SCHED_IDLE` thread could not finish it within `shutdownTimeout`. A
    /// job already waiting for the work thread is run by whichever thread gets to it first; a
    /// job running there finishes there (the sender yields every 64 events while encoding and
    /// before gzip, so that is at most one such step, run at the work thread's priority).
    func startDraining() {
        draining.store(true, ordering: .sequentiallyConsistent)
        if let box = pending.load(ordering: .sequentiallyConsistent), !box.isClaimed {
            ioLoop.execute { box.runOnce(on: self.asUnownedTaskExecutor()) }
        }
    }

    /// Releases sent events on the I/O thread, at the app's priority, a few at a time with a
    /// pause in between. Releasing memory that request threads allocated takes the allocator's
    /// lock for their arena (for any block the allocator does not cache per thread); a thread the
    /// kernel may preempt at any instant must not hold it. The pauses keep the I/O thread from
    /// holding a core for long. Leaves `events` empty.
    func release(_ events: inout [APIEvent]) {
        guard !events.isEmpty else { return }
        let box = ReleaseBox(taking: &events)
        ioLoop.execute { self.releaseStep(box) }
    }

    private func releaseStep(_ box: ReleaseBox) {
        box.events.removeLast(min(Self.releaseChunk, box.events.count))
        if !box.events.isEmpty {
            ioLoop.scheduleTask(in: Self.releasePause) { self.releaseStep(box) }
        }
    }

    static let releaseChunk = 16
    static let releasePause: TimeAmount = .microseconds(50)

    func shutdown() async {
        try? await workGroup.shutdownGracefully()
        try? await ioGroup.shutdownGracefully()
        try? await blockingPool.shutdownGracefully()
    }

    /// Applies `priority` to the calling thread (with glibc on Linux both calls act on the
    /// calling thread only). Elsewhere (Darwin, musl) it is a no-op.
    static func apply(_ priority: SenderPriority) {
        #if canImport(Glibc)
        switch priority {
        case .idle:
            var parameters = sched_param()
            parameters.sched_priority = 0
            _ = sched_setscheduler(0, schedIdle, &parameters)
        case .low:
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        case .normal:
            break
        }
        #endif
    }

    /// Linux's `SCHED_IDLE` policy (5 in `<linux/sched.h>`; Glibc exports it only to C code that
    /// defines `_GNU_SOURCE`).
    static let schedIdle: Int32 = 5

    /// The calling thread's scheduling policy and nice value (for tests).
    static func currentThreadScheduling() -> (policy: Int32, nice: Int32) {
        #if canImport(Glibc)
        errno = 0
        return (sched_getscheduler(0), getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
        #else
        return (0, 0)
        #endif
    }
}

/// One job of the sender task, run exactly once by whichever thread claims it first.
private final class PendingJob: AtomicReference, @unchecked Sendable {
    private let job: UnownedJob
    private let claimed = ManagedAtomic<Bool>(false)

    init(_ job: UnownedJob) { self.job = job }

    var isClaimed: Bool { claimed.load(ordering: .acquiring) }

    func runOnce(on executor: UnownedTaskExecutor) {
        guard !claimed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        job.runSynchronously(on: executor)
    }
}

/// Events on their way to be released, owned by the I/O thread once handed over.
private final class ReleaseBox: @unchecked Sendable {
    var events: [APIEvent] = []
    init(taking events: inout [APIEvent]) { swap(&self.events, &events) }
}
