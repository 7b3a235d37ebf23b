/// Realistic, deterministic API traffic for `sightline demo`.
///
/// The generator simulates a small commerce platform (services `shop`, `payments`, `auth`,
/// `search`, `inventory`, `notifications`) used by about thirty API consumers on free, pro and
/// enterprise plans: their backend integrations, their end users' browsing sessions, health
/// probes, downstream calls sharing a trace, incidents, and a little hostile traffic.
///
/// Invariants:
/// - Output is a pure function of the seed, `startMicros` and the sequence of calls made
///   (methods and their arguments); the same sequence gives the same bytes.
/// - Every event is one compact JSON object in Sightline's wire format, without a newline.
/// - Event ids are `demo-` followed by 16 hex digits and never repeat within one generator.
/// - Client addresses come from the documentation ranges only: 203.0.113.0/24 and
///   198.51.100.0/24 for end users, 192.0.2.1-199 for consumers' servers, probes and
///   service-to-service calls, and 192.0.2.200-254 and 2001:db8:bad::/48 for attackers only.
/// - Incidents, attacks and the traffic rate depend on time alone, so `incidents(fromMicros:toMicros:)`
///   and `attacks(fromMicros:toMicros:)` are exact ground truth for the generated events.
///
/// ```swift
/// var generator = TrafficGenerator(seed: 42, startMicros: now)
/// let history = generator.ndjson(count: 50_000, fromMicros: now - 86_400_000_000, toMicros: now)
/// let live = generator.nextEvent(atMicros: now)
/// ```
public struct TrafficGenerator: Sendable {
    let schedule: TrafficSchedule
    var random: DemoRandom
    private let idSalt: UInt64
    private var eventCount: UInt64 = 0
    /// Downstream calls of a request already emitted; they go out before any new request.
    private var pending: [EventDraft] = []
    var sessions: [Session] = []
    var nextOrderID = DemoCatalog.orderIDs.upperBound + 1
    var attackProgress: [AttackProgress] = Array(repeating: AttackProgress(), count: DemoAttack.Kind.allCases.count)

    /// Number of concurrent browsing sessions.
    static let sessionSlots = 96

    /// Creates a generator; the same seed and start give the same traffic.
    ///
    /// - Parameters:
    ///   - seed: Any value; different seeds give different but equally realistic traffic.
    ///   - startMicros: When the demo starts (microseconds since the Unix epoch). The first
    ///     incident begins six minutes later and the first attacks within ten minutes.
    public init(seed: UInt64, startMicros: Int64) {
        schedule = TrafficSchedule(seed: seed, startMicros: startMicros)
        random = DemoRandom(seed: seed)
        idSalt = scramble(seed ^ scramble(UInt64(bitPattern: startMicros) ^ 0x1D5A_17))
        sessions.reserveCapacity(Self.sessionSlots)
        for _ in 0..<Self.sessionSlots {
            sessions.append(newSession(atMicros: startMicros))
        }
    }

    /// Events per second the generator suggests at a given time, for the demo's pacing.
    ///
    /// A daily curve (peak about 30/s at 14:00 UTC, a fifth of that at night, quieter at
    /// weekends), a slow wobble and occasional bursts of two to three and a half times the rate.
    ///
    /// - Parameter micros: Microseconds since the Unix epoch.
    public func rate(atMicros micros: Int64) -> Double {
        schedule.rate(atMicros: micros)
    }

    /// One event at the given time, as compact JSON bytes (no trailing newline).
    ///
    /// Call it with non-decreasing times for realistic sessions; downstream calls of a request
    /// come out on the calls that follow it, stamped with those calls' times.
    ///
    /// - Parameter micros: The event's timestamp (microseconds since the Unix epoch; written
    ///   with millisecond precision).
    public mutating func nextEvent(atMicros micros: Int64) -> [UInt8] {
        var writer = JSONWriter(capacity: 1_024)
        writeEvent(atMicros: micros, to: &writer)
        return writer.bytes
    }

