import Testing
@testable import SightlineCore

/// Decodes one event from text, for brevity.
func decode(_ text: String, limits: EventLimits = EventLimits()) -> Result<Event, EventFieldError> {
    Array(text.utf8).withUnsafeBytes { EventDecoder.decodeEvent($0, limits: limits) }
}

func decodeBatch(_ text: String, limits: EventLimits = EventLimits(), maxEvents: Int = 10_000) throws(BatchError) -> DecodedBatch {
    try EventDecoder.decodeBatch(Array(text.utf8), limits: limits, maxEvents: maxEvents)
}

func rejection(_ text: String) -> EventFieldError? {
    if case .failure(let error) = decode(text) { return error }
    return nil
}

let minimal = #"{"timestamp":"2026-11-22T10:00:00.123Z","service":"shop","method":"GET","path":"/orders/42","status":200,"duration_ms":12.5}"#

@Suite("Wire format: valid events")
struct ValidEventTests {
    @Test("the minimal event is accepted as written")
    func minimalEvent() throws {
        let event = try decode(minimal).get()
        #expect(event.timestampMicros == 1_795_341_600_123_000)
        #expect(event.service == "shop")
        #expect(event.method == "GET")
        #expect(event.path == "/orders/42")
        #expect(event.status == 200)
        #expect(event.durationMs == 12.5)
        #expect(event.id == nil)
        #expect(event.effectiveLevel == .info)
    }

