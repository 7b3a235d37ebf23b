// Release-mode throughput of access-log parsing (not a test):
//   swift run -c release AccessLogBench [lines]
// Generates a realistic `combined` + `$request_time` log in memory (no disk I/O in the timing),
// then times AccessLogParser.parseLines over it on one thread, best of several runs.
#if canImport(Glibc)
import Glibc
#endif
import SightlineAccessLog
import SightlineCore

struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let agents = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
    "curl/8.5.0", "okhttp/4.12.0", "python-requests/2.31.0", "Go-http-client/2.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "kube-probe/1.29", "-",
]
let referers = ["-", "-", "-", "https://shop.example.com/", "https://shop.example.com/cart", "https://www.google.com/", "https://app.example.com/dashboard?tab=orders"]
let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

func generateCombined(lines: Int) -> [UInt8] {
    var random = Generator(state: 2024)
    var output: [UInt8] = []
    output.reserveCapacity(lines * 260)
    var second = 1_700_000_000
    let categories = ["shoes", "books", "garden", "toys", "audio"]
    for index in 0..<lines {
        if index % 400 == 0 { second += 1 }
        let ip: String
        if Int.random(in: 0..<10, using: &random) == 0 {
            ip = "2001:db8:\(String(Int.random(in: 0..<65536, using: &random), radix: 16))::\(String(Int.random(in: 1..<65536, using: &random), radix: 16))"
        } else {
            ip = "\(Int.random(in: 1...223, using: &random)).\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 1...254, using: &random))"
        }
        let method = ["GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD"].randomElement(using: &random)!
        let id = Int.random(in: 1...999_999, using: &random)
        let target: String
        switch Int.random(in: 0..<9, using: &random) {
        case 0: target = "/api/v1/users/\(id)"
        case 1: target = "/api/v1/orders/\(id)/items?expand=product&limit=\(Int.random(in: 1...100, using: &random))"
        case 2: target = "/static/js/app.\(String(UInt32.random(in: 0...UInt32.max, using: &random), radix: 16)).js"
        case 3: target = "/"
        case 4: target = "/health"
        case 5: target = "/search?q=\(categories.randomElement(using: &random)!)+sale&page=\(Int.random(in: 1...20, using: &random))"
        case 6: target = "/api/v2/products?category=\(categories.randomElement(using: &random)!)&sort=price&order=asc&limit=50"
        case 7: target = "/api/v1/sessions/\(String(UInt64.random(in: 0...UInt64.max, using: &random), radix: 16))"
        default: target = "/images/products/\(id)/thumb_320x240.webp"
        }
        let status = [200, 200, 200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 404, 429, 499, 500, 502, 503].randomElement(using: &random)!
        let size = status == 204 || status == 304 ? 0 : Int.random(in: 0...250_000, using: &random)
        let millis = Int.random(in: 0...2500, using: &random)
        let user = Int.random(in: 0..<50, using: &random) == 0 ? "user\(id % 1000)" : "-"
        let (days, rest) = (second / 86_400, second % 86_400)
        _ = days
        // 2023-11-14 plus the seconds elapsed since 1_700_000_000 (22:13:20 UTC): enough for a day.
        let elapsed = second - 1_700_000_000 + 22 * 3600 + 13 * 60 + 20
        let day = 14 + elapsed / 86_400
        let time = "\(two(day))/\(months[10])/2023:\(two(elapsed / 3600 % 24)):\(two(elapsed / 60 % 60)):\(two(rest % 60)) +0000"
        let line = "\(ip) - \(user) [\(time)] \"\(method) \(target) HTTP/1.1\" \(status) \(size) \"\(referers.randomElement(using: &random)!)\" \"\(agents.randomElement(using: &random)!)\" \(millis / 1000).\(millis % 1000 < 10 ? "00" : millis % 1000 < 100 ? "0" : "")\(millis % 1000)\n"
        output.append(contentsOf: line.utf8)
    }
    return output
}

