import Foundation
import Testing
import SightlineDemo
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Event format")
struct EventFormatTests {
    static let methods: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    static func isLowerHex(_ text: String, length: Int) -> Bool {
        text.utf8.count == length && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
            && text.utf8.contains { $0 != 48 }
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    static func isDocumentationAddress(_ text: String) -> Bool {
        text.hasPrefix("203.0.113.") || text.hasPrefix("198.51.100.") || text.hasPrefix("192.0.2.")
            || text.hasPrefix("2001:db8:")
    }

    @Test("every event parses and has the required fields with valid types and ranges")
    func requiredFields() throws {
        var generator = TrafficGenerator(seed: 21, startMicros: TestTraffic.start)
        // History, then live events around the first incident and attacks.
        var ndjson = generator.ndjson(count: 15_000, fromMicros: TestTraffic.start - TestTraffic.day, toMicros: TestTraffic.start)
        for step in 0..<10_000 {
            ndjson += generator.nextEvent(atMicros: TestTraffic.start + Int64(step) * 60_000)
            ndjson.append(UInt8(ascii: "\n"))
        }
        let lines = TestTraffic.lines(ndjson)
        #expect(lines.count == 25_000)
        for line in lines {
            #expect(!line.contains(UInt8(ascii: "\n")))
            let event = try #require(TestTraffic.object(line), "not a JSON object: \(String(decoding: line, as: UTF8.self))")

            let id = try #require(event["id"] as? String)
            #expect(id.utf8.count <= 128 && id.utf8.allSatisfy { (0x21...0x7E).contains($0) })
            #expect(id.hasPrefix("demo-"))

            let timestamp = try #require(event["timestamp"] as? String)
            #expect(timestamp.utf8.count == 24 && timestamp.hasSuffix("Z"))
            #expect(TestTraffic.micros(timestamp) != nil, "bad timestamp \(timestamp)")

            let service = try #require(event["service"] as? String)
            #expect(!service.isEmpty)
            let environment = try #require(event["environment"] as? String)
            #expect(["production", "staging"].contains(environment))
            let method = try #require(event["method"] as? String)
            #expect(Self.methods.contains(method))
            let scheme = try #require(event["scheme"] as? String)
            #expect(["http", "https"].contains(scheme))
            let host = try #require(event["host"] as? String)
            #expect(!host.isEmpty)
            let path = try #require(event["path"] as? String)
            #expect(path.hasPrefix("/"))
            if let route = event["route"] {
                let route = try #require(route as? String)
                #expect(route.hasPrefix("/"))
            }
            if let query = event["query"] {
                let query = try #require(query as? [String: Any])
                #expect(!query.isEmpty && query.values.allSatisfy { $0 is String })
            }

            let status = try #require(event["status"] as? Int)
            #expect((100...599).contains(status))
            let duration = try #require(TestTraffic.number(event["duration_ms"]))
            #expect(duration >= 0)
            let requestSize = try #require(event["request_size"] as? Int)
            let responseSize = try #require(event["response_size"] as? Int)
            #expect(requestSize >= 0 && responseSize >= 0)

            let address = try #require(event["client_ip"] as? String)
            #expect(Self.isIPAddress(address) && Self.isDocumentationAddress(address), "bad address \(address)")
            let agent = try #require(event["user_agent"] as? String)
            #expect(!agent.isEmpty)

            if let consumer = event["consumer"] {
                let consumer = try #require(consumer as? [String: Any])
                let id = try #require(consumer["id"] as? String)
                let name = try #require(consumer["name"] as? String)
                let plan = try #require(consumer["plan"] as? String)
                #expect(!id.isEmpty && !name.isEmpty)
                #expect(["free", "pro", "enterprise"].contains(plan))
            }
            if let user = event["user_id"] {
                let user = try #require(user as? String)
                #expect(user.hasPrefix("u_"))
            }
            if let session = event["session_id"] {
                let session = try #require(session as? String)
                #expect(session.hasPrefix("s_"))
            }

            let trace = try #require(event["trace_id"] as? String)
            let span = try #require(event["span_id"] as? String)
            #expect(Self.isLowerHex(trace, length: 32))
            #expect(Self.isLowerHex(span, length: 16))

            let level = try #require(event["level"] as? String)
            #expect(level == (status >= 500 ? "error" : status >= 400 ? "warn" : "info"))
            if status >= 400 {
                let error = try #require(event["error"] as? [String: Any])
                let type = try #require(error["type"] as? String)
                let message = try #require(error["message"] as? String)
                #expect(!type.isEmpty && !message.isEmpty)
                if let stack = error["stack"] {
                    #expect(stack is String)
                }
            } else {
                #expect(event["error"] == nil)
            }
            let attributes = try #require(event["attributes"] as? [String: Any])
            #expect(attributes["region"] is String && attributes["pod"] is String)
        }
    }

    @Test("timestamps carry the requested time, truncated to milliseconds")
    func timestampsMatch() throws {
        var generator = TrafficGenerator(seed: 1, startMicros: 0)
        let cases: [(Int64, String)] = [
            (0, "1970-01-01T00:00:00.000Z"),
            (1_709_164_800_123_999, "2024-02-29T00:00:00.123Z"),
            (TestTraffic.start + 59_999, "2026-11-18T11:06:40.059Z"),
            (4_102_444_799_999_000, "2099-12-31T23:59:59.999Z"),
        ]
        for (micros, expected) in cases {
            let event = try #require(TestTraffic.object(generator.nextEvent(atMicros: micros)))
            #expect(event["timestamp"] as? String == expected)
        }
    }

    @Test("text that needs escaping round-trips through a JSON parser")
    func escaping() throws {
        let events = TestTraffic.events(count: 60_000)
        let names = Set(events.compactMap { ($0["consumer"] as? [String: Any])?["name"] as? String })
        #expect(names.contains("Zinnia \"Z\" Florists"))
        #expect(names.contains("Café Lumière"))
        #expect(names.contains("O'Brien Hardware"))
        let terms = Set(events.compactMap { ($0["query"] as? [String: Any])?["q"] as? String })
        #expect(terms.contains("14\" laptop sleeve"))
        let messages = events.compactMap { ($0["error"] as? [String: Any])?["message"] as? String }
        #expect(messages.contains { $0.contains("\"") })
    }
}
