/// A simulated service: where its requests go and how it reports them.
struct Service: Sendable {
    var name: String
    var host: String
    var stagingHost: String
    var scheme: String
    /// Share of its events that carry the route template (an SDK with framework
    /// integration reports it; a log shipper in front of the service does not).
    var routeReporting: Double
    var pods: [String]
    /// The user agent it sends when it calls another service.
    var clientAgent: Int
}

/// A call a route makes to another service while handling a request (same trace).
struct DownstreamCall: Sendable {
    enum Parameter: Sendable {
        /// The callee's parameters are drawn afresh.
        case fresh
        /// The callee's first parameter is the caller's hidden context (a product or an order).
        case context
    }

    var route: Int
    var probability: Double
    var parameter: Parameter
}

/// What goes wrong on a route during an incident.
struct IncidentTarget: Sendable {
    var route: Int
    var latencyFactor: Double
    var errorRate: Double
    var status: Int
    var errorType: String
    var message: String
    /// When the incident's errors are timeouts, the timeout in milliseconds (their duration).
    var timeoutMs: Int
}

/// A probe a path scanner sends: none of them matches a route.
struct ScanProbe: Sendable {
    var method: String
    var path: String
    var status: Int
    var query: (key: String, value: String)?
}

/// The closed world the generator draws from: services, routes, consumers, agents, products.
///
/// Built once and shared (a class, so that passing it around costs one reference); every
/// index stored in an event draft points into these arrays.
final class DemoCatalog: Sendable {
    static let standard = DemoCatalog()

    static let shop = 0, payments = 1, auth = 2, search = 3, inventory = 4, notifications = 5

    let services: [Service]
    let routes: [Route]
    let calls: [[DownstreamCall]]
    let incidentTargets: [IncidentTarget]
    let apiRoutes: WeightedTable
    let healthRoutes: [Int]
    let population: DemoPopulation
    let scanProbes: [ScanProbe]
    /// Paths API clients get wrong; none matches a route.
    let strayPaths: [String]
    let journey: JourneyRoutes
    let encoded: EncodedFields

    private init() {
        let population = DemoPopulation()
        self.population = population
        let agents = population.agents
        let services = [
            Service(
                name: "shop", host: "api.shop.example", stagingHost: "api.staging.shop.example", scheme: "https",
                routeReporting: 0.85, pods: Self.pods("shop", 5, 11), clientAgent: agents.index(of: "shop-api/4.12.0")),
            Service(
                name: "payments", host: "api.payments.example", stagingHost: "api.staging.payments.example",
                scheme: "https", routeReporting: 1.0, pods: Self.pods("payments", 3, 23),
                clientAgent: agents.index(of: "payments-api/2.7.3")),
            Service(
                name: "auth", host: "id.shop.example", stagingHost: "id.staging.shop.example", scheme: "https",
                routeReporting: 0.95, pods: Self.pods("auth", 3, 37), clientAgent: agents.index(of: "auth-service/1.19.0")),
            Service(
                name: "search", host: "search.shop.example", stagingHost: "search.staging.shop.example",
                scheme: "https", routeReporting: 0, pods: Self.pods("search", 4, 41),
                clientAgent: agents.index(of: "search-gateway/0.31.2")),
            Service(
                name: "inventory", host: "inventory.internal.example", stagingHost: "inventory.staging.internal.example",
                scheme: "http", routeReporting: 0.5, pods: Self.pods("inventory", 3, 53),
                clientAgent: agents.index(of: "inventory-svc/3.2.0")),
            Service(
                name: "notifications", host: "notify.shop.example", stagingHost: "notify.staging.shop.example",
                scheme: "https", routeReporting: 0.3, pods: Self.pods("notifications", 2, 67),
                clientAgent: agents.index(of: "notifications-worker/1.4.5")),
        ]
        self.services = services
        let routes = Self.makeRoutes()
        self.routes = routes
        var byKey: [String: Int] = [:]
        for (index, route) in routes.enumerated() {
            // Several services share `GET /health`; lookups below name unique routes only.
            if let other = byKey[route.key] {
                precondition(routes[other].service != route.service, "duplicate route \(route.key)")
            } else {
                byKey[route.key] = index
            }
        }
        func route(_ key: String) -> Int {
            guard let index = byKey[key] else { preconditionFailure("unknown route \(key)") }
            return index
        }

        var calls = [[DownstreamCall]](repeating: [], count: routes.count)
        calls[route("POST /orders")] = [
            DownstreamCall(route: route("POST /v1/reservations"), probability: 1, parameter: .fresh),
            DownstreamCall(route: route("POST /v1/payment_intents"), probability: 1, parameter: .fresh),
        ]
        calls[route("POST /orders/{id}/payment")] = [
            DownstreamCall(route: route("POST /v1/payment_intents/{id}/capture"), probability: 1, parameter: .context),
            DownstreamCall(route: route("POST /v1/messages"), probability: 0.9, parameter: .fresh),
        ]
        calls[route("POST /orders/{id}/cancel")] = [
            DownstreamCall(route: route("POST /v1/refunds"), probability: 0.85, parameter: .fresh),
            DownstreamCall(route: route("DELETE /v1/reservations/{id}"), probability: 0.6, parameter: .fresh),
        ]
        calls[route("GET /v2/products/{slug}")] = [
            DownstreamCall(route: route("GET /v1/stock/{sku}"), probability: 0.7, parameter: .context)
        ]
        calls[route("POST /cart/items")] = [
            DownstreamCall(route: route("GET /v1/stock/{sku}"), probability: 1, parameter: .context)
        ]
        calls[route("GET /v2/search")] = [
            DownstreamCall(route: route("GET /v1/search"), probability: 1, parameter: .fresh)
        ]
        calls[route("POST /auth/password/reset")] = [
            DownstreamCall(route: route("POST /v1/messages"), probability: 1, parameter: .fresh)
        ]
        self.calls = calls

        let incidentTargets = [
            IncidentTarget(
                route: route("POST /v1/payment_intents/{id}/capture"), latencyFactor: 6, errorRate: 0.35, status: 504,
                errorType: "TimeoutError", message: "upstream acquirer timed out after 5000ms", timeoutMs: 5000),
            IncidentTarget(
                route: route("GET /v1/search"), latencyFactor: 5, errorRate: 0.2, status: 504,
                errorType: "TimeoutError", message: "query timed out after 3000ms on shard products-4", timeoutMs: 3000),
            IncidentTarget(
                route: route("POST /orders"), latencyFactor: 2.5, errorRate: 0.3, status: 500,
                errorType: "DatabaseError", message: "deadlock detected while inserting into order_lines", timeoutMs: 0),
            IncidentTarget(
                route: route("GET /v1/stock/{sku}"), latencyFactor: 8, errorRate: 0.25, status: 503,
                errorType: "ServiceUnavailable", message: "connection pool exhausted (64/64 in use)", timeoutMs: 0),
            IncidentTarget(
                route: route("POST /auth/login"), latencyFactor: 4, errorRate: 0.15, status: 503,
                errorType: "ServiceUnavailable", message: "password hashing workers saturated, retry later", timeoutMs: 0),
            IncidentTarget(
                route: route("GET /v2/products/{slug}"), latencyFactor: 7, errorRate: 0.08, status: 500,
                errorType: "CacheError", message: "redis: connection reset by peer (cache-2:6379)", timeoutMs: 0),
            IncidentTarget(
                route: route("POST /v1/messages"), latencyFactor: 3, errorRate: 0.4, status: 502,
                errorType: "UpstreamError", message: "SMTP relay answered \"451 4.7.1 try again later\"", timeoutMs: 0),
        ]

        self.incidentTargets = incidentTargets
        apiRoutes = WeightedTable(routes.map(\.apiWeight))
        healthRoutes = routes.indices.filter { routes[$0].template.hasPrefix("/health") }
        journey = JourneyRoutes(route)
        scanProbes = Self.makeScanProbes()
        strayPaths = [
            "/v2/prodcts", "/api/v2/products", "/v3/products", "/v2/orders", "/order/", "/v2/products/",
            "/users/me/", "/v1/payment-intents", "/orders/null", "/v2/categories/undefined/items",
        ]
        encoded = EncodedFields(services: services, routes: routes, population: population)
    }

