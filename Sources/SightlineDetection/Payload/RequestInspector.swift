import SightlineCore

/// Runs ``PayloadClassifier`` over every place in a captured request where an attacker
/// controls a value, and says where each attack sits.
///
/// Invariants:
/// - **Locations, not values.** A finding names its location (`path[2]`, `query.q`,
///   `header.user-agent`, `cookie.session`, `body.$.filter.name`, `body.form.comment`); the
///   value itself is never copied into a finding. Names taken from the request (parameter,
///   cookie and JSON key names) are cut to 40 bytes and reduced to `[A-Za-z0-9_.$[\]-]`.
/// - **Bounded cost.** At most ``Limits/maxValues`` values are classified per request, the
///   body is read up to ``Limits/maxBodyBytes``, JSON is walked to ``Limits/maxDepth``; when a
///   cap is hit the scan stops and ``RequestScan/truncated`` says so. Each value is further
///   capped at 16 KiB by the normaliser.
/// - **Plain values are skipped.** Values made only of letters, digits, `-`, `_` and single
///   dots cannot carry any attack in the classifier's vocabulary and are not classified.
///
/// What is read, in this order (the order the burst detector stops at the first attack):
/// 1. path segments (`path[i]`, 0-based after the leading `/`); the whole path (`path`) when
///    it contains `..`;
/// 2. query values (`query.<name>`); for bracketed names (`password[$ne]`) the
///    `name=value` pair, so NoSQL operators in names are seen;
/// 3. the request body, when captured: a JSON object/array is walked value by value
///    (`body.$.a.b[0]`) and object keys that are Mongo operators (`$ne`, `$gt`, `$where` …)
///    are findings of their own (`body.$.password.$ne`); an
///    `application/x-www-form-urlencoded` body (or a JSON-string body that looks like one)
///    is split into values (`body.form.<name>`); any other string body is one value (`body`);
/// 4. headers worth checking (``checkedHeader(_:)``): `user-agent`, `referer`, `origin`,
///    `x-forwarded-for`, `x-forwarded-host`, `x-real-ip`, `x-client-ip`, `true-client-ip`,
///    `forwarded`, `x-original-url`, `x-rewrite-url`, `cookie` (each cookie value,
///    `cookie.<name>`) and every other `x-*` header except known noise (trace/request ids,
///    API keys and CSRF tokens, `x-forwarded-proto/port`, vendor `x-amz-*`, `x-goog-*`,
///    `x-ms-*`, `x-envoy-*`, `x-datadog-*`, `x-b3-*`, `x-newrelic-*`). `authorization` is
///    never read. A URL-valued header (`referer`, `origin`) has its host ignored (a
///    development `http://localhost:3000/` referer is not SSRF); its path and query values
///    are classified. `Event.userAgent` stands in for a missing `user-agent` header.
///
/// ```swift
/// let inspector = RequestInspector()
/// let scan = inspector.inspect(event)
/// for f in scan.findings { print(f.location, f.verdict.type!.rawValue, f.verdict.reason) }
/// inspector.firstAttack(in: event)      // stops at the first attack (hot path)
/// ```
public struct RequestInspector: Sendable {
    /// Caps that keep one request's cost bounded.
    public struct Limits: Sendable, Equatable {
        /// Values classified per request, all locations together.
        public var maxValues: Int = 256
        /// Body bytes read; the rest of a larger body is not inspected.
        public var maxBodyBytes: Int = 65_536
        /// JSON nesting walked.
        public var maxDepth: Int = 32
        /// Values read from one header (repeated headers, cookies, `x-forwarded-for` hops).
        public var maxValuesPerHeader: Int = 32
        /// Findings kept for ``RequestInspector/inspect(_:)``.
        public var maxFindings: Int = 32
        public init() {}
    }

