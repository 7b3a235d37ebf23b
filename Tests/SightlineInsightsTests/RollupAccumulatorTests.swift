import Testing
@testable import SightlineInsights

/// Random event batches shared by the rollup tests.
enum EventFixtures {
    static let services = ["billing", "search", "auth"]
    static let routes = ["/invoices/{id}", "/search", "/login", "/users/{id}/keys"]
    static let methods = ["GET", "POST", "DELETE"]
    static let statuses = [200, 201, 204, 301, 304, 400, 401, 404, 429, 500, 502, 503, 0, 99, 600, 1_000]
    static let consumers: [String?] = [nil, "", "acme", "globex", "initech"]
    static let baseMicros: Int64 = 1_764_460_800_000_000  // 2025-11-30T00:00:00Z

    static func pick<T>(_ array: [T], _ rng: inout SplitMix64) -> T {
        array[Int(rng.next() % UInt64(array.count))]
    }

    static func size(_ rng: inout SplitMix64) -> Int64? {
        switch rng.next() % 10 {
        case 0: return nil
        case 1: return -1
        default: return Int64(rng.next() % 100_000)
        }
    }

    static func events(_ rng: inout SplitMix64, count: Int) -> [RollupInput] {
        var result: [RollupInput] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            // Mostly within 3 hours, sometimes before 1970.
            var timestamp = baseMicros + Int64(rng.next() % 10_800_000_000)
            if rng.next() % 50 == 0 { timestamp = -Int64(rng.next() % 200_000_000) }
            let duration: Double?
            switch rng.next() % 20 {
            case 0: duration = nil
            case 1: duration = .nan
            case 2: duration = -3
            case 3: duration = 0
            default: duration = pick(LatencyDistribution.allCases, &rng).sample(&rng)
            }
            result.append(RollupInput(
                timestampMicros: timestamp, service: pick(services, &rng), route: pick(routes, &rng),
                method: pick(methods, &rng), status: pick(statuses, &rng), durationMs: duration,
                requestSize: size(&rng), responseSize: size(&rng), consumerID: pick(consumers, &rng)
            ))
        }
        return result
    }
}

@Suite("RollupAccumulator")
struct RollupAccumulatorTests {
    struct Expected {
        var count: Int64 = 0, errors: Int64 = 0, clientErrors: Int64 = 0
        var requestBytes: Int64 = 0, responseBytes: Int64 = 0
        var durationMicros: Int64 = 0
        var durations: [Double] = []
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        // Brute force independent of the implementation: step down until exact.
        var q = a / b
        if q * b > a { q -= 1 }
        return q
    }

    @Test("minute and consumer rollups match a brute-force recount", arguments: [1, 2, 3] as [UInt64])
    func matchesBruteForce(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let events = EventFixtures.events(&rng, count: 6_000)
        let delta = RollupAccumulator.rollUp(events)

        var minutes: [MinuteRollupKey: Expected] = [:]
        var consumers: [ConsumerHourRollupKey: Expected] = [:]
        var skipped: Int64 = 0, badDurations: Int64 = 0, badSizes: Int64 = 0
        for event in events {
            guard event.status >= 100 && event.status <= 599 else { skipped += 1; continue }
            let key = MinuteRollupKey(
                minute: Self.floorDiv(event.timestampMicros, 60_000_000), service: event.service,
                route: event.route, method: event.method, statusClass: event.status / 100
            )
            let req = max(0, event.requestSize ?? 0), resp = max(0, event.responseSize ?? 0)
            if (event.requestSize ?? 0) < 0 || (event.responseSize ?? 0) < 0 { badSizes += 1 }
            var validDuration: Double? = nil
            if let d = event.durationMs {
                if d.isFinite && d >= 0 { validDuration = d } else { badDurations += 1 }
            }
            func apply(_ e: inout Expected) {
                e.count += 1
                e.errors += event.status >= 500 ? 1 : 0
                e.clientErrors += (400..<500).contains(event.status) ? 1 : 0
                e.requestBytes += req
                e.responseBytes += resp
            }
            apply(&minutes[key, default: Expected()])
            if let d = validDuration {
                minutes[key]!.durations.append(d)
                minutes[key]!.durationMicros += Int64((d * 1000).rounded())
            }
            if let consumer = event.consumerID, !consumer.isEmpty {
                let ckey = ConsumerHourRollupKey(
                    hour: Self.floorDiv(event.timestampMicros, 3_600_000_000), consumer: consumer,
                    service: event.service, route: event.route
                )
                apply(&consumers[ckey, default: Expected()])
            }
        }

        #expect(delta.diagnostics.skippedInvalidStatus == skipped)
        #expect(delta.diagnostics.rolledUpEvents == Int64(events.count) - skipped)
        #expect(delta.diagnostics.invalidDurations == badDurations)
        #expect(delta.diagnostics.invalidSizes == badSizes)
        #expect(Set(delta.minuteRollups.keys) == Set(minutes.keys))
        #expect(Set(delta.consumerHourRollups.keys) == Set(consumers.keys))

        for (key, expected) in minutes {
            let actual = try #require(delta.minuteRollups[key])
            #expect(actual.count == expected.count)
            #expect(actual.errors == expected.errors)
            #expect(actual.clientErrors == expected.clientErrors)
            #expect(actual.requestBytes == expected.requestBytes)
            #expect(actual.responseBytes == expected.responseBytes)
            #expect(actual.durationSumMicros == expected.durationMicros)
            #expect(actual.latency.count == UInt64(expected.durations.count))
            var direct = LatencySketch()
            for d in expected.durations { try direct.add(d) }
            #expect(actual.latency == direct)
            #expect((1...5).contains(key.statusClass))
        }
        for (key, expected) in consumers {
            let actual = try #require(delta.consumerHourRollups[key])
            #expect(actual.count == expected.count)
            #expect(actual.errors == expected.errors)
            #expect(actual.clientErrors == expected.clientErrors)
            #expect(actual.requestBytes == expected.requestBytes)
            #expect(actual.responseBytes == expected.responseBytes)
            #expect(actual.bytes == expected.requestBytes + expected.responseBytes)
            #expect(!key.consumer.isEmpty)
        }
    }

