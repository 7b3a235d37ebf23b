import SightlineCore

/// Detector 7: exfiltration / scraping. Response bytes or requests of one consumer in a window
/// far above both its own baseline (EWMA of its active windows) and its peers' (the median
/// baseline across warmed-up consumers, recomputed once per window of event time).
///
/// A consumer still warming up is compared with the peer median only; anomalous windows do
/// not update the baseline. Per consumer ~150 B;
/// the median recomputation sorts ≤ `maxTrackedConsumers` numbers once per window.
struct ExfiltrationDetector {
    private struct State {
        var window: Int64 = .min
        var bytes: Int64 = 0
        var requests = 0
        var baselineBytes = 0.0
        var baselineRequests = 0.0
        var activeWindows = 0
        var anomalous = false
        var evidence = EvidenceRing()
        var lastEmit: Int64 = neverEmitted
    }
    private var consumers: BoundedTable<String, State>
    private let config: ExfiltrationConfiguration
    private let windowLength: Int64
    private let reemit: Int64
    private let evidenceLimit: Int
    private var peerWindow: Int64 = .min
    private var peerBytes: Double? = nil
    private var peerRequests: Double? = nil

    init(_ config: DetectionConfiguration) {
        self.config = config.exfiltration
        windowLength = self.config.window.micros
        reemit = config.reemitInterval.micros
        evidenceLimit = config.evidenceLimit
        consumers = BoundedTable(capacity: self.config.maxTrackedConsumers)
    }

    var trackedConsumers: Int { consumers.count }

    private mutating func refreshPeers(_ w: Int64) {
        peerWindow = w
        var b: [Double] = []
        var r: [Double] = []
        for s in consumers.values where s.activeWindows >= config.warmupWindows {
            b.append(s.baselineBytes)
            r.append(s.baselineRequests)
        }
        guard b.count >= config.minPeers else { peerBytes = nil; peerRequests = nil; return }
        b.sort()
        r.sort()
        peerBytes = b[b.count / 2]
        peerRequests = r[r.count / 2]
    }

    mutating func observe(_ c: EventContext, into out: inout [Detection]) {
        guard let key = c.consumer else { return }
        let t = c.t
        let w = t / windowLength
        if w > peerWindow { refreshPeers(w) }
        let size = max(0, c.event.responseSize ?? 0)
        let (cfg, reemit, limit, windowLength) = (config, self.reemit, evidenceLimit, self.windowLength)
        let (peerBytes, peerRequests) = (self.peerBytes, self.peerRequests)
        consumers.update(key, make: State()) { s in
            if w > s.window {
                if s.window != .min, s.requests > 0, !s.anomalous {
                    let a = cfg.alpha
                    if s.activeWindows == 0 {
                        s.baselineBytes = Double(s.bytes)
                        s.baselineRequests = Double(s.requests)
                    } else {
                        s.baselineBytes += a * (Double(s.bytes) - s.baselineBytes)
                        s.baselineRequests += a * (Double(s.requests) - s.baselineRequests)
                    }
                    s.activeWindows += 1
                }
                s.window = w
                s.bytes = 0
                s.requests = 0
                s.anomalous = false
            }
            s.bytes += size
            s.requests += 1
            let warmed = s.activeWindows >= cfg.warmupWindows
            guard warmed || peerBytes != nil else { return }
            let ownBytes = warmed ? s.baselineBytes : (peerBytes ?? 0)
            let ownRequests = warmed ? s.baselineRequests : (peerRequests ?? 0)
            let bytesLimit = max(Double(cfg.minBytes), cfg.selfFactor * ownBytes, cfg.peerFactor * (peerBytes ?? 0))
            let requestsLimit = max(Double(cfg.minRequests), cfg.selfFactor * ownRequests, cfg.peerFactor * (peerRequests ?? 0))
            let overBytes = Double(s.bytes) >= bytesLimit
            let overRequests = Double(s.requests) >= requestsLimit
            guard overBytes || overRequests else { return }
            s.anomalous = true
            s.evidence.append(c.event.id, limit: limit)
            guard t &- s.lastEmit >= reemit else { return }
            s.lastEmit = t
            let ratio = max(Double(s.bytes) / bytesLimit, Double(s.requests) / requestsLimit)
            let own = warmed ? "own baseline \(bytes(s.baselineBytes)) / \(Int(s.baselineRequests)) requests" : "not warmed up"
            let peers = peerBytes.map { "peer median \(bytes($0)) / \(Int(peerRequests ?? 0)) requests" } ?? "no peer median"
            out.append(Detection(
                detector: .exfiltration, entity: .init(.consumer, key), severity: Severity.scaled(.high, ratio: ratio),
                timestampMicros: t,
                explanation: "consumer \(key) pulled \(bytes(Double(s.bytes))) in \(s.requests) requests within \(minutes(windowLength)) (\(own); \(peers))",
                evidenceEventIDs: s.evidence.ordered))
        }
    }
}
