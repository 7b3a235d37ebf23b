import SightlineAccessLog
import SightlineCore
import Testing

/// Property tests: arbitrary bytes never crash the parser and always give an event that satisfies
/// the wire format, a skip, or a short rejection; random field values survive render → parse.
@Suite struct PropertyTests {
    static let seeds: [String] = [
        #"203.0.113.7 - - [10/Oct/2023:13:55:36 +0000] "GET /api/v1/orders/42?expand=items HTTP/1.1" 200 1534 "https://shop.example.com/cart" "Mozilla/5.0 (X11; Linux x86_64)" 0.012"#,
        #"2001:db8::1 - alice [10/Oct/2023:13:55:36 -0700] "POST /login HTTP/2.0" 302 - "-" "curl/8.4.0" "10.0.0.1, 10.0.0.2""#,
        #"192.0.2.1 - - [10/Oct/2023:13:55:37 +0000] "\x16\x03\x01\x00\xA5" 400 157 "-" "-""#,
        #"{"time":"2023-10-10T13:55:36+00:00","remote_addr":"1.2.3.4","request":"GET /a?x=1 HTTP/1.1","status":404,"request_time":0.012,"tags":["a",{"b":[1,2.5e3,null]}]}"#,
        #"{"ts":1646861401.52,"request":{"method":"GET","uri":"/","headers":{"User-Agent":["x"]}},"status":200}"#,
    ]

