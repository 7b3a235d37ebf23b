import Testing
@testable import SightlineInsights

@Suite("LatencySketch accuracy")
struct LatencySketchAccuracyTests {
    static let quantiles = [0.0, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0]

    /// Exact nearest-rank quantile of sorted values, using the sketch's own rank definition.
    static func exactQuantile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[Int(LatencySketch.nearestRank(p, count: UInt64(sorted.count))) - 1]
    }

    static func assertAccurate(_ values: [Double], configuration: LatencySketch.Configuration, label: String) throws {
        var sketch = LatencySketch(configuration: configuration)
        for value in values { try sketch.add(value) }
        let sorted = values.sorted()
        let alpha = configuration.relativeAccuracy
        for p in quantiles {
            let exact = exactQuantile(sorted, p)
            let estimate = try #require(sketch.quantile(p))
            let relativeError = abs(estimate - exact) / exact
            #expect(relativeError <= alpha * (1 + 1e-9), "\(label) p\(p): exact \(exact) estimate \(estimate)")
        }
        #expect(sketch.count == UInt64(values.count))
        #expect(sketch.min == sorted.first)
        #expect(sketch.max == sorted.last)
    }

    @Test("relative error ≤ α at the default 1 %", arguments: LatencyDistribution.allCases)
    func defaultAccuracy(distribution: LatencyDistribution) throws {
        var rng = SplitMix64(seed: 0xA11CE)
        let values = (0..<20_000).map { _ in distribution.sample(&rng) }
        try Self.assertAccurate(values, configuration: .default, label: distribution.rawValue)
    }

    @Test("relative error ≤ α for other accuracies", arguments: [0.001, 0.005, 0.02, 0.05])
    func otherAccuracies(alpha: Double) throws {
        // The cap must cover the data's dynamic range: 0.01 ms…60 s needs ln(6·10^6)/ln γ
        // buckets, ≈ 7 800 at α = 0.1 %.
        let configuration = try LatencySketch.Configuration(relativeAccuracy: alpha, maxBuckets: 16_384)
        for (seed, distribution) in LatencyDistribution.allCases.enumerated() {
            var rng = SplitMix64(seed: UInt64(seed) &+ 77)
            let values = (0..<5_000).map { _ in distribution.sample(&rng) }
            try Self.assertAccurate(values, configuration: configuration, label: "\(distribution) α=\(alpha)")
        }
    }

    @Test("nearest rank is max(1, ⌈p·n⌉)")
    func nearestRank() {
        #expect(LatencySketch.nearestRank(0, count: 10) == 1)
        #expect(LatencySketch.nearestRank(0.5, count: 4) == 2)
        #expect(LatencySketch.nearestRank(0.51, count: 4) == 3)
        #expect(LatencySketch.nearestRank(0.99, count: 100) == 99)
        #expect(LatencySketch.nearestRank(1, count: 7) == 7)
        #expect(LatencySketch.nearestRank(1, count: .max) == .max)
        #expect(LatencySketch.nearestRank(0.5, count: .max) > 0)
    }

    @Test("small sets give exact min, max and in-bucket medians")
    func smallSets() throws {
        var sketch = LatencySketch()
        for value in [1.0, 2, 3, 4, 100] { try sketch.add(value) }
        #expect(sketch.quantile(0) == 1)
        #expect(sketch.quantile(1) == 100)
        let median = try #require(sketch.quantile(0.5))
        #expect(abs(median - 3) <= 0.03)
        #expect(sketch.sumMs == 110)
        #expect(sketch.meanMs == 22)
    }

    @Test("values below 1 µs go to the zero bucket with < 1 µs absolute error")
    func zeroBucket() throws {
        var sketch = LatencySketch()
        try sketch.add(0, count: 5)
        try sketch.add(0.0004, count: 5)
        try sketch.add(-0.0)
        try sketch.add(10, count: 10)
        #expect(sketch.zeroCount == 11)
        #expect(sketch.min == 0)
        #expect(sketch.min?.sign == .plus)
        let p25 = try #require(sketch.quantile(0.25))
        #expect(p25 >= 0 && p25 < 0.001)
        let p90 = try #require(sketch.quantile(0.9))
        #expect(abs(p90 - 10) <= 0.1)
        #expect(sketch.nonEmptyBucketCount == 1)
    }

    @Test("invalid values and quantiles are rejected without changing the sketch")
    func invalidInput() throws {
        var sketch = LatencySketch()
        try sketch.add(5)
        let before = sketch
        for bad in [-1.0, -.infinity, .infinity, .nan] {
            #expect(throws: InsightsError.self) { try sketch.add(bad) }
            do throws(InsightsError) { try sketch.add(bad) } catch { #expect(error.code == .invalidValue) }
        }
        try sketch.add(7, count: 0)
        #expect(sketch == before)
        #expect(sketch.quantile(-0.1) == nil)
        #expect(sketch.quantile(1.1) == nil)
        #expect(sketch.quantile(.nan) == nil)
        #expect(LatencySketch().quantile(0.5) == nil)
        #expect(LatencySketch().min == nil)
        #expect(LatencySketch().meanMs == nil)
    }

    @Test("configuration ranges are enforced")
    func configurationValidation() {
        for (alpha, buckets) in [(0.0, 2048), (0.6, 2048), (Double.nan, 2048), (0.01, 8), (0.01, 1_000_000)] {
            #expect(throws: InsightsError.self) {
                try LatencySketch.Configuration(relativeAccuracy: alpha, maxBuckets: buckets)
            }
        }
        #expect((try? LatencySketch.Configuration()) == LatencySketch.Configuration.default)
    }

    @Test("huge values do not trap and keep upper quantiles accurate")
    func hugeValues() throws {
        var sketch = LatencySketch()
        try sketch.add(Double.greatestFiniteMagnitude)
        try sketch.add(1e300, count: 3)
        try sketch.add(0.5)
        #expect(sketch.sumMicros == .max)
        let p50 = try #require(sketch.quantile(0.5))
        #expect(abs(p50 - 1e300) / 1e300 <= 0.01 * (1 + 1e-9))
        #expect(sketch.quantile(1) == Double.greatestFiniteMagnitude)
        // 0.5 ms was collapsed into the lowest kept bucket, but rank 1 is the exact min.
        #expect(sketch.quantile(0) == 0.5)
        #expect(sketch.nonEmptyBuckets.count == 3)
        #expect(sketch.bins.count <= 2048)
    }
}
