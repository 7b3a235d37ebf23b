// Release-mode timing for RouteLearner.template / observe and RouteTemplater.template.
// Run from Benchmarks/sqlite-choice: swift build -c release && .build/release/RouteTemplateBench
// Not a test: timings depend on the machine (see docs/endpoint-discovery.md).
import SightlineInsights

struct Rng {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

func makePaths() -> [String] {
var rng = Rng(state: 42)
let syllables = ["ka", "lo", "mi", "ra", "ten", "zu", "bel", "dor", "fin", "gar", "hel", "jo"]
func word() -> String { (0..<3).map { _ in syllables[rng.below(syllables.count)] }.joined() }
func hex(_ n: Int) -> String { String((0..<n).map { _ in Array("0123456789abcdef")[rng.below(16)] }) }

var paths: [String] = []
for _ in 0..<20_000 {
    switch rng.below(8) {
    case 0: paths.append("/orders/\(rng.below(1_000_000))/items/\(rng.below(50))")
    case 1: paths.append("/users/\(word())/repos")
    case 2: paths.append("/users/me")
    case 3: paths.append("/blog/\(word())-\(word())-\(word())")
    case 4: paths.append("/v1/customers/cus_\(hex(14))?expand=true")
    case 5: paths.append("/orgs/\(rng.below(9_999))/repos/\(word())/issues/\(rng.below(9_999))")
    case 6: paths.append("/accounts/\(hex(8))-\(hex(4))-\(hex(4))-\(hex(4))-\(hex(12))")
    default: paths.append("/health")
    }
}
return paths
}

func run() {
let paths = makePaths()

let learner = RouteLearner()
let clock = ContinuousClock()
let observeTime = clock.measure {
    for _ in 0..<10 { for path in paths { learner.observe(service: "api", method: "GET", path: path) } }
}
var sink = 0
let templateTime = clock.measure {
    for _ in 0..<10 { for path in paths { sink &+= learner.template(service: "api", method: "GET", path: path).utf8.count } }
}
let templater = RouteTemplater()
let statelessTime = clock.measure {
    for _ in 0..<10 { for path in paths { sink &+= templater.template(path: path).utf8.count } }
}

func perPath(_ duration: Duration) -> String {
    let nanos = Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
    let value = nanos / Double(paths.count * 10)
    return "\(Int(value.rounded())) ns/path"
}

print("RouteLearner.observe   \(perPath(observeTime))")
print("RouteLearner.template  \(perPath(templateTime))")
print("RouteTemplater.template \(perPath(statelessTime))")
print("paths: \(paths.count) × 10, state: \(learner.statistics), checksum \(sink)")
}

run()
