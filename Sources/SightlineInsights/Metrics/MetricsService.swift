import SightlineCore

/// Per-endpoint metrics for the dashboard and `GET /v1/metrics/...`, computed from rollups (never
/// by scanning raw events, except the two endpoint-detail lists that need exact rows).
///
/// Invariants:
/// - Ranges of 6 hours or less read minute rollups; longer ranges read hour rollups, with
///   `from`/`to` widened to whole hours. The answer's `from`/`to` say which range was used.
/// - Counts are exact; percentiles come from merged latency sketches, within the sketch's
///   relative accuracy (1 %) of the exact nearest-rank value.
/// - A chart has at most ~360 points: buckets are whole multiples of the rollup resolution.
public struct MetricsService: Sendable {
    public let store: any RollupStore
    /// Ranges up to this use minute rollups.
    public static let minuteResolutionLimit: Int64 = 6 * 3_600_000_000

    public init(store: any RollupStore) {
        self.store = store
    }

    /// The window actually read and the chart bucket width, for a requested range.
    public struct Window: Sendable, Equatable {
        public var from: Int64
        public var to: Int64
        public var resolution: RollupResolution
        public var bucketMicros: Int64

        public init(from requestedFrom: Int64, to requestedTo: Int64) {
            let minute: Int64 = 60_000_000
            let hour: Int64 = 3_600_000_000
            let span = max(requestedTo - requestedFrom, minute)
            resolution = span <= MetricsService.minuteResolutionLimit ? .minute : .hour
            let unit = resolution == .minute ? minute : hour
            from = Self.floor(requestedFrom, unit)
            to = Self.floor(requestedTo + unit - 1, unit)
            if to <= from { to = from + unit }
            let candidates: [Int64] = resolution == .minute
                ? [1, 2, 5, 10, 15, 30, 60].map { $0 * minute }
                : [1, 3, 6, 12, 24].map { $0 * hour }
            let width = to - from
            bucketMicros = candidates.first { width / $0 <= 360 } ?? candidates[candidates.count - 1]
        }

        static func floor(_ value: Int64, _ unit: Int64) -> Int64 {
            value >= 0 ? value / unit * unit : (value - unit + 1) / unit * unit
        }
    }

    // MARK: Overview

    public func overview(from: Int64, to: Int64, service: String?) async throws -> Overview {
        let window = Window(from: from, to: to)
        let rows = try await store.rollups(window.resolution, from: window.from, to: window.to, filter: EndpointFilter(service: service))
        var overview = Overview(window: window)
        overview.totals = try Totals(rows.map(\.1))
        overview.series = try Self.series(rows, window: window)
        for (key, rollup) in rows {
            overview.statusClasses["\(key.statusClass)xx", default: 0] += rollup.count
        }
        let endpoints = try Self.endpointStats(rows)
        overview.topByTraffic = Array(endpoints.sorted { ($0.requests, $1.endpoint) > ($1.requests, $0.endpoint) }.prefix(10))
        overview.topByErrors = Array(endpoints.filter { $0.errors > 0 }.sorted { ($0.errors, $1.endpoint) > ($1.errors, $0.endpoint) }.prefix(10))
        overview.topByLatency = Array(endpoints.filter { $0.p95Ms != nil }.sorted { ($0.p95Ms ?? 0, $1.endpoint) > ($1.p95Ms ?? 0, $0.endpoint) }.prefix(10))
        return overview
    }

    // MARK: Endpoints

    public func endpoints(from: Int64, to: Int64, service: String?, method: String?) async throws -> EndpointList {
        let window = Window(from: from, to: to)
        let filter = EndpointFilter(service: service, method: method)
        let rows = try await store.rollups(window.resolution, from: window.from, to: window.to, filter: filter)
        let catalogue = Dictionary(try await store.endpointCatalogue(filter: filter).map { ($0.endpoint, $0) }, uniquingKeysWith: { first, _ in first })
        var list = try Self.endpointStats(rows).sorted { ($0.requests, $1.endpoint) > ($1.requests, $0.endpoint) }
        for index in list.indices {
            list[index].firstSeen = catalogue[list[index].endpoint].map { Timestamp.format($0.firstSeen) }
            list[index].lastSeen = catalogue[list[index].endpoint].map { Timestamp.format($0.lastSeen) }
        }
        return EndpointList(window: window, endpoints: list)
    }

