import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How much CPU the client's work thread (redaction, encoding, gzip) may take from the app
/// (``SightlineConfiguration/senderPriority``).
public enum SenderPriority: Sendable, Hashable {
    /// Only CPU time that no other thread of the machine (or of the container's CPU group) wants
    /// (Linux `SCHED_IDLE`): an app thread that wakes up takes the core at once. Under sustained
    /// 100 % CPU the client gets almost no time, its queue fills and requests are no longer
    /// captured (counted in `dropped`); the app pays only for the requests still captured.
    case idle
    /// nice 10: about a tenth of a normal thread's share while the CPU is contended, so events
    /// keep flowing under overload at a small cost to the app.
    case low
    /// The app's own priority.
    case normal
}

/// The client's own threads, never the app's: one for the CPU work, one for everything else.
///
/// Invariants:
/// - The work thread runs only self-contained CPU work handed to it by ``work(_:)`` (redaction,
///   encoding, gzip), at ``SenderPriority``. It takes none of the locks request threads take (the
///   queue's, an event loop's job queue) and does not release the captured events (releasing
///   memory that request threads allocated takes the allocator's locks for their arenas), so
///   preempting it, which `SCHED_IDLE` allows at any moment, cannot leave a request thread
///   waiting for it. (Measured price: the sender's bookkeeping and the release at the app's
///   priority add about 100–200 µs at p99 on one connection; docs/BENCHMARKS.md.)
/// - The I/O thread, at the app's priority, is the `TaskExecutor` of the sender task (task
///   executor preference) and the event loop of the client's `HTTPClient`: the sender's loop,
///   its queue and counter bookkeeping, writing batches and reading answers run there, without a
///   hop to the app's Swift concurrency pool or event loops (whose threads serve requests). Connect
///   and read timeouts then measure the network, not a starved work thread.
/// - The priority is set once, on the work thread itself, before any job runs on it. Lowering a
///   thread's priority needs no privilege; when it is refused anyway, the thread keeps the app's.
/// - Created by ``SightlineClient/run()`` and shut down when it returns (from outside them).
final class SenderThread: TaskExecutor, Sendable {
    private let workGroup: MultiThreadedEventLoopGroup
    /// The work thread's event loop (its job queue).
    let workLoop: any EventLoop
    /// Where the sender task and the client's connections run.
    let ioGroup: MultiThreadedEventLoopGroup
    let ioLoop: any EventLoop

    init(priority: SenderPriority) {
        workGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        workLoop = workGroup.next()
        ioGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        ioLoop = ioGroup.next()
        workLoop.execute { Self.apply(priority) }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        ioLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// Runs `body` on the work thread and returns its result.
    func work<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            workLoop.execute { continuation.resume(returning: body()) }
        }
    }

    func shutdown() async {
        try? await workGroup.shutdownGracefully()
        try? await ioGroup.shutdownGracefully()
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
