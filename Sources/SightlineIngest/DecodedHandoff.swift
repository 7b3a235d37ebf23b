import SightlineCore
import Synchronization

/// Events the ingestor has just appended to the write-ahead log, kept in memory so that the store
/// applier, which reads the same records back, need not decode them again.
///
/// Invariants:
/// - An entry holds the events of one log append as the caller gave them (with the ids the
///   ingestor assigned), the receive time written into their records, and the seq of its first
///   record; events are a prefix of the append (spans and log records that follow them are not
///   kept). ``Entry/event(seq:)`` gives an event as its record reads back (receive time set,
///   canonical form).
/// - Bounded: at most `capacity` events; when full, a new append is not kept (the applier reads
///   the oldest first, so the kept entries are the ones it needs next; dropping the oldest instead
///   would throw away every entry before use whenever the applier lags by more than `capacity`).
///   A record without an entry (not kept, or written before a restart) is decoded from the log
///   as before, so the handoff changes speed, never what is stored.
/// - Entries at or below the seq the applier has asked for are dropped when it asks.
public final class DecodedHandoff: Sendable {
    /// The events of one append, as the caller gave them, with what the ingestor stamped on them.
    struct Entry: Sendable {
        /// Seq of the first event's record.
        let first: UInt64
        /// The events, sharing the caller's storage (not copied).
        let events: [Event]
        /// The receive time written into every event's record.
        let receivedAtMicros: Int64
        var last: UInt64 { first + UInt64(events.count) - 1 }

        /// The event of record `seq` (which this entry must cover) as reading its record back
        /// gives it: receive time set, canonical form.
        func event(seq: UInt64) -> Event {
            var event = EventEncoder.canonical(events[Int(seq - first)])
            event.receivedAtMicros = receivedAtMicros
            return event
        }
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

    /// Keeps the events of an append whose first record got seq `first`; every event has its
    /// id, and `receivedAtMicros` is the receive time written into their records.
    func put(first: UInt64, events: [Event], receivedAtMicros: Int64) {
        guard !events.isEmpty, events.count <= capacity else { return }
        state.withLock { state in
            guard state.count + events.count <= capacity else { return }
            state.entries.append(Entry(first: first, events: events, receivedAtMicros: receivedAtMicros))
            state.count += events.count
        }
    }

    /// The kept entries that overlap the seqs `range`, in seq order; drops every entry that ends
    /// within or before the range. Events are not copied out: look them up with ``Lookup``.
    func take(_ range: ClosedRange<UInt64>) -> Lookup {
        var found: [Entry] = []
        state.withLock { state in
            var keep: [Entry] = []
            for entry in state.entries {
                if entry.last >= range.lowerBound && entry.first <= range.upperBound {
                    found.append(entry)
                }
                if entry.last > range.upperBound {
                    keep.append(entry)
                } else {
                    state.count -= entry.events.count
                }
            }
            state.entries = keep
        }
        found.sort { $0.first < $1.first }
        return Lookup(entries: found)
    }

    /// Finds the entry holding a seq, for seqs asked in increasing order.
    struct Lookup {
        let entries: [Entry]
        private var index = 0

        init(entries: [Entry]) {
            self.entries = entries
        }

        /// The entry holding `seq`, or nil; seqs must not decrease between calls.
        mutating func entry(for seq: UInt64) -> Entry? {
            while index < entries.count, entries[index].last < seq { index += 1 }
            guard index < entries.count, entries[index].first <= seq else { return nil }
            return entries[index]
        }

        /// The event of record `seq` as its record reads back, or nil when none is kept.
        mutating func event(seq: UInt64) -> Event? {
            entry(for: seq)?.event(seq: seq)
        }
    }

    /// Events kept now (for tests and metrics).
    public var keptEvents: Int { state.withLock { $0.count } }
}
