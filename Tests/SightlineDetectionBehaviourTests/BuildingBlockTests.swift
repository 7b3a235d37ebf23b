import SightlineCore
import Testing
@testable import SightlineDetection

@Suite("Building blocks")
struct BuildingBlockTests {
    @Test("auth routes are matched by word, not substring", arguments: [
        ("/login", true), ("/v1/oauth/token", true), ("/sign-in", true), ("/users/{id}/password-reset", true),
        ("/auth/session", true), ("/authors/{id}", false), ("/tokenizer", false), ("/orders/{id}", false), ("/search", false),
    ])
    func authRoutes(_ route: String, _ expected: Bool) {
        #expect(RouteCatalog(AuthRouteConfiguration()).classify(route).isAuth == expected)
    }

    @Test("the id placeholder position is found")
    func idSegment() {
        let catalog = RouteCatalog(AuthRouteConfiguration())
        #expect(catalog.classify("/users/{id}").idSegment == 1)
        #expect(catalog.classify("/shops/{shopId}/orders/{orderId}/items").idSegment == 3)
        #expect(catalog.classify("/static/{file}").idSegment == nil)
        var e = Event(timestampMicros: 0, service: "s", method: "GET", path: "/shops/9/orders/1234/items", status: 200)
        e.route = "/shops/{shopId}/orders/{orderId}/items"
        #expect(e.pathSegment(at: 3) == "1234")
        #expect(e.pathSegment(at: 9) == nil)
    }

    @Test("HyperLogLog estimates stay within 20% and cover between half a window and a window")
    func hyperLogLog() {
        var d = WindowedDistinct()
        let w: Int64 = 1_000
        for n in [5, 50, 500, 5_000] {
            var s = WindowedDistinct()
            for i in 0..<n { s.insert(hash: StableHash.hash("v\(i)"), at: 10, window: w) }
            let est = s.estimate(at: 10, window: w)
            #expect(abs(est - Double(n)) <= max(1, 0.2 * Double(n)), "n=\(n) est=\(est)")
        }
        for i in 0..<100 { d.insert(hash: StableHash.hash("\(i)"), at: 10, window: w) }
        #expect(d.estimate(at: 600, window: w) > 80)  // previous half-window still counts
        #expect(d.estimate(at: 1_000, window: w) == 0)  // more than a window ago
    }

    @Test("the bounded table evicts least recently used keys")
    func boundedTable() {
        var t = BoundedTable<Int, Int>(capacity: 100)
        for i in 0..<1_000 {
            t.update(0, make: 0) { $0 += 1 }  // key 0 stays hot
            t.update(i + 1, make: i) { _ in }
        }
        #expect(t.count <= 100)
        #expect(t.peek(0) == 1_000)
        #expect(t.peek(1_000) == 999)
        #expect(t.peek(1) == nil)
    }

    @Test("markers match case-insensitively")
    func markers() {
        let m = MarkerMatcher(ScanningConfiguration().sensitivePathMarkers)
        #expect(m.firstMatch(in: "/.ENV") != nil)
        #expect(m.firstMatch(in: "/app/.git/config") != nil)
        #expect(m.firstMatch(in: "/orders/123") == nil)
        let ua = MarkerMatcher(ScanningConfiguration().scannerUserAgents)
        #expect(ua.firstMatch(in: "sqlmap/1.7.2#stable (https://sqlmap.org)") != nil)
        #expect(ua.firstMatch(in: "Mozilla/5.0 (X11; Linux x86_64)") == nil)
    }

    @Test("plain values skip the classifier")
    func plainValues() {
        #expect(InjectionBurstDetector.isPlain("order-123_abc.json"))
        #expect(!InjectionBurstDetector.isPlain(".."))
        #expect(!InjectionBurstDetector.isPlain("1 OR 1=1"))
    }
}