func generateJSON(fromCombined lines: [UInt8], parser: AccessLogParser, count: Int) -> [UInt8] {
    var output: [UInt8] = []
    var made = 0
    _ = lines.withUnsafeBytes { buffer in
        parser.parseLines(in: buffer, firstLineNumber: 1, byteOffset: 0, isFinal: true) { result in
            guard made < count, let event = result.event else { return }
            var line: [UInt8] = Array("{\"time\":\"".utf8)
            Timestamp.append(event.timestampMicros, to: &line)
            line += Array("\",\"remote_addr\":\"\(event.clientIP ?? "-")\",\"request\":".utf8)
            let target = event.path + (event.query.isEmpty ? "" : "?" + event.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&"))
            EventEncoder.appendString("\(event.method) \(target) HTTP/1.1", to: &line)
            line += Array(",\"status\":\(event.status),\"body_bytes_sent\":\(event.responseSize ?? 0),\"request_time\":\((event.durationMs ?? 0) / 1000),\"http_user_agent\":".utf8)
            EventEncoder.appendString(event.userAgent ?? "-", to: &line)
            line += Array("}\n".utf8)
            output += line
            made += 1
        }
    }
    return output
}

/// CPU time of this thread: unaffected by other processes taking the (shared) cores.
func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

struct Measurement {
    var cpuSeconds: Double
    var seconds: Double
    var events: Int
    var rejected: Int
}

func measure(_ name: String, _ data: [UInt8], lines: Int, runs: Int = 5, encode: Bool = false, _ parser: AccessLogParser) {
    var results: [Measurement] = []
    for _ in 0..<runs {
        var events = 0
        var rejected = 0
        var checksum = 0
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = threadCPUSeconds()
        _ = data.withUnsafeBytes { buffer in
            parser.parseLines(in: buffer, firstLineNumber: 1, byteOffset: 0, isFinal: true) { result in
                switch result {
                case .event(let event):
                    events += 1
                    checksum &+= event.status &+ event.path.utf8.count
                    if encode { checksum &+= EventEncoder.encode(event).count }
                case .rejected:
                    rejected += 1
                case .skipped:
                    break
                }
            }
        }
        let cpu = threadCPUSeconds() - cpuStart
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        precondition(checksum != 42)
        results.append(Measurement(cpuSeconds: cpu, seconds: seconds, events: events, rejected: rejected))
    }
    let sorted = results.sorted { $0.seconds < $1.seconds }
    let best = sorted[0]
    let median = sorted[sorted.count / 2]
    let cpuBest = results.map(\.cpuSeconds).min()!
    let megabytes = Double(data.count) / 1_048_576 / cpuBest
    print("""
        \(name): \(lines) lines, \(data.count / lines) B/line avg, \(runs) runs
          CPU time (best):   \(format(cpuBest)) s = \(Int(Double(lines) / cpuBest)) lines/s, \(Int(megabytes)) MiB/s, \(Int(cpuBest * 1e9 / Double(lines))) ns/line
          wall clock (best): \(format(best.seconds)) s = \(Int(Double(lines) / best.seconds)) lines/s; median \(format(median.seconds)) s = \(Int(Double(lines) / median.seconds)) lines/s
          events \(best.events), rejected \(best.rejected)
        """)
}

func format(_ seconds: Double) -> String {
    let millis = Int((seconds * 1000).rounded())
    return "\(millis / 1000).\(millis % 1000 < 10 ? "00" : millis % 1000 < 100 ? "0" : "")\(millis % 1000)"
}

let lineCount = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let combined = generateCombined(lines: lineCount)
let options = AccessLogParser.Options(service: "nginx", sourceID: "bench")
let rtParser = try AccessLogParser(format: .combinedWithRequestTime, options: options)
print("sample: " + String(decoding: combined.prefix { $0 != 0x0A }, as: UTF8.self))
measure("combined+request_time (nginx format)", combined, lines: lineCount, rtParser)
if CommandLine.arguments.count > 2, CommandLine.arguments[2] == "parse" { exit(0) }
measure("combined+request_time, parse + canonical JSON encode", combined, lines: lineCount, encode: true, rtParser)
measure("same lines, format auto (line-by-line detection)", combined, lines: lineCount, runs: 3, try AccessLogParser(format: .auto, options: options))
let jsonCount = min(lineCount, 200_000)
let json = generateJSON(fromCombined: combined, parser: rtParser, count: jsonCount)
measure("json lines", json, lines: jsonCount, runs: 3, try AccessLogParser(format: .json, options: options))
