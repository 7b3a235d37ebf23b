import Foundation
import Testing
@testable import SightlineDetection

/// Property tests: any input classifies without crashing, verdicts are well formed, and
/// input size is bounded.
struct FuzzTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let alphabet: [String] = [
        "'", "\"", "<", ">", "/", "\\", "%", "&", "#", ";", "|", "`", "$", "{", "}", "(", ")", "[", "]", "=", "-", "*",
        ".", "..", "../", "%2", "%25", "%u", "&#", "&#x", "\\u", "\\x", "${", "{{", "<%", "/*", "*/", "--", "select",
        "union", "or", "and", "sleep(", "<script", "onload=", "javascript:", "jndi:", "$ne", "http://", "0x", " ",
        "\t", "\n", "\u{0}", "é", "Ｓ", "\u{FEFF}", "😀", "\u{10FFFF}", "a", "1",
    ]

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix(state: 42)
        for _ in 0..<3000 {
            let n = Int.random(in: 0..<200, using: &rng)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let v = classifier.classify(bytes)
            #expect(v.score >= 0 && v.score <= 1)
            #expect(v.attack == (v.type != nil))
        }
    }

    @Test func randomTokenSoupNeverCrashes() {
        var rng = SplitMix(state: 7)
        for _ in 0..<3000 {
            let n = Int.random(in: 0..<40, using: &rng)
            let s = (0..<n).map { _ in Self.alphabet.randomElement(using: &rng)! }.joined()
            let v = classifier.classify(s)
            #expect(v.score >= 0 && v.score <= 1)
            #expect(!v.reason.isEmpty)
        }
    }

    @Test func randomUnicodeScalarsNeverCrash() {
        var rng = SplitMix(state: 99)
        for _ in 0..<1000 {
            var s = ""
            for _ in 0..<Int.random(in: 0..<60, using: &rng) {
                if let u = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &rng)) { s.unicodeScalars.append(u) }
            }
            _ = classifier.classify(s)
        }
    }

    @Test func hugeValuesAreCappedAndStillClassified() {
        // 100 KB of nested, quote-heavy junk: bounded work because input is capped at 16 KiB.
        let junk = String(repeating: "${{'(<a ", count: 12_500)
        let v = classifier.classify(junk)
        #expect(v.score >= 0 && v.score <= 1)
        let attack = "<script>alert(1)</script>" + String(repeating: "a", count: 100_000)
        #expect(classifier.classify(attack).type == .xss)
        let deep = String(repeating: "${", count: 50_000) + "jndi:ldap://x/a" + String(repeating: "}", count: 50_000)
        _ = classifier.classify(deep)
    }

    @Test func classificationIsDeterministic() {
        let values = ["' or 1=1--", "<svg onload=alert(1)>", "O'Brien", "../../etc/passwd"]
        for v in values { #expect(classifier.classify(v) == classifier.classify(v)) }
    }
}
