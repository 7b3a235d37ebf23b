import Foundation

/// Deterministic labelled traffic: raw paths with the template a human would assign.
///
/// Invariants: the same seed yields the same stream; route popularity is Zipf-like and fixed
/// (a property of the API), while the *values* (usernames, slugs, file names, ids) come from
/// pools generated from syllables with the instance's seed, so a training generator and an
/// evaluation generator with different seeds share routes but almost no verbatim values.
struct LabelledPathGenerator {
    enum Style: String, CaseIterable, Comparable {
        case restInteger, restUUID, restULID, restHex, prefixedID, mixedID, slug, username,
             fixedSibling, nested, versioned, file, date, email, hash, staticRoute

        static func < (a: Style, b: Style) -> Bool { a.rawValue < b.rawValue }
    }

    struct Sample {
        var service: String
        var method: String
        var path: String
        var template: String
        var style: Style
    }

    /// One part of a route: how to render it and what its label is.
    enum Part {
        case literal(String)
        case integer, uuid, ulid, hex24, nanoid, stripeID(String), numericPrefixed(String)
        case name, repo, slug, file, tag, teamSlug, shortCode, isoDate, compactDate, email, sha1, sha256, md5
        case integerWithExtension(String)
    }

    struct Route {
        var service: String
        var method: String
        var style: Style
        var parts: [Part]
    }

    static let routes: [Route] = {
        func r(_ service: String, _ method: String, _ style: Style, _ parts: Part...) -> Route {
            Route(service: service, method: method, style: style, parts: parts)
        }
        let shop = "storefront", hub = "devhub"
        return [
            r(shop, "GET", .restInteger, .literal("orders"), .integer),
            r(shop, "GET", .restInteger, .literal("orders"), .integer, .literal("items"), .integer),
            r(shop, "GET", .restInteger, .literal("customers"), .integer),
            r(shop, "DELETE", .restInteger, .literal("carts"), .integer, .literal("lines"), .integer),
            r(shop, "GET", .restUUID, .literal("accounts"), .uuid),
            r(shop, "GET", .restUUID, .literal("sessions"), .uuid, .literal("events")),
            r(hub, "GET", .restULID, .literal("events"), .ulid),
            r(hub, "GET", .restHex, .literal("objects"), .hex24),
            r(shop, "GET", .prefixedID, .literal("v1"), .literal("customers"), .stripeID("cus")),
            r(shop, "POST", .prefixedID, .literal("v1"), .literal("charges"), .stripeID("ch"), .literal("capture")),
            r(shop, "GET", .prefixedID, .literal("invoices"), .numericPrefixed("inv")),
            r(hub, "GET", .mixedID, .literal("links"), .nanoid),
            r(hub, "GET", .mixedID, .literal("share"), .nanoid, .literal("preview")),
            r(shop, "GET", .slug, .literal("blog"), .slug),
            r(shop, "GET", .slug, .literal("products"), .slug),
            r(shop, "GET", .slug, .literal("products"), .slug, .literal("reviews")),
            r(hub, "GET", .username, .literal("users"), .name),
            r(hub, "GET", .username, .literal("users"), .name, .literal("repos")),
            r(hub, "GET", .username, .literal("users"), .name, .literal("followers")),
            r(hub, "GET", .username, .literal("repos"), .name, .repo, .literal("issues"), .integer),
            r(shop, "GET", .username, .literal("tags"), .tag),
            r(hub, "GET", .slug, .literal("teams"), .teamSlug, .literal("members")),
            r(hub, "GET", .mixedID, .literal("u"), .shortCode),
            r(shop, "GET", .fixedSibling, .literal("products"), .literal("bestsellers")),
            r(hub, "GET", .fixedSibling, .literal("users"), .literal("me")),
            r(hub, "GET", .fixedSibling, .literal("users"), .literal("me"), .literal("repos")),
            r(hub, "GET", .fixedSibling, .literal("users"), .literal("search")),
            r(shop, "GET", .fixedSibling, .literal("products"), .literal("featured")),
            r(shop, "GET", .fixedSibling, .literal("blog"), .literal("latest")),
            r(shop, "GET", .fixedSibling, .literal("orders"), .literal("export")),
            r(shop, "GET", .fixedSibling, .literal("orders"), .literal("count")),
            r(hub, "GET", .nested, .literal("orgs"), .integer, .literal("repos"), .repo),
            r(hub, "GET", .nested, .literal("orgs"), .integer, .literal("repos"), .repo, .literal("issues"), .integer),
            r(hub, "POST", .nested, .literal("orgs"), .integer, .literal("repos"), .repo, .literal("pulls"), .integer, .literal("comments")),
            r(hub, "GET", .versioned, .literal("api"), .literal("v3"), .literal("items"), .integer),
            r(hub, "GET", .versioned, .literal("api"), .literal("v2.1"), .literal("items"), .integer),
            r(hub, "GET", .versioned, .literal("api"), .literal("v1"), .literal("status")),
            r(hub, "GET", .versioned, .literal("api"), .literal("v2"), .literal("status")),
            r(shop, "PUT", .versioned, .literal("v2"), .literal("widgets"), .integer),
            r(shop, "GET", .file, .literal("files"), .file),
            r(shop, "GET", .file, .literal("exports"), .integerWithExtension("csv")),
            r(shop, "GET", .date, .literal("reports"), .isoDate),
            r(shop, "GET", .date, .literal("stats"), .literal("daily"), .compactDate),
            r(hub, "GET", .date, .literal("logs"), .isoDate, .literal("summary")),
            r(shop, "POST", .email, .literal("invites"), .email),
            r(hub, "GET", .email, .literal("subscribers"), .email),
            r(hub, "GET", .hash, .literal("commits"), .sha1),
            r(hub, "GET", .hash, .literal("blobs"), .sha256),
            r(shop, "GET", .hash, .literal("checksums"), .md5),
            r(shop, "GET", .staticRoute, .literal("health")),
            r(hub, "GET", .staticRoute, .literal("health")),
            r(shop, "POST", .staticRoute, .literal("login")),
            r(shop, "GET", .staticRoute, .literal("openapi.json")),
            r(hub, "GET", .staticRoute, .literal("favicon.ico")),
            r(hub, "GET", .staticRoute, .literal("robots.txt")),
            r(hub, "GET", .staticRoute, .literal(".well-known"), .literal("openid-configuration")),
            r(hub, "GET", .staticRoute, .literal("metrics")),
            r(hub, "POST", .staticRoute, .literal("graphql")),
            r(hub, "POST", .staticRoute, .literal("oauth2"), .literal("token")),
            r(shop, "POST", .staticRoute, .literal("auth"), .literal("2fa"), .literal("verify")),
            r(shop, "GET", .staticRoute, .literal("docs"), .literal("utf-8")),
        ]
    }()