    public func endpoint(_ id: EndpointID, from: Int64, to: Int64) async throws -> EndpointDetail {
        let window = Window(from: from, to: to)
        let filter = EndpointFilter(service: id.service, method: id.method, route: id.route)
        let rows = try await store.rollups(window.resolution, from: window.from, to: window.to, filter: filter)
        var stats = try Self.endpointStats(rows).first ?? EndpointStats(endpoint: id)
        if let record = try await store.endpointCatalogue(filter: filter).first {
            stats.firstSeen = Timestamp.format(record.firstSeen)
            stats.lastSeen = Timestamp.format(record.lastSeen)
        }
        let statusCodes = try await store.statusCodes(of: id, from: window.from, to: window.to)
        let slowest = try await store.slowestEvents(of: id, from: window.from, to: window.to, limit: 10)
        let consumers = try await store.consumerRollups(from: window.from, to: window.to, filter: EndpointFilter(service: id.service, route: id.route))
        var byConsumer: [String: ConsumerHourRollup] = [:]
        for (key, rollup) in consumers { byConsumer[key.consumer, default: ConsumerHourRollup()].merge(rollup) }
        return EndpointDetail(
            window: window, endpoint: stats, series: try Self.series(rows, window: window),
            statusCodes: statusCodes.map { StatusCount(status: $0.status, count: $0.count) },
            slowest: slowest.map(SlowEvent.init),
            topConsumers: byConsumer.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.prefix(10).map {
                ConsumerStats(consumer: $0.key, requests: $0.value.count, errors: $0.value.errors, bytes: $0.value.bytes)
            })
    }

    // MARK: Consumers

    public func consumers(from: Int64, to: Int64) async throws -> ConsumerList {
        let window = Window(from: from, to: to)
        // Consumer rollups are hourly: the consumer list always reads whole hours.
        let hour: Int64 = 3_600_000_000
        let rows = try await store.consumerRollups(from: Window.floor(window.from, hour), to: Window.floor(window.to + hour - 1, hour), filter: EndpointFilter())
        var byConsumer: [String: ConsumerHourRollup] = [:]
        for (key, rollup) in rows { byConsumer[key.consumer, default: ConsumerHourRollup()].merge(rollup) }
        let list = byConsumer.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.map {
            ConsumerStats(consumer: $0.key, requests: $0.value.count, errors: $0.value.errors, bytes: $0.value.bytes)
        }
        return ConsumerList(window: window, consumers: list)
    }

    // MARK: Helpers

    static func series(_ rows: [(MinuteRollupKey, MinuteRollup)], window: Window) throws -> [SeriesPoint] {
        let bucketMinutes = window.bucketMicros / 60_000_000
        let firstMinute = window.from / 60_000_000
        let count = Int((window.to - window.from) / window.bucketMicros)
        var buckets = Array(repeating: MinuteRollup(), count: max(count, 0))
        for (key, rollup) in rows {
            let index = Int((key.minute - firstMinute) / bucketMinutes)
            guard index >= 0, index < buckets.count else { continue }
            try buckets[index].merge(rollup)
        }
        return buckets.enumerated().map { index, rollup in
            SeriesPoint(
                t: Timestamp.format(window.from + Int64(index) * window.bucketMicros),
                requests: rollup.count, errors: rollup.errors, clientErrors: rollup.clientErrors,
                p95Ms: rollup.latency.quantile(0.95).map(Self.rounded))
        }
    }

    static func endpointStats(_ rows: [(MinuteRollupKey, MinuteRollup)]) throws -> [EndpointStats] {
        var merged: [EndpointID: MinuteRollup] = [:]
        for (key, rollup) in rows {
            let id = EndpointID(service: key.service, method: key.method, route: key.route)
            if merged[id] == nil { merged[id] = rollup } else { try merged[id]!.merge(rollup) }
        }
        return merged.map { id, rollup in EndpointStats(endpoint: id, rollup: rollup) }
    }

    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
