import Foundation
import Hummingbird
import NIOCore
import SightlineCore
import SightlineDetection

/// `GET /v1/incidents`, `GET /v1/incidents/{id}`, `POST /v1/incidents/{id}/acknowledge|resolve`:
/// what the security detectors found (docs/specs/detectors.md). Read key or dashboard session
/// (with its CSRF token on POSTs).
extension Routes {
    static let incidentParameters: Set<String> = ["from", "to", "detector", "entity", "status", "limit"]

    func registerIncidents(on router: Router<SightlineRequestContext>) {
        router.get("/v1/incidents") { request, _ in
            try authorize(request, .read)
            let query = request.uri.queryParameters
            for (name, _) in query where !Self.incidentParameters.contains(String(name)) {
                throw APIError.badRequest("unknown query parameter '\(name.prefix(64))'; known: \(Self.incidentParameters.sorted().joined(separator: ", "))")
            }
            func time(_ name: String) throws -> Int64? {
                guard let text = query.get(name) else { return nil }
                guard let micros = Timestamp.parse(text) else { throw APIError.badRequest("'\(name)' must be an RFC 3339 date-time") }
                return micros
            }
            let from = try time("from")
            let to = try time("to")
            var detector: DetectorKind?
            if let text = query.get("detector") {
                guard let kind = DetectorKind(rawValue: text) else {
                    throw APIError.badRequest("'detector' must be one of \(DetectorKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                detector = kind
            }
            var status: IncidentStatus?
            if let text = query.get("status") {
                guard let value = IncidentStatus(rawValue: text) else { throw APIError.badRequest("'status' must be open, acknowledged or resolved") }
                status = value
            }
            let entity = query.get("entity")
            let limit = min(max(Int(query.get("limit") ?? "") ?? 100, 1), 1000)
            let incidents = security.engine.incidents.filter { incident in
                (from.map { incident.lastSeenMicros >= $0 } ?? true) && (to.map { incident.firstSeenMicros < $0 } ?? true)
                    && (detector.map { incident.detector == $0 } ?? true) && (status.map { incident.status == $0 } ?? true)
                    && (entity.map { incident.entity.value == $0 || incident.entity.description == $0 } ?? true)
            }.sorted { ($0.lastSeenMicros, $0.id) > ($1.lastSeenMicros, $1.id) }.prefix(limit)
            return try json(IncidentList(incidents: incidents.map(IncidentView.init)))
        }
        router.get("/v1/incidents/{id}") { request, context in
            try authorize(request, .read)
            guard let incident = security.engine.withTracker({ $0.incident(id: context.parameters.get("id") ?? "") }) else {
                throw APIError.notFound("no incident with this id")
            }
            return try json(IncidentView(incident))
        }
        for (action, status) in [("acknowledge", IncidentStatus.acknowledged), ("resolve", .resolved)] {
            router.post(RouterPath(stringLiteral: "/v1/incidents/{id}/\(action)")) { request, context in
                try authorize(request, .read)
                let id = context.parameters.get("id") ?? ""
                guard security.setStatus(status, id: id), let incident = security.engine.withTracker({ $0.incident(id: id) }) else {
                    throw APIError.notFound("no incident with this id")
                }
                return try json(IncidentView(incident))
            }
        }
    }
}

/// `GET /v1/incidents`.
struct IncidentList: Encodable {
    var incidents: [IncidentView]
}

/// One incident as the API shows it (times RFC 3339).
struct IncidentView: Encodable {
    var id: String
    var detector: String
    var owaspCategory: String
    var entity: [String: String]
    var status: String
    var severity: String
    var firstSeen: String
    var lastSeen: String
    var count: Int
    var explanation: String
    var evidenceEventIDs: [String]

    init(_ incident: Incident) {
        id = incident.id
        detector = incident.detector.rawValue
        owaspCategory = incident.owaspCategory.rawValue
        entity = ["kind": incident.entity.kind.rawValue, "value": incident.entity.value]
        status = incident.status.rawValue
        severity = incident.severity.rawValue
        firstSeen = Timestamp.format(incident.firstSeenMicros)
        lastSeen = Timestamp.format(incident.lastSeenMicros)
        count = incident.count
        explanation = incident.explanation
        evidenceEventIDs = incident.evidenceEventIDs
    }

    enum CodingKeys: String, CodingKey {
        case id, detector, owaspCategory = "owasp_category", entity, status, severity, firstSeen = "first_seen", lastSeen = "last_seen"
        case count, explanation, evidenceEventIDs = "evidence_event_ids"
    }
}