    @Test("rolling up in batches and merging deltas equals one big batch", arguments: [4, 5] as [UInt64])
    func batchesMerge(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let events = EventFixtures.events(&rng, count: 3_000)
        let whole = RollupAccumulator.rollUp(events)

        var accumulator = RollupAccumulator()
        var stored: [MinuteRollupKey: MinuteRollup] = [:]
        var storedConsumers: [ConsumerHourRollupKey: ConsumerHourRollup] = [:]
        var start = 0
        while start < events.count {
            let end = min(events.count, start + 1 + Int(rng.next() % 700))
            accumulator.add(contentsOf: events[start..<end])
            let delta = accumulator.takeDelta()
            #expect(accumulator.delta.isEmpty)
            // Read-modify-write through the blob, as storage will do.
            for (key, rollup) in delta.minuteRollups {
                var row = stored[key] ?? MinuteRollup()
                row.latency = try LatencySketch(serialized: row.latency.serialized())
                try row.merge(rollup)
                stored[key] = row
            }
            for (key, rollup) in delta.consumerHourRollups {
                storedConsumers[key, default: ConsumerHourRollup()].merge(rollup)
            }
            start = end
        }
        #expect(stored == whole.minuteRollups)
        #expect(storedConsumers == whole.consumerHourRollups)
    }

    @Test("keys floor timestamps, including before 1970")
    func keyFlooring() throws {
        let key = try #require(MinuteRollupKey(timestampMicros: -1, service: "s", route: "/", method: "GET", status: 204))
        #expect(key.minute == -1)
        #expect(key.statusClass == 2)
        #expect(key.startMicros == -60_000_000)
        #expect(MinuteRollupKey(timestampMicros: 0, service: "s", route: "/", method: "GET", status: 600) == nil)
        #expect(MinuteRollupKey(timestampMicros: 119_999_999, service: "s", route: "/", method: "GET", status: 599)?.minute == 1)
        #expect(ConsumerHourRollupKey(timestampMicros: 3_600_000_000, consumer: "c", service: "s", route: "/").hour == 1)
        #expect(ConsumerHourRollupKey(timestampMicros: -1, consumer: "c", service: "s", route: "/").hour == -1)
        let extreme = MinuteRollupKey(minute: .min, service: "", route: "", method: "", statusClass: 5)
        #expect(extreme.startMicros == .min)
    }

    @Test("anonymous consumers get no usage row; errors are status ≥ 500")
    func anonymousAndErrors() {
        let events = [
            RollupInput(timestampMicros: 0, service: "s", route: "/a", method: "GET", status: 503, durationMs: 5, consumerID: nil),
            RollupInput(timestampMicros: 1, service: "s", route: "/a", method: "GET", status: 404, durationMs: 7, consumerID: ""),
            RollupInput(timestampMicros: 2, service: "s", route: "/a", method: "GET", status: 500, consumerID: "k"),
        ]
        let delta = RollupAccumulator.rollUp(events)
        #expect(delta.consumerHourRollups.count == 1)
        let five = delta.minuteRollups[MinuteRollupKey(minute: 0, service: "s", route: "/a", method: "GET", statusClass: 5)]
        #expect(five?.count == 2)
        #expect(five?.errors == 2)
        #expect(five?.latency.count == 1)
        let four = delta.minuteRollups[MinuteRollupKey(minute: 0, service: "s", route: "/a", method: "GET", statusClass: 4)]
        #expect(four?.clientErrors == 1)
        #expect(four?.errors == 0)
    }
}
