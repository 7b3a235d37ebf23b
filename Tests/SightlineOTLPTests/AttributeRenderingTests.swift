import Foundation
import SightlineCore
import Testing
@testable import SightlineOTLP

@Suite("AnyValue → JSON")
struct AttributeRenderingTests {
    func render(_ v: PBAnyValue, maxDepth: Int = 24) -> String {
        var bytes: [UInt8] = []
        AnyValueJSON.append(v, to: &bytes, maxDepth: maxDepth)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("every AnyValue kind renders as JSON")
    func kinds() {
        #expect(render(value("a \"quoted\"\n\u{1}line é")) == #""a \"quoted\"\n\u0001line é""#)
        #expect(render(value(true)) == "true")
        #expect(render(value(false)) == "false")
        #expect(render(value(Int64.max)) == "9223372036854775807")
        #expect(render(value(Int64.min)) == "-9223372036854775808")
        #expect(render(value(double: 12.5)) == "12.5")
        #expect(render(value(double: 1e-7)) == "1e-07")
        #expect(render(value(double: Double.nan)) == #""NaN""#)
        #expect(render(value(double: -Double.infinity)) == #""-Infinity""#)
        #expect(render(value(bytes: [0xde, 0xad, 0xbe, 0xef, 0x00])) == #""3q2+7wA=""#)
        #expect(render(PBAnyValue()) == "null")
        #expect(render(value(array: [value(1), value("x"), value(array: []), PBAnyValue()])) == #"[1,"x",[],null]"#)
        #expect(render(value(kvlist: [kv("a", 1), kv("b", value(kvlist: [kv("c", value(false))])), kv("a", 2)])) == #"{"a":1,"b":{"c":false}}"#)
    }

    @Test("values nested deeper than the limit render as null")
    func depth() {
        var deep = value("leaf")
        for _ in 0..<40 { deep = value(array: [deep]) }
        let text = render(deep, maxDepth: 3)
        #expect(text == "[[[null]]]")
    }

    @Test("every rendering is valid JSON", arguments: 0..<200)
    func randomValuesAreValidJSON(seed: Int) {
        var random = SplitMix64(state: UInt64(seed))
        let v = randomValue(&random, depth: 0)
        var bytes: [UInt8] = []
        AnyValueJSON.append(v, to: &bytes, maxDepth: 24)
        expectValidJSON(bytes)
    }

    @Test("event attributes: span first, then resource; repeated keys keep the first; size is capped")
    func objectBuilder() throws {
        let event = try #require(try mapTraces(traceRequest(
            [span(attributes: [kv("http.request.method", "GET"), kv("url.path", "/"), kv("k", "span"), kv("k", "again"),
                               kv("list", value(array: [value(1), value(double: 2.5)])), kv("blob", value(bytes: [1, 2, 3]))])],
            resource: resource([kv("service.name", "s"), kv("k", "resource"), kv("host.name", "web-1")])
        )).events.first)
        let attributes = jsonObject(event.attributes)
        #expect(attributes["k"] as? String == "span")
        #expect(attributes["host.name"] as? String == "web-1")
        #expect(attributes["list"] as? [Double] == [1, 2.5])
        #expect(attributes["blob"] as? String == "AQID")

        var limits = EventLimits()
        limits.maxAttributesBytes = 200
        var configuration = OTLPTraceMapper.Configuration()
        configuration.eventLimits = limits
        let big = (0..<20).map { kv("key\($0)", String(repeating: "v", count: 30)) }
        let capped = try #require(try mapTraces(traceRequest([span(attributes: [kv("http.request.method", "GET"), kv("url.path", "/")] + big)]), mapper: OTLPTraceMapper(configuration: configuration)).events.first)
        let bytes = try #require(capped.attributes).bytes
        #expect(bytes.count <= 200)
        #expect(jsonObject(capped.attributes)["sightline.otlp.truncated"] as? Bool == true)
        #expect(jsonObject(capped.attributes)["key0"] != nil)
    }
}

func randomValue(_ random: inout SplitMix64, depth: Int) -> PBAnyValue {
    switch Int.random(in: 0..<(depth > 4 ? 6 : 8), using: &random) {
    case 0: return value(String((0..<Int.random(in: 0..<8, using: &random)).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0...127, using: &random))) }))
    case 1: return value(Bool.random(using: &random))
    case 2: return value(Int64.random(in: .min ... .max, using: &random))
    case 3: return value(double: Double(bitPattern: random.next()))
    case 4: return value(bytes: (0..<Int.random(in: 0..<6, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
    case 5: return PBAnyValue()
    case 6: return value(array: (0..<Int.random(in: 0..<4, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
    default: return value(kvlist: (0..<Int.random(in: 0..<4, using: &random)).map { index in kv("k\(index % 2)", randomValue(&random, depth: depth + 1)) })
    }
}
