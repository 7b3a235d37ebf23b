import Foundation
import SightlineCore
import SwiftProtobuf
import Testing
@testable import SightlineOTLP

// Builders for OTLP requests with the generated types.

func value(_ text: String) -> PBAnyValue { var v = PBAnyValue(); v.stringValue = text; return v }
func value(_ number: Int64) -> PBAnyValue { var v = PBAnyValue(); v.intValue = number; return v }
func value(double number: Double) -> PBAnyValue { var v = PBAnyValue(); v.doubleValue = number; return v }
func value(_ flag: Bool) -> PBAnyValue { var v = PBAnyValue(); v.boolValue = flag; return v }
func value(bytes: [UInt8]) -> PBAnyValue { var v = PBAnyValue(); v.bytesValue = Data(bytes); return v }
func value(array: [PBAnyValue]) -> PBAnyValue { var v = PBAnyValue(); v.arrayValue.values = array; return v }
func value(kvlist: [PBKeyValue]) -> PBAnyValue { var v = PBAnyValue(); v.kvlistValue.values = kvlist; return v }

func kv(_ key: String, _ v: PBAnyValue) -> PBKeyValue { var pair = PBKeyValue(); pair.key = key; pair.value = v; return pair }
func kv(_ key: String, _ text: String) -> PBKeyValue { kv(key, value(text)) }
func kv(_ key: String, _ number: Int64) -> PBKeyValue { kv(key, value(number)) }

let traceBytes: [UInt8] = [0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd, 0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c]
let traceHex = "0af7651916cd43dd8448eb211c80319c"
let spanBytes: [UInt8] = [0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31]
let spanHex = "b7ad6b7169203331"
/// 2026-11-22T10:00:00.123456Z in nanoseconds.
let startNanos: UInt64 = 1_795_341_600_123_456_789
let receivedAt: Int64 = 1_795_341_601_000_000

func span(
    kind: PBSpan.SpanKind = .server,
    name: String = "GET /orders/{id}",
    trace: [UInt8] = traceBytes,
    id: [UInt8] = spanBytes,
    parent: [UInt8] = [],
    start: UInt64 = startNanos,
    durationNanos: UInt64 = 12_500_000,
    attributes: [PBKeyValue],
    status: PBStatus.StatusCode = .unset,
    statusMessage: String = "",
    events: [PBSpan.Event] = []
) -> PBSpan {
    var span = PBSpan()
    span.traceID = Data(trace)
    span.spanID = Data(id)
    span.parentSpanID = Data(parent)
    span.name = name
    span.kind = kind
    span.startTimeUnixNano = start
    span.endTimeUnixNano = start + durationNanos
    span.attributes = attributes
    span.status.code = status
    span.status.message = statusMessage
    span.events = events
    return span
}

func resource(_ attributes: [PBKeyValue]) -> PBResource {
    var resource = PBResource()
    resource.attributes = attributes
    return resource
}

let defaultResource = resource([kv("service.name", "shop"), kv("deployment.environment.name", "prod")])

func traceRequest(_ spans: [PBSpan], resource: PBResource = defaultResource, scope: String = "test-scope") -> PBTraceRequest {
    var scopeSpans = PBScopeSpans()
    scopeSpans.scope.name = scope
    scopeSpans.spans = spans
    var resourceSpans = PBResourceSpans()
    resourceSpans.resource = resource
    resourceSpans.scopeSpans = [scopeSpans]
    var request = PBTraceRequest()
    request.resourceSpans = [resourceSpans]
    return request
}

func protobufBytes(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
    try message.serializedBytes()
}

/// Maps a request through the public API (serialized as protobuf).
func mapTraces(_ request: PBTraceRequest, mapper: OTLPTraceMapper = OTLPTraceMapper()) throws -> OTLPTraceResult {
    let result = try mapper.map(try protobufBytes(request), encoding: .protobuf, receivedAtMicros: receivedAt)
    checkInvariants(result)
    return result
}

func mapOne(_ attributes: [PBKeyValue], kind: PBSpan.SpanKind = .server, status: PBStatus.StatusCode = .unset, statusMessage: String = "", events: [PBSpan.Event] = []) throws -> Event? {
    let result = try mapTraces(traceRequest([span(kind: kind, attributes: attributes, status: status, statusMessage: statusMessage, events: events)]))
    return result.events.first
}

/// Every event must read back unchanged through SightlineCore's own decoder, and every span must
/// be accounted for exactly once.
func checkInvariants(_ result: OTLPTraceResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.events.count + result.otherSpans.count + result.rejected.count == result.totalSpans, sourceLocation: sourceLocation)
    for event in result.events {
        expectCanonical(event, sourceLocation: sourceLocation)
    }
    for linked in result.otherSpans {
        #expect(linked.traceID.utf8.count == 32 && linked.spanID.utf8.count == 16, sourceLocation: sourceLocation)
        if let attributes = linked.attributes { expectValidJSON(attributes.bytes, sourceLocation: sourceLocation) }
        if let events = linked.events { expectValidJSON(events.bytes, sourceLocation: sourceLocation) }
    }
}

func expectCanonical(_ event: Event, sourceLocation: SourceLocation = #_sourceLocation) {
    let encoded = EventEncoder.encode(event)
    let decoded = encoded.withUnsafeBytes { EventDecoder.decodeEvent($0) }
    switch decoded {
    case .success(var back):
        var expected = event
        expected.level = event.effectiveLevel
        // The canonical form gathers repeated query names; compare parameters grouped by name.
        expected.query = grouped(expected.query)
        back.query = grouped(back.query)
        #expect(back == expected, sourceLocation: sourceLocation)
    case .failure(let error):
        Issue.record("event does not satisfy the event format: \(error)", sourceLocation: sourceLocation)
    }
}

private func grouped(_ query: [QueryParameter]) -> [QueryParameter] {
    var order: [String] = []
    var values: [String: [String]] = [:]
    for parameter in query {
        if values[parameter.name] == nil { order.append(parameter.name) }
        values[parameter.name, default: []].append(parameter.value)
    }
    return order.flatMap { name in values[name]!.map { QueryParameter(name: name, value: $0) } }
}

func expectValidJSON(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect((try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil, "not valid JSON", sourceLocation: sourceLocation)
}

func jsonObject(_ raw: RawJSON?) -> [String: Any] {
    guard let raw, let object = try? JSONSerialization.jsonObject(with: Data(raw.bytes)) as? [String: Any] else { return [:] }
    return object
}

func fixture(_ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return Array(try Data(contentsOf: url))
}

/// A small, seeded generator so that fuzz runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
