import Atomics
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bounded in-memory queue between the request path and the sender: a ring of `capacity`
/// slots that request threads fill without a lock and the sender alone empties.
///
/// Invariants:
/// - ``offer(_:)`` takes no lock and never waits: it claims the next position with a
///   compare-and-swap, moves the event into that position's slot and publishes it (a release
///   store of the slot's sequence number). When the slot still holds the event of the previous
///   lap (`capacity` events are waiting), or the queue is closed, the event is refused and the
///   caller counts it as dropped.
/// - Request threads never wait for the sender and never wake it: the sender looks at the queue
///   on its own schedule (``wait(until:clock:timerLoop:)`` ends at its deadline; ``poke()``, for
///   flush and shutdown, ends it early). So a sender that the kernel may preempt at any instant
///   (`SCHED_IDLE`) can never hold up a request here.
/// - Events leave in position order, which is the order their offers claimed positions; a
///   position claimed but not yet published stops ``take(max:into:)`` there until it is, so no
///   event overtakes another.
/// - ``accepted`` counts claimed positions: the first `accepted` events in queue order are
///   exactly the ones offered (and accepted) before it was read.
/// - Once closed (the sender stopped), offers are refused, and ``close()`` releases and counts
///   what was still waiting, so no accepted event is left behind uncounted.
/// - Only one sender calls ``take(max:into:)`` and ``close()`` (never both at once).
final class EventQueue: @unchecked Sendable {
    let capacity: Int
    /// Slot `i`'s sequence number: `p` when it is free for the offer that claims position `p`
    /// (`p % capacity == i`), `p + 1` once that offer has published its event there.
    private let sequences: UnsafeMutablePointer<UnsafeAtomic<Int>.Storage>
    /// The events; a slot is initialised exactly while its sequence number is `position + 1`.
    private let slots: UnsafeMutablePointer<APIEvent>
    /// Positions claimed by offers so far; ``closedFlag`` is set in it by ``close()``, so that no
    /// offer can claim a position after that (its compare-and-swap fails).
    private let tail = ManagedAtomic<Int>(0)
    /// The next position the sender takes (written by the sender only).
    private let head = ManagedAtomic<Int>(0)
    private static let closedFlag = 1 << 62

    /// The sender's wait; request threads never touch it.
    private struct WaitState {
        /// A poke nobody was waiting for yet.
        var pendingWakeUp = false
        var ticket: UInt64 = 0
        var expiredTicket: UInt64 = 0
        var waiter: (ticket: UInt64, continuation: CheckedContinuation<Bool, Never>)?
    }
    private let waitState = Mutex(WaitState())

    init(capacity: Int) {
        precondition(capacity > 0 && capacity < Self.closedFlag / 4, "queue capacity out of range")
        self.capacity = capacity
        sequences = .allocate(capacity: capacity)
        for i in 0..<capacity { (sequences + i).initialize(to: UnsafeAtomic<Int>.Storage(i)) }
        slots = .allocate(capacity: capacity)
    }

    deinit {
        // No offer runs any more (an offer holds a reference): release what was published.
        var position = head.load(ordering: .relaxed)
        let end = tail.load(ordering: .relaxed) & ~Self.closedFlag
        while position < end {
            let index = position % capacity
            if sequence(index).load(ordering: .acquiring) == position + 1 {
                (slots + index).deinitialize(count: 1)
            }
            position += 1
        }
        sequences.deinitialize(count: capacity)
        sequences.deallocate()
        slots.deallocate()
    }

    private func sequence(_ index: Int) -> UnsafeAtomic<Int> {
        UnsafeAtomic(at: sequences + index)
    }

    /// Appends `event`; false when the queue is full or closed. Lock-free: see the invariants.
    func offer(_ event: APIEvent) -> Bool {
        guard let position = claim() else { return false }
        publish(event, at: position)
        return true
    }

    /// Claims the next position for an offer; nil when the queue is full or closed. (Apart from
    /// ``publish(_:at:)`` so that tests can hold a claimed position unpublished.)
    func claim() -> Int? {
        var position = tail.load(ordering: .relaxed)
        while true {
            if position & Self.closedFlag != 0 { break }
            let index = position % capacity
            let published = sequence(index).load(ordering: .acquiring)
            if published == position {
                let (claimed, current) = tail.weakCompareExchange(expected: position, desired: position + 1, ordering: .relaxed)
                if claimed { return position }
                position = current
            } else if published < position {
                // The slot still holds (or is being handed) the event `capacity` positions back.
                break
            } else {
                // Another offer claimed this position first.
                position = tail.load(ordering: .relaxed)
            }
        }
        return nil
    }

    /// Writes `event` into the slot of `position` (which ``claim()`` returned) and publishes it.
    func publish(_ event: APIEvent, at position: Int) {
        let index = position % capacity
        (slots + index).initialize(to: event)
        sequence(index).store(position + 1, ordering: .releasing)
    }