    /// Kubernetes-style pod names, stable for the catalog.
    private static func pods(_ service: String, _ count: Int, _ salt: UInt64) -> [String] {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        let replicaSet = scramble(salt)
        var names: [String] = []
        for pod in 0..<count {
            var suffix = ""
            var bits = scramble(salt &* 131 &+ UInt64(pod))
            for _ in 0..<5 {
                suffix.append(alphabet[Int(bits % UInt64(alphabet.count))])
                bits /= UInt64(alphabet.count)
            }
            var hash = ""
            var setBits = replicaSet
            for _ in 0..<10 {
                hash.append(alphabet[Int(setBits % UInt64(alphabet.count))])
                setBits /= UInt64(alphabet.count)
            }
            names.append("\(service)-\(hash)-\(suffix)")
        }
        return names
    }
}

/// The routes journeys walk through, by name.
struct JourneyRoutes: Sendable {
    var login, logout, refresh, passwordReset: Int
    var profile, updateProfile, addresses: Int
    var browse, categories, categoryProducts, product, reviews, writeReview: Int
    var suggest, search: Int
    var addToCart, cart, updateCart, removeFromCart: Int
    var checkout, pay, orders, order, orderItems, orderItem, cancel: Int
    var webhook: Int

    init(_ route: (String) -> Int) {
        login = route("POST /auth/login")
        logout = route("POST /auth/logout")
        refresh = route("POST /auth/token/refresh")
        passwordReset = route("POST /auth/password/reset")
        profile = route("GET /users/me")
        updateProfile = route("PUT /users/me")
        addresses = route("GET /users/{userId}/addresses")
        browse = route("GET /v2/products")
        categories = route("GET /v2/categories")
        categoryProducts = route("GET /v2/categories/{slug}/products")
        product = route("GET /v2/products/{slug}")
        reviews = route("GET /v2/products/{slug}/reviews")
        writeReview = route("POST /v2/products/{slug}/reviews")
        suggest = route("GET /v1/search/suggest")
        search = route("GET /v2/search")
        addToCart = route("POST /cart/items")
        cart = route("GET /cart")
        updateCart = route("PATCH /cart/items/{itemId}")
        removeFromCart = route("DELETE /cart/items/{itemId}")
        checkout = route("POST /orders")
        pay = route("POST /orders/{id}/payment")
        orders = route("GET /orders")
        order = route("GET /orders/{id}")
        orderItems = route("GET /orders/{id}/items")
        orderItem = route("GET /orders/{id}/items/{itemId}")
        cancel = route("POST /orders/{id}/cancel")
        webhook = route("POST /v1/webhooks/{provider}")
    }
}
