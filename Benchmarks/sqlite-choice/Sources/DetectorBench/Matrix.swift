import SightlineCore
import SightlineDetection

/// Prints, for each scripted attack, which detectors named an involved entity during it and how
/// soon; then every incident, marked TP/FP.
func printDetectionMatrix(seed: UInt64, benignEvents: Int) {
    let traffic = LabelledTrafficGenerator(.init(seed: seed, benignEvents: benignEvents)).generate()
    let engine = DetectionEngine()
    var detections: [Detection] = []
    for start in stride(from: 0, to: traffic.events.count, by: 5_000) {
        detections += engine.process(Array(traffic.events[start..<min(start + 5_000, traffic.events.count)]))
    }
    print("detection matrix (seed \(seed), \(traffic.events.count) events):")
    for s in traffic.scenarios {
        let during = detections.filter { s.involved.contains($0.entity) && $0.timestampMicros >= s.startMicros && $0.timestampMicros <= s.endMicros }
        let expected = during.first { $0.detector == s.kind.expectedDetector && $0.entity == s.entity }
        let latency = expected.map { "\(($0.timestampMicros - s.startMicros) / 1_000_000) s" } ?? "MISSED"
        let fired = Set(during.map(\.detector.rawValue)).sorted().joined(separator: ", ")
        print("  \(s.kind.rawValue): \(s.eventCount) events, expected \(s.kind.expectedDetector.rawValue) on \(s.entity) → \(latency); detectors on involved entities: \(fired)")
        if let expected { print("      \(expected.severity.rawValue): \(expected.explanation)") }
    }
    let involved = traffic.scenarios.reduce(into: Set<DetectionEntity>()) { $0.formUnion($1.involved) }
    let incidents = engine.incidents
    print("incidents: \(incidents.count), false: \(incidents.filter { !involved.contains($0.entity) }.count), detections: \(detections.count)")
    for i in incidents {
        print("  [\(involved.contains(i.entity) ? "TP" : "FP")] \(i.detector.rawValue) \(i.owaspCategory.rawValue) \(i.entity) ×\(i.count) \(i.severity.rawValue) — \(i.explanation)")
    }
}
