/// Who sends a request.
struct Caller: Sendable {
    var consumer: Int = -1
    var user: Int = -1
    var session: UInt64 = 0
    var clientIP: ClientIP
    var agent: Int
    var region: Int = 0
    var staging = false
    var leakedKey: UInt64 = 0
}

extension TrafficGenerator {
    /// A request to `routeIndex` with its outcome settled and its downstream calls queued.
    mutating func request(
        _ routeIndex: Int, parameters: (UInt64, UInt64), context: UInt64 = 0, query: QueryValues, caller: Caller,
        atMicros micros: Int64, incident: IncidentWindow?, catalog: DemoCatalog
    ) -> EventDraft {
        let route = catalog.routes[routeIndex]
        var draft = EventDraft(
            service: route.service, method: route.method, route: routeIndex, clientIP: caller.clientIP,
            agent: caller.agent)
        draft.parameters = parameters
        draft.context = context
        draft.query = query
        draft.consumer = caller.consumer
        draft.user = caller.user
        draft.session = caller.session
        draft.region = caller.region
        draft.staging = caller.staging
        draft.leakedKey = caller.leakedKey
        draft.traceHigh = random.next()
        draft.traceLow = nonZero(random.next())
        draft.span = nonZero(random.next())
        let service = catalog.services[route.service]
        draft.pod = random.below(service.pods.count)
        draft.reportsRoute = random.chance(service.routeReporting)
        let plan = caller.consumer >= 0 ? catalog.population.consumers[caller.consumer].plan : nil
        settle(&draft, route: route, plan: plan, atMicros: micros, incident: incident, catalog: catalog)

        let calls = catalog.calls[routeIndex]
        guard !calls.isEmpty, draft.status < 400 else { return draft }
        var children: [EventDraft] = []
        for call in calls where random.chance(call.probability) {
            let child = downstream(call, parent: draft, atMicros: micros, incident: incident, catalog: catalog)
            children.append(child)
            draft.durationMicros += child.durationMicros + Int64(150 + random.below(1_500))
            if child.status >= 500 {
                let callee = catalog.services[child.service].name
                if child.status == 504 {
                    draft.status = 504
                    draft.error = ErrorDetail(
                        type: "TimeoutError", message: "upstream \(callee) timed out after \(child.durationMicros / 1_000)ms")
                } else {
                    draft.status = 502
                    draft.error = ErrorDetail(
                        type: "UpstreamError", message: "\(callee) returned \(child.status) for \(child.method) \(catalog.routes[child.route].template)")
                }
                draft.responseSize = 120 + random.below(120)
                break
            } else if child.status == 402 || (child.status == 409 && child.service == DemoCatalog.inventory) {
                draft.status = child.status
                draft.error =
                    child.status == 402
                    ? child.error
                    : ErrorDetail(type: "OutOfStock", message: "not enough stock to reserve all items of this order")
                draft.responseSize = 150 + random.below(150)
                break
            }
        }
        enqueue(children)
        return draft
    }

    /// A call from the service handling `parent` to another service, in the same trace.
    private mutating func downstream(
        _ call: DownstreamCall, parent: EventDraft, atMicros micros: Int64, incident: IncidentWindow?,
        catalog: DemoCatalog
    ) -> EventDraft {
        let route = catalog.routes[call.route]
        let caller = catalog.services[parent.service]
        var child = EventDraft(
            service: route.service, method: route.method, route: call.route,
            clientIP: .v4(192, 0, 2, UInt32(2 + (parent.service * 3 + parent.pod) % 8)), agent: caller.clientAgent)
        child.parameters = drawParameters(route, catalog: catalog)
        if case .context = call.parameter {
            child.parameters.0 = parent.context
        }
        if case .search = route.query, case .search = parent.query {
            child.query = parent.query
        } else {
            child.query = drawQuery(route.query, catalog: catalog)
        }
        child.consumer = parent.consumer
        child.user = parent.user
        child.traceHigh = parent.traceHigh
        child.traceLow = parent.traceLow
        child.span = nonZero(random.next())
        child.parentSpan = parent.span
        child.upstream = parent.service
        child.region = parent.region
        child.staging = parent.staging
        let service = catalog.services[route.service]
        child.pod = random.below(service.pods.count)
        child.reportsRoute = random.chance(service.routeReporting)
        settle(&child, route: route, plan: nil, atMicros: micros, incident: incident, catalog: catalog)
        return child
    }

