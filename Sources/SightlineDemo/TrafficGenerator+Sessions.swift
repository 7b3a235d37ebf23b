/// A step of an end user's journey through the shop.
enum JourneyStep: Sendable {
    case login, refresh, logout, passwordReset
    case profile, updateProfile, addresses
    case browse, categories, categoryProducts, product, reviews, writeReview
    case suggest, search
    case addToCart, cart, updateCart, removeFromCart
    case checkout, pay, orders, order, orderItems, orderItem, cancel
    case finished

    /// Steps that need a signed-in user; a journey reaching one signs in first.
    var needsLogin: Bool {
        switch self {
        case .profile, .updateProfile, .addresses, .writeReview, .checkout, .pay, .orders, .order, .orderItems,
            .orderItem, .cancel, .logout:
            true
        default:
            false
        }
    }
}

/// One end user's visit: consecutive requests share its id, address, device and what they look at.
struct Session: Sendable {
    var id: UInt64
    var consumer: Int
    var user: Int
    var clientIP: ClientIP
    var agent: Int
    var mobile: Bool
    var region: Int
    var step: JourneyStep
    /// Where to continue after signing in.
    var resume: JourneyStep?
    var signedIn: Bool
    var product = 0
    var category = 0
    var searchTerm = 0
    var page = 1
    var cartItem = 0
    var order = 0
    var remaining: Int
    var lastMicros: Int64
}

extension TrafficGenerator {
    /// Sessions end after this much inactivity.
    static let sessionIdleMicros: Int64 = 30 * 60 * 1_000_000

    /// A new visit by one of a consumer's end users, on the user's usual device and address.
    mutating func newSession(atMicros micros: Int64) -> Session {
        let population = DemoCatalog.standard.population
        let consumerIndex = population.consumerVolume.pick(random.unit())
        let consumer = population.consumers[consumerIndex]
        let user = consumer.userBase + random.skewedIndex(consumer.userCount)
        let device = scramble(UInt64(user) ^ 0xDE71CE)
        let mobile = device % 100 < 35
        let agents = population.agents
        let agent =
            mobile
            ? agents.mobileApps[Int(device >> 8 % UInt64(agents.mobileApps.count))]
            : agents.browsers[Int(device >> 8 % UInt64(agents.browsers.count))]
        let address = random.chance(0.8) ? device : random.next()
        let clientIP: ClientIP
        if address >> 20 % 100 < 15 {
            // 2001:db8:1000:: and up; 2001:db8:bad::/48 stays reserved for attackers.
            let high = UInt32(0x1000 + address >> 28 % 0xE000) << 16 | UInt32(address >> 44 & 0xFFFF)
            clientIP = .v6(high: high, low: UInt32(truncatingIfNeeded: address))
        } else {
            let network: UInt32 = address >> 36 & 1 == 0 ? 203 << 16 | 0 << 8 | 113 : 198 << 16 | 51 << 8 | 100
            clientIP = .v4(network << 8 | UInt32(1 + address >> 40 % 254))
        }
        var session = Session(
            id: nonZero(random.next()), consumer: consumerIndex, user: user, clientIP: clientIP, agent: agent,
            mobile: mobile, region: consumer.region, step: .browse, resume: nil, signedIn: mobile,
            remaining: 3 + min(37, Int(random.logNormal(median: 6, sigma: 0.6))), lastMicros: micros)
        session.product = random.skewedIndex(population.products.count)
        session.category = random.below(population.categories.count)
        session.searchTerm = random.skewedIndex(population.searchTerms.count)
        let start = random.unit()
        if mobile && start < 0.5 {
            session.step = .refresh
        } else if start < 0.2 {
            session.step = .login
            session.resume = .profile
        } else if start < 0.5 {
            session.step = .browse
        } else if start < 0.65 {
            session.step = .categories
        } else if start < 0.85 {
            session.step = .suggest
        } else if start < 0.98 {
            session.step = .orders
        } else {
            session.step = .passwordReset
        }
        if session.step.needsLogin && !session.signedIn {
            session.resume = session.step
            session.step = .login
        }
        return session
    }

