#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes one event object of the compact wire format (see `docs/specs/events.md`) straight from
/// bytes, validating every field.
///
/// Invariants: on a field error the rest of the object is still read (and its syntax checked) so
/// that the next event in a batch starts in the right place; the first field error is reported.
/// Syntax errors are thrown as ``JSONSyntaxError`` and leave the scanner where reading stopped.
struct EventObjectDecoder {
    var scanner: JSONScanner
    let limits: EventLimits
    private(set) var failure: EventFieldError?
    private var seen: UInt64 = 0

    init(scanner: JSONScanner, limits: EventLimits) {
        self.scanner = scanner
        self.limits = limits
    }

    /// Field names of the wire format, in canonical order; the index is the bit in `seen`.
    static let fieldNames = [
        "id", "timestamp", "duration_ms", "service", "environment", "method", "scheme", "host", "path",
        "route", "query", "status", "request_size", "response_size", "client_ip", "user_agent", "consumer",
        "user_id", "session_id", "trace_id", "span_id", "error", "level", "attributes", "request", "response",
        "received_at",
    ]

    private mutating func fail(_ field: String, expected: String, got: String) {
        if failure == nil { failure = EventFieldError(field: field, expected: expected, got: got) }
    }

    /// Reads one object (the `{` must be next). Returns the event, or `nil` with ``failure`` set.
    mutating func decode() throws(JSONSyntaxError) -> Event? {
        guard scanner.nextKind() == .object else {
            let kind = scanner.nextKind()
            try scanner.skipValue()
            fail("", expected: "an event object", got: kind?.name ?? "nothing")
            return nil
        }
        scanner.position += 1
        var id: String?
        var timestamp: Int64?
        var duration: Double?
        var service: String?
        var environment: String?
        var method: String?
        var scheme: String?
        var host: String?
        var path: String?
        var route: String?
        var query: [QueryParameter] = []
        var status: Int?
        var requestSize: Int64?
        var responseSize: Int64?
        var clientIP: String?
        var userAgent: String?
        var consumer: Consumer?
        var userID: String?
        var sessionID: String?
        var traceID: String?
        var spanID: String?
        var error: EventError?
        var level: Level?
        var attributes: RawJSON?
        var request: Exchange?
        var response: Exchange?
        var receivedAt: Int64?

        if scanner.peek() == UInt8(ascii: "}") {
            scanner.position += 1
        } else {
            while true {
                guard scanner.nextKind() == .string else {
                    throw JSONSyntaxError(offset: scanner.position, reason: "expected a field name in quotes")
                }
                let key = try scanner.readString()
                try scanner.expect(UInt8(ascii: ":"), "':' after a field name")
                if failure != nil {
                    try scanner.skipValue()
                } else if let bit = EventObjectDecoder.fieldIndex(key) {
                    if seen & (1 << bit) != 0 {
                        fail(key, expected: "the field once", got: "it twice")
                        try scanner.skipValue()
                    } else {
                        seen |= 1 << bit
                        switch bit {
                        case 0: id = try readID()
                        case 1: timestamp = try readTimestamp("timestamp", required: true)
                        case 2: duration = try readDuration()
                        case 3: service = try readName("service", required: true)
                        case 4: environment = try readName("environment")
                        case 5: method = try readMethod()
                        case 6: scheme = try readScheme()
                        case 7: host = try readName("host")
                        case 8: path = try readPath()
                        case 9: route = try readRoute()
                        case 10: query = try readQuery(into: query)
                        case 11: status = try readStatus()
                        case 12: requestSize = try readSize("request_size")
                        case 13: responseSize = try readSize("response_size")
                        case 14: clientIP = try readIP()
                        case 15: userAgent = try readText("user_agent", max: limits.maxTextBytes)
                        case 16: consumer = try readConsumer()
                        case 17: userID = try readName("user_id")
                        case 18: sessionID = try readName("session_id")
                        case 19: traceID = try readHexID("trace_id", digits: 32)
                        case 20: spanID = try readHexID("span_id", digits: 16)
                        case 21: error = try readError()
                        case 22: level = try readLevel()
                        case 23: attributes = try readAttributes()
                        case 24: request = try readExchange("request")
                        case 25: response = try readExchange("response")
                        case 26: receivedAt = try readTimestamp("received_at", required: false)
                        default: try scanner.skipValue()
                        }
                    }
                } else {
                    fail(key, expected: Self.suggestion(for: key), got: "an unknown field")
                    try scanner.skipValue()
                }
                guard let next = scanner.peek() else {
                    throw JSONSyntaxError(offset: scanner.position, reason: "unexpected end of input inside an event")
                }
                scanner.position += 1
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else {
                    throw JSONSyntaxError(offset: scanner.position - 1, reason: "expected ',' or '}' after a field, found \(JSONScanner.describe(next))")
                }
            }
        }
        if failure != nil { return nil }
        guard let timestamp else { fail("timestamp", expected: "an RFC 3339 date-time (required)", got: "nothing"); return nil }
        guard let service else { fail("service", expected: "a string (required)", got: "nothing"); return nil }
        guard let method else { fail("method", expected: "an HTTP method (required)", got: "nothing"); return nil }
        guard var path else { fail("path", expected: "a path starting with '/' (required)", got: "nothing"); return nil }
        guard let status else { fail("status", expected: "an integer 100...599 (required)", got: "nothing"); return nil }
        if let mark = path.utf8.firstIndex(of: UInt8(ascii: "?")) {
            // A path sent with its query string: keep the path, and the query when none was given.
            let rawQuery = String(path[path.index(after: mark)...])
            path = String(path[..<mark])
            if seen & (1 << 10) == 0 { query = QueryParameter.parse(rawQuery, limit: limits.maxEntries) }
        }
        var event = Event(id: id, timestampMicros: timestamp, service: service, method: method, path: path, status: status, durationMs: duration)
        event.environment = environment
        event.scheme = scheme
        event.host = host
        event.route = route
        event.query = query
        event.requestSize = requestSize
        event.responseSize = responseSize
        event.clientIP = clientIP
        event.userAgent = userAgent
        event.consumer = consumer
        event.userID = userID
        event.sessionID = sessionID
        event.traceID = traceID
        event.spanID = spanID
        event.error = error
        event.level = level
        event.attributes = attributes
        event.request = request
        event.response = response
        event.receivedAtMicros = receivedAt
        return event
    }