    static func parsers() throws -> [AccessLogParser] {
        let formats: [AccessLogFormat] = [
            .combined, .common, .json, .auto, .nginxMain, .combinedWithRequestTime, .combinedWithUpstreamTime,
            try AccessLogFormat(parsing: #"$msec $scheme://$host$request_uri $request_method $status $upstream_response_time "$http_traceparent""#),
            try AccessLogFormat(parsing: #"log_format j escape=json '{"t":"$time_iso8601","r":"$request","s":$status,"ua":"$http_user_agent"}';"#),
            try AccessLogFormat(parsing: #"log_format r escape=none '[$time_local] "$request" $status "$http_user_agent"';"#),
        ]
        return try formats.map { try AccessLogParser(format: $0, options: .init(service: "fuzz", sourceID: "fuzz", trustForwardedFor: true)) }
    }

    static let interesting: [UInt8] = Array(#" "\[]{}:,-./?&=$%x0129"#.utf8) + [0x00, 0x0A, 0x0D, 0x09, 0x7F, 0x80, 0xC3, 0xFF, 0xED, 0xA0]

    static func mutate(_ line: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        var bytes = line
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            guard !bytes.isEmpty else {
                bytes.append(interesting.randomElement(using: &random)!)
                continue
            }
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes[at] = interesting.randomElement(using: &random)!
            case 2: bytes.insert(interesting.randomElement(using: &random)!, at: at)
            case 3: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...12, using: &random)))
            case 4:
                let end = min(bytes.count, at + Int.random(in: 1...40, using: &random))
                bytes.insert(contentsOf: bytes[at..<end], at: Int.random(in: 0...bytes.count, using: &random))
            case 5: bytes.removeSubrange(at...)
            default: bytes.insert(contentsOf: Array(repeating: interesting.randomElement(using: &random)!, count: Int.random(in: 1...300, using: &random)), at: at)
            }
        }
        return bytes
    }

    @Test(arguments: [1, 2, 3, 4])
    func mutatedLinesNeverCrashAndEventsAreValid(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let parsers = try Self.parsers()
        var events = 0
        var rejections = 0
        for iteration in 0..<1500 {
            let base = Array(Self.seeds[iteration % Self.seeds.count].utf8)
            let line = iteration % 50 == 0 ? (0..<Int.random(in: 0...400, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) } : Self.mutate(base, &random)
            for parser in parsers {
                switch parser.parse(line: line, lineNumber: iteration + 1, byteOffset: Int64(iteration)) {
                case .event(let event):
                    events += 1
                    #expect(isValidEvent(event), "invalid event from \(line)")
                    #expect(event.id?.count == 26)
                case .rejected(let rejection):
                    rejections += 1
                    #expect(!rejection.field.isEmpty && !rejection.expected.isEmpty && !rejection.got.isEmpty)
                    #expect(rejection.got.utf8.count <= 120, "long excerpt: \(rejection.got)")
                    #expect(rejection.lineNumber == iteration + 1)
                case .skipped:
                    #expect(line.allSatisfy { [0x20, 0x09, 0x0A, 0x0D].contains($0) } || line.isEmpty || line.starts(with: [0xEF, 0xBB, 0xBF]))
                }
            }
        }
        #expect(events > 200)
        #expect(rejections > 1000)
    }

    @Test func parseLinesSplitsAndKeepsAPartialLastLine() throws {
        let p = try AccessLogParser(format: .combined, options: .init(service: "s"))
        let text = Self.seeds[0] + "\r\n\n" + Self.seeds[1] + "\n" + String(Self.seeds[0].prefix(40))
        let bytes = Array(text.utf8)
        var results: [AccessLogLineResult] = []
        let consumed = bytes.withUnsafeBytes { p.parseLines(in: $0, firstLineNumber: 10, byteOffset: 1000, isFinal: false) { results.append($0) } }
        #expect(results.count == 3)
        #expect(results[1] == .skipped)
        #expect(consumed == bytes.count - 40)
        let direct = p.parse(line: Self.seeds[1], lineNumber: 12, byteOffset: 1000 + Int64(Self.seeds[0].utf8.count + 3))
        #expect(results[2] == direct)
        var final: [AccessLogLineResult] = []
        let all = bytes.withUnsafeBytes { p.parseLines(in: $0, firstLineNumber: 10, byteOffset: 1000, isFinal: true) { final.append($0) } }
        #expect(all == bytes.count)
        #expect(final.count == 4)
        #expect(final[3].rejection?.lineNumber == 13)
    }

    // MARK: round trip

    struct Fields {
        var ip: String
        var user: String?
        var time: Int64 // µs, whole seconds
        var zoneMinutes: Int
        var method: String
        var path: String
        var query: [QueryParameter]
        var status: Int
        var size: Int64
        var requestTimeMillis: Int64
        var agent: String?
        var referer: String?
    }

    static func randomText(_ random: inout SeededRandom, count: ClosedRange<Int>, excluding: Set<Character> = [], controls: Bool = false) -> String {
        let pools: [ClosedRange<UInt32>] = [0x20...0x7E, 0x20...0x7E, 0x20...0x7E, 0xA0...0x17F, 0x4E00...0x4E80, 0x1F600...0x1F64F]
        var text = ""
        for _ in 0..<Int.random(in: count, using: &random) {
            var scalar = Unicode.Scalar(UInt32.random(in: pools.randomElement(using: &random)!, using: &random))!
            if controls, Int.random(in: 0..<20, using: &random) == 0 { scalar = Unicode.Scalar(UInt8.random(in: 1...31, using: &random)) }
            let character = Character(scalar)
            if excluding.contains(character) { continue }
            text.append(character)
        }
        return text
    }

    static func randomFields(_ random: inout SeededRandom) -> Fields {
        var fields = randomFieldsAllowingEmpty(&random)
        // An empty value is written '-' (or "") and reads back as "not set".
        if fields.user == "" { fields.user = nil }
        if fields.agent == "" { fields.agent = nil }
        if fields.referer == "" { fields.referer = nil }
        return fields
    }

    static func randomFieldsAllowingEmpty(_ random: inout SeededRandom) -> Fields {
        let ip: String
        if Bool.random(using: &random) {
            ip = (0..<4).map { _ in String(Int.random(in: 0...255, using: &random)) }.joined(separator: ".")
        } else {
            ip = (0..<8).map { _ in String(UInt16.random(in: 0...UInt16.max, using: &random), radix: 16) }.joined(separator: ":")
        }
        let segments = (0..<Int.random(in: 0...4, using: &random)).map { _ in randomText(&random, count: 0...12, excluding: ["?", "/", " ", "#"]) }
        let query = (0..<Int.random(in: 0...3, using: &random)).map { _ in
            QueryParameter(name: randomText(&random, count: 1...6, excluding: ["&", "=", " ", "#"]), value: randomText(&random, count: 0...10, excluding: ["&", " "]))
        }
        return Fields(
            ip: ip,
            user: Bool.random(using: &random) ? nil : randomText(&random, count: 1...10, excluding: [" ", "-", "[", "\""]),
            time: Int64.random(in: 946_684_800...1_900_000_000, using: &random) * 1_000_000,
            zoneMinutes: Int.random(in: -12...14, using: &random) * 60 + [0, 30, 45].randomElement(using: &random)!,
            method: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND"].randomElement(using: &random)!,
            path: "/" + segments.joined(separator: "/"),
            query: query,
            status: Int.random(in: 100...599, using: &random),
            size: Int64.random(in: 0...5_000_000_000, using: &random),
            requestTimeMillis: Int64.random(in: 0...120_000, using: &random),
            agent: Int.random(in: 0..<5, using: &random) == 0 ? nil : randomText(&random, count: 1...80, controls: true),
            referer: Bool.random(using: &random) ? nil : "https://" + randomText(&random, count: 1...30, controls: true)
        )
    }

    /// nginx escape=default: `"`, `\`, bytes below 0x20 and from 0x7F as `\xHH`.
    static func nginxEscaped(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            if byte == 0x22 || byte == 0x5C || byte < 0x20 || byte >= 0x7F {
                output += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(2)
            } else {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return output
    }

    /// Apache: `\"`, `\\`, `\n`, `\t` and `\xhh` for other non-printable bytes.
    static func apacheEscaped(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case 0x22: output += "\\\""
            case 0x5C: output += "\\\\"
            case 0x0A: output += "\\n"
            case 0x09: output += "\\t"
            case 0x20..<0x7F: output.unicodeScalars.append(Unicode.Scalar(byte))
            default: output += "\\x" + String(byte, radix: 16).leftPadded(2)
            }
        }
        return output
    }

    static func commonLogTime(_ micros: Int64, zoneMinutes: Int) -> String {
        // Timestamp.format of the shifted instant gives the local wall-clock fields.
        let local = Array(Timestamp.format(micros + Int64(zoneMinutes) * 60_000_000).utf8)
        func part(_ range: Range<Int>) -> String { String(decoding: local[range], as: UTF8.self) }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let sign = zoneMinutes < 0 ? "-" : "+"
        let zone = String(abs(zoneMinutes) / 60).leftPadded(2) + String(abs(zoneMinutes) % 60).leftPadded(2)
        return "\(part(8..<10))/\(months[Int(part(5..<7))! - 1])/\(part(0..<4)):\(part(11..<19)) \(sign)\(zone)"
    }

    static func target(_ fields: Fields) -> String {
        fields.path + (fields.query.isEmpty ? "" : "?" + fields.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&"))
    }

    static func seconds(_ millis: Int64) -> String {
        "\(millis / 1000)." + String(millis % 1000).leftPadded(3)
    }

    func check(_ event: Event?, _ fields: Fields, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let event else {
            Issue.record("no event", sourceLocation: sourceLocation)
            return
        }
        #expect(event.clientIP == fields.ip, sourceLocation: sourceLocation)
        #expect(event.userID == fields.user, sourceLocation: sourceLocation)
        #expect(event.timestampMicros == max(0, fields.time - fields.requestTimeMillis * 1000), sourceLocation: sourceLocation)
        #expect(event.durationMs == Double(fields.requestTimeMillis), sourceLocation: sourceLocation)
        #expect(event.method == fields.method, sourceLocation: sourceLocation)
        #expect(event.path == fields.path, sourceLocation: sourceLocation)
        #expect(event.query == fields.query, sourceLocation: sourceLocation)
        #expect(event.status == fields.status, sourceLocation: sourceLocation)
        #expect(event.responseSize == fields.size, sourceLocation: sourceLocation)
        #expect(event.userAgent == fields.agent, sourceLocation: sourceLocation)
        #expect(isValidEvent(event), sourceLocation: sourceLocation)
    }

    @Test func combinedWithRequestTimeRoundTrip() throws {
        var random = SeededRandom(seed: 42)
        let p = try AccessLogParser(format: .combinedWithRequestTime, options: .init(service: "rt"))
        let auto = try AccessLogParser(format: .auto, options: .init(service: "rt"))
        for index in 0..<2000 {
            let fields = Self.randomFields(&random)
            let escape = index % 2 == 0 ? Self.nginxEscaped : Self.apacheEscaped
            let line = "\(fields.ip) - \(fields.user.map(escape) ?? "-") [\(Self.commonLogTime(fields.time, zoneMinutes: fields.zoneMinutes))] "
                + "\"\(fields.method) \(escape(Self.target(fields))) HTTP/1.1\" \(fields.status) \(fields.size) "
                + "\"\(fields.referer.map(escape) ?? "-")\" \"\(fields.agent.map(escape) ?? "-")\" \(Self.seconds(fields.requestTimeMillis))"
            let result = p.parse(line: line, lineNumber: index, byteOffset: 0)
            check(result.event, fields)
            if let referer = fields.referer, let event = result.event {
                var expected: [UInt8] = []
                EventEncoder.appendString(referer, to: &expected)
                #expect(attributes(event).contains(String(decoding: expected, as: UTF8.self)))
            }
            #expect(auto.parse(line: line, lineNumber: index, byteOffset: 0) == result)
        }
    }

    @Test func jsonRoundTrip() throws {
        var random = SeededRandom(seed: 7)
        let p = try AccessLogParser(format: .json, options: .init(service: "json"))
        for index in 0..<1000 {
            let fields = Self.randomFields(&random)
            var line: [UInt8] = Array("{\"time_iso8601\":".utf8)
            let sign = fields.zoneMinutes < 0 ? "-" : "+"
            let local = Timestamp.format(fields.time + Int64(fields.zoneMinutes) * 60_000_000).prefix(19)
            EventEncoder.appendString("\(local)\(sign)\(String(abs(fields.zoneMinutes) / 60).leftPadded(2)):\(String(abs(fields.zoneMinutes) % 60).leftPadded(2))", to: &line)
            line += Array(",\"remote_addr\":".utf8)
            EventEncoder.appendString(fields.ip, to: &line)
            if let user = fields.user {
                line += Array(",\"remote_user\":".utf8)
                EventEncoder.appendString(user, to: &line)
            }
            line += Array(",\"request\":".utf8)
            EventEncoder.appendString("\(fields.method) \(Self.target(fields)) HTTP/2.0", to: &line)
            line += Array(", \"status\": \(fields.status), \"body_bytes_sent\": \"\(fields.size)\", \"request_time\": \(Self.seconds(fields.requestTimeMillis))".utf8)
            if let agent = fields.agent {
                line += Array(",\"http_user_agent\":".utf8)
                EventEncoder.appendString(agent, to: &line)
            }
            line += Array("}".utf8)
            check(p.parse(line: line, lineNumber: index, byteOffset: 0).event, fields)
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
