import SightlineAccessLog
import SightlineCore
import Testing

@Suite struct CombinedFormatTests {
    @Test func nginxCombinedLine() throws {
        let line = #"203.0.113.7 - - [10/Oct/2023:13:55:36 +0000] "GET /api/v1/orders/42?expand=items&expand=customer&debug HTTP/1.1" 200 1534 "https://shop.example.com/cart" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36""#
        let event = try parseEvent(parser(.combined), line)
        #expect(event.timestampMicros == micros("2023-10-10T13:55:36Z"))
        #expect(event.service == "shop")
        #expect(event.method == "GET")
        #expect(event.path == "/api/v1/orders/42")
        #expect(event.query == [
            QueryParameter(name: "expand", value: "items"), QueryParameter(name: "expand", value: "customer"),
            QueryParameter(name: "debug", value: ""),
        ])
        #expect(event.status == 200)
        #expect(event.responseSize == 1534)
        #expect(event.clientIP == "203.0.113.7")
        #expect(event.userID == nil)
        #expect(event.durationMs == nil)
        #expect(event.userAgent?.hasPrefix("Mozilla/5.0 (X11; Linux x86_64)") == true)
        #expect(attributes(event) == #"{"protocol":"HTTP/1.1","http_referer":"https://shop.example.com/cart"}"#)
        #expect(event.id?.count == 26)
        #expect(isValidEvent(event))
    }

    @Test func apacheCombinedWithTimeZoneAndUser() throws {
        let line = #"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#
        let event = try parseEvent(parser(.combined), line)
        #expect(event.timestampMicros == micros("2000-10-10T20:55:36Z"))
        #expect(event.userID == "frank")
        #expect(event.userAgent == "Mozilla/4.08 [en] (Win98; I ;Nav)")
    }

    @Test func ipv6ClientAndMissingFields() throws {
        let line = #"2001:db8:85a3::8a2e:370:7334 - - [01/Jan/2024:00:00:00 +0530] "HEAD / HTTP/2.0" 304 - "-" "-""#
        let event = try parseEvent(parser(.combined), line)
        #expect(event.clientIP == "2001:db8:85a3::8a2e:370:7334")
        #expect(event.timestampMicros == micros("2023-12-31T18:30:00Z"))
        #expect(event.method == "HEAD")
        #expect(event.path == "/")
        #expect(event.responseSize == 0) // CLF '-' is zero bytes
        #expect(event.userAgent == nil)
        #expect(attributes(event) == #"{"protocol":"HTTP/2.0"}"#)
    }

    @Test func commonLogFormat() throws {
        let event = try parseEvent(parser(.common), #"10.1.2.3 - bob [10/Oct/2000:13:55:36 -0700] "DELETE /api/items/7 HTTP/1.1" 204 0"#)
        #expect(event.method == "DELETE")
        #expect(event.status == 204)
        #expect(event.userID == "bob")
        #expect(event.attributes?.description == #"{"protocol":"HTTP/1.1"}"#)
    }

    @Test func commonFollowedByMoreFieldsKeepsThemAsExtra() throws {
        let event = try parseEvent(parser(.common), #"10.1.2.3 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 12 "-" "curl/8.4.0""#)
        #expect(event.responseSize == 12)
        #expect(attributes(event) == #"{"protocol":"HTTP/1.1","extra":"\"-\" \"curl/8.4.0\""}"#)
    }

    @Test func combinedFollowedByRequestTimeKeepsItAsExtra() throws {
        let event = try parseEvent(parser(.combined), #"10.1.2.3 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 12 "-" "curl/8.4.0" 0.042"#)
        #expect(event.userAgent == "curl/8.4.0")
        #expect(attributes(event) == #"{"protocol":"HTTP/1.1","extra":"0.042"}"#)
    }

    @Test func tlsHandshakeOnThePlainPortIsRejectedWithoutEchoingIt() throws {
        let line = #"192.0.2.1 - - [10/Oct/2023:13:55:37 +0000] "\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03\xA8\x9B\x1D\xB8\x9F\xEE\xEA\xCB\xA0\x07\xDF\xE0\xF0\x98\x1C\xEE\xD5\xB4\xA7\x12\xF6\xD0\xA9\x8B" 400 157 "-" "-""#
        let rejection = try parseRejection(parser(.combined), line)
        #expect(rejection.reason == .invalidField)
        #expect(rejection.field == "$request")
        #expect(rejection.lineNumber == 7)
        #expect(rejection.byteOffset == 100)
        #expect(rejection.got.count < 80)
        #expect(rejection.description.hasPrefix("line 7: $request: expected a request line starting with a method"))
    }

    @Test func emptyRequestIsRejected() throws {
        let rejection = try parseRejection(parser(.combined), #"192.0.2.1 - - [10/Oct/2023:13:55:37 +0000] "-" 408 0 "-" "-""#)
        #expect(rejection.field == "$request")
        #expect(rejection.got.contains("no request"))
    }

    @Test func connectAndJunkTargetsAreRejected() throws {
        let p = try parser(.combined)
        let connect = try parseRejection(p, #"192.0.2.1 - - [10/Oct/2023:13:55:37 +0000] "CONNECT example.com:443 HTTP/1.1" 400 0 "-" "-""#)
        #expect(connect.expected.contains("starting with '/'"))
        let secret = try parseRejection(p, #"192.0.2.1 - - [10/Oct/2023:13:55:37 +0000] "GET /a?token=SECRETSECRET HTTP/1.1" 999 0 "-" "-""#)
        #expect(secret.field == "$status")
        #expect(!secret.description.contains("SECRET"))
    }

    @Test func absoluteFormTargetsGiveSchemeHostAndPath() throws {
        let event = try parseEvent(parser(.combined), #"192.0.2.1 - - [10/Oct/2023:13:55:37 +0000] "GET http://example.com:8080/proxy/test?x=1 HTTP/1.1" 404 0 "-" "-""#)
        #expect(event.scheme == "http")
        #expect(event.host == "example.com:8080")
        #expect(event.path == "/proxy/test")
        #expect(event.query == [QueryParameter(name: "x", value: "1")])
        let bare = try parseEvent(parser(.combined), #"192.0.2.1 - - [10/Oct/2023:13:55:37 +0000] "GET https://example.com HTTP/1.1" 404 0 "-" "-""#)
        #expect(bare.path == "/")
    }

    @Test func oddButValidRequests() throws {
        let p = try parser(.combined)
        let star = try parseEvent(p, #"::1 - - [10/Oct/2023:13:55:37 +0000] "OPTIONS * HTTP/1.1" 200 0 "-" "-""#)
        #expect(star.path == "*")
        let lower = try parseEvent(p, #"::1 - - [10/Oct/2023:13:55:37 +0000] "get /x HTTP/1.1" 200 0 "-" "-""#)
        #expect(lower.method == "GET")
        let http09 = try parseEvent(p, #"::1 - - [10/Oct/2023:13:55:37 +0000] "GET /old" 200 0 "-" "-""#)
        #expect(http09.path == "/old")
        #expect(http09.attributes == nil)
        let spaces = try parseEvent(p, #"::1 - - [10/Oct/2023:13:55:37 +0000] "GET /a b/c HTTP/1.1" 400 0 "-" "-""#)
        #expect(spaces.path == "/a b/c")
    }

    @Test func nginxHexEscapesAreDecoded() throws {
        // escape=default: '"' and bytes ≥ 0x80 as \xHH (here a UTF-8 ’ and é).
        let line = #"198.51.100.2 - - [10/Oct/2023:13:55:37 +0000] "GET /caf\xC3\xA9?q=\x22hi\x22 HTTP/1.1" 200 5 "-" "Bob\xE2\x80\x99s \x22browser\x22""#
        let event = try parseEvent(parser(.combined), line)
        #expect(event.path == "/café")
        #expect(event.query == [QueryParameter(name: "q", value: "\"hi\"")])
        #expect(event.userAgent == "Bob’s \"browser\"")
        #expect(isValidEvent(event))
    }

    @Test func apacheBackslashEscapesAreDecoded() throws {
        let line = #"198.51.100.2 - - [10/Oct/2023:13:55:37 +0000] "GET /search HTTP/1.1" 200 5 "-" "Agent \"quoted\" \\ tab\t""#
        let event = try parseEvent(parser(.combined), line)
        #expect(event.userAgent == "Agent \"quoted\" \\ tab\t")
    }

    @Test func invalidUTF8IsReplacedNotFatal() throws {
        var line = Array(#"198.51.100.2 - - [10/Oct/2023:13:55:37 +0000] "GET /x HTTP/1.1" 200 5 "-" "bad "#.utf8)
        line += [0xFF, 0xC3, 0x28]
        line += Array("\"".utf8)
        let result = try parser(.combined).parse(line: line, lineNumber: 1, byteOffset: 0)
        let event = try #require(result.event)
        #expect(event.userAgent == "bad \u{FFFD}\u{FFFD}(")
        #expect(isValidEvent(event))
    }

    @Test func lineEndingsBlankLinesAndLength() throws {
        let p = try parser(.combined)
        let base = #"198.51.100.2 - - [10/Oct/2023:13:55:37 +0000] "GET /x HTTP/1.1" 200 5 "-" "curl""#
        #expect(p.parse(line: base + "\r\n", lineNumber: 1, byteOffset: 0).event?.userAgent == "curl")
        #expect(p.parse(line: base + "   \t", lineNumber: 1, byteOffset: 0).event != nil)
        #expect(p.parse(line: "", lineNumber: 1, byteOffset: 0) == .skipped)
        #expect(p.parse(line: "  \r\n", lineNumber: 1, byteOffset: 0) == .skipped)
        let small = try AccessLogParser(format: .combined, options: .init(service: "s", maxLineBytes: 64))
        let long = small.parse(line: base, lineNumber: 3, byteOffset: 0).rejection
        #expect(long?.reason == .lineTooLong)
        #expect(long?.got == "\(base.utf8.count) bytes")
    }

    @Test func structuralMismatchNamesTheColumn() throws {
        let rejection = try parseRejection(parser(.combined), #"198.51.100.2 - - 10/Oct/2023:13:55:37 +0000 "GET /x HTTP/1.1" 200 5"#)
        #expect(rejection.reason == .formatMismatch)
        #expect(rejection.description == "line 7: $remote_user: expected ' [' after it (from column 16), got none before the end of the line")
    }

    @Test func badTimeAndStatusAreRejected() throws {
        let p = try parser(.combined)
        let time = try parseRejection(p, #"1.2.3.4 - - [32/Oct/2023:13:55:37 +0000] "GET / HTTP/1.1" 200 5 "-" "-""#)
        #expect(time.field == "$time_local")
        let before1970 = try parseRejection(p, #"1.2.3.4 - - [10/Oct/1969:13:55:37 +0000] "GET / HTTP/1.1" 200 5 "-" "-""#)
        #expect(before1970.field == "$time_local")
        let status = try parseRejection(p, #"1.2.3.4 - - [10/Oct/2023:13:55:37 +0000] "GET / HTTP/1.1" 000 5 "-" "-""#)
        #expect(status.field == "$status")
        #expect(status.got == "\"000\"")
    }

    @Test func nonAddressRemoteAddrIsKeptAsAttribute() throws {
        let event = try parseEvent(parser(.combined), #"unix: - - [10/Oct/2023:13:55:37 +0000] "GET / HTTP/1.1" 200 5 "-" "-""#)
        #expect(event.clientIP == nil)
        #expect(attributes(event).contains(#""remote_addr":"unix:""#))
    }

    @Test func longPathsRejectLongUserAgentsAreCut() throws {
        let p = try parser(.combined)
        let path = "/" + String(repeating: "a", count: 9000)
        let rejected = try parseRejection(p, "1.2.3.4 - - [10/Oct/2023:13:55:37 +0000] \"GET \(path) HTTP/1.1\" 200 5 \"-\" \"-\"")
        #expect(rejected.got == "9001 bytes")
        let agent = String(repeating: "é", count: 10_000) // 20,000 bytes
        let cut = try parseEvent(p, "1.2.3.4 - - [10/Oct/2023:13:55:37 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"\(agent)\"")
        #expect(cut.userAgent?.utf8.count == 16 << 10)
        #expect(isValidEvent(cut))
    }
}
