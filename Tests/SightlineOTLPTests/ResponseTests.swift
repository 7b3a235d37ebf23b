import Foundation
import SightlineCore
import SwiftProtobuf
import Testing
@testable import SightlineOTLP

@Suite("Export responses")
struct ResponseTests {
    @Test("partial success round-trips in protobuf and JSON, for every signal", arguments: OTLPSignal.allCases, OTLPEncoding.allCases)
    func roundTrip(signal: OTLPSignal, encoding: OTLPEncoding) throws {
        let bytes = OTLPResponse.partialSuccess(signal: signal, rejected: 3, message: "3 of 9 spans rejected", encoding: encoding)
        func decode<M: SwiftProtobuf.Message>(_: M.Type) throws -> M {
            encoding == .protobuf ? try M(serializedBytes: bytes) : try M(jsonUTF8Bytes: bytes)
        }
        switch signal {
        case .traces:
            let response = try decode(PBTraceResponse.self)
            #expect(response.partialSuccess.rejectedSpans == 3)
            #expect(response.partialSuccess.errorMessage == "3 of 9 spans rejected")
        case .logs:
            let response = try decode(PBLogsResponse.self)
            #expect(response.partialSuccess.rejectedLogRecords == 3)
            #expect(response.partialSuccess.errorMessage == "3 of 9 spans rejected")
        case .metrics:
            let response = try decode(PBMetricsResponse.self)
            #expect(response.partialSuccess.rejectedDataPoints == 3)
        }
    }

    @Test("JSON responses use the OTLP JSON names")
    func jsonNames() {
        let traces = String(decoding: OTLPResponse.partialSuccess(signal: .traces, rejected: 2, message: "m", encoding: .json), as: UTF8.self)
        #expect(traces == #"{"partialSuccess":{"rejectedSpans":"2","errorMessage":"m"}}"#)
        let logs = String(decoding: OTLPResponse.partialSuccess(signal: .logs, rejected: 1, message: "m", encoding: .json), as: UTF8.self)
        #expect(logs == #"{"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"m"}}"#)
    }

    @Test("full success is an empty response")
    func fullSuccess() {
        #expect(OTLPResponse.partialSuccess(signal: .traces, rejected: 0, message: "", encoding: .protobuf).isEmpty)
        #expect(String(decoding: OTLPResponse.partialSuccess(signal: .logs, rejected: 0, message: "", encoding: .json), as: UTF8.self) == "{}")
    }

    @Test("a trace result answers with its rejections")
    func resultResponse() throws {
        let result = try mapTraces(traceRequest([
            span(attributes: [kv("http.request.method", "GET"), kv("url.path", "/")]),
            span(attributes: [kv("http.request.method", "GET"), kv("url.path", "/"), kv("http.response.status_code", 99)]),
        ]))
        let response = try PBTraceResponse(serializedBytes: result.responseBody(encoding: .protobuf))
        #expect(response.partialSuccess.rejectedSpans == 1)
        #expect(response.partialSuccess.errorMessage == "1 of 2 spans rejected: span 1: attribute 'http.response.status_code' (status): expected an integer 100...599, got 99")
    }

    @Test("metrics are answered: every data point reported as not stored")
    func metrics() throws {
        var request = PBMetricsRequest()
        var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
        var scopeMetrics = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
        var gauge = Opentelemetry_Proto_Metrics_V1_Metric()
        gauge.name = "queue.depth"
        gauge.gauge.dataPoints = [.init(), .init()]
        var histogram = Opentelemetry_Proto_Metrics_V1_Metric()
        histogram.histogram.dataPoints = [.init()]
        scopeMetrics.metrics = [gauge, histogram]
        resourceMetrics.scopeMetrics = [scopeMetrics]
        request.resourceMetrics = [resourceMetrics]
        let body = try OTLPResponse.metricsNotStored(try protobufBytes(request), encoding: .protobuf)
        let response = try PBMetricsResponse(serializedBytes: body)
        #expect(response.partialSuccess.rejectedDataPoints == 3)
        #expect(response.partialSuccess.errorMessage.hasPrefix("Sightline does not store metrics"))

        // A metrics export as JSON, with data-point fields Sightline's schema leaves out.
        let json = #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"http.server.request.duration","sum":{"dataPoints":[{"asInt":"5","timeUnixNano":"1"},{"asDouble":1.5}],"aggregationTemporality":2,"isMonotonic":true}}]}]}]}"#
        #expect(try OTLPResponse.countDataPoints(Array(json.utf8), encoding: .json) == 2)
        #expect(OTLPSignal.metrics.path == "/v1/metrics")
    }
}
