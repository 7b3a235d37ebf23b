import SwiftProtobuf

/// Helpers for the benchmark executable; not API (hence the underscore), not for the server.
public enum _OTLPBenchmarkSupport {
    /// Re-encodes an OTLP JSON trace export as protobuf (ids must be hex, as OTLP JSON has them).
    public static func protobufBody(fromOTLPJSON json: [UInt8]) throws(OTLPError) -> [UInt8] {
        var request = try RequestDecoding.decode(PBTraceRequest.self, from: json, encoding: .json, messageName: "ExportTraceServiceRequest")
        for r in request.resourceSpans.indices {
            for s in request.resourceSpans[r].scopeSpans.indices {
                for i in request.resourceSpans[r].scopeSpans[s].spans.indices {
                    var span = request.resourceSpans[r].scopeSpans[s].spans[i]
                    span.traceID = OTLPID.bytes(ofJSONID: span.traceID)
                    span.spanID = OTLPID.bytes(ofJSONID: span.spanID)
                    span.parentSpanID = OTLPID.bytes(ofJSONID: span.parentSpanID)
                    request.resourceSpans[r].scopeSpans[s].spans[i] = span
                }
            }
        }
        return (try? request.serializedBytes()) ?? []
    }
}

extension _OTLPBenchmarkSupport {
    /// Decodes only (no mapping); returns the span count.
    public static func decodeOnly(_ body: [UInt8], encoding: OTLPEncoding) throws(OTLPError) -> Int {
        let request = try RequestDecoding.decode(PBTraceRequest.self, from: body, encoding: encoding, messageName: "ExportTraceServiceRequest")
        return request.resourceSpans.reduce(0) { $0 + $1.scopeSpans.reduce(0) { $0 + $1.spans.count } }
    }
}
