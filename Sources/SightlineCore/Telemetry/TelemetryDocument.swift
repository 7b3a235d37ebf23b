/// The JSON documents of spans and log records: what the write-ahead log holds for them, what the
/// store keeps, and what the API returns.
///
/// Invariants:
/// - `decode(document(x)) == x` for every valid span and log record (tested as a property).
/// - Times are integers in µs since the Unix epoch (`*_us`); absent optional fields are left out.
/// - `attributes` and `events` are embedded as JSON values, not as strings.
/// - A decoding error names the member and what was expected, never the member's content.
///
/// ```json
/// {"trace_id":"5b8e…","span_id":"051581bf3cb55c13","parent_span_id":"…","name":"SELECT orders",
///  "kind":"client","start_us":1764505200000000,"end_us":1764505200004200,"duration_ms":4.2,
///  "service":"shop","status":"ok","attributes":{"db.system":"postgresql"},"received_at_us":…}
/// {"id":"01KB…","timestamp_us":1764505200001000,"severity_number":9,"severity_text":"INFO",
///  "level":"info","body":"order placed","trace_id":"5b8e…","span_id":"…","service":"shop",…}
/// ```
public enum TelemetryDocument {
    /// The reason a document could not be read back.
    public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The member, e.g. `start_us`, or `document` for the whole.
        public var member: String
        public var expected: String
        public var description: String { "\(member): expected \(expected)" }
        public init(member: String, expected: String) {
            self.member = member
            self.expected = expected
        }
    }

    // MARK: Spans

    /// The span's document.
    public static func document(of span: LinkedSpan) -> [UInt8] {
        var writer = ObjectWriter(bytes: [])
        writer.string("trace_id", span.traceID)
        writer.string("span_id", span.spanID)
        if let parent = span.parentSpanID { writer.string("parent_span_id", parent) }
        writer.string("name", span.name)
        writer.string("kind", span.kind.name)
        writer.integer("start_us", span.startMicros)
        if let end = span.endMicros { writer.integer("end_us", end) }
        if let duration = span.durationMs { writer.double("duration_ms", duration) }
        writer.string("service", span.service)
        if let environment = span.environment { writer.string("environment", environment) }
        writer.string("status", span.status.name)
        if let message = span.statusMessage { writer.string("status_message", message) }
        if let scope = span.scope { writer.string("scope", scope) }
        if let attributes = span.attributes { writer.raw("attributes", attributes) }
        if let events = span.events { writer.raw("events", events) }
        writer.integer("received_at_us", span.receivedAtMicros)
        return writer.finish()
    }

    /// Reads a span back from its document.
    public static func span(from document: [UInt8]) throws(DecodingError) -> LinkedSpan {
        let members = try Members(document)
        let kindName = try members.string("kind")
        guard let kind = LinkedSpan.Kind.allCases.first(where: { $0.name == kindName }) else {
            throw DecodingError(member: "kind", expected: "one of \(LinkedSpan.Kind.allCases.map(\.name).joined(separator: ", "))")
        }
        let statusName = try members.string("status")
        guard let status = LinkedSpan.Status.allCases.first(where: { $0.name == statusName }) else {
            throw DecodingError(member: "status", expected: "unset, ok or error")
        }
        return LinkedSpan(
            traceID: try members.string("trace_id"), spanID: try members.string("span_id"),
            parentSpanID: try members.optionalString("parent_span_id"), name: try members.string("name"), kind: kind,
            startMicros: try members.integer("start_us"), endMicros: try members.optionalInteger("end_us"),
            service: try members.string("service"), environment: try members.optionalString("environment"),
            status: status, statusMessage: try members.optionalString("status_message"), scope: try members.optionalString("scope"),
            attributes: members.raw("attributes"), events: members.raw("events"),
            receivedAtMicros: try members.integer("received_at_us"))
    }

    // MARK: Log records

    /// The log record's document.
    public static func document(of log: LinkedLog) -> [UInt8] {
        var writer = ObjectWriter(bytes: [])
        if let id = log.id { writer.string("id", id) }
        writer.integer("timestamp_us", log.timestampMicros)
        if let observed = log.observedMicros { writer.integer("observed_us", observed) }
        writer.integer("severity_number", Int64(log.severityNumber))
        if let text = log.severityText { writer.string("severity_text", text) }
        if let level = log.level { writer.string("level", level.rawValue) }
        if let body = log.body { writer.string("body", body) }
        if let trace = log.traceID { writer.string("trace_id", trace) }
        if let span = log.spanID { writer.string("span_id", span) }
        if let name = log.eventName { writer.string("event_name", name) }
        writer.string("service", log.service)
        if let environment = log.environment { writer.string("environment", environment) }
        if let scope = log.scope { writer.string("scope", scope) }
        if let attributes = log.attributes { writer.raw("attributes", attributes) }
        writer.integer("received_at_us", log.receivedAtMicros)
        return writer.finish()
    }

    /// Reads a log record back from its document.
    public static func log(from document: [UInt8]) throws(DecodingError) -> LinkedLog {
        let members = try Members(document)
        let severity = try members.integer("severity_number")
        guard (0...24).contains(severity) else { throw DecodingError(member: "severity_number", expected: "0...24") }
        return LinkedLog(
            id: try members.optionalString("id"), timestampMicros: try members.integer("timestamp_us"),
            observedMicros: try members.optionalInteger("observed_us"), severityText: try members.optionalString("severity_text"),
            severityNumber: Int(severity), body: try members.optionalString("body"),
            traceID: try members.optionalString("trace_id"), spanID: try members.optionalString("span_id"),
            eventName: try members.optionalString("event_name"), service: try members.string("service"),
            environment: try members.optionalString("environment"), scope: try members.optionalString("scope"),
            attributes: members.raw("attributes"), receivedAtMicros: try members.integer("received_at_us"))
    }

    // MARK: Reading

    /// The top-level members of one object: strings decoded, integers exact, objects and arrays
    /// kept as minified JSON.
    private struct Members {
        enum Value {
            case string(String), integer(Int64), raw([UInt8]), null
        }
        private var values: [String: Value] = [:]

        init(_ document: [UInt8]) throws(DecodingError) {
            var values: [String: Value] = [:]
            let result: Result<Void, JSONSyntaxError> = document.withUnsafeBytes { buffer in
                var scanner = JSONScanner(buffer)
                do throws(JSONSyntaxError) {
                    try scanner.expect(UInt8(ascii: "{"), "an object")
                    if scanner.peek() == UInt8(ascii: "}") {
                        scanner.position += 1
                    } else {
                        while true {
                            let key = try scanner.readString()
                            try scanner.expect(UInt8(ascii: ":"), "':'")
                            switch scanner.nextKind() {
                            case .string: values[key] = .string(try scanner.readString())
                            case .number:
                                let number = try scanner.readNumber()
                                values[key] = number.integer.map(Value.integer) ?? .raw(Array("\(number.double)".utf8))
                            case .null:
                                _ = try scanner.readLiteral()
                                values[key] = .null
                            default:
                                var raw: [UInt8] = []
                                try scanner.copyValue(into: &raw)
                                values[key] = .raw(raw)
                            }
                            scanner.skipWhitespace()
                            if scanner.peek() == UInt8(ascii: ",") {
                                scanner.position += 1
                                continue
                            }
                            try scanner.expect(UInt8(ascii: "}"), "',' or '}'")
                            break
                        }
                    }
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            if case .failure(let error) = result {
                throw DecodingError(member: "document", expected: "a JSON object (\(error.reason) at byte \(error.offset))")
            }
            self.values = values
        }

        func string(_ name: String) throws(DecodingError) -> String {
            guard let value = try optionalString(name) else { throw DecodingError(member: name, expected: "a string") }
            return value
        }

        func optionalString(_ name: String) throws(DecodingError) -> String? {
            switch values[name] {
            case .none, .null: return nil
            case .string(let text): return text
            default: throw DecodingError(member: name, expected: "a string")
            }
        }

        func integer(_ name: String) throws(DecodingError) -> Int64 {
            guard let value = try optionalInteger(name) else { throw DecodingError(member: name, expected: "an integer") }
            return value
        }

        func optionalInteger(_ name: String) throws(DecodingError) -> Int64? {
            switch values[name] {
            case .none, .null: return nil
            case .integer(let value): return value
            default: throw DecodingError(member: name, expected: "an integer")
            }
        }

        func raw(_ name: String) -> RawJSON? {
            if case .raw(let bytes) = values[name] { return RawJSON(unsafeUncheckedBytes: bytes) }
            return nil
        }
    }
}

extension LinkedSpan.Kind {
    /// The name in documents and the API: `internal`, `server`, `client`, `producer`, `consumer`, `unspecified`.
    public var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .internal: "internal"
        case .server: "server"
        case .client: "client"
        case .producer: "producer"
        case .consumer: "consumer"
        }
    }
}

extension LinkedSpan.Status {
    /// The name in documents and the API: `unset`, `ok`, `error`.
    public var name: String {
        switch self {
        case .unset: "unset"
        case .ok: "ok"
        case .error: "error"
        }
    }
}

extension ObjectWriter {
    /// A member whose value is already valid, minified JSON.
    mutating func raw(_ name: StaticString, _ value: RawJSON) {
        key(name)
        bytes.append(contentsOf: value.bytes)
    }
}
