import SightlineAccessLog
import SightlineCore
import Testing

@Suite struct DetectionTests {
    static let combined = [
        #"203.0.113.7 - - [10/Oct/2023:13:55:36 +0000] "GET / HTTP/1.1" 200 612 "-" "Mozilla/5.0""#,
        #"203.0.113.8 - - [10/Oct/2023:13:55:37 +0000] "GET /favicon.ico HTTP/1.1" 404 153 "http://x/" "Mozilla/5.0""#,
    ]

    @Test func detectsEachFormat() {
        #expect(AccessLogFormat.detect(sampleLines: Self.combined) == .combined)
        #expect(AccessLogFormat.detect(sampleLines: Self.combined.map { $0 + " 0.004" }) == .combinedWithRequestTime)
        #expect(AccessLogFormat.detect(sampleLines: Self.combined.map { $0 + " 0.004 0.003" }) == .combinedWithUpstreamTime)
        #expect(AccessLogFormat.detect(sampleLines: Self.combined.map { $0 + #" "10.0.0.1""# }) == .nginxMain)
        #expect(AccessLogFormat.detect(sampleLines: [#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#]) == .common)
        #expect(AccessLogFormat.detect(sampleLines: [#"{"time":"2023-10-10T13:55:36Z","request":"GET / HTTP/1.1","status":200}"#]) == .json)
    }

    @Test func blankAndJunkLines() {
        #expect(AccessLogFormat.detect(sampleLines: ["", "   "]) == nil)
        #expect(AccessLogFormat.detect(sampleLines: ["hello world", "not a log"]) == nil)
        // One junk line among three does not prevent detection.
        #expect(AccessLogFormat.detect(sampleLines: Self.combined + ["\u{16}\u{3}junk"]) == .combined)
    }

    @Test func autoParsesMixedLinesOneByOne() throws {
        let p = try parser(.auto)
        let lines = [
            Self.combined[0],
            Self.combined[1] + " 0.250",
            #"{"time":"2023-10-10T13:55:36Z","request":"GET /j HTTP/1.1","status":200}"#,
            #"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#,
        ]
        let events = lines.compactMap { p.parse(line: $0, lineNumber: 1, byteOffset: 0).event }
        #expect(events.count == 4)
        #expect(events[1].durationMs == 250)
        #expect(events[2].path == "/j")
        let junk = p.parse(line: "GET / HTTP/1.1", lineNumber: 9, byteOffset: 0).rejection
        #expect(junk?.reason == .formatMismatch)
    }
}