    /// Draws status, duration, sizes and error for a request, applying the incident if it hits this route.
    mutating func settle(
        _ draft: inout EventDraft, route: Route, plan: Plan?, atMicros micros: Int64, incident: IncidentWindow?,
        catalog: DemoCatalog
    ) {
        var status = route.success
        var error: ErrorDetail?
        var slowdown = 1.0
        var timeoutMs = Int(min(30_000, max(3_000, route.latency.medianMs * 12)))
        if let incident, catalog.incidentTargets[incident.target].route == draft.route {
            let target = catalog.incidentTargets[incident.target]
            let intensity = incident.intensity(at: micros)
            slowdown = 1 + (incident.latencyFactor - 1) * intensity
            if random.chance(incident.errorRate * intensity) {
                status = target.status
                error = ErrorDetail(type: target.errorType, message: target.message)
                if target.timeoutMs > 0 {
                    timeoutMs = target.timeoutMs
                }
            }
        }
        if error == nil {
            if let plan, random.chance(plan.rateLimitShare) {
                status = 429
            } else {
                var pick = random.unit()
                for failure in route.failures {
                    if pick < failure.probability {
                        status = failure.status
                        break
                    }
                    pick -= failure.probability
                }
            }
        }

        var milliseconds = random.logNormal(median: route.latency.medianMs, sigma: route.latency.sigma)
        if random.chance(route.latency.tailProbability) {
            milliseconds *= route.latency.tailFactor * (0.5 + random.unit())
        }
        milliseconds *= slowdown
        switch status {
        case 429: milliseconds = 0.3 + random.unit() * 1.5
        case 400, 403, 404, 409, 413, 422: milliseconds *= 0.35
        case 401 where route.service != DemoCatalog.auth: milliseconds *= 0.15
        case 503: milliseconds *= 0.2
        case 504: milliseconds = Double(timeoutMs) + random.unit() * 25
        default: break
        }
        draft.status = status
        draft.durationMicros = max(30, Int64(milliseconds * 1_000))
        draft.requestSize =
            route.requestBytes > 0
            ? max(2, Int(random.logNormal(median: Double(route.requestBytes), sigma: 0.45))) : 0
        if status < 300 {
            draft.responseSize =
                route.responseBytes > 0 && status != 204
                ? max(2, Int(random.logNormal(median: Double(route.responseBytes), sigma: 0.35))) : 0
        } else {
            draft.responseSize = 90 + random.below(190)
        }
        if status >= 400 {
            draft.error = error ?? errorDetail(status: status, draft: draft, route: route, plan: plan, catalog: catalog)
        }
    }

