import Testing
@testable import SightlineDetection

struct BenignTests {
    static let tricky = lines("Tests/SightlineDetectionTests/Data/benign_tricky.txt")

    @Test func trickyListIsLoaded() {
        #expect(Self.tricky.count > 200)
    }

    @Test(arguments: tricky)
    func trickyValueIsBenign(_ value: String) {
        let v = classifier.classify(value)
        #expect(!v.attack, "false positive on \(value.debugDescription): \(v.reason)")
    }

    @Test func benignCorpusFalsePositiveRateIsLow() {
        let corpus = lines("Tests/SightlineDetectionTests/Data/benign_corpus.txt")
        #expect(corpus.count >= 5000)
        let flagged = corpus.filter { classifier.classify($0).attack }
        // At most 0.1 % of the corpus.
        #expect(Double(flagged.count) / Double(corpus.count) <= 0.001, "flagged: \(flagged.prefix(10))")
    }

    @Test(arguments: [
        "O'Brien", "D'Angelo", "Select Comfort", "x<y and y>z", "&lt;b&gt;", "report..final.pdf", "5-3", "1+1",
        "I'd like to select a seat or two from the list where it's quiet", "union station", "drop us a line",
        "Who wrote the script? O'Brien and D'Angelo.", "https://example.com/search?q=union+select&page=2",
        "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"}", "Hello {{name}}", "${HOME}",
        "SGVsbG8gV29ybGQ=", "550e8400-e29b-41d4-a716-446655440000", "JavaScript: The Good Parts",
        "sleep 8 hours", "Tom & Jerry", "name;email;phone", "a|b|c", "10.0.0.1", "C# and F#",
    ])
    func namedTrickyCases(_ value: String) {
        let v = classifier.classify(value)
        #expect(!v.attack, "false positive on \(value.debugDescription): \(v.reason)")
    }

    @Test func policyFlaggedValuesAreAttacks() {
        // Documented in docs/DETECTION.md: flagged by design.
        for value in lines("Tests/SightlineDetectionTests/Data/policy_flagged.txt") {
            #expect(classifier.classify(value).attack, "\(value.debugDescription) should be flagged by policy")
        }
    }
}

/// Second hand-written set (attacks and benign values) in styles the rules were not tuned on first.
struct ChallengeSetTests {
    @Test func challengeAttacksAreDetected() {
        let attacks = lines("Tests/SightlineDetectionTests/Data/challenge_attacks.txt")
        #expect(attacks.count >= 100)
        let missed = attacks.filter { !classifier.classify($0).attack }
        #expect(missed.isEmpty, "missed: \(missed)")
    }

    @Test func challengeBenignValuesAreBenign() {
        let benign = lines("Tests/SightlineDetectionTests/Data/challenge_benign.txt")
        #expect(benign.count >= 150)
        let flagged = benign.filter { classifier.classify($0).attack }
        #expect(flagged.isEmpty, "flagged: \(flagged)")
    }
}
