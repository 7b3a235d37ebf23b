import Testing
@testable import SightlineClient

@Suite("Redaction")
struct RedactionTests {
    let policy = RedactionPolicy()

    func json(_ text: String) -> JSONValue { JSONValue.parse(Array(text.utf8))! }

    func redacted(_ body: String, _ direction: RedactionPolicy.Direction, policy: RedactionPolicy? = nil) -> String {
        (policy ?? self.policy).redactBody(Array(body.utf8), contentType: "application/json", truncated: false, direction: direction)!.serialized()
    }

    @Test("default header names match whatever their case, including the real Cookie header")
    func headersCaseInsensitive() {
        for name in ["Authorization", "authorization", "COOKIE", "Cookie", "cookie", "Set-Cookie", "proxy-authorization", "X-Api-Key", "x-api-key"] {
            #expect(policy.redactHeader(name: name, value: "session=abc123; theme=dark") == "[REDACTED]", "\(name)")
        }
        #expect(policy.redactHeader(name: "Accept", value: "application/json") == "application/json")
    }

    @Test("custom header names are lower-cased when configured")
    func customHeaders() {
        var p = RedactionPolicy()
        p.headers.insert("X-Internal-Secret")
        #expect(p.redactHeader(name: "x-internal-secret", value: "s") == "[REDACTED]")
        #expect(p.redactHeader(name: "X-INTERNAL-SECRET", value: "s") == "[REDACTED]")
    }

    @Test("the encoder redacts the Cookie header captured on a request")
    func encoderRedactsCookie() {
        var event = APIEvent(method: "GET", path: "/", status: 200)
        event.request = CapturedExchange(headers: [("Cookie", "sid=s3cr3t"), ("Accept", "text/html")])
        let line = String(decoding: EventEncoder(service: "s", environment: nil, policy: policy).encode(event), as: UTF8.self)
        #expect(line.contains(#""cookie":"[REDACTED]""#))
        #expect(!line.contains("s3cr3t"))
        #expect(line.contains(#""accept":"text/html""#))
    }

    @Test("sensitive query parameters, any case")
    func queryParameters() {
        #expect(policy.redactQuery(name: "access_token", value: "abc") == "[REDACTED]")
        #expect(policy.redactQuery(name: "API_KEY", value: "abc") == "[REDACTED]")
        #expect(policy.redactQuery(name: "page", value: "2") == "2")
    }

    @Test("member paths: $.password and $.card.number")
    func memberPaths() {
        var p = RedactionPolicy(requestBodyPaths: ["$.password", "$.card.number"], detectors: [])
        p.responseBodyPaths = []
        #expect(redacted(#"{"user":"ann","password":"hunter2","card":{"number":"x","exp":"12/30"}}"#, .request, policy: p)
            == #"{"user":"ann","password":"[REDACTED]","card":{"number":"[REDACTED]","exp":"12/30"}}"#)
        // Only at the named place: a nested password is left alone by $.password.
        #expect(redacted(#"{"a":{"password":"p"}}"#, .request, policy: p) == #"{"a":{"password":"p"}}"#)
    }

    @Test("recursive descent $..token reaches every depth, through nested arrays")
    func recursiveDescent() {
        let p = RedactionPolicy(requestBodyPaths: ["$..token"], detectors: [])
        let body = #"{"token":"t0","a":{"token":"t1","b":[{"token":"t2"},[{"c":{"token":"t3"}}]]},"tokens":"keep"}"#
        #expect(redacted(body, .request, policy: p)
            == #"{"token":"[REDACTED]","a":{"token":"[REDACTED]","b":[{"token":"[REDACTED]"},[{"c":{"token":"[REDACTED]"}}]]},"tokens":"keep"}"#)
    }

