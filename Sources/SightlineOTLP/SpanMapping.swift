import SightlineCore

/// Maps one span: decides what it is (API request, other span, or unusable) and builds it.
///
/// Rules (docs/otlp.md has the table):
/// - An *HTTP server span* is one of kind SERVER carrying any HTTP marker attribute
///   (`http.request.method`, `http.method`, `url.path`, `http.target`, `http.route`,
///   `http.response.status_code`, `http.status_code`), or one of kind UNSPECIFIED or INTERNAL
///   carrying a method and one of `url.path`, `http.target`, `http.route`. It becomes an `Event`.
/// - Any other span (CLIENT, PRODUCER, CONSUMER, INTERNAL, SERVER without HTTP attributes such
///   as a gRPC server span) becomes a `LinkedSpan`.
/// - Both need a valid trace id, span id and a start time; otherwise the span is rejected.
struct SpanMapping {
    enum Outcome {
        case event(Event)
        case linked(LinkedSpan)
        case rejected(String)
    }

    let mapper: OTLPTraceMapper
    let span: PBSpan
    let resource: ResourceContext
    let scope: String?
    let encoding: OTLPEncoding
    let receivedAtMicros: Int64
    let index: AttributeIndex
    /// Attributes whose value went into an event field (left out of `attributes`).
    var consumed: [Bool]

    private var limits: EventLimits { mapper.configuration.eventLimits }

    init(mapper: OTLPTraceMapper, span: PBSpan, resource: ResourceContext, scope: String?, encoding: OTLPEncoding, receivedAtMicros: Int64) {
        self.mapper = mapper
        self.span = span
        self.resource = resource
        self.scope = scope
        self.encoding = encoding
        self.receivedAtMicros = receivedAtMicros
        index = AttributeIndex(span.attributes, table: mapper.keys)
        consumed = Array(repeating: false, count: span.attributes.count)
    }

    mutating func map() -> Outcome {
        let traceID: String
        switch OTLPID.read(span.traceID, bytes: 16, encoding: encoding) {
        case .valid(let hex): traceID = hex
        case .absent: return .rejected("traceId: expected \(OTLPID.expectation(bytes: 16, encoding: encoding)), got nothing")
        case .invalid(let got): return .rejected("traceId: expected \(OTLPID.expectation(bytes: 16, encoding: encoding)), got \(got)")
        }
        let spanID: String
        switch OTLPID.read(span.spanID, bytes: 8, encoding: encoding) {
        case .valid(let hex): spanID = hex
        case .absent: return .rejected("spanId: expected \(OTLPID.expectation(bytes: 8, encoding: encoding)), got nothing")
        case .invalid(let got): return .rejected("spanId: expected \(OTLPID.expectation(bytes: 8, encoding: encoding)), got \(got)")
        }
        var parentSpanID: String?
        switch OTLPID.read(span.parentSpanID, bytes: 8, encoding: encoding) {
        case .valid(let hex): parentSpanID = hex
        case .absent, .invalid("all zeros"): parentSpanID = nil  // some senders mark a root span with zeros
        case .invalid(let got): return .rejected("parentSpanId: expected empty or \(OTLPID.expectation(bytes: 8, encoding: encoding)), got \(got)")
        }
        guard span.startTimeUnixNano >= 1000 else {
            return .rejected("startTimeUnixNano: expected nanoseconds since 1970-01-01, got \(span.startTimeUnixNano)")
        }
        let startMicros = Int64(span.startTimeUnixNano / 1000)
        let endMicros: Int64? = span.endTimeUnixNano >= span.startTimeUnixNano ? Int64(span.endTimeUnixNano / 1000) : nil

        if isHTTPServerSpan {
            return mapEvent(traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, startMicros: startMicros)
        }
        return .linked(linkedSpan(traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, startMicros: startMicros, endMicros: endMicros))
    }

    private var isHTTPServerSpan: Bool {
        switch span.kind {
        case .server:
            return SemanticKey.httpMarkers.contains { index.position($0) != nil }
        case .unspecified, .internal:
            let hasMethod = index.position(.httpRequestMethod) != nil || index.position(.httpMethod) != nil
            let hasPath = index.position(.urlPath) != nil || index.position(.httpTarget) != nil || index.position(.httpRoute) != nil
            return hasMethod && hasPath
        default:
            return false
        }
    }