    /// Moves up to `max` waiting events, oldest first, to the end of `out`; returns how many.
    /// Takes only events offered before the call (however fast offers keep coming). Called by the
    /// sender only.
    @discardableResult
    func take(max: Int, into out: inout [APIEvent]) -> Int {
        var position = head.load(ordering: .relaxed)
        let start = position
        let end = tail.load(ordering: .acquiring) & ~Self.closedFlag
        while position < end, position - start < max {
            let index = position % capacity
            // Not yet published (or nothing there): stop, so that no event overtakes it.
            guard sequence(index).load(ordering: .acquiring) == position + 1 else { break }
            out.append((slots + index).move())
            sequence(index).store(position + capacity, ordering: .releasing)
            position += 1
        }
        head.store(position, ordering: .releasing)
        return position - start
    }

    /// Every published event, oldest first (the sender's ``take(max:into:)`` without a limit).
    func takeAll() -> [APIEvent] {
        var out: [APIEvent] = []
        take(max: Int.max, into: &out)
        return out
    }

    /// Refuses every later offer (the sender has stopped), releases the events still waiting,
    /// which nobody will send, and returns how many there were.
    func close() -> Int {
        let end = tail.loadThenBitwiseOr(with: Self.closedFlag, ordering: .acquiringAndReleasing) & ~Self.closedFlag
        var position = head.load(ordering: .relaxed)
        let start = position
        while position < end {
            let index = position % capacity
            // An offer that claimed this position before the close is about to publish.
            while sequence(index).load(ordering: .acquiring) != position + 1 { sched_yield() }
            (slots + index).deinitialize(count: 1)
            sequence(index).store(position + capacity, ordering: .releasing)
            position += 1
        }
        head.store(position, ordering: .releasing)
        return position - start
    }

    /// True while the queue holds `capacity` events (counting positions claimed by offers still
    /// writing), or is closed: an offer now would be refused. Computed on every call (two atomic
    /// loads), so it can never be left stale (a hint all the same: an offer decides for itself).
    var isFull: Bool {
        let position = tail.load(ordering: .relaxed)
        // The test an offer makes: the slot of the next position still holds an event of the
        // previous lap (not yet taken, or being handed over).
        return position & Self.closedFlag != 0 || sequence(position % capacity).load(ordering: .relaxed) < position
    }

    /// Events waiting (claimed positions not yet taken).
    var count: Int {
        let taken = head.load(ordering: .acquiring)
        return max(0, (tail.load(ordering: .relaxed) & ~Self.closedFlag) - taken)
    }

    /// Events accepted since start: the first `accepted` events in queue order are exactly the
    /// ones offered before this was read.
    var accepted: Int { tail.load(ordering: .acquiring) & ~Self.closedFlag }

    /// Ends the sender's current (or next) wait at once: for flush and shutdown.
    func poke() {
        let waiter = waitState.withLock { s -> CheckedContinuation<Bool, Never>? in
            guard let w = s.waiter else {
                s.pendingWakeUp = true
                return nil
            }
            s.waiter = nil
            return w.continuation
        }
        waiter?.resume(returning: true)
    }

    /// Returns true when poked, false at `deadline` (on `clock`), whichever is first. Offers
    /// never end a wait: the sender chooses deadlines short enough to notice a filling queue.
    /// - Parameter timerLoop: the event loop whose timer ends the wait (the sender's own thread,
    ///   so that no other thread wakes up for it).
    func wait(until deadline: ContinuousClock.Instant, clock: any SenderClock, timerLoop: any EventLoop) async -> Bool {
        let ticket = waitState.withLock { s -> UInt64? in
            if s.pendingWakeUp {
                s.pendingWakeUp = false
                return nil
            }
            s.ticket &+= 1
            return s.ticket
        }
        guard let ticket else { return true }
        let cancelTimer = clock.schedule(at: deadline, on: timerLoop) { self.expire(ticket) }
        let poked = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let resumeWith = waitState.withLock { s -> Bool? in
                if s.pendingWakeUp {
                    s.pendingWakeUp = false
                    return true
                }
                if s.expiredTicket == ticket { return false }
                s.waiter = (ticket, continuation)
                return nil
            }
            if let resumeWith { continuation.resume(returning: resumeWith) }
        }
        cancelTimer()
        return poked
    }

    private func expire(_ ticket: UInt64) {
        let waiter = waitState.withLock { s -> CheckedContinuation<Bool, Never>? in
            guard let w = s.waiter, w.ticket == ticket else {
                // Never backwards: a late timer of an earlier wait must not hide a later one's.
                s.expiredTicket = max(s.expiredTicket, ticket)
                return nil
            }
            s.waiter = nil
            return w.continuation
        }
        waiter?.resume(returning: false)
    }
}
