import SightlineAccessLog
import SightlineCore
import Testing

/// Deterministic random numbers for property tests (SplitMix64).
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func parser(_ format: AccessLogFormat, service: String = "shop", trustForwardedFor: Bool = false, atStart: Bool = true) throws -> AccessLogParser {
    try AccessLogParser(
        format: format,
        options: .init(service: service, sourceID: "test.log", trustForwardedFor: trustForwardedFor, timestampAtRequestStart: atStart)
    )
}

/// Parses one line that must become an event.
func parseEvent(_ parser: AccessLogParser, _ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Event {
    let result = parser.parse(line: line, lineNumber: 1, byteOffset: 0)
    if case .rejected(let rejection) = result {
        Issue.record("rejected: \(rejection)", sourceLocation: sourceLocation)
    }
    return try #require(result.event, sourceLocation: sourceLocation)
}

/// Parses one line that must be rejected.
func parseRejection(_ parser: AccessLogParser, _ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> AccessLogRejection {
    let result = parser.parse(line: line, lineNumber: 7, byteOffset: 100)
    return try #require(result.rejection, "expected a rejection, got \(result)", sourceLocation: sourceLocation)
}

func micros(_ rfc3339: String) -> Int64 {
    Timestamp.parse(rfc3339)!
}

func attributes(_ event: Event) -> String {
    event.attributes?.description ?? ""
}

/// The event satisfies the wire format: its canonical JSON decodes back without error.
func isValidEvent(_ event: Event) -> Bool {
    let bytes = EventEncoder.encode(event)
    return bytes.withUnsafeBytes {
        if case .success = EventDecoder.decodeEvent($0) { return true }
        return false
    }
}
