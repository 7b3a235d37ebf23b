import SightlineCore
import Testing
@testable import SightlineDetection

@Suite("Labelled scenarios")
struct ScenarioDetectionTests {
    @Test("each attack is detected by the right detector, naming the attacker, during the attack", arguments: AttackKind.allCases)
    func detected(_ kind: AttackKind) throws {
        let run = Fixtures.attackRun
        let scenario = try #require(run.traffic.scenarios.first { $0.kind == kind })
        let hits = run.detections.filter {
            $0.detector == kind.expectedDetector && $0.entity == scenario.entity
                && $0.timestampMicros >= scenario.startMicros && $0.timestampMicros <= scenario.endMicros
        }
        #expect(!hits.isEmpty, "no \(kind.expectedDetector) detection for \(scenario.entity)")
        if let first = hits.first {
            #expect(first.owaspCategory == kind.expectedDetector.owaspCategory)
            #expect(!first.explanation.isEmpty)
            #expect(first.evidenceEventIDs.count <= DetectionConfiguration().evidenceLimit)
        }
    }

    @Test("every incident names an entity involved in some attack (precision 1.0)")
    func noFalseIncidents() {
        let run = Fixtures.attackRun
        let involved = run.traffic.scenarios.reduce(into: Set<DetectionEntity>()) { $0.formUnion($1.involved) }
        let stray = run.incidents.filter { !involved.contains($0.entity) }
        #expect(stray.isEmpty, "false incidents: \(stray.map { "\($0.detector.rawValue) \($0.entity): \($0.explanation)" })")
    }

    @Test("the scripted attacks open one incident per (detector, entity), not a flood")
    func incidentsAreMerged() {
        let run = Fixtures.attackRun
        var seen = Set<String>()
        for i in run.incidents { #expect(seen.insert("\(i.detector.rawValue)|\(i.entity)").inserted) }
        #expect(run.incidents.count < run.detections.count)
    }

    @Test("a long benign run (200k events over 6 h) raises no incident")
    func benignRun() {
        let traffic = LabelledTrafficGenerator(.init(seed: 2024, benignEvents: 200_000, attacks: [])).generate()
        #expect(traffic.events.count == 200_000)
        let engine = DetectionEngine()
        var detections: [Detection] = []
        for batch in Fixtures.chunks(traffic.events, 10_000) { detections += engine.process(batch) }
        #expect(detections.isEmpty, "\(detections.prefix(5).map { "\($0.detector.rawValue) \($0.entity): \($0.explanation)" })")
        #expect(engine.incidents.isEmpty)
    }
}