    /// The next request of a random ongoing session; finished or idle sessions are replaced.
    mutating func sessionDraft(atMicros micros: Int64, incident: IncidentWindow?, catalog: DemoCatalog) -> EventDraft {
        let slot = random.below(sessions.count)
        var session = sessions[slot]
        if session.step == .finished || micros - session.lastMicros > Self.sessionIdleMicros {
            session = newSession(atMicros: micros)
        }
        let routes = catalog.journey
        let population = catalog.population
        let caller = Caller(
            consumer: session.consumer, user: session.signedIn || session.step == .login ? session.user : -1,
            session: session.id, clientIP: session.clientIP, agent: session.agent, region: session.region)
        let user = UInt64(session.user)
        let order = UInt64(session.order)
        let (routeIndex, parameters, context, query): (Int, (UInt64, UInt64), UInt64, QueryValues) =
            switch session.step {
            case .login: (routes.login, (0, 0), 0, .none)
            case .refresh: (routes.refresh, (0, 0), 0, .none)
            case .logout: (routes.logout, (0, 0), 0, .none)
            case .passwordReset: (routes.passwordReset, (0, 0), 0, .none)
            case .profile: (routes.profile, (0, 0), 0, .none)
            case .updateProfile: (routes.updateProfile, (0, 0), 0, .none)
            case .addresses: (routes.addresses, (user, 0), 0, .none)
            case .browse:
                (
                    routes.browse, (0, 0), 0,
                    .productList(
                        category: session.page == 1 && random.chance(0.5) ? -1 : session.category, page: session.page,
                        sort: random.chance(0.2) ? random.below(population.sorts.count) : -1, limit: 0)
                )
            case .categories: (routes.categories, (0, 0), 0, .none)
            case .categoryProducts:
                (
                    routes.categoryProducts, (UInt64(session.category), 0), 0,
                    session.page > 1 ? .cursor(scramble(UInt64(session.page) ^ session.id)) : .none
                )
            case .product: (routes.product, (UInt64(session.product), 0), UInt64(session.product), .none)
            case .reviews: (routes.reviews, (UInt64(session.product), 0), 0, .none)
            case .writeReview: (routes.writeReview, (UInt64(session.product), 0), 0, .none)
            case .suggest: (routes.suggest, (0, 0), 0, .suggest(prefix: random.below(population.suggestPrefixes.count)))
            case .search: (routes.search, (0, 0), 0, .search(term: session.searchTerm, limit: 20))
            case .addToCart: (routes.addToCart, (0, 0), UInt64(session.product), .none)
            case .cart: (routes.cart, (0, 0), 0, .none)
            case .updateCart: (routes.updateCart, (UInt64(session.cartItem), 0), 0, .none)
            case .removeFromCart: (routes.removeFromCart, (UInt64(session.cartItem), 0), 0, .none)
            case .checkout: (routes.checkout, (0, 0), 0, .none)
            case .pay: (routes.pay, (order, 0), order, .none)
            case .orders:
                (
                    routes.orders, (0, 0), 0,
                    .orderList(status: random.chance(0.3) ? random.below(population.orderStatuses.count) : -1, limit: 25)
                )
            case .order: (routes.order, (order, 0), 0, random.chance(0.3) ? .expandItems : .none)
            case .orderItems: (routes.orderItems, (order, 0), 0, .none)
            case .orderItem: (routes.orderItem, (order, UInt64(1 + random.skewedIndex(4))), 0, .none)
            case .cancel: (routes.cancel, (order, 0), 0, .none)
            case .finished: (routes.browse, (0, 0), 0, .none)
            }
        let draft = request(
            routeIndex, parameters: parameters, context: context, query: query, caller: caller, atMicros: micros,
            incident: incident, catalog: catalog)
        advance(&session, after: draft.status, catalog: catalog)
        session.lastMicros = micros
        sessions[slot] = session
        return draft
    }

    /// Moves a session to its next step, as a funnel: browse → product → cart → checkout → payment.
    private mutating func advance(_ session: inout Session, after status: Int, catalog: DemoCatalog) {
        let population = catalog.population
        let step = session.step
        var next: JourneyStep
        if status == 401 && step != .login && step != .refresh {
            session.signedIn = false
            session.resume = step
            next = session.mobile ? .refresh : .login
        } else if status == 429 || status >= 500 {
            // Retry, give up, or carry on elsewhere.
            let pick = random.unit()
            next = pick < 0.45 ? step : pick < 0.75 ? .finished : .browse
        } else {
            next = nextStep(after: step, status: status, &session, population: population)
        }
        if next == .login || next == .refresh, step != .login, step != .refresh, session.resume == nil {
            session.resume = step
        }
        if next.needsLogin && !session.signedIn && next != .logout {
            session.resume = next
            next = .login
        }
        session.remaining -= 1
        if session.remaining <= 0 && ![.checkout, .pay, .login, .refresh].contains(next) {
            next = session.signedIn && !session.mobile && random.chance(0.25) ? .logout : .finished
        }
        session.step = next
    }

