#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SightlineCore

/// Turns access-log lines (nginx, Apache, JSON) into Sightline events, one line at a time.
///
/// Invariants:
/// - No line aborts an import: every line gives ``AccessLogLineResult/event(_:)``,
///   ``AccessLogLineResult/skipped`` (blank) or ``AccessLogLineResult/rejected(_:)`` with a precise
///   reason. Any bytes are accepted (invalid UTF-8 is replaced by U+FFFD, never trapped on).
/// - Ids are deterministic: the same line at the same offset of the same source always gets the
///   same ``Event/id`` (see ``AccessLogEventID``), so re-importing does not duplicate.
/// - Events respect `Event`'s invariants and the configured ``EventLimits``.
/// - A parser is an immutable value: share it between threads freely.
///
/// ```swift
/// let parser = try AccessLogParser(format: .combined, options: .init(service: "shop", sourceID: "access.log"))
/// switch parser.parse(line: Array(line.utf8), lineNumber: 1, byteOffset: 0) {
/// case .event(let event): send(event)
/// case .skipped: break
/// case .rejected(let rejection): report(rejection)   // "line 1: $status: expected ..."
/// }
/// ```
public struct AccessLogParser: Sendable {
    /// How lines become events.
    public struct Options: Sendable, Equatable {
        /// `service` of every event (for example the log file's base name, or "nginx").
        public var service: String
        /// `environment` of every event.
        public var environment: String?
        /// Identity of the source in event ids: keep it stable across imports of the same data
        /// (``AccessLogEventID/fingerprint(firstLine:)`` is a good choice for files).
        public var sourceID: String
        /// Take `client_ip` from the first valid address of `X-Forwarded-For` instead of
        /// `$remote_addr`. Only for logs written behind a proxy you trust: clients can send any
        /// `X-Forwarded-For`.
        public var trustForwardedFor: Bool
        /// nginx writes the time a request *ended*; events carry the time it *started*. When true
        /// (the default) and the line has a duration, the timestamp is the logged time minus it.
        public var timestampAtRequestStart: Bool
        /// Longer lines are rejected (``AccessLogRejection/Reason/lineTooLong``). Default 64 KiB.
        public var maxLineBytes: Int
        /// Limits of the event fields (paths longer than the limit reject the line; user agents,
        /// query values and attribute values are cut at a character boundary).
        public var limits: EventLimits

        public init(
            service: String,
            sourceID: String = "",
            environment: String? = nil,
            trustForwardedFor: Bool = false,
            timestampAtRequestStart: Bool = true,
            maxLineBytes: Int = 64 << 10,
            limits: EventLimits = EventLimits()
        ) {
            self.service = service
            self.sourceID = sourceID
            self.environment = environment
            self.trustForwardedFor = trustForwardedFor
            self.timestampAtRequestStart = timestampAtRequestStart
            self.maxLineBytes = maxLineBytes
            self.limits = limits
        }
    }

    public let format: AccessLogFormat
    public let options: Options
    private let formats: [LogFormat]
    private let acceptsJSON: Bool
    private let acceptsOnlyJSON: Bool
    private let sourceSeed: UInt64

    /// - Throws: ``AccessLogError`` when the format does not compile or an option is invalid
    ///   (empty service, a service or environment longer than `limits.maxNameBytes`).
    public init(format: AccessLogFormat, options: Options) throws(AccessLogError) {
        try self.init(format: format, options: options, strict: false)
    }

    init(format: AccessLogFormat, options: Options, strict: Bool) throws(AccessLogError) {
        guard !options.service.isEmpty, options.service.utf8.count <= options.limits.maxNameBytes else {
            throw AccessLogError(code: .invalidOption, message: "the service name must be 1...\(options.limits.maxNameBytes) bytes; pass one with --service")
        }
        if let environment = options.environment, environment.utf8.count > options.limits.maxNameBytes {
            throw AccessLogError(code: .invalidOption, message: "the environment name must be at most \(options.limits.maxNameBytes) bytes")
        }
        guard options.maxLineBytes > 0 else {
            throw AccessLogError(code: .invalidOption, message: "maxLineBytes must be positive")
        }
        self.format = format
        self.options = options
        self.sourceSeed = AccessLogEventID.seed(sourceID: options.sourceID)
        func builtin(_ text: String) throws(AccessLogError) -> LogFormat {
            var compiled = try LogFormat(compiling: text)
            compiled.allowsTrailingContent = !strict
            return compiled
        }
        switch format {
        case .combined:
            formats = [try builtin(LogFormat.combinedText)]
            acceptsJSON = false
        case .common:
            formats = [try builtin(LogFormat.commonText)]
            acceptsJSON = false
        case .json:
            formats = []
            acceptsJSON = true
        case .nginx(let text):
            formats = [try LogFormat(compiling: text)]
            acceptsJSON = false
        case .auto:
            var candidates: [LogFormat] = []
            for candidate in AccessLogFormat.candidates {
                switch candidate {
                case .combined: candidates.append(try LogFormat(compiling: LogFormat.combinedText))
                case .common: candidates.append(try LogFormat(compiling: LogFormat.commonText))
                case .nginx(let text): candidates.append(try LogFormat(compiling: text))
                default: break
                }
            }
            // Last resorts: `combined` or `common` followed by something else.
            candidates.append(try builtin(LogFormat.combinedText))
            candidates.append(try builtin(LogFormat.commonText))
            formats = candidates
            acceptsJSON = true
        }
        acceptsOnlyJSON = formats.isEmpty
    }

