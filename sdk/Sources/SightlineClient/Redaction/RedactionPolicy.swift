/// One declarative policy of what never leaves the process: applied by the client to every event
/// before it is sent or written to the disk spool.
///
/// Invariants:
/// - Header and query-parameter names match case-insensitively (`Cookie`, `cookie`, `COOKIE`).
/// - Request bodies are redacted with ``requestBodyPaths`` only and response bodies with
///   ``responseBodyPaths`` only: a path meant for one direction never touches the other.
/// - Value detectors run on every remaining string (header values, query values, body strings,
///   non-JSON bodies), after the named rules.
/// - A body that should be JSON but cannot be parsed is replaced by the marker as a whole, since
///   its paths cannot be checked.
///
/// ```swift
/// var policy = RedactionPolicy()
/// policy.requestBodyPaths.append("$.card.number")
/// policy.responseBodyPaths.append("$..session_token")
/// policy.headers.insert("x-internal-secret")
/// ```
public struct RedactionPolicy: Sendable {
    /// What replaces a redacted value.
    public var marker: String
    /// Header names whose values are replaced (lower-cased when set through ``init``).
    public var headers: Set<String> {
        get { _headers }
        set { _headers = Set(newValue.map { $0.lowercased() }) }
    }
    private var _headers: Set<String>
    /// Query-parameter names whose values are replaced.
    public var queryParameters: Set<String> {
        get { _queryParameters }
        set { _queryParameters = Set(newValue.map { $0.lowercased() }) }
    }
    private var _queryParameters: Set<String>
    /// Paths redacted in request bodies only.
    public var requestBodyPaths: [JSONPath]
    /// Paths redacted in response bodies only.
    public var responseBodyPaths: [JSONPath]
    /// Detectors run on all remaining string values.
    public var detectors: Set<ValueDetector>

    /// `Authorization`, `Cookie`, `Set-Cookie`, `Proxy-Authorization`, `X-Api-Key`.
    public static let defaultHeaders: Set<String> = ["authorization", "cookie", "set-cookie", "proxy-authorization", "x-api-key"]
    /// Parameter names that commonly carry credentials in URLs.
    public static let defaultQueryParameters: Set<String> = [
        "access_token", "refresh_token", "id_token", "token", "api_key", "apikey", "key", "password",
        "secret", "client_secret", "signature", "sig", "auth", "code",
    ]
    /// Credentials a client sends.
    public static let defaultRequestBodyPaths: [JSONPath] = [
        "$..password", "$..passwd", "$..secret", "$..client_secret", "$..token", "$..access_token",
        "$..refresh_token", "$..api_key", "$..apiKey",
    ]
    /// Credentials a server hands out.
    public static let defaultResponseBodyPaths: [JSONPath] = [
        "$..access_token", "$..refresh_token", "$..id_token", "$..token", "$..secret", "$..client_secret",
        "$..api_key", "$..apiKey",
    ]

    public init(
        marker: String = "[REDACTED]",
        headers: Set<String> = RedactionPolicy.defaultHeaders,
        queryParameters: Set<String> = RedactionPolicy.defaultQueryParameters,
        requestBodyPaths: [JSONPath] = RedactionPolicy.defaultRequestBodyPaths,
        responseBodyPaths: [JSONPath] = RedactionPolicy.defaultResponseBodyPaths,
        detectors: Set<ValueDetector> = Set(ValueDetector.allCases)
    ) {
        self.marker = marker
        self._headers = Set(headers.map { $0.lowercased() })
        self._queryParameters = Set(queryParameters.map { $0.lowercased() })
        self.requestBodyPaths = requestBodyPaths
        self.responseBodyPaths = responseBodyPaths
        self.detectors = detectors
    }

    /// Which body a rule list applies to.
    public enum Direction: Sendable {
        case request
        case response
    }

    /// The value to store for header `name`.
    public func redactHeader(name: String, value: String) -> String {
        if _headers.contains(RedactionPolicy.lowercase(name)) { return marker }
        return redactText(value)
    }

    /// The value to store for query parameter `name`.
    public func redactQuery(name: String, value: String) -> String {
        if _queryParameters.contains(RedactionPolicy.lowercase(name)) { return marker }
        return redactText(value)
    }

    /// `name` lower-cased, without allocating when it already is (the usual case).
    static func lowercase(_ name: String) -> String {
        name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) ? name.lowercased() : name
    }

    /// `text` with every detector match replaced.
    public func redactText(_ text: String) -> String {
        guard !detectors.isEmpty, !text.isEmpty else { return text }
        var contiguous = text
        var hints = contiguous.withUTF8 { ValueDetector.Hints($0) }
        guard hints.any else { return text }  // the common case: nothing any detector looks for
        var bytes = Array(text.utf8)
        var changed = false
        // A fixed order, so the result does not depend on Set iteration order.
        for detector in ValueDetector.allCases where detectors.contains(detector) && hints.allows(detector) {
            if let replaced = detector.redact(bytes, marker: marker) {
                bytes = Array(replaced.utf8)
                hints = ValueDetector.Hints(bytes)
                changed = true
            }
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    /// A JSON body with this direction's paths and then the detectors applied.
    public func redactJSON(_ value: JSONValue, direction: Direction) -> JSONValue {
        var result = value
        let replacement = JSONValue.string(marker)
        for path in direction == .request ? requestBodyPaths : responseBodyPaths {
            path.redact(&result, with: replacement)
        }
        if !detectors.isEmpty { redactStrings(&result) }
        return result
    }

    private func redactStrings(_ value: inout JSONValue) {
        switch value {
        case .string(let s):
            let redacted = redactText(s)
            if redacted != s { value = .string(redacted) }
        case .array(var items):
            for i in items.indices { redactStrings(&items[i]) }
            value = .array(items)
        case .object(var members):
            for i in members.indices { redactStrings(&members[i].value) }
            value = .object(members)
        default: break
        }
    }

    /// The JSON value to store for a captured body: parsed JSON with this direction's rules, the
    /// text as a JSON string with detectors applied, or `nil` for binary content.
    public func redactBody(_ bytes: [UInt8], contentType: String?, truncated: Bool, direction: Direction) -> JSONValue? {
        let type = contentType?.lowercased() ?? ""
        let looksJSON = type.contains("json") || (type.isEmpty && bytes.first.map { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") } == true)
        if looksJSON {
            if !truncated, let parsed = JSONValue.parse(bytes) {
                return redactJSON(parsed, direction: direction)
            }
            // A cut or malformed JSON body cannot be checked path by path.
            return .string(marker)
        }
        let isText = type.isEmpty || type.hasPrefix("text/") || type.contains("xml") || type.contains("x-www-form-urlencoded")
        guard isText, let text = String(validating: bytes, as: UTF8.self) else { return nil }
        if type.contains("x-www-form-urlencoded") {
            return .string(redactForm(text))
        }
        return .string(redactText(text))
    }

    private func redactForm(_ text: String) -> String {
        text.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let eq = pair.firstIndex(of: "=") else { return redactText(String(pair)) }
            let name = String(pair[..<eq])
            let value = String(pair[pair.index(after: eq)...])
            return "\(name)=\(redactQuery(name: QueryString.decode(name), value: value))"
        }.joined(separator: "&")
    }
}
