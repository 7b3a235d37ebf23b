/// A window in which one endpoint is slow and fails more often: ground truth for anomaly detection.
public struct DemoIncident: Sendable, Hashable {
    /// The service that owns the endpoint, e.g. `payments`.
    public let service: String
    /// The endpoint, e.g. `POST /v1/payment_intents/{id}/capture`.
    public let endpoint: String
    /// Start of the window (microseconds since the Unix epoch), inclusive.
    public let startMicros: Int64
    /// End of the window, exclusive. Effects ramp up over the first and down over the last minute.
    public let endMicros: Int64
    /// How much slower the endpoint is at full intensity.
    public let latencyFactor: Double
    /// Extra share of requests failing with `status` at full intensity.
    public let errorRate: Double
    /// The status the failing requests get (500, 502, 503 or 504).
    public let status: Int
}

/// A window of suspicious traffic from one client: ground truth for security detection.
public struct DemoAttack: Sendable, Hashable {
    /// What the attacker does.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Probing for secrets, admin panels and vulnerable software; answered mostly 404.
        case pathScan = "path_scan"
        /// Many `POST /auth/login` attempts answered 401, later 429; rarely one succeeds.
        case credentialStuffing = "credential_stuffing"
        /// Walking `GET /orders/{id}` with consecutive ids using one user's key; mostly 403.
        case idEnumeration = "id_enumeration"
    }

    public let kind: Kind
    /// The attacker's address (from 192.0.2.200-254 or 2001:db8:bad::/48, which no other traffic uses).
    public let clientIP: String
    /// Start of the window (microseconds since the Unix epoch), inclusive.
    public let startMicros: Int64
    /// End of the window, exclusive.
    public let endMicros: Int64
}

/// A client address from the documentation ranges (RFC 5737, RFC 3849).
enum ClientIP: Sendable, Hashable {
    /// An IPv4 address as a 32-bit number.
    case v4(UInt32)
    /// `2001:db8:<high >> 16>:<high & 0xffff>::<low >> 16>:<low & 0xffff>`.
    case v6(high: UInt32, low: UInt32)

