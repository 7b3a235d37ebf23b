/// Totals and latency percentiles for a set of merged `MinuteRollup` rows (any range, any
/// grouping) — what dashboards and the query layer read.
///
/// Invariants:
/// - Totals are exact saturating sums of the rows; percentiles come from the exactly merged
///   sketch, so they carry the sketch's relative-error guarantee (α, default 1 %).
/// - Percentile and mean fields are `nil` when no row had a valid duration; `errorRate` is
///   `nil` when `count == 0`.
///
/// ```swift
/// let perRoute = try RollupSummary.grouped(rows, by: MinuteRollupGrouping(dimensions: [.service, .route]))
/// let slowest = perRoute.max { ($0.value.p99 ?? 0) < ($1.value.p99 ?? 0) }
/// ```
public struct RollupSummary: Sendable, Hashable {
    /// The merged rollup the summary was computed from.
    public let rollup: MinuteRollup
    /// Nearest-rank p50 in milliseconds.
    public let p50: Double?
    /// Nearest-rank p90 in milliseconds.
    public let p90: Double?
    /// Nearest-rank p95 in milliseconds.
    public let p95: Double?
    /// Nearest-rank p99 in milliseconds.
    public let p99: Double?

    /// Summarises one (typically merged) rollup.
    ///
    /// - Parameter rollup: the rollup to summarise.
    public init(_ rollup: MinuteRollup) {
        self.rollup = rollup
        let quantiles = rollup.latency.quantiles([0.5, 0.9, 0.95, 0.99])
        self.p50 = quantiles[0]
        self.p90 = quantiles[1]
        self.p95 = quantiles[2]
        self.p99 = quantiles[3]
    }

    /// Merges `rows` and summarises the total.
    ///
    /// - Parameter rows: rollup rows over any range and keys.
    /// - Throws: `InsightsError` `.incompatibleSketches` on mixed sketch configurations.
    public init(merging rows: some Sequence<MinuteRollup>) throws(InsightsError) {
        self.init(try MinuteRollup.merged(rows))
    }

    /// Number of events.
    public var count: Int64 { rollup.count }
    /// Events with status ≥ 500.
    public var errors: Int64 { rollup.errors }
    /// Events with status 400...499.
    public var clientErrors: Int64 { rollup.clientErrors }
    /// Sum of known request sizes.
    public var requestBytes: Int64 { rollup.requestBytes }
    /// Sum of known response sizes.
    public var responseBytes: Int64 { rollup.responseBytes }
    /// Sum of durations in milliseconds.
    public var durationSumMs: Double { rollup.durationSumMs }
    /// Number of events that had a valid duration.
    public var latencyCount: UInt64 { rollup.latency.count }
    /// Mean duration in milliseconds over events with a valid duration.
    public var meanMs: Double? { rollup.latency.meanMs }
    /// Exact fastest duration.
    public var minMs: Double? { rollup.latency.min }
    /// Exact slowest duration.
    public var maxMs: Double? { rollup.latency.max }
    /// `errors / count` (server errors only).
    public var errorRate: Double? { count == 0 ? nil : Double(errors) / Double(count) }

    /// Groups rows with a closure and summarises each group.
    ///
    /// - Parameters:
    ///   - rows: `(key, rollup)` pairs — a `[MinuteRollupKey: MinuteRollup]` works directly.
    ///   - group: maps a row key to its group.
    /// - Returns: one summary per group.
    /// - Throws: `InsightsError` `.incompatibleSketches` on mixed sketch configurations.
    public static func grouped<Group: Hashable>(
        _ rows: some Sequence<(key: MinuteRollupKey, value: MinuteRollup)>,
        by group: (MinuteRollupKey) -> Group
    ) throws(InsightsError) -> [Group: RollupSummary] {
        var merged: [Group: MinuteRollup] = [:]
        for row in rows {
            try merged[group(row.key), default: MinuteRollup()].merge(row.value)
        }
        return merged.mapValues { RollupSummary($0) }
    }

