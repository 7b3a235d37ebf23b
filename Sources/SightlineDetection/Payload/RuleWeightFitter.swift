/// Learns per-rule weights from labelled values: a rule's weight is its smoothed precision,
/// `(hits on its own type + 2 * prior) / (hits on its own type + hits on benign values + 2)`.
/// Hits on values labelled with another attack type are left out: a value carries one
/// label, but `<a href="http://2130706433/">` is XSS *and* SSRF, and the data must not teach
/// the SSRF rule that it is wrong there. Rules that fire on benign values get a low weight
/// and stop deciding verdicts on their own; rules that never fired keep their prior.
///
/// Deliberately tiny: the learned numbers are one per named rule, so a verdict stays
/// explainable ("rule X fired; X is right 99.8% of the time on the training data").
///
/// ```swift
/// var fitter = RuleWeightFitter()
/// for (value, label) in labelled { fitter.add(fired: PayloadClassifier.firedRules(value).map(\.rule), label: label) }
/// let classifier = PayloadClassifier(ruleWeights: fitter.weights)
/// ```
public struct RuleWeightFitter: Sendable {
    private var hits: [PayloadRule: Int] = [:]
    private var correct: [PayloadRule: Int] = [:]
    /// Pseudo-count of the prior in the smoothing.
    public var priorStrength: Double = 2

    public init() {}

    /// Records one labelled value (`label` nil for benign) and the rules that fired on it.
    public mutating func add(fired: [PayloadRule], label: AttackType?) {
        for r in Set(fired) {
            if label == r.type {
                hits[r, default: 0] += 1
                correct[r, default: 0] += 1
            } else if label == nil {
                hits[r, default: 0] += 1
            }
        }
    }

    /// Rule id → learned weight, for every rule that fired at least once.
    public var weights: [String: Double] {
        var w: [String: Double] = [:]
        for (r, h) in hits {
            w[r.rawValue] = (Double(correct[r] ?? 0) + priorStrength * r.prior) / (Double(h) + priorStrength)
        }
        return w
    }
}
