/// A run of detections by one detector about one entity, merged while it stays active.
///
/// Invariants:
/// - `id` is a pure function of detector, entity and `firstSeenMicros` (stable across restarts
///   and replays): `inc-` + 16 hex digits of a stable 64-bit hash.
/// - `firstSeenMicros ≤ lastSeenMicros`; `count ≥ 1` is the number of merged detections;
///   `severity` is the maximum seen; `evidenceEventIDs` is bounded (most recent last).
public struct Incident: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var detector: DetectorKind
    public var owaspCategory: OWASPCategory
    public var entity: DetectionEntity
    public var status: IncidentStatus
    public var severity: Severity
    public var firstSeenMicros: Int64
    public var lastSeenMicros: Int64
    public var count: Int
    /// The explanation of the most recent detection.
    public var explanation: String
    public var evidenceEventIDs: [String]

    /// The deterministic incident id for a detector, entity and first-seen time.
    public static func makeID(detector: DetectorKind, entity: DetectionEntity, firstSeenMicros: Int64) -> String {
        let key = "\(detector.rawValue)|\(entity.kind.rawValue)|\(entity.value)|\(firstSeenMicros)"
        return "inc-" + StableHash.hex(StableHash.hash(key))
    }
}

/// Where an incident is in its life cycle.
public enum IncidentStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// New detections merge into it.
    case open
    /// Seen by a person; new detections still merge into it.
    case acknowledged
    /// Closed; the next detection for the same detector and entity opens a new incident.
    case resolved
}

/// The persistable state of an ``IncidentTracker``.
public struct IncidentSnapshot: Sendable, Equatable, Codable {
    public var version: Int = 1
    /// Incidents ordered by first seen, then id.
    public var incidents: [Incident]
    public init(incidents: [Incident]) { self.incidents = incidents }
}
