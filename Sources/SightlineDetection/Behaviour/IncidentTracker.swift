/// Merges detections into incidents, in memory.
///
/// A detection joins the newest incident with the same detector and entity when that incident
/// is not resolved and its last detection is within ``IncidentConfiguration/quietPeriod``
/// (event time); it then updates `lastSeen`, `count`, evidence (bounded), the maximum severity
/// and the explanation. Otherwise a new incident opens. At most
/// ``IncidentConfiguration/maxIncidents`` are kept (resolved, then least recently seen, drop first).
///
/// ```swift
/// var tracker = IncidentTracker()
/// let incident = tracker.record(detection)
/// tracker.acknowledge(id: incident.id)
/// let data = try JSONEncoder().encode(tracker.snapshot())
/// ```
public struct IncidentTracker: Sendable {
    private struct Key: Hashable, Sendable {
        var detector: DetectorKind
        var entity: DetectionEntity
    }
    public let configuration: IncidentConfiguration
    private var byID: [String: Incident] = [:]
    private var latest: [Key: String] = [:]
    private let quiet: Int64

    public init(configuration: IncidentConfiguration = .init()) {
        self.configuration = configuration
        quiet = configuration.quietPeriod.micros
    }

    /// Restores a tracker from a snapshot.
    public init(snapshot: IncidentSnapshot, configuration: IncidentConfiguration = .init()) {
        self.init(configuration: configuration)
        for incident in snapshot.incidents { insert(incident) }
    }

    private mutating func insert(_ incident: Incident) {
        byID[incident.id] = incident
        let key = Key(detector: incident.detector, entity: incident.entity)
        if let other = latest[key].flatMap({ byID[$0] }), other.firstSeenMicros > incident.firstSeenMicros { return }
        latest[key] = incident.id
    }

    /// Adds one detection; returns the incident it opened or updated.
    @discardableResult
    public mutating func record(_ d: Detection) -> Incident {
        let key = Key(detector: d.detector, entity: d.entity)
        if let id = latest[key], var inc = byID[id], inc.status != .resolved,
           d.timestampMicros - inc.lastSeenMicros <= quiet, d.timestampMicros >= inc.firstSeenMicros - quiet
        {
            inc.lastSeenMicros = max(inc.lastSeenMicros, d.timestampMicros)
            inc.count += 1
            inc.severity = max(inc.severity, d.severity)
            inc.explanation = d.explanation
            var evidence = inc.evidenceEventIDs
            for e in d.evidenceEventIDs where !evidence.contains(e) { evidence.append(e) }
            inc.evidenceEventIDs = Array(evidence.suffix(configuration.evidenceLimit))
            byID[id] = inc
            return inc
        }
        let inc = Incident(
            id: Incident.makeID(detector: d.detector, entity: d.entity, firstSeenMicros: d.timestampMicros),
            detector: d.detector, owaspCategory: d.owaspCategory, entity: d.entity, status: .open,
            severity: d.severity, firstSeenMicros: d.timestampMicros, lastSeenMicros: d.timestampMicros, count: 1,
            explanation: d.explanation, evidenceEventIDs: Array(d.evidenceEventIDs.suffix(configuration.evidenceLimit)))
        byID[inc.id] = inc
        latest[key] = inc.id
        if byID.count > configuration.maxIncidents { trim() }
        return inc
    }

    /// All incidents, ordered by first seen, then id.
    public var incidents: [Incident] {
        byID.values.sorted { ($0.firstSeenMicros, $0.id) < ($1.firstSeenMicros, $1.id) }
    }

    public func incident(id: String) -> Incident? { byID[id] }

    /// Marks an incident acknowledged; returns false when the id is unknown.
    @discardableResult
    public mutating func acknowledge(id: String) -> Bool { setStatus(.acknowledged, id: id) }

    /// Marks an incident resolved; the next matching detection opens a new incident.
    @discardableResult
    public mutating func resolve(id: String) -> Bool { setStatus(.resolved, id: id) }

    /// Resolves every unresolved incident quiet for longer than the quiet period at event time `now`.
    public mutating func resolveQuiet(now: Int64) {
        for (id, inc) in byID where inc.status != .resolved && now - inc.lastSeenMicros > quiet {
            byID[id]?.status = .resolved
        }
    }

    private mutating func setStatus(_ status: IncidentStatus, id: String) -> Bool {
        guard byID[id] != nil else { return false }
        byID[id]!.status = status
        return true
    }

    public func snapshot() -> IncidentSnapshot { IncidentSnapshot(incidents: incidents) }

    private mutating func trim() {
        let keep = configuration.maxIncidents * 9 / 10
        let ordered = byID.values.sorted {
            ($0.status == .resolved ? 0 : 1, $0.lastSeenMicros, $0.id) < ($1.status == .resolved ? 0 : 1, $1.lastSeenMicros, $1.id)
        }
        for inc in ordered.prefix(byID.count - keep) {
            byID[inc.id] = nil
            let key = Key(detector: inc.detector, entity: inc.entity)
            if latest[key] == inc.id { latest[key] = nil }
        }
    }
}
