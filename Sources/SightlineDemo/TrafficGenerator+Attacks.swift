/// How far the current attack of one kind has got.
struct AttackProgress: Sendable {
    var windowStart: Int64 = .min
    var attempts = 0
}

extension TrafficGenerator {
    /// One request of an attack under way: a probe, a login attempt or an enumerated id.
    mutating func attackDraft(_ window: AttackWindow, atMicros micros: Int64, catalog: DemoCatalog) -> EventDraft {
        let slot = DemoAttack.Kind.allCases.firstIndex(of: window.kind) ?? 0
        if attackProgress[slot].windowStart != window.startMicros {
            attackProgress[slot] = AttackProgress(windowStart: window.startMicros, attempts: 0)
        }
        attackProgress[slot].attempts += 1
        let attempts = attackProgress[slot].attempts
        let population = catalog.population
        let consumer = population.consumers[window.consumer]

        switch window.kind {
        case .pathScan:
            let probeIndex = (window.origin + attempts) % catalog.scanProbes.count
            let probe = catalog.scanProbes[probeIndex]
            var draft = EventDraft(
                service: DemoCatalog.shop, method: probe.method, route: -1, clientIP: window.clientIP,
                agent: window.agent)
            draft.strayPath = probe.path
            draft.query = .probe(probeIndex)
            fillIdentifiers(&draft, catalog: catalog)
            draft.status = probe.status
            draft.durationMicros = Int64(random.logNormal(median: 2_200, sigma: 0.5))
            draft.requestSize = probe.method == "POST" ? 200 + random.below(300) : 0
            draft.responseSize = 100 + random.below(60)
            draft.error =
                switch probe.status {
                case 401: ErrorDetail(type: "Unauthorized", message: "missing Authorization header")
                case 403: ErrorDetail(type: "Forbidden", message: "access to hidden files is denied")
                case 400: ErrorDetail(type: "BadRequest", message: "path traversal sequences are not allowed")
                case 405: ErrorDetail(type: "MethodNotAllowed", message: "\(probe.method) is not supported here; use POST")
                default: ErrorDetail(type: "NotFound", message: "no route matches \(probe.method) \(probe.path)")
                }
            return draft

        case .credentialStuffing:
            var draft = EventDraft(
                service: DemoCatalog.auth, method: "POST", route: catalog.journey.login, clientIP: window.clientIP,
                agent: window.agent)
            fillIdentifiers(&draft, catalog: catalog)
            draft.consumer = window.consumer
            draft.region = consumer.region
            draft.requestSize = 70 + random.below(45)
            let pick = random.unit()
            if pick < 0.004 {
                draft.status = 200
                draft.user = consumer.userBase + random.below(consumer.userCount)
                draft.responseSize = Int(random.logNormal(median: 1_350, sigma: 0.2))
                draft.durationMicros = Int64(random.logNormal(median: 95_000, sigma: 0.25))
            } else if attempts > 40 && pick < 0.45 {
                draft.status = 429
                draft.error = ErrorDetail(type: "RateLimited", message: "too many login attempts from this address")
                draft.responseSize = 110 + random.below(30)
                draft.durationMicros = Int64(300 + random.below(1_200))
            } else {
                draft.status = 401
                draft.error = ErrorDetail(type: "InvalidCredentials", message: "email or password is incorrect")
                draft.responseSize = 96 + random.below(30)
                draft.durationMicros = Int64(random.logNormal(median: 95_000, sigma: 0.25))
            }
            return draft

        case .idEnumeration:
            let routeIndex = catalog.journey.order
            var draft = EventDraft(
                service: DemoCatalog.shop, method: "GET", route: routeIndex, clientIP: window.clientIP,
                agent: window.agent)
            fillIdentifiers(&draft, catalog: catalog)
            draft.parameters = (UInt64(window.origin + attempts), 0)
            draft.consumer = window.consumer
            draft.user = consumer.userBase
            draft.region = consumer.region
            let pick = random.unit()
            if pick < 0.05 {
                draft.status = 200
                draft.responseSize = Int(random.logNormal(median: 2_400, sigma: 0.35))
                draft.durationMicros = Int64(random.logNormal(median: 22_000, sigma: 0.45))
            } else {
                draft.status = pick < 0.85 ? 403 : 404
                draft.error =
                    draft.status == 403
                    ? ErrorDetail(type: "Forbidden", message: "order belongs to another account")
                    : ErrorDetail(type: "NotFound", message: "order \(window.origin + attempts) not found")
                draft.responseSize = 100 + random.below(60)
                draft.durationMicros = Int64(random.logNormal(median: 6_000, sigma: 0.4))
            }
            return draft
        }
    }

    /// Gives an attack request its own trace, span, pod and route reporting.
    private mutating func fillIdentifiers(_ draft: inout EventDraft, catalog: DemoCatalog) {
        let service = catalog.services[draft.service]
        draft.traceHigh = random.next()
        draft.traceLow = nonZero(random.next())
        draft.span = nonZero(random.next())
        draft.pod = random.below(service.pods.count)
        draft.reportsRoute = draft.route >= 0 && random.chance(service.routeReporting)
    }
}
