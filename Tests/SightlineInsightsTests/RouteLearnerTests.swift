import Testing
@testable import SightlineInsights

@Suite("RouteLearner")
struct RouteLearnerTests {
    /// Distinct made-up usernames, deterministic.
    static func names(_ count: Int, seed: UInt64 = 1) -> [String] {
        var rng = SplitMix64(seed: seed)
        var seen = Set<String>()
        while seen.count < count { seen.insert(LabelledPathGenerator.word(&rng) + LabelledPathGenerator.word(&rng)) }
        return seen.sorted()
    }

    @Test("few distinct literals stay literal")
    func fewLiterals() {
        let learner = RouteLearner()
        for _ in 0..<50 {
            for plan in ["free", "pro", "team"] { learner.observe(service: "s", method: "GET", path: "/plans/\(plan)") }
        }
        #expect(learner.template(service: "s", method: "GET", path: "/plans/pro") == "/plans/pro")
        #expect(learner.template(service: "s", method: "GET", path: "/plans/enterprise") == "/plans/enterprise")
    }

    @Test("many one-off values collapse into {name}, unseen values included")
    func collapse() {
        let learner = RouteLearner()
        for name in Self.names(200) {
            learner.observe(service: "s", method: "GET", path: "/users/\(name)")
            learner.observe(service: "s", method: "GET", path: "/users/\(name)/repos")
        }
        #expect(learner.template(service: "s", method: "GET", path: "/users/zorblax") == "/users/{name}")
        #expect(learner.template(service: "s", method: "GET", path: "/users/zorblax/repos") == "/users/{name}/repos")
        // Weak identifiers at a {name} position take the learned placeholder.
        #expect(learner.template(service: "s", method: "GET", path: "/users/zorblax1987") == "/users/{name}")
        // Strong classes keep their own placeholder.
        #expect(learner.template(service: "s", method: "GET", path: "/users/8812") == "/users/{id}")
    }

    @Test("collapse needs a threshold: a handful of values is not enough")
    func threshold() {
        let learner = RouteLearner()
        for name in Self.names(5) { learner.observe(service: "s", method: "GET", path: "/users/\(name)") }
        #expect(learner.template(service: "s", method: "GET", path: "/users/zorblax") == "/users/zorblax")
    }

    @Test("hyphenated values learn {slug}, file names learn {file}")
    func placeholderShapes() {
        let learner = RouteLearner()
        for (i, name) in Self.names(100).enumerated() {
            learner.observe(service: "s", method: "GET", path: "/blog/\(name)-part-\(i % 7)")
            learner.observe(service: "s", method: "GET", path: "/files/\(name)-2026.pdf")
        }
        #expect(learner.template(service: "s", method: "GET", path: "/blog/a-brand-new-post") == "/blog/{slug}")
        #expect(learner.template(service: "s", method: "GET", path: "/files/summary.docx") == "/files/{file}")
        #expect(learner.template(service: "s", method: "GET", path: "/files/robots.txt") == "/files/robots.txt")
    }

    @Test("frequent common words stay literal next to collapsed siblings")
    func frequentLiteral() {
        let learner = RouteLearner()
        for (i, name) in Self.names(1_000).enumerated() {
            learner.observe(service: "s", method: "GET", path: "/users/\(name)")
            if i % 10 == 0 { learner.observe(service: "s", method: "GET", path: "/users/me") }
            if i % 40 == 0 { learner.observe(service: "s", method: "GET", path: "/users/search") }
            if i % 20 == 0 { learner.observe(service: "s", method: "GET", path: "/users/me/settings") }
        }
        #expect(learner.template(service: "s", method: "GET", path: "/users/me") == "/users/me")
        #expect(learner.template(service: "s", method: "GET", path: "/users/search") == "/users/search")
        #expect(learner.template(service: "s", method: "GET", path: "/users/me/settings") == "/users/me/settings")
        #expect(learner.template(service: "s", method: "GET", path: "/users/kalomi") == "/users/{name}")
    }

    @Test("an uncommon word stays literal only when it dominates its siblings")
    func dominantLiteral() {
        let learner = RouteLearner()
        for (i, name) in Self.names(1_000).enumerated() {
            learner.observe(service: "s", method: "GET", path: "/users/\(name)")
            if i % 4 == 0 { learner.observe(service: "s", method: "GET", path: "/users/octocat") }  // 20 %
            if i % 50 == 0 { learner.observe(service: "s", method: "GET", path: "/users/zorblax") } // 2 %
        }
        #expect(learner.template(service: "s", method: "GET", path: "/users/octocat") == "/users/octocat")
        #expect(learner.template(service: "s", method: "GET", path: "/users/zorblax") == "/users/{name}")
    }

