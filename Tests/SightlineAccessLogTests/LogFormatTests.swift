import SightlineAccessLog
import SightlineCore
import Testing

@Suite struct LogFormatTests {
    @Test func directiveAsWrittenInNginxConf() throws {
        let conf = """
            log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                            '$status $body_bytes_sent "$http_referer" '
                            '"$http_user_agent" "$http_x_forwarded_for"';
            """
        let format = try AccessLogFormat(parsing: conf)
        let line = #"10.0.0.5 - - [10/Oct/2023:13:55:36 +0000] "GET /health HTTP/1.1" 200 2 "-" "kube-probe/1.27" "198.51.100.7, 10.0.0.1""#
        let plain = try parseEvent(parser(format), line)
        #expect(plain.clientIP == "10.0.0.5")
        #expect(attributes(plain).contains(#""http_x_forwarded_for":"198.51.100.7, 10.0.0.1""#))
        let trusted = try parseEvent(parser(format, trustForwardedFor: true), line)
        #expect(trusted.clientIP == "198.51.100.7")
    }

    @Test func forwardedForSkipsJunkAndStripsPorts() throws {
        let format = AccessLogFormat.nginxMain
        let p = try parser(format, trustForwardedFor: true)
        let head = #"10.0.0.5 - - [10/Oct/2023:13:55:36 +0000] "GET / HTTP/1.1" 200 2 "-" "-" "#
        #expect(try parseEvent(p, head + #""unknown, 203.0.113.9:51234""#).clientIP == "203.0.113.9")
        #expect(try parseEvent(p, head + #""[2001:db8::7]:443""#).clientIP == "2001:db8::7")
        #expect(try parseEvent(p, head + #""-""#).clientIP == "10.0.0.5")
        #expect(try parseEvent(p, head + #""garbage""#).clientIP == "10.0.0.5")
    }

