import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How much CPU the client's own thread may take from the app (``SightlineConfiguration/senderPriority``).
public enum SenderPriority: Sendable, Hashable {
    /// Only CPU time that no app thread wants (Linux `SCHED_IDLE`): an app thread that wakes up
    /// takes the core at once. Under sustained 100 % CPU the client gets almost no time, its
    /// queue fills and new events are dropped (counted in `dropped`), the app is not slowed.
    case idle
    /// nice 10: about a tenth of a normal thread's share while the CPU is contended, so events
    /// keep flowing under overload at a small cost to the app.
    case low
    /// The app's own priority.
    case normal
}

/// The client's own threads, never the app's: one for the work, one for the connections.
///
/// Invariants:
/// - The work thread is the `TaskExecutor` of the sender task (task executor preference): the
///   sender's loop, redaction, encoding and gzip run on it, at ``SenderPriority``, without a hop
///   to the app's Swift concurrency pool or event loops (whose threads serve requests).
/// - The client's `HTTPClient` lives on the I/O thread, at the app's priority: writing a batch
///   and reading the answer take little CPU, and connect and read timeouts must not fire because
///   a starved work thread (``SenderPriority/idle`` on a saturated CPU) could not run.
/// - The priority is set once, on the work thread itself, before any job runs on it. Lowering a
///   thread's priority needs no privilege; when it is refused anyway, the thread keeps the app's.
/// - Created by ``SightlineClient/run()`` and shut down when it returns (from outside them).
final class SenderThread: TaskExecutor, Sendable {
    private let group: MultiThreadedEventLoopGroup
    /// The work thread's event loop (its job queue).
    let loop: any EventLoop
    /// Where the client's connections live.
    let ioGroup: MultiThreadedEventLoopGroup

    init(priority: SenderPriority) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        self.loop = group.next()
        self.ioGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop.execute { Self.apply(priority) }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    func shutdown() async {
        try? await group.shutdownGracefully()
        try? await ioGroup.shutdownGracefully()
    }

    /// Applies `priority` to the calling thread (on Linux both calls act on the calling thread
    /// only). Elsewhere it is a no-op.
    static func apply(_ priority: SenderPriority) {
        #if os(Linux)
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
        #if os(Linux)
        errno = 0
        return (sched_getscheduler(0), getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
        #else
        return (0, 0)
        #endif
    }
}
