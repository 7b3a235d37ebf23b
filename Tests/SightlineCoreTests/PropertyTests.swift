import Testing
@testable import SightlineCore

/// A small deterministic generator so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Property and fuzz tests of the decoder")
struct PropertyTests {
    static let corpus: [String] = [
        minimal,
        #"[{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"/a","status":200,"attributes":{"a":[1,{"b":null}]}},{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"POST","path":"/b","status":500,"error":{"type":"X"}}]"#,
        "\(minimal)\n\(minimal)\n",
    ]

    @Test("mutated batches never crash and every event is accounted for", arguments: 0..<4)
    func mutations(seed: Int) {
        var random = SplitMix(state: UInt64(seed) &* 7919)
        let interesting: [UInt8] = Array("{}[]\",:\\ \n0123456789.-eE+truefalsnul\u{7f}".utf8) + [0x00, 0xC3, 0xFF, 0xED, 0xA0, 0x80]
        for _ in 0..<2500 {
            var bytes = Array(Self.corpus[Int(random.next() % UInt64(Self.corpus.count))].utf8)
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let position = Int(random.next() % UInt64(bytes.count + 1))
                switch random.next() % 4 {
                case 0 where position < bytes.count: bytes[position] = interesting[Int(random.next() % UInt64(interesting.count))]
                case 1: bytes.insert(interesting[Int(random.next() % UInt64(interesting.count))], at: position)
                case 2 where position < bytes.count: bytes.remove(at: position)
                default: bytes = Array(bytes[..<position])
                }
            }
            do {
                let batch = try EventDecoder.decodeBatch(bytes, limits: EventLimits(), maxEvents: 100)
                #expect(batch.events.count + batch.rejected.count == batch.total)
                #expect(Set(batch.acceptedIndices).isDisjoint(with: batch.rejected.map(\.index)))
                // Everything accepted survives a canonical round trip.
                for event in batch.events {
                    let canonical = EventEncoder.encode(event)
                    let again = canonical.withUnsafeBytes { EventDecoder.decodeEvent($0) }
                    #expect((try? again.get()) != nil)
                }
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test("random bytes never crash the decoder")
    func randomBytes() {
        var random = SplitMix(state: 42)
        for _ in 0..<3000 {
            let count = Int(random.next() % 200)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = try? bytes.withUnsafeBytes { raw throws(BatchError) in try EventDecoder.decodeBatch(raw, limits: EventLimits(), maxEvents: 100) }
            _ = bytes.withUnsafeBytes { EventDecoder.decodeEvent($0) }
        }
    }

    @Test("deep nesting is refused, not a stack overflow")
    func deepNesting() {
        let deep = String(repeating: "[", count: 100_000)
        let text = #"{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"/","status":200,"attributes":{"a":\#(deep)}}"#
        #expect(throws: BatchError.self) { try decodeBatch("[\(text)]") }
        #expect((try? decode(text).get()) == nil)
    }

    @Test("any string survives encode → decode")
    func stringRoundTrip() throws {
        var random = SplitMix(state: 7)
        let scalars: [Unicode.Scalar] = ["a", "\"", "\\", "\n", "\u{0}", "\u{1f}", "é", "€", "😀", "\u{2028}", "/", " "]
        for _ in 0..<500 {
            let length = Int(random.next() % 20) + 1
            var text = ""
            for _ in 0..<length { text.unicodeScalars.append(scalars[Int(random.next() % UInt64(scalars.count))]) }
            var event = Event(timestampMicros: 0, service: text, method: "GET", path: "/" + text, status: 200)
            event.error = EventError(message: text)
            let again = try EventEncoder.encode(event).withUnsafeBytes { EventDecoder.decodeEvent($0) }.get()
            #expect(again.service == text && again.path == "/" + text && again.error?.message == text)
        }
    }

    @Test("timestamps round-trip through RFC 3339", arguments: [Int64(0), 1_795_341_600_123_000, 1_795_341_600_123_456, 951_782_400_000_000, 253_402_300_799_999_999])
    func timestampRoundTrip(micros: Int64) {
        #expect(Timestamp.parse(Timestamp.format(micros)) == micros)
    }

    @Test("timestamps: offsets, leap years, rejections")
    func timestampCases() {
        #expect(Timestamp.parse("2026-11-22T10:00:00Z") == Timestamp.parse("2026-11-22T11:00:00+01:00"))
        #expect(Timestamp.parse("2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parse("2023-02-29T00:00:00Z") == nil)
        #expect(Timestamp.parse("1969-12-31T23:59:59Z") == nil)
        #expect(Timestamp.parse("2026-11-22T10:00:00.Z") == nil)
        #expect(Timestamp.parse("2026-11-22T25:00:00Z") == nil)
        #expect(Timestamp.format(1_795_341_600_123_000) == "2026-11-22T10:00:00.123Z")
        #expect(Timestamp.format(1_795_341_600_123_456) == "2026-11-22T10:00:00.123456Z")
    }

    @Test("server ids are unique, 26 characters and time-ordered")
    func ids() {
        let generator = EventIDGenerator(instance: 12345)
        let ids = (0..<10_000).map { generator.next(nowMicros: 1_795_341_600_000_000 + Int64($0) * 1000) }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 26 })
        #expect(ids == ids.sorted())
    }
}
