import SightlineCore

/// Renders OTLP values (`AnyValue`) as JSON.
///
/// Invariants: the output is one valid, minified JSON value. Strings are JSON strings; booleans
/// and 64-bit integers are JSON literals and numbers (exact); finite doubles are numbers, and NaN
/// and the infinities the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (as in protobuf's JSON);
/// bytes are base64 strings; arrays are arrays; key-value lists are objects (the first of
/// repeated keys wins); an empty value is `null`, and so is anything nested deeper than the limit.
enum AnyValueJSON {
    static func append(_ value: PBAnyValue, to bytes: inout [UInt8], depth: Int = 0, maxDepth: Int) {
        switch value.value {
        case .stringValue(let text):
            EventEncoder.appendString(text, to: &bytes)
        case .boolValue(let flag):
            bytes.append(contentsOf: flag ? Array("true".utf8) : Array("false".utf8))
        case .intValue(let number):
            bytes.append(contentsOf: String(number).utf8)
        case .doubleValue(let number):
            appendDouble(number, to: &bytes)
        case .bytesValue(let data):
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: OTLPID.base64(data))
            bytes.append(UInt8(ascii: "\""))
        case .arrayValue(let array):
            guard depth < maxDepth else { return appendNull(to: &bytes) }
            bytes.append(UInt8(ascii: "["))
            for (position, element) in array.values.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                append(element, to: &bytes, depth: depth + 1, maxDepth: maxDepth)
            }
            bytes.append(UInt8(ascii: "]"))
        case .kvlistValue(let list):
            guard depth < maxDepth else { return appendNull(to: &bytes) }
            bytes.append(UInt8(ascii: "{"))
            var seen = StringSlots()
            for pair in list.values where seen.insert(pair.key) {
                if seen.count > 1 { bytes.append(UInt8(ascii: ",")) }
                EventEncoder.appendString(pair.key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                append(pair.value, to: &bytes, depth: depth + 1, maxDepth: maxDepth)
            }
            bytes.append(UInt8(ascii: "}"))
        case nil:
            appendNull(to: &bytes)
        }
    }

    static func appendDouble(_ number: Double, to bytes: inout [UInt8]) {
        if number.isNaN {
            bytes.append(contentsOf: #""NaN""#.utf8)
        } else if number.isInfinite {
            bytes.append(contentsOf: (number > 0 ? #""Infinity""# : #""-Infinity""#).utf8)
        } else {
            // Swift prints the shortest text that reads back exactly: "12.5", "1e-05", "1e+21".
            bytes.append(contentsOf: number.description.utf8)
        }
    }

    private static func appendNull(to bytes: inout [UInt8]) {
        bytes.append(contentsOf: "null".utf8)
    }

    /// A log body as text: a string as it is, anything else as its JSON.
    static func text(of value: PBAnyValue, maxDepth: Int) -> String? {
        switch value.value {
        case nil: return nil
        case .stringValue(let text): return text
        default:
            var bytes: [UInt8] = []
            append(value, to: &bytes, maxDepth: maxDepth)
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// Builds the `attributes` JSON object of an event, a span or a log record from OTLP key-value lists.
///
/// Invariants: keys are unique (the first one added wins, so add the most specific list first);
/// the object never exceeds `maxBytes`: members that do not fit are left out and
/// `"sightline.otlp.truncated": true` says so; an empty object gives `nil`.
struct AttributeObjectBuilder {
    private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var keys = StringSlots()
    private let maxBytes: Int
    private let maxDepth: Int
    private(set) var truncated = false

    static let truncationMarker = Array(#""sightline.otlp.truncated":true"#.utf8)

    init(maxBytes: Int, maxDepth: Int) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        bytes.reserveCapacity(256)
    }

    private var memberCount = 0

    func contains(_ key: String) -> Bool { keys.contains(key) }

    /// Adds pre-rendered members (`"key":value` bytes) whose keys are not present yet. Their keys
    /// are not remembered: call this last.
    mutating func addFinal(_ members: [(key: String, member: [UInt8])]) {
        for (key, member) in members where !keys.contains(key) {
            guard bytes.count + 1 + member.count + 2 + Self.truncationMarker.count <= maxBytes else {
                truncated = true
                continue
            }
            if memberCount > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: member)
            memberCount += 1
        }
    }

    mutating func add(_ key: String, _ value: PBAnyValue) {
        addMember(key) { bytes, depth in AnyValueJSON.append(value, to: &bytes, maxDepth: depth) }
    }

    mutating func add(_ key: String, string: String) {
        addMember(key) { bytes, _ in EventEncoder.appendString(string, to: &bytes) }
    }

    mutating func add(_ key: String, bool: Bool) {
        addMember(key) { bytes, _ in bytes.append(contentsOf: (bool ? "true" : "false").utf8) }
    }

    /// Writes the member in place and takes it back if it does not fit.
    private mutating func addMember(_ key: String, _ writeValue: (inout [UInt8], Int) -> Void) {
        guard !keys.contains(key) else { return }
        let mark = bytes.count
        if memberCount > 0 { bytes.append(UInt8(ascii: ",")) }
        EventEncoder.appendString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        writeValue(&bytes, maxDepth)
        // Room for the closing brace and, should a later member not fit, the truncation marker.
        guard bytes.count + 2 + Self.truncationMarker.count <= maxBytes else {
            bytes.removeSubrange(mark...)
            truncated = true
            return
        }
        keys.insert(key)
        memberCount += 1
    }

    consuming func finish() -> RawJSON? {
        if truncated {
            if memberCount > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: Self.truncationMarker)
        } else if memberCount == 0 {
            return nil
        }
        bytes.append(UInt8(ascii: "}"))
        return RawJSON(unsafeUncheckedBytes: bytes)
    }
}
