import Testing
import SightlineDemo

@Suite("TrafficGenerator")
struct TrafficGeneratorTests {
    @Test("the same seed and start give the same bytes")
    func deterministic() {
        var first = TrafficGenerator(seed: 7, startMicros: TestTraffic.start)
        var second = TrafficGenerator(seed: 7, startMicros: TestTraffic.start)
        #expect(
            first.ndjson(count: 3_000, fromMicros: TestTraffic.start - TestTraffic.hour, toMicros: TestTraffic.start)
                == second.ndjson(count: 3_000, fromMicros: TestTraffic.start - TestTraffic.hour, toMicros: TestTraffic.start))
        for step in 0..<2_000 {
            let time = TestTraffic.start + Int64(step) * 25_000
            #expect(first.nextEvent(atMicros: time) == second.nextEvent(atMicros: time))
        }
    }

    @Test("different seeds give different traffic")
    func seedsDiffer() {
        var first = TrafficGenerator(seed: 1, startMicros: TestTraffic.start)
        var second = TrafficGenerator(seed: 2, startMicros: TestTraffic.start)
        #expect(first.nextEvent(atMicros: TestTraffic.start) != second.nextEvent(atMicros: TestTraffic.start))
    }

    @Test("ids are unique over 50k events")
    func uniqueIDs() {
        var generator = TrafficGenerator(seed: 3, startMicros: TestTraffic.start)
        let ndjson = generator.ndjson(count: 50_000, fromMicros: TestTraffic.start - TestTraffic.day, toMicros: TestTraffic.start)
        let prefix = Array("{\"id\":\"".utf8)
        var ids = Set<ArraySlice<UInt8>>()
        for line in TestTraffic.lines(ndjson) {
            #expect(line.starts(with: prefix))
            let value = line.dropFirst(prefix.count).prefix { $0 != UInt8(ascii: "\"") }
            ids.insert(value)
        }
        #expect(ids.count == 50_000)
    }

    @Test("ndjson has one line per event, non-decreasing timestamps inside [from, to)")
    func ndjsonLinesAndTimes() throws {
        let from = TestTraffic.start - 6 * TestTraffic.hour
        let to = TestTraffic.start
        var generator = TrafficGenerator(seed: 11, startMicros: TestTraffic.start)
        let ndjson = generator.ndjson(count: 10_000, fromMicros: from, toMicros: to)
        #expect(ndjson.last == UInt8(ascii: "\n"))
        let lines = TestTraffic.lines(ndjson)
        #expect(lines.count == 10_000)
        var previous = Int64.min
        for line in lines {
            let event = try #require(TestTraffic.object(line))
            let micros = try TestTraffic.time(of: event)
            #expect(micros >= from && micros < to)
            #expect(micros >= previous)
            previous = micros
        }
    }

    @Test("ndjson follows the rate: more events in the afternoon than at night")
    func ndjsonFollowsRate() throws {
        let dayStart = TestTraffic.start - TestTraffic.start % TestTraffic.day
        let events = TestTraffic.events(count: 20_000, from: dayStart, to: dayStart + TestTraffic.day)
        var night = 0
        var afternoon = 0
        for event in events {
            let micros = try TestTraffic.time(of: event)
            let hour = (micros - dayStart) / TestTraffic.hour
            if (2..<5).contains(hour) { night += 1 }
            if (13..<16).contains(hour) { afternoon += 1 }
        }
        #expect(afternoon > 2 * night)
    }

    @Test("ndjson edge cases: no events, and an empty range stamps everything at its start")
    func ndjsonEdges() throws {
        var generator = TrafficGenerator(seed: 5, startMicros: TestTraffic.start)
        #expect(generator.ndjson(count: 0, fromMicros: 0, toMicros: 1_000_000).isEmpty)
        let lines = TestTraffic.lines(generator.ndjson(count: 20, fromMicros: TestTraffic.start, toMicros: TestTraffic.start))
        #expect(lines.count == 20)
        for line in lines {
            let event = try #require(TestTraffic.object(line))
            #expect(event["timestamp"] as? String == "2026-11-18T11:06:40.000Z")
        }
    }

    @Test("the suggested rate is positive, follows the day and has bursts")
    func rateCurve() {
        let generator = TrafficGenerator(seed: 9, startMicros: TestTraffic.start)
        let dayStart = TestTraffic.start - TestTraffic.start % TestTraffic.day
        var rates: [Double] = []
        for second in stride(from: Int64(0), to: 86_400, by: 5) {
            rates.append(generator.rate(atMicros: dayStart + second * 1_000_000))
        }
        #expect(rates.allSatisfy { $0 > 0 && $0 < 200 })
        let night = generator.rate(atMicros: dayStart + 3 * TestTraffic.hour)
        let afternoon = generator.rate(atMicros: dayStart + 14 * TestTraffic.hour)
        #expect(afternoon > 2 * night)
        // Neighbouring samples differ little except in bursts, which reach well above the curve.
        let jumps = zip(rates, rates.dropFirst()).map { abs($1 - $0) / $0 }
        #expect(jumps.filter { $0 > 0.2 }.count < rates.count / 50)
        #expect(zip(rates, rates.dropFirst(60)).contains { $0.1 > 1.8 * $0.0 })
    }
}
