import SightlineCore

/// Detector 6: rate abuse / DoS. Requests per minute of one consumer or one IP far above its
/// own baseline — an EWMA of its completed active minutes, trusted after a warm-up — or above
/// an absolute ceiling (which needs no warm-up).
///
/// Idle minutes do not decay the baseline (it is the rate *when active*); anomalous minutes do
/// not update it, so a sustained attack never becomes the new normal (a legitimate step change
/// keeps alerting until the operator raises the thresholds or resolves the key). Per key: ~120 B. Memory: ≤ (`maxTrackedIPs` + `maxTrackedConsumers`) × ~120 B.
struct RateAbuseDetector {
    private struct State {
        var minute: Int64 = .min
        var count = 0
        var baseline = 0.0
        var activeMinutes = 0
        var threshold = Int.max
        var anomalous = false
        var evidence = EvidenceRing()
        var lastEmit: Int64 = neverEmitted
    }
    private var consumers: BoundedTable<String, State>
    private var ips: BoundedTable<String, State>
    private let config: RateAbuseConfiguration
    private let reemit: Int64
    private let evidenceLimit: Int
    static let minute: Int64 = 60_000_000

    init(_ config: DetectionConfiguration) {
        self.config = config.rateAbuse
        reemit = config.reemitInterval.micros
        evidenceLimit = config.evidenceLimit
        consumers = BoundedTable(capacity: self.config.maxTrackedConsumers)
        ips = BoundedTable(capacity: self.config.maxTrackedIPs)
    }

    var trackedIPs: Int { ips.count }
    var trackedConsumers: Int { consumers.count }

    mutating func observe(_ c: EventContext, into out: inout [Detection]) {
        if let k = c.consumer {
            Self.observe(key: k, kind: .consumer, ceiling: config.ceilingPerConsumerPerMinute, table: &consumers,
                         c, config, reemit, evidenceLimit, &out)
        }
        if let ip = c.ip {
            Self.observe(key: ip, kind: .ip, ceiling: config.ceilingPerIPPerMinute, table: &ips,
                         c, config, reemit, evidenceLimit, &out)
        }
    }

    private static func observe(
        key: String, kind: DetectionEntity.Kind, ceiling: Int, table: inout BoundedTable<String, State>,
        _ c: EventContext, _ cfg: RateAbuseConfiguration, _ reemit: Int64, _ limit: Int, _ out: inout [Detection]
    ) {
        let t = c.t
        let minute = t / Self.minute
        table.update(key, make: State()) { s in
            if minute > s.minute {
                if s.minute != .min, s.count > 0, !s.anomalous {
                    s.baseline = s.activeMinutes == 0 ? Double(s.count) : s.baseline + cfg.alpha * (Double(s.count) - s.baseline)
                    s.activeMinutes += 1
                }
                s.minute = minute
                s.count = 0
                s.anomalous = false
                s.threshold = ceiling
                if s.activeMinutes >= cfg.warmupMinutes {
                    s.threshold = min(ceiling, max(cfg.minPerMinute, Int((cfg.factor * s.baseline).rounded(.up))))
                }
            }
            s.count += 1
            guard s.count >= s.threshold else { return }
            s.anomalous = true
            s.evidence.append(c.event.id, limit: limit)
            guard t &- s.lastEmit >= reemit else { return }
            s.lastEmit = t
            let warmed = s.activeMinutes >= cfg.warmupMinutes
            let times = warmed && s.baseline > 0 ? Double(s.count) / s.baseline : 0
            let ratio = warmed ? times / cfg.factor : Double(s.count) / Double(ceiling)
            let base = s.count >= ceiling ? Severity.high : .medium
            let baselineText = warmed
                ? "baseline \(String(Double(Int(s.baseline * 10)) / 10))/min, \(String(Double(Int(times * 10)) / 10))×"
                : "no baseline yet, ceiling \(ceiling)/min"
            out.append(Detection(
                detector: .rateAbuse, entity: .init(kind, key), severity: Severity.scaled(base, ratio: ratio),
                timestampMicros: t,
                explanation: "\(s.count) requests within 1 min from \(kind.rawValue) \(key) (\(baselineText))",
                evidenceEventIDs: s.evidence.ordered))
        }
    }
}
