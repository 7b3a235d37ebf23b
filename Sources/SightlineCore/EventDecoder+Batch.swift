/// Decodes request bodies and single events of the compact wire format.
///
/// A body is either a JSON array of event objects, or a stream of event objects separated by
/// whitespace (NDJSON: one per line). Invariants:
/// - Every input position is accounted for: each event is either in `events` or in `rejected`
///   with its zero-based index, never silently dropped.
/// - In an array, a syntax error makes the rest unreadable, so the whole body is refused
///   (``BatchError/Code/syntax`` with line and column). In NDJSON, a syntax error rejects that
///   event only and decoding resumes at the next line.
/// - More than `maxEvents` events refuses the whole body before anything is accepted.
public enum EventDecoder {
    /// Decodes a request body.
    ///
    /// - Parameters:
    ///   - body: the (decompressed) body bytes.
    ///   - limits: per-event limits.
    ///   - maxEvents: the batch limit.
    /// - Throws: ``BatchError`` when the body as a whole cannot be read.
    /// - Returns: accepted events in input order, and rejections by index.
    ///
    /// ```swift
    /// let batch = try body.withUnsafeBytes { try EventDecoder.decodeBatch($0, limits: .init(), maxEvents: 10_000) }
    /// ```
    public static func decodeBatch(_ body: UnsafeRawBufferPointer, limits: EventLimits, maxEvents: Int) throws(BatchError) -> DecodedBatch {
        var scanner = JSONScanner(body)
        var batch = DecodedBatch()
        switch scanner.peek() {
        case nil:
            throw BatchError(code: .empty, message: "the body holds no events: send a JSON array of events or one event object per line (NDJSON)")
        case UInt8(ascii: "["):
            scanner.position += 1
            if scanner.peek() == UInt8(ascii: "]") {
                scanner.position += 1
                try expectEnd(&scanner, body)
                throw BatchError(code: .empty, message: "the body is an empty array: it holds no events")
            }
            while true {
                guard batch.total < maxEvents else {
                    throw BatchError(code: .tooManyEvents, message: "the batch holds more than \(maxEvents) events, the configured limit: split it into smaller batches")
                }
                do {
                    batch.record(try decodeOne(&scanner, limits: limits))
                } catch {
                    throw syntaxError(error, in: body, event: batch.total)
                }
                guard let next = scanner.peek() else {
                    throw syntaxError(JSONSyntaxError(offset: scanner.position, reason: "unexpected end of input: the array is not closed with ']'"), in: body, event: nil)
                }
                scanner.position += 1
                if next == UInt8(ascii: "]") { break }
                guard next == UInt8(ascii: ",") else {
                    throw syntaxError(JSONSyntaxError(offset: scanner.position - 1, reason: "expected ',' or ']' between events, found \(JSONScanner.describe(next))"), in: body, event: nil)
                }
            }
            try expectEnd(&scanner, body)
        case UInt8(ascii: "{"):
            while scanner.peek() != nil {
                guard batch.total < maxEvents else {
                    throw BatchError(code: .tooManyEvents, message: "the batch holds more than \(maxEvents) events, the configured limit: split it into smaller batches")
                }
                let start = scanner.position
                do throws(JSONSyntaxError) {
                    let outcome = try decodeOne(&scanner, limits: limits)
                    // Objects must be separated by whitespace; anything else on the line is an error.
                    while scanner.position < scanner.end, scanner.base[scanner.position] == 0x20 || scanner.base[scanner.position] == 0x09 {
                        scanner.position += 1
                    }
                    if scanner.position < scanner.end {
                        let byte = scanner.base[scanner.position]
                        if byte != 0x0A && byte != 0x0D && byte != UInt8(ascii: "{") {
                            throw JSONSyntaxError(offset: scanner.position, reason: "unexpected \(JSONScanner.describe(byte)) after an event (NDJSON has one event object per line)")
                        }
                    }
                    batch.record(outcome)
                } catch {
                    let (line, column) = lineAndColumn(of: error.offset, in: body)
                    batch.record(.rejected("malformed JSON at line \(line), column \(column): \(error.reason)"))
                    // Resume at the next line.
                    scanner.position = max(error.offset, start)
                    while scanner.position < scanner.end && scanner.base[scanner.position] != 0x0A { scanner.position += 1 }
                }
            }
        default:
            throw BatchError(code: .notJSON, message: "the body must be a JSON array of events or event objects one per line (NDJSON); it starts with \(JSONScanner.describe(scanner.base[scanner.position]))")
        }
        return batch
    }