    @Test func requestTimeUpstreamAndTimestampAtStart() throws {
        let format = try AccessLogFormat(parsing: #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_response_time $pipe"#)
        let line = #"1.2.3.4 - - [10/Oct/2023:13:55:36 +0000] "POST /api/pay HTTP/1.1" 502 166 "-" "okhttp/4.12" 1.500 0.750, 0.700 : 0.010 p"#
        let event = try parseEvent(parser(format), line)
        #expect(event.durationMs == 1500)
        #expect(event.timestampMicros == micros("2023-10-10T13:55:34.500Z"))
        #expect(attributes(event).contains(#""upstream_response_time":"0.750, 0.700 : 0.010""#))
        #expect(attributes(event).contains(#""pipe":"p""#))
        let asLogged = try parseEvent(parser(format, atStart: false), line)
        #expect(asLogged.timestampMicros == micros("2023-10-10T13:55:36Z"))
        #expect(asLogged.id == event.id) // the id uses the logged time, whatever the option
    }

    @Test func upstreamTimeIsTheDurationWhenThereIsNoRequestTime() throws {
        let format = try AccessLogFormat(parsing: #"[$time_local] "$request" $status $upstream_response_time"#)
        let p = try parser(format, atStart: false)
        #expect(try parseEvent(p, #"[10/Oct/2023:13:55:36 +0000] "GET / HTTP/1.1" 200 0.012, 0.004"#).durationMs == 16)
        #expect(try parseEvent(p, #"[10/Oct/2023:13:55:36 +0000] "GET / HTTP/1.1" 200 -"#).durationMs == nil)
    }

    @Test func isoTimeMillisecondsAndSplitRequest() throws {
        let format = try AccessLogFormat(parsing: #"$time_iso8601 $msec $scheme://$host$request_uri $request_method $status $request_length $bytes_sent $server_protocol"#)
        let event = try parseEvent(parser(format, atStart: false), "2023-10-10T15:55:36+02:00 1696946136.250 https://api.example.com/v2/users?page=3 put 201 512 900 HTTP/2.0")
        #expect(event.timestampMicros == micros("2023-10-10T13:55:36Z")) // the first time wins
        #expect(event.scheme == "https")
        #expect(event.host == "api.example.com")
        #expect(event.method == "PUT")
        #expect(event.path == "/v2/users")
        #expect(event.query == [QueryParameter(name: "page", value: "3")])
        #expect(event.status == 201)
        #expect(event.requestSize == nil) // $request_length counts headers: an attribute
        #expect(event.responseSize == nil)
        #expect(attributes(event) == #"{"msec":"1696946136.250","request_length":"512","bytes_sent":"900","server_protocol":"HTTP/2.0"}"#)
    }

    @Test func msecAloneGivesMilliseconds() throws {
        let format = try AccessLogFormat(parsing: #"$msec "$request" $status"#)
        let event = try parseEvent(parser(format), #"1696946136.250 "GET / HTTP/1.1" 200"#)
        #expect(event.timestampMicros == micros("2023-10-10T13:55:36.250Z"))
    }

    @Test func uriAndArgsWhenThereIsNoRequest() throws {
        let format = try AccessLogFormat(parsing: #"[$time_local] $request_method $uri $args $status"#)
        let event = try parseEvent(parser(format), "[10/Oct/2023:13:55:36 +0000] GET /search q=shoes&page=2 200")
        #expect(event.path == "/search")
        #expect(event.query.count == 2)
    }

    @Test func cookiesAndCredentialsAreNeverCopied() throws {
        let format = try AccessLogFormat(parsing: #"[$time_local] "$request" $status "$cookie_session" "$http_authorization" "$http_cookie" $request_id"#)
        let event = try parseEvent(parser(format), #"[10/Oct/2023:13:55:36 +0000] "GET / HTTP/1.1" 200 "abc123" "Bearer xyz" "a=b" 0f8e3b2a9c1d4e5f6a7b8c9d0e1f2a3b"#)
        #expect(!attributes(event).contains("abc123"))
        #expect(!attributes(event).contains("Bearer"))
        #expect(!attributes(event).contains("a=b"))
        #expect(attributes(event).contains(#""request_id":"0f8e3b2a9c1d4e5f6a7b8c9d0e1f2a3b""#))
    }

    @Test func traceparentGivesTraceAndSpan() throws {
        let format = try AccessLogFormat(parsing: #"[$time_local] "$request" $status "$http_traceparent""#)
        let event = try parseEvent(parser(format), #"[10/Oct/2023:13:55:36 +0000] "GET / HTTP/1.1" 200 "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01""#)
        #expect(event.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(event.spanID == "00f067aa0ba902b7")
    }

    @Test func jsonShapedLogFormatWithEscapeJSON() throws {
        let conf = #"""
            log_format json_combined escape=json
              '{'
                '"time_local":"$time_local",'
                '"remote_addr":"$remote_addr",'
                '"request":"$request",'
                '"status": "$status",'
                '"body_bytes_sent":"$body_bytes_sent",'
                '"request_time":"$request_time",'
                '"http_user_agent":"$http_user_agent"'
              '}';
            """#
        let format = try AccessLogFormat(parsing: conf)
        let line = #"{"time_local":"10/Oct/2023:13:55:36 +0000","remote_addr":"1.2.3.4","request":"GET /q?x=\"y\" HTTP/1.1","status": "200","body_bytes_sent":"12","request_time":"0.005","http_user_agent":"A \"quoted\" agent\u00e9"}"#
        let event = try parseEvent(parser(format), line)
        #expect(event.query == [QueryParameter(name: "x", value: "\"y\"")])
        #expect(event.userAgent == "A \"quoted\" agenté")
        #expect(event.durationMs == 5)
    }

    @Test func escapeNoneAllowsRawQuotesInTheLastField() throws {
        let format = try AccessLogFormat(parsing: #"log_format raw escape=none '[$time_local] "$request" $status "$http_user_agent"';"#)
        let event = try parseEvent(parser(format), #"[10/Oct/2023:13:55:36 +0000] "GET / HTTP/1.1" 200 "say "hi" \o/""#)
        #expect(event.userAgent == #"say "hi" \o/"#)
    }

    @Test func unknownVariablesAndBracedNames() throws {
        let format = try AccessLogFormat(parsing: #"${remote_addr}:$remote_port [$time_local] "$request" $status $ssl_protocol/$ssl_cipher $gzip_ratio"#)
        let event = try parseEvent(parser(format), #"1.2.3.4:51000 [10/Oct/2023:13:55:36 +0000] "GET / HTTP/1.1" 200 TLSv1.3/TLS_AES_128_GCM_SHA256 -"#)
        #expect(event.clientIP == "1.2.3.4")
        #expect(attributes(event) == #"{"remote_port":"51000","protocol":"HTTP/1.1","ssl_protocol":"TLSv1.3","ssl_cipher":"TLS_AES_128_GCM_SHA256"}"#)
    }

    @Test func formatsThatCannotWorkAreRefusedUpFront() {
        func code(_ text: String) -> AccessLogError.Code? {
            do {
                _ = try AccessLogFormat(parsing: text)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code("$remote_addr $status") == .unsupportedFormat) // no time
        #expect(code("[$time_local] $request") == .unsupportedFormat) // no status
        #expect(code("[$time_local] $status $request_uri") == .unsupportedFormat) // no method
        #expect(code(#"[$time_local] "$request" $status $http_foo$http_bar"#) == .unsupportedFormat) // touching
        #expect(code("log_format x 'unterminated") == .invalidFormat)
        #expect(code("log_format x escape=yaml '[$time_local] \"$request\" $status';") == .invalidFormat)
        #expect(code("nginx-ish") == .invalidFormat)
        #expect(code("COMBINED") == nil)
        do {
            _ = try AccessLogFormat(parsing: "[$time_local] $request")
        } catch {
            #expect(error.message.contains("$status"))
        }
    }

    @Test func namedFormatsAndDescriptions() throws {
        #expect(try AccessLogFormat(parsing: " Combined ") == .combined)
        #expect(try AccessLogFormat(parsing: "clf") == .common)
        #expect(try AccessLogFormat(parsing: "ndjson") == .json)
        #expect(try AccessLogFormat(parsing: "auto") == .auto)
        #expect(try AccessLogFormat(parsing: "nginx:$msec $request $status") == .nginx("$msec $request $status"))
        #expect(AccessLogFormat.combinedWithRequestTime.description.hasSuffix("$request_time"))
    }

    @Test func emptyServiceIsRefused() {
        #expect(throws: AccessLogError.self) { try AccessLogParser(format: .combined, options: .init(service: "")) }
    }
}
