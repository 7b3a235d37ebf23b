import SightlineCore
@testable import SightlineDetection

/// Generated traffic with every attack, run once through a default engine and shared by tests.
enum Fixtures {
    struct Run: Sendable {
        var traffic: LabelledTraffic
        var detections: [Detection]
        var incidents: [Incident]
    }

    static let attackRun: Run = {
        let traffic = LabelledTrafficGenerator(.init(seed: 11, benignEvents: 120_000)).generate()
        let engine = DetectionEngine()
        var detections: [Detection] = []
        for batch in chunks(traffic.events, 5_000) { detections += engine.process(batch) }
        return Run(traffic: traffic, detections: detections, incidents: engine.incidents)
    }()

    static func chunks(_ events: [Event], _ size: Int) -> [[Event]] {
        stride(from: 0, to: events.count, by: size).map { Array(events[$0..<min($0 + size, events.count)]) }
    }

    /// A minimal event.
    static func event(
        _ seconds: Double, _ method: String = "GET", _ path: String, route: String? = nil, status: Int = 200,
        ip: String? = "203.0.113.99", user: String? = nil, consumer: String? = nil, agent: String? = nil, id: String? = nil
    ) -> Event {
        let t = 1_714_543_200_000_000 + Int64(seconds * 1_000_000)
        var e = Event(id: id ?? "t\(t)-\(path)-\(ip ?? "")", timestampMicros: t, service: "api", method: method, path: path, status: status)
        e.route = route ?? path
        e.clientIP = ip
        e.userID = user
        e.consumer = consumer.map { Consumer(id: $0) }
        e.userAgent = agent
        return e
    }
}