    // MARK: Events

    private mutating func mapEvent(traceID: String, spanID: String, parentSpanID: String?, startMicros: Int64) -> Outcome {
        // Required: method, path, status.
        let method: String
        switch readMethod() {
        case .success(let value): method = value
        case .failure(let reason): return .rejected(reason.text)
        }
        var urlParts: URLParts?
        var query: String?
        var queryFrom: Int?
        let path: String
        if let position = index.position(.urlPath) {
            guard let value = string(at: position) else {
                return .rejected("attribute 'url.path' (path): expected a string starting with '/', got \(describe(at: position))")
            }
            let split = URLParts.splitQuery(value)
            guard let checked = checkPath(split.path, attribute: "url.path") else {
                return .rejected(pathProblem(split.path, attribute: "url.path"))
            }
            path = checked
            consumed[position] = true
            if let raw = split.query { query = raw; queryFrom = position }
        } else if let position = index.position(.httpTarget) {
            guard let value = string(at: position) else {
                return .rejected("attribute 'http.target' (path): expected a string starting with '/', got \(describe(at: position))")
            }
            let split = URLParts.splitQuery(value)
            guard let checked = checkPath(split.path, attribute: "http.target") else {
                return .rejected(pathProblem(split.path, attribute: "http.target"))
            }
            path = checked
            consumed[position] = true
            if let raw = split.query { query = raw; queryFrom = position }
        } else if let position = index.position(.urlFull) ?? index.position(.httpURL), let value = string(at: position),
                  let parts = URLParts(url: value), let checked = checkPath(parts.path, attribute: "") {
            // The full URL stays in attributes: it also holds the port and perhaps a fragment.
            path = checked
            urlParts = parts
            query = parts.query
        } else {
            return .rejected("attribute 'url.path' (path): required for an HTTP server span, got nothing (also looked for 'http.target', 'url.full' and 'http.url')")
        }

        let status: Int
        var statusInferred = false
        if let (position, name) = first(.httpResponseStatusCode, .httpStatusCode) {
            guard let number = integer(at: position), (100...599).contains(number) else {
                let got = integer(at: position).map { "\($0)" } ?? describe(at: position)
                return .rejected("attribute '\(name)' (status): expected an integer 100...599, got \(got)")
            }
            status = Int(number)
            consumed[position] = true
        } else {
            // No response status was recorded (the connection broke, or the instrumentation does
            // not set it): 500 for a span that ended in error, 200 otherwise.
            status = span.status.code == .error ? 500 : 200
            statusInferred = true
        }

        var event = Event(
            id: "otel-\(traceID)-\(spanID)",
            timestampMicros: startMicros,
            service: resource.service,
            method: method,
            path: path,
            status: status,
            durationMs: durationMs
        )
        event.receivedAtMicros = receivedAtMicros
        event.environment = resource.environment
        event.traceID = traceID
        event.spanID = spanID

        // Optional fields: a value that does not fit the event format is left out (and its
        // attribute kept in `attributes`).
        let limits = self.limits
        let name = Self.nameFilter(limits)
        // `url.query` first; else the query of `url.path`, `http.target` or the full URL.
        var rawQuery: String?
        if let position = index.position(.urlQuery), let value = string(at: position) {
            let raw = value.hasPrefix("?") ? String(value.dropFirst()) : value
            if raw.utf8.count <= limits.maxTextBytes {
                rawQuery = raw
                consumed[position] = true
            }
        }
        if rawQuery == nil, let query {
            if query.utf8.count <= limits.maxTextBytes {
                rawQuery = query
            } else if let queryFrom {
                consumed[queryFrom] = false  // keep the target, whose query is too long to map
            }
        }
        if let rawQuery { event.query = QueryParameter.parse(rawQuery, limit: limits.maxEntries) }
        event.scheme = firstString(.urlScheme, .httpScheme) { value in
            let lower = value.lowercased()
            return ["http", "https", "ws", "wss"].contains(lower) ? lower : nil
        } ?? urlParts?.scheme.flatMap { ["http", "https", "ws", "wss"].contains($0) ? $0 : nil }
        event.host = firstString(.serverAddress, .httpHost, .netHostName) { value in
            let host = URLParts.stripPort(value)
            return host.isEmpty || host.utf8.count > limits.maxNameBytes ? nil : host
        } ?? urlParts?.host.flatMap { $0.isEmpty || $0.utf8.count > limits.maxNameBytes ? nil : $0 }
        event.route = firstString(.httpRoute) { value in
            (value.utf8.first == UInt8(ascii: "/") || value == "*") && value.utf8.count <= limits.maxPathBytes ? value : nil
        }
        event.requestSize = firstSize(.httpRequestBodySize, .httpRequestContentLength)
        event.responseSize = firstSize(.httpResponseBodySize, .httpResponseContentLength)
        event.clientIP = firstString(.clientAddress, .httpClientIP, .networkPeerAddress, .netSockPeerAddr, .netPeerIP) { value in
            IPAddress.isValid(value) ? value : nil
        }
        event.userAgent = firstString(.userAgentOriginal, .httpUserAgent) { value in
            value.utf8.count <= limits.maxTextBytes ? value : nil
        }
        event.userID = firstString(.userID, .endUserID, accept: name)
        event.sessionID = firstString(.sessionID, accept: name)
        event.consumer = consumer()
        event.error = eventError()
        if span.status.code == .error, status < 500 { event.level = .error }

        var attributes = AttributeObjectBuilder(maxBytes: limits.maxAttributesBytes, maxDepth: mapper.configuration.limits.maxValueDepth)
        for (position, pair) in span.attributes.enumerated() where !consumed[position] {
            attributes.add(pair.key, pair.value)
        }
        if mapper.configuration.recordSpanContext {
            if !span.name.isEmpty { attributes.add("otel.span.name", string: span.name) }
            if let parentSpanID { attributes.add("otel.parent_span_id", string: parentSpanID) }
            if let scope { attributes.add("otel.scope.name", string: scope) }
        }
        if statusInferred { attributes.add("sightline.otlp.status_inferred", bool: true) }
        resource.addMembers(to: &attributes)
        event.attributes = attributes.finish()
        return .event(event)
    }

