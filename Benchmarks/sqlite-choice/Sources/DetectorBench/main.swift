// Throughput of the behavioural detectors over generated traffic (release mode):
//   swift run -c release DetectorBench [events]
import SightlineCore
import SightlineDetection
#if canImport(Glibc)
import Glibc
#endif

if CommandLine.arguments.contains("--matrix") {
    printDetectionMatrix(seed: 11, benignEvents: 120_000)
    exit(0)
}
if CommandLine.arguments.contains("--benign") {
    // False incidents on attack-free traffic, several seeds.
    for seed: UInt64 in 1...10 {
        let traffic = LabelledTrafficGenerator(.init(seed: seed, benignEvents: 200_000, attacks: [])).generate()
        let engine = DetectionEngine()
        var n = 0
        for start in stride(from: 0, to: traffic.events.count, by: 10_000) {
            n += engine.process(Array(traffic.events[start..<min(start + 10_000, traffic.events.count)])).count
        }
        print("benign seed \(seed): \(traffic.events.count) events, \(n) detections, \(engine.incidents.count) incidents")
        for i in engine.incidents { print("  \(i.detector.rawValue) \(i.entity): \(i.explanation)") }
    }
    exit(0)
}
let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
var generatorConfig = LabelledTrafficGenerator.Configuration(seed: 1, benignEvents: count)
generatorConfig.duration = .seconds(24 * 3600)
let traffic = LabelledTrafficGenerator(generatorConfig).generate()
let events = traffic.events
let batches = stride(from: 0, to: events.count, by: 10_000).map { Array(events[$0..<min($0 + 10_000, events.count)]) }
print("events: \(events.count) (\(traffic.scenarios.count) attack scenarios), batches of 10000")

func run(_ label: String, classify: Bool) {
    var config = DetectionConfiguration()
    config.injection.classifyPayloads = classify
    var best = Duration.seconds(1_000)
    var detections = 0
    var incidents = 0
    var classified = 0
    for _ in 0..<3 {
        let engine = DetectionEngine(configuration: config)
        let clock = ContinuousClock()
        var n = 0
        let elapsed = clock.measure {
            for b in batches { n += engine.process(b).count }
        }
        best = min(best, elapsed)
        detections = n
        incidents = engine.incidents.count
        classified = engine.classifiedValues
    }
    let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
    let rate = Double(events.count) / seconds
    print("\(label): \(Int(rate)) events/s (best of 3: \(Int(seconds * 1000)) ms), detections \(detections), incidents \(incidents), classifier calls \(classified)")
}

run("without payload classifier", classify: false)
run("with payload classifier   ", classify: true)
