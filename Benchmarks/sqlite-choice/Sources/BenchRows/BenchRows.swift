import Foundation

/// Synthetic event rows for the insert benchmarks: deterministic (SplitMix64 seeded), generated before timing.
public struct BenchRow: Sendable {
    public var seq: Int64
    public var id: String
    public var ts: Int64
    public var service: String
    public var environment: String?
    public var method: String
    public var route: String?
    public var path: String
    public var status: Int
    public var durationMs: Double?
    public var requestSize: Int64?
    public var responseSize: Int64?
    public var clientIP: String?
    public var consumerID: String?
    public var userID: String?
    public var sessionID: String?
    public var traceID: String?
    public var errorType: String?
    public var level: String?
    public var doc: [UInt8]
}

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

private func randomToken(_ count: Int, _ rng: inout SplitMix64) -> String {
    String(decoding: (0..<count).map { _ in alphabet[Int(rng.next() % 32)] }, as: UTF8.self)
}

/// Time-ordered id: 10 characters of millisecond time, 16 random ones.
private func ulidLike(_ micros: Int64, _ rng: inout SplitMix64) -> String {
    var ms = UInt64(micros / 1000)
    var prefix = [UInt8](repeating: 0, count: 10)
    for i in (0..<10).reversed() { prefix[i] = alphabet[Int(ms & 31)]; ms >>= 5 }
    return String(decoding: prefix, as: UTF8.self) + randomToken(16, &rng)
}

/// `count` rows: 5 services, 6 routes, ~1k events/s with timestamp ties, ids time-ordered like
/// SightlineCore's EventIDGenerator, a trace id on every row, consumer on 75%, user on 33%,
/// session on 20%, documents of ~500 bytes.
public func makeRows(count: Int, startSeq: Int64 = 1, seed: UInt64 = 42) -> [BenchRow] {
    var rng = SplitMix64(state: seed)
    let services = ["checkout", "users", "search", "billing", "gateway"]
    let methods = ["GET", "GET", "GET", "POST", "PUT", "DELETE"]
    let routes = ["/v1/users/{id}", "/v1/orders", "/v1/orders/{id}", "/v1/search", "/v1/invoices/{id}/pay", "/health"]
    let statuses = [200, 200, 200, 200, 201, 204, 301, 400, 401, 404, 404, 429, 500, 503]
    var ts: Int64 = 1_767_225_600_000_000  // 2026-01-01T00:00:00Z
    var rows: [BenchRow] = []
    rows.reserveCapacity(count)
    for i in 0..<count {
        ts += Int64(rng.next() % 2_000)  // ~1k events/s, ties happen
        let route = routes[Int(rng.next() % UInt64(routes.count))]
        let path = route.replacingOccurrences(of: "{id}", with: String(rng.next() % 100_000))
        let status = statuses[Int(rng.next() % UInt64(statuses.count))]
        let service = services[Int(rng.next() % UInt64(services.count))]
        let method = methods[Int(rng.next() % UInt64(methods.count))]
        let id = ulidLike(ts, &rng)
        let trace = randomToken(32, &rng)
        let consumer: String? = rng.next() % 4 == 0 ? nil : "consumer-\(rng.next() % 500)"
        let user: String? = rng.next() % 3 == 0 ? "user-\(rng.next() % 20_000)" : nil
        let session: String? = rng.next() % 5 == 0 ? "sess-" + randomToken(12, &rng) : nil
        let errorType: String? = status >= 500 ? "UpstreamTimeout" : nil
        let duration = Double(rng.next() % 500_000) / 1000
        let ip = "10.\(rng.next() % 256).\(rng.next() % 256).\(rng.next() % 256)"
        let doc = """
            {"id":"\(id)","timestamp":\(ts),"service":"\(service)","environment":"prod","request":{"method":"\(method)","route":"\(route)","path":"\(path)","headers":{"content-type":"application/json","user-agent":"bench/1.0","accept":"*/*"},"size":\(rng.next() % 4096)},"response":{"status":\(status),"size":\(rng.next() % 65536),"headers":{"content-type":"application/json"}},"duration_ms":\(duration),"client_ip":"\(ip)","trace_id":"\(trace)","consumer_id":\(consumer.map { "\"\($0)\"" } ?? "null"),"user_id":\(user.map { "\"\($0)\"" } ?? "null")}
            """
        rows.append(BenchRow(
            seq: startSeq + Int64(i), id: id, ts: ts, service: service, environment: "prod", method: method,
            route: route, path: path, status: status, durationMs: duration,
            requestSize: Int64(rng.next() % 4096), responseSize: Int64(rng.next() % 65536),
            clientIP: ip, consumerID: consumer, userID: user, sessionID: session, traceID: trace,
            errorType: errorType, level: status >= 500 ? "error" : "info", doc: Array(doc.utf8)))
    }
    return rows
}