    /// Parses one line.
    /// - Parameters:
    ///   - line: the line's bytes; a trailing LF, CRLF and white space are ignored.
    ///   - lineNumber: one-based, for the rejection report.
    ///   - byteOffset: offset of the line's first byte in the source; part of the event id.
    public func parse(line: UnsafeRawBufferPointer, lineNumber: Int, byteOffset: Int64) -> AccessLogLineResult {
        var end = line.count
        while end > 0, line[end - 1] == 0x0A || line[end - 1] == 0x0D || line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
        var start = 0
        if byteOffset == 0, end >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF { start = 3 } // UTF-8 byte-order mark
        while start < end, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        guard start < end else { return .skipped }
        let trimmed = UnsafeRawBufferPointer(rebasing: line[start..<end])
        guard trimmed.count <= options.maxLineBytes else {
            return .rejected(AccessLogRejection(
                reason: .lineTooLong, lineNumber: lineNumber, byteOffset: byteOffset, field: "line",
                expected: "at most \(options.maxLineBytes) bytes", got: "\(trimmed.count) bytes"
            ))
        }
        if acceptsOnlyJSON || (acceptsJSON && trimmed[0] == UInt8(ascii: "{")) {
            return parseJSON(trimmed, lineNumber: lineNumber, byteOffset: byteOffset)
        }
        return parseText(trimmed, lineNumber: lineNumber, byteOffset: byteOffset)
    }

    /// ``parse(line:lineNumber:byteOffset:)`` for a byte array.
    public func parse(line: [UInt8], lineNumber: Int, byteOffset: Int64) -> AccessLogLineResult {
        line.withUnsafeBytes { parse(line: $0, lineNumber: lineNumber, byteOffset: byteOffset) }
    }

    /// ``parse(line:lineNumber:byteOffset:)`` for text.
    public func parse(line: String, lineNumber: Int, byteOffset: Int64) -> AccessLogLineResult {
        var line = line
        return line.withUTF8 { parse(line: UnsafeRawBufferPointer($0), lineNumber: lineNumber, byteOffset: byteOffset) }
    }

    /// Parses every complete line of `buffer` (ending with LF), calling `body` with each result.
    /// - Parameters:
    ///   - buffer: bytes read from the source, starting at a line start.
    ///   - firstLineNumber: the number of the buffer's first line.
    ///   - byteOffset: the source offset of the buffer's first byte.
    ///   - isFinal: true at the end of the source: a last line without LF is parsed too. When
    ///     false (tailing a growing file) it is left for the next call.
    /// - Returns: how many bytes were consumed; keep the rest and prepend it to the next read.
    @discardableResult
    public func parseLines<E: Error>(
        in buffer: UnsafeRawBufferPointer, firstLineNumber: Int, byteOffset: Int64, isFinal: Bool,
        _ body: (AccessLogLineResult) throws(E) -> Void
    ) throws(E) -> Int {
        var lineStart = 0
        var lineNumber = firstLineNumber
        let count = buffer.count
        guard let base = buffer.baseAddress else { return 0 }
        while lineStart < count {
            let newline = memchr(base + lineStart, 0x0A, count - lineStart)
            let lineEnd: Int
            if let newline {
                lineEnd = base.distance(to: UnsafeRawPointer(newline))
            } else {
                guard isFinal else { break }
                lineEnd = count
            }
            let line = UnsafeRawBufferPointer(rebasing: buffer[lineStart..<lineEnd])
            try body(parse(line: line, lineNumber: lineNumber, byteOffset: byteOffset + Int64(lineStart)))
            lineNumber += 1
            lineStart = lineEnd + 1
        }
        return min(lineStart, count)
    }

