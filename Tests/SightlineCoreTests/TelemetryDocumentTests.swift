import SightlineCore
import Testing

@Suite("Span and log-record documents")
struct TelemetryDocumentTests {
    static func hex(_ count: Int, _ random: inout SplitMix) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement(using: &random)! })
    }

    static func text(_ random: inout SplitMix) -> String {
        let alphabet: [Character] = ["a", "Z", " ", "\"", "\\", "\n", "é", "😀", "/", "{", "\u{1}"]
        return String((0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
    }

    @Test("a span reads back as it was written (random spans)")
    func spanRoundTrip() throws {
        var random = SplitMix(state: 41)
        for _ in 0..<500 {
            let start = Int64.random(in: 1...4_000_000_000_000_000, using: &random)
            let span = LinkedSpan(
                traceID: Self.hex(32, &random), spanID: Self.hex(16, &random),
                parentSpanID: Bool.random(using: &random) ? Self.hex(16, &random) : nil,
                name: Self.text(&random), kind: LinkedSpan.Kind.allCases.randomElement(using: &random)!,
                startMicros: start, endMicros: Bool.random(using: &random) ? start + Int64.random(in: 0...9_000_000, using: &random) : nil,
                service: Self.text(&random), environment: Bool.random(using: &random) ? Self.text(&random) : nil,
                status: LinkedSpan.Status.allCases.randomElement(using: &random)!,
                statusMessage: Bool.random(using: &random) ? Self.text(&random) : nil,
                scope: Bool.random(using: &random) ? Self.text(&random) : nil,
                attributes: Bool.random(using: &random) ? RawJSON(unsafeUncheckedBytes: Array(#"{"a":[1,{"b":null}],"c":"d"}"#.utf8)) : nil,
                events: Bool.random(using: &random) ? RawJSON(unsafeUncheckedBytes: Array(#"[{"name":"x","timestamp":"t"}]"#.utf8)) : nil,
                receivedAtMicros: Int64.random(in: 0...Int64.max, using: &random))
            let document = TelemetryDocument.document(of: span)
            #expect(try TelemetryDocument.span(from: document) == span)
        }
    }

    @Test("a log record reads back as it was written (random records)")
    func logRoundTrip() throws {
        var random = SplitMix(state: 42)
        for _ in 0..<500 {
            let log = LinkedLog(
                id: Bool.random(using: &random) ? Self.hex(26, &random) : nil,
                timestampMicros: Int64.random(in: 0...4_000_000_000_000_000, using: &random),
                observedMicros: Bool.random(using: &random) ? Int64.random(in: 0...4_000_000_000_000_000, using: &random) : nil,
                severityText: Bool.random(using: &random) ? Self.text(&random) : nil,
                severityNumber: Int.random(in: 0...24, using: &random),
                body: Bool.random(using: &random) ? Self.text(&random) : nil,
                traceID: Bool.random(using: &random) ? Self.hex(32, &random) : nil,
                spanID: Bool.random(using: &random) ? Self.hex(16, &random) : nil,
                eventName: Bool.random(using: &random) ? Self.text(&random) : nil,
                service: Self.text(&random), environment: Bool.random(using: &random) ? Self.text(&random) : nil,
                scope: Bool.random(using: &random) ? Self.text(&random) : nil,
                attributes: Bool.random(using: &random) ? RawJSON(unsafeUncheckedBytes: Array(#"{"k":1.5e3}"#.utf8)) : nil,
                receivedAtMicros: Int64.random(in: 0...Int64.max, using: &random))
            #expect(try TelemetryDocument.log(from: TelemetryDocument.document(of: log)) == log)
        }
    }

    @Test("the document is JSON with the documented members")
    func documentShape() {
        let span = LinkedSpan(
            traceID: String(repeating: "a", count: 32), spanID: String(repeating: "b", count: 16), name: "SELECT orders", kind: .client,
            startMicros: 1_000_000, endMicros: 1_004_200, service: "shop", status: .ok, receivedAtMicros: 2_000_000)
        #expect(String(decoding: TelemetryDocument.document(of: span), as: UTF8.self) == """
            {"trace_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","span_id":"bbbbbbbbbbbbbbbb","name":"SELECT orders","kind":"client",\
            "start_us":1000000,"end_us":1004200,"duration_ms":4.2,"service":"shop","status":"ok","received_at_us":2000000}
            """)
    }

    @Test("bad documents are refused with the member at fault, never their content", arguments: [
        (#"[1]"#, "document"),
        (#"{"trace_id":"x","span_id":"y","name":"n","kind":"sideways","start_us":1,"service":"s","status":"ok","received_at_us":1}"#, "kind"),
        (#"{"trace_id":"x","span_id":"y","name":"n","kind":"server","start_us":"soon","service":"s","status":"ok","received_at_us":1}"#, "start_us"),
        (#"{"trace_id":"x","span_id":"y","kind":"server","start_us":1,"service":"s","status":"ok","received_at_us":1}"#, "name"),
        (#"{"trace_id":"x","span_id":"y","name":"n","kind":"server","start_us":1,"service":"s","status":"ok","received_at_us":1"#, "document"),
    ])
    func badSpans(_ json: String, _ member: String) {
        #expect(throws: TelemetryDocument.DecodingError.self) { try TelemetryDocument.span(from: Array(json.utf8)) }
        do {
            _ = try TelemetryDocument.span(from: Array(json.utf8))
        } catch {
            #expect(error.member == member)
        }
    }

    @Test("a severity out of range is refused")
    func badSeverity() {
        let json = #"{"timestamp_us":1,"severity_number":99,"service":"s","received_at_us":1}"#
        #expect(throws: TelemetryDocument.DecodingError(member: "severity_number", expected: "0...24")) {
            try TelemetryDocument.log(from: Array(json.utf8))
        }
    }
}
