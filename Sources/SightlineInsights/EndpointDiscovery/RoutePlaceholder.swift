/// The closed set of placeholders that can appear in a route template.
///
/// Invariant: a template segment is either one of these, `{id}.<ext>`, or a literal whose
/// reserved characters (including `{` and `}`) are percent-encoded, so placeholders and
/// literals can never be confused.
public enum RoutePlaceholder: String, Sendable, Codable, CaseIterable {
    /// Any identifier: integer, UUID, ULID, hex id, prefixed id, opaque token.
    case id = "{id}"
    /// Digest-length hex string.
    case hash = "{hash}"
    /// Calendar date or date-time.
    case date = "{date}"
    /// E-mail address.
    case email = "{email}"
    /// Learned: a high-cardinality position of plain words (usernames, tags, repo names).
    case name = "{name}"
    /// Learned: a high-cardinality position of hyphenated words (blog/product slugs).
    case slug = "{slug}"
    /// Learned: a high-cardinality position of file names.
    case file = "{file}"
}
