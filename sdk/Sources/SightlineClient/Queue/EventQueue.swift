import Synchronization

/// The bounded in-memory queue between the request path and the sender.
///
/// Invariants:
/// - ``offer(_:)`` never waits on I/O: it takes a lock for an append and returns; when the queue
///   holds `capacity` events the new one is refused (the caller counts it as dropped). The sender
///   takes everything at once (``takeAll()``) and cuts batches from its own copy, taking again
///   only when that is used up: at most `2 × capacity` events are in memory.
/// - Events leave in the order they came in.
/// - Once closed (the sender stopped), offers are refused, so no accepted event is left behind
///   uncounted.
/// - The sender is woken once when the queue reaches a batch's worth, not on every event.
/// - A wake-up that comes while the sender is not waiting is kept (once), so none is lost; a wait
///   always ends by its deadline. (An `AsyncStream` is not used for this: cancelling a task that
///   waits on one finishes the stream for good, and every later wait would return at once.)
final class EventQueue: Sendable {
    private struct State {
        var events: [APIEvent] = []
        /// Events accepted since start, counted under the lock with the append, so that the
        /// count and the order of the queue agree (see ``accepted``).
        var acceptedTotal = 0
        var signalled = false
        /// Set by ``close()``: every later offer is refused.
        var closed = false
        var count: Int { events.count }
        /// A wake-up nobody was waiting for yet.
        var pendingWakeUp = false
        var ticket: UInt64 = 0
        var expiredTicket: UInt64 = 0
        var waiter: (ticket: UInt64, continuation: CheckedContinuation<Void, Never>)?
    }

    let capacity: Int
    let batchSize: Int
    private let state = Mutex(State())
    /// True from the moment an offer finds the queue full until the sender next takes it: read
    /// without the lock by ``isFull``, so a request can skip capturing an event that would be
    /// refused.
    private let full = Atomic<Bool>(false)

    init(capacity: Int, batchSize: Int) {
        self.capacity = capacity
        self.batchSize = batchSize
    }

    /// Appends `event`; false when the queue is full.
    func offer(_ event: APIEvent) -> Bool {
        let (accepted, signal) = state.withLock { s -> (Bool, Bool) in
            guard s.count < capacity, !s.closed else {
                full.store(true, ordering: .relaxed)
                return (false, false)
            }
            s.events.append(event)
            s.acceptedTotal += 1
            if s.count >= batchSize, !s.signalled {
                s.signalled = true
                return (true, true)
            }
            return (true, false)
        }
        if signal { wakeUp() }
        return accepted
    }

    /// Removes and returns every waiting event, oldest first.
    ///
    /// The lock is held only to swap the storage out, never to copy events, so that request
    /// handlers calling ``offer(_:)`` do not wait behind the sender however long the backlog.
    func takeAll() -> [APIEvent] {
        var storage: [APIEvent] = []
        storage.reserveCapacity(batchSize)
        state.withLock { s in
            swap(&s.events, &storage)
            s.signalled = false
            if !s.closed { full.store(false, ordering: .relaxed) }
        }
        return storage
    }

    /// Refuses every later offer (the sender has stopped) and returns how many events were still
    /// waiting, which nobody will send.
    func close() -> Int {
        state.withLock { s in
            s.closed = true
            full.store(true, ordering: .relaxed)
            defer { s.events = [] }
            return s.events.count
        }
    }

    /// True when the last offer was refused and the sender has not taken the queue since (a
    /// hint, read without the lock: an offer still decides under it).
    var isFull: Bool { full.load(ordering: .relaxed) }

    var count: Int { state.withLock { $0.count } }

    /// Events accepted since start: the first `accepted` events in queue order are exactly the
    /// ones offered before this was read.
    var accepted: Int { state.withLock { $0.acceptedTotal } }

    /// Wakes the sender (e.g. for shutdown).
    func poke() { wakeUp() }

    private func wakeUp() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let w = s.waiter else {
                s.pendingWakeUp = true
                return nil
            }
            s.waiter = nil
            return w.continuation
        }
        waiter?.resume()
    }

    /// Returns when woken (a batch is ready, or ``poke()``) or at `deadline`, whichever is first.
    /// - Parameter timerExecutor: where the deadline's timer task runs (the client's I/O thread,
    ///   not the app's concurrency pool).
    func wait(until deadline: ContinuousClock.Instant, timerExecutor: (any TaskExecutor)? = nil) async {
        let ticket = state.withLock { s -> UInt64? in
            if s.pendingWakeUp {
                s.pendingWakeUp = false
                return nil
            }
            s.ticket &+= 1
            return s.ticket
        }
        guard let ticket else { return }
        let timer = Task(executorPreference: timerExecutor) {
            try? await Task.sleep(until: deadline, clock: .continuous)
            self.expire(ticket)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.pendingWakeUp || s.expiredTicket == ticket {
                    s.pendingWakeUp = false
                    return true
                }
                s.waiter = (ticket, continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer.cancel()
    }

    private func expire(_ ticket: UInt64) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let w = s.waiter, w.ticket == ticket else {
                s.expiredTicket = ticket
                return nil
            }
            s.waiter = nil
            return w.continuation
        }
        waiter?.resume()
    }
}
