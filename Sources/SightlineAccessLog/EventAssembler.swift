import SightlineCore

/// Collects the fields of one line and builds the event. Shared by the `log_format` matcher and
/// the JSON reader: both hand it (kind, name, value) triples.
///
/// Rules: `-` and empty values are "not set"; the first value of a kind wins and later ones go to
/// `attributes` under their own name; anything that maps to no event field goes to `attributes`,
/// except secrets (``FieldKind/dropped``).
struct EventAssembler {
    enum ValueType {
        /// Text as it appears in the log; escapes are decoded when `unescaping`.
        case text
        /// A JSON number, `true` or `false`, or a minified JSON array/object: kept as is in attributes.
        case rawJSON
    }

    let limits: EventLimits
    let unescaping: Bool
    let trustForwardedFor: Bool
    var scratch: [UInt8] = []
    var failure: LineFailure?

    var loggedTime: Int64?
    var requestTimeMicros: Int64?
    var upstreamMicros: Int64?
    var otherDurationMicros: Int64?
    var method: String?
    var path: String?
    var query: [QueryParameter] = []
    var hasRequest = false
    var pendingMethod: String?
    var pendingTarget: [UInt8]?
    var pendingTargetRank = Int.max
    var pendingArgs: [UInt8]?
    var pendingMethodKey: FieldRef = .fixed("request_method")
    var pendingTargetKey: FieldRef = .fixed("request_uri")
    var pendingArgsKey: FieldRef = .fixed("args")
    var scheme: String?
    var host: String?
    var hostRank = Int.max
    var hostKey: FieldRef = .fixed("host")
    var status: Int?
    var responseSize: Int64?
    var requestSize: Int64?
    var clientIP: String?
    var forwardedIP: String?
    var userAgent: String?
    var userID: String?
    var traceID: String?
    var spanID: String?
    var attributes: [UInt8] = []

    init(limits: EventLimits, unescaping: Bool, trustForwardedFor: Bool) {
        self.limits = limits
        self.unescaping = unescaping
        self.trustForwardedFor = trustForwardedFor
    }

    // MARK: fields