    @Test("the first segment never collapses, even under scanner noise")
    func firstSegmentStaysLiteral() {
        let learner = RouteLearner()
        for name in Self.names(500) {
            learner.observe(service: "s", method: "GET", path: "/\(name).php")
            learner.observe(service: "s", method: "GET", path: "/\(name)")
        }
        for _ in 0..<10 { learner.observe(service: "s", method: "GET", path: "/orders/1") }
        #expect(learner.template(service: "s", method: "GET", path: "/orders/2") == "/orders/{id}")
        #expect(learner.template(service: "s", method: "GET", path: "/wp-login.php") == "/wp-login.php")
    }

    @Test("identifier positions share one branch, so deeper literals are learned once")
    func wildcardSharing() {
        let learner = RouteLearner()
        for i in 0..<100 {
            learner.observe(service: "s", method: "GET", path: "/orders/\(i)/items/\(i * 7)")
        }
        #expect(learner.template(service: "s", method: "GET", path: "/orders/1/items/2") == "/orders/{id}/items/{id}")
        #expect(learner.statistics.nodeCount == 5)  // scope root, orders, {id}, items, {id}
    }

    @Test("services learn separately; methods share unless partitioned")
    func scopes() {
        let learner = RouteLearner()
        for name in Self.names(100) { learner.observe(service: "a", method: "GET", path: "/tags/\(name)") }
        #expect(learner.template(service: "a", method: "POST", path: "/tags/zorblax") == "/tags/{name}")
        #expect(learner.template(service: "b", method: "GET", path: "/tags/zorblax") == "/tags/zorblax")

        var configuration = RouteLearner.Configuration()
        configuration.partitionByMethod = true
        let partitioned = RouteLearner(configuration: configuration)
        for name in Self.names(100) { partitioned.observe(service: "a", method: "GET", path: "/tags/\(name)") }
        #expect(partitioned.template(service: "a", method: "get", path: "/tags/zorblax") == "/tags/{name}")
        #expect(partitioned.template(service: "a", method: "POST", path: "/tags/zorblax") == "/tags/zorblax")
    }

    @Test("memory stays within the configured caps under adversarial traffic")
    func boundedMemory() {
        var configuration = RouteLearner.Configuration()
        configuration.maxNodes = 300
        configuration.maxTrackedValuesPerNode = 16
        configuration.maxTrackedValuesTotal = 1_000
        let learner = RouteLearner(configuration: configuration)
        var rng = SplitMix64(seed: 7)
        for i in 0..<20_000 {
            // Random literal trees: every segment is a fresh word.
            let depth = 1 + rng.below(6)
            let path = (0..<depth).map { _ in LabelledPathGenerator.word(&rng) }.joined(separator: "/")
            learner.observe(service: "svc\(i % 5)", method: "GET", path: "/" + path)
            if i % 1_000 == 0 {
                let stats = learner.statistics
                #expect(stats.nodeCount <= 300)
                #expect(stats.trackedValueCount <= 1_000)
            }
        }
        let stats = learner.statistics
        #expect(stats.nodeCount <= 300)
        #expect(stats.trackedValueCount <= 1_000)
        // Still answers, degrading to classification where nothing was learned.
        #expect(learner.template(service: "svc-unknown", method: "GET", path: "/orders/12") == "/orders/{id}")
    }

    @Test("heavy-hitter eviction frees the evicted value's subtree")
    func evictionFreesNodes() {
        var configuration = RouteLearner.Configuration()
        configuration.maxTrackedValuesPerNode = 8
        let learner = RouteLearner(configuration: configuration)
        for name in Self.names(5_000) {
            learner.observe(service: "s", method: "GET", path: "/u/\(name)/a/b/c")
        }
        // root, u, up to 8 literal children with 4-node chains, wildcard chain of 4.
        #expect(learner.statistics.nodeCount <= 2 + 8 * 4 + 4)
        #expect(learner.template(service: "s", method: "GET", path: "/u/zorblax/a/b/c") == "/u/{name}/a/b/c")
    }

    @Test("observe returns the same template as template() afterwards")
    func observeMatchesTemplate() {
        let learner = RouteLearner()
        var generator = LabelledPathGenerator(seed: 3)
        for _ in 0..<5_000 {
            let sample = generator.next()
            let observed = learner.observe(service: sample.service, method: sample.method, path: sample.path)
            #expect(observed == learner.template(service: sample.service, method: sample.method, path: sample.path))
        }
    }

    @Test("configuration is clamped into range")
    func clamping() {
        var configuration = RouteLearner.Configuration()
        configuration.maxNodes = -5
        configuration.fixedShare = 7
        configuration.commonWordShare = .nan
        let learner = RouteLearner(configuration: configuration)
        #expect(learner.configuration.maxNodes == 1)
        #expect(learner.configuration.fixedShare == 1)
        #expect(learner.configuration.commonWordShare == 0)
        learner.observe(service: "s", method: "GET", path: "/a/b")
        #expect(learner.statistics.nodeCount == 1)
    }
}
