/// Why one event was rejected: which field, what was expected, what was found.
///
/// The description never contains the sender's values, only their JSON type or size (numbers
/// out of range are shown, since they carry no payload).
public struct EventFieldError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Dotted path of the field, e.g. `consumer.id`; empty for the event as a whole.
    public var field: String
    /// What the field must be.
    public var expected: String
    /// What was found.
    public var got: String

    public init(field: String, expected: String, got: String) {
        self.field = field
        self.expected = expected
        self.got = got
    }

    public var description: String {
        field.isEmpty ? "expected \(expected), got \(got)" : "field '\(field)': expected \(expected), got \(got)"
    }
}

/// A batch that cannot be read at all (as opposed to single events, which are rejected one by one).
public struct BatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The body holds no event.
        case empty
        /// The JSON array is malformed, so events after the fault cannot be told apart.
        case syntax
        /// More events than the configured batch limit.
        case tooManyEvents
        /// The body is neither a JSON array nor JSON objects (NDJSON).
        case notJSON
    }

    public var code: Code
    /// A message saying what is wrong, where, and how to fix it.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