    /// Takes one field; `field` names it in rejections and is its key in `attributes`.
    /// Returns false once the line is rejected (see `failure`).
    @discardableResult
    mutating func assign(_ kind: FieldKind, field: FieldRef, value: UnsafeRawBufferPointer, type: ValueType = .text) -> Bool {
        if FieldText.isUnset(value), type == .text {
            switch kind {
            case .request:
                return fail(.invalidField, field.name, "a request line such as 'GET /path HTTP/1.1'", "\"-\" (the client sent no request)")
            case .status:
                return fail(.invalidField, field.name, "an integer 100...599", "\"-\"")
            case .bodyBytesSent:
                if responseSize == nil { responseSize = 0 } // Common Log Format: '-' is zero bytes
                return true
            default:
                return true
            }
        }
        switch kind {
        case .timeLocal, .timeISO8601, .msec, .timeAny:
            guard loggedTime == nil else { return attribute(field, value, type) }
            let parsed: Int64?
            switch kind {
            case .timeLocal: parsed = LogTime.commonLogFormat(value)
            case .timeISO8601: parsed = LogTime.iso8601(value)
            case .msec: parsed = LogTime.epochSeconds(value)
            default: parsed = LogTime.any(value)
            }
            guard let parsed, parsed >= 0 else {
                let expected: String
                switch kind {
                case .timeLocal: expected = "a time such as 10/Oct/2000:13:55:36 -0700 (1970 or later)"
                case .timeISO8601: expected = "a time such as 2000-10-10T13:55:36-07:00 (with its zone)"
                case .msec: expected = "seconds since the epoch such as 1700000000.123"
                default: expected = "a time: RFC 3339 with a zone, 10/Oct/2000:13:55:36 -0700, or a number since the epoch"
                }
                return fail(.invalidField, field.name, expected, FieldText.excerpt(value))
            }
            loggedTime = parsed
        case .remoteAddr:
            if clientIP == nil, let address = ClientAddress.validated(value) {
                clientIP = address
            } else {
                return attribute(field, value, type)
            }
        case .remoteUser:
            guard userID == nil else { return attribute(field, value, type) }
            userID = text(value, limit: limits.maxNameBytes)
        case .request:
            guard !hasRequest else { return attribute(field, value, type) }
            return request(field, value)
        case .requestMethod:
            guard pendingMethod == nil else { return attribute(field, value, type) }
            pendingMethod = text(value, limit: 64)
            pendingMethodKey = field
        case .requestURI, .uri:
            // `$request_uri` ranks above `$uri`; the one not used for the path is an attribute.
            let rank = kind == .requestURI ? 1 : 2
            guard rank < pendingTargetRank else { return attribute(field, value, type) }
            if let previous = pendingTarget { writeAttribute(pendingTargetKey, previous) }
            pendingTarget = decoded(value)
            pendingTargetRank = rank
            pendingTargetKey = field
        case .args:
            guard pendingArgs == nil else { return attribute(field, value, type) }
            pendingArgs = decoded(value)
            pendingArgsKey = field
        case .status:
            guard status == nil else { return attribute(field, value, type) }
            guard let number = FieldText.integer(value), number >= 100, number <= 599 else {
                return fail(.invalidField, field.name, "an integer 100...599", FieldText.excerpt(value))
            }
            status = Int(number)
        case .bodyBytesSent:
            guard responseSize == nil else { return attribute(field, value, type) }
            guard let number = FieldText.integer(value) else {
                return fail(.invalidField, field.name, "a byte count (digits or '-')", FieldText.excerpt(value))
            }
            responseSize = number
        case .contentLength:
            if requestSize == nil, let number = FieldText.integer(value) {
                requestSize = number
            } else {
                return attribute(field, value, type)
            }
        case .requestTime:
            guard requestTimeMicros == nil else { return attribute(field, value, type) }
            guard let micros = FieldText.secondsAsMicros(value) else {
                return fail(.invalidField, field.name, "seconds such as 0.123", FieldText.excerpt(value))
            }
            requestTimeMicros = micros
        case .upstreamResponseTime:
            if upstreamMicros == nil { upstreamMicros = EventAssembler.sumOfTimes(value) }
            return attribute(field, value, type)
        case .durationMilliseconds, .durationNanoseconds:
            guard otherDurationMicros == nil, let (whole, nanos) = FieldText.decimal(value) else { return attribute(field, value, type) }
            if kind == .durationMilliseconds {
                guard whole < 10_000_000_000_000 else { return attribute(field, value, type) }
                otherDurationMicros = whole * 1000 + nanos / 1_000_000
            } else {
                otherDurationMicros = whole / 1000
            }
        case .userAgent:
            guard userAgent == nil else { return attribute(field, value, type) }
            userAgent = text(value, limit: limits.maxTextBytes)
        case .forwardedFor:
            if trustForwardedFor, forwardedIP == nil {
                if unescaping, FieldText.containsBackslash(value) {
                    FieldText.unescape(value, into: &scratch)
                    forwardedIP = scratch.withUnsafeBytes { ClientAddress.firstForwarded($0) }
                } else {
                    forwardedIP = ClientAddress.firstForwarded(value)
                }
            }
            return attribute(field, value, type)
        case .host(let rank):
            if rank < hostRank, value.count <= limits.maxNameBytes {
                if let previous = host { writeAttribute(hostKey, Array(previous.utf8)) }
                host = text(value, limit: limits.maxNameBytes)
                hostRank = rank
                hostKey = field
            } else {
                return attribute(field, value, type)
            }
        case .scheme:
            let lower = text(value, limit: 16).lowercased()
            if scheme == nil, ["http", "https", "ws", "wss"].contains(lower) {
                scheme = lower
            } else {
                return attribute(field, value, type)
            }
        case .traceparent:
            // version-traceid-spanid-flags
            guard traceID == nil, value.count >= 55, value[2] == 0x2D, value[35] == 0x2D, value[52] == 0x2D,
                  let trace = EventAssembler.hexID(UnsafeRawBufferPointer(rebasing: value[3..<35])),
                  let span = EventAssembler.hexID(UnsafeRawBufferPointer(rebasing: value[36..<52]))
            else { return attribute(field, value, type) }
            traceID = trace
            spanID = span
        case .traceID:
            guard traceID == nil, value.count == 32, let trace = EventAssembler.hexID(value) else { return attribute(field, value, type) }
            traceID = trace
        case .spanID:
            guard spanID == nil, value.count == 16, let span = EventAssembler.hexID(value) else { return attribute(field, value, type) }
            spanID = span
        case .dropped:
            break
        case .attribute:
            return attribute(field, value, type)
        }
        return true
    }

