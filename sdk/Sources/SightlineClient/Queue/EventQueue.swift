import Synchronization

/// The bounded in-memory queue between the request path and the sender.
///
/// Invariants:
/// - ``offer(_:)`` never waits: it takes a lock for an append and returns; when the queue holds
///   `capacity` events the new one is refused (the caller counts it as dropped).
/// - Events leave in the order they came in.
/// - The sender is woken once when the queue reaches a batch's worth, not on every event.
final class EventQueue: Sendable {
    private struct State {
        var events: [APIEvent] = []
        var head = 0
        var signalled = false
        var count: Int { events.count - head }
    }

    let capacity: Int
    let batchSize: Int
    private let state = Mutex(State())
    private let wakeUp: AsyncStream<Void>.Continuation
    let wakeUps: AsyncStream<Void>

    init(capacity: Int, batchSize: Int) {
        self.capacity = capacity
        self.batchSize = batchSize
        (wakeUps, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Appends `event`; false when the queue is full.
    func offer(_ event: APIEvent) -> Bool {
        let (accepted, signal) = state.withLock { s -> (Bool, Bool) in
            guard s.count < capacity else { return (false, false) }
            s.events.append(event)
            if s.count >= batchSize, !s.signalled {
                s.signalled = true
                return (true, true)
            }
            return (true, false)
        }
        if signal { wakeUp.yield() }
        return accepted
    }

    /// Removes and returns up to `max` events, oldest first.
    func take(max: Int) -> [APIEvent] {
        state.withLock { s in
            let n = min(max, s.count)
            guard n > 0 else { return [] }
            let batch = Array(s.events[s.head..<(s.head + n)])
            s.head += n
            if s.head == s.events.count {
                s.events.removeAll(keepingCapacity: true)
                s.head = 0
            } else if s.head > 4096, s.head * 2 > s.events.count {
                s.events.removeFirst(s.head)
                s.head = 0
            }
            s.signalled = false
            return batch
        }
    }

    var count: Int { state.withLock { $0.count } }

    /// Wakes the sender (e.g. for shutdown).
    func poke() { wakeUp.yield() }

    func finish() { wakeUp.finish() }
}
