/// The query string a request carries, as indices into the population's lists.
enum QueryValues: Sendable {
    case none
    case productList(category: Int, page: Int, sort: Int, limit: Int)
    case search(term: Int, limit: Int)
    case suggest(prefix: Int)
    case orderList(status: Int, limit: Int)
    case expandItems
    /// A sales report over the 30 days before the event, as CSV or XLSX.
    case report(xlsx: Bool)
    /// A page cursor.
    case cursor(UInt64)
    /// A scanner probe's query (index into the scan probes).
    case probe(Int)
}

/// What an error event says went wrong.
struct ErrorDetail: Sendable {
    var type: String
    var message: String
    /// A stack trace, for the crashes that have one (empty: none).
    var stack = ""
}

/// Everything about one event except its id and timestamp, which are assigned when it is written.
///
/// Indices point into `DemoCatalog.standard`; -1 means "absent" for `route`, `consumer`,
/// `user` and `upstream`, and 0 means "absent" for `session` and `parentSpan`.
struct EventDraft: Sendable {
    var service: Int
    var method: String
    var route: Int
    /// The path of a request that matches no route.
    var strayPath: String = ""
    var parameters: (UInt64, UInt64) = (0, 0)
    /// Hidden context for downstream calls: the product or order the request is about.
    var context: UInt64 = 0
    var query: QueryValues = .none
    /// A secret pasted into the query string by a careless client (0: none).
    var leakedKey: UInt64 = 0
    var status: Int = 200
    var durationMicros: Int64 = 0
    var requestSize: Int = 0
    var responseSize: Int = 0
    var consumer: Int = -1
    var user: Int = -1
    var session: UInt64 = 0
    var traceHigh: UInt64 = 0
    var traceLow: UInt64 = 0
    var span: UInt64 = 0
    var parentSpan: UInt64 = 0
    var clientIP: ClientIP
    var agent: Int
    var error: ErrorDetail?
    var staging = false
    var region: Int = 0
    var pod: Int = 0
    var reportsRoute = false
    /// The service that made this call, for downstream calls.
    var upstream: Int = -1

    init(service: Int, method: String, route: Int, clientIP: ClientIP, agent: Int) {
        self.service = service
        self.method = method
        self.route = route
        self.clientIP = clientIP
        self.agent = agent
    }
}
