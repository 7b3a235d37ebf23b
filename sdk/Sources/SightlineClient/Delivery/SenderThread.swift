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
    /// 100 % CPU the client's work thread gets almost no time, its queue fills and requests are no longer
    /// captured (counted in `dropped`); the app pays only for the requests still captured.
    case idle
    /// nice 10: about a tenth of a normal thread's share while the CPU is contended, so events
    /// keep flowing under overload at a small cost to the app.
    case low
    /// The app's own priority.
    case normal
}

/// A closure handed to the work thread, which drops it as soon as it has run (see
/// ``SenderThread/work(_:)``). Touched by the work thread only, after the hand-over.
private final class WorkBox<T>: @unchecked Sendable {
    private var body: (@Sendable () -> T)?
    init(_ body: @escaping @Sendable () -> T) { self.body = body }

    func run() -> T {
        let body = self.body!
        self.body = nil
        return body()
    }
}

/// The client's own threads, never the app's: one for the CPU work, one for everything else.
///
/// Invariants:
/// - The work thread runs only self-contained CPU work handed to it by ``work(_:)`` (redaction,
///   encoding, gzip), at ``SenderPriority``. It never takes the queue's lock and never releases
///   the captured events (releasing memory that request threads allocated takes the allocator's
///   locks for their arenas), so preempting it, which `SCHED_IDLE` allows at any moment, cannot
///   leave a request thread waiting for it there. One exception, for an instant per batch: it
///   hands its result back through the I/O thread's job queue, whose lock a request thread also
///   takes when it wakes the sender (once per batch). (Measured price of keeping the rest off
///   the work thread: about +120–220 µs at p99 on one connection; docs/BENCHMARKS.md.)
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
    ///
    /// The work thread lets go of `body` (and what it captured, e.g. a batch of events) before
    /// it resumes the caller, so the caller's reference, on the I/O thread, is always the last:
    /// nothing the request threads allocated is released on the work thread.
    func work<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        let box = WorkBox(body)
        return await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            workLoop.execute {
                let result = box.run()
                continuation.resume(returning: result)
            }
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
