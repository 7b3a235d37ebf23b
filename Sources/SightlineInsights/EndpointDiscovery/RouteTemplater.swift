/// Stateless route-template inference from the shape of each path segment.
///
/// Invariants:
/// - Pure and deterministic: the same path always yields the same template; no allocation
///   beyond the output string and the decoded segments.
/// - A template is `/` followed by `/`-joined segments; every segment is a
///   ``RoutePlaceholder``, `{id}.<ext>`, or a canonically percent-encoded literal.
/// - Literal candidates (``SegmentKind/Role/literalCandidate``) are always kept verbatim here;
///   only ``RouteLearner`` can turn them into `{name}` / `{slug}` / `{file}`.
///
/// ```swift
/// let templater = RouteTemplater()
/// templater.template(path: "/orders/8812/items/3?expand=1")   // "/orders/{id}/items/{id}"
/// templater.classify("cus_9fK2aBq8")                           // .prefixedID
/// ```
public struct RouteTemplater: Sendable {
    /// Segments longer than this many UTF-8 bytes are classified ``SegmentKind/token``;
    /// this also bounds the size of any literal the learner stores.
    public static let maxLiteralLength = 160

    /// Creates a templater.
    public init() {}

    /// Classifies one *decoded* path segment.
    /// - Parameter segment: a single segment without `/`, already percent-decoded.
    /// - Returns: the segment's lexical class.
    public func classify(_ segment: String) -> SegmentKind {
        var copy = segment
        return copy.withUTF8 { SegmentClassifier.classify($0) }
    }

    /// Infers a template from the path alone, without learned context.
    /// - Parameter path: a raw path; query, fragment, trailing slash and escapes are normalised.
    /// - Returns: the template, e.g. `/orders/{id}/items/{id}`; `/` for the root.
    public func template(path: String) -> String {
        var output = ""
        for segment in RoutePath(path).segments {
            output.append("/")
            output.append(Self.render(segment, kind: classify(segment), learned: nil))
        }
        return output.isEmpty ? "/" : output
    }

    /// Renders one segment. `learned` is the position's learned placeholder when the learner
    /// decided the segment is variable; `nil` keeps literal candidates verbatim.
    static func render(_ segment: String, kind: SegmentKind, learned: RoutePlaceholder?) -> String {
        switch kind.role {
        case .literalCandidate:
            return learned?.rawValue ?? RoutePath.encodedLiteral(segment)
        case .weakIdentifier:
            return (learned ?? .id).rawValue
        case .placeholder:
            if kind == .identifierWithExtension, let dot = segment.lastIndex(of: ".") {
                return RoutePlaceholder.id.rawValue + RoutePath.encodedLiteral(String(segment[dot...]))
            }
            return (kind.placeholder ?? .id).rawValue
        }
    }
}
