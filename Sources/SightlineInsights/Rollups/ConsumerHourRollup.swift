/// Usage counters for one `ConsumerHourRollupKey`.
///
/// Invariants: `errors` counts status ≥ 500, `clientErrors` 400...499; byte fields sum known,
/// non-negative sizes; `merge` is associative and commutative (saturating sums) with
/// `ConsumerHourRollup()` as identity.
public struct ConsumerHourRollup: Sendable, Hashable {
    /// Number of events.
    public var count: Int64
    /// Events with status ≥ 500.
    public var errors: Int64
    /// Events with status 400...499.
    public var clientErrors: Int64
    /// Sum of known request body sizes.
    public var requestBytes: Int64
    /// Sum of known response body sizes.
    public var responseBytes: Int64

    /// Total bytes transferred in both directions.
    public var bytes: Int64 { Saturating.add(requestBytes, responseBytes) }

    /// Creates a rollup, typically from a stored row.
    public init(count: Int64 = 0, errors: Int64 = 0, clientErrors: Int64 = 0, requestBytes: Int64 = 0, responseBytes: Int64 = 0) {
        self.count = count
        self.errors = errors
        self.clientErrors = clientErrors
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
    }

    /// Folds another rollup into this one.
    public mutating func merge(_ other: ConsumerHourRollup) {
        count = Saturating.add(count, other.count)
        errors = Saturating.add(errors, other.errors)
        clientErrors = Saturating.add(clientErrors, other.clientErrors)
        requestBytes = Saturating.add(requestBytes, other.requestBytes)
        responseBytes = Saturating.add(responseBytes, other.responseBytes)
    }

    /// Returns `self` merged with `other`.
    public func merging(_ other: ConsumerHourRollup) -> ConsumerHourRollup {
        var copy = self
        copy.merge(other)
        return copy
    }
}
