import Testing
@testable import SightlineInsights

@Suite("Rollup merge algebra")
struct RollupMergeAlgebraTests {
    /// A random rollup built from random events that all share one minute key shape.
    static func randomMinuteRollup(_ rng: inout SplitMix64) -> MinuteRollup {
        let events = EventFixtures.events(&rng, count: Int(rng.next() % 200))
        let delta = RollupAccumulator.rollUp(events)
        return (try? MinuteRollup.merged(delta.minuteRollups.values)) ?? MinuteRollup()
    }

    static func randomConsumerRollup(_ rng: inout SplitMix64) -> ConsumerHourRollup {
        ConsumerHourRollup(
            count: Int64(rng.next() % 1_000), errors: Int64(rng.next() % 10), clientErrors: Int64(rng.next() % 10),
            requestBytes: Int64(rng.next() % (1 << 40)), responseBytes: rng.next() % 10 == 0 ? .max - 5 : Int64(rng.next() % (1 << 40))
        )
    }

    @Test("MinuteRollup merge is commutative, associative, with an identity", arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func minuteAlgebra(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<5 {
            let a = Self.randomMinuteRollup(&rng)
            let b = Self.randomMinuteRollup(&rng)
            let c = Self.randomMinuteRollup(&rng)
            #expect(try a.merging(b) == b.merging(a))
            #expect(try a.merging(b).merging(c) == a.merging(b.merging(c)))
            #expect(try a.merging(MinuteRollup()) == a)
            #expect(try MinuteRollup().merging(a) == a)
            #expect(try a.merging(b).latency.serialized() == b.merging(a).latency.serialized())
        }
    }

    @Test("merging many rows in any order gives the same total", arguments: [7, 8] as [UInt64])
    func permutationInvariance(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let rows = (0..<12).map { _ in Self.randomMinuteRollup(&rng) }
        let reference = try MinuteRollup.merged(rows)
        for _ in 0..<5 {
            // Random binary tree of merges over a shuffled list.
            var pending = rows.shuffled(using: &rng)
            while pending.count > 1 {
                let i = Int(rng.next() % UInt64(pending.count - 1))
                let merged = try pending[i].merging(pending[i + 1])
                pending.replaceSubrange(i...(i + 1), with: [merged])
            }
            #expect(pending.first == reference)
        }
    }

    @Test("ConsumerHourRollup merge is commutative and associative, saturating", arguments: [9, 10] as [UInt64])
    func consumerAlgebra(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<200 {
            let a = Self.randomConsumerRollup(&rng)
            let b = Self.randomConsumerRollup(&rng)
            let c = Self.randomConsumerRollup(&rng)
            #expect(a.merging(b) == b.merging(a))
            #expect(a.merging(b).merging(c) == a.merging(b.merging(c)))
            #expect(a.merging(ConsumerHourRollup()) == a)
            #expect(a.merging(b).responseBytes >= 0)
        }
    }

    @Test("a failed merge leaves the rollup unchanged")
    func failedMerge() throws {
        var a = MinuteRollup(count: 1)
        try a.latency.add(3)
        var b = MinuteRollup(count: 1, latency: LatencySketch(configuration: try .init(relativeAccuracy: 0.05)))
        try b.latency.add(4)
        let before = a
        #expect(throws: InsightsError.self) { try a.merge(b) }
        #expect(a == before)
    }
}
