import Foundation
import Hummingbird
import NIOCore
import SightlineCore
import SightlineIngest
import SightlineOTLP

/// OTLP/HTTP: `POST /v1/traces`, `/v1/logs`, `/v1/metrics` (protobuf or JSON, gzip), with the
/// ingest key (`Authorization: Bearer <key>`, e.g. `OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <key>"`).
///
/// Invariants:
/// - HTTP server spans become events, other spans and log records are kept linked to their
///   trace; all go through the same durable path as `POST /v1/events`: the answer comes only
///   after they are in the write-ahead log (one log batch per export: all or nothing).
/// - Nothing is dropped silently: every item not stored (an invalid span or log record, a metric
///   data point) is counted as rejected in the OTLP partial-success answer, with a message that
///   says why.
extension Routes {
    func registerOTLP(on router: Router<SightlineRequestContext>) {
        let traces = OTLPTraceMapper()
        let logs = OTLPLogsMapper()
        router.post("/v1/traces") { request, _ in
            let (body, encoding) = try await otlpBody(request)
            let result: OTLPTraceResult
            do {
                result = try traces.map(body, encoding: encoding, receivedAtMicros: Sightline.nowMicros())
            } catch let error as OTLPError {
                throw APIError(otlpError: error)
            }
            if !result.events.isEmpty || !result.otherSpans.isEmpty {
                do {
                    try await ingestor.ingest(events: result.events, spans: result.otherSpans, logs: [])
                } catch let error as IngestError {
                    throw APIError(ingestError: error)
                }
            }
            return otlpResponse(result.responseBody(encoding: encoding), encoding: encoding)
        }
        router.post("/v1/logs") { request, _ in
            let (body, encoding) = try await otlpBody(request)
            let result: OTLPLogsResult
            do {
                result = try logs.map(body, encoding: encoding, receivedAtMicros: Sightline.nowMicros())
            } catch let error as OTLPError {
                throw APIError(otlpError: error)
            }
            if !result.logs.isEmpty {
                do {
                    try await ingestor.ingest(events: [], spans: [], logs: result.logs)
                } catch let error as IngestError {
                    throw APIError(ingestError: error)
                }
            }
            return otlpResponse(result.responseBody(encoding: encoding), encoding: encoding)
        }
        router.post("/v1/metrics") { request, _ in
            let (body, encoding) = try await otlpBody(request)
            do {
                return otlpResponse(try OTLPResponse.metricsNotStored(body, encoding: encoding), encoding: encoding)
            } catch let error as OTLPError {
                throw APIError(otlpError: error)
            }
        }
    }

    /// Checks the ingest key and the content type, and reads the (decompressed) body.
    func otlpBody(_ request: Request) async throws -> ([UInt8], OTLPEncoding) {
        try authorize(request, .ingest)
        let contentType = request.headers[.contentType] ?? "application/x-protobuf"
        guard let encoding = OTLPEncoding(contentType: contentType) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "OTLP/HTTP takes application/x-protobuf or application/json")
        }
        return (try await ingestBody(request), encoding)
    }

    func otlpResponse(_ body: [UInt8], encoding: OTLPEncoding) -> Response {
        Response(status: .ok, headers: [.contentType: encoding.contentType], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension APIError {
    init(otlpError error: OTLPError) {
        self.init(HTTPResponse.Status(code: error.httpStatus), code: error.code.rawValue, message: error.message)
    }
}
