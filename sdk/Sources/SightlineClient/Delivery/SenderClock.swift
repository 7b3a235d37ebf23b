import NIOCore

/// The sender's time: when a batch is due, how long a retry waits, when the primary is probed
/// again, when a shutdown gives up. The real clock in an app; tests inject a manual one
/// (`ManualClock`), so that they move time on instead of sleeping for it.
///
/// Invariants:
/// - Every deadline the sender computes and every wait it makes go through one clock, so a
///   clock that stands still stops the sender's timers and nothing else.
/// - A timer whose deadline has passed fires at once; a cancelled one never fires.
/// - Instants are `ContinuousClock` instants (a manual clock starts at the real now and moves
///   only when told), so durations between them are plain `Duration`s.
protocol SenderClock: Sendable {
    var now: ContinuousClock.Instant { get }
    /// Suspends until `deadline`; throws `CancellationError` when the task is cancelled first.
    func sleep(until deadline: ContinuousClock.Instant) async throws
    /// Runs `action` once at `deadline`, on `loop` (the real clock uses that loop's timer, so
    /// that no other thread wakes up for it). Returns what cancels it.
    func schedule(
        at deadline: ContinuousClock.Instant, on loop: any EventLoop,
        _ action: @escaping @Sendable () -> Void
    ) -> @Sendable () -> Void
}

/// The machine's monotonic clock.
struct RealSenderClock: SenderClock {
    var now: ContinuousClock.Instant { .now }

    func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await Task.sleep(until: deadline, clock: .continuous)
    }

    func schedule(
        at deadline: ContinuousClock.Instant, on loop: any EventLoop,
        _ action: @escaping @Sendable () -> Void
    ) -> @Sendable () -> Void {
        let timer = loop.scheduleTask(in: TimeAmount(max(.zero, deadline - ContinuousClock.now))) { action() }
        return { timer.cancel() }
    }
}
