// Micro-benchmark and accuracy table for the rollup sketch.
// Run from Benchmarks/sqlite-choice: swift build -c release && .build/release/RollupsBench
// Numbers are wall-clock medians of several rounds on whatever machine runs it; they are
// for orientation (docs/rollups.md), not asserted anywhere.
import Foundation
import SightlineInsights

struct Rng {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func normal() -> Double {
        (-2 * log(max(unit(), 0x1p-53))).squareRoot() * cos(2 * Double.pi * unit())
    }
}

func nanosPerOp(rounds: Int = 5, ops: Int, _ body: () -> Void) -> Double {
    var samples: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<rounds {
        let elapsed = clock.measure(body)
        let nanos = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        samples.append(nanos / Double(ops))
    }
    return samples.sorted()[rounds / 2]
}

@main
enum RollupsBenchmark {
    static func main() {
        let distributions: [(String, (inout Rng) -> Double)] = [
            ("uniform 1 ms–1 s", { 1 + $0.unit() * 999 }),
            ("lognormal median 50 ms σ=1", { exp(log(50) + $0.normal()) }),
            ("bimodal 20 ms + 10 % 2 s tail", { r in r.unit() < 0.9 ? max(0.05, 20 + 5 * r.normal()) : exp(log(2000) + 0.8 * r.normal()) }),
            ("constant 42 ms", { _ in 42 }),
            ("log-uniform 0.01 ms–60 s", { exp(log(0.01) + $0.unit() * log(6_000_000)) }),
        ]

        var checksum = 0.0

        // MARK: accuracy table
        print("## Accuracy (n = 100 000 per distribution, α = 1 %, max |q̂−q|/q)")
        print("| distribution | p50 | p90 | p95 | p99 | p99.9 | buckets | blob bytes |")
        print("|---|---|---|---|---|---|---|---|")
        for (name, sample) in distributions {
            var rng = Rng(state: 12345)
            let values = (0..<100_000).map { _ in sample(&rng) }
            var sketch = LatencySketch()
            for v in values { try! sketch.add(v) }
            let sorted = values.sorted()
            var cells: [String] = []
            for p in [0.5, 0.9, 0.95, 0.99, 0.999] {
                let exact = sorted[Int(LatencySketch.nearestRank(p, count: UInt64(sorted.count))) - 1]
                let estimate = sketch.quantile(p)!
                cells.append(String(format: "%.3f %%", abs(estimate - exact) / exact * 100))
            }
            print("| \(name) | \(cells.joined(separator: " | ")) | \(sketch.nonEmptyBucketCount) | \(sketch.serialized().count) |")
        }

        // MARK: speed
        var rng = Rng(state: 99)
        let addValues = (0..<1_000_000).map { _ in distributions[1].1(&rng) }
        let addNs = nanosPerOp(ops: addValues.count) {
            var sketch = LatencySketch()
            for v in addValues { try! sketch.add(v) }
            checksum += sketch.sumMs
        }

        func makeSketch(_ n: Int, _ dist: Int, _ rng: inout Rng) -> LatencySketch {
            var s = LatencySketch()
            for _ in 0..<n { try! s.add(distributions[dist].1(&rng)) }
            return s
        }
        let typicalA = makeSketch(10_000, 1, &rng)
        let typicalB = makeSketch(10_000, 2, &rng)
        let mergeOps = 20_000
        let mergeNs = nanosPerOp(ops: mergeOps) {
            for _ in 0..<mergeOps {
                var m = typicalA
                try! m.merge(typicalB)
                checksum += Double(m.count)
            }
        }
        let blob = try! typicalA.merging(typicalB)
        let serializeNs = nanosPerOp(ops: mergeOps) {
            for _ in 0..<mergeOps { checksum += Double(blob.serialized().count) }
        }
        let bytes = blob.serialized()
        let deserializeNs = nanosPerOp(ops: mergeOps) {
            for _ in 0..<mergeOps { checksum += Double(try! LatencySketch(serialized: bytes).count) }
        }
        let quantileNs = nanosPerOp(ops: mergeOps) {
            for _ in 0..<mergeOps { checksum += blob.quantile(0.99)! }
        }

        var eventRng = Rng(state: 7)
        let services = ["billing", "search", "auth", "orders"]
        let routes = (0..<25).map { "/r\($0)/{id}" }
        let events = (0..<200_000).map { i -> RollupInput in
            RollupInput(
                timestampMicros: 1_764_460_800_000_000 + Int64(i) * 3_000,  // 10 minutes
                service: services[Int(eventRng.next() % 4)], route: routes[Int(eventRng.next() % 25)],
                method: eventRng.next() % 4 == 0 ? "POST" : "GET", status: eventRng.next() % 20 == 0 ? 500 : 200,
                durationMs: distributions[1].1(&eventRng), requestSize: 300, responseSize: 2_000,
                consumerID: "consumer-\(eventRng.next() % 50)"
            )
        }
        let accumulateNs = nanosPerOp(rounds: 3, ops: events.count) {
            let delta = RollupAccumulator.rollUp(events)
            checksum += Double(delta.minuteRollups.count)
        }

        print("")
        print("## Speed (release build, median of rounds)")
        print("| operation | time |")
        print("|---|---|")
        print(String(format: "| add (lognormal values) | %.1f ns/value |", addNs))
        print(String(format: "| merge two 10k-value sketches (%d + %d buckets) | %.0f ns |", typicalA.nonEmptyBucketCount, typicalB.nonEmptyBucketCount, mergeNs))
        print(String(format: "| serialized() (%d bytes, %d buckets) | %.0f ns |", bytes.count, blob.nonEmptyBucketCount, serializeNs))
        print(String(format: "| init(serialized:) | %.0f ns |", deserializeNs))
        print(String(format: "| quantile(0.99) | %.0f ns |", quantileNs))
        print(String(format: "| RollupAccumulator per event (minute + consumer rollup) | %.0f ns/event |", accumulateNs))
        print("")
        print("checksum \(checksum)")
    }
}
