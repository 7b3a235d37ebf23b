/// Writes events in the canonical compact JSON form: the wire format's short names in a fixed
/// order, no insignificant whitespace, timestamps in UTC.
///
/// Invariant: `EventDecoder.decodeEvent(EventEncoder.encode(e))` gives back `EventEncoder.canonical(e)`
/// (`e` with `level` set to its effective value), so the canonical form is what the write-ahead
/// log and the store keep.
public enum EventEncoder {
    /// The event as reading its canonical JSON back gives it.
    public static func canonical(_ event: Event) -> Event {
        var canonical = event
        canonical.level = event.effectiveLevel
        return canonical
    }

    /// The canonical JSON of one event.
    public static func encode(_ event: Event) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        append(event, to: &bytes)
        return bytes
    }

    /// Appends the canonical JSON of one event to `bytes`.
    public static func append(_ event: Event, to bytes: inout [UInt8]) {
        append(event, id: event.id, receivedAtMicros: event.receivedAtMicros, to: &bytes)
    }

    /// Appends the canonical JSON of `event` as if its `id` and `receivedAtMicros` were the
    /// values given: the ingestor stamps events this way without copying them.
    /// - Parameters:
    ///   - id: written instead of `event.id` (nil: no id member).
    ///   - receivedAtMicros: written instead of `event.receivedAtMicros` (nil: no member).
    ///   - bytes: the buffer the JSON is appended to.
    public static func append(_ event: Event, id: String?, receivedAtMicros: Int64?, to bytes: inout [UInt8]) {
        var writer = ObjectWriter(taking: &bytes)
        if let id { writer.string("id", id) }
        writer.key("timestamp")
        writer.bytes.append(0x22)
        Timestamp.append(event.timestampMicros, to: &writer.bytes)
        writer.bytes.append(0x22)
        if let received = receivedAtMicros {
            writer.key("received_at")
            writer.bytes.append(0x22)
            Timestamp.append(received, to: &writer.bytes)
            writer.bytes.append(0x22)
        }
        writer.string("service", event.service)
        if let value = event.environment { writer.string("environment", value) }
        writer.string("method", event.method)
        if let value = event.scheme { writer.string("scheme", value) }
        if let value = event.host { writer.string("host", value) }
        writer.string("path", event.path)
        if let value = event.route { writer.string("route", value) }
        if !event.query.isEmpty {
            writer.key("query")
            writer.multiMap(event.query.map { ($0.name, [$0.value]) }, merge: true)
        }
        writer.integer("status", Int64(event.status))
        if let value = event.durationMs { writer.double("duration_ms", value) }
        if let value = event.requestSize { writer.integer("request_size", value) }
        if let value = event.responseSize { writer.integer("response_size", value) }
        if let value = event.clientIP { writer.string("client_ip", value) }
        if let value = event.userAgent { writer.string("user_agent", value) }
        if let consumer = event.consumer {
            writer.key("consumer")
            var inner = ObjectWriter(taking: &writer.bytes)
            inner.string("id", consumer.id)
            if let name = consumer.name { inner.string("name", name) }
            if let plan = consumer.plan { inner.string("plan", plan) }
            writer.bytes = inner.finish()
        }
        if let value = event.userID { writer.string("user_id", value) }
        if let value = event.sessionID { writer.string("session_id", value) }
        if let value = event.traceID { writer.string("trace_id", value) }
        if let value = event.spanID { writer.string("span_id", value) }
        writer.string("level", event.effectiveLevel.rawValue)
        if let error = event.error {
            writer.key("error")
            var inner = ObjectWriter(taking: &writer.bytes)
            if let type = error.type { inner.string("type", type) }
            if let message = error.message { inner.string("message", message) }
            if let stack = error.stack { inner.string("stack", stack) }
            writer.bytes = inner.finish()
        }
        if let attributes = event.attributes {
            writer.key("attributes")
            writer.bytes.append(contentsOf: attributes.bytes)
        }
        // Not a loop over an array literal: that allocated once per event.
        if let request = event.request { appendExchange("request", request, to: &writer) }
        if let response = event.response { appendExchange("response", response, to: &writer) }
        bytes = writer.finish()
    }

    private static func appendExchange(_ name: StaticString, _ exchange: Exchange, to writer: inout ObjectWriter) {
        writer.key(name)
        var inner = ObjectWriter(taking: &writer.bytes)
        if !exchange.headers.isEmpty {
            inner.key("headers")
            inner.multiMap(exchange.headers.map { ($0.name, $0.values) }, merge: false)
        }
        if let body = exchange.body {
            inner.key("body")
            inner.bytes.append(contentsOf: body.bytes)
        }
        writer.bytes = inner.finish()
    }

    /// Appends `value` as a JSON string (quoted, escaped).
    public static func appendString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(0x22)
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
                }
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(0x22)
    }
}

/// Writes the members of one JSON object.
struct ObjectWriter {
    var bytes: [UInt8]
    private var first = true

    init(bytes: [UInt8]) {
        self.bytes = bytes
        self.bytes.append(UInt8(ascii: "{"))
    }

    /// Continues `bytes` (left empty until ``finish()`` hands them back) without copying them:
    /// the buffer has one owner while it is written.
    init(taking bytes: inout [UInt8]) {
        self.bytes = bytes
        bytes = []
        self.bytes.append(UInt8(ascii: "{"))
    }

    mutating func key(_ name: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(0x22)
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(0x22)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func dynamicKey(_ name: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        EventEncoder.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ name: StaticString, _ value: String) {
        key(name)
        EventEncoder.appendString(value, to: &bytes)
    }

    mutating func integer(_ name: StaticString, _ value: Int64) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func double(_ name: StaticString, _ value: Double) {
        key(name)
        if value == value.rounded(), abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// An object of names to a string, or to an array when a name has several values. With
    /// `merge`, repeated names are gathered into one array (query parameters).
    mutating func multiMap(_ entries: [(String, [String])], merge: Bool) {
        var inner = ObjectWriter(taking: &bytes)
        var grouped: [(String, [String])] = []
        if merge {
            var position: [String: Int] = [:]
            for (name, values) in entries {
                if let index = position[name] {
                    grouped[index].1.append(contentsOf: values)
                } else {
                    position[name] = grouped.count
                    grouped.append((name, values))
                }
            }
        } else {
            grouped = entries
        }
        for (name, values) in grouped {
            inner.dynamicKey(name)
            if values.count == 1 {
                EventEncoder.appendString(values[0], to: &inner.bytes)
            } else {
                inner.bytes.append(UInt8(ascii: "["))
                for (index, value) in values.enumerated() {
                    if index > 0 { inner.bytes.append(UInt8(ascii: ",")) }
                    EventEncoder.appendString(value, to: &inner.bytes)
                }
                inner.bytes.append(UInt8(ascii: "]"))
            }
        }
        bytes = inner.finish()
    }

    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
