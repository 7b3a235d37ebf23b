/// How one path parameter's value is drawn and written.
///
/// A drawn value is a `UInt64` (an integer id, an index into a list, or a seed for an
/// opaque id); the same value always renders to the same text, so a popular entity keeps
/// its id across events.
enum PathParameter: Sendable {
    /// A decimal id such as `/orders/184211`.
    case number(ClosedRange<Int>)
    /// A version-4 UUID.
    case uuid
    /// A product slug such as `merino-hoodie`.
    case productSlug
    /// A category slug such as `audio`.
    case categorySlug
    /// A stock keeping unit such as `SKU-48213` (the value is a product index).
    case sku
    /// One word out of a closed set.
    case word([String])
    /// An opaque provider-style id such as `pi_3kf9x0q2m1z7a`.
    case token(prefix: String)
    /// A user reference such as `u_1842`.
    case userReference
}

/// A literal run of a path or a parameter.
enum PathPart: Sendable {
    case literal(String)
    case parameter(PathParameter)
}

/// Which query string, if any, a route's requests carry.
enum QueryKind: Sendable {
    case none
    case productList
    case search
    case suggest
    case orderList
    case expand
    case report
    case cursor
}

/// Per-route latency: log-normal around `medianMs`, with a heavy tail where
/// `tailProbability` of requests are `tailFactor` times slower again.
struct Latency: Sendable {
    var medianMs: Double
    var sigma: Double
    var tailProbability: Double
    var tailFactor: Double

    init(_ medianMs: Double, _ sigma: Double, tail tailProbability: Double = 0.01, factor tailFactor: Double = 4) {
        self.medianMs = medianMs
        self.sigma = sigma
        self.tailProbability = tailProbability
        self.tailFactor = tailFactor
    }
}

/// A non-success status and its probability on a route in normal operation.
struct Failure: Sendable {
    var status: Int
    var probability: Double

    init(_ status: Int, _ probability: Double) {
        self.status = status
        self.probability = probability
    }
}

/// Typical failure mixes; routes combine them with their own.
enum FailureMix {
    static let read: [Failure] = [Failure(400, 0.003), Failure(401, 0.004), Failure(500, 0.001), Failure(503, 0.0005)]
    static let readByID: [Failure] = [
        Failure(401, 0.004), Failure(403, 0.003), Failure(404, 0.012), Failure(500, 0.001), Failure(503, 0.0005),
    ]
    static let write: [Failure] = [
        Failure(400, 0.01), Failure(401, 0.004), Failure(403, 0.002), Failure(409, 0.006), Failure(422, 0.018),
        Failure(500, 0.002), Failure(503, 0.001),
    ]
    static let internalCall: [Failure] = [Failure(500, 0.0015), Failure(503, 0.001)]
    static let probe: [Failure] = [Failure(503, 0.0002)]
}

/// One endpoint of a simulated service: what its requests look like and how it behaves.
struct Route: Sendable {
    /// Index into `DemoCatalog.services`.
    var service: Int
    var method: String
    /// The route template, e.g. `/orders/{id}/items/{itemId}`.
    var template: String
    var parts: [PathPart]
    var parameterCount: Int
    /// Noun for error messages, e.g. "order".
    var resource: String
    /// Relative weight among requests made by API integrations (0: only reached by journeys or calls).
    var apiWeight: Double
    var latency: Latency
    var success: Int
    var failures: [Failure]
    /// Median request body size in bytes (0: no body).
    var requestBytes: Int
    /// Median response body size in bytes on success.
    var responseBytes: Int
    var query: QueryKind

    /// `METHOD /template`, the key the catalog uses to wire journeys, calls and incidents.
    var key: String { method + " " + template }

    init(
        _ service: Int, _ method: String, _ template: String, _ parameters: [PathParameter] = [],
        resource: String = "resource", api apiWeight: Double = 0, latency: Latency,
        success: Int? = nil, failures: [Failure], request requestBytes: Int = 0, response responseBytes: Int,
        query: QueryKind = .none
    ) {
        self.service = service
        self.method = method
        self.template = template
        self.resource = resource
        self.apiWeight = apiWeight
        self.latency = latency
        self.success = success ?? (method == "POST" ? 201 : method == "DELETE" ? 204 : 200)
        self.failures = failures
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
        self.query = query
        self.parameterCount = parameters.count
        self.parts = Route.parse(template, parameters)
    }

    /// Splits `template` at `{name}` placeholders, giving each the next parameter in order.
    private static func parse(_ template: String, _ parameters: [PathParameter]) -> [PathPart] {
        var parts: [PathPart] = []
        var literal = ""
        var remaining = parameters[...]
        var inPlaceholder = false
        for character in template {
            if inPlaceholder {
                if character == "}" {
                    inPlaceholder = false
                    guard let parameter = remaining.popFirst() else {
                        preconditionFailure("route \(template) has more placeholders than parameters")
                    }
                    parts.append(.parameter(parameter))
                }
            } else if character == "{" {
                inPlaceholder = true
                if !literal.isEmpty {
                    parts.append(.literal(literal))
                    literal = ""
                }
            } else {
                literal.append(character)
            }
        }
        if !literal.isEmpty {
            parts.append(.literal(literal))
        }
        precondition(remaining.isEmpty, "route \(template) has fewer placeholders than parameters")
        return parts
    }
}
