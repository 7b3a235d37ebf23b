import SightlineCore
@testable import SightlineIngest
import Testing

@Suite("Decoded-event handoff from the ingestor to the store applier")
struct DecodedHandoffTests {
    static func events(_ count: Int, tag: String) -> [Event] {
        (0..<count).map { Event(id: "\(tag)\($0)", timestampMicros: Int64($0), service: "s", method: "GET", path: "/\(tag)/\($0)", status: 200) }
    }

    /// The events of seqs `range` as the applier looks them up.
    static func lookUp(_ handoff: DecodedHandoff, _ range: ClosedRange<UInt64>) -> [Event?] {
        var lookup = handoff.take(range)
        return range.map { lookup.event(seq: $0) }
    }

    @Test("take gives the kept events by seq, across entries, and drops what it passed")
    func takeAcrossEntries() {
        let handoff = DecodedHandoff(capacity: 100)
        handoff.put(first: 11, events: Self.events(5, tag: "b"), receivedAtMicros: 77)   // 11...15, put out of order
        handoff.put(first: 1, events: Self.events(10, tag: "a"), receivedAtMicros: 77)   // 1...10
        let first = Self.lookUp(handoff, 8...12)
        #expect(first.map { $0?.id } == ["a7", "a8", "a9", "b0", "b1"])
        // As the record reads back: the receive time stamped at ingest, the level made explicit.
        #expect(first.allSatisfy { $0?.receivedAtMicros == 77 && $0?.level == .info })
        #expect(handoff.keptEvents == 5)                           // "a" dropped, "b" still needed
        #expect(Self.lookUp(handoff, 13...20).map { $0?.id } == ["b2", "b3", "b4", nil, nil, nil, nil, nil])
        #expect(handoff.keptEvents == 0)
    }

    @Test("lookups may skip seqs (records that are spans, log records or not kept) and cross entries")
    func lookupSkippingSeqs() {
        let handoff = DecodedHandoff(capacity: 100)
        handoff.put(first: 1, events: Self.events(3, tag: "a"), receivedAtMicros: 5)    // 1...3, then 4...6 spans
        handoff.put(first: 7, events: Self.events(2, tag: "b"), receivedAtMicros: 9)    // 7...8
        var lookup = handoff.take(1...20)
        #expect(lookup.event(seq: 2)?.id == "a1")
        #expect(lookup.event(seq: 4) == nil)              // a span after the events of "a"
        #expect(lookup.event(seq: 8)?.id == "b1")
        #expect(lookup.event(seq: 8)?.receivedAtMicros == 9)
        #expect(lookup.event(seq: 12) == nil)
        #expect(handoff.keptEvents == 0)
    }

    @Test("bounded: when full, new appends are not kept; a missing seq is nil (decoded from the log instead)")
    func bounded() {
        let handoff = DecodedHandoff(capacity: 10)
        handoff.put(first: 1, events: Self.events(6, tag: "a"), receivedAtMicros: 77)
        handoff.put(first: 7, events: Self.events(6, tag: "b"), receivedAtMicros: 77)
        #expect(handoff.keptEvents == 6)
        #expect(Self.lookUp(handoff, 1...7).map { $0?.id } == ["a0", "a1", "a2", "a3", "a4", "a5", nil])
        handoff.put(first: 13, events: Self.events(6, tag: "c"), receivedAtMicros: 77)  // room again
        #expect(Self.lookUp(handoff, 13...13).map { $0?.id } == ["c0"])
        handoff.put(first: 100, events: Self.events(11, tag: "big"), receivedAtMicros: 77)  // larger than the whole handoff: not kept
        #expect(Self.lookUp(handoff, 100...100) == [nil])
        let off = DecodedHandoff(capacity: 0)
        off.put(first: 1, events: Self.events(1, tag: "x"), receivedAtMicros: 77)
        #expect(off.keptEvents == 0)
    }
}
