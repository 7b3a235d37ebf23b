import SightlineCore

/// A `log_format` compiled into a matcher: literal separators between variables.
///
/// Invariants: literals are never empty and never adjacent (merged); the last literal has no
/// trailing white space (lines are trimmed the same way); two variables only touch when the first
/// has a bounded character class (`$scheme://$host$request_uri` is fine, `$a$b` is not).
struct LogFormat: Sendable {
    enum Step: Sendable {
        case literal([UInt8])
        case variable(Int)
    }

    /// How nginx escaped values in the log (`log_format ... escape=`).
    enum Escaping: Sendable {
        /// `\xHH` for `"`, `\` and non-printable bytes (nginx's default); also Apache's `\"`, `\\`, `\n`.
        case `default`
        /// JSON string escapes (`escape=json`).
        case json
        /// Nothing escaped: backslashes are literal.
        case none
    }

    /// Which bytes a variable's value can hold, when that is known; lets a variable end where the
    /// next one starts without a separator.
    enum ValueClass: Sendable {
        case digits, decimal, address, hostname, letters

        @inline(__always)
        func contains(_ byte: UInt8) -> Bool {
            switch self {
            case .digits: return byte &- 0x30 < 10
            case .decimal: return byte &- 0x30 < 10 || byte == 0x2E
            case .address: return byte &- 0x30 < 10 || byte == 0x2E || byte == 0x3A || (byte | 0x20) &- 0x61 < 6
            case .hostname:
                return byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26 || byte == 0x2E || byte == 0x2D || byte == 0x5F
            case .letters: return (byte | 0x20) &- 0x61 < 26
            }
        }
    }

    /// One step of the matcher, trivially copyable (the hot loop touches no reference counts).
    struct Instruction: Sendable {
        /// -1 for a literal, else the variable's index.
        var variable: Int
        /// The literal's bytes in `literalBytes` (literal steps only).
        var literalStart: Int
        var literalCount: Int
        var minimumLength: Int
        var isList: Bool
        var valueClass: ValueClass?
    }

    struct Variable: Sendable {
        var name: String
        /// `$name`, for rejections.
        var displayName: String
        var kind: FieldKind
        /// `"name":` ready to append to the attributes object.
        var attributeKey: [UInt8]
        var valueClass: ValueClass?
        /// Where to start looking for the next separator: `$time_local` holds one space.
        var minimumLength: Int
        /// `$upstream_*` values are lists that hold `, ` and ` : `.
        var isList: Bool
    }

    /// The text the format was compiled from (without `log_format name`).
    var text: String
    var steps: [Step]
    var variables: [Variable]
    var escaping: Escaping
    /// `steps` flattened for matching.
    var program: [Instruction] = []
    var literalBytes: [UInt8] = []
    /// Content after the last field is kept in `attributes.extra` rather than rejected (built-in
    /// `combined` and `common`, which are often followed by extra fields).
    var allowsTrailingContent = false

    static let combinedText = #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#
    static let commonText = #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent"#

    /// Compiles a format: either the bare format text, or as written in nginx.conf (`log_format
    /// name [escape=...] 'piece' 'piece';` or just the quoted pieces).
    init(compiling source: String) throws(AccessLogError) {
        let (text, escaping) = try LogFormat.unwrapConfiguration(source)
        self.text = text
        self.escaping = escaping
        self.steps = []
        self.variables = []
        try compile(Array(text.utf8))
        try validate()
        for step in steps {
            switch step {
            case .literal(let bytes):
                program.append(Instruction(variable: -1, literalStart: literalBytes.count, literalCount: bytes.count, minimumLength: 0, isList: false, valueClass: nil))
                literalBytes.append(contentsOf: bytes)
            case .variable(let index):
                let variable = variables[index]
                program.append(Instruction(
                    variable: index, literalStart: 0, literalCount: 0, minimumLength: variable.minimumLength,
                    isList: variable.isList, valueClass: variable.valueClass
                ))
            }
        }
    }

