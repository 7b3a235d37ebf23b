import Foundation
import SightlineCore
import Testing
@testable import SightlineOTLP

/// Random and mutated bodies never crash the decoders: each either throws `OTLPError` or gives a
/// result whose every event satisfies the event format.
@Suite("Fuzz")
struct FuzzTests {
    static let seeds: [(String, OTLPEncoding)] = [
        ("python-protobuf-traces-1.bin", .protobuf),
        ("python-json-traces-1.json", .json),
        ("python-protobuf-logs-1.bin", .protobuf),
        ("python-json-logs-1.json", .json),
    ]

    func mutate(_ input: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1: bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 2: bytes.removeSubrange(position...)
            case 3: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
            case 4: bytes.remove(at: position)
            default:
                // Duplicate a slice: repeated fields and length prefixes that lie.
                let end = Swift.min(bytes.count, position + Int.random(in: 1...32, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            }
        }
        return bytes
    }

    func exercise(_ body: [UInt8], _ encoding: OTLPEncoding) {
        do {
            let result = try OTLPTraceMapper().map(body, encoding: encoding, receivedAtMicros: receivedAt)
            checkInvariants(result)
            _ = result.responseBody(encoding: encoding)
        } catch {
            #expect(error.httpStatus == 400)
        }
        do {
            let result = try OTLPLogsMapper().map(body, encoding: encoding, receivedAtMicros: receivedAt)
            #expect(result.logs.count + result.rejected.count == result.totalLogRecords)
            for log in result.logs { if let attributes = log.attributes { expectValidJSON(attributes.bytes) } }
        } catch {
            #expect(error.httpStatus == 400)
        }
        _ = try? OTLPResponse.countDataPoints(body, encoding: encoding)
    }

    @Test("mutated captures", arguments: 0..<4)
    func mutated(seedIndex: Int) throws {
        let (name, encoding) = Self.seeds[seedIndex]
        let original = try fixture(name)
        var random = SplitMix64(state: UInt64(seedIndex) &* 7919 &+ 1)
        for _ in 0..<600 {
            exercise(mutate(original, &random), encoding)
        }
    }

    @Test("random bytes", arguments: OTLPEncoding.allCases)
    func randomBytes(encoding: OTLPEncoding) {
        var random = SplitMix64(state: encoding == .json ? 11 : 12)
        for _ in 0..<1500 {
            let count = Int.random(in: 0..<256, using: &random)
            exercise((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }, encoding)
        }
    }

    @Test("random well-formed requests with random attribute values")
    func randomRequests() throws {
        var random = SplitMix64(state: 99)
        let keys = SemanticKey.allCases.map(\.name) + ["sightline.consumer.id", "other", "url.query"]
        for _ in 0..<300 {
            let spans = (0..<Int.random(in: 1...5, using: &random)).map { _ in
                let attributes = (0..<Int.random(in: 0...10, using: &random)).map { _ in
                    kv(keys.randomElement(using: &random)!, Bool.random(using: &random) ? randomValue(&random, depth: 0) : value("/\(random.next() % 1000)"))
                }
                return span(
                    kind: PBSpan.SpanKind(rawValue: Int.random(in: 0...6, using: &random)) ?? .server,
                    id: (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) },
                    start: random.next(),
                    durationNanos: random.next() % 10_000_000_000,
                    attributes: attributes,
                    status: PBStatus.StatusCode(rawValue: Int.random(in: 0...3, using: &random)) ?? .unset
                )
            }
            let result = try OTLPTraceMapper().map(try protobufBytes(traceRequest(spans)), encoding: .protobuf, receivedAtMicros: receivedAt)
            checkInvariants(result)
        }
    }
}
