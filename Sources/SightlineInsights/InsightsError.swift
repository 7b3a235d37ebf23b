/// The single error type of the `SightlineInsights` module.
///
/// Invariants:
/// - `message` says what went wrong, where, and how to fix it; it never contains captured
///   payloads, header values, keys or raw blob bytes (only sizes, offsets and counts).
/// - `underlying` carries the original cause when one exists.
///
/// ```swift
/// do throws(InsightsError) { _ = try LatencySketch(serialized: blob) }
/// catch { if error.code == .corruptSketch { /* rebuild the row from raw events */ } }
/// ```
public struct InsightsError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable classification of the failure.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A configuration value (relative accuracy, bucket cap, grouping width) is out of range.
        case invalidConfiguration
        /// A value handed to a sketch is negative, NaN or infinite.
        case invalidValue
        /// Two non-empty sketches with different configurations were merged.
        case incompatibleSketches
        /// A serialized sketch is truncated, inconsistent or otherwise unreadable.
        case corruptSketch
        /// A serialized sketch uses a format version this build does not understand.
        case unsupportedFormatVersion
        /// A persisted route-learner snapshot is internally inconsistent (bad node reference,
        /// negative counter, unknown state).
        case invalidSnapshot
        /// A persisted route-learner snapshot was written by a newer, unknown format version.
        case unsupportedSnapshotVersion
    }

    /// What kind of failure this is.
    public let code: Code
    /// A human explanation that says how to fix the problem.
    public let message: String
    /// The underlying cause, if any.
    public let underlying: (any Error & Sendable)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The failure classification.
    ///   - message: What happened and how to fix it; must not contain captured data.
    ///   - underlying: The original cause, if any.
    public init(code: Code, message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        if let underlying {
            return "InsightsError.\(code.rawValue): \(message) (caused by: \(underlying))"
        }
        return "InsightsError.\(code.rawValue): \(message)"
    }
}
