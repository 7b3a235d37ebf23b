/// What a log field (an nginx variable or a JSON key) becomes in an event.
enum FieldKind: Sendable, Equatable {
    /// `$time_local`: `10/Oct/2000:13:55:36 -0700`.
    case timeLocal
    /// `$time_iso8601`: `2000-10-10T13:55:36-07:00`.
    case timeISO8601
    /// `$msec`: seconds since the epoch with milliseconds, `1700000000.123`.
    case msec
    /// JSON time keys: RFC 3339, Common Log Format time or epoch seconds/ms/µs/ns.
    case timeAny
    case remoteAddr
    case remoteUser
    /// `$request`: `GET /a?b=1 HTTP/1.1`.
    case request
    case requestMethod
    /// `$request_uri` (original target, with the query).
    case requestURI
    /// `$uri` (normalized path, without the query); ranks below `$request_uri`.
    case uri
    case args
    case status
    case bodyBytesSent
    /// Request body size (`$content_length`).
    case contentLength
    /// Seconds with a fraction (`$request_time`).
    case requestTime
    /// `0.012, 0.004 : 0.001` or `-`: summed, used as the duration when there is no request time.
    case upstreamResponseTime
    case durationMilliseconds
    case durationNanoseconds
    case userAgent
    case forwardedFor
    /// Host candidates, best first: `$host`, `$http_host`, `$server_name`.
    case host(rank: Int)
    case scheme
    /// W3C `traceparent` header: gives trace_id and span_id.
    case traceparent
    case traceID
    case spanID
    /// Never stored: cookies and credentials.
    case dropped
    /// Kept in `attributes` under its name.
    case attribute

    /// For nginx variables: what `$name` maps to.
    static func nginx(_ name: String) -> FieldKind {
        switch name {
        case "time_local": return .timeLocal
        case "time_iso8601": return .timeISO8601
        case "msec": return .msec
        case "remote_addr": return .remoteAddr
        case "remote_user": return .remoteUser
        case "request": return .request
        case "request_method": return .requestMethod
        case "request_uri": return .requestURI
        case "uri", "document_uri": return .uri
        case "args", "query_string": return .args
        case "status": return .status
        case "body_bytes_sent": return .bodyBytesSent
        case "content_length", "http_content_length": return .contentLength
        case "request_time": return .requestTime
        case "upstream_response_time": return .upstreamResponseTime
        case "http_user_agent": return .userAgent
        case "http_x_forwarded_for": return .forwardedFor
        case "host": return .host(rank: 1)
        case "http_host": return .host(rank: 2)
        case "server_name": return .host(rank: 3)
        case "scheme": return .scheme
        case "http_traceparent": return .traceparent
        case "binary_remote_addr": return .dropped
        default: return isSecret(name) ? .dropped : .attribute
        }
    }

    /// For JSON keys (flattened with dots): common names used by nginx `escape=json` formats,
    /// Caddy and Traefik. Unknown keys are attributes.
    static func json(_ key: String) -> FieldKind {
        if let kind = jsonKeys[key] { return kind }
        return isSecret(key) ? .dropped : .attribute
    }

    private static let jsonKeys: [String: FieldKind] = {
        var table: [String: FieldKind] = [:]
        func add(_ kind: FieldKind, _ keys: String...) { for key in keys { table[key] = kind } }
        add(.timeAny, "time", "timestamp", "@timestamp", "time_local", "time_iso8601", "msec", "ts",
            "datetime", "date", "StartUTC", "start_time")
        add(.remoteAddr, "remote_addr", "client_ip", "clientip", "client_addr", "remote_ip", "ip",
            "ClientHost", "request.remote_ip", "request.client_ip")
        add(.remoteUser, "remote_user", "user", "ClientUsername")
        add(.request, "request", "request_line")
        add(.requestMethod, "method", "request_method", "verb", "http_method", "RequestMethod", "request.method")
        add(.requestURI, "request_uri", "url", "RequestPath", "request.uri")
        add(.uri, "uri", "path")
        add(.args, "args", "query_string", "querystring", "query")
        add(.status, "status", "status_code", "response_status", "response_code", "DownstreamStatus")
        add(.bodyBytesSent, "body_bytes_sent", "bytes", "size", "response_size", "DownstreamContentSize")
        add(.contentLength, "content_length", "request_size", "bytes_read", "RequestContentSize")
        add(.requestTime, "request_time", "duration")
        add(.upstreamResponseTime, "upstream_response_time")
        add(.durationMilliseconds, "duration_ms", "request_time_ms", "response_time_ms", "latency_ms", "elapsed_ms")
        add(.durationNanoseconds, "Duration", "duration_ns")
        add(.userAgent, "http_user_agent", "user_agent", "useragent", "agent",
            "request.headers.User-Agent", "request_User-Agent")
        add(.forwardedFor, "http_x_forwarded_for", "x_forwarded_for", "xff",
            "request.headers.X-Forwarded-For", "request_X-Forwarded-For")
        add(.host(rank: 1), "host", "request.host", "RequestHost", "vhost")
        add(.host(rank: 2), "http_host")
        add(.host(rank: 3), "server_name")
        add(.scheme, "scheme", "RequestScheme")
        add(.traceparent, "traceparent", "http_traceparent", "request.headers.Traceparent")
        add(.traceID, "trace_id", "traceId", "traceID")
        add(.spanID, "span_id", "spanId", "spanID")
        return table
    }()

    /// Cookies and credentials: never copied out of a log line.
    static func isSecret(_ name: String) -> Bool {
        var lower = name.lowercased()
        if let dot = lower.lastIndex(of: ".") { lower = String(lower[lower.index(after: dot)...]) }
        lower = String(lower.map { $0 == "-" ? "_" : $0 })
        if lower.hasPrefix("cookie_") || lower.hasPrefix("request_cookie") { return true }
        switch lower {
        case "cookie", "set_cookie", "authorization", "proxy_authorization", "x_api_key",
             "http_cookie", "http_authorization", "http_proxy_authorization", "http_x_api_key",
             "sent_http_set_cookie", "request_authorization":
            return true
        default:
            return false
        }
    }
}
