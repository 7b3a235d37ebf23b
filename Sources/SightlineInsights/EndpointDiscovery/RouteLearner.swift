import Synchronization

/// Learns route templates from a stream of raw paths, per service.
///
/// Invariants:
/// - Thread-safe: all state sits behind one `Mutex`; segment decoding and classification happen
///   outside the lock, so the critical section is a trie walk.
/// - Memory is bounded by ``Configuration`` (node cap, per-position and global value caps);
///   when a cap is reached learning degrades to classification, it never grows further.
/// - `template` is read-only and deterministic for a given state; `observe` returns the
///   template of the path as of the state *after* the observation.
/// - A ``RouteLearnerSnapshot`` restores a learner that answers `template` identically.
///
/// Algorithm (details in `docs/endpoint-discovery.md`): each scope (service, or
/// service + method) has a trie over segments. Segments that classify as identifiers, dates,
/// e-mails or hashes follow one shared wildcard edge. Literal-looking segments are counted per
/// position; when a position has many distinct values, most of them seen once, it *collapses*:
/// its values render as a learned `{name}` / `{slug}` / `{file}` and share the wildcard edge,
/// except values that stay frequent relative to their siblings (`/users/me`).
///
/// ```swift
/// let learner = RouteLearner()
/// for path in ["/users/alice", "/users/bob", /* … */ "/users/me"] {
///     learner.observe(service: "api", method: "GET", path: path)
/// }
/// learner.template(service: "api", method: "GET", path: "/users/zoe/repos")  // "/users/{name}/repos"
/// ```
public final class RouteLearner: Sendable {
    /// A value seen at most this many times at a position counts as rare (see
    /// ``Configuration/rareFractionToCollapse``).
    public static let rareCountLimit = RouteTrie.rareCountLimit

    private let state: Mutex<RouteTrie>
    private let templater = RouteTemplater()

    /// The effective (clamped) configuration.
    public let configuration: Configuration

    /// Creates an empty learner.
    /// - Parameter configuration: limits and thresholds; out-of-range values are clamped.
    public init(configuration: Configuration = Configuration()) {
        let effective = configuration.clamped()
        self.configuration = effective
        self.state = Mutex(RouteTrie(configuration: effective))
    }

    /// Restores a learner from a snapshot taken with ``snapshot()``.
    /// - Parameter snapshot: a previously persisted state.
    /// - Throws: ``InsightsError`` with code `unsupportedSnapshotVersion` or `invalidSnapshot`
    ///   if the snapshot is from a newer format or internally inconsistent.
    public init(restoring snapshot: RouteLearnerSnapshot) throws(InsightsError) {
        let trie = try snapshot.makeTrie()
        self.configuration = trie.configuration
        self.state = Mutex(trie)
    }

    /// Records one observed request and returns its template under the updated state.
    /// - Parameters:
    ///   - service: the service (API) the request belongs to; each learns separately.
    ///   - method: the HTTP method; only used when `partitionByMethod` is on.
    ///   - path: the raw path; query, fragment, trailing slash and escapes are normalised.
    /// - Returns: the inferred template, e.g. `/users/{name}`.
    @discardableResult
    public func observe(service: String, method: String, path: String) -> String {
        let segments = RoutePath(path).segments
        let kinds = segments.map(templater.classify)
        let scope = scopeKey(service: service, method: method)
        return state.withLock { $0.observe(scope: scope, segments: segments, kinds: kinds) }
    }

    /// Infers the template of a path from what has been learned so far, without learning.
    /// - Parameters:
    ///   - service: the service (API) the request belongs to.
    ///   - method: the HTTP method; only used when `partitionByMethod` is on.
    ///   - path: the raw path.
    /// - Returns: the inferred template; unknown services fall back to classification only.
    public func template(service: String, method: String, path: String) -> String {
        let segments = RoutePath(path).segments
        let kinds = segments.map(templater.classify)
        let scope = scopeKey(service: service, method: method)
        return state.withLock { $0.template(scope: scope, segments: segments, kinds: kinds) }
    }

    /// A serialisable copy of the learned state, for persistence.
    /// - Returns: a compact snapshot (freed arena slots are dropped).
    public func snapshot() -> RouteLearnerSnapshot {
        state.withLock { RouteLearnerSnapshot(trie: $0) }
    }

    /// Current size of the learned state.
    public var statistics: Statistics {
        state.withLock { $0.statistics }
    }

    private func scopeKey(service: String, method: String) -> String {
        configuration.partitionByMethod ? service + "\u{0}" + method.uppercased() : service
    }
}
