import Metrics
import NIOCore
import Synchronization

/// What happened to the events the app handed to the client, readable at any time.
///
/// Invariants (once the client has stopped and the spool is empty):
/// `enqueued = acknowledged + rejected + dropped(after enqueue)`; at any moment every enqueued
/// event is in exactly one place: the memory queue, in flight, the spool, acknowledged,
/// rejected or dropped. `sent` and `retried` count transmissions, so they grow with retries.
public final class SightlineCounters: Sendable {
    /// A consistent-enough copy of the counters (each read atomically).
    public struct Snapshot: Sendable, Equatable, CustomStringConvertible {
        /// Events accepted into the memory queue.
        public var enqueued: Int
        /// Events transmitted (each attempt counts).
        public var sent: Int
        /// Events the server acknowledged (durable there).
        public var acknowledged: Int
        /// Events the server refused as invalid (never retried).
        public var rejected: Int
        /// Event transmissions that were retries of a failed attempt.
        public var retried: Int
        /// Events written to the disk spool.
        public var spooled: Int
        /// Events read back from the spool and acknowledged.
        public var unspooled: Int
        /// Events lost: memory queue full, spool full or unavailable at shutdown.
        public var dropped: Int
        /// Times the client switched endpoints (fail-over or back to the primary).
        public var failovers: Int
        /// Events waiting in memory now.
        public var queued: Int
        /// Events waiting in the spool now.
        public var spoolPending: Int

        public var description: String {
            "enqueued=\(enqueued) sent=\(sent) acknowledged=\(acknowledged) rejected=\(rejected) retried=\(retried) spooled=\(spooled) unspooled=\(unspooled) dropped=\(dropped) failovers=\(failovers) queued=\(queued) spoolPending=\(spoolPending)"
        }
    }

    enum Kind: Int, CaseIterable {
        case enqueued, sent, acknowledged, rejected, retried, spooled, unspooled, dropped, failovers

        var metricName: String {
            switch self {
            case .failovers: return "sightline_sdk_failovers_total"
            default: return "sightline_sdk_events_\(self)_total"
            }
        }
    }

    private let enqueued = Atomic<Int>(0)
    private let sent = Atomic<Int>(0)
    private let acknowledged = Atomic<Int>(0)
    private let rejected = Atomic<Int>(0)
    private let retried = Atomic<Int>(0)
    private let spooled = Atomic<Int>(0)
    private let unspooled = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let failovers = Atomic<Int>(0)
    private let metrics: [Counter]?
    let gauges: @Sendable () -> (queued: Int, spoolPending: Int)

    init(exportMetrics: Bool, factory: (any MetricsFactory)? = nil, gauges: @escaping @Sendable () -> (queued: Int, spoolPending: Int)) {
        self.metrics = exportMetrics
            ? Kind.allCases.map { kind in factory.map { Counter(label: kind.metricName, factory: $0) } ?? Counter(label: kind.metricName) }
            : nil
        self.gauges = gauges
    }

    private func withAtomic<R>(_ kind: Kind, _ body: (borrowing Atomic<Int>) -> R) -> R {
        switch kind {
        case .enqueued: return body(enqueued)
        case .sent: return body(sent)
        case .acknowledged: return body(acknowledged)
        case .rejected: return body(rejected)
        case .retried: return body(retried)
        case .spooled: return body(spooled)
        case .unspooled: return body(unspooled)
        case .dropped: return body(dropped)
        case .failovers: return body(failovers)
        }
    }

    /// Counts `n` events of `kind`.
    /// - Parameter exportLoop: where to report the count to the metrics backend, when exported
    ///   (the client's sender passes its I/O thread: a backend may take a lock the app's threads
    ///   share); `nil` reports it at once, on the calling thread.
    func add(_ kind: Kind, _ n: Int = 1, exportOn exportLoop: (any EventLoop)? = nil) {
        guard n != 0 else { return }
        withAtomic(kind) { _ = $0.wrappingAdd(n, ordering: .relaxed) }
        guard let metrics else { return }
        let counter = metrics[kind.rawValue]
        if let exportLoop {
            exportLoop.execute { counter.increment(by: Int64(n)) }
        } else {
            counter.increment(by: Int64(n))
        }
    }

    func value(_ kind: Kind) -> Int { withAtomic(kind) { $0.load(ordering: .relaxed) } }

    /// The current values.
    public func snapshot() -> Snapshot {
        let g = gauges()
        return Snapshot(
            enqueued: value(.enqueued), sent: value(.sent), acknowledged: value(.acknowledged),
            rejected: value(.rejected), retried: value(.retried), spooled: value(.spooled),
            unspooled: value(.unspooled), dropped: value(.dropped), failovers: value(.failovers),
            queued: g.queued, spoolPending: g.spoolPending
        )
    }
}
