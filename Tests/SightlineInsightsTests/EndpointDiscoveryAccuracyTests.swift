import Testing
@testable import SightlineInsights

/// Labelled accuracy of learned templates: train on one generated stream, evaluate on a
/// held-out stream whose names, slugs, files and ids come from different pools.
@Suite("Endpoint discovery accuracy")
struct EndpointDiscoveryAccuracyTests {
    static let trainingObservations = 200_000
    static let evaluationPaths = 24_000

    struct Report {
        var perStyle: [LabelledPathGenerator.Style: (correct: Int, total: Int)] = [:]
        var misses: [String: Int] = [:]
        var missExamples: [String: String] = [:]
        var overall: Double {
            let correct = perStyle.values.reduce(0) { $0 + $1.correct }
            let total = perStyle.values.reduce(0) { $0 + $1.total }
            return Double(correct) / Double(max(total, 1))
        }
    }

    static func evaluate(
        trainingSeed: UInt64, evaluationSeed: UInt64, popularitySeed: UInt64 = 0xA11CE,
        observations: Int = trainingObservations
    ) -> (Report, RouteLearner) {
        let learner = RouteLearner()
        var training = LabelledPathGenerator(seed: trainingSeed, popularitySeed: popularitySeed)
        for _ in 0..<observations {
            let sample = training.next()
            learner.observe(service: sample.service, method: sample.method, path: sample.path)
        }
        var evaluation = LabelledPathGenerator(seed: evaluationSeed, popularitySeed: popularitySeed)
        var report = Report()
        for _ in 0..<evaluationPaths {
            let sample = evaluation.next()
            let predicted = learner.template(service: sample.service, method: sample.method, path: sample.path)
            var entry = report.perStyle[sample.style] ?? (0, 0)
            entry.total += 1
            if predicted == sample.template {
                entry.correct += 1
            } else {
                let key = "\(sample.template) ← \(predicted)"
                report.misses[key, default: 0] += 1
                report.missExamples[key] = report.missExamples[key] ?? sample.path
            }
            report.perStyle[sample.style] = entry
        }
        return (report, learner)
    }

    static func format(_ report: Report, learner: RouteLearner) -> String {
        var lines = ["style           accuracy   correct/total"]
        for style in report.perStyle.keys.sorted() {
            let (correct, total) = report.perStyle[style]!
            let accuracy = Double(correct) / Double(total) * 100
            let percent = String(Int((accuracy * 100).rounded())).paddedPercent
            lines.append(style.rawValue.padded(16) + percent.padded(11) + "\(correct)/\(total)")
        }
        lines.append("overall".padded(16) + String(Int((report.overall * 10_000).rounded())).paddedPercent)
        let stats = learner.statistics
        lines.append("learned state: \(stats.nodeCount) nodes, \(stats.trackedValueCount) tracked values, \(stats.collapsedPositionCount) collapsed positions")
        for (miss, count) in report.misses.sorted(by: { $0.value > $1.value }).prefix(12) {
            lines.append("  miss ×\(count): expected \(miss)  e.g. \(report.missExamples[miss] ?? "")")
        }
        return lines.joined(separator: "\n")
    }

    @Test("≥ 99 % exact templates on held-out paths, every style ≥ 95 %")
    func heldOutAccuracy() {
        let (report, learner) = Self.evaluate(trainingSeed: 2026, evaluationSeed: 777)
        print("Endpoint discovery accuracy (train 200k, eval 24k held-out):\n" + Self.format(report, learner: learner))
        #expect(report.overall >= 0.99)
        for (style, entry) in report.perStyle {
            #expect(Double(entry.correct) / Double(entry.total) >= 0.95, "\(style.rawValue)")
        }
    }

    @Test("other value seeds and popularity rankings stay ≥ 98 %", arguments: [
        (UInt64(5), UInt64(6), UInt64(0xA11CE)),
        (UInt64(8), UInt64(9), UInt64(0xB0B)),
        (UInt64(10), UInt64(11), UInt64(0xC0FFEE)),
    ])
    func otherSeeds(training: UInt64, evaluation: UInt64, popularity: UInt64) {
        let (report, learner) = Self.evaluate(trainingSeed: training, evaluationSeed: evaluation, popularitySeed: popularity)
        print("Seeds \(training)/\(evaluation), popularity \(popularity):\n" + Self.format(report, learner: learner))
        #expect(report.overall >= 0.98)
    }

    @Test("cold start: 2k observations already give most templates (reported, loose bound)")
    func coldStart() {
        let (report, learner) = Self.evaluate(trainingSeed: 12, evaluationSeed: 13, observations: 2_000)
        print("Cold start (train 2k, eval 24k):\n" + Self.format(report, learner: learner))
        #expect(report.overall >= 0.95)
    }
}

extension String {
    func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }

    /// "9876" (basis points) → "98.76 %".
    var paddedPercent: String {
        let value = Int(self) ?? 0
        let fraction = value % 100
        return "\(value / 100).\(fraction < 10 ? "0" : "")\(fraction) %"
    }
}
