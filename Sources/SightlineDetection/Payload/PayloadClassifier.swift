/// Classifies one request value (path segment, query or form value, header value, JSON
/// leaf) as benign or as one of the ``AttackType``s, and explains why.
///
/// Invariants:
/// - Every verdict names the rule(s) that fired; no verdict comes from an opaque model.
/// - The value is normalised first (``PayloadNormalizer``); detectors see only the
///   normalised form, capped at 16 KiB, so cost is bounded per value.
/// - Reasons contain rule ids, keywords from the detectors' own vocabularies and token-type
///   fingerprints, never text copied from the value.
///
/// ```swift
/// let classifier = PayloadClassifier()
/// let verdict = classifier.classify("1' OR 1=1-- ")
/// if verdict.attack { print(verdict.type!.rawValue, verdict.reason) }
/// ```
public struct PayloadClassifier: Sendable {
    /// Verdicts with a score at or above this are attacks.
    public var threshold: Double
    private let weights: [Double]

    /// A classifier with the weights learned from the bundled training data.
    public init() {
        self.init(ruleWeights: LearnedRuleWeights.weights)
    }

    /// A classifier with explicit per-rule weights (rule id → weight in 0...1); rules not in
    /// the dictionary use their prior. Used by cross-validation.
    public init(ruleWeights: [String: Double], threshold: Double = 0.5) {
        self.threshold = threshold
        self.weights = PayloadRule.allCases.map { rule in
            min(max(ruleWeights[rule.rawValue] ?? rule.prior, 0), 0.999)
        }
    }

    private static let ruleIndex: [PayloadRule: Int] = {
        var d: [PayloadRule: Int] = [:]
        for (i, r) in PayloadRule.allCases.enumerated() { d[r] = i }
        return d
    }()

    /// The weight the classifier uses for `rule`.
    public func weight(of rule: PayloadRule) -> Double { weights[Self.ruleIndex[rule]!] }

    /// Classifies a value given as a string.
    public func classify(_ value: String) -> PayloadVerdict {
        var value = value
        return value.withUTF8 { classify(bytes: $0) }
    }

    /// Classifies a value given as raw bytes (UTF-8 or anything else; never fails).
    public func classify(_ bytes: [UInt8]) -> PayloadVerdict {
        bytes.withUnsafeBufferPointer { classify(bytes: $0) }
    }

    /// Classifies raw bytes without copying them first.
    public func classify(bytes: UnsafeBufferPointer<UInt8>) -> PayloadVerdict {
        verdict(from: Self.evidence(for: bytes))
    }

    /// Every rule that fires on `value`, with its detail, before weighting.
    public static func firedRules(_ value: String) -> [(rule: PayloadRule, detail: String)] {
        evidence(for: Array(value.utf8)).map { ($0.rule, $0.detail) }
    }

    /// The verdict for rules already fired (see ``firedRules(_:)``), under this classifier's
    /// weights and threshold. Lets cross-validation re-weight without re-running detectors.
    public func verdict(for fired: [(rule: PayloadRule, detail: String)]) -> PayloadVerdict {
        verdict(from: fired.map { Evidence($0.rule, $0.detail) })
    }

    static func evidence(for input: some Collection<UInt8>) -> [Evidence] {
        let v = PayloadNormalizer.normalize(input)
        let b = v.bytes
        guard !b.isEmpty else { return [] }
        var present = [Bool](repeating: false, count: 128)
        for c in b where c < 128 { present[Int(c)] = true }
        var ev: [Evidence] = []
        SQLInjectionDetector.detect(v, into: &ev)
        if present[0x3C] || present[0x3A] || present[0x28] || present[0x26] || present[0x2E] {  // < : ( & .
            XSSDetector.detect(v, into: &ev)
        }
        CommandInjectionDetector.detect(v, into: &ev)
        if present[0x2E] || present[0x2F] || present[0x5C] {  // . / \
            PathTraversalDetector.detect(v, into: &ev)
        }
        if present[0x3A] || present[0x2F] || present[0x2E] {  // : / .
            SSRFDetector.detect(v, into: &ev)
        }
        if present[0x7B] || present[0x25] {  // { %
            TemplateInjectionDetector.detect(v, into: &ev)
        }
        if present[0x24] || present[0x27] || present[0x22] {  // $ ' "
            NoSQLInjectionDetector.detect(v, into: &ev)
        }
        // Server-side code that runs a process (`<?php system(...) ?>`) is command injection,
        // not XSS: drop the bare server-tag evidence when nothing else points to the browser.
        if ev.contains(where: { $0.rule == .cmdCodeExec }), ev.contains(where: { $0.rule == .xssServerTag }),
           !ev.contains(where: { $0.rule.type == .xss && $0.rule != .xssServerTag }) {
            ev.removeAll { $0.rule == .xssServerTag }
        }
        if v.decodeRounds >= 2, !ev.isEmpty {
            for k in ev.indices { ev[k].detail += ev[k].detail.isEmpty ? "after \(v.decodeRounds) decoding rounds" : "; after \(v.decodeRounds) decoding rounds" }
        }
        return ev
    }

    func verdict(from ev: [Evidence]) -> PayloadVerdict {
        guard !ev.isEmpty else { return .benign }
        var keep = [Double](repeating: 1, count: AttackType.allCases.count)
        var best: [Int: (Evidence, Double)] = [:]
        func typeIndex(_ t: AttackType) -> Int { AttackType.allCases.firstIndex(of: t)! }
        for e in ev {
            let w = weights[Self.ruleIndex[e.rule]!]
            let ti = typeIndex(e.rule.type)
            keep[ti] *= (1 - w)
            if best[ti].map({ w > $0.1 }) ?? true { best[ti] = (e, w) }
        }
        let scores = keep.map { 1 - $0 }
        var chosen: AttackType? = nil
        for t in AttackType.priority where scores[typeIndex(t)] >= threshold { chosen = t; break }
        let attack = chosen != nil
        if chosen == nil {
            chosen = AttackType.allCases.max { scores[typeIndex($0)] < scores[typeIndex($1)] }
        }
        let type = chosen!
        let ti = typeIndex(type)
        let score = (scores[ti] * 1000).rounded() / 1000
        let sorted = ev.sorted { weights[Self.ruleIndex[$0.rule]!] > weights[Self.ruleIndex[$1.rule]!] }
        let top = best[ti]!.0
        var reason = "\(type.rawValue): \(top.rule.summary)"
        if !top.detail.isEmpty { reason += " — \(top.detail)" }
        reason += " [\(top.rule.rawValue)]"
        let others = sorted.filter { $0.rule != top.rule }.map { $0.rule.rawValue }
        if !others.isEmpty { reason += "; also \(others.joined(separator: ", "))" }
        if !attack { reason = "benign: below threshold (\(type.rawValue) \(score)) — " + reason }
        return PayloadVerdict(attack: attack, type: attack ? type : nil, score: score, reason: reason,
                              rules: sorted.map { $0.rule.rawValue })
    }
}