    /// Which parts of the request are read.
    public struct Locations: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let path = Locations(rawValue: 1)
        public static let query = Locations(rawValue: 2)
        public static let headers = Locations(rawValue: 4)
        public static let body = Locations(rawValue: 8)
        public static let all: Locations = [.path, .query, .headers, .body]
    }

    public var classifier: PayloadClassifier
    public var limits: Limits
    public var locations: Locations

    public init(classifier: PayloadClassifier = PayloadClassifier(), limits: Limits = Limits(), locations: Locations = .all) {
        self.classifier = classifier
        self.limits = limits
        self.locations = locations
    }

    /// Every attack found in the event's request, in scan order (at most `limits.maxFindings`),
    /// or only the first one when `stoppingAtFirst` (the hot path: classification stops there).
    public func inspect(_ event: Event, stoppingAtFirst: Bool = false) -> RequestScan {
        var cache = HeaderCache(capacity: 0)
        return inspect(event, stoppingAtFirst: stoppingAtFirst, cache: &cache)
    }

    /// Like ``inspect(_:stoppingAtFirst:)``, remembering verdicts of header values (user
    /// agents, referers repeat across a stream) in `cache` so each distinct one is classified once.
    public func inspect(_ event: Event, stoppingAtFirst: Bool, cache: inout HeaderCache) -> RequestScan {
        var scan = Scan(inspector: self, stopAtFirst: stoppingAtFirst)
        swap(&scan.cache, &cache)
        scan.run(event)
        swap(&scan.cache, &cache)
        return scan.result
    }

    /// Verdicts of recently seen header values, bounded: when full it starts over.
    public struct HeaderCache: Sendable {
        var verdicts: [String: PayloadVerdict] = [:]
        let capacity: Int
        /// Values longer than this are not cached.
        static let maxValueBytes = 512
        public init(capacity: Int = 4_096) { self.capacity = capacity }
        public var count: Int { verdicts.count }
    }

    /// The first attack in scan order, or `nil`; stops classifying as soon as one is found.
    public func firstAttack(in event: Event) -> RequestFinding? {
        var scan = Scan(inspector: self, stopAtFirst: true)
        scan.run(event)
        return scan.result.findings.first
    }

    /// Whether a (lower-cased) header name is read; see the type's documentation for the list.
    public static func checkedHeader(_ name: String) -> Bool {
        if namedHeaders.contains(name) { return true }
        guard name.hasPrefix("x-"), !noiseHeaders.contains(name) else { return false }
        return !noisePrefixes.contains { name.hasPrefix($0) }
    }

    static let namedHeaders: Set<String> = [
        "user-agent", "referer", "origin", "x-forwarded-for", "x-forwarded-host", "x-real-ip", "x-client-ip",
        "true-client-ip", "forwarded", "x-original-url", "x-rewrite-url", "cookie",
    ]
    static let noiseHeaders: Set<String> = [
        "x-request-id", "x-correlation-id", "x-amzn-trace-id", "x-cloud-trace-context", "x-api-key", "x-auth-token",
        "x-csrf-token", "x-xsrf-token", "x-forwarded-proto", "x-forwarded-port", "x-requested-with", "x-signature",
        "x-hub-signature", "x-hub-signature-256", "x-timestamp", "x-trace-id", "x-span-id", "x-session-token",
        "x-access-token", "x-refresh-token", "x-idempotency-key", "x-content-type-options", "x-frame-options",
    ]
    static let noisePrefixes = ["x-amz-", "x-goog-", "x-ms-", "x-envoy-", "x-datadog-", "x-b3-", "x-newrelic-", "x-sightline-"]
    static let urlHeaders: Set<String> = ["referer", "origin", "x-original-url", "x-rewrite-url"]
    static let listHeaders: Set<String> = ["x-forwarded-for", "forwarded"]

    /// Whether `s` can skip classification: only letters, digits, `-`, `_` and single dots.
    @inline(__always)
    public static func isPlain(_ s: some StringProtocol) -> Bool {
        var previousDot = false
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                previousDot = false
            case UInt8(ascii: "."):
                if previousDot { return false }
                previousDot = true
            default:
                return false
            }
        }
        return true
    }

    /// A request-supplied name made safe to store in a location: at most 40 bytes of
    /// `[A-Za-z0-9_.$[\]-]`, other bytes as `_`.
    static func safeName(_ name: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        for c in name.prefix(40) {
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "$"), UInt8(ascii: "["), UInt8(ascii: "]"):
                out.append(c)
            default:
                out.append(UInt8(ascii: "_"))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// One attack found in a request: where, and the classifier's verdict.
public struct RequestFinding: Sendable, Equatable, Hashable {
    /// `path[2]`, `query.q`, `header.user-agent`, `cookie.session`, `body.$.filter.name`,
    /// `body.form.comment`, `body` … (names sanitised; never the value).
    public var location: String
    public var verdict: PayloadVerdict
    public init(location: String, verdict: PayloadVerdict) {
        self.location = location
        self.verdict = verdict
    }
}

/// The result of ``RequestInspector/inspect(_:)``.
public struct RequestScan: Sendable, Equatable {
    /// Attack findings in scan order.
    public var findings: [RequestFinding] = []
    /// Values passed to the classifier (plain values skipped are not counted).
    public var valuesClassified = 0
    /// Whether a cap (values, body bytes, depth, findings) cut the scan short.
    public var truncated = false
    public var isAttack: Bool { !findings.isEmpty }
}

extension RequestInspector {
    /// One pass over one request.
    struct Scan {
        let inspector: RequestInspector
        let stopAtFirst: Bool
        var result = RequestScan()
        var done = false
        var cache = HeaderCache(capacity: 0)

        init(inspector: RequestInspector, stopAtFirst: Bool) {
            self.inspector = inspector
            self.stopAtFirst = stopAtFirst
        }

        var limits: Limits { inspector.limits }

        mutating func run(_ e: Event) {
            let loc = inspector.locations
            if loc.contains(.path) { scanPath(e.path) }
            if loc.contains(.query), !done { scanQuery(e.query) }
            if loc.contains(.body), !done, let body = e.request?.body { scanBody(body, headers: e.request?.headers ?? []) }
            if loc.contains(.headers), !done { scanHeaders(e.request?.headers ?? [], userAgent: e.userAgent) }
        }

        /// Classifies one value unless it is plain; records an attack at `location()`.
        mutating func check(_ value: some StringProtocol, _ location: @autoclosure () -> String) {
            guard !done, !value.isEmpty, !RequestInspector.isPlain(value) else { return }
            check(bytes: Array(value.utf8), location())
        }

        mutating func check(bytes value: [UInt8], _ location: @autoclosure () -> String) {
            guard !done, !value.isEmpty else { return }
            guard result.valuesClassified < limits.maxValues else { result.truncated = true; done = true; return }
            result.valuesClassified += 1
            let v = inspector.classifier.classify(value)
            if v.attack { record(RequestFinding(location: location(), verdict: v)) }
        }

        mutating func record(_ finding: RequestFinding) {
            result.findings.append(finding)
            if stopAtFirst { done = true }
            else if result.findings.count >= limits.maxFindings { result.truncated = true; done = true }
        }

        mutating func scanPath(_ path: String) {
            var i = 0
            let before = result.findings.count
            for seg in path.split(separator: "/", omittingEmptySubsequences: true) {
                check(seg, "path[\(i)]")
                i += 1
                if done { return }
            }
            // `/a/../../etc/passwd` is only an attack as a whole
            if path.contains(".."), result.findings.count == before { check(path, "path") }
        }

        mutating func scanQuery(_ query: [QueryParameter]) {
            for q in query {
                if q.name.contains("[$") {
                    check(q.name + "=" + q.value, "query.\(RequestInspector.safeName(q.name.utf8))")
                } else {
                    check(q.value, "query.\(RequestInspector.safeName(q.name.utf8))")
                }
                if done { return }
            }
        }

        // MARK: Headers

        mutating func scanHeaders(_ headers: [Header], userAgent: String?) {
            var sawUserAgent = false
            for h in headers {
                if h.name == "user-agent" { sawUserAgent = true }
                guard RequestInspector.checkedHeader(h.name) else { continue }
                let location = "header.\(RequestInspector.safeName(h.name.utf8))"
                var n = 0
                for value in h.values {
                    if h.name == "cookie" {
                        scanCookie(value, budget: &n)
                    } else if RequestInspector.listHeaders.contains(h.name) {
                        for item in value.split(separator: ",") {
                            n += 1
                            if n > limits.maxValuesPerHeader { result.truncated = true; break }
                            check(item.trimmingSpaces, location)
                        }
                    } else if RequestInspector.urlHeaders.contains(h.name) {
                        n += 1
                        scanURL(value, location)
                    } else {
                        n += 1
                        checkCached(value, location)
                    }
                    if done { return }
                    if n > limits.maxValuesPerHeader { result.truncated = true; break }
                }
            }
            if !sawUserAgent, let ua = userAgent { checkCached(ua, "header.user-agent") }
        }

        /// ``check(_:_:)`` through the header cache.
        mutating func checkCached(_ value: String, _ location: String) {
            guard cache.capacity > 0, value.utf8.count <= HeaderCache.maxValueBytes else { return check(value, location) }
            guard !done, !value.isEmpty, !RequestInspector.isPlain(value) else { return }
            if let v = cache.verdicts[value] {
                if v.attack { record(RequestFinding(location: location, verdict: v)) }
                return
            }
            guard result.valuesClassified < limits.maxValues else { result.truncated = true; done = true; return }
            result.valuesClassified += 1
            let v = inspector.classifier.classify(value)
            if cache.verdicts.count >= cache.capacity { cache.verdicts.removeAll(keepingCapacity: true) }
            cache.verdicts[value] = v
            if v.attack { record(RequestFinding(location: location, verdict: v)) }
        }

        mutating func scanCookie(_ value: String, budget n: inout Int) {
            for pair in value.split(separator: ";") {
                n += 1
                if n > limits.maxValuesPerHeader { result.truncated = true; return }
                let p = pair.trimmingSpaces
                if let eq = p.firstIndex(of: "=") {
                    check(p[p.index(after: eq)...], "cookie.\(RequestInspector.safeName(p[..<eq].utf8))")
                } else {
                    check(p, "cookie")
                }
                if done { return }
            }
        }

        /// A URL header: the host is not judged (a development referer is not SSRF); the
        /// path (when it has `..`) and each query value are.
        mutating func scanURL(_ value: String, _ location: String) {
            var rest = Substring(value)
            if let r = rest.firstRange(of: "://") {
                rest = rest[r.upperBound...]
                if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
                    rest = rest[slash...]
                } else {
                    return
                }
            }
            if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
            let path = rest.firstIndex(of: "?").map { rest[..<$0] } ?? rest
            if path.contains("..") || path.contains("%") || path.contains("<") { check(path, location) }
            if let q = rest.firstIndex(of: "?") {
                for pair in rest[rest.index(after: q)...].split(separator: "&") {
                    let v = pair.firstIndex(of: "=").map { pair[pair.index(after: $0)...] } ?? pair
                    check(v, location)
                    if done { return }
                }
            }
        }

        // MARK: Body

        mutating func scanBody(_ body: RawJSON, headers: [Header]) {
            var bytes = body.bytes[...]
            if bytes.count > limits.maxBodyBytes {
                bytes = bytes.prefix(limits.maxBodyBytes)
                result.truncated = true
            }
            let contentType = headers.first { $0.name == "content-type" }?.values.first?.lowercased() ?? ""
            var walker = JSONWalker(bytes: bytes, maxDepth: limits.maxDepth)
            guard let first = walker.peekNonSpace() else { return }
            if first == UInt8(ascii: "\"") {
                // A non-JSON body, captured as one JSON string.
                guard let text = walker.readString() else { return }
                if contentType.hasPrefix("application/x-www-form-urlencoded") || (contentType.isEmpty && looksLikeForm(text)) {
                    scanForm(text)
                } else if let f = text.first(where: { !ASCII.isSpace($0) }), f == UInt8(ascii: "{") || f == UInt8(ascii: "["),
                          contentType.isEmpty || contentType.contains("json") {
                    // JSON sent with a non-JSON capture (or a JSON string holding JSON).
                    var inner = JSONWalker(bytes: text[...], maxDepth: limits.maxDepth)
                    walkJSON(&inner)
                } else {
                    check(bytes: text, "body")
                }
                return
            }
            walkJSON(&walker)
        }

        mutating func walkJSON(_ walker: inout JSONWalker) {
            var skipValue = false  // the string under an operator key already reported
            walker.walk { event in
                switch event {
                case .string(let value, let path):
                    if skipValue { skipValue = false; return true }
                    if !value.isEmpty, !value.allSatisfy(Self.isPlainByte) || Self.hasDoubleDot(value) {
                        self.check(bytes: value, "body.$" + path.render())
                    }
                case .key(let key, let value, let path):
                    skipValue = false
                    if let finding = self.operatorKey(key, value: value, path: path) {
                        self.record(finding)
                        skipValue = value == .string
                    }
                }
                return !self.done
            }
            if walker.truncated { result.truncated = true }
        }

        static func isPlainByte(_ c: UInt8) -> Bool {
            ASCII.isAlnum(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
        }
        static func hasDoubleDot(_ v: [UInt8]) -> Bool {
            zip(v, v.dropFirst()).contains { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }
        }

        /// A Mongo query operator used as an object key: `{"password": {"$ne": null}}`.
        func operatorKey(_ key: [UInt8], value: JSONWalker.ValueKind, path: JSONWalker.Path) -> RequestFinding? {
            guard key.count >= 3, key[0] == UInt8(ascii: "$"), NoSQLInjectionDetector.operators.contains(key[1...]) else { return nil }
            let name = "$" + String(decoding: key[1...], as: UTF8.self)
            let isJS = key.elementsEqual("$where".utf8) || key.elementsEqual("$function".utf8) || key.elementsEqual("$accumulator".utf8)
            let rule: PayloadRule = isJS && value == .string ? .nosqlWhereJS : .nosqlOperatorKey
            let detail = isJS && value == .string ? "\(name) operator with JavaScript in a JSON body" : "\(name) operator as a JSON body key"
            let verdict = inspector.classifier.verdict(for: [(rule, detail)])
            guard verdict.attack else { return nil }
            return RequestFinding(location: "body.$" + path.render(), verdict: verdict)
        }

        /// `%xx` and `+` decoded, for form field names (values are decoded by the normaliser).
        static func percentDecoded(_ s: ArraySlice<UInt8>) -> [UInt8] {
            var out: [UInt8] = []
            var k = s.startIndex
            while k < s.endIndex {
                let c = s[k]
                if c == UInt8(ascii: "+") { out.append(0x20); k += 1; continue }
                if c == UInt8(ascii: "%"), k + 2 < s.endIndex, let h = hexValue(s[k + 1]), let l = hexValue(s[k + 2]) {
                    out.append(h << 4 | l); k += 3; continue
                }
                out.append(c); k += 1
            }
            return out
        }
        static func hexValue(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }

        func looksLikeForm(_ text: [UInt8]) -> Bool {
            guard text.contains(UInt8(ascii: "=")), let f = text.first, f != UInt8(ascii: "=") else { return false }
            return !text.contains(where: { ASCII.isSpace($0) || $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "<") })
        }

        mutating func scanForm(_ text: [UInt8]) {
            for pair in text.split(separator: UInt8(ascii: "&")) {
                let eq = pair.firstIndex(of: UInt8(ascii: "="))
                let rawName = eq.map { pair[..<$0] } ?? pair[...]
                let name = Self.percentDecoded(rawName)
                let location = "body.form.\(RequestInspector.safeName(name))"
                if name.contains(UInt8(ascii: "[")), name.contains(UInt8(ascii: "$")) {
                    check(bytes: Array(pair), location)
                } else if let eq {
                    let value = pair[(eq + 1)...]
                    if !value.isEmpty, !value.allSatisfy(Self.isPlainByte) || Self.hasDoubleDot(Array(value)) {
                        check(bytes: Array(value), location)
                    }
                }
                if done { return }
            }
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: SubSequence {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
