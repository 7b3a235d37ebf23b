import NIOCore
import Synchronization
import Testing
@testable import SightlineClient

/// A clock that moves only when a test moves it: the sender's flush intervals, polls, backoffs,
/// probes and shutdown deadline then pass in no time, and a test can check when something
/// happened (and that it did not happen earlier) instead of sleeping and hoping.
///
/// Invariants:
/// - `now` starts at the real now and changes only in ``advance(to:)``.
/// - A timer fires exactly once, in ``advance(to:)`` (or at once when scheduled in the past),
///   unless cancelled first; a pending timer means the sender is waiting on the clock (it has no
///   other timers), so moving time then cannot race a deadline it is about to compute. One
///   exception: a wait that a poke ended (`flush`, shutdown) keeps its timer for the instant
///   before the sender cancels it, so a test that checks exact times must not poke meanwhile.
final class ManualClock: SenderClock {
    private struct Timer {
        let id: UInt64
        let deadline: ContinuousClock.Instant
        let action: @Sendable () -> Void
    }

    private struct State {
        var now: ContinuousClock.Instant
        var timers: [Timer] = []
        var lastID: UInt64 = 0
    }

    private let state = Mutex(State(now: .now))

    var now: ContinuousClock.Instant { state.withLock { $0.now } }

    /// The earliest deadline of a pending timer.
    var nextDeadline: ContinuousClock.Instant? { state.withLock { $0.timers.map(\.deadline).min() } }

    /// The loop is not used: the timer fires in ``advance(to:)``.
    func schedule(
        at deadline: ContinuousClock.Instant, on loop: any EventLoop,
        _ action: @escaping @Sendable () -> Void
    ) -> @Sendable () -> Void {
        timer(at: deadline, action)
    }

    /// Registers `action` for `deadline` (runs it at once when that has passed); returns what
    /// cancels it.
    private func timer(at deadline: ContinuousClock.Instant, _ action: @escaping @Sendable () -> Void) -> @Sendable () -> Void {
        let id = state.withLock { s -> UInt64? in
            guard deadline > s.now else { return nil }
            s.lastID += 1
            s.timers.append(Timer(id: s.lastID, deadline: deadline, action: action))
            return s.lastID
        }
        guard let id else {
            action()
            return {}
        }
        return { self.cancel(id) }
    }

    private func cancel(_ id: UInt64) {
        state.withLock { $0.timers.removeAll { $0.id == id } }
    }

    func sleep(until deadline: ContinuousClock.Instant) async throws {
        let sleeper = Sleeper()
        let cancelTimer = Mutex<(@Sendable () -> Void)?>(nil)
        // Cancelled or not, the timer goes (a cancelled sleep throws past the line after it).
        defer { cancelTimer.withLock { $0 }?() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard sleeper.wait(continuation) else { return }
                let cancel = timer(at: deadline) { sleeper.end(.success(())) }
                cancelTimer.withLock { $0 = cancel }
            }
        } onCancel: {
            sleeper.end(.failure(CancellationError()))
        }
    }

    /// Moves time to `instant` (never backwards) and fires every timer due by then, earliest
    /// first.
    func advance(to instant: ContinuousClock.Instant) {
        let due = state.withLock { s -> [Timer] in
            s.now = max(s.now, instant)
            let now = s.now
            let due = s.timers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            s.timers.removeAll { $0.deadline <= now }
            return due
        }
        for timer in due { timer.action() }
    }

    func advance(by duration: Duration) { advance(to: now.advanced(by: duration)) }

    /// Moves time on, from one of the sender's deadlines to the next, until `condition` holds.
    /// Each step waits (real time, for an outcome) until the sender waits on the clock, then
    /// looks at the condition, then moves to the next deadline. Fails the test when the
    /// condition does not hold within `limit` of clock time, or the sender does not come to wait
    /// on the clock within 60 s of real time (longer than the tests' request timeout).
    func run(
        until what: String, within limit: Duration = .seconds(60),
        sourceLocation: SourceLocation = #_sourceLocation, _ condition: () -> Bool
    ) async {
        let end = now.advanced(by: limit)
        var realDeadline = ContinuousClock.now.advanced(by: Self.realTimeLimit)
        while true {
            // Read before the condition: the sender does what it does before it waits again.
            let next = nextDeadline
            if condition() { return }
            if let next {
                guard next <= end else {
                    Issue.record("not within \(limit) of clock time: \(what)", sourceLocation: sourceLocation)
                    return
                }
                advance(to: next)
                realDeadline = ContinuousClock.now.advanced(by: Self.realTimeLimit)
            } else {
                guard ContinuousClock.now < realDeadline else {
                    Issue.record("the sender did not wait on the clock for \(Self.realTimeLimit) of real time (busy, or stuck in I/O), and not yet: \(what)", sourceLocation: sourceLocation)
                    return
                }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
    }

    /// How long ``run(until:within:sourceLocation:_:)`` waits for the sender to wait on the clock.
    static let realTimeLimit: Duration = .seconds(60)

    /// Moves time on by `duration`, through every deadline on the way (each once the sender
    /// waits on the clock).
    func run(for duration: Duration, sourceLocation: SourceLocation = #_sourceLocation) async {
        let target = now.advanced(by: duration)
        await run(until: "\(duration) passed", within: duration + .nanoseconds(1), sourceLocation: sourceLocation) {
            if now >= target { return true }
            if let next = nextDeadline, next > target { advance(to: target) }
            return now >= target
        }
    }

    /// Runs `body` while moving time on whenever the sender waits on the clock (for shutdowns
    /// and waits whose timing the test does not check).
    func driving<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        let driver = Task {
            while !Task.isCancelled {
                if let next = nextDeadline { advance(to: next) }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
        // The driver has stopped moving time when this returns.
        do {
            let result = try await body()
            driver.cancel()
            await driver.value
            return result
        } catch {
            driver.cancel()
            await driver.value
            throw error
        }
    }
}

/// One sleep on a ``ManualClock``: ended once, by its timer or by cancellation, whichever is
/// first, whether or not the sleeping task has suspended yet.
private final class Sleeper: Sendable {
    private enum State {
        case starting
        case waiting(CheckedContinuation<Void, any Error>)
        case ended(Result<Void, any Error>)
    }

    private let state = Mutex(State.starting)

    /// Parks the continuation; false when the sleep already ended (it is resumed here then).
    func wait(_ continuation: CheckedContinuation<Void, any Error>) -> Bool {
        let ended = state.withLock { s -> Result<Void, any Error>? in
            if case .ended(let result) = s { return result }
            s = .waiting(continuation)
            return nil
        }
        if let ended {
            continuation.resume(with: ended)
            return false
        }
        return true
    }

    func end(_ result: Result<Void, any Error>) {
        let waiting = state.withLock { s -> CheckedContinuation<Void, any Error>? in
            switch s {
            case .starting:
                s = .ended(result)
                return nil
            case .waiting(let continuation):
                s = .ended(result)
                return continuation
            case .ended:
                return nil
            }
        }
        waiting?.resume(with: result)
    }
}
