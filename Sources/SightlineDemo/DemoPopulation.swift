/// A consumer's subscription plan; it sets volume, user count and how often they hit rate limits.
enum Plan: Int, Sendable {
    case free, pro, enterprise

    var name: String {
        switch self {
        case .free: "free"
        case .pro: "pro"
        case .enterprise: "enterprise"
        }
    }

    /// Share of a consumer's requests answered 429 in normal operation.
    var rateLimitShare: Double {
        switch self {
        case .free: 0.025
        case .pro: 0.004
        case .enterprise: 0.0005
        }
    }

    /// Requests per minute allowed by the plan, for 429 messages.
    var requestsPerMinute: Int {
        switch self {
        case .free: 60
        case .pro: 1_200
        case .enterprise: 20_000
        }
    }
}

/// An API customer: its integration calls the APIs; its end users browse through its apps.
struct Consumer: Sendable {
    var id: String
    var name: String
    var plan: Plan
    /// Relative request volume.
    var weight: Double
    /// Its users are `u_<userBase ..< userBase + userCount>`.
    var userBase: Int
    var userCount: Int
    /// The user agent of its backend integration.
    var sdkAgent: Int
    var region: Int
    /// Last octet of its first backend IP in 192.0.2.0/24; it has three consecutive ones.
    var serverOctet: Int
}

/// User agents by kind, all stored once in `texts`.
struct AgentTable: Sendable {
    var texts: [String] = []
    var browsers: [Int] = []
    var mobileApps: [Int] = []
    var sdks: [Int] = []
    var tools: [Int] = []
    var probes: [Int] = []
    var scanners: [Int] = []
    var credentialStuffers: [Int] = []
    var enumerators: [Int] = []
    var webhookSender = 0

    mutating func add(_ text: String) -> Int {
        texts.append(text)
        return texts.count - 1
    }

    func index(of text: String) -> Int {
        guard let index = texts.firstIndex(of: text) else { preconditionFailure("unknown agent \(text)") }
        return index
    }
}

/// A product in the shop: its slug, stock keeping unit and category.
struct Product: Sendable {
    var slug: String
    var sku: Int
    var category: Int
}

/// Who sends traffic and what they ask for: consumers, agents, products, search terms, regions.
///
/// A class, built once with the catalog, so that hot paths share it by reference.
final class DemoPopulation: Sendable {
    let consumers: [Consumer]
    let consumerVolume: WeightedTable
    let freeConsumers: [Int]
    let agents: AgentTable
    let products: [Product]
    let categories: [String]
    let searchTerms: [String]
    let suggestPrefixes: [String]
    let regions: [String]
    let orderStatuses: [String]
    let sorts: [String]