    /// `$request`: `METHOD target [HTTP/x.y]`.
    private mutating func request(_ field: FieldRef, _ raw: UnsafeRawBufferPointer) -> Bool {
        if unescaping, FieldText.containsBackslash(raw) {
            FieldText.unescape(raw, into: &scratch)
            let line = scratch
            return line.withUnsafeBytes { request(field, decodedLine: $0) }
        }
        return request(field, decodedLine: raw)
    }

    private mutating func request(_ field: FieldRef, decodedLine line: UnsafeRawBufferPointer) -> Bool {
        let count = line.count
        var methodEnd = 0
        while methodEnd < count, line[methodEnd] != 0x20 { methodEnd += 1 }
        var hasLower = false
        for index in 0..<methodEnd {
            let byte = line[index]
            if byte &- 0x41 < 26 || byte == 0x2D || byte == 0x5F { continue }
            if byte &- 0x61 < 26 { hasLower = true; continue }
            return fail(.invalidField, field.name, "a request line starting with a method (letters, '-', '_')", EventAssembler.requestExcerpt(line))
        }
        guard methodEnd > 0, methodEnd <= 32, methodEnd < count else {
            return fail(.invalidField, field.name, "a request line such as 'GET /path HTTP/1.1'", EventAssembler.requestExcerpt(line))
        }
        let methodBytes = UnsafeRawBufferPointer(rebasing: line[0..<methodEnd])
        method = hasLower ? String(decoding: methodBytes, as: UTF8.self).uppercased() : EventAssembler.method(methodBytes)
        var targetStart = methodEnd
        while targetStart < count, line[targetStart] == 0x20 { targetStart += 1 }
        var targetEnd = count
        // The protocol is the last word when it starts with HTTP/; targets may hold spaces.
        var lastSpace = count - 1
        while lastSpace > targetStart, line[lastSpace] != 0x20 { lastSpace -= 1 }
        if lastSpace > targetStart, count - lastSpace > 5,
           line[lastSpace + 1] | 0x20 == 0x68, line[lastSpace + 2] | 0x20 == 0x74, line[lastSpace + 3] | 0x20 == 0x74,
           line[lastSpace + 4] | 0x20 == 0x70, line[lastSpace + 5] == 0x2F {
            writeAttribute(.fixed("protocol"), UnsafeRawBufferPointer(rebasing: line[(lastSpace + 1)..<count]))
            targetEnd = lastSpace
            while targetEnd > targetStart, line[targetEnd - 1] == 0x20 { targetEnd -= 1 }
        }
        guard targetStart < targetEnd else {
            return fail(.invalidField, field.name, "a request target after the method", EventAssembler.requestExcerpt(line))
        }
        hasRequest = true
        return target(field, UnsafeRawBufferPointer(rebasing: line[targetStart..<targetEnd]))
    }

    /// A request target: origin form `/path?query`, `*`, or absolute form `http://host/path`.
    private mutating func target(_ field: FieldRef, _ target: UnsafeRawBufferPointer) -> Bool {
        for byte in target where byte < 0x20 || byte == 0x7F {
            return fail(.invalidField, field.name, "a request target of printable characters", EventAssembler.requestExcerpt(target))
        }
        var pathStart = 0
        let count = target.count
        if target[0] == 0x2A, count == 1 {
            path = "*"
            return true
        }
        if target[0] != 0x2F {
            // Absolute form (proxies, scanners): scheme://authority/path.
            var colon = 0
            while colon < count, target[colon] != 0x3A, target[colon] != 0x2F { colon += 1 }
            guard colon > 0, colon + 2 < count, target[colon] == 0x3A, target[colon + 1] == 0x2F, target[colon + 2] == 0x2F else {
                return fail(.invalidField, field.name, "a request target starting with '/', '*' or http(s)://", EventAssembler.requestExcerpt(target))
            }
            let schemeText = String(decoding: UnsafeRawBufferPointer(rebasing: target[0..<colon]), as: UTF8.self).lowercased()
            var authorityEnd = colon + 3
            while authorityEnd < count, target[authorityEnd] != 0x2F, target[authorityEnd] != 0x3F { authorityEnd += 1 }
            if scheme == nil, ["http", "https", "ws", "wss"].contains(schemeText) { scheme = schemeText }
            if hostRank > 4, authorityEnd > colon + 3, authorityEnd - colon - 3 <= limits.maxNameBytes {
                host = String(decoding: UnsafeRawBufferPointer(rebasing: target[(colon + 3)..<authorityEnd]), as: UTF8.self)
                hostRank = 4
                hostKey = .fixed("target_host")
            }
            pathStart = authorityEnd
        }
        var queryStart = pathStart
        while queryStart < count, target[queryStart] != 0x3F { queryStart += 1 }
        let pathLength = queryStart - pathStart
        guard pathLength <= limits.maxPathBytes else {
            return fail(.invalidField, field.name, "a path of at most \(limits.maxPathBytes) bytes", "\(pathLength) bytes")
        }
        let pathText = pathLength == 0 ? "/" : String(decoding: UnsafeRawBufferPointer(rebasing: target[pathStart..<queryStart]), as: UTF8.self)
        guard pathText.utf8.count <= limits.maxPathBytes else { // invalid UTF-8 replaced: longer
            return fail(.invalidField, field.name, "a path of at most \(limits.maxPathBytes) bytes", "\(pathText.utf8.count) bytes once invalid UTF-8 is replaced")
        }
        path = pathText
        if queryStart + 1 < count {
            parseQuery(UnsafeRawBufferPointer(rebasing: target[(queryStart + 1)..<count]))
        }
        return true
    }

