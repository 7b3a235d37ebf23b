/// How an OTLP/HTTP body is encoded.
public enum OTLPEncoding: String, Sendable, CaseIterable {
    /// Binary protobuf, `Content-Type: application/x-protobuf`.
    case protobuf
    /// The OTLP JSON mapping, `Content-Type: application/json`: lowerCamelCase names, trace and
    /// span ids as hex strings, enums as integers, 64-bit integers as strings or numbers.
    case json

    /// The encoding for a request's `Content-Type`, or `nil` when OTLP/HTTP has none for it (HTTP 415).
    ///
    /// Accepts `application/x-protobuf`, `application/protobuf` and `application/json`, with any
    /// parameters (`; charset=utf-8`) and in any case.
    ///
    /// ```swift
    /// OTLPEncoding(contentType: "application/json; charset=utf-8") // .json
    /// ```
    public init?(contentType: String) {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingASCIISpaces().lowercased()
        } ?? ""
        switch mediaType {
        case "application/x-protobuf", "application/protobuf", "application/vnd.google.protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    /// The `Content-Type` of a response in this encoding (OTLP answers in the request's encoding).
    public var contentType: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }
}

/// The three OTLP signals, by endpoint.
public enum OTLPSignal: String, Sendable, CaseIterable {
    /// `POST /v1/traces`
    case traces
    /// `POST /v1/logs`
    case logs
    /// `POST /v1/metrics` (answered, not stored)
    case metrics

    /// The OTLP/HTTP path of the signal.
    public var path: String { "/v1/\(rawValue)" }
}

extension Substring {
    func trimmingASCIISpaces() -> Substring {
        var slice = self
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
