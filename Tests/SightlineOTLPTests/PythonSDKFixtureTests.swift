import Foundation
import SightlineCore
import Testing
@testable import SightlineOTLP

/// Bodies captured from the OpenTelemetry Python SDK 1.45.2 (scripts/capture_python_sdk.py):
/// `opentelemetry-exporter-otlp-proto-http` 1.45.2 (protobuf) and
/// `opentelemetry-exporter-otlp-json-http` 0.66b1 (JSON), one batch of five spans and one of two
/// log records each.
@Suite("Python SDK captures")
struct PythonSDKFixtureTests {
    @Test("traces: three API events and two linked spans, in both encodings", arguments: [
        ("python-protobuf-traces-1.bin", OTLPEncoding.protobuf),
        ("python-json-traces-1.json", .json),
    ])
    func traces(name: String, encoding: OTLPEncoding) throws {
        let result = try OTLPTraceMapper().map(try fixture(name), encoding: encoding, receivedAtMicros: receivedAt)
        checkInvariants(result)
        #expect(result.totalSpans == 5)
        #expect(result.rejected.isEmpty)
        #expect(Set(result.otherSpans.map(\.name)) == ["load order", "GET"])
        let events = Dictionary(uniqueKeysWithValues: result.events.map { ($0.path, $0) })
        #expect(events.count == 3)

        let orders = try #require(events["/orders/42"])
        #expect(orders.service == "checkout")
        #expect(orders.environment == "staging")
        #expect(orders.method == "GET")
        #expect(orders.route == "/orders/{id}")
        #expect(orders.query.map(\.value) == ["items", "customer"])
        #expect(orders.scheme == "https")
        #expect(orders.host == "shop.example.com")
        #expect(orders.status == 200)
        #expect(orders.clientIP == "203.0.113.9")
        #expect(orders.userAgent == "curl/8.5.0")
        #expect(orders.responseSize == 512)
        #expect(orders.userID == "u-17")
        #expect(orders.consumer?.id == "acme")
        let attributes = jsonObject(orders.attributes)
        #expect(attributes["feature.flags"] as? [String] == ["new-cart", "fast-pay"])
        #expect(attributes["cart.total"] as? Double == 12.5)
        #expect(attributes["cart.paid"] as? Bool == true)
        #expect(attributes["telemetry.sdk.language"] as? String == "python")
        #expect(attributes["service.version"] as? String == "1.4.2")
        // The children point at the server span.
        for child in result.otherSpans {
            #expect(child.traceID == orders.traceID)
            #expect(child.parentSpanID == orders.spanID)
        }

        let login = try #require(events["/login"])
        #expect(login.method == "POST")
        #expect(login.query == [QueryParameter(name: "next", value: "%2Fhome")])
        #expect(login.status == 401)
        #expect(login.clientIP == "2001:db8::1")
        #expect(login.requestSize == 64)
        #expect(login.userID == "bob")

        let payments = try #require(events["/payments"])
        #expect(payments.status == 503)
        #expect(payments.error?.type == "TimeoutError")
        #expect(payments.error?.message == "TimeoutError: payment gateway timed out")
        #expect(payments.error?.stack?.contains("raise TimeoutError") == true)
    }

    @Test("protobuf and JSON captures map to the same shapes")
    func encodingsAgree() throws {
        let proto = try OTLPTraceMapper().map(try fixture("python-protobuf-traces-1.bin"), encoding: .protobuf, receivedAtMicros: 0)
        let json = try OTLPTraceMapper().map(try fixture("python-json-traces-1.json"), encoding: .json, receivedAtMicros: 0)
        // Two separate runs: ids and times differ, the rest must not.
        func shape(_ event: Event) -> String {
            var copy = event
            copy.id = nil; copy.traceID = nil; copy.spanID = nil; copy.timestampMicros = 0; copy.durationMs = nil; copy.attributes = nil
            copy.error?.stack = nil
            return "\(copy)"
        }
        #expect(proto.events.map(shape).sorted() == json.events.map(shape).sorted())
    }

    @Test("logs: one record inside the trace, one outside", arguments: [
        ("python-protobuf-logs-1.bin", OTLPEncoding.protobuf),
        ("python-json-logs-1.json", .json),
    ])
    func logs(name: String, encoding: OTLPEncoding) throws {
        let result = try OTLPLogsMapper().map(try fixture(name), encoding: encoding, receivedAtMicros: receivedAt)
        #expect(result.rejected.isEmpty)
        #expect(result.logs.count == 2)
        let info = try #require(result.logs.first { $0.body == "order 42 loaded" })
        #expect(info.level == .info)
        #expect(info.severityText == "INFO")
        #expect(info.traceID?.utf8.count == 32)
        #expect(info.spanID?.utf8.count == 16)
        #expect(info.service == "checkout")
        #expect(info.scope == "checkout.orders")
        #expect(jsonObject(info.attributes)["code.function.name"] as? String == "<module>")
        let error = try #require(result.logs.first { $0.body == "payment failed" })
        #expect(error.level == .error)
        #expect(error.traceID == nil)
    }
}
