import Hummingbird
import NIOCore
import SightlineCore
import SightlineStorage

/// Reading what OpenTelemetry sent besides API events (read key):
/// - `GET /v1/traces/{trace_id}`: the trace's API events, other spans and log records, oldest
///   first: `{"trace_id", "events": [...], "spans": [...], "logs": [...], "truncated": false}`.
/// - `GET /v1/logs`: log records newest first, with `from`, `to`, `service`, `trace_id`, `level`
///   (that level and above: debug, info, warn, error), `q` (text in the body), `limit` and
///   `cursor` (as `GET /v1/events`): `{"logs": [...], "next_cursor": "…"|null}`.
///
/// Invariants: documents are returned byte for byte as stored; parameters are validated (an
/// unknown one is an error naming the known ones) and reach the store as bound values only.
extension Routes {
    static let logListParameters: Set<String> = ["from", "to", "service", "trace_id", "level", "q", "cursor", "limit"]

    /// The lowest OpenTelemetry severity number of each Sightline level.
    static let levelSeverity: [String: Int] = ["debug": 1, "info": 9, "warn": 13, "error": 17]

    func registerTraces(on router: Router<SightlineRequestContext>) {
        router.get("/v1/traces/{trace_id}") { request, context in
            try authorize(request, .read)
            let traceID = (context.parameters.get("trace_id") ?? "").lowercased()
            guard traceID.utf8.count == 32, traceID.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw APIError.badRequest("a trace id is 32 hexadecimal digits")
            }
            let records = try await telemetry.trace(id: traceID, limit: configuration.maxPageSize)
            guard !records.isEmpty else {
                throw APIError.notFound("nothing is stored for this trace (items appear a moment after they are accepted)")
            }
            var bytes: [UInt8] = []
            bytes.append(contentsOf: #"{"trace_id":"#.utf8)
            JSONText.appendString(traceID, to: &bytes)
            for (name, documents) in [("events", records.eventDocuments), ("spans", records.spanDocuments), ("logs", records.logDocuments)] {
                bytes.append(contentsOf: ",\"\(name)\":".utf8)
                Self.appendArray(documents, to: &bytes)
            }
            bytes.append(contentsOf: #","truncated":"#.utf8)
            bytes.append(contentsOf: (records.truncated ? "true" : "false").utf8)
            bytes.append(UInt8(ascii: "}"))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("/v1/logs") { request, _ in
            try await listLogs(request)
        }
    }

    func listLogs(_ request: Request) async throws -> Response {
        try authorize(request, .read)
        let query = request.uri.queryParameters
        for (name, _) in query where !Self.logListParameters.contains(String(name)) {
            throw APIError.badRequest("unknown query parameter '\(name.prefix(64))'; known: \(Self.logListParameters.sorted().joined(separator: ", "))")
        }
        var filter = LogFilter()
        func time(_ name: String) throws -> Int64? {
            guard let text = query.get(name) else { return nil }
            guard let micros = Timestamp.parse(text) else {
                throw APIError.badRequest("'\(name)' must be an RFC 3339 date-time such as 2026-11-22T10:00:00Z")
            }
            return micros
        }
        filter.fromMicros = try time("from")
        filter.toMicros = try time("to")
        filter.service = query.get("service")
        filter.traceID = query.get("trace_id")?.lowercased()
        filter.bodyContains = query.get("q")
        if let level = query.get("level") {
            guard let severity = Self.levelSeverity[level.lowercased()] else {
                throw APIError.badRequest("'level' must be one of debug, info, warn, error")
            }
            filter.minimumSeverity = severity
        }
        var limit = 100
        if let text = query.get("limit") {
            guard let value = Int(text), value >= 1, value <= configuration.maxPageSize else {
                throw APIError.badRequest("'limit' must be an integer 1...\(configuration.maxPageSize)")
            }
            limit = value
        }
        var cursor: EventCursor?
        if let token = query.get("cursor") {
            guard let parsed = EventCursor(token: token) else {
                throw APIError.badRequest("'cursor' is not a cursor this server issued: pass next_cursor from the previous page as it is")
            }
            cursor = parsed
        }
        let page = try await telemetry.logs(matching: filter, after: cursor, limit: limit)
        var bytes: [UInt8] = []
        bytes.append(contentsOf: #"{"logs":"#.utf8)
        Self.appendArray(page.documents, to: &bytes)
        bytes.append(contentsOf: #","next_cursor":"#.utf8)
        if let next = page.nextCursor {
            JSONText.appendString(next.token, to: &bytes)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        bytes.append(UInt8(ascii: "}"))
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func appendArray(_ documents: [[UInt8]], to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "["))
        for (position, document) in documents.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: document)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