    @Test("wildcards and indices: $.items[*].secret, $.items[1].secret, $.matrix[*][*].pin")
    func arrays() {
        let p1 = RedactionPolicy(requestBodyPaths: ["$.items[*].secret"], detectors: [])
        #expect(redacted(#"{"items":[{"secret":1,"id":1},{"secret":{"deep":true},"id":2},{"id":3}]}"#, .request, policy: p1)
            == #"{"items":[{"secret":"[REDACTED]","id":1},{"secret":"[REDACTED]","id":2},{"id":3}]}"#)
        let p2 = RedactionPolicy(requestBodyPaths: ["$.items[1].secret"], detectors: [])
        #expect(redacted(#"{"items":[{"secret":"a"},{"secret":"b"}]}"#, .request, policy: p2) == #"{"items":[{"secret":"a"},{"secret":"[REDACTED]"}]}"#)
        let p3 = RedactionPolicy(requestBodyPaths: ["$.matrix[*][*].pin"], detectors: [])
        #expect(redacted(#"{"matrix":[[{"pin":1}],[{"pin":2},{"pin":3}]]}"#, .request, policy: p3)
            == #"{"matrix":[[{"pin":"[REDACTED]"}],[{"pin":"[REDACTED]"},{"pin":"[REDACTED]"}]]}"#)
        let p4 = RedactionPolicy(requestBodyPaths: ["$['odd key'].x"], detectors: [])
        #expect(redacted(#"{"odd key":{"x":1}}"#, .request, policy: p4) == #"{"odd key":{"x":"[REDACTED]"}}"#)
    }

    @Test("the request list is not applied to responses, nor the response list to requests")
    func directionsAreSeparate() {
        let p = RedactionPolicy(requestBodyPaths: ["$.password"], responseBodyPaths: ["$.session_token"], detectors: [])
        let body = #"{"password":"p","session_token":"s"}"#
        #expect(redacted(body, .request, policy: p) == #"{"password":"[REDACTED]","session_token":"s"}"#)
        #expect(redacted(body, .response, policy: p) == #"{"password":"p","session_token":"[REDACTED]"}"#)
    }

    @Test("defaults differ by direction: a response's password field is kept, its access_token is not")
    func defaultDirections() {
        let p = RedactionPolicy(detectors: [])
        #expect(redacted(#"{"password":"p"}"#, .request, policy: p) == #"{"password":"[REDACTED]"}"#)
        #expect(redacted(#"{"password":"p","access_token":"a"}"#, .response, policy: p) == #"{"password":"p","access_token":"[REDACTED]"}"#)
    }

    @Test("card numbers pass only with a valid Luhn digit, grouped or not")
    func cardNumbers() {
        #expect(policy.redactText("card 4111 1111 1111 1111 ok") == "card [REDACTED] ok")
        #expect(policy.redactText("4111-1111-1111-1111") == "[REDACTED]")
        #expect(policy.redactText("5500005555555559") == "[REDACTED]")
        // Same length, wrong check digit: an order number, kept.
        #expect(policy.redactText("order 4111111111111112") == "order 4111111111111112")
        // Too short, and digits glued to letters: kept.
        #expect(policy.redactText("id 424242424242") == "id 424242424242")
        #expect(policy.redactText("x4111111111111111") == "x4111111111111111")
    }

    @Test("the card pre-check never hides a card number, and skips scattered digits such as a user agent's")
    func cardPrecheck() {
        // A browser user agent has 20+ digits, none in a card-shaped run: not even scanned.
        let agent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
        #expect(!ValueDetector.Hints(Array(agent.utf8)).allows(.cardNumber))
        #expect(policy.redactText(agent) == agent)
        // Random texts over digits, separators and letters: whenever the scanner finds a card
        // number, the pre-check let it through (seeded, so a failure repeats).
        var state: UInt64 = 0x5EED_CA4D
        let alphabet = Array("0123456789 -- 4111 1111 1111 1111ax".utf8)
        var found = 0
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(state % 40) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(alphabet[Int((state >> 33) % UInt64(alphabet.count))])
            }
            state = state &* 6364136223846793005 &+ 1442695040888963407
            if !ValueDetector.cardNumberRanges(bytes).isEmpty {
                found += 1
                #expect(ValueDetector.Hints(bytes).allows(.cardNumber), "hidden: \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(found > 0)
    }

