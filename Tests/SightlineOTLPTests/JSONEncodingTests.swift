import Foundation
import SwiftProtobuf
import SightlineCore
import Testing
@testable import SightlineOTLP

@Suite("OTLP JSON")
struct JSONEncodingTests {
    /// The shape the OpenTelemetry SDKs' JSON exporters send: lowerCamelCase names, hex ids,
    /// enums as integers, 64-bit integers as strings.
    static let body = #"""
    {"resourceSpans":[{"resource":{"attributes":[
        {"key":"service.name","value":{"stringValue":"checkout"}},
        {"key":"deployment.environment.name","value":{"stringValue":"staging"}},
        {"key":"telemetry.sdk.language","value":{"stringValue":"python"}}]},
      "scopeSpans":[{"scope":{"name":"opentelemetry.instrumentation.flask","version":"0.50b0"},
        "spans":[
          {"traceId":"0AF7651916CD43DD8448EB211C80319C","spanId":"B7AD6B7169203331","parentSpanId":"",
           "flags":256,"name":"GET /orders/{id}","kind":2,
           "startTimeUnixNano":"1795341600123456789","endTimeUnixNano":1795341600135956789,
           "attributes":[
             {"key":"http.request.method","value":{"stringValue":"GET"}},
             {"key":"url.path","value":{"stringValue":"/orders/42"}},
             {"key":"http.response.status_code","value":{"intValue":"200"}},
             {"key":"http.route","value":{"stringValue":"/orders/{id}"}},
             {"key":"big","value":{"intValue":"9007199254740993"}},
             {"key":"ratio","value":{"doubleValue":0.25}},
             {"key":"raw","value":{"bytesValue":"3q2+7w=="}},
             {"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"boolValue":true}]}}},
             {"key":"map","value":{"kvlistValue":{"values":[{"key":"x","value":{"intValue":1}}]}}},
             {"key":"empty","value":{}}],
           "events":[],"status":{"code":"STATUS_CODE_OK"},
           "someFutureField":{"nested":[1,2,3]}},
          {"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"00f067aa0ba902b7","parent_span_id":"b7ad6b7169203331",
           "name":"SELECT orders","kind":"SPAN_KIND_CLIENT","start_time_unix_nano":"1795341600124000000",
           "end_time_unix_nano":"1795341600125000000","status":{}}
        ]}]}]}
    """#

    @Test("hex ids, string and number int64s, integer and named enums, unknown fields")
    func pythonShape() throws {
        let result = try OTLPTraceMapper().map(Array(Self.body.utf8), encoding: .json, receivedAtMicros: receivedAt)
        checkInvariants(result)
        #expect(result.rejected.isEmpty)
        let event = try #require(result.events.first)
        #expect(event.id == "otel-\(traceHex)-\(spanHex)")
        #expect(event.traceID == traceHex)
        #expect(event.spanID == spanHex)
        #expect(event.timestampMicros == 1_795_341_600_123_456)
        #expect(event.durationMs == 12.5)
        #expect(event.status == 200)
        #expect(event.service == "checkout")
        let attributes = jsonObject(event.attributes)
        #expect(attributes["big"] as? Int == 9_007_199_254_740_993)
        #expect(attributes["ratio"] as? Double == 0.25)
        #expect(attributes["raw"] as? String == "3q2+7w==")
        #expect(attributes["tags"] as? [Any] != nil)
        #expect((attributes["map"] as? [String: Any])?["x"] as? Int == 1)
        #expect(attributes["empty"] is NSNull)
        #expect(attributes["otel.scope.name"] as? String == "opentelemetry.instrumentation.flask")
        let linked = try #require(result.otherSpans.first)
        #expect(linked.kind == .client)
        #expect(linked.spanID == "00f067aa0ba902b7")
        #expect(linked.parentSpanID == spanHex)
    }

    @Test("JSON and protobuf of the same request give the same result")
    func sameAsProtobuf() throws {
        let mapper = OTLPTraceMapper()
        let request = traceRequest([
            span(parent: [1, 1, 1, 1, 1, 1, 1, 1], attributes: [kv("http.request.method", "GET"), kv("url.path", "/a"), kv("x", value(bytes: [0, 255]))]),
            span(kind: .internal, id: [2, 2, 2, 2, 2, 2, 2, 2], attributes: [kv("n", 3)]),
        ])
        // swift-protobuf writes bytes fields as base64; rewrite the ids as OTLP JSON's hex.
        var json = try request.jsonString()
        for (bytes, field) in [(traceBytes, "traceId"), (spanBytes, "spanId"), ([UInt8](repeating: 1, count: 8), "parentSpanId"), ([UInt8](repeating: 2, count: 8), "spanId")] {
            let base64 = Data(bytes).base64EncodedString()
            json = json.replacingOccurrences(of: "\"\(field)\":\"\(base64)\"", with: "\"\(field)\":\"\(bytes.map { String(format: "%02x", $0) }.joined())\"")
        }
        #expect(!json.contains(Data(traceBytes).base64EncodedString()))
        let fromJSON = try mapper.map(Array(json.utf8), encoding: .json, receivedAtMicros: receivedAt)
        let fromProtobuf = try mapper.map(try protobufBytes(request), encoding: .protobuf, receivedAtMicros: receivedAt)
        #expect(fromJSON.events == fromProtobuf.events)
        #expect(fromJSON.otherSpans == fromProtobuf.otherSpans)
        #expect(fromJSON.events.count == 1 && fromJSON.otherSpans.count == 1)
    }

    @Test("ids that a sender base64-encoded anyway are accepted; malformed hex ids reject the span")
    func idForms() throws {
        func body(traceID: String) -> [UInt8] {
            Array(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"\#(traceID)","spanId":"b7ad6b7169203331","kind":2,"startTimeUnixNano":"1795341600123456789","attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}},{"key":"url.path","value":{"stringValue":"/"}}]}]}]}]}"#.utf8)
        }
        let base64 = Data(traceBytes).base64EncodedString()
        let accepted = try OTLPTraceMapper().map(body(traceID: base64), encoding: .json, receivedAtMicros: 0)
        #expect(accepted.events.first?.traceID == traceHex)
        // 32 characters of base64 that are not hex digits.
        let notHex = try OTLPTraceMapper().map(body(traceID: "zzf7651916cd43dd8448eb211c80319c"), encoding: .json, receivedAtMicros: 0)
        #expect(notHex.rejected.first?.error == "traceId: expected 32 hex digits, not all zero, got a string that is not 32 hex digits")
        let short = try OTLPTraceMapper().map(body(traceID: "0af7651916cd43dd8448eb21"), encoding: .json, receivedAtMicros: 0)
        #expect(short.rejected.first?.error == "traceId: expected 32 hex digits, not all zero, got a string that is not 32 hex digits")
    }

    @Test("a body that is not an export request is refused whole, without quoting it")
    func invalidBodies() {
        for (body, encoding) in [("{\"resourceSpans\": [", OTLPEncoding.json), ("not json at all secret-token", .json), ("\u{FF}\u{FF}\u{FF}", .protobuf), ("", .json)] {
            #expect {
                _ = try OTLPTraceMapper().map(Array(body.utf8), encoding: encoding, receivedAtMicros: 0)
            } throws: { error in
                guard let error = error as? OTLPError else { return false }
                return error.code == .invalidBody && error.httpStatus == 400 && !error.message.contains("secret-token")
                    && error.message.contains("ExportTraceServiceRequest")
            }
        }
    }

    @Test("an empty protobuf body is an empty export")
    func emptyProtobuf() throws {
        let result = try OTLPTraceMapper().map([], encoding: .protobuf, receivedAtMicros: 0)
        #expect(result.totalSpans == 0)
        #expect(result.responseBody(encoding: .protobuf).isEmpty)
    }

    @Test("Content-Type selects the encoding", arguments: [
        ("application/x-protobuf", OTLPEncoding.protobuf),
        ("application/protobuf", .protobuf),
        ("Application/JSON; charset=utf-8", .json),
        ("application/json", .json),
    ])
    func contentTypes(contentType: String, expected: OTLPEncoding) {
        #expect(OTLPEncoding(contentType: contentType) == expected)
    }

    @Test("unsupported content types give nil (HTTP 415)")
    func unsupportedContentTypes() {
        #expect(OTLPEncoding(contentType: "text/plain") == nil)
        #expect(OTLPEncoding(contentType: "application/x-ndjson") == nil)
    }
}
