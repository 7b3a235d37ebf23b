/// Turns a captured event into one line of NDJSON in Sightline's wire format, applying the
/// redaction policy on the way: nothing unredacted is ever encoded.
///
/// Invariants: the output is one minified JSON object followed by `\n`; strings are escaped so
/// that no raw newline appears inside the line; field names are the wire format's.
struct EventEncoder: Sendable {
    let service: String
    let environment: String?
    let policy: RedactionPolicy

    /// NDJSON lines of `events`, one after the other.
    static func encodeBatch(_ events: some RandomAccessCollection<APIEvent>, with encoder: EventEncoder) -> [UInt8] {
        var payload: [UInt8] = []
        payload.reserveCapacity(events.count * 400)
        encode(events, with: encoder, into: &payload)
        return payload
    }

    /// Appends the NDJSON lines of `events` to `payload`.
    static func encode(_ events: some RandomAccessCollection<APIEvent>, with encoder: EventEncoder, into payload: inout [UInt8]) {
        for index in events.indices { encoder.encode(events[index], into: &payload) }
    }

    func encode(_ event: APIEvent) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        encode(event, into: &out)
        return out
    }

    /// Appends the event's line to `out` (no buffer of its own, no copy).
    func encode(_ event: APIEvent, into out: inout [UInt8]) {
        var first = true
        func key(_ name: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }
        func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            JSONWriter.writeString(value, to: &out)
        }
        func integer(_ name: StaticString, _ value: Int64?) {
            guard let value else { return }
            key(name)
            EventEncoder.writeInteger(value, to: &out)
        }

        out.append(UInt8(ascii: "{"))
        string("id", event.id)
        key("timestamp")
        out.append(UInt8(ascii: "\""))
        RFC3339.write(micros: event.timestampMicros, to: &out)
        out.append(UInt8(ascii: "\""))
        if let d = event.durationMs, d.isFinite, d >= 0, d < 1e10 {
            // Microsecond precision, written without going through Double's description.
            key("duration_ms")
            let micros = Int64((d * 1000).rounded())
            EventEncoder.writeInteger(micros / 1000, to: &out)
            let fraction = micros % 1000
            if fraction != 0 {
                // Up to three decimals, without trailing zeros (12.5, not 12.500).
                out.append(UInt8(ascii: "."))
                let digits = (UInt8(fraction / 100), UInt8(fraction / 10 % 10), UInt8(fraction % 10))
                out.append(UInt8(ascii: "0") + digits.0)
                if digits.1 != 0 || digits.2 != 0 { out.append(UInt8(ascii: "0") + digits.1) }
                if digits.2 != 0 { out.append(UInt8(ascii: "0") + digits.2) }
            }
        }
        string("service", event.service ?? service)
        string("environment", event.environment ?? environment)
        string("method", event.method.utf8.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) ? event.method.uppercased() : event.method)
        string("scheme", event.scheme)
        string("host", event.host)
        string("path", event.path.isEmpty ? "/" : event.path)
        string("route", event.route)
        let query = event.query.isEmpty ? QueryString.parse(event.rawQuery ?? "") : event.query
        if !query.isEmpty {
            key("query")
            let parameters = query.prefix(256)
            let hasRepeats = parameters.indices.contains { i in
                parameters[parameters.startIndex..<i].contains { $0.name == parameters[i].name }
            }
            out.append(UInt8(ascii: "{"))
            if !hasRepeats {
                // The usual case: each name once, written straight through.
                for (i, p) in parameters.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    JSONWriter.writeString(p.name, to: &out)
                    out.append(UInt8(ascii: ":"))
                    JSONWriter.writeString(policy.redactQuery(name: p.name, value: p.value), to: &out)
                }
            } else {
                // Repeated names become arrays, in order of first appearance.
                var grouped: [(String, [String])] = []
                for p in parameters {
                    let value = policy.redactQuery(name: p.name, value: p.value)
                    if let i = grouped.firstIndex(where: { $0.0 == p.name }) {
                        grouped[i].1.append(value)
                    } else {
                        grouped.append((p.name, [value]))
                    }
                }
                for (i, (name, values)) in grouped.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    JSONWriter.writeString(name, to: &out)
                    out.append(UInt8(ascii: ":"))
                    if values.count == 1 {
                        JSONWriter.writeString(values[0], to: &out)
                    } else {
                        JSONValue.array(values.map(JSONValue.string)).write(to: &out)
                    }
                }
            }
            out.append(UInt8(ascii: "}"))
        }
        integer("status", Int64(min(max(event.status, 100), 599)))
        integer("request_size", event.requestSize)
        integer("response_size", event.responseSize)
        string("client_ip", event.clientIP)
        string("user_agent", event.userAgent.map(policy.redactText))
        if let consumer = event.consumer, !consumer.id.isEmpty {
            key("consumer")
            var members: [(key: String, value: JSONValue)] = [("id", .string(consumer.id))]
            if let name = consumer.name { members.append(("name", .string(name))) }
            if let plan = consumer.plan { members.append(("plan", .string(plan))) }
            JSONValue.object(members).write(to: &out)
        }
        string("user_id", event.userID)
        string("session_id", event.sessionID)
        string("trace_id", event.traceID)
        string("span_id", event.spanID)
        if let error = event.error {
            key("error")
            var members: [(key: String, value: JSONValue)] = []
            if let type = error.type { members.append(("type", .string(String(type.prefix(256))))) }
            if let message = error.message { members.append(("message", .string(policy.redactText(String(message.prefix(16 * 1024)))))) }
            JSONValue.object(members).write(to: &out)
        }
        if !event.attributes.isEmpty {
            key("attributes")
            JSONValue.object(event.attributes.map { attribute in
                let value: JSONValue
                switch attribute.value {
                case .string(let s): value = .string(policy.redactText(s))
                case .number(let d): value = d.isFinite ? .number(formatNumber(d)) : .null
                case .bool(let b): value = .bool(b)
                }
                return (attribute.name, value)
            }).write(to: &out)
        }
        if let request = event.request {
            key("request")
            encodeExchange(request, direction: .request).write(to: &out)
        }
        if let response = event.response {
            key("response")
            encodeExchange(response, direction: .response).write(to: &out)
        }
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
    }

    private func encodeExchange(_ exchange: CapturedExchange, direction: RedactionPolicy.Direction) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if !exchange.headers.isEmpty {
            var grouped: [(String, [String])] = []
            for header in exchange.headers.prefix(256) {
                let name = header.name.lowercased()
                let value = policy.redactHeader(name: name, value: header.value)
                if let i = grouped.firstIndex(where: { $0.0 == name }) {
                    grouped[i].1.append(value)
                } else {
                    grouped.append((name, [value]))
                }
            }
            members.append(("headers", .object(grouped.map { ($0.0, $0.1.count == 1 ? .string($0.1[0]) : .array($0.1.map(JSONValue.string))) })))
        }
        if let body = exchange.body,
           let value = policy.redactBody(body, contentType: exchange.contentType, truncated: exchange.bodyTruncated, direction: direction) {
            members.append(("body", value))
        }
        return .object(members)
    }

    static func writeInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            if value == .min {
                out.append(contentsOf: "9223372036854775808".utf8)
                return
            }
        }
        var v = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            } while v > 0
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[i]) }
        }
    }

    private func formatNumber(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}

/// RFC 3339 timestamps in UTC with microseconds.
enum RFC3339 {
    static func format(micros: Int64) -> String {
        var out: [UInt8] = []
        write(micros: micros, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    static func write(micros: Int64, to out: inout [UInt8]) {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = max(0, v)
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        pad(year, 4)
        out.append(UInt8(ascii: "-"))
        pad(month, 2)
        out.append(UInt8(ascii: "-"))
        pad(day, 2)
        out.append(UInt8(ascii: "T"))
        pad(secondOfDay / 3600, 2)
        out.append(UInt8(ascii: ":"))
        pad(secondOfDay % 3600 / 60, 2)
        out.append(UInt8(ascii: ":"))
        pad(secondOfDay % 60, 2)
        out.append(UInt8(ascii: "."))
        pad(fraction, 6)
        out.append(UInt8(ascii: "Z"))
    }
}