    /// Decodes a request body held in an array (see ``decodeBatch(_:limits:maxEvents:)-(UnsafeRawBufferPointer,_,_)``).
    public static func decodeBatch(_ body: [UInt8], limits: EventLimits, maxEvents: Int) throws(BatchError) -> DecodedBatch {
        let result = body.withUnsafeBytes { raw in
            Result { () throws(BatchError) in try decodeBatch(raw, limits: limits, maxEvents: maxEvents) }
        }
        return try result.get()
    }

    /// Decodes exactly one event object (as stored in the write-ahead log).
    public static func decodeEvent(_ bytes: UnsafeRawBufferPointer, limits: EventLimits = EventLimits()) -> Result<Event, EventFieldError> {
        var decoder = EventObjectDecoder(scanner: JSONScanner(bytes), limits: limits)
        do {
            guard let event = try decoder.decode() else {
                return .failure(decoder.failure ?? EventFieldError(field: "", expected: "an event", got: "something else"))
            }
            guard decoder.scanner.peek() == nil else {
                return .failure(EventFieldError(field: "", expected: "one JSON object", got: "more content after it"))
            }
            return .success(event)
        } catch {
            let (line, column) = lineAndColumn(of: error.offset, in: bytes)
            return .failure(EventFieldError(field: "", expected: "valid JSON", got: "malformed JSON at line \(line), column \(column): \(error.reason)"))
        }
    }

    private static func decodeOne(_ scanner: inout JSONScanner, limits: EventLimits) throws(JSONSyntaxError) -> DecodedBatch.Outcome {
        scanner.skipWhitespace()
        let start = scanner.position
        var decoder = EventObjectDecoder(scanner: scanner, limits: limits)
        let event: Event?
        do {
            event = try decoder.decode()
        } catch {
            scanner.position = decoder.scanner.position
            throw error
        }
        scanner.position = decoder.scanner.position
        let size = scanner.position - start
        if size > limits.maxEventBytes {
            return .rejected("the event is \(size) bytes, more than the limit of \(limits.maxEventBytes)")
        }
        if let event { return .event(event) }
        return .rejected(decoder.failure?.description ?? "invalid event")
    }

    private static func expectEnd(_ scanner: inout JSONScanner, _ body: UnsafeRawBufferPointer) throws(BatchError) {
        if scanner.peek() != nil {
            throw syntaxError(JSONSyntaxError(offset: scanner.position, reason: "unexpected content after the closing ']'"), in: body, event: nil)
        }
    }

    private static func syntaxError(_ error: JSONSyntaxError, in body: UnsafeRawBufferPointer, event: Int?) -> BatchError {
        let (line, column) = lineAndColumn(of: error.offset, in: body)
        let which = event.map { " in event \($0)" } ?? ""
        return BatchError(code: .syntax, message: "malformed JSON at line \(line), column \(column)\(which): \(error.reason); nothing in this batch was accepted")
    }

    /// One-based line and column (in bytes) of a byte offset.
    static func lineAndColumn(of offset: Int, in body: UnsafeRawBufferPointer) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        let end = min(offset, body.count)
        for index in 0..<end where body[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, end - lineStart + 1)
    }
}

/// The outcome of decoding one request body.
public struct DecodedBatch: Sendable {
    /// Valid events, in input order.
    public var events: [Event] = []
    /// The input index of each valid event (parallel to `events`).
    public var acceptedIndices: [Int] = []
    /// Invalid events, by input index.
    public var rejected: [Rejection] = []
    /// How many events the body held.
    public var total = 0

    public init() {}

    enum Outcome {
        case event(Event)
        case rejected(String)
    }

    mutating func record(_ outcome: Outcome) {
        switch outcome {
        case .event(let event):
            events.append(event)
            acceptedIndices.append(total)
        case .rejected(let reason):
            rejected.append(Rejection(index: total, error: reason))
        }
        total += 1
    }
}

/// One rejected event: its zero-based position in the batch and why.
public struct Rejection: Sendable, Equatable, Codable {
    public var index: Int
    public var error: String
    public init(index: Int, error: String) {
        self.index = index
        self.error = error
    }
}
