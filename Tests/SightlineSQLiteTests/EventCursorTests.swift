import SightlineStorage
import Testing

@Suite("EventCursor tokens")
struct EventCursorTests {
    static let cursors = [
        EventCursor(timestampMicros: 0, seq: 0),
        EventCursor(timestampMicros: 1_767_225_600_123_456, seq: 42),
        EventCursor(timestampMicros: -1, seq: UInt64.max),
        EventCursor(timestampMicros: Int64.min, seq: 1),
        EventCursor(timestampMicros: Int64.max, seq: UInt64(Int64.max)),
    ]

    @Test("a token round-trips and is URL-safe", arguments: cursors)
    func roundTrip(_ cursor: EventCursor) {
        let token = cursor.token
        #expect(EventCursor(token: token) == cursor)
        #expect(token.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        })
    }

    @Test("distinct cursors have distinct tokens")
    func distinct() {
        #expect(Set(Self.cursors.map(\.token)).count == Self.cursors.count)
    }

    @Test("malformed tokens are rejected", arguments: [
        "", "A", "AQ", "not a token", "AQAAAAAAAAAAAAAAAAAAAAA=", "AQAAAAAAAAAAAAAAAAAAAAA.", "AQAAAAAAAAAAAAAAAAAAAA",
        "AQAAAAAAAAAAAAAAAAAAAAAA", "AgAAAAAAAAAAAAAAAAAAAAA", "AQAAAAAAAAAAAAAAAAAAAAB", "🚀", "AQAAAAAAAAAAAAAAAAAAAA+",
    ])
    func malformed(_ token: String) {
        #expect(EventCursor(token: token) == nil)
    }

    @Test("a valid token still parses after the malformed checks")
    func validLayout() {
        #expect(EventCursor(token: "AQAAAAAAAAAAAAAAAAAAAAA") == EventCursor(timestampMicros: 0, seq: 0))
    }
}
