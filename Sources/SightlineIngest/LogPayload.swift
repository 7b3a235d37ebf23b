import SightlineCore

/// What one write-ahead-log record holds, told by its first byte.
///
/// Invariants (the log format of records written so far; only additions are allowed):
/// - An event record is its canonical JSON object, so it starts with `{`.
/// - A span record is the byte `0x01` followed by its ``TelemetryDocument`` (a JSON object).
/// - A log-record record is the byte `0x02` followed by its ``TelemetryDocument``.
/// - Any other first byte is an undecodable record (the applier counts and skips it).
public enum LogPayload: Sendable, Equatable {
    case event
    case span
    case log

    static let spanMarker: UInt8 = 0x01
    static let logMarker: UInt8 = 0x02

    /// The kind of a record's payload, or `nil` when it is none of them.
    public static func kind(of payload: UnsafeRawBufferPointer) -> LogPayload? {
        switch payload.first {
        case UInt8(ascii: "{"): .event
        case spanMarker: .span
        case logMarker: .log
        default: nil
        }
    }

    /// Appends a span's record payload.
    static func append(_ span: LinkedSpan, to bytes: inout [UInt8]) {
        bytes.append(spanMarker)
        bytes.append(contentsOf: TelemetryDocument.document(of: span))
    }

    /// Appends a log record's payload.
    static func append(_ log: LinkedLog, to bytes: inout [UInt8]) {
        bytes.append(logMarker)
        bytes.append(contentsOf: TelemetryDocument.document(of: log))
    }
}
