import Hummingbird
import NIOCore
import SightlineIngest

/// The one error type the HTTP layer answers with: a status, a stable code and a message that says
/// how to fix the problem, as `{"error": {"code": "...", "message": "..."}}`.
///
/// Invariant: messages never contain keys, captured payloads or SQL parameters.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var retryAfterSeconds: Int?
    /// Where in the request's text the problem is (a query's line and column, 1-based).
    public var position: (line: Int, column: Int)?
    /// A longer rendering of the problem, e.g. the query line with a caret under the error.
    public var detail: String?

    public init(_ status: HTTPResponse.Status, code: String, message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var bytes: [UInt8] = []
        bytes.append(contentsOf: #"{"error":{"code":"#.utf8)
        JSONText.appendString(code, to: &bytes)
        bytes.append(contentsOf: #","message":"#.utf8)
        JSONText.appendString(message, to: &bytes)
        if let position {
            bytes.append(contentsOf: #","line":\#(position.line),"column":\#(position.column)"#.utf8)
        }
        if let detail {
            bytes.append(contentsOf: #","detail":"#.utf8)
            JSONText.appendString(detail, to: &bytes)
        }
        bytes.append(contentsOf: "}}".utf8)
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"sightline\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An ingest failure that accepted nothing.
    init(ingestError error: IngestError) {
        switch error.code {
        case .badBatch: self.init(.badRequest, code: "bad_batch", message: error.message)
        case .tooLarge: self.init(.contentTooLarge, code: "batch_too_large", message: error.message)
        case .full: self.init(.serviceUnavailable, code: "wal_full", message: error.message, retryAfterSeconds: error.retryAfterSeconds)
        case .unavailable: self.init(.serviceUnavailable, code: "shutting_down", message: error.message, retryAfterSeconds: error.retryAfterSeconds)
        case .io: self.init(.internalServerError, code: "io", message: error.message)
        }
    }

    static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, code: "unauthorized", message: message) }
    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, code: "bad_request", message: message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not_found", message: message) }
}