    /// A plausible error type and message for a failure outside incidents.
    private mutating func errorDetail(
        status: Int, draft: EventDraft, route: Route, plan: Plan?, catalog: DemoCatalog
    ) -> ErrorDetail {
        let variant = random.below(3)
        switch status {
        case 400:
            return [
                ErrorDetail(type: "BadRequest", message: "malformed JSON body: unexpected end of input at line 1, column 48"),
                ErrorDetail(type: "ValidationError", message: "query parameter \"limit\" must be between 1 and 100"),
                ErrorDetail(type: "BadRequest", message: "unsupported Content-Type \"text/plain\"; expected application/json"),
            ][variant]
        case 401:
            if draft.route == catalog.journey.login {
                return ErrorDetail(type: "InvalidCredentials", message: "email or password is incorrect")
            }
            return [
                ErrorDetail(type: "Unauthorized", message: "bearer token expired"),
                ErrorDetail(type: "Unauthorized", message: "invalid API key"),
                ErrorDetail(type: "Unauthorized", message: "missing Authorization header"),
            ][variant]
        case 402:
            return [
                ErrorDetail(type: "CardDeclined", message: "card was declined: insufficient_funds"),
                ErrorDetail(type: "CardDeclined", message: "card was declined: do_not_honor"),
                ErrorDetail(type: "CardDeclined", message: "card was declined: expired_card"),
            ][variant]
        case 403:
            return variant == 0
                ? ErrorDetail(type: "Forbidden", message: "API key lacks scope \"\(route.resource.replacingSpaces()):write\"")
                : ErrorDetail(type: "Forbidden", message: "\(route.resource) belongs to another account")
        case 404:
            guard route.parameterCount > 0, case .parameter(let parameter)? = route.parts.first(where: \.isParameter)
            else {
                return ErrorDetail(type: "NotFound", message: "no \(route.resource) for this account")
            }
            var writer = JSONWriter(capacity: 40)
            EventDraft.writeParameter(
                parameter, value: draft.parameters.0, to: &writer, population: catalog.population)
            return ErrorDetail(
                type: "NotFound", message: "\(route.resource) \(String(decoding: writer.bytes, as: UTF8.self)) not found")
        case 409:
            return variant == 0
                ? ErrorDetail(type: "Conflict", message: "idempotency key already used with a different request body")
                : ErrorDetail(type: "Conflict", message: "\(route.resource) was modified concurrently (version \(7 + variant) ≠ \(6 + variant))")
        case 413:
            return ErrorDetail(type: "PayloadTooLarge", message: "request body exceeds the 10 MB limit")
        case 422:
            return [
                ErrorDetail(type: "ValidationError", message: "field \"quantity\" must be between 1 and 99"),
                ErrorDetail(type: "ValidationError", message: "field \"email\" is not a valid address"),
                ErrorDetail(type: "ValidationError", message: "field \"postal_code\" is required for country \"DE\""),
            ][variant]
        case 429:
            guard let plan else {
                return ErrorDetail(type: "RateLimited", message: "too many requests from this client")
            }
            return ErrorDetail(
                type: "RateLimited",
                message: "rate limit of \(plan.requestsPerMinute) requests/min exceeded for plan \(plan.name)")
        case 500:
            // shop runs on the JVM, payments and inventory are Go services, the rest hide their crashes.
            let crash = random.chance(0.3) ? 0 : [2, 1, 0, 0, 1, 0][route.service]
            return [
                ErrorDetail(type: "InternalError", message: "unexpected error, reference \(draft.span % 1_000_000)"),
                ErrorDetail(
                    type: "InternalError", message: "panic: runtime error: index out of range [3] with length 3",
                    stack: "goroutine 1187 [running]:\nmain.(*Ledger).entryAt(...)\n\t/src/internal/ledger/entries.go:214\nmain.(*Handler).apply(0xc000a1e000)\n\t/src/internal/ledger/handler.go:97 +0x1c5"),
                ErrorDetail(
                    type: "NullPointerException", message: "Cannot invoke \"Price.amount()\" because \"price\" is null",
                    stack: "java.lang.NullPointerException: Cannot invoke \"Price.amount()\" because \"price\" is null\n\tat example.pricing.PriceCalculator.apply(PriceCalculator.java:88)\n\tat example.orders.OrderService.total(OrderService.java:141)"),
            ][crash]
        case 502:
            return ErrorDetail(type: "UpstreamError", message: "bad gateway: upstream closed the connection")
        case 503:
            return ErrorDetail(type: "ServiceUnavailable", message: "database connection pool exhausted (50/50 in use)")
        case 504:
            return ErrorDetail(type: "TimeoutError", message: "request timed out after \(draft.durationMicros / 1_000)ms")
        default:
            return ErrorDetail(type: "HTTPError", message: "request failed with status \(status)")
        }
    }