    private mutating func nextStep(
        after step: JourneyStep, status: Int, _ session: inout Session, population: DemoPopulation
    ) -> JourneyStep {
        let pick = random.unit()
        let succeeded = status < 400
        switch step {
        case .login:
            guard succeeded else { return pick < 0.55 ? .login : pick < 0.65 ? .passwordReset : .finished }
            session.signedIn = true
            defer { session.resume = nil }
            return session.resume ?? (pick < 0.5 ? .profile : .browse)
        case .refresh:
            guard succeeded else { return .login }
            session.signedIn = true
            defer { session.resume = nil }
            return session.resume ?? (pick < 0.5 ? .browse : pick < 0.7 ? .orders : .suggest)
        case .logout, .passwordReset, .finished:
            return .finished
        case .profile:
            return pick < 0.35 ? .orders : pick < 0.7 ? .browse : pick < 0.8 ? .addresses : pick < 0.85 ? .updateProfile : .finished
        case .updateProfile, .addresses:
            return pick < 0.3 ? .profile : pick < 0.6 ? .browse : .finished
        case .browse:
            if pick < 0.2 {
                session.page += 1
                return .browse
            }
            session.page = 1
            if pick < 0.75 {
                session.product = random.skewedIndex(population.products.count)
                return .product
            }
            return pick < 0.85 ? .suggest : pick < 0.9 ? .categories : .finished
        case .categories:
            session.category = random.below(population.categories.count)
            session.page = 1
            return pick < 0.8 ? .categoryProducts : pick < 0.9 ? .browse : .finished
        case .categoryProducts:
            if pick < 0.15 {
                session.page += 1
                return .categoryProducts
            }
            session.page = 1
            if pick < 0.75 {
                session.product = random.skewedIndex(population.products.count)
                return .product
            }
            return pick < 0.9 ? .browse : .finished
        case .suggest:
            if pick < 0.35 { return .suggest }
            session.searchTerm = random.skewedIndex(population.searchTerms.count)
            return pick < 0.9 ? .search : .finished
        case .search:
            if pick < 0.6 {
                session.product = random.skewedIndex(population.products.count)
                return .product
            }
            return pick < 0.75 ? .suggest : .finished
        case .product:
            if pick < 0.15 { return .reviews }
            if pick < 0.45 { return .addToCart }
            if pick < 0.65 {
                session.product = random.skewedIndex(population.products.count)
                return .product
            }
            return pick < 0.8 ? .browse : pick < 0.85 ? .suggest : .finished
        case .reviews:
            return pick < 0.03 ? .writeReview : pick < 0.33 ? .addToCart : pick < 0.73 ? .product : .finished
        case .writeReview:
            return pick < 0.5 ? .product : .finished
        case .addToCart:
            if succeeded {
                session.cartItem = DemoCatalog.cartItemIDs.lowerBound + random.below(DemoCatalog.cartItemIDs.count)
            }
            if pick < 0.5 { return .cart }
            if pick < 0.75 {
                session.product = random.skewedIndex(population.products.count)
                return .product
            }
            return pick < 0.9 ? .browse : .finished
        case .cart:
            return pick < 0.45 ? .checkout : pick < 0.57 ? .updateCart : pick < 0.65 ? .removeFromCart : pick < 0.85 ? .browse : .finished
        case .updateCart, .removeFromCart:
            return pick < 0.7 ? .cart : .finished
        case .checkout:
            guard succeeded else { return pick < 0.6 ? .cart : .finished }
            session.order = nextOrderID
            nextOrderID += 1
            return .pay
        case .pay:
            if status == 402 { return pick < 0.5 ? .pay : .finished }
            guard succeeded else { return pick < 0.5 ? .cart : .finished }
            return pick < 0.7 ? .order : .finished
        case .orders:
            session.order = DemoCatalog.orderIDs.upperBound - random.skewedIndex(DemoCatalog.orderIDs.count)
            return pick < 0.65 ? .order : .finished
        case .order:
            return pick < 0.3 ? .orderItems : pick < 0.45 ? .orders : pick < 0.49 ? .cancel : .finished
        case .orderItems:
            return pick < 0.4 ? .orderItem : .finished
        case .orderItem:
            return pick < 0.4 ? .order : .finished
        case .cancel:
            return pick < 0.5 ? .orders : .finished
        }
    }
}
