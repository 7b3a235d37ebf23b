import Foundation
import Testing
@testable import SightlineInsights

@Suite("RouteLearnerSnapshot")
struct RouteLearnerSnapshotTests {
    static func trainedLearner() -> RouteLearner {
        let learner = RouteLearner()
        var generator = LabelledPathGenerator(seed: 11)
        for _ in 0..<20_000 {
            let sample = generator.next()
            learner.observe(service: sample.service, method: sample.method, path: sample.path)
        }
        return learner
    }

    @Test("JSON round trip restores identical answers and an identical snapshot")
    func roundTrip() throws {
        let learner = Self.trainedLearner()
        let snapshot = learner.snapshot()
        let data = try JSONEncoder().encode(snapshot)
        let decoded = try JSONDecoder().decode(RouteLearnerSnapshot.self, from: data)
        #expect(decoded == snapshot)
        let restored = try RouteLearner(restoring: decoded)
        #expect(restored.snapshot() == snapshot)
        #expect(restored.statistics == learner.statistics)

        var generator = LabelledPathGenerator(seed: 99)
        for _ in 0..<2_000 {
            let sample = generator.next()
            #expect(restored.template(service: sample.service, method: sample.method, path: sample.path)
                == learner.template(service: sample.service, method: sample.method, path: sample.path))
        }
        // The restored learner keeps learning.
        restored.observe(service: "storefront", method: "GET", path: "/brand-new/route")
        #expect(restored.statistics.nodeCount > learner.statistics.nodeCount)
    }

    @Test("a newer format version is rejected with a clear code")
    func newerVersion() {
        var snapshot = RouteLearner().snapshot()
        snapshot.formatVersion = RouteLearnerSnapshot.currentFormatVersion + 1
        let error = #expect(throws: InsightsError.self) { try RouteLearner(restoring: snapshot) }
        #expect(error?.code == .unsupportedSnapshotVersion)
    }

    @Test("corrupt snapshots are rejected, never trusted")
    func corrupt() {
        let good = Self.trainedLearner().snapshot()
        var mutations: [(String, (inout RouteLearnerSnapshot) -> Void)] = []
        mutations.append(("dangling child", { $0.nodes[0].wildcard = $0.nodes.count + 3 }))
        mutations.append(("shared node", { s in
            let key = s.scopes.keys.sorted()[0]
            s.scopes["other"] = s.scopes[key]
        }))
        mutations.append(("unknown state", { $0.nodes[1].state = "exploded" }))
        mutations.append(("negative counter", { $0.nodes[1].literalObservations = -1 }))
        mutations.append(("orphan node", { $0.nodes.append($0.nodes[$0.nodes.count - 1]) }))
        mutations.append(("bad configuration", { $0.configuration.fixedShare = 3 }))
        for (label, mutate) in mutations {
            var snapshot = good
            mutate(&snapshot)
            #expect(throws: InsightsError.self, "\(label)") { try RouteLearner(restoring: snapshot) }
        }
    }

    @Test("error descriptions carry no captured paths")
    func errorHygiene() {
        var snapshot = RouteLearner().snapshot()
        snapshot.scopes["secret-service"] = 42
        do {
            _ = try RouteLearner(restoring: snapshot)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidSnapshot)
            #expect(!error.description.contains("secret-service"))
        }
    }
}
