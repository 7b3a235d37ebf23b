/// The W3C `traceparent` header: `00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`.
public struct TraceContext: Sendable, Equatable {
    /// 32 lower-case hex digits, not all zero.
    public var traceID: String
    /// 16 lower-case hex digits, not all zero: the caller's span, the parent of this request.
    public var spanID: String

    /// Parses a `traceparent` value; `nil` when it is not a valid version-00-compatible header.
    public init?(traceparent: String) {
        let parts = traceparent.trimmingSpaces().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff", parts[1].count == 32, parts[2].count == 16,
              parts[3].count == 2, parts.allSatisfy({ $0.allSatisfy(\.isHexDigit) }) else { return nil }
        if parts[0] == "00", parts.count != 4 { return nil }
        let trace = parts[1].lowercased()
        let span = parts[2].lowercased()
        guard trace.contains(where: { $0 != "0" }), span.contains(where: { $0 != "0" }) else { return nil }
        self.traceID = trace
        self.spanID = span
    }
}

extension String {
    func trimmingSpaces() -> Substring {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
