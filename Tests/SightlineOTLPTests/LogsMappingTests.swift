import Foundation
import SightlineCore
import Testing
@testable import SightlineOTLP

@Suite("Log records → linked logs")
struct LogsMappingTests {
    func record(
        time: UInt64 = startNanos, observed: UInt64 = 0, severity: Int = 9, text: String = "INFO",
        body: PBAnyValue? = value("order 42 loaded"), trace: [UInt8] = traceBytes, span: [UInt8] = spanBytes,
        attributes: [PBKeyValue] = []
    ) -> PBLogRecord {
        var record = PBLogRecord()
        record.timeUnixNano = time
        record.observedTimeUnixNano = observed
        record.severityNumber = .init(rawValue: severity) ?? .unspecified
        record.severityText = text
        if let body { record.body = body }
        record.traceID = Data(trace)
        record.spanID = Data(span)
        record.attributes = attributes
        return record
    }

    func request(_ records: [PBLogRecord]) -> PBLogsRequest {
        var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scopeLogs.scope.name = "checkout.orders"
        scopeLogs.logRecords = records
        var resourceLogs = PBResourceLogs()
        resourceLogs.resource = defaultResource
        resourceLogs.scopeLogs = [scopeLogs]
        var request = PBLogsRequest()
        request.resourceLogs = [resourceLogs]
        return request
    }

    func map(_ records: [PBLogRecord]) throws -> OTLPLogsResult {
        try OTLPLogsMapper().map(try protobufBytes(request(records)), encoding: .protobuf, receivedAtMicros: receivedAt)
    }

    @Test("a log record keeps time, severity, body, ids, service and attributes")
    func basic() throws {
        let result = try map([record(observed: startNanos + 5000, attributes: [kv("code.line.number", 92)])])
        let log = try #require(result.logs.first)
        #expect(log.timestampMicros == Int64(startNanos / 1000))
        #expect(log.observedMicros == Int64(startNanos / 1000) + 5)
        #expect(log.severityNumber == 9)
        #expect(log.severityText == "INFO")
        #expect(log.level == .info)
        #expect(log.body == "order 42 loaded")
        #expect(log.traceID == traceHex)
        #expect(log.spanID == spanHex)
        #expect(log.service == "shop")
        #expect(log.environment == "prod")
        #expect(log.scope == "checkout.orders")
        #expect(log.receivedAtMicros == receivedAt)
        #expect(jsonObject(log.attributes)["code.line.number"] as? Int == 92)
        #expect(jsonObject(log.attributes)["service.name"] == nil)
    }

    @Test("bodies that are not strings are kept as JSON text; an absent body is nil")
    func bodies() throws {
        let result = try map([
            record(body: value(kvlist: [kv("event", "login"), kv("ok", value(true))])),
            record(body: value(7)),
            record(body: nil),
        ])
        #expect(result.logs.map(\.body) == [#"{"event":"login","ok":true}"#, "7", nil])
    }

    @Test("time falls back to the observed time, then to the receive time")
    func timeFallback() throws {
        let result = try map([record(time: 0, observed: startNanos), record(time: 0, observed: 0)])
        #expect(result.logs.map(\.timestampMicros) == [Int64(startNanos / 1000), receivedAt])
    }

    @Test("records without trace context are fine; malformed ids and huge bodies are rejected")
    func rejections() throws {
        var configuration = OTLPLogsMapper.Configuration()
        configuration.limits.maxLogBodyBytes = 10
        let records = [
            record(trace: [], span: []),
            record(trace: [1, 2, 3]),
            record(span: [1]),
            record(body: value("this body is too long")),
        ]
        let result = try OTLPLogsMapper(configuration: configuration).map(try protobufBytes(request(records)), encoding: .protobuf, receivedAtMicros: 0)
        #expect(result.logs.count == 0)
        configuration.limits.maxLogBodyBytes = 1000
        let ok = try OTLPLogsMapper(configuration: configuration).map(try protobufBytes(request(records)), encoding: .protobuf, receivedAtMicros: 0)
        #expect(ok.logs.count == 2)
        #expect(ok.logs[0].traceID == nil && ok.logs[0].spanID == nil)
        #expect(ok.rejected.map(\.index) == [1, 2])
        #expect(ok.rejected.map(\.error) == [
            "traceId: expected empty or 16 bytes, not all zero, got 3 bytes",
            "spanId: expected empty or 8 bytes, not all zero, got 1 bytes",
        ])
        #expect(result.rejected.last?.error == "body: expected at most 10 bytes, got 21 bytes")
        #expect(ok.partialSuccessMessage.hasPrefix("2 of 4 log records rejected: log record 1: traceId"))
    }

    @Test("severity numbers map to levels; text is used when the number is unspecified", arguments: [
        (1, "", Level?.some(.debug)), (5, "", .debug), (9, "", .info), (13, "", .warn), (17, "", .error), (21, "", .error),
        (0, "Warning", .warn), (0, "FATAL", .error), (0, "", nil), (0, "chatty", nil),
    ])
    func levels(number: Int, text: String, level: Level?) {
        let log = LinkedLog(timestampMicros: 1, severityText: text.isEmpty ? nil : text, severityNumber: number, service: "s", receivedAtMicros: 1)
        #expect(log.level == level)
    }

    @Test("OTLP JSON logs: hex ids, string int64s")
    func json() throws {
        let body = #"""
        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
          "scopeLogs":[{"scope":{"name":"app"},"logRecords":[
            {"timeUnixNano":"1795341600123456789","severityNumber":17,"severityText":"ERROR",
             "body":{"stringValue":"payment failed"},"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
             "eventName":"payment.failed","flags":1}]}]}]}
        """#
        let result = try OTLPLogsMapper().map(Array(body.utf8), encoding: .json, receivedAtMicros: 0)
        let log = try #require(result.logs.first)
        #expect(log.traceID == traceHex)
        #expect(log.spanID == spanHex)
        #expect(log.level == .error)
        #expect(log.eventName == "payment.failed")
        #expect(log.body == "payment failed")
        #expect(log.service == "checkout")
    }
}
