/// The classification of one request value, with the evidence behind it.
///
/// `reason` names the rule(s) that fired and, for SQL, the token-type fingerprint. It never
/// quotes the value itself: verdicts are stored next to other people's traffic.
///
/// ```swift
/// let v = PayloadClassifier().classify("1' OR 1=1--")
/// // v.attack == true, v.type == .sqli
/// // v.reason == "sqli: string breakout (') then OR/AND clause ... [sql.breakout-boolean] ..."
/// ```
public struct PayloadVerdict: Sendable, Equatable, Hashable {
    /// Whether the value is judged an attack (score at or above the classifier's threshold).
    public var attack: Bool
    /// The attack type with the strongest evidence, or `nil` when no rule fired at all.
    public var type: AttackType?
    /// Combined evidence strength in `0...1` (noisy-OR of the fired rules' weights).
    public var score: Double
    /// Human-readable explanation: type, firing rule ids and token fingerprints.
    public var reason: String
    /// Ids of every rule that fired, strongest first (for tests and tooling).
    public var rules: [String]

    public init(attack: Bool, type: AttackType?, score: Double, reason: String, rules: [String] = []) {
        self.attack = attack
        self.type = type
        self.score = score
        self.reason = reason
        self.rules = rules
    }

    /// The verdict for a value in which no rule fired.
    public static let benign = PayloadVerdict(attack: false, type: nil, score: 0, reason: "benign: no rule fired")
}
