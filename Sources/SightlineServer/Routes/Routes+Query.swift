import Foundation
import Hummingbird
import NIOCore
import SightlineCore
import SightlineQuery

/// `POST /v1/query`: runs one query of the query language (docs/specs/query-language.md).
///
/// Request: `{"query": "...", "from": "RFC 3339", "to": "RFC 3339", "exact": false}` (all but
/// `query` optional).
/// Answer: `{"columns": [{"name", "type"}], "rows": [[...]], "statistics": {"rows_scanned",
/// "rows_returned", "elapsed_ms"}}`; datetimes as RFC 3339 strings, booleans as JSON booleans.
extension Routes {
    /// Largest query request body.
    static let maxQueryBodyBytes = 1 << 20

    struct QueryRequest: Decodable {
        var query: String
        var from: String?
        var to: String?
        /// Read raw events even when rollups could answer (exact percentiles).
        var exact: Bool?
    }

    func query(_ request: Request) async throws -> Response {
        try authorize(request, .read)
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxQueryBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "a query request is limited to \(Self.maxQueryBodyBytes) bytes")
        }
        let body: QueryRequest
        do {
            body = try JSONDecoder().decode(QueryRequest.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError.badRequest(#"the body must be a JSON object {"query": "...", "from": "2026-11-22T10:00:00Z", "to": "..."} (from and to optional)"#)
        }
        func time(_ name: String, _ text: String?) throws -> Int64? {
            guard let text else { return nil }
            guard let micros = Timestamp.parse(text) else {
                throw APIError.badRequest("'\(name)' must be an RFC 3339 date-time such as 2026-11-22T10:00:00Z")
            }
            return micros
        }
        let from = try time("from", body.from)
        let to = try time("to", body.to)
        if let from, let to, from >= to {
            throw APIError.badRequest("'from' must be before 'to'")
        }
        let result: QueryResult
        do {
            result = try await queries.run(body.query, from: from, to: to, now: Sightline.nowMicros(), exact: body.exact ?? false)
        } catch let error as QueryError {
            throw APIError(queryError: error)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + result.rows.count * result.columns.count * 12)
        bytes.append(contentsOf: #"{"columns":["#.utf8)
        for (index, column) in result.columns.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: #"{"name":"#.utf8)
            JSONText.appendString(column.name, to: &bytes)
            bytes.append(contentsOf: #","type":"#.utf8)
            JSONText.appendString(column.type.rawValue, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(contentsOf: #"],"rows":["#.utf8)
        for (rowIndex, row) in result.rows.enumerated() {
            if rowIndex > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "["))
            for (index, value) in row.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.appendJSON(value, type: result.columns[index].type, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }
        let statistics = result.statistics
        bytes.append(contentsOf: #"],"statistics":{"rows_scanned":\#(statistics.rowsScanned),"rows_returned":\#(statistics.rowsReturned),"elapsed_ms":\#((statistics.elapsedMilliseconds * 1000).rounded() / 1000),"source":"\#(statistics.readRollups ? "rollups" : "events")"}}"#.utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// One result value as JSON, by its column type.
    static func appendJSON(_ value: SQLValue, type: ColumnType, to bytes: inout [UInt8]) {
        switch value {
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .int(let integer):
            switch type {
            case .datetime: JSONText.appendString(Timestamp.format(integer), to: &bytes)
            case .bool: bytes.append(contentsOf: (integer != 0 ? "true" : "false").utf8)
            default: bytes.append(contentsOf: String(integer).utf8)
            }
        case .real(let real):
            if type == .datetime, real.isFinite, abs(real) < 9e18 {
                JSONText.appendString(Timestamp.format(Int64(real)), to: &bytes)
            } else if real.isFinite {
                bytes.append(contentsOf: "\(real)".utf8)
            } else {
                bytes.append(contentsOf: "null".utf8)
            }
        case .text(let text):
            JSONText.appendString(text, to: &bytes)
        }
    }
}

extension APIError {
    /// A query that does not compile (400) or exceeds a limit (422), with its position and the
    /// query line marked with a caret.
    init(queryError error: QueryError) {
        switch error.code {
        case .rowLimitExceeded, .timeLimitExceeded:
            self.init(.unprocessableContent, code: error.code.rawValue, message: error.message)
        default:
            self.init(.badRequest, code: error.code.rawValue, message: error.message)
        }
        if error.line > 0 {
            position = (error.line, error.column)
            detail = error.description
        }
    }
}