    @Test("emails, JWTs and bearer tokens inside free text")
    func detectors() {
        #expect(policy.redactText("mail ann.lee+x@example.co.uk now") == "mail [REDACTED] now")
        #expect(policy.redactText("not@anemail") == "not@anemail")
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sflKxwRJSMeKKF2QT4fwpM"
        #expect(policy.redactText("token=\(jwt)&x=1") == "token=[REDACTED]&x=1")
        #expect(policy.redactText("Bearer abc.def-123") == "Bearer [REDACTED]")
        #expect(policy.redactText("bearer  xyz0123456789, other") == "bearer  [REDACTED], other")
        // A token is at least 8 token characters: prose is left alone.
        #expect(policy.redactText("the bearer of news") == "the bearer of news")
        #expect(policy.redactText("nothing here 12345") == "nothing here 12345")
    }

    @Test("detectors run on body strings at any depth, query values and header values")
    func detectorsEverywhere() {
        let body = #"{"notes":[{"text":"pay with 4111111111111111"}],"contact":"bo@example.com","n":4111111111111111}"#
        #expect(redacted(body, .response) == #"{"notes":[{"text":"pay with [REDACTED]"}],"contact":"[REDACTED]","n":4111111111111111}"#)
        #expect(policy.redactQuery(name: "email", value: "bo@example.com") == "[REDACTED]")
        #expect(policy.redactHeader(name: "X-Forwarded-Authorization", value: "Bearer abcdef123456") == "Bearer [REDACTED]")
    }

    @Test("non-JSON bodies: text gets detectors, forms get parameter names, binary is left out, broken JSON is replaced")
    func otherBodies() {
        #expect(policy.redactBody(Array("hi bo@example.com".utf8), contentType: "text/plain", truncated: false, direction: .request) == .string("hi [REDACTED]"))
        #expect(policy.redactBody(Array("user=ann&password=x".utf8), contentType: "application/x-www-form-urlencoded", truncated: false, direction: .request)
            == .string("user=ann&password=[REDACTED]"))
        #expect(policy.redactBody([0xFF, 0x00, 0x12], contentType: "application/octet-stream", truncated: false, direction: .request) == nil)
        #expect(policy.redactBody(Array(#"{"password":"p"#.utf8), contentType: "application/json", truncated: true, direction: .request) == .string("[REDACTED]"))
        #expect(policy.redactBody(Array("{not json".utf8), contentType: "application/json", truncated: false, direction: .request) == .string("[REDACTED]"))
    }

    @Test("malformed paths are refused with a helpful message")
    func invalidPaths() {
        #expect(throws: SightlineClientError.self) { try JSONPath(parsing: "password") }
        #expect(throws: SightlineClientError.self) { try JSONPath(parsing: "$.items[") }
        #expect(throws: SightlineClientError.self) { try JSONPath(parsing: "$..") }
        do {
            _ = try JSONPath(parsing: "$.a[x]")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("$.items[*].secret"))
        }
    }

    @Test("JSON parse and serialize round-trip keeps numbers and order")
    func jsonRoundTrip() {
        let text = #"{"b":1.50,"a":[true,false,null,-0.1e+3,"é\n\"x\""],"c":{}}"#
        let value = json(text)
        #expect(value.serialized() == #"{"b":1.50,"a":[true,false,null,-0.1e+3,"é\n\"x\""],"c":{}}"#)
        #expect(JSONValue.parse(Array(value.serialized().utf8)) == value)
        #expect(JSONValue.parse(Array(#"{"a":1"#.utf8)) == nil)
        #expect(JSONValue.parse(Array("[01]".utf8)) == nil)
        #expect(json(#""\ud83d\ude00""#) == .string("😀"))
    }
}