    /// Draws values for a route's path parameters: recent and popular entities more often.
    mutating func drawParameters(_ route: Route, catalog: DemoCatalog) -> (UInt64, UInt64) {
        guard route.parameterCount > 0 else { return (0, 0) }
        var values: (UInt64, UInt64) = (0, 0)
        var index = 0
        for part in route.parts {
            guard case .parameter(let parameter) = part else { continue }
            let value = drawParameter(parameter, catalog: catalog)
            if index == 0 {
                values.0 = value
            } else {
                values.1 = value
            }
            index += 1
        }
        return values
    }

    private mutating func drawParameter(_ parameter: PathParameter, catalog: DemoCatalog) -> UInt64 {
        let population = catalog.population
        switch parameter {
        case .number(let range):
            let count = range.upperBound - range.lowerBound + 1
            // Small ranges (item positions) favour low values; large ones (ids) recent, high ones.
            return UInt64(count < 100 ? range.lowerBound + random.skewedIndex(count) : range.upperBound - random.skewedIndex(count))
        case .uuid:
            return UInt64(random.skewedIndex(200_000))
        case .productSlug, .sku:
            return UInt64(random.skewedIndex(population.products.count))
        case .categorySlug:
            return UInt64(random.below(population.categories.count))
        case .word(let words):
            return UInt64(random.below(words.count))
        case .token:
            return UInt64(random.skewedIndex(400_000))
        case .userReference:
            let consumer = population.consumers[population.consumerVolume.pick(random.unit())]
            return UInt64(consumer.userBase + random.skewedIndex(consumer.userCount))
        }
    }

    /// Draws a query string of the route's kind.
    mutating func drawQuery(_ kind: QueryKind, catalog: DemoCatalog) -> QueryValues {
        let population = catalog.population
        switch kind {
        case .none:
            return .none
        case .productList:
            return .productList(
                category: random.chance(0.55) ? random.below(population.categories.count) : -1,
                page: random.chance(0.7) ? 1 : 2 + random.skewedIndex(8),
                sort: random.chance(0.3) ? random.below(population.sorts.count) : -1,
                limit: random.chance(0.2) ? [24, 48, 96][random.below(3)] : 0)
        case .search:
            return .search(term: random.skewedIndex(population.searchTerms.count), limit: random.chance(0.6) ? 20 : 50)
        case .suggest:
            return .suggest(prefix: random.below(population.suggestPrefixes.count))
        case .orderList:
            return .orderList(
                status: random.chance(0.4) ? random.below(population.orderStatuses.count) : -1,
                limit: [25, 50, 100][random.below(3)])
        case .expand:
            return random.chance(0.35) ? .expandItems : .none
        case .report:
            return .report(xlsx: random.chance(0.3))
        case .cursor:
            return random.chance(0.3) ? .cursor(random.next()) : .none
        }
    }

    // MARK: Health probes and integrations

    /// A load balancer or Kubernetes probe hitting a health endpoint.
    mutating func probeDraft(atMicros micros: Int64, incident: IncidentWindow?, catalog: DemoCatalog) -> EventDraft {
        let agents = catalog.population.agents
        let routeIndex = catalog.healthRoutes[random.below(catalog.healthRoutes.count)]
        let caller = Caller(
            clientIP: .v4(192, 0, 2, UInt32(2 + random.below(8))),
            agent: agents.probes[random.below(agents.probes.count)], region: random.below(2))
        return request(
            routeIndex, parameters: (0, 0), query: .none, caller: caller, atMicros: micros, incident: incident,
            catalog: catalog)
    }

