// Times decoding + mapping of a 1,000-span OTLP export (the shape an instrumented web service
// sends: a server span per request with ~16 attributes, plus client and internal child spans).
// Run in release mode: `swift run -c release otlp-benchmark`.
#if canImport(Glibc)
import Glibc
#endif
import SightlineCore
import SightlineOTLP

func nowNanos() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

func hex(_ value: UInt64, digits: Int) -> String {
    let text = String(value, radix: 16)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
}

/// OTLP JSON text of one export; the protobuf body is produced from it by the library's own decoder.
func exportJSON(spans: Int) -> String {
    func attr(_ key: String, _ value: String) -> String { #"{"key":"\#(key)","value":{"stringValue":"\#(value)"}}"# }
    func attr(_ key: String, int: Int) -> String { #"{"key":"\#(key)","value":{"intValue":"\#(int)"}}"# }
    let resource = [
        attr("service.name", "checkout"), attr("service.version", "1.4.2"), attr("deployment.environment.name", "prod"),
        attr("telemetry.sdk.language", "python"), attr("telemetry.sdk.name", "opentelemetry"),
        attr("telemetry.sdk.version", "1.45.2"), attr("service.instance.id", "3bfb7f77-d980-4555-a647-5da8be8fcc2d"),
    ].joined(separator: ",")
    var items: [String] = []
    let start: UInt64 = 1_795_341_600_000_000_000
    for index in 0..<spans {
        let trace = hex(UInt64(index / 3 + 1), digits: 16) + hex(0xABCDEF, digits: 16)
        let span = hex(UInt64(index + 1), digits: 16)
        let begin = start + UInt64(index) * 1_000_000
        var attributes: [String]
        let kind: Int
        if index % 3 == 0 {
            kind = 2
            attributes = [
                attr("http.request.method", "GET"), attr("url.path", "/orders/\(index)"), attr("url.query", "expand=items&page=2"),
                attr("url.scheme", "https"), attr("server.address", "shop.example.com"), attr(
                    "server.port", int: 443), attr("http.route", "/orders/{id}"), attr("http.response.status_code", int: index % 50 == 0 ? 500 : 200),
                attr("client.address", "203.0.113.\(index % 250)"), attr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"),
                attr("http.response.body.size", int: 512 + index), attr("user.id", "u-\(index % 97)"), attr("sightline.consumer.id", "acme"),
                attr("network.protocol.version", "1.1"), attr("network.peer.port", int: 51234), attr("feature", "new-cart"),
            ]
        } else if index % 3 == 1 {
            kind = 3
            attributes = [attr("http.request.method", "GET"), attr("url.full", "http://inventory:8080/stock/\(index)"), attr("http.response.status_code", int: 200), attr("server.address", "inventory")]
        } else {
            kind = 1
            attributes = [attr("db.system", "postgresql"), attr("db.query.text", "SELECT * FROM orders WHERE id = $1")]
        }
        let parent = index % 3 == 0 ? "" : hex(UInt64(index / 3 * 3 + 1), digits: 16)
        items.append(#"{"traceId":"\#(trace)","spanId":"\#(span)","parentSpanId":"\#(parent)","flags":256,"name":"span \#(index)","kind":\#(kind),"startTimeUnixNano":"\#(begin)","endTimeUnixNano":"\#(begin + 12_345_678)","attributes":[\#(attributes.joined(separator: ","))],"status":{}}"#)
    }
    return #"{"resourceSpans":[{"resource":{"attributes":[\#(resource)]},"scopeSpans":[{"scope":{"name":"opentelemetry.instrumentation.flask","version":"0.50b0"},"spans":[\#(items.joined(separator: ","))]}]}]}"#
}

func measure(_ label: String, iterations: Int, _ body: () throws -> Int) rethrows {
    var samples: [Double] = []
    var sink = 0
    for _ in 0..<5 { sink &+= try body() }  // warm up
    for _ in 0..<iterations {
        let start = nowNanos()
        sink &+= try body()
        samples.append(Double(nowNanos() - start) / 1e6)
    }
    samples.sort()
    let median = samples[samples.count / 2]
    let p90 = samples[samples.count * 9 / 10]
    func ms(_ value: Double) -> String { "\((value * 100).rounded() / 100)" }
    print("\(label): median \(ms(median)) ms, p90 \(ms(p90)) ms, min \(ms(samples[0])) ms (\(iterations) runs; sink \(sink % 7))")
}

let json = Array(exportJSON(spans: 1000).utf8)
let protobuf = try _OTLPBenchmarkSupport.protobufBody(fromOTLPJSON: json)
let mapper = OTLPTraceMapper()
let check = try mapper.map(protobuf, encoding: .protobuf, receivedAtMicros: 0)
print("export: 1000 spans, protobuf \(protobuf.count) bytes, JSON \(json.count) bytes → \(check.events.count) events, \(check.otherSpans.count) linked spans, \(check.rejected.count) rejected")

if CommandLine.arguments.contains("--profile-protobuf") {
    // For `perf record`: the protobuf path only, many times.
    try measure("protobuf decode+map", iterations: 2000) { try mapper.map(protobuf, encoding: .protobuf, receivedAtMicros: 0).events.count }
    exit(0)
}
try measure("protobuf decode+map", iterations: 200) { try mapper.map(protobuf, encoding: .protobuf, receivedAtMicros: 0).events.count }
try measure("JSON decode+map    ", iterations: 100) { try mapper.map(json, encoding: .json, receivedAtMicros: 0).events.count }
measure("EventEncoder+EventDecoder round trip of the events (for comparison)", iterations: 100) {
    var count = 0
    for event in check.events {
        let bytes = EventEncoder.encode(event)
        if case .success = bytes.withUnsafeBytes({ EventDecoder.decodeEvent($0) }) { count += 1 }
    }
    return count
}
try measure("protobuf decode only", iterations: 200) { try _OTLPBenchmarkSupport.decodeOnly(protobuf, encoding: .protobuf) }
try measure("JSON decode only    ", iterations: 100) { try _OTLPBenchmarkSupport.decodeOnly(json, encoding: .json) }
