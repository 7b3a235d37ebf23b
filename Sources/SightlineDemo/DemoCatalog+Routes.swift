extension DemoCatalog {
    /// Orders, cart items and legacy product ids share these ranges so ids repeat across events.
    static let orderIDs = 100_000...260_000
    static let itemIDs = 1...12
    static let cartItemIDs = 1_000_000...1_400_000
    static let legacyProductIDs = 1...4_800

    /// The endpoints of all services: a few hot ones, a long tail, slow ones with heavy tails.
    static func makeRoutes() -> [Route] {
        let shop = Self.shop, payments = Self.payments, auth = Self.auth
        let search = Self.search, inventory = Self.inventory, notifications = Self.notifications
        let order = PathParameter.number(orderIDs)
        let item = PathParameter.number(itemIDs)
        let cartItem = PathParameter.number(cartItemIDs)
        let intent = PathParameter.token(prefix: "pi_")
        let customer = PathParameter.token(prefix: "cus_")
        let noContentFailures = [Failure(401, 0.003), Failure(404, 0.01), Failure(500, 0.001)]
        return [
            // shop: storefront and merchant API
            Route(
                shop, "GET", "/v2/products", resource: "product", api: 30, latency: Latency(35, 0.45, tail: 0.02),
                failures: FailureMix.read, response: 8_200, query: .productList),
            Route(
                shop, "GET", "/v2/products/{slug}", [.productSlug], resource: "product", api: 24,
                latency: Latency(18, 0.5, tail: 0.02, factor: 5), failures: FailureMix.readByID, response: 3_600),
            Route(
                shop, "GET", "/v2/products/{slug}/reviews", [.productSlug], resource: "product", api: 2,
                latency: Latency(28, 0.5), failures: FailureMix.readByID, response: 6_400, query: .cursor),
            Route(
                shop, "POST", "/v2/products/{slug}/reviews", [.productSlug], resource: "product",
                latency: Latency(45, 0.4), failures: FailureMix.write, request: 520, response: 640),
            Route(
                shop, "GET", "/v2/categories", resource: "category", api: 4, latency: Latency(6, 0.35),
                failures: FailureMix.read, response: 2_100),
            Route(
                shop, "GET", "/v2/categories/{slug}/products", [.categorySlug], resource: "category", api: 6,
                latency: Latency(40, 0.45), failures: FailureMix.readByID, response: 7_900, query: .cursor),
            Route(
                shop, "GET", "/v2/search", resource: "search", latency: Latency(12, 0.4),
                failures: FailureMix.read, response: 11_500, query: .search),
            Route(
                shop, "GET", "/v1/products/{id}", [.number(legacyProductIDs)], resource: "product", api: 9,
                latency: Latency(31, 0.55, tail: 0.03), failures: FailureMix.readByID, response: 4_100),
            Route(
                shop, "GET", "/cart", resource: "cart", latency: Latency(12, 0.4), failures: FailureMix.read,
                response: 1_800),
            Route(
                shop, "POST", "/cart/items", resource: "cart item", latency: Latency(22, 0.4),
                failures: FailureMix.write, request: 96, response: 1_900),
            Route(
                shop, "PATCH", "/cart/items/{itemId}", [cartItem], resource: "cart item", latency: Latency(18, 0.4),
                success: 200, failures: FailureMix.write, request: 40, response: 1_850),
            Route(
                shop, "DELETE", "/cart/items/{itemId}", [cartItem], resource: "cart item", latency: Latency(14, 0.4),
                failures: noContentFailures, response: 0),
            Route(
                shop, "POST", "/orders", resource: "order", api: 6, latency: Latency(70, 0.45, tail: 0.03),
                failures: FailureMix.write, request: 640, response: 2_400),
            Route(
                shop, "GET", "/orders", resource: "order", api: 12, latency: Latency(45, 0.5, tail: 0.02),
                failures: FailureMix.read, response: 9_300, query: .orderList),
            Route(
                shop, "GET", "/orders/{id}", [order], resource: "order", api: 20, latency: Latency(22, 0.45),
                failures: FailureMix.readByID, response: 2_400, query: .expand),
            Route(
                shop, "GET", "/orders/{id}/items", [order], resource: "order", api: 5, latency: Latency(26, 0.45),
                failures: FailureMix.readByID, response: 3_100),
            Route(
                shop, "GET", "/orders/{id}/items/{itemId}", [order, item], resource: "order item", api: 2,
                latency: Latency(15, 0.4), failures: FailureMix.readByID, response: 900),
            Route(
                shop, "POST", "/orders/{id}/payment", [order], resource: "order", latency: Latency(25, 0.4),
                success: 200, failures: FailureMix.write + [Failure(409, 0.01)], request: 180, response: 1_200),
            Route(
                shop, "POST", "/orders/{id}/cancel", [order], resource: "order", api: 0.6, latency: Latency(60, 0.5),
                success: 200, failures: FailureMix.write + [Failure(409, 0.05)], request: 60, response: 2_300),
            Route(
                shop, "GET", "/users/me", resource: "user", latency: Latency(9, 0.35), failures: FailureMix.read,
                response: 1_100),
            Route(
                shop, "PUT", "/users/me", resource: "user", latency: Latency(30, 0.4), failures: FailureMix.write,
                request: 410, response: 1_100),
            Route(
                shop, "GET", "/users/{userId}/addresses", [.userReference], resource: "user", api: 3,
                latency: Latency(14, 0.4), failures: FailureMix.readByID, response: 1_300),
            Route(
                shop, "GET", "/reports/sales/export", resource: "report", api: 0.3,
                latency: Latency(2_200, 0.7, tail: 0.1, factor: 4), failures: FailureMix.read + [Failure(504, 0.02)],
                response: 2_400_000, query: .report),
            Route(
                shop, "GET", "/health", resource: "health", latency: Latency(1.1, 0.3), failures: FailureMix.probe,
                response: 48),

            // payments
            Route(
                payments, "POST", "/v1/payment_intents", resource: "payment intent", api: 5,
                latency: Latency(180, 0.4, tail: 0.05), failures: FailureMix.write, request: 360, response: 1_500),
            Route(
                payments, "POST", "/v1/payment_intents/{id}/capture", [intent], resource: "payment intent", api: 1.5,
                latency: Latency(420, 0.6, tail: 0.08, factor: 6), success: 200,
                failures: [
                    Failure(402, 0.04), Failure(404, 0.004), Failure(409, 0.006), Failure(500, 0.003),
                    Failure(502, 0.002), Failure(504, 0.003),
                ], request: 120, response: 1_600),
            Route(
                payments, "GET", "/v1/payment_intents/{id}", [intent], resource: "payment intent", api: 8,
                latency: Latency(15, 0.4), failures: FailureMix.readByID, response: 1_500),
            Route(
                payments, "POST", "/v1/refunds", resource: "refund", api: 1, latency: Latency(250, 0.5, tail: 0.04),
                failures: FailureMix.write, request: 180, response: 700),
            Route(
                payments, "GET", "/v1/customers/{id}", [customer], resource: "customer", api: 4,
                latency: Latency(18, 0.4), failures: FailureMix.readByID, response: 1_200),
            Route(
                payments, "GET", "/v1/customers/{id}/payment_methods", [customer], resource: "customer", api: 3,
                latency: Latency(20, 0.45), failures: FailureMix.readByID, response: 2_200),
            Route(
                payments, "POST", "/v1/webhooks/{provider}", [.word(["acquirer-one", "cardnet", "walletpay"])],
                resource: "webhook", latency: Latency(35, 0.5), success: 200,
                failures: [Failure(400, 0.01), Failure(401, 0.01), Failure(500, 0.002)], request: 1_500, response: 2),
            Route(
                payments, "GET", "/health", resource: "health", latency: Latency(1.3, 0.3), failures: FailureMix.probe,
                response: 48),

            // auth
            Route(
                auth, "POST", "/auth/login", resource: "session", latency: Latency(95, 0.25), success: 200,
                failures: [Failure(400, 0.01), Failure(401, 0.07), Failure(429, 0.003), Failure(500, 0.0005)],
                request: 88, response: 1_350),
            Route(
                auth, "POST", "/auth/logout", resource: "session", latency: Latency(8, 0.3), success: 204,
                failures: [Failure(401, 0.02)], request: 0, response: 0),
            Route(
                auth, "POST", "/auth/token/refresh", resource: "token", latency: Latency(12, 0.35), success: 200,
                failures: [Failure(400, 0.005), Failure(401, 0.04), Failure(500, 0.0005)], request: 640,
                response: 1_300),
            Route(
                auth, "POST", "/oauth/token", resource: "client", api: 8, latency: Latency(40, 0.35), success: 200,
                failures: [Failure(400, 0.005), Failure(401, 0.015), Failure(500, 0.0005)], request: 150,
                response: 1_250),
            Route(
                auth, "GET", "/.well-known/jwks.json", resource: "key set", api: 6, latency: Latency(2, 0.3),
                failures: FailureMix.probe, response: 1_180),
            Route(
                auth, "GET", "/auth/sessions/{id}", [.uuid], resource: "session", api: 2, latency: Latency(6, 0.35),
                failures: FailureMix.readByID, response: 420),
            Route(
                auth, "POST", "/auth/password/reset", resource: "account", latency: Latency(150, 0.4), success: 202,
                failures: [Failure(400, 0.02), Failure(404, 0.05), Failure(429, 0.02)], request: 70, response: 2),
            Route(
                auth, "GET", "/health", resource: "health", latency: Latency(0.9, 0.3), failures: FailureMix.probe,
                response: 48),

            // search
            Route(
                search, "GET", "/v1/search", resource: "search", api: 10, latency: Latency(140, 0.7, tail: 0.06, factor: 5),
                failures: FailureMix.read + [Failure(504, 0.002)], response: 11_000, query: .search),
            Route(
                search, "GET", "/v1/search/suggest", resource: "search", latency: Latency(9, 0.4),
                failures: FailureMix.read, response: 640, query: .suggest),
            Route(
                search, "POST", "/v1/indexes/{index}/documents", [.word(["products", "orders", "customers"])],
                resource: "index", api: 0.5, latency: Latency(900, 0.8, tail: 0.05, factor: 3), success: 202,
                failures: FailureMix.write + [Failure(413, 0.01)], request: 180_000, response: 160),
            Route(
                search, "GET", "/healthz", resource: "health", latency: Latency(0.8, 0.3), failures: FailureMix.probe,
                response: 2),

            // inventory
            Route(
                inventory, "GET", "/v1/stock/{sku}", [.sku], resource: "stock item", api: 15, latency: Latency(4, 0.4),
                failures: FailureMix.internalCall + [Failure(404, 0.006)], response: 310),
            Route(
                inventory, "PUT", "/v1/stock/{sku}", [.sku], resource: "stock item", api: 8, latency: Latency(12, 0.45),
                failures: FailureMix.write, request: 220, response: 310),
            Route(
                inventory, "GET", "/v1/warehouses/{id}/stock", [.word(["ams1", "fra2", "iad1", "sfo3", "syd1"])],
                resource: "warehouse", api: 2, latency: Latency(60, 0.6, tail: 0.03), failures: FailureMix.readByID,
                response: 48_000, query: .cursor),
            Route(
                inventory, "POST", "/v1/reservations", resource: "reservation", api: 2, latency: Latency(20, 0.4),
                failures: FailureMix.internalCall + [Failure(409, 0.02)], request: 300, response: 420),
            Route(
                inventory, "DELETE", "/v1/reservations/{id}", [.uuid], resource: "reservation", api: 0.5,
                latency: Latency(10, 0.4), failures: FailureMix.internalCall + [Failure(404, 0.01)], response: 0),
            Route(
                inventory, "GET", "/healthz", resource: "health", latency: Latency(0.7, 0.3), failures: FailureMix.probe,
                response: 2),

            // notifications
            Route(
                notifications, "POST", "/v1/messages", resource: "message", api: 6,
                latency: Latency(45, 0.6, tail: 0.04, factor: 8), success: 202,
                failures: FailureMix.write, request: 1_200, response: 230),
            Route(
                notifications, "GET", "/v1/messages/{id}", [.uuid], resource: "message", api: 3,
                latency: Latency(7, 0.35), failures: FailureMix.readByID, response: 540),
            Route(
                notifications, "POST", "/v1/webhooks/subscriptions", resource: "subscription", api: 0.5,
                latency: Latency(20, 0.4), failures: FailureMix.write, request: 260, response: 330),
            Route(
                notifications, "GET", "/v1/templates", resource: "template", api: 1, latency: Latency(11, 0.4),
                failures: FailureMix.read, response: 5_600, query: .cursor),
            Route(
                notifications, "GET", "/healthz", resource: "health", latency: Latency(0.8, 0.3),
                failures: FailureMix.probe, response: 2),
        ]
    }

    /// What a path scanner tries: leaked secrets, admin panels, known-vulnerable software.
    static func makeScanProbes() -> [ScanProbe] {
        [
            ScanProbe(method: "GET", path: "/.env", status: 404),
            ScanProbe(method: "GET", path: "/.env.production", status: 404),
            ScanProbe(method: "GET", path: "/.git/config", status: 403),
            ScanProbe(method: "GET", path: "/.git/HEAD", status: 403),
            ScanProbe(method: "GET", path: "/wp-login.php", status: 404),
            ScanProbe(method: "GET", path: "/wp-admin/", status: 404),
            ScanProbe(method: "POST", path: "/xmlrpc.php", status: 404),
            ScanProbe(method: "GET", path: "/admin", status: 401),
            ScanProbe(method: "GET", path: "/admin/login", status: 404),
            ScanProbe(method: "GET", path: "/administrator/", status: 404),
            ScanProbe(method: "GET", path: "/phpmyadmin/", status: 404),
            ScanProbe(method: "GET", path: "/config.json", status: 404),
            ScanProbe(method: "GET", path: "/config.php.bak", status: 404),
            ScanProbe(method: "GET", path: "/backup.sql", status: 404),
            ScanProbe(method: "GET", path: "/.aws/credentials", status: 404),
            ScanProbe(method: "GET", path: "/.ssh/id_rsa", status: 404),
            ScanProbe(method: "GET", path: "/server-status", status: 403),
            ScanProbe(method: "GET", path: "/actuator/env", status: 404),
            ScanProbe(method: "GET", path: "/actuator/heapdump", status: 404),
            ScanProbe(method: "GET", path: "/debug/pprof/", status: 404),
            ScanProbe(method: "GET", path: "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", status: 404),
            ScanProbe(method: "GET", path: "/cgi-bin/luci", status: 404),
            ScanProbe(method: "GET", path: "/.DS_Store", status: 404),
            ScanProbe(method: "GET", path: "/owa/auth/logon.aspx", status: 404),
            ScanProbe(method: "GET", path: "/solr/admin/info/system", status: 404),
            ScanProbe(method: "GET", path: "/telescope/requests", status: 404),
            ScanProbe(method: "GET", path: "/static/../../../../etc/passwd", status: 400),
            ScanProbe(method: "GET", path: "/%2e%2e/%2e%2e/etc/shadow", status: 400),
            ScanProbe(method: "GET", path: "/graphql", status: 405),
            ScanProbe(method: "GET", path: "/swagger.json", status: 404),
            ScanProbe(method: "GET", path: "/v2/productz", status: 404, query: (key: "id", value: "1' OR '1'='1")),
            ScanProbe(
                method: "GET", path: "/search.php", status: 404,
                query: (key: "q", value: "<script>alert(\"x\")</script>")),
        ]
    }
}