    private var durationMs: Double? {
        guard span.endTimeUnixNano >= span.startTimeUnixNano else { return nil }
        let milliseconds = Double(span.endTimeUnixNano - span.startTimeUnixNano) / 1_000_000
        return milliseconds <= 1e10 ? milliseconds : nil
    }

    private struct Reason: Error { var text: String }

    private mutating func readMethod() -> Result<String, Reason> {
        guard let (position, name) = first(.httpRequestMethod, .httpMethod) else {
            return .failure(Reason(text: "attribute 'http.request.method' (method): required for an HTTP server span, got nothing (also looked for 'http.method')"))
        }
        guard var value = string(at: position) else {
            return .failure(Reason(text: "attribute '\(name)' (method): expected an HTTP method such as \"GET\", got \(describe(at: position))"))
        }
        var source = position
        if value == "_OTHER", let original = index.position(.httpRequestMethodOriginal), let text = string(at: original) {
            // Current conventions send unknown methods as _OTHER with the real one beside it.
            value = text
            source = original
        }
        guard !value.isEmpty, value.utf8.count <= 32,
              value.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F })
        else {
            let got = value.isEmpty ? "an empty string" : value.utf8.count > 32 ? "\(value.utf8.count) bytes" : "other characters"
            return .failure(Reason(text: "attribute '\(span.attributes[source].key)' (method): expected an HTTP method of at most 32 letters, '-' or '_', got \(got)"))
        }
        consumed[position] = true
        consumed[source] = true
        return .success(value.uppercased())
    }

    private func checkPath(_ path: String, attribute: String) -> String? {
        guard path.utf8.first == UInt8(ascii: "/") || path == "*", path.utf8.count <= limits.maxPathBytes else { return nil }
        return path
    }

    private func pathProblem(_ path: String, attribute: String) -> String {
        if path.utf8.count > limits.maxPathBytes {
            return "attribute '\(attribute)' (path): expected at most \(limits.maxPathBytes) bytes, got \(path.utf8.count) bytes"
        }
        return "attribute '\(attribute)' (path): expected a path starting with '/', got " + (path.isEmpty ? "an empty string" : "a string not starting with '/'")
    }

    /// Accepts a non-empty string of at most `maxNameBytes`.
    static func nameFilter(_ limits: EventLimits) -> (String) -> String? {
        let maxBytes = limits.maxNameBytes
        return { value in value.isEmpty || value.utf8.count > maxBytes ? nil : value }
    }

    private mutating func consumer() -> Consumer? {
        let name = Self.nameFilter(limits)
        guard let id = firstString(slots: mapper.keys.consumerIDSlots, accept: name, numbersAsText: true) else { return nil }
        return Consumer(
            id: id,
            name: firstString(slots: mapper.keys.consumerNameSlots, accept: name),
            plan: firstString(slots: mapper.keys.consumerPlanSlots, accept: name)
        )
    }

    /// The error of a span whose status is ERROR, or that has `error.type` (which current
    /// conventions set on failed requests, e.g. `500` or `TimeoutError`).
    private mutating func eventError() -> EventError? {
        let name = Self.nameFilter(limits)
        let errorType = firstString(.errorType, accept: name)
        guard span.status.code == .error || errorType != nil else { return nil }
        var error = EventError(type: errorType)
        if let exception = span.events.first(where: { $0.name == "exception" }) {
            func text(_ key: String) -> String? {
                guard let pair = exception.attributes.first(where: { $0.key == key }), case .stringValue(let value) = pair.value.value, !value.isEmpty else { return nil }
                return value
            }
            if error.type == nil { error.type = text("exception.type").flatMap(name) }
            error.message = text("exception.message")
            error.stack = text("exception.stacktrace").map { Self.truncate($0, to: limits.maxStackBytes) }
        }
        if !span.status.message.isEmpty { error.message = span.status.message }
        error.message = error.message.map { Self.truncate($0, to: limits.maxTextBytes) }
        return error.type == nil && error.message == nil && error.stack == nil ? nil : error
    }

    /// Cuts `text` to at most `limit` bytes at a character boundary, ending it with "…" when cut.
    static func truncate(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var used = 0
        let budget = limit - 3  // "…" is three bytes
        for character in text {
            let size = character.utf8.count
            if used + size > budget { break }
            result.append(character)
            used += size
        }
        return result + "…"
    }

    // MARK: Linked spans

    private func linkedSpan(traceID: String, spanID: String, parentSpanID: String?, startMicros: Int64, endMicros: Int64?) -> LinkedSpan {
        let depth = mapper.configuration.limits.maxValueDepth
        var attributes = AttributeObjectBuilder(maxBytes: limits.maxAttributesBytes, maxDepth: depth)
        for pair in span.attributes { attributes.add(pair.key, pair.value) }
        resource.addMembers(to: &attributes)
        var events: RawJSON?
        if !span.events.isEmpty {
            var bytes: [UInt8] = [UInt8(ascii: "[")]
            for (position, spanEvent) in span.events.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: #"{"name":"#.utf8)
                EventEncoder.appendString(spanEvent.name, to: &bytes)
                bytes.append(contentsOf: #","timestamp":""#.utf8)
                Timestamp.append(Int64(spanEvent.timeUnixNano / 1000), to: &bytes)
                bytes.append(UInt8(ascii: "\""))
                var eventAttributes = AttributeObjectBuilder(maxBytes: limits.maxAttributesBytes, maxDepth: depth)
                for pair in spanEvent.attributes { eventAttributes.add(pair.key, pair.value) }
                if let rendered = eventAttributes.finish() {
                    bytes.append(contentsOf: #","attributes":"#.utf8)
                    bytes.append(contentsOf: rendered.bytes)
                }
                bytes.append(UInt8(ascii: "}"))
            }
            bytes.append(UInt8(ascii: "]"))
            events = RawJSON(unsafeUncheckedBytes: bytes)
        }
        let status: LinkedSpan.Status = switch span.status.code {
        case .ok: .ok
        case .error: .error
        default: .unset
        }
        return LinkedSpan(
            traceID: traceID,
            spanID: spanID,
            parentSpanID: parentSpanID,
            name: span.name,
            kind: LinkedSpan.Kind(rawValue: span.kind.rawValue) ?? .unspecified,
            startMicros: startMicros,
            endMicros: endMicros,
            service: resource.service,
            environment: resource.environment,
            status: status,
            statusMessage: status == .error && !span.status.message.isEmpty ? span.status.message : nil,
            scope: scope,
            attributes: attributes.finish(),
            events: events,
            receivedAtMicros: receivedAtMicros
        )
    }

    // MARK: Attribute access

    private func first(_ keys: SemanticKey...) -> (Int, String)? {
        for key in keys {
            if let position = index.position(key) { return (position, key.name) }
        }
        return nil
    }

    private func string(at position: Int) -> String? {
        if case .stringValue(let value) = span.attributes[position].value.value { return value }
        return nil
    }

    /// An integer, an integral double, or a string of digits (some instrumentations send those).
    private func integer(at position: Int) -> Int64? {
        switch span.attributes[position].value.value {
        case .intValue(let value): return value
        case .doubleValue(let value) where value.rounded() == value && abs(value) < 1e15: return Int64(value)
        case .stringValue(let value): return Int64(value)
        default: return nil
        }
    }

    private func describe(at position: Int) -> String {
        Self.describe(span.attributes[position].value)
    }

    static func describe(_ value: PBAnyValue) -> String {
        switch value.value {
        case .stringValue(let text): "a string of \(text.utf8.count) bytes"
        case .boolValue: "a boolean"
        case .intValue: "an integer"
        case .doubleValue: "a double"
        case .bytesValue: "bytes"
        case .arrayValue: "an array"
        case .kvlistValue: "a key-value list"
        case nil: "an empty value"
        }
    }

    /// The first of `keys` present as a string that `accept` takes; marks it consumed.
    private mutating func firstString(_ keys: SemanticKey..., accept: (String) -> String?) -> String? {
        for key in keys {
            guard let position = index.position(key), let value = string(at: position), let accepted = accept(value) else { continue }
            consumed[position] = true
            return accepted
        }
        return nil
    }

    private mutating func firstString(slots: Range<Int>, accept: (String) -> String?, numbersAsText: Bool = false) -> String? {
        for slot in slots {
            guard let position = index.position(slot: slot) else { continue }
            var text = string(at: position)
            if text == nil, numbersAsText, case .intValue(let number) = span.attributes[position].value.value { text = String(number) }
            guard let text, let accepted = accept(text) else { continue }
            consumed[position] = true
            return accepted
        }
        return nil
    }

    private mutating func firstSize(_ keys: SemanticKey...) -> Int64? {
        for key in keys {
            guard let position = index.position(key), let value = integer(at: position), value >= 0 else { continue }
            consumed[position] = true
            return value
        }
        return nil
    }
}

