/// The layout of an access log's lines.
///
/// ```swift
/// let format = try AccessLogFormat(parsing: "combined")
/// let custom = try AccessLogFormat(parsing: #"'$remote_addr [$time_local] "$request" $status $request_time'"#)
/// ```
public enum AccessLogFormat: Sendable, Equatable, CustomStringConvertible {
    /// nginx's and Apache's `combined`: `$remote_addr - $remote_user [$time_local] "$request"
    /// $status $body_bytes_sent "$http_referer" "$http_user_agent"`. Extra fields after it are kept
    /// in `attributes.extra`.
    case combined
    /// The Common Log Format: `combined` without referer and user agent (anything after the size
    /// is kept in `attributes.extra`).
    case common
    /// One JSON object per line (nginx `escape=json` formats, Caddy, Traefik...).
    case json
    /// An nginx `log_format`: the format text, or the directive as written in nginx.conf.
    case nginx(String)
    /// Decided line by line among JSON, `combined` with `$request_time` (and
    /// `$upstream_response_time`), nginx's `main` (with `$http_x_forwarded_for`), `combined` and
    /// `common`. ``detect(sampleLines:)`` on the first lines, then a fixed format, is faster.
    case auto

    /// Reads `combined`, `common`, `json`, `auto` (any case), or an nginx `log_format` (anything
    /// holding a `$variable`, optionally as `log_format name '...';` or `nginx:...`).
    /// - Throws: ``AccessLogError/Code/invalidFormat`` for anything else, and for a `log_format`
    ///   that does not compile (checked here so that mistakes show before the import starts).
    public init(parsing text: String) throws(AccessLogError) {
        let trimmed = text.trimmingSpaces
        switch trimmed.lowercased() {
        case "combined": self = .combined
        case "common", "clf": self = .common
        case "json", "ndjson", "jsonl": self = .json
        case "auto": self = .auto
        default:
            var format = trimmed
            if format.lowercased().hasPrefix("nginx:") { format = String(format.dropFirst(6)) }
            guard format.contains("$") else {
                throw AccessLogError(
                    code: .invalidFormat,
                    message: "unknown access-log format '\(trimmed.prefix(40))': use combined, common, json, auto, or an nginx log_format such as '$remote_addr [$time_local] \"$request\" $status'"
                )
            }
            _ = try LogFormat(compiling: format)
            self = .nginx(format)
        }
    }

    public var description: String {
        switch self {
        case .combined: return "combined"
        case .common: return "common"
        case .json: return "json"
        case .auto: return "auto"
        case .nginx(let text): return "nginx:" + text
        }
    }

    /// `combined` followed by ` $request_time`: the most common nginx addition.
    public static let combinedWithRequestTime = AccessLogFormat.nginx(LogFormat.combinedText + " $request_time")
    /// `combined` followed by ` $request_time $upstream_response_time`.
    public static let combinedWithUpstreamTime = AccessLogFormat.nginx(LogFormat.combinedText + " $request_time $upstream_response_time")
    /// nginx's default `main` format: `combined` followed by ` "$http_x_forwarded_for"`.
    public static let nginxMain = AccessLogFormat.nginx(LogFormat.combinedText + #" "$http_x_forwarded_for""#)

    /// Strict candidates for detection, most specific first (a line of a more specific format
    /// could also pass as a less specific one, never the other way round).
    static let candidates: [AccessLogFormat] = [combinedWithUpstreamTime, combinedWithRequestTime, nginxMain, .combined, .common]

    /// Guesses the format from the first lines of a log: the candidate (JSON, `combined` with
    /// `$request_time $upstream_response_time`, with `$request_time`, nginx `main`, `combined`,
    /// `common`) that turns the most lines into events, the more specific on a tie. Blank lines
    /// are ignored; at most 100 lines are looked at.
    /// - Returns: nil when no candidate reads at least half of the lines.
    public static func detect(sampleLines: [[UInt8]]) -> AccessLogFormat? {
        let lines = sampleLines.lazy.filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A } }.prefix(100)
        let total = lines.count
        guard total > 0 else { return nil }
        let options = AccessLogParser.Options(service: "detect")
        var best: AccessLogFormat?
        var bestScore = 0
        let jsonLike = lines.filter { $0.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "{") }.count
        var formats = candidates
        if jsonLike * 2 >= total { formats.insert(.json, at: 0) }
        for format in formats {
            guard let parser = try? AccessLogParser(format: format, options: options, strict: true) else { continue }
            var score = 0
            for (index, line) in lines.enumerated() where parser.parse(line: line, lineNumber: index + 1, byteOffset: 0).event != nil {
                score += 1
            }
            if score > bestScore {
                best = format
                bestScore = score
            }
        }
        return bestScore * 2 >= total ? best : nil
    }

    /// ``detect(sampleLines:)`` for text lines.
    public static func detect(sampleLines: [String]) -> AccessLogFormat? {
        detect(sampleLines: sampleLines.map { Array($0.utf8) })
    }
}

extension String {
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
