import Foundation
import Testing
@testable import SightlineClient

@Suite("Disk spool")
struct SpoolTests {
    func payload(_ i: Int) -> [UInt8] { Array(#"{"id":"e\#(i)"}"#.utf8) + [10] }

    func drain(_ spool: DiskSpool) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        while let r = try spool.peek() {
            out.append(r.payload)
            try spool.remove(r)
        }
        return out
    }

    @Test("records come back in order across segments, and drained segments are deleted")
    func order() throws {
        let dir = temporaryDirectory()
        let spool = try DiskSpool(directory: dir, maxBytes: 1 << 20, segmentBytes: 4096)
        for i in 0..<500 { #expect(try spool.append(payload(i), count: 1)) }
        #expect(spool.pendingEvents == 500)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).count > 1)
        #expect(try drain(spool) == (0..<500).map(payload))
        #expect(spool.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        // Still usable after being emptied.
        #expect(try spool.append(payload(7), count: 1))
        #expect(try drain(spool) == [payload(7)])
    }

    @Test("a reopened spool holds what was appended and not yet removed")
    func reopen() throws {
        let dir = temporaryDirectory()
        do {
            let spool = try DiskSpool(directory: dir, maxBytes: 1 << 20, segmentBytes: 4096)
            for i in 0..<50 { _ = try spool.append(payload(i), count: 1) }
            for _ in 0..<10 {
                let r = try #require(try spool.peek())
                try spool.remove(r)
            }
        }
        let again = try DiskSpool(directory: dir, maxBytes: 1 << 20, segmentBytes: 4096)
        // The partly drained segment is re-read from its start (ids make that harmless); fully
        // drained segments are gone.
        let rest = try drain(again)
        #expect(Array(rest.suffix(40)) == (10..<50).map(payload))
        #expect(rest.count <= 50)
    }

    @Test("a torn tail (crash mid-write) is cut off; every complete record survives and appends continue")
    func tornTail() throws {
        let dir = temporaryDirectory()
        do {
            let spool = try DiskSpool(directory: dir, maxBytes: 1 << 20, segmentBytes: 1 << 16)
            for i in 0..<5 { _ = try spool.append(payload(i), count: 1) }
        }
        let file = dir + "/" + (try FileManager.default.contentsOfDirectory(atPath: dir).sorted().last!)
        let full = DiskSpool.encodeRecord(payload(5), count: 1)
        let handle = try #require(FileHandle(forWritingAtPath: file))
        handle.seekToEndOfFile()
        handle.write(Data(full.prefix(full.count - 3)))  // torn: 3 bytes short
        handle.closeFile()

        let spool = try DiskSpool(directory: dir, maxBytes: 1 << 20, segmentBytes: 1 << 16)
        #expect(spool.pendingEvents == 5)
        _ = try spool.append(payload(6), count: 1)
        #expect(try drain(spool) == [0, 1, 2, 3, 4, 6].map(payload))
    }

    @Test("a corrupt record (bad CRC) ends its segment: nothing corrupt is ever returned")
    func corruption() throws {
        let dir = temporaryDirectory()
        do {
            let spool = try DiskSpool(directory: dir, maxBytes: 1 << 20, segmentBytes: 1 << 16)
            for i in 0..<4 { _ = try spool.append(payload(i), count: 1) }
        }
        let file = dir + "/" + (try FileManager.default.contentsOfDirectory(atPath: dir).sorted().last!)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        let recordSize = DiskSpool.encodeRecord(payload(0), count: 1).count
        bytes[recordSize * 2 + DiskSpool.headerSize + 3] ^= 0xFF  // flip a payload byte of record 2
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let spool = try DiskSpool(directory: dir, maxBytes: 1 << 20, segmentBytes: 1 << 16)
        #expect(try drain(spool) == [0, 1].map(payload))
    }

    @Test("appends beyond maxBytes are refused")
    func sizeCap() throws {
        let spool = try DiskSpool(directory: temporaryDirectory(), maxBytes: 4096, segmentBytes: 4096)
        var accepted = 0
        for i in 0..<1000 where try spool.append(payload(i), count: 1) { accepted += 1 }
        #expect(accepted > 0 && accepted < 1000)
        #expect(spool.bytes <= 4096)
    }

    @Test("CRC-32 matches the standard check value")
    func crc() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}

@Suite("Retry policy, queue, sampling, capture helpers")
struct MechanicsTests {
    @Test("backoff grows exponentially, stays within [base/2, base] and never exceeds the cap")
    func backoff() {
        let policy = RetryPolicy(initialDelay: .milliseconds(100), maxDelay: .seconds(2), multiplier: 2)
        #expect(policy.delay(attempt: 0, unit: 0) == .milliseconds(50))
        #expect(policy.delay(attempt: 0, unit: 1) == .milliseconds(100))
        #expect(policy.delay(attempt: 3, unit: 0) == .milliseconds(400))
        #expect(policy.delay(attempt: 3, unit: 1) == .milliseconds(800))
        #expect(policy.delay(attempt: 10, unit: 1) == .seconds(2))
        #expect(policy.delay(attempt: 1000, unit: 0.5) <= .seconds(2))
        var previousMax = Duration.zero
        for attempt in 0..<6 {
            let hi = policy.delay(attempt: attempt, unit: 1)
            #expect(hi >= previousMax)
            previousMax = hi
            for _ in 0..<20 {
                let d = policy.delay(attempt: attempt)
                #expect(d >= policy.delay(attempt: attempt, unit: 0) && d <= hi)
            }
        }
    }

    @Test("the queue keeps order, refuses beyond capacity, and hands everything over at once")
    func queue() {
        let q = EventQueue(capacity: 3)
        let events = makeEvents(4)
        #expect(events.prefix(3).allSatisfy { q.offer($0) })
        #expect(!q.offer(events[3]))
        #expect(q.takeAll().map(\.id) == events.prefix(3).map(\.id))
        #expect(q.offer(events[3]))
        #expect(q.takeAll().map(\.id) == [events[3].id])
        #expect(q.count == 0)
    }

    @Test("sampling keeps exactly the rate, evenly, with weight 1/rate")
    func sampling() throws {
        let options = try CaptureOptions(sampleRate: 0.25)
        let kept = (0..<1000).compactMap { _ in options.sample() }
        #expect(kept.count == 250)
        #expect(kept.allSatisfy { $0 == 4 })
        #expect(throws: SightlineClientError.self) { try CaptureOptions(sampleRate: 0) }
        #expect(try CaptureOptions().sample() == 1)
    }

    @Test("exclusions by exact path and prefix")
    func exclusions() throws {
        let options = try CaptureOptions(excludedPathPrefixes: ["/internal/"])
        #expect(options.isExcluded(path: "/health"))
        #expect(options.isExcluded(path: "/internal/x"))
        #expect(!options.isExcluded(path: "/healthz"))
    }

    @Test("forwarding headers are honoured only from trusted proxies")
    func clientAddress() throws {
        let none = try ClientAddressResolver(trustedProxies: [])
        #expect(none.resolve(peer: "10.0.0.5", forwardedFor: ["1.2.3.4"], forwarded: []) == "10.0.0.5")
        let trusted = try ClientAddressResolver(trustedProxies: ["10.0.0.0/8", "::1"])
        #expect(trusted.resolve(peer: "10.0.0.5", forwardedFor: ["1.2.3.4, 10.1.1.1"], forwarded: []) == "1.2.3.4")
        // A client can prepend anything: the right-most untrusted hop wins.
        #expect(trusted.resolve(peer: "10.0.0.5", forwardedFor: ["6.6.6.6, 5.5.5.5, 10.1.1.1"], forwarded: []) == "5.5.5.5")
        #expect(trusted.resolve(peer: "192.168.1.9", forwardedFor: ["1.2.3.4"], forwarded: []) == "192.168.1.9")
        #expect(trusted.resolve(peer: "::1", forwardedFor: [], forwarded: [#"for="[2001:db8::1]:443";proto=https"#]) == "2001:db8::1")
        #expect(throws: SightlineClientError.self) { try ClientAddressResolver(trustedProxies: ["not-an-ip"]) }
    }

    @Test("traceparent: valid headers give trace and span ids, invalid ones nothing")
    func traceparent() {
        let t = TraceContext(traceparent: "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")
        #expect(t?.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(t?.spanID == "00f067aa0ba902b7")
        #expect(TraceContext(traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01") == nil)
        #expect(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7") == nil)
        #expect(TraceContext(traceparent: "garbage") == nil)
    }

    @Test("the session cookie is found among several")
    func cookie() {
        #expect(CaptureOptions.cookie(named: "sid", in: ["theme=dark; sid=abc123", "x=y"]) == "abc123")
        #expect(CaptureOptions.cookie(named: "sid", in: ["sidx=1"]) == nil)
    }

    @Test("event ids are 26 characters, unique and time-ordered")
    func eventIDs() {
        let ids = (0..<10_000).map { _ in EventID.make() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 26 })
        #expect(ids.first!.prefix(10) <= ids.last!.prefix(10))
    }

    @Test("the encoder writes the wire format: RFC 3339 UTC timestamp, query object, consumer, level-free")
    func encoder() throws {
        var e = APIEvent(id: "abc", timestampMicros: 1_795_000_000_123_456, method: "post", path: "/orders/7", status: 201)
        e.rawQuery = "page=2&tag=a&tag=b&api_key=k"
        e.consumer = SightlineConsumer(id: "acme", plan: "pro")
        e.durationMs = 12.5
        e.attributes = [("sample_weight", .number(4))]
        let line = String(decoding: EventEncoder(service: "shop", environment: "prod", policy: RedactionPolicy()).encode(e), as: UTF8.self)
        #expect(line == #"{"id":"abc","timestamp":"2026-11-18T11:06:40.123456Z","duration_ms":12.5,"service":"shop","environment":"prod","method":"POST","path":"/orders/7","query":{"page":"2","tag":["a","b"],"api_key":"[REDACTED]"},"status":201,"consumer":{"id":"acme","plan":"pro"},"attributes":{"sample_weight":4}}"# + "\n")
        #expect(RFC3339.format(micros: 0) == "1970-01-01T00:00:00.000000Z")
        // duration_ms keeps microseconds and drops trailing zeros.
        for (ms, text) in [(7.0, "7"), (0.0523, "0.052"), (1.2006, "1.201"), (0.0004, "0"), (250.25, "250.25")] {
            var d = APIEvent(id: "x", timestampMicros: 0, method: "GET", path: "/", status: 200)
            d.durationMs = ms
            let encoded = String(decoding: EventEncoder(service: "s", environment: nil, policy: RedactionPolicy()).encode(d), as: UTF8.self)
            #expect(encoded.contains(#""duration_ms":\#(text),"#), "\(ms) → \(encoded)")
        }
        #expect(RFC3339.format(micros: 951_782_400_000_000) == "2000-02-29T00:00:00.000000Z")
    }
}