    init() {
        let regions = ["eu-west-1", "us-east-1", "us-west-2", "ap-southeast-2", "eu-central-1"]
        self.regions = regions
        let agents = Self.makeAgents()
        self.agents = agents
        categories = [
            "shoes", "bags", "apparel", "audio", "kitchen", "home", "fitness", "outdoor", "electronics", "accessories",
        ]
        let adjectives = ["classic", "ultralight", "merino", "waterproof", "vintage", "organic", "wireless", "ceramic"]
        let nouns: [(String, Int)] = [
            ("running-shoes", 0), ("trail-runners", 0), ("backpack", 1), ("tote-bag", 1), ("hoodie", 2),
            ("rain-jacket", 2), ("headphones", 3), ("speaker", 3), ("coffee-mug", 4), ("pour-over-kettle", 4),
            ("desk-lamp", 5), ("throw-blanket", 5), ("yoga-mat", 6), ("kettlebell", 6), ("tent", 7),
            ("water-bottle", 7), ("usb-c-hub", 8), ("keyboard", 8), ("sunglasses", 9), ("watch-strap", 9),
        ]
        var products: [Product] = []
        // A fixed interleaving so that the most popular (lowest) indices mix categories.
        for round in 0..<adjectives.count {
            for (offset, noun) in nouns.enumerated() {
                let adjective = adjectives[(round + offset) % adjectives.count]
                let index = products.count
                products.append(
                    Product(slug: "\(adjective)-\(noun.0)", sku: 10_000 + (index * 7_919) % 89_999, category: noun.1))
            }
        }
        self.products = products
        let searchTerms = [
            "running shoes", "wireless headphones", "14\" laptop sleeve", "café au lait mug", "usb-c hub",
            "yoga mat", "rain jacket men", "standing desk", "merino socks", "coffee grinder", "kids backpack",
            "led desk lamp", "gift card", "water bottle 1l", "noise cancelling", "trail runners size 44",
            "tent 2 person", "bluetooth speaker", "kettlebell 16kg", "sunglasses polarized",
        ]
        self.searchTerms = searchTerms
        var prefixes: [String] = []
        for term in searchTerms where term.utf8.count == term.count {
            for length in 2...5 {
                prefixes.append(String(term.prefix(length)))
            }
        }
        suggestPrefixes = prefixes
        orderStatuses = ["pending", "paid", "shipped", "delivered", "cancelled"]
        sorts = ["relevance", "price_asc", "price_desc", "newest", "rating"]

        let sdks = agents.sdks
        let table: [(String, String, Plan, Double)] = [
            ("acme", "Acme Corp", .enterprise, 140),
            ("bluefin", "Bluefin Analytics", .enterprise, 95),
            ("harbor-bank", "Harbor Bank", .enterprise, 80),
            ("zephyr-air", "Zephyr Airlines", .enterprise, 60),
            ("granite", "Granite Logistics", .enterprise, 45),
            ("copperleaf", "Copperleaf Retail", .pro, 30),
            ("driftwood", "Driftwood Travel", .pro, 24),
            ("evergreen", "Evergreen Health", .pro, 20),
            ("foxglove", "Foxglove Media", .pro, 17),
            ("ironbark", "Ironbark Games", .pro, 14),
            ("juniper", "Juniper Labs", .pro, 12),
            ("kestrel", "Kestrel Mobility", .pro, 10),
            ("maple-co", "Maple & Co", .pro, 9),
            ("nimbus", "Nimbus Weather", .pro, 8),
            ("obrien", "O'Brien Hardware", .pro, 6),
            ("lumiere", "Café Lumière", .pro, 5),
            ("orchid", "Orchid Beauty", .free, 3.2),
            ("pinecone", "Pinecone Apps", .free, 2.6),
            ("quartz", "Quartz Finance", .free, 2.2),
            ("redwood", "Redwood Foods", .free, 1.8),
            ("saffron", "Saffron Kitchen", .free, 1.5),
            ("tidal", "Tidal Energy", .free, 1.2),
            ("umber", "Umber Studio", .free, 1.0),
            ("vantage", "Vantage Fitness", .free, 0.9),
            ("willow", "Willow Home", .free, 0.7),
            ("xenon", "Xenon Devices", .free, 0.6),
            ("yarrow", "Yarrow Pets", .free, 0.5),
            ("hobby-dev", "hobby project (dev@example.org)", .free, 0.4),
            ("test-key-7", "test key #7", .free, 0.3),
            ("zinnia", "Zinnia \"Z\" Florists", .free, 0.25),
        ]
        var consumers: [Consumer] = []
        var userBase = 1_000
        for (index, entry) in table.enumerated() {
            let users: Int
            switch entry.2 {
            case .enterprise: users = 600 + index * 150
            case .pro: users = 60 + (index * 37) % 200
            case .free: users = 3 + (index * 7) % 30
            }
            consumers.append(
                Consumer(
                    id: entry.0, name: entry.1, plan: entry.2, weight: entry.3, userBase: userBase, userCount: users,
                    sdkAgent: sdks[(index * 5) % sdks.count], region: (index * 3) % regions.count,
                    serverOctet: 20 + index * 5))
            userBase += users
        }
        self.consumers = consumers
        consumerVolume = WeightedTable(consumers.map(\.weight))
        freeConsumers = consumers.indices.filter { consumers[$0].plan == .free }
    }

    private static func makeAgents() -> AgentTable {
        var table = AgentTable()
        for text in [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        ] {
            table.browsers.append(table.add(text))
        }
        for text in [
            "ShopApp/5.3.1 (iPhone15,2; iOS 18.1; Scale/3.00)",
            "ShopApp/5.3.0 (iPhone13,1; iOS 17.6; Scale/3.00)",
            "ShopApp/5.2.4 (Android 14; Pixel 8) okhttp/4.12.0",
            "ShopApp/5.3.1 (Android 13; SM-S911B) okhttp/4.12.0",
        ] {
            table.mobileApps.append(table.add(text))
        }
        for text in [
            "shop-sdk-python/2.4.0 (CPython 3.12.7; Linux x86_64)",
            "shop-sdk-node/3.1.2 (node v20.18.0; linux x64)",
            "shop-sdk-go/1.9.0 (go1.23.3; linux/amd64)",
            "shop-sdk-java/4.0.1 (OpenJDK 21.0.5; Linux amd64)",
            "shop-sdk-ruby/1.6.3 (ruby 3.3.6; x86_64-linux)",
            "shop-sdk-php/2.0.0 (PHP 8.3.13)",
            "shop-sdk-swift/0.9.2 (Swift 6.0; Linux)",
        ] {
            table.sdks.append(table.add(text))
        }
        for text in ["curl/8.11.0", "PostmanRuntime/7.42.0", "python-requests/2.32.3", "Go-http-client/2.0", "HTTPie/3.2.4"] {
            table.tools.append(table.add(text))
        }
        for text in ["kube-probe/1.31", "ELB-HealthChecker/2.0"] {
            table.probes.append(table.add(text))
        }
        for text in [
            "Mozilla/5.0 zgrab/0.x",
            "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)",
            "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)",
        ] {
            table.scanners.append(table.add(text))
        }
        for text in [
            "python-requests/2.31.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        ] {
            table.credentialStuffers.append(table.add(text))
        }
        for text in ["python-httpx/0.27.0", "curl/7.88.1"] {
            table.enumerators.append(table.add(text))
        }
        table.webhookSender = table.add("AcquirerHooks/2.1 (+https://acquirer.example/webhooks)")
        for text in [
            "shop-api/4.12.0", "payments-api/2.7.3", "auth-service/1.19.0", "search-gateway/0.31.2",
            "inventory-svc/3.2.0", "notifications-worker/1.4.5",
        ] {
            _ = table.add(text)
        }
        return table
    }
}