    /// Groups rows by the dimensions and time bucket of `grouping` and summarises each group.
    ///
    /// - Parameters:
    ///   - rows: `(key, rollup)` pairs — a `[MinuteRollupKey: MinuteRollup]` works directly.
    ///   - grouping: which key fields to keep and how wide the time buckets are.
    /// - Returns: one summary per group key.
    /// - Throws: `InsightsError` `.incompatibleSketches` on mixed sketch configurations.
    public static func grouped(
        _ rows: some Sequence<(key: MinuteRollupKey, value: MinuteRollup)>,
        by grouping: MinuteRollupGrouping
    ) throws(InsightsError) -> [MinuteRollupGroupKey: RollupSummary] {
        try grouped(rows, by: grouping.groupKey(for:))
    }
}

/// How `RollupSummary.grouped(_:by:)` groups minute rows.
///
/// Invariant: `bucketMinutes` is `nil` (collapse time) or ≥ 1; buckets are aligned to the
/// epoch (`⌊minute / bucketMinutes⌋ · bucketMinutes`).
public struct MinuteRollupGrouping: Sendable, Hashable {
    /// A key field that can be kept in the group key.
    public enum Dimension: Sendable, Hashable, CaseIterable {
        case service, route, method, statusClass
    }

    /// Key fields kept; the others are merged over.
    public var dimensions: Set<Dimension>
    /// Time bucket width in minutes, or `nil` to merge over the whole range.
    public let bucketMinutes: Int64?

    /// Creates a grouping.
    ///
    /// - Parameters:
    ///   - dimensions: key fields to keep (empty: one total).
    ///   - bucketMinutes: time bucket width, ≥ 1, or `nil` for no time split.
    /// - Throws: `InsightsError` `.invalidConfiguration` when `bucketMinutes < 1`.
    ///
    /// ```swift
    /// let hourlyPerService = try MinuteRollupGrouping(dimensions: [.service], bucketMinutes: 60)
    /// ```
    public init(dimensions: Set<Dimension> = [], bucketMinutes: Int64? = nil) throws(InsightsError) {
        if let bucketMinutes, bucketMinutes < 1 {
            throw InsightsError(
                code: .invalidConfiguration,
                message: "Rollup time bucket width must be at least 1 minute; pass nil to merge over the whole range."
            )
        }
        self.dimensions = dimensions
        self.bucketMinutes = bucketMinutes
    }

    /// Creates a grouping without time buckets.
    public init(dimensions: Set<Dimension>) {
        self.dimensions = dimensions
        self.bucketMinutes = nil
    }

    /// The group a row key belongs to.
    public func groupKey(for key: MinuteRollupKey) -> MinuteRollupGroupKey {
        MinuteRollupGroupKey(
            bucketStartMinute: bucketMinutes.map { Saturating.floorToMultiple(key.minute, of: $0) },
            service: dimensions.contains(.service) ? key.service : nil,
            route: dimensions.contains(.route) ? key.route : nil,
            method: dimensions.contains(.method) ? key.method : nil,
            statusClass: dimensions.contains(.statusClass) ? key.statusClass : nil
        )
    }
}

/// A group produced by `MinuteRollupGrouping`: `nil` fields were merged over.
public struct MinuteRollupGroupKey: Sendable, Hashable {
    /// First epoch minute of the time bucket, or `nil` when time was not split.
    public var bucketStartMinute: Int64?
    /// The service, if grouped by service.
    public var service: String?
    /// The route, if grouped by route.
    public var route: String?
    /// The method, if grouped by method.
    public var method: String?
    /// The status class, if grouped by status class.
    public var statusClass: Int?

    /// Creates a group key.
    public init(bucketStartMinute: Int64? = nil, service: String? = nil, route: String? = nil, method: String? = nil, statusClass: Int? = nil) {
        self.bucketStartMinute = bucketStartMinute
        self.service = service
        self.route = route
        self.method = method
        self.statusClass = statusClass
    }
}