    private var rng: SplitMix64
    private let routeOrder: [Int]
    private let routeSampler: ZipfSampler
    private let usernames: [String]
    private let repos: [String]
    private let slugs: [String]
    private let files: [String]
    private let tags: [String]
    private let teams: [String]
    private let tagSampler = ZipfSampler(count: 400, exponent: 1.1)
    private let valueSampler: ZipfSampler
    static let poolSize = 5_000

    /// - Parameters:
    ///   - seed: selects the value pools and the stream.
    ///   - popularitySeed: selects which routes are popular; training and evaluation of one
    ///     API share it (popularity is a property of the API).
    init(seed: UInt64, popularitySeed: UInt64 = 0xA11CE) {
        var routeRNG = SplitMix64(seed: popularitySeed)
        var order = Array(Self.routes.indices)
        order.shuffle(using: &routeRNG)
        routeOrder = order
        routeSampler = ZipfSampler(count: Self.routes.count, exponent: 0.8)
        valueSampler = ZipfSampler(count: Self.poolSize, exponent: 1.0)

        var poolRNG = SplitMix64(seed: seed ^ 0x5EED_0F_7A1E5)
        usernames = (0..<Self.poolSize).map { _ in Self.username(&poolRNG) }
        repos = (0..<Self.poolSize).map { _ in Self.repoName(&poolRNG) }
        slugs = (0..<Self.poolSize).map { _ in Self.slug(&poolRNG) }
        files = (0..<Self.poolSize).map { _ in Self.fileName(&poolRNG) }
        // Small, repetitive pool: 400 tags, Zipf 1.1, so most traffic hits popular tags.
        tags = (0..<400).map { _ in Self.word(&poolRNG) }
        teams = (0..<Self.poolSize).map { _ in Self.word(&poolRNG) + "-" + Self.word(&poolRNG) }
        rng = SplitMix64(seed: seed)
    }

    mutating func next() -> Sample {
        let route = Self.routes[routeOrder[routeSampler.sample(&rng)]]
        var path = ""
        var template = ""
        for part in route.parts {
            let (raw, label) = render(part)
            path += "/" + raw
            template += "/" + label
        }
        if rng.chance(0.05) { path += "/" }
        if rng.chance(0.10) { path += "?page=\(rng.below(20))&sort=desc" }
        return Sample(service: route.service, method: route.method, path: path, template: template, style: route.style)
    }

