/// A lexical token with its position in the query text.
///
/// Invariant: `span` is a half-open range of Unicode-scalar offsets into the query;
/// `utf8Offset` is the byte offset of its first scalar.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A name; may contain dotted segments (`consumer.plan`, `request.headers.content-type`).
        case identifier(String)
        /// A string literal with escapes resolved.
        case string(String)
        case integer(Int64)
        case real(Double)
        /// A duration literal in microseconds (`250ms`, `5m`).
        case timespan(Int64)
        /// A `datetime(...)` literal in microseconds since the Unix epoch, UTC.
        case datetime(Int64)
        /// One of `== != < <= > >= =~ !~ + - * / %`.
        case symbol(String)
        case pipe, leftParen, rightParen, leftBracket, rightBracket, comma, dotDot, assign
        /// A `!` directly followed by a keyword (`!in`, `!has`, `!contains`, ...).
        case bang
        case end
    }

    var kind: Kind
    var span: SourceSpan
    var utf8Offset: Int
    var line: Int
    var column: Int

    /// The identifier text, lower-cased, for case-insensitive keyword checks.
    var keyword: String? {
        if case .identifier(let name) = kind { return name.lowercased() }
        return nil
    }

    var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    func isSymbol(_ text: String) -> Bool {
        if case .symbol(let value) = kind { return value == text }
        return false
    }
}
