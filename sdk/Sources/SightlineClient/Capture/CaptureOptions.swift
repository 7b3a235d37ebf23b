import Synchronization

/// What the middlewares capture, shared by `SightlineHummingbird` and `SightlineVapor`.
///
/// Invariants:
/// - Headers and bodies are captured only when switched on, and never more than the caps.
/// - A body is captured only when it is already in memory (or small enough to be read whole
///   anyway, with a `Content-Length` under the cap); a streamed response is counted, never held.
/// - An excluded request costs one set lookup and produces nothing.
/// - Sampling keeps `sampleRate` of the requests, evenly spread, and marks each kept event with
///   the attribute `sample_weight` = 1 / `sampleRate`, so that counts multiplied by the weight
///   stay correct. (Sightline's event format has no weight field; `attributes` is where the
///   server keeps extra fields.)
public struct CaptureOptions: Sendable {
    /// Paths or route templates never captured (exact match), e.g. `/health`.
    public var excludedPaths: Set<String>
    /// Path prefixes never captured, e.g. `/internal/`.
    public var excludedPathPrefixes: [String]
    /// Fraction of requests captured, in (0, 1].
    public var sampleRate: Double {
        didSet { sampler = Sampler(rate: sampleRate) }
    }
    public var captureRequestHeaders: Bool
    public var captureResponseHeaders: Bool
    public var captureRequestBody: Bool
    public var captureResponseBody: Bool
    /// Most bytes of header names and values kept per request or response.
    public var maxHeaderBytes: Int
    /// Most bytes of a body kept.
    public var maxBodyBytes: Int
    /// Who may set `X-Forwarded-For` / `Forwarded`.
    public var clientAddress: ClientAddressResolver
    /// A cookie whose value is the session id, when no session closure says otherwise.
    public var sessionCookieName: String?
    /// The environment name sent with every event.
    public var environment: String?

    var sampler: Sampler

    public init(
        excludedPaths: Set<String> = ["/health"],
        excludedPathPrefixes: [String] = [],
        sampleRate: Double = 1.0,
        captureRequestHeaders: Bool = false,
        captureResponseHeaders: Bool = false,
        captureRequestBody: Bool = false,
        captureResponseBody: Bool = false,
        maxHeaderBytes: Int = 8 * 1024,
        maxBodyBytes: Int = 16 * 1024,
        trustedProxies: [String] = [],
        sessionCookieName: String? = nil,
        environment: String? = nil
    ) throws(SightlineClientError) {
        guard sampleRate > 0, sampleRate <= 1 else {
            throw .invalidConfiguration("sampleRate must be in (0, 1], got \(sampleRate); use 1 to capture every request")
        }
        guard maxBodyBytes >= 0, maxHeaderBytes >= 0 else {
            throw .invalidConfiguration("maxBodyBytes and maxHeaderBytes must be ≥ 0")
        }
        self.excludedPaths = excludedPaths
        self.excludedPathPrefixes = excludedPathPrefixes
        self.sampleRate = sampleRate
        self.sampler = Sampler(rate: sampleRate)
        self.captureRequestHeaders = captureRequestHeaders
        self.captureResponseHeaders = captureResponseHeaders
        self.captureRequestBody = captureRequestBody
        self.captureResponseBody = captureResponseBody
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.clientAddress = try ClientAddressResolver(trustedProxies: trustedProxies)
        self.sessionCookieName = sessionCookieName
        self.environment = environment
    }

    /// True when a request to `path` should not be captured.
    public func isExcluded(path: String) -> Bool {
        if excludedPaths.contains(path) { return true }
        for prefix in excludedPathPrefixes where path.hasPrefix(prefix) { return true }
        return false
    }

    /// Decides whether to capture this request; returns the weight to record, or `nil` to skip.
    public func sample() -> Double? {
        sampler.next()
    }

    /// Keeps the headers, in order, until `maxHeaderBytes` is reached.
    public func capHeaders(_ headers: some Sequence<(name: String, value: String)>) -> [(name: String, value: String)] {
        var kept: [(name: String, value: String)] = []
        var used = 0
        for header in headers {
            let size = header.name.utf8.count + header.value.utf8.count
            if used + size > maxHeaderBytes { break }
            used += size
            kept.append(header)
        }
        return kept
    }

    /// The value of cookie `name` in `Cookie` header values.
    public static func cookie(named name: String, in cookieHeaders: some Sequence<String>) -> String? {
        for header in cookieHeaders {
            for pair in header.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                guard kv.count == 2, kv[0].trimmingCharacters(" ") == name else { continue }
                return kv[1].trimmingCharacters(" ")
            }
        }
        return nil
    }
}

/// Systematic sampling: keeps exactly `rate` of the requests, evenly spaced, with one atomic add.
final class Sampler: Sendable {
    let rate: Double
    let weight: Double
    private let counter = Atomic<UInt64>(0)

    init(rate: Double) {
        self.rate = rate
        self.weight = 1 / rate
    }

    func next() -> Double? {
        if rate >= 1 { return 1 }
        let n = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        // Keep request n when the running total floor(n * rate) steps up.
        let before = (Double(n) * rate).rounded(.down)
        let after = (Double(n + 1) * rate).rounded(.down)
        return after > before ? weight : nil
    }
}
