import Testing
@testable import SightlineInsights

@Suite("RollupSummary")
struct RollupSummaryTests {
    @Test("grouped summaries match brute force totals and exact percentiles within α")
    func groupedByService() throws {
        var rng = SplitMix64(seed: 42)
        let events = EventFixtures.events(&rng, count: 8_000)
        let rows = RollupAccumulator.rollUp(events).minuteRollups
        let summaries = try RollupSummary.grouped(rows, by: MinuteRollupGrouping(dimensions: [.service]))
        #expect(summaries.count == EventFixtures.services.count)

        for service in EventFixtures.services {
            let mine = events.filter { $0.service == service && (100...599).contains($0.status) }
            let summary = try #require(summaries[MinuteRollupGroupKey(service: service)])
            #expect(summary.count == Int64(mine.count))
            #expect(summary.errors == Int64(mine.filter { $0.status >= 500 }.count))
            #expect(summary.clientErrors == Int64(mine.filter { (400...499).contains($0.status) }.count))
            #expect(summary.requestBytes == mine.reduce(0) { $0 + max(0, $1.requestSize ?? 0) })
            let durations = mine.compactMap(\.durationMs).filter { $0.isFinite && $0 >= 0 }.sorted()
            #expect(summary.latencyCount == UInt64(durations.count))
            #expect(summary.minMs == durations.first)
            #expect(summary.maxMs == durations.last)
            let expectedPercentiles: [(Double, Double?)] = [(0.5, summary.p50), (0.9, summary.p90), (0.95, summary.p95), (0.99, summary.p99)]
            for (p, estimate) in expectedPercentiles {
                let exact = LatencySketchAccuracyTests.exactQuantile(durations, p)
                let value = try #require(estimate)
                if exact < LatencySketch.minIndexableMs {
                    #expect(abs(value - exact) < LatencySketch.minIndexableMs)
                } else {
                    #expect(abs(value - exact) / exact <= 0.01 * (1 + 1e-9))
                }
            }
            #expect(summary.errorRate == Double(summary.errors) / Double(summary.count))
        }
    }

    @Test("time buckets and dimensions partition the rows")
    func timeBuckets() throws {
        var rng = SplitMix64(seed: 43)
        let rows = RollupAccumulator.rollUp(EventFixtures.events(&rng, count: 4_000)).minuteRollups
        let total = try RollupSummary(merging: rows.values)
        let hourly = try RollupSummary.grouped(rows, by: MinuteRollupGrouping(dimensions: [.route, .method, .statusClass], bucketMinutes: 60))
        #expect(hourly.values.reduce(0) { $0 + $1.count } == total.count)
        #expect(hourly.values.reduce(0) { $0 + $1.latencyCount } == total.latencyCount)
        for key in hourly.keys {
            let start = try #require(key.bucketStartMinute)
            #expect(start % 60 == 0)
            #expect(key.service == nil && key.route != nil && key.method != nil && key.statusClass != nil)
        }
        let single = try RollupSummary.grouped(rows, by: MinuteRollupGrouping(dimensions: []))
        #expect(single.count == 1)
        #expect(single[MinuteRollupGroupKey()] == total)
        // A closure grouping works too.
        let byClass = try RollupSummary.grouped(rows) { $0.statusClass }
        #expect(byClass.values.reduce(0) { $0 + $1.count } == total.count)
        #expect(throws: InsightsError.self) { try MinuteRollupGrouping(bucketMinutes: 0) }
    }

    @Test("an empty selection summarises to zeros and nil percentiles")
    func empty() throws {
        let summary = try RollupSummary(merging: [MinuteRollup]())
        #expect(summary.count == 0)
        #expect(summary.p99 == nil)
        #expect(summary.errorRate == nil)
        #expect(summary.meanMs == nil)
    }
}
