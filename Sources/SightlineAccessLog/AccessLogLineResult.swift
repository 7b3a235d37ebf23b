import SightlineCore

/// What one line of an access log became.
public enum AccessLogLineResult: Sendable, Equatable {
    /// The line is one request.
    case event(Event)
    /// The line is blank (or only white space): nothing to import, nothing wrong.
    case skipped
    /// The line cannot be an event; the import goes on with the next line.
    case rejected(AccessLogRejection)

    /// The event, when the line gave one.
    public var event: Event? {
        if case .event(let event) = self { return event }
        return nil
    }

    /// The rejection, when the line was rejected.
    public var rejection: AccessLogRejection? {
        if case .rejected(let rejection) = self { return rejection }
        return nil
    }
}

/// Why a line was rejected: where it is, which field, what was expected and what was found.
///
/// `got` holds at most a short, escaped excerpt of the offending field (32 bytes, non-printable
/// bytes as `\xHH`, and never the query string of a request), or only its size, so reports stay
/// short and do not copy payloads around.
public struct AccessLogRejection: Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        /// Longer than ``AccessLogParser/Options/maxLineBytes``.
        case lineTooLong
        /// The line does not have the shape of the format (a separator is missing).
        case formatMismatch
        /// The shape matches but a field's value is not acceptable (bad time, status, request...).
        case invalidField
        /// A field that every event needs is absent (JSON lines).
        case missingField
        /// A JSON line that is not valid JSON or not an object.
        case invalidJSON
    }

    public var reason: Reason
    /// One-based line number, as the caller counted it.
    public var lineNumber: Int
    /// Offset of the line's first byte in its source.
    public var byteOffset: Int64
    /// The nginx variable (`$status`), JSON key (`status`) or `line`.
    public var field: String
    /// What was expected.
    public var expected: String
    /// What was found (an excerpt or a size).
    public var got: String

    public init(reason: Reason, lineNumber: Int, byteOffset: Int64, field: String, expected: String, got: String) {
        self.reason = reason
        self.lineNumber = lineNumber
        self.byteOffset = byteOffset
        self.field = field
        self.expected = expected
        self.got = got
    }

    public var description: String {
        "line \(lineNumber): \(field): expected \(expected), got \(got)"
    }
}

/// A rejection before its position is known.
struct LineFailure: Error, Sendable, Equatable {
    var reason: AccessLogRejection.Reason
    var field: String
    var expected: String
    var got: String
    /// How far into the line matching got (to pick the most telling failure among formats).
    var progress: Int = 0

    func rejection(lineNumber: Int, byteOffset: Int64) -> AccessLogRejection {
        AccessLogRejection(reason: reason, lineNumber: lineNumber, byteOffset: byteOffset, field: field, expected: expected, got: got)
    }
}