    // MARK: formats

    private func parseText(_ line: UnsafeRawBufferPointer, lineNumber: Int, byteOffset: Int64) -> AccessLogLineResult {
        var bestFailure: LineFailure?
        var result = AccessLogLineResult.skipped
        let matched = formats.withUnsafeBufferPointer { formats -> Bool in
            for formatIndex in 0..<formats.count {
                if parse(line, as: formats.baseAddress! + formatIndex, lineNumber: lineNumber, byteOffset: byteOffset, into: &result, bestFailure: &bestFailure) {
                    return true
                }
            }
            return false
        }
        if matched { return result }
        let failure = bestFailure ?? LineFailure(reason: .formatMismatch, field: "line", expected: "a line of the format", got: "something else")
        return .rejected(failure.rejection(lineNumber: lineNumber, byteOffset: byteOffset))
    }

    /// One format: false when the line does not have its shape (`bestFailure` updated), else the
    /// outcome is in `result` (an inout rather than an optional: the event is not copied).
    private func parse(
        _ line: UnsafeRawBufferPointer, as format: UnsafePointer<LogFormat>, lineNumber: Int, byteOffset: Int64,
        into result: inout AccessLogLineResult, bestFailure: inout LineFailure?
    ) -> Bool {
        let variableCount = format.pointee.variables.count
        var assembler = EventAssembler(limits: options.limits, unescaping: format.pointee.escaping != .none, trustForwardedFor: options.trustForwardedFor)
        let matched = withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * variableCount + 1) { bounds -> Bool in
            let boundsBase = bounds.baseAddress!
            var trailing = 0
            if let failure = format.pointee.match(line, bounds: boundsBase, trailing: &trailing) {
                if bestFailure == nil || failure.progress > bestFailure!.progress { bestFailure = failure }
                return false
            }
            format.pointee.variables.withUnsafeBufferPointer { variables in
                for index in 0..<variables.count {
                    let value = UnsafeRawBufferPointer(rebasing: line[boundsBase[2 * index]..<boundsBase[2 * index + 1]])
                    guard assembler.assign(variables[index].kind, field: .variable(variables.baseAddress! + index), value: value) else { break }
                }
            }
            if trailing < line.count, assembler.failure == nil {
                assembler.trailing(UnsafeRawBufferPointer(rebasing: line[trailing..<line.count]))
            }
            return true
        }
        guard matched else { return false }
        result = finish(&assembler, line: line, lineNumber: lineNumber, byteOffset: byteOffset)
        return true
    }

    private func parseJSON(_ line: UnsafeRawBufferPointer, lineNumber: Int, byteOffset: Int64) -> AccessLogLineResult {
        var assembler = EventAssembler(limits: options.limits, unescaping: false, trustForwardedFor: options.trustForwardedFor)
        var reader = JSONLineReader(line)
        do {
            try reader.read { key, value in
                guard assembler.failure == nil else { return }
                let kind = FieldKind.json(key)
                if kind == .dropped { return }
                switch value {
                case .text(let bytes):
                    assembler.assign(kind, field: .json(key), value: bytes, type: .text)
                case .raw(let bytes):
                    assembler.assign(kind, field: .json(key), value: bytes, type: .rawJSON)
                case .composite(let bytes, let first):
                    if kind != .attribute, let first {
                        first.withUnsafeBytes { _ = assembler.assign(kind, field: .json(key), value: $0, type: .text) }
                    } else {
                        bytes.withUnsafeBytes { _ = assembler.assign(.attribute, field: .json(key), value: $0, type: .rawJSON) }
                    }
                case .null:
                    break
                }
            }
        } catch {
            let failure = LineFailure(reason: .invalidJSON, field: "line", expected: "one JSON object", got: "malformed JSON at column \(error.offset + 1): \(error.reason)")
            return .rejected(failure.rejection(lineNumber: lineNumber, byteOffset: byteOffset))
        }
        return finish(&assembler, line: line, lineNumber: lineNumber, byteOffset: byteOffset)
    }

    private func finish(_ assembler: inout EventAssembler, line: UnsafeRawBufferPointer, lineNumber: Int, byteOffset: Int64) -> AccessLogLineResult {
        let seed = sourceSeed
        return assembler.finish(
            service: options.service, environment: options.environment, startsAtRequestStart: options.timestampAtRequestStart,
            lineNumber: lineNumber, byteOffset: byteOffset
        ) { loggedTime in
            AccessLogEventID.make(sourceSeed: seed, byteOffset: byteOffset, line: line, loggedTimeMicros: loggedTime)
        }
    }
}