/// The parts of a URL (`url.full`, `http.url`) Sightline uses, and the helpers for `http.target`
/// and `http.host`. No percent-decoding: paths are kept as sent.
struct URLParts {
    var scheme: String?
    var host: String?
    var path: String
    var query: String?

    /// Parses `scheme://[userinfo@]host[:port][/path][?query][#fragment]`; `nil` without `://`.
    init?(url: String) {
        guard let separator = url.firstRange(of: "://") else { return nil }
        scheme = url[..<separator.lowerBound].lowercased()
        var rest = url[separator.upperBound...]
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        host = URLParts.stripPort(String(authority))
        let split = URLParts.splitQuery(String(rest[authorityEnd...]))
        path = split.path.isEmpty ? "/" : split.path
        query = split.query
    }

    /// `/a/b?x=1` → (`/a/b`, `x=1`); a `#fragment` is dropped.
    static func splitQuery(_ target: String) -> (path: String, query: String?) {
        var target = Substring(target)
        if let fragment = target.firstIndex(of: "#") { target = target[..<fragment] }
        guard let mark = target.firstIndex(of: "?") else { return (String(target), nil) }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }

    /// `example.com:8080` → `example.com`; `[::1]:8080` → `::1`; a bare IPv6 address is kept.
    static func stripPort(_ host: String) -> String {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            return String(host[host.index(after: host.startIndex)..<close])
        }
        guard let colon = host.lastIndex(of: ":"), host.firstIndex(of: ":") == colon else { return host }
        let port = host[host.index(after: colon)...]
        return port.allSatisfy(\.isASCIIDigit) ? String(host[..<colon]) : host
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
