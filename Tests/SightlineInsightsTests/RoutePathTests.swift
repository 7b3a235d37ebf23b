import Testing
@testable import SightlineInsights

@Suite("RoutePath normalisation and template invariants")
struct RoutePathTests {
    @Test("segments are decoded, non-empty and dot-resolved", arguments: [
        ("/orders/8812/items/3", ["orders", "8812", "items", "3"]),
        ("//orders///8812//", ["orders", "8812"]),
        ("/a%2Fb/c", ["a/b", "c"]),
        ("/a%zz/c", ["a%zz", "c"]),
        ("/a%C3/c", ["a%C3", "c"]),
        ("/a+b", ["a+b"]),
        ("/x/../../y/./z", ["y", "z"]),
        ("HTTPS://Example.com/Users?q=1", ["Users"]),
        ("http://example.com", []),
        ("?only=query", []),
        ("/search#frag/ment", ["search"]),
    ])
    func segments(raw: String, expected: [String]) {
        #expect(RoutePath(raw).segments == expected)
    }

    @Test("random inputs: never traps, deterministic, well-formed templates")
    func fuzz() {
        let alphabet: [String] = ["/", "/", "/", "a", "Z", "0", "9", "-", "_", ".", "%", "%2F", "%7B", "{", "}",
                                  "?", "#", "@", "=", "+", " ", "é", "🚀", "..", "v2", "cus_", "2026-11-22"]
        var rng = SplitMix64(seed: 4242)
        let templater = RouteTemplater()
        let learner = RouteLearner()
        let allowed = Set(RoutePlaceholder.allCases.map(\.rawValue))
        for _ in 0..<5_000 {
            let path = (0..<rng.below(24)).map { _ in rng.pick(alphabet) }.joined()
            let template = templater.template(path: path)
            #expect(template == templater.template(path: path))
            learner.observe(service: "fuzz", method: "GET", path: path)
            let learned = learner.template(service: "fuzz", method: "GET", path: path)
            for candidate in [template, learned] {
                #expect(candidate.hasPrefix("/"))
                #expect(!candidate.contains("//"))
                for segment in candidate.split(separator: "/") where segment.contains("{") || segment.contains("}") {
                    let ok = allowed.contains(String(segment)) || segment.hasPrefix("{id}.")
                    #expect(ok, "\(segment)")
                }
            }
        }
    }
}