    private mutating func render(_ part: Part) -> (String, String) {
        switch part {
        case .literal(let word):
            return (word, word)
        case .integer:
            // Mostly small auto-increment ids, some snowflake-sized.
            let value = rng.chance(0.9) ? 1 + rng.below(rng.chance(0.5) ? 9_999 : 9_999_999) : 1_000_000_000_000_000 + rng.below(1 << 58)
            return (String(value), "{id}")
        case .uuid:
            let hex = hexString(32, uppercase: rng.chance(0.1))
            let a = hex.prefix(8), b = hex.dropFirst(8).prefix(4), c = hex.dropFirst(12).prefix(4)
            let d = hex.dropFirst(16).prefix(4), e = hex.dropFirst(20)
            return ("\(a)-\(b)-\(c)-\(d)-\(e)", "{id}")
        case .ulid:
            let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
            var s = String(rng.below(2))   // timestamps start with 0 or 1 for centuries
            for _ in 0..<25 { s.append(rng.pick(alphabet)) }
            return (s, "{id}")
        case .hex24:
            return (hexString(24, uppercase: false), "{id}")
        case .nanoid:
            return (base62(10 + rng.below(3)), "{id}")
        case .stripeID(let prefix):
            return ("\(prefix)_\(base62(14 + rng.below(11)))", "{id}")
        case .numericPrefixed(let prefix):
            return ("\(prefix)-\(10_000 + rng.below(90_000))", "{id}")
        case .name:
            return (usernames[valueSampler.sample(&rng)], "{name}")
        case .repo:
            return (repos[valueSampler.sample(&rng)], "{name}")
        case .slug:
            return (slugs[valueSampler.sample(&rng)], "{slug}")
        case .file:
            return (files[valueSampler.sample(&rng)], "{file}")
        case .tag:
            return (tags[tagSampler.sample(&rng)], "{name}")
        case .teamSlug:
            return (teams[valueSampler.sample(&rng)], "{slug}")
        case .shortCode:
            return (base62(6 + rng.below(3)), "{id}")
        case .isoDate:
            return (isoDate(), "{date}")
        case .compactDate:
            return (isoDate().replacingOccurrences(of: "-", with: ""), "{date}")
        case .email:
            let local = Self.username(&rng) + (rng.chance(0.3) ? "." + Self.word(&rng) : "")
            let domain = rng.pick(["example.com", "mail.example.org", "corp.example.net", Self.word(&rng) + ".io"])
            return (local + (rng.chance(0.3) ? "%40" : "@") + domain, "{email}")
        case .sha1:
            return (hexString(40, uppercase: false), "{hash}")
        case .sha256:
            return (hexString(64, uppercase: false), "{hash}")
        case .md5:
            return (hexString(32, uppercase: false), "{hash}")
        case .integerWithExtension(let ext):
            return ("\(1 + rng.below(99_999)).\(ext)", "{id}.\(ext)")
        }
    }

    // MARK: - Value generators

    private static let syllables = [
        "ka", "lo", "mi", "ra", "ten", "zu", "bel", "dor", "fin", "gar", "hel", "jo", "kri", "lan",
        "mor", "nel", "pa", "quin", "ros", "sa", "tor", "vi", "wen", "xa", "yor", "zel", "bri",
        "cas", "dan", "el", "fa", "go", "ha", "is", "ju", "ko", "li", "mun", "no", "ol", "pe",
        "ru", "si", "ta", "ul", "ve", "wi", "yu", "ze", "thor", "shan", "chi", "mar", "len",
    ]

    static func word(_ rng: inout SplitMix64) -> String {
        (0..<(2 + rng.below(2))).map { _ in rng.pick(syllables) }.joined()
    }

    static func username(_ rng: inout SplitMix64) -> String {
        var name = word(&rng)
        if rng.chance(0.1) { name += "_" + word(&rng) }
        if rng.chance(0.1) { name = name.prefix(1).uppercased() + name.dropFirst() + word(&rng).capitalized }
        if rng.chance(0.2) { name += String(rng.chance(0.5) ? 10 + rng.below(90) : 1950 + rng.below(70)) }
        return name
    }

    static func repoName(_ rng: inout SplitMix64) -> String {
        var name = word(&rng)
        if rng.chance(0.15) { name += "-" + word(&rng) }
        if rng.chance(0.1) { name += ".js" }
        return name
    }

    static func slug(_ rng: inout SplitMix64) -> String {
        let english = ["how", "to", "the", "best", "guide", "for", "with", "new", "your", "in", "and", "tips", "why", "we"]
        var words: [String] = []
        for _ in 0..<(3 + rng.below(4)) {
            words.append(rng.chance(0.5) ? rng.pick(english) : word(&rng))
        }
        if rng.chance(0.2) { words.insert(String(1 + rng.below(2030)), at: rng.below(words.count)) }
        return words.joined(separator: "-")
    }

    static func fileName(_ rng: inout SplitMix64) -> String {
        var stem = word(&rng)
        if rng.chance(0.5) { stem += "-" + word(&rng) }
        if rng.chance(0.4) { stem += "-" + String(2000 + rng.below(30)) }
        if rng.chance(0.2) { stem += "_v" + String(1 + rng.below(9)) }
        return stem + "." + rng.pick(["pdf", "csv", "png", "jpg", "docx", "xlsx", "zip", "txt"])
    }

    private mutating func isoDate() -> String {
        let year = 2015 + rng.below(15), month = 1 + rng.below(12), day = 1 + rng.below(28)
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    private mutating func hexString(_ length: Int, uppercase: Bool) -> String {
        let digits = Array(uppercase ? "0123456789ABCDEF" : "0123456789abcdef")
        return String((0..<length).map { _ in rng.pick(digits) })
    }

    private mutating func base62(_ length: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return String((0..<length).map { _ in rng.pick(alphabet) })
    }
}