    static func v4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) -> ClientIP {
        .v4(a << 24 | b << 16 | c << 8 | d)
    }

    func write(to writer: inout JSONWriter) {
        switch self {
        case .v4(let address):
            writer.unsigned(UInt64(address >> 24))
            writer.byte(UInt8(ascii: "."))
            writer.unsigned(UInt64(address >> 16 & 0xFF))
            writer.byte(UInt8(ascii: "."))
            writer.unsigned(UInt64(address >> 8 & 0xFF))
            writer.byte(UInt8(ascii: "."))
            writer.unsigned(UInt64(address & 0xFF))
        case .v6(let high, let low):
            writer.raw("2001:db8:")
            writer.shortHex(UInt64(high >> 16))
            writer.byte(UInt8(ascii: ":"))
            writer.shortHex(UInt64(high & 0xFFFF))
            writer.raw("::")
            writer.shortHex(UInt64(low >> 16))
            writer.byte(UInt8(ascii: ":"))
            writer.shortHex(UInt64(low & 0xFFFF))
        }
    }

    var text: String {
        var writer = JSONWriter(capacity: 40)
        write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// An incident as the generator applies it.
struct IncidentWindow: Sendable {
    var target: Int
    var startMicros: Int64
    var endMicros: Int64
    var latencyFactor: Double
    var errorRate: Double

    func contains(_ micros: Int64) -> Bool { micros >= startMicros && micros < endMicros }

    func overlaps(_ other: IncidentWindow) -> Bool {
        startMicros < other.endMicros && other.startMicros < endMicros
    }

    /// 0 outside, ramping linearly to 1 over the first and last minute.
    func intensity(at micros: Int64) -> Double {
        guard contains(micros) else { return 0 }
        let ramp = 60_000_000.0
        return min(1, Double(micros - startMicros) / ramp, Double(endMicros - micros) / ramp)
    }
}

/// An attack window as the generator applies it.
struct AttackWindow: Sendable {
    var kind: DemoAttack.Kind
    var startMicros: Int64
    var endMicros: Int64
    var clientIP: ClientIP
    var agent: Int
    /// The consumer whose app or key the attacker abuses.
    var consumer: Int
    /// Where the attack starts: a probe index, or the first order id.
    var origin: Int
    /// Share of events during the window that belong to the attack.
    var share: Double

    func contains(_ micros: Int64) -> Bool { micros >= startMicros && micros < endMicros }
}

/// Traffic rate, incidents and attacks as pure functions of the seed and time.
///
/// Invariants: the answer for a time never depends on which events were generated before;
/// windows lie inside one bucket of their kind, so a lookup checks one bucket plus the
/// windows placed shortly after `startMicros` so that a new demo shows them within minutes.
struct TrafficSchedule: Sendable {
    let seed: UInt64
    let startMicros: Int64
    /// Events per second at the daily peak, before bursts.
    let peakRate = 30.0

    private static let second: Int64 = 1_000_000
    private static let burstBucket: Int64 = 600 * second
    private static let incidentBucket: Int64 = 7_200 * second

    /// Per attack kind: bucket length, probability of a window in a bucket, duration range, share
    /// of traffic, and the offset and duration of the window placed right after the start.
    private struct AttackPlan {
        var bucket: Int64
        var probability: Double
        var duration: ClosedRange<Int64>
        var share: Double
        var firstOffset: Int64
        var firstDuration: Int64
    }

    private static func plan(_ kind: DemoAttack.Kind) -> AttackPlan {
        switch kind {
        case .pathScan:
            AttackPlan(
                bucket: 2_700 * second, probability: 0.6, duration: 60 * second...180 * second, share: 0.08,
                firstOffset: 90 * second, firstDuration: 150 * second)
        case .credentialStuffing:
            AttackPlan(
                bucket: 3_600 * second, probability: 0.5, duration: 120 * second...360 * second, share: 0.06,
                firstOffset: 240 * second, firstDuration: 240 * second)
        case .idEnumeration:
            AttackPlan(
                bucket: 7_200 * second, probability: 0.5, duration: 120 * second...300 * second, share: 0.04,
                firstOffset: 600 * second, firstDuration: 180 * second)
        }
    }

    // MARK: Rate

    /// Suggested events per second: a daily curve peaking at 14:00 UTC, quieter weekends,
    /// a slow wobble and short bursts.
    func rate(atMicros micros: Int64) -> Double {
        let seconds = Double(micros) / 1e6
        let day = floorDivide(micros, 86_400 * Self.second)
        let secondOfDay = Double(micros - day * 86_400 * Self.second) / 1e6
        let diurnal = 0.6 + 0.4 * DemoMath.cos(DemoMath.twoPi * (secondOfDay - 14 * 3_600) / 86_400)
        // Blend the weekday factor over the first three hours of each day so it has no step.
        let blend = min(1, secondOfDay / 10_800)
        let smooth = blend * blend * (3 - 2 * blend)
        let weekly = Self.weekdayFactor(day - 1) * (1 - smooth) + Self.weekdayFactor(day) * smooth
        let phase1 = unitInterval(scramble(seed ^ 0xA1)) * DemoMath.twoPi
        let phase2 = unitInterval(scramble(seed ^ 0xA2)) * DemoMath.twoPi
        let wobble =
            1 + 0.08 * DemoMath.sin(DemoMath.twoPi * seconds / 1_020 + phase1)
            + 0.06 * DemoMath.sin(DemoMath.twoPi * seconds / 3_180 + phase2)
        return peakRate * diurnal * weekly * wobble * (1 + burst(atMicros: micros))
    }

    private static func weekdayFactor(_ day: Int64) -> Double {
        // 1970-01-01 was a Thursday; 0 is Sunday.
        let weekday = ((day % 7) + 11) % 7
        return weekday == 0 || weekday == 6 ? 0.65 : 1
    }

    /// Extra rate (a multiple of the base) from a burst: at most one per ten minutes,
    /// 20-90 s long, shaped like a sine hump.
    private func burst(atMicros micros: Int64) -> Double {
        let bucket = floorDivide(micros, Self.burstBucket)
        let hash = scheduleHash(seed, 0xB0, bucket)
        guard unitInterval(hash) < 0.3 else { return 0 }
        let duration = Int64(20 + unitInterval(scramble(hash ^ 1)) * 70) * Self.second
        let start = bucket * Self.burstBucket + Int64(unitInterval(scramble(hash ^ 2)) * Double(Self.burstBucket - duration))
        guard micros >= start && micros < start + duration else { return 0 }
        let amplitude = 1 + unitInterval(scramble(hash ^ 3)) * 2.5
        let shape = DemoMath.sin(Double.pi * Double(micros - start) / Double(duration))
        return amplitude * shape * shape
    }

    // MARK: Incidents

    /// The incident placed six minutes after the start, on payment capture.
    private var firstIncident: IncidentWindow {
        let start = startMicros + 360 * Self.second
        return IncidentWindow(
            target: 0, startMicros: start, endMicros: start + 480 * Self.second, latencyFactor: 6, errorRate: 0.35)
    }

    /// The incident in effect at `micros`, if any.
    func incident(atMicros micros: Int64) -> IncidentWindow? {
        let first = firstIncident
        if first.contains(micros) {
            return first
        }
        if let window = incident(inBucket: floorDivide(micros, Self.incidentBucket)), window.contains(micros) {
            return window
        }
        return nil
    }

    /// About half of all two-hour buckets hold one incident of 4-15 minutes.
    private func incident(inBucket bucket: Int64) -> IncidentWindow? {
        let hash = scheduleHash(seed, 0x1C, bucket)
        guard unitInterval(hash) < 0.55 else { return nil }
        let targets = DemoCatalog.standard.incidentTargets
        let target = Int(scramble(hash ^ 1) % UInt64(targets.count))
        let duration = Int64(240 + unitInterval(scramble(hash ^ 2)) * 660) * Self.second
        let start =
            bucket * Self.incidentBucket + Int64(unitInterval(scramble(hash ^ 3)) * Double(Self.incidentBucket - duration))
        let severity = 0.6 + unitInterval(scramble(hash ^ 4)) * 0.8
        let window = IncidentWindow(
            target: target, startMicros: start, endMicros: start + duration,
            latencyFactor: 1 + (targets[target].latencyFactor - 1) * severity,
            errorRate: min(0.6, targets[target].errorRate * severity))
        return window.overlaps(firstIncident) ? nil : window
    }

    /// All incidents that overlap `[from, to)`, in start order.
    func incidents(fromMicros from: Int64, toMicros to: Int64) -> [IncidentWindow] {
        guard to > from else { return [] }
        var windows: [IncidentWindow] = []
        let first = firstIncident
        if first.startMicros < to && first.endMicros > from {
            windows.append(first)
        }
        var bucket = floorDivide(from, Self.incidentBucket)
        while bucket * Self.incidentBucket < to {
            if let window = incident(inBucket: bucket), window.startMicros < to, window.endMicros > from {
                windows.append(window)
            }
            bucket += 1
        }
        return windows.sorted { $0.startMicros < $1.startMicros }
    }

    // MARK: Attacks

    /// The attack of `kind` under way at `micros`, if any.
    func attack(_ kind: DemoAttack.Kind, atMicros micros: Int64) -> AttackWindow? {
        let first = firstAttackTiming(kind)
        if micros >= first.start && micros < first.start + first.duration {
            return window(kind, first)
        }
        if let timing = attackTiming(kind, inBucket: floorDivide(micros, Self.plan(kind).bucket)),
            micros >= timing.start && micros < timing.start + timing.duration
        {
            return window(kind, timing)
        }
        return nil
    }

    /// All attacks that overlap `[from, to)`, in start order.
    func attacks(fromMicros from: Int64, toMicros to: Int64) -> [AttackWindow] {
        guard to > from else { return [] }
        var windows: [AttackWindow] = []
        for kind in DemoAttack.Kind.allCases {
            let first = firstAttackTiming(kind)
            if first.start < to && first.start + first.duration > from {
                windows.append(window(kind, first))
            }
            let length = Self.plan(kind).bucket
            var bucket = floorDivide(from, length)
            while bucket * length < to {
                if let timing = attackTiming(kind, inBucket: bucket), timing.start < to,
                    timing.start + timing.duration > from
                {
                    windows.append(window(kind, timing))
                }
                bucket += 1
            }
        }
        return windows.sorted { ($0.startMicros, $0.kind.rawValue) < ($1.startMicros, $1.kind.rawValue) }
    }

    /// When an attack window lies, and the hash its details come from.
    private struct AttackTiming {
        var start: Int64
        var duration: Int64
        var hash: UInt64
    }

    private func firstAttackTiming(_ kind: DemoAttack.Kind) -> AttackTiming {
        let plan = Self.plan(kind)
        let start = startMicros + plan.firstOffset
        return AttackTiming(start: start, duration: plan.firstDuration, hash: scheduleHash(seed, 0xF1A5, start))
    }

    private func attackTiming(_ kind: DemoAttack.Kind, inBucket bucket: Int64) -> AttackTiming? {
        let plan = Self.plan(kind)
        let stream: UInt64 =
            switch kind {
            case .pathScan: 0x5CA7
            case .credentialStuffing: 0xC7ED
            case .idEnumeration: 0xE7E7
            }
        let hash = scheduleHash(seed, stream, bucket)
        guard unitInterval(hash) < plan.probability else { return nil }
        let span = plan.duration.upperBound - plan.duration.lowerBound
        let duration = plan.duration.lowerBound + Int64(unitInterval(scramble(hash ^ 1)) * Double(span))
        let start = bucket * plan.bucket + Int64(unitInterval(scramble(hash ^ 2)) * Double(plan.bucket - duration))
        let first = firstAttackTiming(kind)
        guard start >= first.start + first.duration || start + duration <= first.start else { return nil }
        return AttackTiming(start: start, duration: duration, hash: hash)
    }

    private func window(_ kind: DemoAttack.Kind, _ timing: AttackTiming) -> AttackWindow {
        let hash = timing.hash
        let population = DemoCatalog.standard.population
        let agents = population.agents
        let octet = UInt32(200 + scramble(hash ^ 5) % 55)
        var clientIP = ClientIP.v4(192, 0, 2, octet)
        let agent: Int
        var consumer = Int(scramble(hash ^ 6) % UInt64(population.consumers.count))
        switch kind {
        case .pathScan:
            agent = agents.scanners[Int(scramble(hash ^ 7) % UInt64(agents.scanners.count))]
        case .credentialStuffing:
            agent = agents.credentialStuffers[Int(scramble(hash ^ 7) % UInt64(agents.credentialStuffers.count))]
            if unitInterval(scramble(hash ^ 8)) < 0.3 {
                clientIP = .v6(high: 0x0BAD_0000 | UInt32(scramble(hash ^ 9) & 0xFFFF), low: UInt32(truncatingIfNeeded: scramble(hash ^ 10)))
            }
        case .idEnumeration:
            agent = agents.enumerators[Int(scramble(hash ^ 7) % UInt64(agents.enumerators.count))]
            consumer = population.freeConsumers[Int(scramble(hash ^ 6) % UInt64(population.freeConsumers.count))]
        }
        let origin: Int =
            switch kind {
            case .pathScan: Int(scramble(hash ^ 11) % UInt64(DemoCatalog.standard.scanProbes.count))
            case .credentialStuffing: 0
            case .idEnumeration: 120_000 + Int(scramble(hash ^ 11) % 100_000)
            }
        return AttackWindow(
            kind: kind, startMicros: timing.start, endMicros: timing.start + timing.duration, clientIP: clientIP,
            agent: agent,
            consumer: consumer, origin: origin, share: Self.plan(kind).share)
    }
}
