import Foundation
import Hummingbird
import NIOCore
import SightlineCore
import SightlineInsights

/// `GET /v1/metrics/{overview,endpoints,endpoint,consumers}`: per-endpoint metrics from rollups.
///
/// Every one takes `from`/`to` (RFC 3339; default: the last hour) and answers JSON with snake_case
/// keys (see `MetricsModels.swift` and docs/specs/metrics.md).
extension Routes {
    static let metricsParameters: [String: Set<String>] = [
        "overview": ["from", "to", "service"],
        "endpoints": ["from", "to", "service", "method"],
        "endpoint": ["from", "to", "service", "method", "route"],
        "consumers": ["from", "to"],
    ]

    func registerMetrics(on router: Router<SightlineRequestContext>) {
        let metricsService = MetricsService(store: rollups)
        router.get("/v1/metrics/overview") { request, _ in
            let query = try metricsQuery(request, "overview")
            return try json(await metricsService.overview(from: query.from, to: query.to, service: query.get("service")))
        }
        router.get("/v1/metrics/endpoints") { request, _ in
            let query = try metricsQuery(request, "endpoints")
            return try json(await metricsService.endpoints(from: query.from, to: query.to, service: query.get("service"), method: query.get("method")?.uppercased()))
        }
        router.get("/v1/metrics/endpoint") { request, _ in
            let query = try metricsQuery(request, "endpoint")
            guard let service = query.get("service"), let method = query.get("method"), let route = query.get("route") else {
                throw APIError.badRequest("'service', 'method' and 'route' are required")
            }
            let id = EndpointID(service: service, method: method.uppercased(), route: route)
            return try json(await metricsService.endpoint(id, from: query.from, to: query.to))
        }
        router.get("/v1/metrics/consumers") { request, _ in
            let query = try metricsQuery(request, "consumers")
            return try json(await metricsService.consumers(from: query.from, to: query.to))
        }
    }

    struct MetricsQuery {
        var from: Int64
        var to: Int64
        var parameters: [String: String]
        func get(_ name: String) -> String? { parameters[name] }
    }

    /// Checks the key, refuses unknown parameters, and reads the time range.
    func metricsQuery(_ request: Request, _ name: String) throws -> MetricsQuery {
        try authorize(request, .read)
        let allowed = Self.metricsParameters[name] ?? []
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            guard allowed.contains(String(key)) else {
                throw APIError.badRequest("unknown query parameter '\(key.prefix(64))'; known: \(allowed.sorted().joined(separator: ", "))")
            }
            parameters[String(key)] = String(value)
        }
        let now = Sightline.nowMicros()
        func time(_ key: String, _ fallback: Int64) throws -> Int64 {
            guard let text = parameters[key] else { return fallback }
            guard let micros = Timestamp.parse(text) else {
                throw APIError.badRequest("'\(key)' must be an RFC 3339 date-time such as 2026-11-22T10:00:00Z")
            }
            return micros
        }
        let to = try time("to", now)
        let from = try time("from", to - 3_600_000_000)
        guard from < to else { throw APIError.badRequest("'from' must be before 'to'") }
        guard to - from <= 366 * 86_400_000_000 else { throw APIError.badRequest("the range is limited to one year") }
        return MetricsQuery(from: from, to: to, parameters: parameters)
    }

    func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
