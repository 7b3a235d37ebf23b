import SightlineCore

/// What the detectors need from one event, derived once per event.
struct EventContext {
    let event: Event
    var t: Int64 { event.timestampMicros }
    let route: String
    let routeInfo: RouteInfo
    /// Hash of `route` (stable).
    let routeHash: UInt64
    var ip: String? { event.clientIP }
    var user: String? { event.userID }
    var consumer: String? { event.consumer?.id }
}

/// Cached facts about one route template.
struct RouteInfo: Sendable {
    var isAuth: Bool
    /// Index (0-based, counting path segments after the leading `/`) of the last object-id
    /// placeholder, or `nil` when the route has none.
    var idSegment: Int?
}

/// Classifies route templates, with a bounded cache (routes are few; a flood of un-templated
/// paths only churns the cache).
struct RouteCatalog: Sendable {
    private var cache: [String: RouteInfo] = [:]
    private let keywords: Set<String>
    private let capacity: Int

    init(_ config: AuthRouteConfiguration) {
        keywords = config.keywords
        capacity = max(1, config.maxCachedRoutes)
    }

    var count: Int { cache.count }

    mutating func info(for route: String) -> RouteInfo {
        if let hit = cache[route] { return hit }
        let info = classify(route)
        if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
        cache[route] = info
        return info
    }

    func classify(_ route: String) -> RouteInfo {
        var isAuth = false
        var idSegment: Int? = nil
        let segments = route.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (i, raw) in segments.enumerated() {
            let seg = raw.lowercased()
            if seg.hasPrefix("{") || seg.hasPrefix(":") {
                let name = seg.drop { $0 == "{" || $0 == ":" }.prefix { $0 != "}" }
                if name == "id" || name == "uuid" || name.hasSuffix("id") { idSegment = i }
                continue
            }
            if !isAuth {
                if keywords.contains(seg) || keywords.contains(seg.filter { $0 != "-" && $0 != "_" }) {
                    isAuth = true
                } else if seg.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." })
                    .contains(where: { keywords.contains(String($0)) })
                {
                    isAuth = true
                }
            }
        }
        return RouteInfo(isAuth: isAuth, idSegment: idSegment)
    }
}

extension Event {
    /// The path segment at `index` (0-based after the leading `/`), without allocating.
    func pathSegment(at index: Int) -> Substring? {
        var i = 0
        for seg in path.split(separator: "/", maxSplits: index + 2, omittingEmptySubsequences: false).dropFirst() {
            if i == index { return seg.isEmpty ? nil : seg }
            i += 1
        }
        return nil
    }
}

/// Case-insensitive ASCII substring search against a fixed list of needles, indexed by first byte.
struct MarkerMatcher: Sendable {
    private let needles: [[UInt8]]
    private let byFirst: [[Int]]

    init(_ markers: [String]) {
        needles = markers.map { Array($0.lowercased().utf8) }.filter { !$0.isEmpty }
        var table = [[Int]](repeating: [], count: 256)
        for (i, n) in needles.enumerated() { table[Int(n[0])].append(i) }
        byFirst = table
    }

    /// The first needle found in `s`, or nil.
    func firstMatch(in s: String) -> Int? {
        var s = s
        return s.withUTF8 { buf -> Int? in
            let n = buf.count
            var i = 0
            while i < n {
                let c = Self.lower(buf[i])
                let candidates = byFirst[Int(c)]
                if !candidates.isEmpty {
                    for k in candidates {
                        let needle = needles[k]
                        if i + needle.count <= n {
                            var j = 1
                            while j < needle.count, Self.lower(buf[i + j]) == needle[j] { j += 1 }
                            if j == needle.count { return k }
                        }
                    }
                }
                i += 1
            }
            return nil
        }
    }

    func needle(_ k: Int) -> String { String(decoding: needles[k], as: UTF8.self) }

    @inline(__always)
    static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }
}
