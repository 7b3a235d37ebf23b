import NIOCore
import NIOPosix
import Synchronization

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
///   encoding, gzip, and releasing sent events, at ``SenderPriority`` (`SCHED_IDLE` by default).
///   The kernel may preempt it at any instant, so it shares no lock with the threads that serve
///   requests: they hand events over through the lock-free ``EventQueue`` and never wake it (it
///   polls). The locks it does take are the client's own: its wait state (also taken by
///   `flush` and shutdown), the job queues of the two threads, and its spool thread's.
/// - The I/O thread, at the app's priority, is the event loop of the client's `HTTPClient`:
///   connect and read timeouts then measure the network, not a starved work thread. The
///   sender's log messages are written from it too (a log handler's lock may be the app's).
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
    private let draining = Atomic<Bool>(false)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let loop = draining.load(ordering: .relaxed) ? ioLoop : workLoop
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// Moves the sender to the I/O thread, at the app's priority, for the final flush: on a
    /// saturated machine a `SCHED_IDLE` thread could not finish it within `shutdownTimeout`.
    /// (The sender's jobs run one at a time whichever thread runs them: it is one task.)
    func startDraining() {
        draining.store(true, ordering: .relaxed)
    }

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