    /// `count` events spread over `[fromMicros, toMicros)`, as NDJSON bytes (each line ends with `\n`).
    ///
    /// Timestamps follow `rate(atMicros:)` (more events at busy times and in bursts), are
    /// non-decreasing, and lie in `[fromMicros, toMicros)`; when `toMicros <= fromMicros` all
    /// events are stamped `fromMicros`.
    ///
    /// ```swift
    /// let day = generator.ndjson(count: 100_000, fromMicros: start - 86_400_000_000, toMicros: start)
    /// ```
    public mutating func ndjson(count: Int, fromMicros: Int64, toMicros: Int64) -> [UInt8] {
        guard count > 0 else { return [] }
        var writer = JSONWriter(capacity: count * 760)
        guard toMicros > fromMicros else {
            for _ in 0..<count {
                writeEvent(atMicros: fromMicros, to: &writer)
                writer.byte(UInt8(ascii: "\n"))
            }
            return writer.bytes
        }
        // Invert the cumulative rate over a grid of cells (at most 4096, at least 1 s each).
        let span = toMicros - fromMicros
        let cells = Int(max(1, min(4_096, span / 1_000_000)))
        let cellLength = Double(span) / Double(cells)
        var cumulative = [Double](repeating: 0, count: cells + 1)
        for cell in 0..<cells {
            let middle = fromMicros + Int64((Double(cell) + 0.5) * cellLength)
            cumulative[cell + 1] = cumulative[cell] + max(1e-6, schedule.rate(atMicros: middle))
        }
        let total = cumulative[cells]
        var cell = 0
        var previous = fromMicros
        for index in 0..<count {
            let target = (Double(index) + random.unit()) / Double(count) * total
            while cell < cells - 1 && cumulative[cell + 1] <= target {
                cell += 1
            }
            let fraction = (target - cumulative[cell]) / (cumulative[cell + 1] - cumulative[cell])
            var micros = fromMicros + Int64((Double(cell) + min(max(fraction, 0), 1)) * cellLength)
            micros = min(max(micros, previous), toMicros - 1)
            previous = micros
            writeEvent(atMicros: micros, to: &writer)
            writer.byte(UInt8(ascii: "\n"))
        }
        return writer.bytes
    }

    /// The incidents that overlap `[fromMicros, toMicros)`, in start order: ground truth for
    /// anomaly detection.
    public func incidents(fromMicros: Int64, toMicros: Int64) -> [DemoIncident] {
        let catalog = DemoCatalog.standard
        return schedule.incidents(fromMicros: fromMicros, toMicros: toMicros).map { window in
            let target = catalog.incidentTargets[window.target]
            let route = catalog.routes[target.route]
            return DemoIncident(
                service: catalog.services[route.service].name, endpoint: route.key, startMicros: window.startMicros,
                endMicros: window.endMicros, latencyFactor: window.latencyFactor, errorRate: window.errorRate,
                status: target.status)
        }
    }

    /// The attacks that overlap `[fromMicros, toMicros)`, in start order: ground truth for
    /// security detection.
    public func attacks(fromMicros: Int64, toMicros: Int64) -> [DemoAttack] {
        schedule.attacks(fromMicros: fromMicros, toMicros: toMicros).map { window in
            DemoAttack(
                kind: window.kind, clientIP: window.clientIP.text, startMicros: window.startMicros,
                endMicros: window.endMicros)
        }
    }

    private mutating func writeEvent(atMicros micros: Int64, to writer: inout JSONWriter) {
        let catalog = DemoCatalog.standard
        let draft: EventDraft
        if pending.isEmpty {
            draft = makeDraft(atMicros: micros, catalog: catalog)
        } else {
            draft = pending.removeFirst()
        }
        eventCount &+= 1
        draft.write(to: &writer, id: scramble(idSalt &+ eventCount), timestampMicros: micros, catalog: catalog)
    }

    /// Decides who sends the next request: an attacker (while an attack is under way), a
    /// health probe, an end user's session, or a consumer's backend integration.
    private mutating func makeDraft(atMicros micros: Int64, catalog: DemoCatalog) -> EventDraft {
        let incident = schedule.incident(atMicros: micros)
        for kind in DemoAttack.Kind.allCases {
            if let window = schedule.attack(kind, atMicros: micros), random.chance(window.share) {
                return attackDraft(window, atMicros: micros, catalog: catalog)
            }
        }
        let pick = random.unit()
        if pick < 0.02 {
            return probeDraft(atMicros: micros, incident: incident, catalog: catalog)
        } else if pick < 0.55 {
            return sessionDraft(atMicros: micros, incident: incident, catalog: catalog)
        } else {
            return integrationDraft(atMicros: micros, incident: incident, catalog: catalog)
        }
    }

    mutating func enqueue(_ drafts: [EventDraft]) {
        pending.append(contentsOf: drafts)
    }
}
