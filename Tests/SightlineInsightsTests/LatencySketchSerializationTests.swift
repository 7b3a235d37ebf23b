import Testing
@testable import SightlineInsights

@Suite("LatencySketch serialisation")
struct LatencySketchSerializationTests {
    static func samples() throws -> [LatencySketch] {
        var result: [LatencySketch] = [LatencySketch()]
        var zeroOnly = LatencySketch()
        try zeroOnly.add(0, count: 3)
        result.append(zeroOnly)
        var rng = SplitMix64(seed: 2024)
        for distribution in LatencyDistribution.allCases {
            var sketch = LatencySketch()
            for _ in 0..<2_000 { try sketch.add(distribution.sample(&rng)) }
            result.append(sketch)
        }
        let tiny = try LatencySketch.Configuration(relativeAccuracy: 0.05, maxBuckets: 16)
        var collapsed = LatencySketch(configuration: tiny)
        for _ in 0..<500 { try collapsed.add(LatencyDistribution.wideLogUniform.sample(&rng)) }
        result.append(collapsed)
        var huge = LatencySketch()
        try huge.add(.greatestFiniteMagnitude, count: .max)
        try huge.add(0.0001)
        result.append(huge)
        return result
    }

    @Test("round trip preserves the sketch exactly")
    func roundTrip() throws {
        for sketch in try Self.samples() {
            let bytes = sketch.serialized()
            let decoded = try LatencySketch(serialized: bytes)
            #expect(decoded == sketch)
            #expect(decoded.serialized() == bytes)
            #expect(decoded.quantiles([0.5, 0.99]) == sketch.quantiles([0.5, 0.99]))
        }
    }

    @Test("blobs are compact")
    func compactness() throws {
        #expect(LatencySketch().serialized().count == 12)
        var rng = SplitMix64(seed: 5)
        var sketch = LatencySketch()
        for _ in 0..<10_000 { try sketch.add(LatencyDistribution.lognormal.sample(&rng)) }
        let bytes = sketch.serialized()
        // Typically < 3 bytes per non-empty bucket plus a ~36-byte header.
        #expect(bytes.count < 36 + 3 * sketch.nonEmptyBucketCount)
    }

    @Test("unknown versions, truncation and trailing bytes give specific errors")
    func specificErrors() throws {
        var sketch = LatencySketch()
        try sketch.add(12)
        let bytes = sketch.serialized()

        var wrongVersion = bytes
        wrongVersion[0] = 2
        #expect(Self.errorCode(wrongVersion) == .unsupportedFormatVersion)
        #expect(Self.errorCode([]) == .corruptSketch)
        for length in 1..<bytes.count {
            #expect(Self.errorCode(Array(bytes.prefix(length))) == .corruptSketch)
        }
        #expect(Self.errorCode(bytes + [0]) == .corruptSketch)

        do throws(InsightsError) {
            _ = try LatencySketch(serialized: bytes.dropLast())
        } catch {
            #expect(error.message.contains("byte"))
            #expect(error.message.contains("rebuild"))
        }
    }

    static func errorCode(_ bytes: [UInt8]) -> InsightsError.Code? {
        do throws(InsightsError) {
            _ = try LatencySketch(serialized: bytes)
            return nil
        } catch {
            return error.code
        }
    }

    /// Exercises a decoded sketch so that latent inconsistencies would trap here.
    static func exercise(_ sketch: LatencySketch) throws {
        _ = sketch.quantiles([0, 0.5, 0.99, 1])
        let again = try LatencySketch(serialized: sketch.serialized())
        #expect(again == sketch)
        var copy = sketch
        try copy.add(1)
        try copy.add(1e9)
        try? copy.merge(sketch)
        _ = copy.quantile(0.9)
    }

    @Test("random bytes never crash the decoder", arguments: [1, 2, 3, 4] as [UInt64])
    func fuzzRandom(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<20_000 {
            let length = Int(rng.next() % 80)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if length > 0 && rng.next() % 2 == 0 { bytes[0] = LatencySketch.formatVersion }
            if let sketch = try? LatencySketch(serialized: bytes) { try Self.exercise(sketch) }
        }
    }

    @Test("mutated valid blobs never crash the decoder", arguments: [1, 2, 3] as [UInt64])
    func fuzzMutations(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed &* 31)
        let seeds = try Self.samples().map { $0.serialized() }
        var decodedCount = 0
        for _ in 0..<20_000 {
            var bytes = seeds[Int(rng.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let position = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 5 {
                case 0 where !bytes.isEmpty: bytes[position] ^= UInt8(1 << (rng.next() % 8))
                case 1 where !bytes.isEmpty: bytes[position] = UInt8(truncatingIfNeeded: rng.next())
                case 2: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: position)
                case 3 where !bytes.isEmpty: bytes.remove(at: position)
                default: bytes = Array(bytes.prefix(position))
                }
            }
            if let sketch = try? LatencySketch(serialized: bytes) {
                decodedCount += 1
                try Self.exercise(sketch)
            }
        }
        // Some mutations (e.g. changing a count and nothing else) are still consistent blobs.
        #expect(decodedCount < 20_000)
    }
}
