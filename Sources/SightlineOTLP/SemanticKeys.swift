/// The OpenTelemetry attribute names Sightline maps to event fields, current semantic conventions
/// first and the names used before the HTTP conventions were stabilised (semconv 1.20 and older)
/// after them. `docs/otlp.md` has the table.
enum SemanticKey: Int, CaseIterable {
    case httpRequestMethod, httpMethod, httpRequestMethodOriginal
    case urlPath, httpTarget, urlFull, httpURL
    case urlQuery
    case urlScheme, httpScheme
    case serverAddress, httpHost, netHostName
    case httpRoute
    case httpResponseStatusCode, httpStatusCode
    case httpRequestBodySize, httpRequestContentLength
    case httpResponseBodySize, httpResponseContentLength
    case clientAddress, httpClientIP, networkPeerAddress, netSockPeerAddr, netPeerIP
    case userAgentOriginal, httpUserAgent
    case userID, endUserID
    case sessionID
    case errorType

    var name: String {
        switch self {
        case .httpRequestMethod: "http.request.method"
        case .httpMethod: "http.method"
        case .httpRequestMethodOriginal: "http.request.method_original"
        case .urlPath: "url.path"
        case .httpTarget: "http.target"
        case .urlFull: "url.full"
        case .httpURL: "http.url"
        case .urlQuery: "url.query"
        case .urlScheme: "url.scheme"
        case .httpScheme: "http.scheme"
        case .serverAddress: "server.address"
        case .httpHost: "http.host"
        case .netHostName: "net.host.name"
        case .httpRoute: "http.route"
        case .httpResponseStatusCode: "http.response.status_code"
        case .httpStatusCode: "http.status_code"
        case .httpRequestBodySize: "http.request.body.size"
        case .httpRequestContentLength: "http.request_content_length"
        case .httpResponseBodySize: "http.response.body.size"
        case .httpResponseContentLength: "http.response_content_length"
        case .clientAddress: "client.address"
        case .httpClientIP: "http.client_ip"
        case .networkPeerAddress: "network.peer.address"
        case .netSockPeerAddr: "net.sock.peer.addr"
        case .netPeerIP: "net.peer.ip"
        case .userAgentOriginal: "user_agent.original"
        case .httpUserAgent: "http.user_agent"
        case .userID: "user.id"
        case .endUserID: "enduser.id"
        case .sessionID: "session.id"
        case .errorType: "error.type"
        }
    }

    /// Keys whose presence makes a span an HTTP server span when its kind is SERVER.
    static let httpMarkers: [SemanticKey] = [
        .httpRequestMethod, .httpMethod, .urlPath, .httpTarget, .httpRoute, .httpResponseStatusCode, .httpStatusCode,
    ]
}

/// Resource attribute names.
enum ResourceKey {
    static let serviceName = "service.name"
    static let environment = ["deployment.environment.name", "deployment.environment"]
}

/// Where, in one span's attribute list, each attribute Sightline knows is (the first occurrence).
///
/// Built in one pass over the list; the slots after the semantic keys are the configured
/// consumer id, name and plan attributes, in the order configured.
struct AttributeIndex {
    /// Attribute position for each known key, or -1.
    var positions: [Int32]

    init(_ attributes: [PBKeyValue], table: KeyTable) {
        positions = Array(repeating: -1, count: table.count)
        for (position, pair) in attributes.enumerated() {
            if let slot = table.slots.value(for: pair.key), positions[slot] < 0 {
                positions[slot] = Int32(position)
            }
        }
    }

    func position(_ key: SemanticKey) -> Int? {
        let value = positions[key.rawValue]
        return value < 0 ? nil : Int(value)
    }

    func position(slot: Int) -> Int? {
        let value = positions[slot]
        return value < 0 ? nil : Int(value)
    }
}

/// The attribute names a mapper looks up, each with its slot in ``AttributeIndex``.
struct KeyTable: Sendable {
    let slots: StringSlots
    let count: Int
    let consumerIDSlots: Range<Int>
    let consumerNameSlots: Range<Int>
    let consumerPlanSlots: Range<Int>
    let consumerIDNames: [String]

    init(consumerID: [String], consumerName: [String], consumerPlan: [String]) {
        var slots = StringSlots(capacity: 64)
        for key in SemanticKey.allCases { slots.insert(key.name, value: key.rawValue) }
        var next = SemanticKey.allCases.count
        func add(_ names: [String]) -> Range<Int> {
            let start = next
            for name in names {
                // A name that is already a known key (or listed twice) keeps its first meaning only.
                slots.insert(name, value: next)
                next += 1
            }
            return start..<next
        }
        consumerIDSlots = add(consumerID)
        consumerNameSlots = add(consumerName)
        consumerPlanSlots = add(consumerPlan)
        consumerIDNames = consumerID
        self.slots = slots
        count = next
    }
}
