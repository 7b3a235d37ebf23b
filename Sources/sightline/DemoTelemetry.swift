import Foundation

/// OpenTelemetry for the demo: for some of the generated requests, the spans and log records a
/// traced service would export (a database query, a cache lookup, log lines; an error log for
/// failures), as OTLP/HTTP JSON bodies for `/v1/traces` and `/v1/logs`. They share the request's
/// trace and span ids, so the dashboard's event drawer shows the request's trace and logs.
///
/// Invariants: deterministic for the given events; only events with a trace and span id are used;
/// child spans lie within the request's time span.
enum DemoTelemetry {
    /// The `(traces, logs)` export bodies for every `sampleEvery`-th event of an NDJSON batch, or
    /// `nil` when none was chosen.
    static func exports(ndjson: [UInt8], sampleEvery: Int) -> (traces: [UInt8], logs: [UInt8])? {
        var spansByService: [String: [[String: Any]]] = [:]
        var logsByService: [String: [[String: Any]]] = [:]
        var index = 0
        for line in ndjson.split(separator: 0x0A) {
            defer { index += 1 }
            guard index % sampleEvery == 0,
                  let event = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let trace = event["trace_id"] as? String, let span = event["span_id"] as? String,
                  let service = event["service"] as? String, let stamp = event["timestamp"] as? String,
                  let startMicros = microseconds(stamp)
            else { continue }
            let durationMicros = Int64(((event["duration_ms"] as? Double) ?? 1) * 1000)
            let status = event["status"] as? Int ?? 200
            let route = event["route"] as? String ?? event["path"] as? String ?? "/"
            let method = event["method"] as? String ?? "GET"
            let seed = UInt64(truncatingIfNeeded: trace.hashValue) | 1
            let dbStart = startMicros + durationMicros / 10
            let dbEnd = dbStart + durationMicros * 6 / 10
            let failed = status >= 500
            spansByService[service, default: []].append(contentsOf: [
                otlpSpan(trace: trace, id: childID(span, 1), parent: span, name: "cache get", kind: 3,
                         start: startMicros + durationMicros / 20, end: startMicros + durationMicros / 10,
                         attributes: ["db.system": "redis"], error: false),
                otlpSpan(trace: trace, id: childID(span, 2), parent: span, name: queryName(method: method, route: route), kind: 3,
                         start: dbStart, end: dbEnd,
                         attributes: ["db.system": "postgresql", "db.operation.name": method == "GET" ? "SELECT" : "UPDATE"], error: failed),
            ])
            var logs: [[String: Any]] = [
                otlpLog(trace: trace, span: span, at: startMicros + durationMicros / 50, severity: 9, text: "INFO",
                        body: "handling \(method) \(route)"),
            ]
            if failed {
                let message = (event["error"] as? [String: Any])?["message"] as? String ?? "request failed"
                logs.append(otlpLog(trace: trace, span: childID(span, 2), at: dbEnd, severity: 17, text: "ERROR", body: "query failed: \(message)"))
            } else if seed % 7 == 0 {
                logs.append(otlpLog(trace: trace, span: childID(span, 2), at: dbEnd, severity: 13, text: "WARN", body: "slow query: \(dbEnd - dbStart) µs"))
            }
            logsByService[service, default: []].append(contentsOf: logs)
        }
        guard !spansByService.isEmpty else { return nil }
        func resource(_ service: String) -> [String: Any] {
            ["attributes": [["key": "service.name", "value": ["stringValue": service]]]]
        }
        let traces: [String: Any] = ["resourceSpans": spansByService.keys.sorted().map { service in
            ["resource": resource(service), "scopeSpans": [["scope": ["name": "sightline-demo"], "spans": spansByService[service]!]]]
        }]
        let logs: [String: Any] = ["resourceLogs": logsByService.keys.sorted().map { service in
            ["resource": resource(service), "scopeLogs": [["scope": ["name": "sightline-demo"], "logRecords": logsByService[service]!]]]
        }]
        guard let tracesBody = try? JSONSerialization.data(withJSONObject: traces),
              let logsBody = try? JSONSerialization.data(withJSONObject: logs)
        else { return nil }
        return ([UInt8](tracesBody), [UInt8](logsBody))
    }

    private static func microseconds(_ stamp: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: stamp) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// A child span id derived from the parent's (16 hex digits, never all zeros).
    private static func childID(_ parent: String, _ n: UInt64) -> String {
        let value = (UInt64(parent, radix: 16) ?? 1) &* 0x9E37_79B9_7F4A_7C15 &+ n
        return String(format: "%016llx", value == 0 ? n : value)
    }

    private static func queryName(method: String, route: String) -> String {
        let table = route.split(separator: "/").first { !$0.hasPrefix("{") && $0 != "v1" && $0 != "v2" && $0 != "api" } ?? "items"
        return (method == "GET" ? "SELECT " : "UPDATE ") + table
    }

    private static func otlpSpan(trace: String, id: String, parent: String, name: String, kind: Int, start: Int64, end: Int64, attributes: [String: String], error: Bool) -> [String: Any] {
        let attributeList: [[String: Any]] = attributes.keys.sorted().map { key in
            let value: [String: Any] = ["stringValue": attributes[key] ?? ""]
            return ["key": key, "value": value]
        }
        let status: [String: Any] = error ? ["code": 2, "message": "query failed"] : ["code": 1]
        var span: [String: Any] = ["traceId": trace, "spanId": id, "parentSpanId": parent, "name": name, "kind": kind]
        span["startTimeUnixNano"] = String(start * 1000)
        span["endTimeUnixNano"] = String(max(end, start) * 1000)
        span["attributes"] = attributeList
        span["status"] = status
        return span
    }

    private static func otlpLog(trace: String, span: String, at micros: Int64, severity: Int, text: String, body: String) -> [String: Any] {
        [
            "timeUnixNano": String(micros * 1000), "severityNumber": severity, "severityText": text,
            "body": ["stringValue": body], "traceId": trace, "spanId": span,
        ]
    }
}