    @inline(__always)
    static func fieldIndex(_ key: String) -> Int? {
        switch key {
        case "id": 0
        case "timestamp": 1
        case "duration_ms": 2
        case "service": 3
        case "environment": 4
        case "method": 5
        case "scheme": 6
        case "host": 7
        case "path": 8
        case "route": 9
        case "query": 10
        case "status": 11
        case "request_size": 12
        case "response_size": 13
        case "client_ip": 14
        case "user_agent": 15
        case "consumer": 16
        case "user_id": 17
        case "session_id": 18
        case "trace_id": 19
        case "span_id": 20
        case "error": 21
        case "level": 22
        case "attributes": 23
        case "request": 24
        case "response": 25
        case "received_at": 26
        default: nil
        }
    }

    /// "a known field (did you mean 'status'?)" for near misses of known names.
    static func suggestion(for key: String) -> String {
        var best: (String, Int)?
        for name in fieldNames {
            let distance = editDistance(key.lowercased(), name)
            if distance <= 2, distance < (best?.1 ?? .max) { best = (name, distance) }
        }
        if let best { return "a known field (did you mean '\(best.0)'?); put custom data in 'attributes'" }
        return "a known field; put custom data in 'attributes'"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8.prefix(64)), b = Array(b.utf8)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    // MARK: Field readers. Each returns nil (with `failure` set) when the value is invalid; null is absent.

    /// Reads a string value; `nil` for null (allowed unless required) or a wrong type (failure set).
    private mutating func readString(_ field: String, max: Int, required: Bool = false, expected: @autoclosure () -> String) throws(JSONSyntaxError) -> String? {
        switch scanner.nextKind() {
        case .string:
            let value = try scanner.readString()
            if value.utf8.count > max {
                fail(field, expected: "at most \(max) bytes", got: "\(value.utf8.count) bytes")
                return nil
            }
            return value
        case .null where !required:
            _ = try scanner.readLiteral()
            return nil
        case let kind:
            try scanner.skipValue()
            fail(field, expected: expected(), got: kind?.name ?? "nothing")
            return nil
        }
    }

