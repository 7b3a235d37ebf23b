import SightlineCore
import Synchronization

/// Events the ingestor has just appended to the write-ahead log, kept in memory so that the store
/// applier, which reads the same records back, need not decode them again.
///
/// Invariants:
/// - An entry holds the events of one log append exactly as they were encoded (ids and receive
///   time set), keyed by the seq of its first record; events are a prefix of the append (spans
///   and log records that follow them are not kept).
/// - Bounded: at most `capacity` events; when full, a new append is not kept (the applier reads
///   the oldest first, so the kept entries are the ones it needs next; dropping the oldest instead
///   would throw away every entry before use whenever the applier lags by more than `capacity`).
///   A record without an entry (not kept, or written before a restart) is decoded from the log
///   as before, so the handoff changes speed, never what is stored.
/// - Entries at or below the seq the applier has asked for are dropped when it asks.
public final class DecodedHandoff: Sendable {
    private struct Entry {
        let first: UInt64
        let events: [Event]
        var last: UInt64 { first + UInt64(events.count) - 1 }
    }

    private struct State {
        var entries: [Entry] = []
        var count = 0
    }

    public let capacity: Int
    private let state = Mutex(State())

    /// - Parameter capacity: events kept at most (0 turns the handoff off).
    public init(capacity: Int = 40_000) {
        self.capacity = capacity
    }

    /// Keeps the events of an append whose first record got seq `first`.
    func put(first: UInt64, events: [Event]) {
        guard !events.isEmpty, events.count <= capacity else { return }
        state.withLock { state in
            guard state.count + events.count <= capacity else { return }
            state.entries.append(Entry(first: first, events: events))
            state.count += events.count
        }
    }

    /// The kept events for the seqs `range`, by offset in the range (`nil` where none is kept);
    /// drops every entry that ends within or before the range.
    func take(_ range: ClosedRange<UInt64>) -> [Event?] {
        var result = [Event?](repeating: nil, count: Int(range.upperBound - range.lowerBound + 1))
        state.withLock { state in
            var keep: [Entry] = []
            for entry in state.entries {
                if entry.last >= range.lowerBound && entry.first <= range.upperBound {
                    let from = max(entry.first, range.lowerBound)
                    let to = min(entry.last, range.upperBound)
                    for seq in from...to {
                        result[Int(seq - range.lowerBound)] = entry.events[Int(seq - entry.first)]
                    }
                }
                if entry.last > range.upperBound {
                    keep.append(entry)
                } else {
                    state.count -= entry.events.count
                }
            }
            state.entries = keep
        }
        return result
    }

    /// Events kept now (for tests and metrics).
    public var keptEvents: Int { state.withLock { $0.count } }
}