    private mutating func compile(_ bytes: [UInt8]) throws(AccessLogError) {
        var literal: [UInt8] = []
        var index = 0
        func isNameByte(_ byte: UInt8) -> Bool {
            byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26 || byte == 0x5F
        }
        func flush() {
            if !literal.isEmpty { steps.append(.literal(literal)); literal = [] }
        }
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "$") else {
                literal.append(byte)
                index += 1
                continue
            }
            var nameStart = index + 1
            var nameEnd = nameStart
            var braced = false
            if nameStart < bytes.count, bytes[nameStart] == UInt8(ascii: "{") {
                braced = true
                nameStart += 1
                nameEnd = nameStart
            }
            while nameEnd < bytes.count, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            if braced {
                guard nameEnd < bytes.count, bytes[nameEnd] == UInt8(ascii: "}"), nameEnd > nameStart else {
                    throw AccessLogError(code: .invalidFormat, message: "unterminated '${' at byte \(index) of the log_format; write ${name}")
                }
            }
            if nameEnd == nameStart {
                literal.append(byte) // a lone '$' is literal text
                index += 1
                continue
            }
            flush()
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self).lowercased()
            var key: [UInt8] = []
            EventEncoder.appendString(name, to: &key)
            key.append(UInt8(ascii: ":"))
            let kind = FieldKind.nginx(name)
            variables.append(Variable(
                name: name, displayName: "$" + name, kind: kind, attributeKey: key, valueClass: LogFormat.valueClass(of: name),
                minimumLength: kind == .timeLocal ? 21 : 0, isList: name.hasPrefix("upstream_")
            ))
            steps.append(.variable(variables.count - 1))
            index = nameEnd + (braced ? 1 : 0)
        }
        // Lines are matched with trailing white space removed; so is the format.
        while let last = literal.last, last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D { literal.removeLast() }
        flush()
    }

    private func validate() throws(AccessLogError) {
        let kinds = variables.map(\.kind)
        guard !variables.isEmpty else {
            throw AccessLogError(code: .unsupportedFormat, message: "the log_format has no variables; it must contain at least $time_local (or $time_iso8601, $msec), $request and $status")
        }
        if !kinds.contains(where: { [.timeLocal, .timeISO8601, .msec].contains($0) }) {
            throw AccessLogError(code: .unsupportedFormat, message: "the log_format has no time: events need a timestamp, so it must contain $time_local, $time_iso8601 or $msec")
        }
        if !kinds.contains(.status) {
            throw AccessLogError(code: .unsupportedFormat, message: "the log_format has no $status: events need the response status")
        }
        if !kinds.contains(.request), !(kinds.contains(.requestMethod) && (kinds.contains(.requestURI) || kinds.contains(.uri))) {
            throw AccessLogError(code: .unsupportedFormat, message: "the log_format has no request: it must contain $request, or $request_method with $request_uri (or $uri)")
        }
        for (position, step) in steps.enumerated() {
            guard case .variable(let first) = step, position + 1 < steps.count, case .variable(let second) = steps[position + 1] else { continue }
            if variables[first].valueClass == nil {
                throw AccessLogError(
                    code: .unsupportedFormat,
                    message: "$\(variables[first].name) is directly followed by $\(variables[second].name) with nothing between them, so where one ends is ambiguous; put a separator (such as a space) between them"
                )
            }
        }
    }

    static func valueClass(of name: String) -> ValueClass? {
        switch name {
        case "status", "body_bytes_sent", "bytes_sent", "request_length", "content_length", "server_port",
             "remote_port", "connection", "connection_requests", "pid", "upstream_status":
            return .digits
        case "request_time", "msec":
            return .decimal
        case "remote_addr", "server_addr", "realip_remote_addr":
            return .address
        case "host", "server_name":
            return .hostname
        case "scheme", "request_method":
            return .letters
        default:
            return nil
        }
    }

    // MARK: nginx.conf syntax

    /// Strips `log_format name [escape=...]` and the quoting of nginx.conf; returns the format text.
    static func unwrapConfiguration(_ source: String) throws(AccessLogError) -> (String, Escaping) {
        var bytes = Array(source.utf8)[...]
        func skipSpace() {
            while let first = bytes.first, first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D { bytes.removeFirst() }
        }
        func word() -> Substring {
            var end = bytes.startIndex
            while end < bytes.endIndex, ![0x20, 0x09, 0x0A, 0x0D, 0x3B, 0x27, 0x22].contains(bytes[end]) { end += 1 }
            let result = Substring(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
            bytes = bytes[end...]
            return result
        }
        skipSpace()
        var escaping = Escaping.default
        var isDirective = false
        if bytes.starts(with: "log_format".utf8), bytes.count > 10, [0x20, 0x09, 0x0A].contains(bytes[bytes.startIndex + 10]) {
            isDirective = true
            bytes = bytes.dropFirst(10)
            skipSpace()
            _ = word() // the format's name
            skipSpace()
            if bytes.starts(with: "escape=".utf8) {
                let option = word()
                switch option.dropFirst(7) {
                case "default": escaping = .default
                case "json": escaping = .json
                case "none": escaping = .none
                default:
                    throw AccessLogError(code: .invalidFormat, message: "unknown log_format escape '\(option.dropFirst(7).prefix(16))'; nginx knows escape=default, escape=json and escape=none")
                }
                skipSpace()
            }
        }
        let start = bytes
        var text: [UInt8] = []
        var quotedPieces = 0
        var wellFormed = true
        while let first = bytes.first, first != 0x3B {
            if first == 0x27 || first == 0x22 {
                bytes.removeFirst()
                var closed = false
                while let byte = bytes.first {
                    bytes.removeFirst()
                    if byte == first { closed = true; break }
                    if byte == 0x5C, let next = bytes.first {
                        bytes.removeFirst()
                        switch next {
                        case 0x22, 0x27, 0x5C: text.append(next)
                        case UInt8(ascii: "n"): text.append(0x0A)
                        case UInt8(ascii: "r"): text.append(0x0D)
                        case UInt8(ascii: "t"): text.append(0x09)
                        default: text.append(contentsOf: [0x5C, next])
                        }
                    } else {
                        text.append(byte)
                    }
                }
                guard closed else {
                    throw AccessLogError(code: .invalidFormat, message: "unterminated quoted piece in the log_format: a \(first == 0x27 ? "single" : "double") quote is not closed")
                }
                quotedPieces += 1
            } else if isDirective {
                text.append(contentsOf: word().utf8)
            } else {
                wellFormed = false
                break
            }
            skipSpace()
        }
        if let first = bytes.first, first == 0x3B {
            bytes.removeFirst()
            skipSpace()
        }
        if !bytes.isEmpty { wellFormed = false }
        if isDirective {
            guard wellFormed, !text.isEmpty else {
                throw AccessLogError(code: .invalidFormat, message: "could not read the log_format directive: expected log_format NAME [escape=...] 'format' ... ;")
            }
            return (String(decoding: text, as: UTF8.self), escaping)
        }
        if quotedPieces > 0, wellFormed {
            return (String(decoding: text, as: UTF8.self), escaping)
        }
        // The format text itself, as given.
        return (String(decoding: start, as: UTF8.self), escaping)
    }
}