    private mutating func parseQuery(_ raw: UnsafeRawBufferPointer) {
        var start = 0
        let count = raw.count
        var separators = 1
        for byte in raw where byte == 0x26 { separators += 1 }
        query.reserveCapacity(min(separators, limits.maxEntries))
        while start < count, query.count < limits.maxEntries {
            var end = start
            var equals = -1
            while end < count, raw[end] != 0x26 {
                if equals < 0, raw[end] == 0x3D { equals = end }
                end += 1
            }
            if end > start {
                let nameEnd = equals >= 0 ? equals : end
                let limit = limits.maxTextBytes
                let name = FieldText.limited(String(decoding: FieldText.truncated(UnsafeRawBufferPointer(rebasing: raw[start..<nameEnd]), to: limit), as: UTF8.self), to: limit)
                let value = equals >= 0
                    ? FieldText.limited(String(decoding: FieldText.truncated(UnsafeRawBufferPointer(rebasing: raw[(equals + 1)..<end]), to: limit), as: UTF8.self), to: limit)
                    : ""
                query.append(QueryParameter(name: name, value: value))
            }
            start = end + 1
        }
    }

    // MARK: helpers

    private mutating func text(_ value: UnsafeRawBufferPointer, limit: Int) -> String {
        FieldText.string(value, unescaping: unescaping, limit: limit, scratch: &scratch)
    }

    private mutating func decoded(_ value: UnsafeRawBufferPointer) -> [UInt8] {
        if unescaping, FieldText.containsBackslash(value) {
            FieldText.unescape(value, into: &scratch)
            return scratch
        }
        return Array(value)
    }

    private mutating func fail(_ reason: AccessLogRejection.Reason, _ field: String, _ expected: String, _ got: String) -> Bool {
        if failure == nil { failure = LineFailure(reason: reason, field: field, expected: expected, got: got) }
        return false
    }

    @discardableResult
    private mutating func attribute(_ field: FieldRef, _ value: UnsafeRawBufferPointer, _ type: ValueType) -> Bool {
        startAttribute(field)
        switch type {
        case .rawJSON:
            attributes.append(contentsOf: value)
        case .text:
            if unescaping, FieldText.containsBackslash(value) {
                FieldText.unescape(value, into: &scratch)
                let decodedValue = scratch
                decodedValue.withUnsafeBytes { FieldText.appendJSONString(FieldText.truncated($0, to: limits.maxTextBytes), to: &attributes) }
            } else {
                FieldText.appendJSONString(FieldText.truncated(value, to: limits.maxTextBytes), to: &attributes)
            }
        }
        return true
    }

    private mutating func startAttribute(_ field: FieldRef) {
        if attributes.isEmpty {
            attributes.reserveCapacity(128)
            attributes.append(UInt8(ascii: "{"))
        } else {
            attributes.append(UInt8(ascii: ","))
        }
        field.appendKey(to: &attributes)
    }

    private mutating func writeAttribute(_ field: FieldRef, _ decodedValue: UnsafeRawBufferPointer) {
        startAttribute(field)
        FieldText.appendJSONString(FieldText.truncated(decodedValue, to: limits.maxTextBytes), to: &attributes)
    }

