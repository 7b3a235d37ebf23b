import SightlineAccessLog
import SightlineCore
import Testing

@Suite struct JSONFormatTests {
    @Test func nginxEscapeJSONLine() throws {
        let line = #"{"time":"2023-10-10T13:55:36+00:00","remote_addr":"1.2.3.4","request":"GET /a/b?x=1 HTTP/1.1","status":404,"body_bytes_sent":153,"request_time":0.012,"upstream_response_time":"0.010","http_user_agent":"curl/8.4.0","http_referer":"","http_x_forwarded_for":"","host":"api.example.com","request_id":"7f1c","remote_user":"-"}"#
        let event = try parseEvent(parser(.json, atStart: false), line)
        #expect(event.timestampMicros == micros("2023-10-10T13:55:36Z"))
        #expect(event.method == "GET")
        #expect(event.path == "/a/b")
        #expect(event.status == 404)
        #expect(event.responseSize == 153)
        #expect(event.durationMs == 12)
        #expect(event.host == "api.example.com")
        #expect(event.userAgent == "curl/8.4.0")
        #expect(event.userID == nil)
        #expect(attributes(event) == #"{"protocol":"HTTP/1.1","upstream_response_time":"0.010","request_id":"7f1c"}"#)
        #expect(isValidEvent(event))
    }

    @Test func methodAndPathKeysAndEpochTime() throws {
        let line = #"{"@timestamp": 1696946136.5, "client_ip": "2001:db8::2", "method": "post", "path": "/v1/events", "query": "a=1", "status": "201", "bytes": "0", "duration_ms": 3.25, "user_agent": "sdk/1.0", "tags": ["x", 1], "ok": true, "n": null}"#
        let event = try parseEvent(parser(.json, atStart: false), line)
        #expect(event.timestampMicros == micros("2023-10-10T13:55:36.500Z"))
        #expect(event.method == "POST")
        #expect(event.path == "/v1/events")
        #expect(event.query == [QueryParameter(name: "a", value: "1")])
        #expect(event.clientIP == "2001:db8::2")
        #expect(event.durationMs == 3.25)
        #expect(attributes(event) == #"{"tags":["x",1],"ok":true}"#)
        #expect(isValidEvent(event))
    }

    @Test func caddyAccessLog() throws {
        let line = #"{"level":"info","ts":1646861401.5241024,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"127.0.0.1","remote_port":"41342","proto":"HTTP/2.0","method":"GET","host":"localhost","uri":"/?x=1","headers":{"User-Agent":["curl/7.82.0"],"Accept":["*/*"],"Cookie":["secret=1"]},"tls":{"resumed":false,"version":772}},"user_id":"","duration":0.000929675,"size":10900,"status":200,"resp_headers":{"Server":["Caddy"]}}"#
        let event = try parseEvent(parser(.json, atStart: false), line)
        #expect(event.timestampMicros == 1_646_861_401_524_102)
        #expect(event.clientIP == "127.0.0.1")
        #expect(event.method == "GET")
        #expect(event.host == "localhost")
        #expect(event.query == [QueryParameter(name: "x", value: "1")])
        #expect(event.userAgent == "curl/7.82.0")
        #expect(event.responseSize == 10900)
        #expect(event.durationMs == 0.929)
        #expect(!attributes(event).contains("secret"))
        #expect(attributes(event).contains(#""request.tls.resumed":false"#) || attributes(event).contains(#""request.tls":{"resumed":false"#))
        #expect(isValidEvent(event))
    }

    @Test func missingAndMalformed() throws {
        let p = try parser(.json)
        let missing = try parseRejection(p, #"{"time":"2023-10-10T13:55:36Z","request":"GET / HTTP/1.1"}"#)
        #expect(missing.reason == .missingField)
        #expect(missing.field == "status")
        let malformed = try parseRejection(p, #"{"time":"2023-10-10T13:55:36Z","status":200,"#)
        #expect(malformed.reason == .invalidJSON)
        #expect(malformed.got.contains("column"))
        let notObject = try parseRejection(p, #"["GET"]"#)
        #expect(notObject.reason == .invalidJSON)
        let noZone = try parseRejection(p, #"{"time":"2023-10-10 13:55:36","request":"GET / HTTP/1.1","status":200}"#)
        #expect(noZone.field == "time")
        let badStatus = try parseRejection(p, #"{"time":"2023-10-10T13:55:36Z","request":"GET / HTTP/1.1","status":true}"#)
        #expect(badStatus.field == "status")
    }

    @Test func unicodeEscapesAndSurrogates() throws {
        let line = #"{"time":"2023-10-10T13:55:36Z","request":"GET /caf\u00e9 HTTP/1.1","status":200,"user_agent":"smile \ud83d\ude00 lone \ud800 end"}"#
        let event = try parseEvent(parser(.json), line)
        #expect(event.path == "/café")
        #expect(event.userAgent == "smile 😀 lone \u{FFFD} end")
    }
}
