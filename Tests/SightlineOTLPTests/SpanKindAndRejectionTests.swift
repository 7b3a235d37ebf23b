import Foundation
import SightlineCore
import Testing
@testable import SightlineOTLP

@Suite("Kinds, linked spans and rejections")
struct SpanKindAndRejectionTests {
    let http = [kv("http.request.method", "GET"), kv("url.path", "/x"), kv("http.route", "/x")]

    @Test("only HTTP server spans become events", arguments: [
        (PBSpan.SpanKind.server, true),
        (.client, false),
        (.producer, false),
        (.consumer, false),
        (.internal, true),      // carries method and path: an HTTP server span without its kind set
        (.unspecified, true),
    ])
    func kinds(kind: PBSpan.SpanKind, isEvent: Bool) throws {
        let result = try mapTraces(traceRequest([span(kind: kind, attributes: http)]))
        #expect(result.events.count == (isEvent ? 1 : 0))
        #expect(result.otherSpans.count == (isEvent ? 0 : 1))
        if !isEvent { #expect(result.otherSpans.first?.kind.rawValue == kind.rawValue) }
    }

    @Test("a SERVER span without HTTP attributes (gRPC) and an INTERNAL span without a path are linked spans")
    func nonHTTP() throws {
        let result = try mapTraces(traceRequest([
            span(kind: .server, name: "shop.Cart/Add", attributes: [kv("rpc.system", "grpc")]),
            span(kind: .internal, name: "render", id: [9, 9, 9, 9, 9, 9, 9, 9], attributes: [kv("http.request.method", "GET")]),
        ]))
        #expect(result.events.isEmpty)
        #expect(result.otherSpans.map(\.name) == ["shop.Cart/Add", "render"])
        #expect(result.rejected.isEmpty)
    }

    @Test("linked spans keep ids, times, status, attributes and span events")
    func linkedSpan() throws {
        var event = PBSpan.Event()
        event.name = "cache.miss"
        event.timeUnixNano = startNanos + 2_000_000
        event.attributes = [kv("cache.key.size", 12)]
        let result = try mapTraces(traceRequest([
            span(kind: .client, name: "GET", parent: spanBytes.reversed(), durationNanos: 3_000_000,
                 attributes: [kv("http.request.method", "GET"), kv("url.full", "http://inventory/stock")],
                 status: .error, statusMessage: "refused", events: [event]),
        ]))
        let linked = try #require(result.otherSpans.first)
        #expect(linked.traceID == traceHex)
        #expect(linked.spanID == spanHex)
        #expect(linked.parentSpanID == "31332069716badb7")
        #expect(linked.kind == .client)
        #expect(linked.startMicros == Int64(startNanos / 1000))
        #expect(linked.durationMs == 3)
        #expect(linked.service == "shop")
        #expect(linked.environment == "prod")
        #expect(linked.status == .error)
        #expect(linked.statusMessage == "refused")
        #expect(linked.scope == "test-scope")
        #expect(linked.receivedAtMicros == receivedAt)
        let attributes = jsonObject(linked.attributes)
        #expect(attributes["url.full"] as? String == "http://inventory/stock")
        #expect(attributes["service.name"] == nil)
        let eventsJSON = try #require(linked.events)
        let events = try #require(try JSONSerialization.jsonObject(with: Data(eventsJSON.bytes)) as? [[String: Any]])
        #expect(events.count == 1)
        #expect(events[0]["name"] as? String == "cache.miss")
        #expect(events[0]["timestamp"] as? String == "2026-11-22T10:00:00.125456Z")
        #expect((events[0]["attributes"] as? [String: Any])?["cache.key.size"] as? Int == 12)
    }

    @Test("invalid spans are rejected with their index and a reason, the others are kept")
    func partialRejection() throws {
        var second = PBResourceSpans()
        second.resource = resource([kv("service.name", "billing")])
        var scope = PBScopeSpans()
        scope.spans = [
            span(attributes: [kv("http.request.method", "G E T"), kv("url.path", "/")]),                        // 3
            span(attributes: [kv("http.request.method", "GET"), kv("url.path", "/"), kv("http.response.status_code", 700)]), // 4
            span(trace: [1, 2, 3], attributes: http),                                                          // 5
        ]
        second.scopeSpans = [scope]
        var request = traceRequest([
            span(attributes: http),                                                                           // 0 ok
            span(attributes: [kv("http.request.method", "GET"), kv("url.path", "orders")]),                   // 1
            span(attributes: [kv("url.path", "/"), kv("http.route", "/")]),                                    // 2 no method
        ])
        request.resourceSpans.append(second)
        let result = try mapTraces(request)
        #expect(result.events.count == 1)
        #expect(result.rejectedCount == 5)
        #expect(result.rejected.map(\.index) == [1, 2, 3, 4, 5])
        let reasons = result.rejected.map(\.error)
        #expect(reasons[0] == "attribute 'url.path' (path): expected a path starting with '/', got a string not starting with '/'")
        #expect(reasons[1].hasPrefix("attribute 'http.request.method' (method): required for an HTTP server span, got nothing"))
        #expect(reasons[2] == "attribute 'http.request.method' (method): expected an HTTP method of at most 32 letters, '-' or '_', got other characters")
        #expect(reasons[3] == "attribute 'http.response.status_code' (status): expected an integer 100...599, got 700")
        #expect(reasons[4] == "traceId: expected 16 bytes, not all zero, got 3 bytes")
        // Reasons never repeat the sender's strings.
        #expect(!reasons.contains { $0.contains("G E T") || $0.contains("orders") })
        #expect(result.partialSuccessMessage.hasPrefix("5 of 6 spans rejected: span 1: attribute 'url.path'"))
        #expect(result.partialSuccessMessage.hasSuffix("; and 2 more"))
    }

    @Test("missing or zero ids and times are rejected; a zero parent id means a root span")
    func idsAndTimes() throws {
        let result = try mapTraces(traceRequest([
            span(trace: Array(repeating: 0, count: 16), attributes: http),
            span(id: [], attributes: http),
            span(start: 0, attributes: http),
            span(parent: Array(repeating: 0, count: 8), attributes: http),
            span(kind: .client, parent: [1, 2], attributes: []),
        ]))
        #expect(result.rejected.map(\.error) == [
            "traceId: expected 16 bytes, not all zero, got all zeros",
            "spanId: expected 8 bytes, not all zero, got nothing",
            "startTimeUnixNano: expected nanoseconds since 1970-01-01, got 0",
            "parentSpanId: expected empty or 8 bytes, not all zero, got 2 bytes",
        ])
        #expect(result.events.count == 1)
        #expect(jsonObject(result.events[0].attributes)["otel.parent_span_id"] == nil)
    }

    @Test("an end before the start gives no duration")
    func endBeforeStart() throws {
        var bad = span(attributes: http)
        bad.endTimeUnixNano = bad.startTimeUnixNano - 1
        let event = try #require(try mapTraces(traceRequest([bad])).events.first)
        #expect(event.durationMs == nil)
    }

    @Test("a service.name longer than the limit rejects the resource's spans")
    func longServiceName() throws {
        let result = try mapTraces(traceRequest([span(attributes: http)], resource: resource([kv("service.name", String(repeating: "s", count: 300))])))
        #expect(result.rejected.first?.error == "resource attribute 'service.name' (service): expected at most 256 bytes, got 300 bytes")
    }

    @Test("a path over the limit rejects; a query over the limit is kept as an attribute only")
    func pathAndQueryLimits() throws {
        let longPath = "/" + String(repeating: "a", count: 9000)
        let rejected = try mapTraces(traceRequest([span(attributes: [kv("http.request.method", "GET"), kv("url.path", longPath)])]))
        #expect(rejected.rejected.first?.error == "attribute 'url.path' (path): expected at most 8192 bytes, got 9001 bytes")
        let longQuery = "q=" + String(repeating: "b", count: 17_000)
        let event = try #require(try mapOne([kv("http.method", "GET"), kv("http.target", "/search?" + longQuery)]))
        #expect(event.path == "/search")
        #expect(event.query.isEmpty)
        #expect((jsonObject(event.attributes)["http.target"] as? String)?.hasPrefix("/search?q=") == true)
    }

    @Test("more spans than the limit refuse the whole export")
    func tooMany() throws {
        var configuration = OTLPTraceMapper.Configuration()
        configuration.limits.maxItems = 2
        let request = traceRequest([span(attributes: http), span(attributes: http), span(attributes: http)])
        #expect {
            _ = try OTLPTraceMapper(configuration: configuration).map(try protobufBytes(request), encoding: .protobuf, receivedAtMicros: 0)
        } throws: { error in
            (error as? OTLPError)?.code == .tooManyItems && (error as? OTLPError)?.httpStatus == 413
        }
    }
}
