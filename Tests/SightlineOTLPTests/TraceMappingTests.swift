import Foundation
import SightlineCore
import Testing
@testable import SightlineOTLP

@Suite("Server spans → events")
struct TraceMappingTests {
    @Test("current semantic conventions map to every event field")
    func currentConventions() throws {
        let event = try #require(try mapOne([
            kv("http.request.method", "GET"),
            kv("url.path", "/orders/42"),
            kv("url.query", "expand=items&expand=customer&flag"),
            kv("url.scheme", "HTTPS"),
            kv("server.address", "shop.example.com"),
            kv("server.port", 443),
            kv("http.route", "/orders/{id}"),
            kv("http.response.status_code", 201),
            kv("http.request.body.size", 64),
            kv("http.response.body.size", 512),
            kv("client.address", "203.0.113.9"),
            kv("user_agent.original", "curl/8.5.0"),
            kv("user.id", "u-17"),
            kv("session.id", "s-9"),
            kv("sightline.consumer.id", "acme"),
            kv("sightline.consumer.name", "Acme Inc."),
            kv("sightline.consumer.plan", "pro"),
            kv("feature", "new-cart"),
        ]))
        #expect(event.id == "otel-\(traceHex)-\(spanHex)")
        #expect(event.timestampMicros == Int64(startNanos / 1000))
        #expect(event.durationMs == 12.5)
        #expect(event.service == "shop")
        #expect(event.environment == "prod")
        #expect(event.method == "GET")
        #expect(event.path == "/orders/42")
        #expect(event.query == [
            QueryParameter(name: "expand", value: "items"),
            QueryParameter(name: "expand", value: "customer"),
            QueryParameter(name: "flag", value: ""),
        ])
        #expect(event.scheme == "https")
        #expect(event.host == "shop.example.com")
        #expect(event.route == "/orders/{id}")
        #expect(event.status == 201)
        #expect(event.requestSize == 64)
        #expect(event.responseSize == 512)
        #expect(event.clientIP == "203.0.113.9")
        #expect(event.userAgent == "curl/8.5.0")
        #expect(event.userID == "u-17")
        #expect(event.sessionID == "s-9")
        #expect(event.consumer == Consumer(id: "acme", name: "Acme Inc.", plan: "pro"))
        #expect(event.traceID == traceHex)
        #expect(event.spanID == spanHex)
        #expect(event.error == nil)
        #expect(event.level == nil)
        #expect(event.receivedAtMicros == receivedAt)
        let attributes = jsonObject(event.attributes)
        // Unmapped span attributes, span context, and resource attributes stay; mapped ones go.
        #expect(attributes["server.port"] as? Int == 443)
        #expect(attributes["feature"] as? String == "new-cart")
        #expect(attributes["otel.span.name"] as? String == "GET /orders/{id}")
        #expect(attributes["otel.scope.name"] as? String == "test-scope")
        #expect(attributes["otel.parent_span_id"] == nil)
        for mapped in ["http.request.method", "url.path", "url.query", "http.response.status_code", "client.address",
                       "user.id", "sightline.consumer.id", "service.name", "deployment.environment.name"] {
            #expect(attributes[mapped] == nil, "\(mapped) should not be repeated in attributes")
        }
    }

    @Test("old semantic conventions (before 1.21) map too")
    func oldConventions() throws {
        let result = try mapTraces(traceRequest(
            [span(attributes: [
                kv("http.method", "post"),
                kv("http.target", "/login?next=%2Fhome&x=1"),
                kv("http.scheme", "http"),
                kv("http.host", "shop.example.com:8080"),
                kv("http.status_code", 401),
                kv("net.peer.ip", "2001:db8::1"),
                kv("http.user_agent", "Mozilla/5.0"),
                kv("http.request_content_length", 64),
                kv("http.response_content_length", 10),
                kv("enduser.id", "bob"),
                kv("consumer.id", 42),
            ])],
            resource: resource([kv("service.name", "legacy"), kv("deployment.environment", "staging")])
        ))
        let event = try #require(result.events.first)
        #expect(event.method == "POST")
        #expect(event.path == "/login")
        #expect(event.query == [QueryParameter(name: "next", value: "%2Fhome"), QueryParameter(name: "x", value: "1")])
        #expect(event.scheme == "http")
        #expect(event.host == "shop.example.com")
        #expect(event.status == 401)
        #expect(event.clientIP == "2001:db8::1")
        #expect(event.userAgent == "Mozilla/5.0")
        #expect(event.requestSize == 64)
        #expect(event.responseSize == 10)
        #expect(event.userID == "bob")
        #expect(event.consumer == Consumer(id: "42"))
        #expect(event.service == "legacy")
        #expect(event.environment == "staging")
        #expect(jsonObject(event.attributes)["http.target"] == nil)
    }

    @Test("current names win over old ones when a span has both")
    func currentWins() throws {
        let event = try #require(try mapOne([
            kv("http.method", "POST"), kv("http.request.method", "GET"),
            kv("http.target", "/old"), kv("url.path", "/new"),
            kv("http.status_code", 500), kv("http.response.status_code", 204),
        ]))
        #expect(event.method == "GET")
        #expect(event.path == "/new")
        #expect(event.status == 204)
        // The old duplicates were not used, so they stay in attributes.
        #expect(jsonObject(event.attributes)["http.method"] as? String == "POST")
    }

    @Test("_OTHER takes the method from http.request.method_original")
    func otherMethod() throws {
        let event = try #require(try mapOne([
            kv("http.request.method", "_OTHER"), kv("http.request.method_original", "purge"), kv("url.path", "/cache"),
        ]))
        #expect(event.method == "PURGE")
    }

    @Test("path, query, scheme and host from url.full or http.url when nothing else gives them")
    func fullURL() throws {
        let event = try #require(try mapOne([
            kv("http.method", "GET"), kv("http.url", "https://user@api.example.com:8443/v2/items?page=2#top"),
        ]))
        #expect(event.path == "/v2/items")
        #expect(event.query == [QueryParameter(name: "page", value: "2")])
        #expect(event.scheme == "https")
        #expect(event.host == "api.example.com")
        #expect(jsonObject(event.attributes)["http.url"] != nil)
    }

    @Test("optional values that do not fit the event format are left out and kept as attributes")
    func invalidOptionals() throws {
        let event = try #require(try mapOne([
            kv("http.request.method", "GET"), kv("url.path", "/"),
            kv("client.address", "gateway.internal"),       // a host name: allowed by OTel, not an IP
            kv("network.peer.address", "10.0.0.7"),         // the next candidate is used instead
            kv("url.scheme", "ftp"),
            kv("http.route", "orders/{id}"),                // not starting with '/'
            kv("http.response.body.size", -1),
            kv("user.id", ""),
        ]))
        #expect(event.clientIP == "10.0.0.7")
        #expect(event.scheme == nil)
        #expect(event.route == nil)
        #expect(event.responseSize == nil)
        #expect(event.userID == nil)
        let attributes = jsonObject(event.attributes)
        #expect(attributes["client.address"] as? String == "gateway.internal")
        #expect(attributes["url.scheme"] as? String == "ftp")
        #expect(attributes["http.route"] as? String == "orders/{id}")
        #expect(attributes["network.peer.address"] == nil)
    }

    @Test("status codes sent as strings or integral doubles are read")
    func statusTypes() throws {
        #expect(try mapOne([kv("http.method", "GET"), kv("http.target", "/"), kv("http.status_code", "404")])?.status == 404)
        #expect(try mapOne([kv("http.method", "GET"), kv("http.target", "/"), kv("http.status_code", value(double: 503.0))])?.status == 503)
    }

    @Test("a missing status is 500 for an ERROR span and 200 otherwise, and marked as inferred")
    func inferredStatus() throws {
        let failed = try #require(try mapOne([kv("http.request.method", "GET"), kv("url.path", "/")], status: .error))
        #expect(failed.status == 500)
        #expect(jsonObject(failed.attributes)["sightline.otlp.status_inferred"] as? Bool == true)
        let fine = try #require(try mapOne([kv("http.request.method", "GET"), kv("url.path", "/")], status: .ok))
        #expect(fine.status == 200)
        #expect(jsonObject(fine.attributes)["sightline.otlp.status_inferred"] as? Bool == true)
        let given = try #require(try mapOne([kv("http.request.method", "GET"), kv("url.path", "/"), kv("http.response.status_code", 200)]))
        #expect(jsonObject(given.attributes)["sightline.otlp.status_inferred"] == nil)
    }

    @Test("the error comes from span status, error.type and the exception event")
    func errors() throws {
        var exception = PBSpan.Event()
        exception.name = "exception"
        exception.timeUnixNano = startNanos + 1000
        exception.attributes = [
            kv("exception.type", "ValueError"),
            kv("exception.message", "bad amount"),
            kv("exception.stacktrace", "Traceback...\n  line 3"),
        ]
        let base = [kv("http.request.method", "POST"), kv("url.path", "/pay"), kv("http.response.status_code", 500)]

        let fromException = try #require(try mapOne(base, status: .error, events: [exception]))
        #expect(fromException.error == EventError(type: "ValueError", message: "bad amount", stack: "Traceback...\n  line 3"))

        let withStatusMessage = try #require(try mapOne(base + [kv("error.type", "TimeoutError")], status: .error, statusMessage: "gateway timed out", events: [exception]))
        #expect(withStatusMessage.error == EventError(type: "TimeoutError", message: "gateway timed out", stack: "Traceback...\n  line 3"))
        #expect(jsonObject(withStatusMessage.attributes)["error.type"] == nil)

        // error.type alone (current conventions for a 5xx answer) is an error too.
        let typeOnly = try #require(try mapOne(base + [kv("error.type", "500")]))
        #expect(typeOnly.error == EventError(type: "500"))

        // An exception that was handled (status not ERROR, no error.type) is not the request's error.
        let handled = try #require(try mapOne([kv("http.request.method", "GET"), kv("url.path", "/")], events: [exception]))
        #expect(handled.error == nil)

        // ERROR on a request answered below 500 still marks the event as an error.
        let clientError = try #require(try mapOne([kv("http.request.method", "GET"), kv("url.path", "/"), kv("http.response.status_code", 404)], status: .error))
        #expect(clientError.level == .error)
    }

    @Test("long error messages and stacks are cut to the event limits")
    func longStacks() throws {
        var exception = PBSpan.Event()
        exception.name = "exception"
        exception.attributes = [kv("exception.stacktrace", String(repeating: "é", count: 40_000))]
        let event = try #require(try mapOne([kv("http.request.method", "GET"), kv("url.path", "/")], status: .error, statusMessage: String(repeating: "x", count: 20_000), events: [exception]))
        let limits = EventLimits()
        #expect(try #require(event.error?.stack).utf8.count <= limits.maxStackBytes)
        #expect(try #require(event.error?.message).utf8.count <= limits.maxTextBytes)
        #expect(event.error?.stack?.hasSuffix("…") == true)
    }

    @Test("the id is deterministic, so a re-sent span de-duplicates")
    func deterministicIDs() throws {
        let request = traceRequest([span(attributes: [kv("http.request.method", "GET"), kv("url.path", "/")])])
        let first = try mapTraces(request)
        let second = try OTLPTraceMapper().map(try protobufBytes(request), encoding: .protobuf, receivedAtMicros: receivedAt + 5_000_000)
        #expect(first.events.map(\.id) == second.events.map(\.id))
        #expect(first.events.first?.id?.utf8.count == 54)
    }

    @Test("span context: parent id and span name go into attributes unless switched off")
    func spanContext() throws {
        let request = traceRequest([span(parent: [1, 2, 3, 4, 5, 6, 7, 8], attributes: [kv("http.request.method", "GET"), kv("url.path", "/")])])
        let event = try #require(try mapTraces(request).events.first)
        #expect(jsonObject(event.attributes)["otel.parent_span_id"] as? String == "0102030405060708")
        var configuration = OTLPTraceMapper.Configuration()
        configuration.recordSpanContext = false
        let plain = try #require(try mapTraces(request, mapper: OTLPTraceMapper(configuration: configuration)).events.first)
        #expect(jsonObject(plain.attributes)["otel.parent_span_id"] == nil)
        #expect(jsonObject(plain.attributes)["otel.span.name"] == nil)
    }

    @Test("consumer attributes are configurable")
    func consumerConfiguration() throws {
        var configuration = OTLPTraceMapper.Configuration()
        configuration.consumerIDAttributes = ["app.tenant"]
        let mapper = OTLPTraceMapper(configuration: configuration)
        let request = traceRequest([span(attributes: [kv("http.request.method", "GET"), kv("url.path", "/"), kv("app.tenant", "t-1"), kv("consumer.id", "ignored")])])
        let event = try #require(try mapTraces(request, mapper: mapper).events.first)
        #expect(event.consumer == Consumer(id: "t-1"))
        #expect(jsonObject(event.attributes)["consumer.id"] as? String == "ignored")
    }

    @Test("a resource without service.name gives unknown_service")
    func unknownService() throws {
        let result = try mapTraces(traceRequest([span(attributes: [kv("http.request.method", "GET"), kv("url.path", "/")])], resource: resource([])))
        #expect(result.events.first?.service == "unknown_service")
        #expect(result.events.first?.environment == nil)
    }
}
