import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SightlineCore
import SightlineIngest
import SightlineInsights
import SightlineQuery
import SightlineSQLite
import SightlineStorage
import SightlineWAL

/// The HTTP API. Each handler checks its key scope first, then does one thing.
struct Routes: Sendable {
    let keys: KeyStore
    let ingestor: Ingestor
    let reader: any EventReader
    let telemetry: any TelemetryReader
    let metrics: ServerMetrics
    let wal: WriteAheadLog
    let applier: StoreApplier
    let queries: QueryEngine
    let rollups: any RollupStore
    let auth: DashboardAuth
    let security: SecurityMonitor
    let configuration: ServerConfiguration

    func register(on router: Router<SightlineRequestContext>) {
        router.get("/health") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("/metrics") { request, _ in
            try authorize(request, .read)
            let text = metrics.render(ingestor: ingestor, wal: wal, applier: applier)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
        router.post("/v1/events") { request, context in
            try await ingest(request, context: context)
        }
        router.get("/v1/events") { request, _ in
            try await listEvents(request)
        }
        registerMetrics(on: router)
        registerAuth(on: router)
        registerOTLP(on: router)
        registerTraces(on: router)
        registerIncidents(on: router)
        registerDashboard(on: router)
        router.post("/v1/query") { request, _ in
            try await query(request)
        }
        router.get("/v1/events/{id}") { request, context in
            try authorize(request, .read)
            let id = context.parameters.get("id") ?? ""
            guard let document = try await reader.event(id: id) else {
                throw APIError.notFound("no event with this id (events appear a moment after they are accepted)")
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }

    /// Checks `Authorization: Bearer <key>` against the project's keys and the needed scope; for
    /// the read scope a dashboard session cookie also admits, with its CSRF token on POSTs.
    func authorize(_ request: Request, _ scope: KeyStore.Scope) throws {
        guard let header = request.headers[.authorization] else {
            if scope == .read, let token = DashboardAuth.cookieToken(request) {
                guard let session = try auth.session(token: token, nowMicros: Sightline.nowMicros()) else {
                    throw APIError.unauthorized("the dashboard session has expired: sign in again")
                }
                if request.method != .get && request.method != .head {
                    guard let csrf = request.headers[HTTPField.Name("X-CSRF-Token")!], csrf == session.csrfToken else {
                        throw APIError(.forbidden, code: "csrf", message: "missing or wrong X-CSRF-Token header for this session")
                    }
                }
                return
            }
            throw APIError.unauthorized("missing 'Authorization: Bearer <key>' header; use the \(scope.rawValue) key printed on first start")
        }
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix else {
            throw APIError.unauthorized("the Authorization header must be 'Bearer <key>'")
        }
        let key = header.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        guard let granted = keys.scope(ofKey: key) else {
            throw APIError.unauthorized("unknown API key")
        }
        guard granted == scope else {
            throw APIError(.forbidden, code: "forbidden", message: "this is the \(granted.rawValue) key; this endpoint needs the \(scope.rawValue) key")
        }
    }

    // MARK: Ingest

    func ingest(_ request: Request, context: SightlineRequestContext) async throws -> Response {
        try authorize(request, .ingest)
        let body = try await ingestBody(request)
        let result: IngestResult
        do {
            result = try await ingestor.ingest(body)
        } catch {
            throw APIError(ingestError: error)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32 + result.rejected.count * 96)
        bytes.append(contentsOf: #"{"accepted":"#.utf8)
        bytes.append(contentsOf: String(result.accepted).utf8)
        bytes.append(contentsOf: #","rejected":["#.utf8)
        for (position, rejection) in result.rejected.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: #"{"index":"#.utf8)
            bytes.append(contentsOf: String(rejection.index).utf8)
            bytes.append(contentsOf: #","error":"#.utf8)
            JSONText.appendString(rejection.error, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(contentsOf: "]}".utf8)
        // 200 when all were accepted or some were; 400 when every event was invalid.
        let status: HTTPResponse.Status = result.accepted == 0 && !result.rejected.isEmpty ? .badRequest : .ok
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The request body, decompressed (gzip, deflate), within `--max-body-bytes`.
    func ingestBody(_ request: Request) async throws -> [UInt8] {
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: configuration.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "the body is larger than \(configuration.maxBodyBytes) bytes: send smaller batches")
        }
        if let encoding = request.headers[.contentEncoding]?.lowercased(), encoding != "identity" {
            guard encoding == "gzip" || encoding == "x-gzip" || encoding == "deflate" else {
                throw APIError(.unsupportedMediaType, code: "unsupported_encoding", message: "Content-Encoding '\(encoding.prefix(32))' is not supported: use gzip, deflate or none")
            }
            do {
                buffer = try buffer.decompress(with: encoding == "deflate" ? .deflate() : .gzip(), maxSize: configuration.maxBodyBytes)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw APIError(.contentTooLarge, code: "body_too_large", message: "the body is larger than \(configuration.maxBodyBytes) bytes once decompressed: send smaller batches")
            } catch {
                throw APIError.badRequest("the body is not valid \(encoding) data")
            }
        }
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    // MARK: Read

    static let listParameters: Set<String> = [
        "from", "to", "service", "method", "route", "path_prefix", "status", "consumer", "user", "session", "trace_id", "cursor", "limit",
    ]

    func listEvents(_ request: Request) async throws -> Response {
        try authorize(request, .read)
        let list = try ListParameters(request, known: Self.listParameters, maxPageSize: configuration.maxPageSize)
        let query = list.query
        var filter = EventFilter()
        filter.fromMicros = list.fromMicros
        filter.toMicros = list.toMicros
        filter.service = query.get("service")
        filter.method = query.get("method")?.uppercased()
        filter.route = query.get("route")
        filter.pathPrefix = query.get("path_prefix")
        filter.consumerID = query.get("consumer")
        filter.userID = query.get("user")
        filter.sessionID = query.get("session")
        filter.traceID = query.get("trace_id")?.lowercased()
        if let status = query.get("status") {
            if let code = Int(status), (100...599).contains(code) {
                filter.status = .exact(code)
            } else if status.count == 3, status.lowercased().hasSuffix("xx"), let digit = Int(status.prefix(1)), (1...5).contains(digit) {
                filter.status = .statusClass(digit)
            } else {
                throw APIError.badRequest("'status' must be a status code (404) or a class (4xx)")
            }
        }
        let page = try await reader.events(matching: filter, after: list.cursor, limit: list.limit)
        return Self.pageResponse("events", page)
    }

    /// `{"<name>": [documents], "next_cursor": "…"|null}`.
    static func pageResponse(_ name: StaticString, _ page: EventPage) -> Response {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(page.documents.reduce(64) { $0 + $1.count + 1 })
        bytes.append(contentsOf: "{\"\(name)\":".utf8)
        appendArray(page.documents, to: &bytes)
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

/// The parameters every newest-first listing shares: `from`, `to` (RFC 3339), `limit`
/// (1...max page size, 100 by default) and `cursor` (a `next_cursor` this server issued); names
/// outside `known` are refused, naming the known ones.
struct ListParameters {
    let query: Parameters
    let fromMicros: Int64?
    let toMicros: Int64?
    let limit: Int
    let cursor: EventCursor?

    init(_ request: Request, known: Set<String>, maxPageSize: Int) throws {
        let query = request.uri.queryParameters
        for (name, _) in query where !known.contains(String(name)) {
            throw APIError.badRequest("unknown query parameter '\(name.prefix(64))'; known: \(known.sorted().joined(separator: ", "))")
        }
        func time(_ name: String) throws -> Int64? {
            guard let text = query.get(name) else { return nil }
            guard let micros = Timestamp.parse(text) else {
                throw APIError.badRequest("'\(name)' must be an RFC 3339 date-time such as 2026-11-22T10:00:00Z")
            }
            return micros
        }
        self.query = query
        fromMicros = try time("from")
        toMicros = try time("to")
        var limit = 100
        if let text = query.get("limit") {
            guard let value = Int(text), value >= 1, value <= maxPageSize else {
                throw APIError.badRequest("'limit' must be an integer 1...\(maxPageSize)")
            }
            limit = value
        }
        self.limit = limit
        if let token = query.get("cursor") {
            guard let parsed = EventCursor(token: token) else {
                throw APIError.badRequest("'cursor' is not a cursor this server issued: pass next_cursor from the previous page as it is")
            }
            cursor = parsed
        } else {
            cursor = nil
        }
    }
}
