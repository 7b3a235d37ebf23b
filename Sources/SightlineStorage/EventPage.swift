/// One page of a newest-first read.
///
/// Invariants:
/// - `documents` are newest first (time descending, then `seq` descending), at most the
///   requested (clamped) limit.
/// - `nextCursor` is non-nil exactly when more matching events exist after the last document; it
///   points at that last document.
public struct EventPage: Sendable, Equatable {
    /// The canonical JSON documents, byte for byte as written.
    public var documents: [[UInt8]]
    /// Pass to the next read's `after` to continue; `nil` when there are no more rows.
    public var nextCursor: EventCursor?

    public init(documents: [[UInt8]], nextCursor: EventCursor?) {
        self.documents = documents
        self.nextCursor = nextCursor
    }

    /// The page sizes a reader serves: a requested limit is clamped into this range.
    public static let limitRange: ClosedRange<Int> = 1...1000

    /// `limit` clamped into ``limitRange``.
    ///
    /// ```swift
    /// EventPage.clampedLimit(0)      // 1
    /// EventPage.clampedLimit(5000)   // 1000
    /// ```
    public static func clampedLimit(_ limit: Int) -> Int {
        min(max(limit, limitRange.lowerBound), limitRange.upperBound)
    }
}