    private mutating func readName(_ field: String, required: Bool = false) throws(JSONSyntaxError) -> String? {
        guard let value = try readString(field, max: limits.maxNameBytes, required: required, expected: "a string") else { return nil }
        if value.isEmpty {
            if required { fail(field, expected: "a non-empty string", got: "an empty string") }
            return nil
        }
        return value
    }

    private mutating func readText(_ field: String, max: Int) throws(JSONSyntaxError) -> String? {
        try readString(field, max: max, expected: "a string")
    }

    private mutating func readID() throws(JSONSyntaxError) -> String? {
        guard let value = try readString("id", max: limits.maxIDBytes, expected: "a string of printable ASCII") else { return nil }
        guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            fail("id", expected: "1...\(limits.maxIDBytes) printable ASCII characters without spaces", got: value.isEmpty ? "an empty string" : "other characters")
            return nil
        }
        return value
    }

    private mutating func readTimestamp(_ field: String, required: Bool) throws(JSONSyntaxError) -> Int64? {
        guard let text = try readString(field, max: 64, required: required, expected: "an RFC 3339 date-time string such as \"2026-11-22T10:00:00.123Z\"") else { return nil }
        guard let micros = Timestamp.parse(text) else {
            fail(field, expected: "an RFC 3339 date-time such as \"2026-11-22T10:00:00.123Z\" (year ≥ 1970, with a time zone)", got: "a string that is not one")
            return nil
        }
        return micros
    }

    private mutating func readNumber(_ field: String, expected: String) throws(JSONSyntaxError) -> JSONNumber? {
        switch scanner.nextKind() {
        case .number:
            return try scanner.readNumber()
        case .null:
            _ = try scanner.readLiteral()
            return nil
        case let kind:
            try scanner.skipValue()
            fail(field, expected: expected, got: kind?.name ?? "nothing")
            return nil
        }
    }

    private mutating func readDuration() throws(JSONSyntaxError) -> Double? {
        let expected = "a number of milliseconds ≥ 0"
        guard let number = try readNumber("duration_ms", expected: expected) else { return nil }
        guard number.double >= 0, number.double <= 1e10 else {
            fail("duration_ms", expected: "\(expected) and ≤ 1e10", got: "\(number.double)")
            return nil
        }
        return number.double
    }

    private mutating func readStatus() throws(JSONSyntaxError) -> Int? {
        let expected = "an integer 100...599"
        switch scanner.nextKind() {
        case .number:
            let number = try scanner.readNumber()
            guard let value = number.integer, (100...599).contains(value) else {
                fail("status", expected: expected, got: number.integer.map { "\($0)" } ?? "\(number.double)")
                return nil
            }
            return Int(value)
        case let kind:
            try scanner.skipValue()
            fail("status", expected: "\(expected) (required)", got: kind?.name ?? "nothing")
            return nil
        }
    }

    private mutating func readSize(_ field: String) throws(JSONSyntaxError) -> Int64? {
        guard let number = try readNumber(field, expected: "an integer number of bytes ≥ 0") else { return nil }
        guard let value = number.integer, value >= 0 else {
            fail(field, expected: "an integer number of bytes ≥ 0", got: number.integer.map { "\($0)" } ?? "\(number.double)")
            return nil
        }
        return value
    }

    private mutating func readMethod() throws(JSONSyntaxError) -> String? {
        guard let value = try readString("method", max: 32, required: true, expected: "an HTTP method such as \"GET\"") else { return nil }
        guard !value.isEmpty, value.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F }) else {
            fail("method", expected: "an HTTP method such as \"GET\" (letters only)", got: value.isEmpty ? "an empty string" : "other characters")
            return nil
        }
        return value.uppercased()
    }

    private mutating func readScheme() throws(JSONSyntaxError) -> String? {
        guard let value = try readString("scheme", max: 16, expected: "\"http\" or \"https\"") else { return nil }
        let lower = value.lowercased()
        guard lower == "http" || lower == "https" || lower == "ws" || lower == "wss" else {
            fail("scheme", expected: "\"http\", \"https\", \"ws\" or \"wss\"", got: "another string")
            return nil
        }
        return lower
    }

    private mutating func readPath() throws(JSONSyntaxError) -> String? {
        guard let value = try readString("path", max: limits.maxPathBytes, required: true, expected: "a path starting with '/'") else { return nil }
        guard value.utf8.first == UInt8(ascii: "/") || value == "*" else {
            fail("path", expected: "a path starting with '/'", got: value.isEmpty ? "an empty string" : "a string not starting with '/'")
            return nil
        }
        return value
    }

    private mutating func readRoute() throws(JSONSyntaxError) -> String? {
        guard let value = try readString("route", max: limits.maxPathBytes, expected: "a route template such as \"/orders/{id}\"") else { return nil }
        if value.isEmpty { return nil }
        guard value.utf8.first == UInt8(ascii: "/") || value == "*" else {
            fail("route", expected: "a route template starting with '/'", got: "a string not starting with '/'")
            return nil
        }
        return value
    }

    private mutating func readIP() throws(JSONSyntaxError) -> String? {
        guard let value = try readString("client_ip", max: 64, expected: "an IPv4 or IPv6 address") else { return nil }
        if value.isEmpty { return nil }
        guard IPAddress.isValid(value) else {
            fail("client_ip", expected: "an IPv4 or IPv6 address such as \"203.0.113.9\"", got: "a string that is not one")
            return nil
        }
        return value
    }

    private mutating func readHexID(_ field: String, digits: Int) throws(JSONSyntaxError) -> String? {
        let expected = "\(digits) hex digits"
        guard let value = try readString(field, max: 64, expected: expected) else { return nil }
        if value.isEmpty { return nil }
        guard value.utf8.count == digits, value.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }) else {
            fail(field, expected: expected, got: "\(value.utf8.count) characters" + (value.utf8.count == digits ? " that are not all hex digits" : ""))
            return nil
        }
        guard value.utf8.contains(where: { $0 != 48 }) else {
            fail(field, expected: "\(expected), not all zero", got: "all zeros")
            return nil
        }
        return value.lowercased()
    }

    private mutating func readLevel() throws(JSONSyntaxError) -> Level? {
        let expected = "one of \"debug\", \"info\", \"warn\", \"error\""
        guard let value = try readString("level", max: 16, expected: expected) else { return nil }
        switch value.lowercased() {
        case "debug", "trace": return .debug
        case "info", "information": return .info
        case "warn", "warning": return .warn
        case "error", "err", "fatal", "critical": return .error
        default:
            fail("level", expected: expected, got: "another string")
            return nil
        }
    }

    private mutating func readConsumer() throws(JSONSyntaxError) -> Consumer? {
        switch scanner.nextKind() {
        case .string:
            guard let id = try readName("consumer") else { return nil }
            return Consumer(id: id)
        case .null:
            _ = try scanner.readLiteral()
            return nil
        case .object:
            var id: String?, name: String?, plan: String?
            try readObject("consumer") { decoder, key throws(JSONSyntaxError) in
                switch key {
                case "id": id = try decoder.readName("consumer.id", required: true)
                case "name": name = try decoder.readName("consumer.name")
                case "plan": plan = try decoder.readName("consumer.plan")
                default: return false
                }
                return true
            }
            if failure != nil { return nil }
            guard let id else {
                fail("consumer.id", expected: "a string (required when 'consumer' is an object)", got: "nothing")
                return nil
            }
            return Consumer(id: id, name: name, plan: plan)
        case let kind:
            try scanner.skipValue()
            fail("consumer", expected: "an object {\"id\", \"name\", \"plan\"} or an id string", got: kind?.name ?? "nothing")
            return nil
        }
    }

    private mutating func readError() throws(JSONSyntaxError) -> EventError? {
        switch scanner.nextKind() {
        case .string:
            guard let message = try readText("error", max: limits.maxTextBytes) else { return nil }
            return EventError(message: message)
        case .null:
            _ = try scanner.readLiteral()
            return nil
        case .object:
            var error = EventError()
            try readObject("error") { decoder, key throws(JSONSyntaxError) in
                switch key {
                case "type": error.type = try decoder.readName("error.type")
                case "message": error.message = try decoder.readText("error.message", max: decoder.limits.maxTextBytes)
                case "stack": error.stack = try decoder.readText("error.stack", max: decoder.limits.maxStackBytes)
                default: return false
                }
                return true
            }
            if failure != nil { return nil }
            return error.type == nil && error.message == nil && error.stack == nil ? nil : error
        case let kind:
            try scanner.skipValue()
            fail("error", expected: "an object {\"type\", \"message\", \"stack\"} or a message string", got: kind?.name ?? "nothing")
            return nil
        }
    }

    private mutating func readAttributes() throws(JSONSyntaxError) -> RawJSON? {
        switch scanner.nextKind() {
        case .object:
            var bytes: [UInt8] = []
            try scanner.copyValue(into: &bytes)
            guard bytes.count <= limits.maxAttributesBytes else {
                fail("attributes", expected: "at most \(limits.maxAttributesBytes) bytes", got: "\(bytes.count) bytes")
                return nil
            }
            return bytes.count == 2 ? nil : RawJSON(unsafeUncheckedBytes: bytes)
        case .null:
            _ = try scanner.readLiteral()
            return nil
        case let kind:
            try scanner.skipValue()
            fail("attributes", expected: "an object", got: kind?.name ?? "nothing")
            return nil
        }
    }

    private mutating func readQuery(into existing: [QueryParameter]) throws(JSONSyntaxError) -> [QueryParameter] {
        var parameters = existing
        switch scanner.nextKind() {
        case .null:
            _ = try scanner.readLiteral()
        case .object:
            try readObject("query") { decoder, key throws(JSONSyntaxError) in
                for value in try decoder.readStringOrStrings("query.\(key)") {
                    parameters.append(QueryParameter(name: key, value: value))
                }
                if parameters.count > decoder.limits.maxEntries {
                    decoder.fail("query", expected: "at most \(decoder.limits.maxEntries) parameters", got: "more")
                }
                return true
            }
        case .string:
            if let raw = try readText("query", max: limits.maxTextBytes) {
                parameters = QueryParameter.parse(raw.hasPrefix("?") ? String(raw.dropFirst()) : raw, limit: limits.maxEntries)
            }
        case let kind:
            try scanner.skipValue()
            fail("query", expected: "an object of parameter names to values", got: kind?.name ?? "nothing")
        }
        return parameters
    }

    /// A string, or an array of strings (repeated query parameters, multi-valued headers); numbers and booleans are kept as text.
    private mutating func readStringOrStrings(_ field: String) throws(JSONSyntaxError) -> [String] {
        switch scanner.nextKind() {
        case .string:
            return try readText(field, max: limits.maxTextBytes).map { [$0] } ?? []
        case .number, .bool:
            var bytes: [UInt8] = []
            try scanner.copyValue(into: &bytes)
            return [String(decoding: bytes, as: UTF8.self)]
        case .null:
            _ = try scanner.readLiteral()
            return []
        case .array:
            scanner.position += 1
            var values: [String] = []
            if scanner.peek() == UInt8(ascii: "]") {
                scanner.position += 1
                return []
            }
            while true {
                if scanner.nextKind() == .string {
                    if let value = try readText(field, max: limits.maxTextBytes) { values.append(value) }
                } else {
                    let kind = scanner.nextKind()
                    try scanner.skipValue()
                    fail(field, expected: "a string or an array of strings", got: "an array holding \(kind?.name ?? "nothing")")
                }
                guard let next = scanner.peek() else { throw JSONSyntaxError(offset: scanner.position, reason: "unexpected end of input in array") }
                scanner.position += 1
                if next == UInt8(ascii: "]") { return values }
                guard next == UInt8(ascii: ",") else { throw JSONSyntaxError(offset: scanner.position - 1, reason: "expected ',' or ']' in array") }
            }
        case let kind:
            try scanner.skipValue()
            fail(field, expected: "a string or an array of strings", got: kind?.name ?? "nothing")
            return []
        }
    }

    /// Header names whose values the server never stores, even when the sender captured them.
    static let redactedHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"]
    static let redactionMarker = "[REDACTED]"

    private mutating func readExchange(_ field: String) throws(JSONSyntaxError) -> Exchange? {
        switch scanner.nextKind() {
        case .null:
            _ = try scanner.readLiteral()
            return nil
        case .object:
            var exchange = Exchange()
            try readObject(field) { decoder, key throws(JSONSyntaxError) in
                switch key {
                case "headers":
                    guard decoder.scanner.nextKind() == .object else {
                        let kind = decoder.scanner.nextKind()
                        try decoder.scanner.skipValue()
                        if kind != .null { decoder.fail("\(field).headers", expected: "an object of header names to values", got: kind?.name ?? "nothing") }
                        return true
                    }
                    try decoder.readObject("\(field).headers") { inner, name throws(JSONSyntaxError) in
                        let lower = name.lowercased()
                        var values = try inner.readStringOrStrings("\(field).headers.\(lower)")
                        if Self.redactedHeaders.contains(lower) { values = values.map { _ in Self.redactionMarker } }
                        guard lower.utf8.count <= inner.limits.maxNameBytes else {
                            inner.fail("\(field).headers", expected: "header names of at most \(inner.limits.maxNameBytes) bytes", got: "a longer one")
                            return true
                        }
                        exchange.headers.append(Header(name: lower, values: values))
                        if exchange.headers.count > inner.limits.maxEntries {
                            inner.fail("\(field).headers", expected: "at most \(inner.limits.maxEntries) headers", got: "more")
                        }
                        return true
                    }
                case "body":
                    if decoder.scanner.nextKind() == .null {
                        _ = try decoder.scanner.readLiteral()
                        return true
                    }
                    var bytes: [UInt8] = []
                    try decoder.scanner.copyValue(into: &bytes)
                    if bytes.count > decoder.limits.maxCapturedBodyBytes {
                        decoder.fail("\(field).body", expected: "at most \(decoder.limits.maxCapturedBodyBytes) bytes", got: "\(bytes.count) bytes")
                    } else {
                        exchange.body = RawJSON(unsafeUncheckedBytes: bytes)
                    }
                default:
                    return false
                }
                return true
            }
            if failure != nil { return nil }
            return exchange.headers.isEmpty && exchange.body == nil ? nil : exchange
        case let kind:
            try scanner.skipValue()
            fail(field, expected: "an object {\"headers\", \"body\"}", got: kind?.name ?? "nothing")
            return nil
        }
    }

    /// Reads an object member by member; `member` returns false for unknown names (then reported).
    private mutating func readObject(
        _ field: String,
        _ member: (inout EventObjectDecoder, String) throws(JSONSyntaxError) -> Bool
    ) throws(JSONSyntaxError) {
        try scanner.expect(UInt8(ascii: "{"), "'{'")
        if scanner.peek() == UInt8(ascii: "}") {
            scanner.position += 1
            return
        }
        while true {
            guard scanner.nextKind() == .string else {
                throw JSONSyntaxError(offset: scanner.position, reason: "expected a member name in quotes")
            }
            let key = try scanner.readString()
            try scanner.expect(UInt8(ascii: ":"), "':' after a member name")
            if failure != nil {
                try scanner.skipValue()
            } else if try !member(&self, key) {
                fail("\(field).\(key)", expected: "a known member of '\(field)'", got: "an unknown member")
                try scanner.skipValue()
            }
            guard let next = scanner.peek() else { throw JSONSyntaxError(offset: scanner.position, reason: "unexpected end of input in object") }
            scanner.position += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else {
                throw JSONSyntaxError(offset: scanner.position - 1, reason: "expected ',' or '}' in object, found \(JSONScanner.describe(next))")
            }
        }
    }
}

extension QueryParameter {
    /// Splits a raw query string (`a=1&b=2`) into parameters, without percent-decoding: the
    /// event format's rule for a `query` given as a string, shared by every way events come in.
    public static func parse(_ raw: String, limit: Int) -> [QueryParameter] {
        var result: [QueryParameter] = []
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true).prefix(limit) {
            if let equals = pair.firstIndex(of: "=") {
                result.append(QueryParameter(name: String(pair[..<equals]), value: String(pair[pair.index(after: equals)...])))
            } else {
                result.append(QueryParameter(name: String(pair), value: ""))
            }
        }
        return result
    }
}

/// IP address validation with the C library's parser.
public enum IPAddress {
    /// True for a textual IPv4 (dotted quad) or IPv6 address.
    public static func isValid(_ text: String) -> Bool {
        var buffer = (UInt64(0), UInt64(0))
        return withUnsafeMutableBytes(of: &buffer) { raw in
            text.withCString { cString in
                inet_pton(AF_INET, cString, raw.baseAddress) == 1 || inet_pton(AF_INET6, cString, raw.baseAddress) == 1
            }
        }
    }
}
