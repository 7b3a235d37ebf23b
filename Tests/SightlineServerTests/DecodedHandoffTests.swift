import SightlineCore
@testable import SightlineIngest
import Testing

@Suite("Decoded-event handoff from the ingestor to the store applier")
struct DecodedHandoffTests {
    static func events(_ count: Int, tag: String) -> [Event] {
        (0..<count).map { Event(id: "\(tag)\($0)", timestampMicros: Int64($0), service: "s", method: "GET", path: "/\(tag)/\($0)", status: 200) }
    }

    @Test("take gives the kept events by seq, across entries, and drops what it passed")
    func takeAcrossEntries() {
        let handoff = DecodedHandoff(capacity: 100)
        handoff.put(first: 11, events: Self.events(5, tag: "b"))   // 11...15, put out of order
        handoff.put(first: 1, events: Self.events(10, tag: "a"))   // 1...10
        let first = handoff.take(8...12)
        #expect(first.map { $0?.id } == ["a7", "a8", "a9", "b0", "b1"])
        #expect(handoff.keptEvents == 5)                           // "a" dropped, "b" still needed
        #expect(handoff.take(13...20).map { $0?.id } == ["b2", "b3", "b4", nil, nil, nil, nil, nil])
        #expect(handoff.keptEvents == 0)
    }

    @Test("bounded: when full, new appends are not kept; a missing seq is nil (decoded from the log instead)")
    func bounded() {
        let handoff = DecodedHandoff(capacity: 10)
        handoff.put(first: 1, events: Self.events(6, tag: "a"))
        handoff.put(first: 7, events: Self.events(6, tag: "b"))
        #expect(handoff.keptEvents == 6)
        #expect(handoff.take(1...7).map { $0?.id } == ["a0", "a1", "a2", "a3", "a4", "a5", nil])
        handoff.put(first: 13, events: Self.events(6, tag: "c"))  // room again
        #expect(handoff.take(13...13).map { $0?.id } == ["c0"])
        handoff.put(first: 100, events: Self.events(11, tag: "big"))  // larger than the whole handoff: not kept
        #expect(handoff.take(100...100) == [nil])
        let off = DecodedHandoff(capacity: 0)
        off.put(first: 1, events: Self.events(1, tag: "x"))
        #expect(off.keptEvents == 0)
    }
}
