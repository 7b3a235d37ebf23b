import Foundation
import Testing
@testable import SightlineInsights

@Suite("LatencySketch merge")
struct LatencySketchMergeTests {
    static func sketch(_ values: [Double], configuration: LatencySketch.Configuration = .default) throws -> LatencySketch {
        var sketch = LatencySketch(configuration: configuration)
        for value in values { try sketch.add(value) }
        return sketch
    }

    static func randomValues(_ rng: inout SplitMix64, count: Int) -> [Double] {
        let distributions = LatencyDistribution.allCases
        return (0..<count).map { _ in
            distributions[Int(rng.next() % UInt64(distributions.count))].sample(&rng)
        }
    }

    @Test("merging parts equals the sketch of the union, byte for byte", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func mergeEqualsUnion(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let values = Self.randomValues(&rng, count: 3_000)
        let whole = try Self.sketch(values)
        // Split into random parts, merge them in a random order.
        let partCount = 2 + Int(rng.next() % 7)
        var parts = Array(repeating: [Double](), count: partCount)
        for value in values { parts[Int(rng.next() % UInt64(partCount))].append(value) }
        var sketches = try parts.map { try Self.sketch($0) }
        sketches.shuffle(using: &rng)
        var merged = LatencySketch()
        for part in sketches { try merged.merge(part) }
        #expect(merged == whole)
        #expect(merged.serialized() == whole.serialized())
        for p in [0.5, 0.9, 0.99] { #expect(merged.quantile(p) == whole.quantile(p)) }
    }

    @Test("insertion order does not matter, even when buckets collapse", arguments: [10, 20, 30] as [UInt64])
    func orderIndependenceWithCollapse(seed: UInt64) throws {
        let tiny = try LatencySketch.Configuration(relativeAccuracy: 0.01, maxBuckets: 16)
        var rng = SplitMix64(seed: seed)
        let values = Self.randomValues(&rng, count: 2_000)
        let forward = try Self.sketch(values, configuration: tiny)
        let shuffled = try Self.sketch(values.shuffled(using: &rng), configuration: tiny)
        let ascending = try Self.sketch(values.sorted(), configuration: tiny)
        let descending = try Self.sketch(values.sorted(by: >), configuration: tiny)
        #expect(forward == shuffled)
        #expect(forward == ascending)
        #expect(forward == descending)
        #expect(forward.bins.count <= 16)
        #expect(forward.bins.first != 0 && forward.bins.last != 0)

        // Merging in a different grouping gives the same collapsed state.
        let half = values.count / 2
        let merged = try Self.sketch(Array(values[half...]), configuration: tiny)
            .merging(Self.sketch(Array(values[..<half]), configuration: tiny))
        #expect(merged == forward)
        #expect(merged.serialized() == forward.serialized())
    }

    @Test("collapsed sketches keep upper quantiles within α")
    func collapsedUpperQuantiles() throws {
        let tiny = try LatencySketch.Configuration(relativeAccuracy: 0.01, maxBuckets: 64)
        var rng = SplitMix64(seed: 99)
        let values = (0..<10_000).map { _ in LatencyDistribution.wideLogUniform.sample(&rng) }
        let sketch = try Self.sketch(values, configuration: tiny)
        #expect(sketch.bins.count == 64)
        let sorted = values.sorted()
        // 64 buckets at α = 1 % cover a ratio of γ^64 ≈ 3.6, i.e. the top ~8 % of this
        // log-uniform range; every quantile above the collapsed bucket stays within α.
        let collapsedUpperBound = pow(tiny.gamma, Double(sketch.offset))
        var checked = 0
        for p in [0.5, 0.9, 0.95, 0.99, 0.999] {
            let exact = LatencySketchAccuracyTests.exactQuantile(sorted, p)
            guard exact > collapsedUpperBound else { continue }
            checked += 1
            let estimate = try #require(sketch.quantile(p))
            #expect(abs(estimate - exact) / exact <= 0.01 * (1 + 1e-9), "p\(p)")
        }
        #expect(checked >= 3)
    }

    @Test("empty sketches are identities; mismatched configurations throw and leave self unchanged")
    func identityAndMismatch() throws {
        var rng = SplitMix64(seed: 7)
        let a = try Self.sketch(Self.randomValues(&rng, count: 100))
        #expect(try a.merging(LatencySketch()) == a)
        #expect(try LatencySketch().merging(a) == a)

        let other = try LatencySketch.Configuration(relativeAccuracy: 0.02)
        let b = try Self.sketch([1, 2, 3], configuration: other)
        var target = a
        do throws(InsightsError) {
            try target.merge(b)
            Issue.record("merge with a different configuration must throw")
        } catch {
            #expect(error.code == .incompatibleSketches)
        }
        #expect(target == a)
        // An empty sketch of any configuration still merges.
        #expect(try a.merging(LatencySketch(configuration: other)) == a)
    }

    @Test("merge is commutative and associative", arguments: [11, 12, 13, 14] as [UInt64])
    func algebra(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let a = try Self.sketch(Self.randomValues(&rng, count: 500))
        let b = try Self.sketch(Self.randomValues(&rng, count: 50))
        let c = try Self.sketch(Self.randomValues(&rng, count: 1))
        #expect(try a.merging(b) == b.merging(a))
        #expect(try a.merging(b).merging(c) == a.merging(b.merging(c)))
    }
}
