import Foundation
import SightlineDemo
import Testing

/// Shared fixtures: a fixed start time and helpers to split and decode generated NDJSON.
enum TestTraffic {
    /// 2026-11-18T11:06:40Z, a Wednesday.
    static let start: Int64 = 1_795_000_000_000_000
    static let minute: Int64 = 60_000_000
    static let hour: Int64 = 3_600_000_000
    static let day: Int64 = 86_400_000_000

    /// The lines of an NDJSON buffer, without their newlines.
    static func lines(_ ndjson: [UInt8]) -> [ArraySlice<UInt8>] {
        ndjson.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map { $0 }
    }

    /// Decodes one event with Foundation's parser; nil if it is not a JSON object.
    static func object(_ line: some Collection<UInt8>) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
    }

    /// `count` events over `[from, to)`, decoded.
    static func events(seed: UInt64 = 42, count: Int, from: Int64 = start - day, to: Int64 = start) -> [[String: Any]] {
        var generator = TrafficGenerator(seed: seed, startMicros: start)
        return lines(generator.ndjson(count: count, fromMicros: from, toMicros: to)).compactMap { object($0) }
    }

    private static let timestampFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Microseconds since the epoch of an RFC 3339 UTC timestamp with milliseconds, or nil.
    static func micros(_ timestamp: String) -> Int64? {
        guard let date = try? timestampFormat.parse(timestamp) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1_000).rounded()) * 1_000
    }

    /// The event's timestamp in microseconds since the epoch.
    static func time(of event: [String: Any]) throws -> Int64 {
        let timestamp = try #require(event["timestamp"] as? String)
        return try #require(micros(timestamp), "bad timestamp \(timestamp)")
    }

    static func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }
}