    /// A consumer's backend calling the APIs with its SDK (sometimes a developer with curl),
    /// or the card acquirer delivering a webhook.
    mutating func integrationDraft(atMicros micros: Int64, incident: IncidentWindow?, catalog: DemoCatalog)
        -> EventDraft
    {
        let population = catalog.population
        let agents = population.agents
        if random.chance(0.015) {
            let routeIndex = catalog.journey.webhook
            let caller = Caller(
                clientIP: .v4(198, 51, 100, UInt32(240 + random.below(8))), agent: agents.webhookSender)
            return request(
                routeIndex, parameters: drawParameters(catalog.routes[routeIndex], catalog: catalog), query: .none,
                caller: caller, atMicros: micros, incident: incident, catalog: catalog)
        }
        let consumerIndex = population.consumerVolume.pick(random.unit())
        let consumer = population.consumers[consumerIndex]
        var caller = Caller(
            consumer: consumerIndex, clientIP: .v4(192, 0, 2, UInt32(consumer.serverOctet + random.below(3))),
            agent: consumer.sdkAgent, region: consumer.region)
        if random.chance(0.04) {
            caller.agent = agents.tools[random.below(agents.tools.count)]
            if caller.agent == agents.tools[0] && random.chance(0.25) {
                caller.leakedKey = scramble(UInt64(consumerIndex) ^ 0x5EC7E7)
            }
        }
        if random.chance(0.45) {
            caller.user = consumer.userBase + random.skewedIndex(consumer.userCount)
        }
        caller.staging = consumer.plan != .free && random.chance(0.05)

        if random.chance(0.005) {
            return strayDraft(caller: caller, catalog: catalog)
        }
        let routeIndex = catalog.apiRoutes.pick(random.unit())
        let route = catalog.routes[routeIndex]
        var parameters = drawParameters(route, catalog: catalog)
        if case .parameter(.userReference)? = route.parts.last, caller.user >= 0 {
            parameters.0 = UInt64(caller.user)
        }
        let context: UInt64 =
            routeIndex == catalog.journey.product ? parameters.0 : UInt64(random.skewedIndex(population.products.count))
        return request(
            routeIndex, parameters: parameters, context: context, query: drawQuery(route.query, catalog: catalog),
            caller: caller, atMicros: micros, incident: incident, catalog: catalog)
    }

    /// A request to a path no route matches: a client bug or a stale integration.
    private mutating func strayDraft(caller: Caller, catalog: DemoCatalog) -> EventDraft {
        let path = catalog.strayPaths[random.below(catalog.strayPaths.count)]
        let method = random.chance(0.8) ? "GET" : "POST"
        var draft = EventDraft(
            service: DemoCatalog.shop, method: method, route: -1, clientIP: caller.clientIP, agent: caller.agent)
        draft.strayPath = path
        draft.consumer = caller.consumer
        draft.user = caller.user
        draft.region = caller.region
        draft.staging = caller.staging
        draft.traceHigh = random.next()
        draft.traceLow = nonZero(random.next())
        draft.span = nonZero(random.next())
        draft.pod = random.below(catalog.services[DemoCatalog.shop].pods.count)
        draft.status = 404
        draft.durationMicros = Int64(400 + random.below(1_600))
        draft.requestSize = method == "POST" ? 80 + random.below(400) : 0
        draft.responseSize = 110 + random.below(40)
        draft.error = ErrorDetail(type: "NotFound", message: "no route matches \(method) \(path)")
        return draft
    }
}

/// Trace and span ids must not be all zeros.
@inline(__always)
func nonZero(_ value: UInt64) -> UInt64 {
    value == 0 ? 1 : value
}

extension PathPart {
    var isParameter: Bool {
        if case .parameter = self { return true }
        return false
    }
}

extension String {
    /// `payment intent` → `payment_intent`, for scope names.
    fileprivate func replacingSpaces() -> String {
        String(map { $0 == " " ? "_" : $0 })
    }
}