    private mutating func writeAttribute(_ field: FieldRef, _ decodedValue: [UInt8]) {
        decodedValue.withUnsafeBytes { writeAttribute(field, $0) }
    }

    /// Content after the last field (lenient built-in formats).
    mutating func trailing(_ value: UnsafeRawBufferPointer) {
        writeAttribute(.fixed("extra"), value)
    }

    /// Common methods without building a new string.
    @inline(__always)
    static func method(_ bytes: UnsafeRawBufferPointer) -> String {
        switch bytes.count {
        case 3 where bytes[0] == 0x47 && bytes[1] == 0x45 && bytes[2] == 0x54: return "GET"
        case 3 where bytes[0] == 0x50 && bytes[1] == 0x55 && bytes[2] == 0x54: return "PUT"
        case 4 where bytes[0] == 0x50 && bytes[1] == 0x4F && bytes[2] == 0x53 && bytes[3] == 0x54: return "POST"
        case 4 where bytes[0] == 0x48 && bytes[1] == 0x45 && bytes[2] == 0x41 && bytes[3] == 0x44: return "HEAD"
        default: return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The request line for an error message: at most 32 bytes and never the query string.
    static func requestExcerpt(_ raw: UnsafeRawBufferPointer) -> String {
        var end = raw.count
        for index in 0..<raw.count where raw[index] == 0x3F {
            end = index
            break
        }
        let excerpt = FieldText.excerpt(UnsafeRawBufferPointer(rebasing: raw[0..<end]))
        return end < raw.count ? excerpt + " (query string not shown)" : excerpt
    }

    /// Lower-case hex of a W3C id that is not all zeros.
    static func hexID(_ value: UnsafeRawBufferPointer) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(value.count)
        var nonZero = false
        for byte in value {
            guard FieldText.hexValue(byte) != nil else { return nil }
            if byte != 0x30 { nonZero = true }
            output.append(byte | (byte >= 0x41 ? 0x20 : 0))
        }
        return nonZero ? String(decoding: output, as: UTF8.self) : nil
    }

    /// `$upstream_response_time`: `0.012, 0.004 : 0.001` (tries and redirects) summed; `-`
    /// entries skipped; nil when no number is there.
    static func sumOfTimes(_ value: UnsafeRawBufferPointer) -> Int64? {
        var total: Int64 = 0
        var found = false
        var start = 0
        let count = value.count
        while start < count {
            while start < count, value[start] == 0x20 || value[start] == 0x2C || value[start] == 0x3A { start += 1 }
            var end = start
            while end < count, value[end] != 0x20, value[end] != 0x2C, value[end] != 0x3A { end += 1 }
            if end > start, let micros = FieldText.secondsAsMicros(UnsafeRawBufferPointer(rebasing: value[start..<end])) {
                total += micros
                found = true
            }
            start = end
        }
        return found ? total : nil
    }

    // MARK: the event

    /// The event, or the rejection saying why the line cannot be one.
    mutating func finish(service: String, environment: String?, startsAtRequestStart: Bool, lineNumber: Int, byteOffset: Int64, id: (Int64) -> String) -> AccessLogLineResult {
        func rejected(_ failure: LineFailure) -> AccessLogLineResult {
            .rejected(failure.rejection(lineNumber: lineNumber, byteOffset: byteOffset))
        }
        if let failure { return rejected(failure) }
        if !hasRequest {
            if let pendingTarget, let pendingMethod {
                let methodBytes = Array(pendingMethod.utf8)
                guard !methodBytes.isEmpty, methodBytes.count <= 32,
                      methodBytes.allSatisfy({ $0 &- 0x41 < 26 || $0 &- 0x61 < 26 || $0 == 0x2D || $0 == 0x5F })
                else {
                    return rejected(LineFailure(reason: .invalidField, field: "request_method", expected: "a method (letters, '-', '_')", got: methodBytes.withUnsafeBytes { FieldText.excerpt($0) }))
                }
                method = pendingMethod.uppercased()
                var target = pendingTarget
                if let pendingArgs, !pendingArgs.isEmpty, !target.contains(0x3F) {
                    target.append(0x3F)
                    target.append(contentsOf: pendingArgs)
                } else if let pendingArgs {
                    writeAttribute(pendingArgsKey, pendingArgs)
                }
                let ok = target.withUnsafeBytes { bytes in
                    bytes.isEmpty ? fail(.invalidField, "request_uri", "a request target", "nothing") : self.target(.fixed("request_uri"), bytes)
                }
                if !ok, let failure { return rejected(failure) }
            } else {
                let missing = pendingMethod == nil ? "method" : "request_uri"
                return rejected(LineFailure(reason: .missingField, field: missing, expected: "the request (a request line, or a method and a URI)", got: "nothing"))
            }
        } else {
            if let pendingMethod { writeAttribute(pendingMethodKey, Array(pendingMethod.utf8)) }
            if let pendingTarget { writeAttribute(pendingTargetKey, pendingTarget) }
            if let pendingArgs { writeAttribute(pendingArgsKey, pendingArgs) }
        }
        guard let loggedTime else {
            return rejected(LineFailure(reason: .missingField, field: "time", expected: "a time", got: "nothing"))
        }
        guard let status else {
            return rejected(LineFailure(reason: .missingField, field: "status", expected: "an integer 100...599", got: "nothing"))
        }
        guard let method = method.take(), let path = path.take() else {
            return rejected(LineFailure(reason: .missingField, field: "request", expected: "a method and a path", got: "nothing"))
        }
        let durationMicros = requestTimeMicros ?? upstreamMicros ?? otherDurationMicros
        var timestamp = loggedTime
        if startsAtRequestStart, let durationMicros { timestamp = max(0, loggedTime - durationMicros) }
        var durationMs: Double?
        if let durationMicros {
            let milliseconds = Double(durationMicros) / 1000
            guard milliseconds <= 1e10 else {
                return rejected(LineFailure(reason: .invalidField, field: "duration", expected: "at most 1e10 ms", got: "\(milliseconds) ms"))
            }
            durationMs = milliseconds
        }
        if !attributes.isEmpty {
            attributes.append(UInt8(ascii: "}"))
            guard attributes.count <= limits.maxAttributesBytes else {
                return rejected(LineFailure(reason: .invalidField, field: "attributes", expected: "at most \(limits.maxAttributesBytes) bytes of extra fields", got: "\(attributes.count) bytes"))
            }
        }
        // A returned temporary moves into the result; a local would be copied.
        return .event(makeEvent(
            id: id(loggedTime), timestamp: timestamp, service: service, environment: environment,
            method: method, path: path, status: status, durationMs: durationMs
        ))
    }

    /// The event, taking the assembler's values (moved, not copied: the assembler is done).
    @inline(never)
    private mutating func makeEvent(
        id: String, timestamp: Int64, service: String, environment: String?, method: String, path: String, status: Int, durationMs: Double?
    ) -> Event {
        var event = Event(id: id, timestampMicros: timestamp, service: service, method: method, path: path, status: status, durationMs: durationMs)
        event.environment = environment
        swap(&event.query, &query)
        event.scheme = scheme.take()
        event.host = host.take()
        event.responseSize = responseSize
        event.requestSize = requestSize
        event.clientIP = trustForwardedFor ? (forwardedIP.take() ?? clientIP.take()) : clientIP.take()
        event.userAgent = userAgent.take()
        event.userID = userID.take()
        event.traceID = traceID.take()
        event.spanID = spanID.take()
        if !attributes.isEmpty {
            var bytes: [UInt8] = []
            swap(&bytes, &attributes)
            event.attributes = RawJSON(unsafeUncheckedBytes: bytes)
        }
        return event
    }
}

/// Names a field without copying strings on the hot path: its `$variable`, JSON key, or a fixed
/// name; gives the name for rejections and the key in `attributes`.
enum FieldRef {
    case variable(UnsafePointer<LogFormat.Variable>)
    case json(String)
    case fixed(StaticString)

    var name: String {
        switch self {
        case .variable(let variable): return variable.pointee.displayName
        case .json(let key): return key
        case .fixed(let name): return name.description
        }
    }

    /// Appends `"key":`.
    func appendKey(to bytes: inout [UInt8]) {
        switch self {
        case .variable(let variable):
            bytes.append(contentsOf: variable.pointee.attributeKey)
        case .json(let key):
            EventEncoder.appendString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        case .fixed(let name):
            bytes.append(0x22)
            bytes.append(contentsOf: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            bytes.append(0x22)
            bytes.append(UInt8(ascii: ":"))
        }
    }
}