    @Test("the minimal event with id, consumer and client_ip")
    func minimalVariants() throws {
        let withID = try decode(#"{"id":"evt-1","timestamp":"2026-11-22T10:00:00.123Z","service":"shop","method":"GET","path":"/orders/42","status":200,"duration_ms":12.5}"#).get()
        #expect(withID.id == "evt-1")
        let withConsumer = try decode(#"{"timestamp":"2026-11-22T10:00:00.123Z","service":"shop","method":"GET","path":"/orders/42","status":200,"duration_ms":12.5,"consumer":{"id":"acme"}}"#).get()
        #expect(withConsumer.consumer == Consumer(id: "acme"))
        let withIP = try decode(#"{"timestamp":"2026-11-22T10:00:00.123Z","service":"shop","method":"GET","path":"/orders/42","status":200,"duration_ms":12.5,"client_ip":"203.0.113.9"}"#).get()
        #expect(withIP.clientIP == "203.0.113.9")
    }

    @Test("every field decodes, and the canonical form decodes back to the same event")
    func everyField() throws {
        let text = #"""
        {"id":"a1","timestamp":"2026-11-22T11:00:00.5+01:00","duration_ms":250,"service":"payments","environment":"prod",
         "method":"post","scheme":"HTTPS","host":"api.example.com","path":"/v2/charges/ch_1","route":"/v2/charges/{id}",
         "query":{"expand":["customer","invoice"],"dry":"true"},"status":502,"request_size":512,"response_size":0,
         "client_ip":"2001:db8::1","user_agent":"curl/8.5","consumer":{"id":"acme","name":"Acme \"Corp\"","plan":"pro"},
         "user_id":"u_1","session_id":"s_1","trace_id":"4BF92F3577B34DA6A3CE929D0E0E4736","span_id":"00f067aa0ba902b7",
         "error":{"type":"UpstreamError","message":"bad gateway\nretry","stack":"at x\nat y"},"level":"warning",
         "attributes":{"tenant": "t1", "n": [1, 2.5, true, null]},
         "request":{"headers":{"Content-Type":"application/json","Authorization":"Bearer secret"},"body":{"amount": 100}},
         "response":{"headers":{"x-id":["1","2"]},"body":"upstream said no"},"received_at":"2026-11-22T10:00:01Z"}
        """#
        let event = try decode(text).get()
        #expect(event.timestampMicros == 1_795_341_600_500_000)
        #expect(event.method == "POST")
        #expect(event.scheme == "https")
        #expect(event.query == [QueryParameter(name: "expand", value: "customer"), QueryParameter(name: "expand", value: "invoice"), QueryParameter(name: "dry", value: "true")])
        #expect(event.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(event.level == .warn)
        #expect(event.error == EventError(type: "UpstreamError", message: "bad gateway\nretry", stack: "at x\nat y"))
        #expect(event.attributes?.description == #"{"tenant":"t1","n":[1,2.5,true,null]}"#)
        #expect(event.request?.headers == [Header(name: "content-type", values: ["application/json"]), Header(name: "authorization", values: ["[REDACTED]"])])
        #expect(event.request?.body?.description == #"{"amount":100}"#)
        #expect(event.response?.body?.description == #""upstream said no""#)
        #expect(event.consumer?.name == #"Acme "Corp""#)

        let canonical = EventEncoder.encode(event)
        let again = try canonical.withUnsafeBytes { EventDecoder.decodeEvent($0) }.get()
        #expect(again == event)
        #expect(EventEncoder.encode(again) == canonical)
    }

    @Test("a path with a query string keeps the path and parses the query")
    func pathWithQuery() throws {
        let event = try decode(#"{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"/search?q=shoes&page=2","status":200}"#).get()
        #expect(event.path == "/search")
        #expect(event.query == [QueryParameter(name: "q", value: "shoes"), QueryParameter(name: "page", value: "2")])
    }

    @Test("null counts as absent for optional fields, and level derives from status")
    func nullsAndLevels() throws {
        let event = try decode(#"{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"/","status":503,"route":null,"consumer":null,"duration_ms":null}"#).get()
        #expect(event.route == nil && event.consumer == nil && event.durationMs == nil)
        #expect(event.effectiveLevel == .error)
        #expect(try decode(#"{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"/","status":404}"#).get().effectiveLevel == .warn)
    }

    @Test("escapes, surrogate pairs and UTF-8 in strings")
    func strings() throws {
        let event = try decode(#"{"timestamp":"2026-11-22T10:00:00Z","service":"caf\u00e9 \ud83d\ude00 ü","method":"GET","path":"/\"q\"","status":200}"#).get()
        #expect(event.service == "café 😀 ü")
        #expect(event.path == "/\"q\"")
    }
}

@Suite("Wire format: invalid events get precise reasons")
struct InvalidEventTests {
    @Test("missing required fields name the field", arguments: ["timestamp", "service", "method", "path", "status"])
    func missingRequired(field: String) throws {
        var object: [String: String] = ["timestamp": #""2026-11-22T10:00:00Z""#, "service": #""s""#, "method": #""GET""#, "path": #""/""#, "status": "200"]
        object[field] = nil
        let text = "{" + object.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
        let error = try #require(rejection(text))
        #expect(error.field == field)
        #expect(error.got == "nothing")
    }

    @Test("wrong types say what was expected and what came")
    func wrongTypes() throws {
        let error = try #require(rejection(#"{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"/","status":"200"}"#))
        #expect(error.description == "field 'status': expected an integer 100...599 (required), got a string")
        let service = try #require(rejection(#"{"timestamp":"2026-11-22T10:00:00Z","service":42,"method":"GET","path":"/","status":200}"#))
        #expect(service.field == "service" && service.got == "a number")
    }

    @Test("values out of range or malformed")
    func badValues() throws {
        let base = #""timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"/""#
        #expect(rejection("{\(base),\"status\":700}")?.got == "700")
        #expect(rejection("{\(base),\"status\":200.5}")?.field == "status")
        #expect(rejection("{\(base),\"status\":200,\"duration_ms\":-1}")?.field == "duration_ms")
        #expect(rejection("{\(base),\"status\":200,\"request_size\":-3}")?.field == "request_size")
        #expect(rejection("{\(base),\"status\":200,\"client_ip\":\"999.1.1.1\"}")?.field == "client_ip")
        #expect(rejection("{\(base),\"status\":200,\"trace_id\":\"abc\"}")?.field == "trace_id")
        #expect(rejection("{\(base),\"status\":200,\"trace_id\":\"00000000000000000000000000000000\"}")?.got == "all zeros")
        #expect(rejection("{\(base),\"status\":200,\"level\":\"loud\"}")?.field == "level")
        #expect(rejection("{\(base),\"status\":200,\"attributes\":[1]}")?.field == "attributes")
        #expect(rejection("{\(base),\"status\":200,\"consumer\":{\"name\":\"x\"}}")?.field == "consumer.id")
        #expect(rejection("{\(base),\"status\":200,\"consumer\":{\"id\":\"x\",\"tier\":\"y\"}}")?.field == "consumer.tier")
        #expect(rejection("{\(base),\"status\":200,\"id\":\"has space\"}")?.field == "id")
        #expect(rejection(#"{"timestamp":"2026-13-22T10:00:00Z","service":"s","method":"GET","path":"/","status":200}"#)?.field == "timestamp")
        #expect(rejection(#"{"timestamp":"2026-11-22T10:00:00","service":"s","method":"GET","path":"/","status":200}"#)?.field == "timestamp")
        #expect(rejection(#"{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"orders","status":200}"#)?.field == "path")
        #expect(rejection(#"{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"G ET","path":"/","status":200}"#)?.field == "method")
    }

    @Test("unknown fields are refused with a suggestion for near misses")
    func unknownField() throws {
        let error = try #require(rejection(#"{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"/","stauts":200}"#))
        #expect(error.field == "stauts")
        #expect(error.expected.contains("did you mean 'status'?"))
    }

    @Test("duplicate fields are refused")
    func duplicateField() throws {
        let error = try #require(rejection(#"{"timestamp":"2026-11-22T10:00:00Z","service":"s","service":"t","method":"GET","path":"/","status":200}"#))
        #expect(error.field == "service" && error.got == "it twice")
    }

    @Test("field length limits are enforced and reported in bytes")
    func lengthLimits() throws {
        var limits = EventLimits()
        limits.maxNameBytes = 8
        let result = decode(#"{"timestamp":"2026-11-22T10:00:00Z","service":"a-very-long-service","method":"GET","path":"/","status":200}"#, limits: limits)
        guard case .failure(let error) = result else { Issue.record("accepted"); return }
        #expect(error.description == "field 'service': expected at most 8 bytes, got 19 bytes")
    }

    @Test("reasons never echo the sender's string values")
    func noEcho() throws {
        let secret = "SUPERSECRET-\(Int.random(in: 0...1_000_000))"
        let cases = [
            #"{"timestamp":"\#(secret)","service":"s","method":"GET","path":"/","status":200}"#,
            #"{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"\#(secret)","status":200}"#,
            #"{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"/","status":200,"client_ip":"\#(secret)"}"#,
            #"{"timestamp":"2026-11-22T10:00:00Z","service":"s","method":"GET","path":"/","status":200,"level":"\#(secret)"}"#,
        ]
        for text in cases {
            let error = try #require(rejection(text))
            #expect(!error.description.contains(secret))
        }
    }
}
