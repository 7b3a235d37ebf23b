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
        let list = try ListParameters(request, known: Self.logListParameters, maxPageSize: configuration.maxPageSize)
        var filter = LogFilter(fromMicros: list.fromMicros, toMicros: list.toMicros)
        filter.service = list.query.get("service")
        filter.traceID = list.query.get("trace_id")?.lowercased()
        filter.bodyContains = list.query.get("q")
        if let level = list.query.get("level") {
            guard let severity = Self.levelSeverity[level.lowercased()] else {
                throw APIError.badRequest("'level' must be one of debug, info, warn, error")
            }
            filter.minimumSeverity = severity
        }
        let page = try await telemetry.logs(matching: filter, after: list.cursor, limit: list.limit)
        return Self.pageResponse("logs", page)
    }
}
