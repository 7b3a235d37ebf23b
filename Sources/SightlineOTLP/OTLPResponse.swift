import SightlineCore
import SwiftProtobuf

/// Bodies of the answers to OTLP/HTTP exports.
///
/// Invariants (OTLP/HTTP): a handled export is answered `200` with the signal's
/// `Export*ServiceResponse` in the request's encoding. With nothing rejected and no message the
/// response is empty (`partial_success` unset: full success). Otherwise `partial_success` holds
/// the number rejected and a message; with 0 rejected and a message it is a warning.
public enum OTLPResponse {
    /// The export response for `signal` with `partial_success` set when `rejected > 0` or `message` is not empty.
    ///
    /// ```swift
    /// let body = OTLPResponse.partialSuccess(signal: .traces, rejected: 2, message: "2 of 10 spans rejected", encoding: .json)
    /// // {"partialSuccess":{"rejectedSpans":"2","errorMessage":"2 of 10 spans rejected"}}
    /// ```
    public static func partialSuccess(signal: OTLPSignal, rejected: Int64, message: String, encoding: OTLPEncoding) -> [UInt8] {
        let full = rejected == 0 && message.isEmpty
        switch signal {
        case .traces:
            var response = PBTraceResponse()
            if !full {
                response.partialSuccess.rejectedSpans = rejected
                response.partialSuccess.errorMessage = message
            }
            return serialize(response, encoding)
        case .logs:
            var response = PBLogsResponse()
            if !full {
                response.partialSuccess.rejectedLogRecords = rejected
                response.partialSuccess.errorMessage = message
            }
            return serialize(response, encoding)
        case .metrics:
            var response = PBMetricsResponse()
            if !full {
                response.partialSuccess.rejectedDataPoints = rejected
                response.partialSuccess.errorMessage = message
            }
            return serialize(response, encoding)
        }
    }

    /// The answer to `POST /v1/metrics`: Sightline keeps no metrics, so every data point of the
    /// export is reported rejected (and the sender told why), which OTLP senders do not retry.
    ///
    /// - Throws: ``OTLPError`` when the body is not a valid `ExportMetricsServiceRequest`.
    public static func metricsNotStored(_ body: [UInt8], encoding: OTLPEncoding) throws(OTLPError) -> [UInt8] {
        let points = try countDataPoints(body, encoding: encoding)
        let message = points == 0 ? "" : "Sightline does not store metrics: \(points) data points were discarded; send traces to /v1/traces and logs to /v1/logs"
        return partialSuccess(signal: .metrics, rejected: points, message: message, encoding: encoding)
    }

    /// The number of data points in an `ExportMetricsServiceRequest`.
    public static func countDataPoints(_ body: [UInt8], encoding: OTLPEncoding) throws(OTLPError) -> Int64 {
        let request = try RequestDecoding.decode(PBMetricsRequest.self, from: body, encoding: encoding, messageName: "ExportMetricsServiceRequest")
        var count = 0
        for resourceMetrics in request.resourceMetrics {
            for scopeMetrics in resourceMetrics.scopeMetrics {
                for metric in scopeMetrics.metrics {
                    switch metric.data {
                    case .gauge(let data): count += data.dataPoints.count
                    case .sum(let data): count += data.dataPoints.count
                    case .histogram(let data): count += data.dataPoints.count
                    case .exponentialHistogram(let data): count += data.dataPoints.count
                    case .summary(let data): count += data.dataPoints.count
                    case nil: break
                    }
                }
            }
        }
        return Int64(count)
    }

    private static func serialize(_ message: some SwiftProtobuf.Message, _ encoding: OTLPEncoding) -> [UInt8] {
        // Serializing these small, fully initialised messages cannot fail.
        switch encoding {
        case .protobuf: return (try? message.serializedBytes()) ?? []
        case .json: return (try? message.jsonUTF8Bytes()) ?? Array("{}".utf8)
        }
    }

    /// "2 of 10 spans rejected: span 3: …; span 7: …" — at most three reasons, each at most 300 bytes.
    static func summary(_ rejected: [Rejection], total: Int, noun: String, itemNoun: String) -> String {
        guard !rejected.isEmpty else { return "" }
        var text = "\(rejected.count) of \(total) \(noun) rejected: "
        text += rejected.prefix(3).map { "\(itemNoun) \($0.index): \(SpanMapping.truncate($0.error, to: 300))" }.joined(separator: "; ")
        if rejected.count > 3 { text += "; and \(rejected.count - 3) more" }
        return text
    }
}
