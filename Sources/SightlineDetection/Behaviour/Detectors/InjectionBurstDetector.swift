import SightlineCore

/// Detector 8: injection bursts. Events from one IP in which ``PayloadClassifier`` judges at
/// least one path segment or query value an attack, above a count in a window.
///
/// Values made only of letters, digits, `-`, `_` and single dots are skipped without calling
/// the classifier (no attack in the classifier's vocabulary fits in that alphabet); a path
/// containing `..` is also classified whole. Per IP ~250 B. Memory: ≤ `maxTrackedIPs` × ~250 B.
struct InjectionBurstDetector {
    private struct State {
        var hits = WindowedCount()
        var types: [AttackType: Int] = [:]
        var routes = WindowedDistinct(precision: 4)
        var evidence = EvidenceRing()
        var lastEmit: Int64 = neverEmitted
    }
    private var ips: BoundedTable<String, State>
    private let classifier = PayloadClassifier()
    private let config: InjectionBurstConfiguration
    private let window: Int64
    private let reemit: Int64
    private let evidenceLimit: Int
    /// Values passed to the classifier so far (for the benchmark).
    private(set) var classified = 0

    init(_ config: DetectionConfiguration) {
        self.config = config.injection
        window = self.config.window.micros
        reemit = config.reemitInterval.micros
        evidenceLimit = config.evidenceLimit
        ips = BoundedTable(capacity: self.config.maxTrackedIPs)
    }

    var trackedIPs: Int { ips.count }

    /// Whether `s` can skip classification.
    @inline(__always)
    static func isPlain(_ s: some StringProtocol) -> Bool {
        var previousDot = false
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                previousDot = false
            case UInt8(ascii: "."):
                if previousDot { return false }
                previousDot = true
            default:
                return false
            }
        }
        return true
    }

    private mutating func verdict(_ s: Substring) -> PayloadVerdict? {
        if Self.isPlain(s) { return nil }
        classified += 1
        let v = s.utf8.withContiguousStorageIfAvailable { classifier.classify(bytes: $0) }
            ?? classifier.classify(String(s))
        return v.attack ? v : nil
    }

    /// The first attack verdict among the event's path segments and query values.
    private mutating func firstAttack(_ e: Event) -> PayloadVerdict? {
        for seg in e.path.split(separator: "/") {
            if let v = verdict(seg) { return v }
        }
        if e.path.contains("..") {
            if let v = verdict(e.path[...]) { return v }
        }
        for q in e.query {
            if let v = verdict(q.value[...]) { return v }
        }
        return nil
    }

    mutating func observe(_ c: EventContext, into out: inout [Detection]) {
        guard config.classifyPayloads, let ip = c.ip, let verdict = firstAttack(c.event), let type = verdict.type else { return }
        let t = c.t
        let (window, reemit, limit, cfg) = (self.window, self.reemit, self.evidenceLimit, self.config)
        ips.update(ip, make: State()) { s in
            if s.hits.estimate(at: t, window: window) == 0 { s.types.removeAll() }
            s.hits.add(at: t, window: window)
            s.types[type, default: 0] += 1
            s.routes.insert(hash: c.routeHash, at: t, window: window)
            s.evidence.append(c.event.id, limit: limit)
            let hits = s.hits.estimate(at: t, window: window)
            guard hits >= Double(cfg.hits), t &- s.lastEmit >= reemit else { return }
            s.lastEmit = t
            let mix = s.types.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
                .map { "\($0.key.rawValue) ×\($0.value)" }.joined(separator: ", ")
            let routes = Int(s.routes.estimate(at: t, window: window).rounded())
            out.append(Detection(
                detector: .injectionBurst, entity: .init(.ip, ip),
                severity: Severity.scaled(.high, ratio: hits / Double(cfg.hits)), timestampMicros: t,
                explanation: "\(Int(hits)) requests carrying injection payloads (\(mix)) across \(routes) route(s) from \(ip) in \(minutes(window))",
                evidenceEventIDs: s.evidence.ordered))
        }
    }
}
