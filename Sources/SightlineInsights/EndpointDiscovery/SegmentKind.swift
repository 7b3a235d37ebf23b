/// The lexical class of one decoded path segment, as decided by ``RouteTemplater/classify(_:)``.
///
/// Invariants:
/// - Classification is a pure function of the segment's bytes: no state, no locale.
/// - Every kind maps to exactly one ``Role``: a fixed placeholder, a weak identifier
///   (placeholder `{id}` unless a learned position says otherwise), or a literal candidate
///   (kept verbatim unless the ``RouteLearner`` learned the position is high-cardinality).
///
/// Placeholder scheme (see `docs/endpoint-discovery.md`):
///
/// | kind | placeholder |
/// |------|-------------|
/// | `integer`, `uuid`, `ulid`, `hexID`, `prefixedID`, `token`, `mixedID` | `{id}` |
/// | `identifierWithExtension` (`8812.json`) | `{id}.json` |
/// | `hash` (32/40/64/96/128 hex digits) | `{hash}` |
/// | `date` (`2026-11-22`, `20261122`, `2026-11`, ISO date-time) | `{date}` |
/// | `email` | `{email}` |
/// | `literal`, `file` | verbatim, or a learned `{name}` / `{slug}` / `{file}` / `{id}` |
public enum SegmentKind: String, Sendable, Codable, CaseIterable {
    /// A word that may be a fixed route name: `orders`, `me`, `v2`, `oauth2`, `.well-known`.
    case literal
    /// A file name with a known extension whose stem is not an identifier: `report-2026.pdf`.
    case file
    /// Only decimal digits (and at most one decimal point / dotted quad): `8812`, `10.0.0.1`.
    case integer
    /// RFC 4122 textual UUID, any version.
    case uuid
    /// 26-character Crockford base32 ULID.
    case ulid
    /// At least 12 hex digits mixing letters and digits, not a hash length: `507f1f77bcf86cd799439011`.
    case hexID
    /// Hex string of a digest length: md5 (32), sha1 (40), sha256 (64), sha384 (96), sha512 (128).
    case hash
    /// A short lowercase prefix plus a random or numeric tail: `cus_9fK2aBq`, `usr-8812`.
    case prefixedID
    /// Long opaque base64 / base64url / JWT-like token, or any segment over the length cap.
    case token
    /// A random-looking alphanumeric string: `a8Fk29xQ`, `user1234`. Weak: a learned
    /// position may rename it (e.g. `{name}` under `/users/`).
    case mixedID
    /// An identifier followed by a known file extension: `8812.json`, `<uuid>.png`.
    case identifierWithExtension
    /// A calendar date or date-time.
    case date
    /// An e-mail address.
    case email

    /// How the templater and the learner treat a kind.
    public enum Role: Sendable, Hashable {
        /// Always replaced by a placeholder, regardless of what was learned.
        case placeholder
        /// Replaced by `{id}` unless the learned position has another dominant placeholder.
        case weakIdentifier
        /// Kept verbatim unless the learned position is high-cardinality.
        case literalCandidate
    }

    /// The role of this kind. See ``Role``.
    public var role: Role {
        switch self {
        case .literal, .file: .literalCandidate
        case .mixedID: .weakIdentifier
        default: .placeholder
        }
    }

    /// The placeholder this kind renders as on its own, or `nil` for literal candidates.
    /// `identifierWithExtension` renders as `{id}` plus the original extension.
    public var placeholder: RoutePlaceholder? {
        switch self {
        case .literal, .file: nil
        case .integer, .uuid, .ulid, .hexID, .prefixedID, .token, .mixedID, .identifierWithExtension: .id
        case .hash: .hash
        case .date: .date
        case .email: .email
        }
    }
}
