/// An error found while compiling a Sightline query.
///
/// Invariants: `line` and `column` are 1-based and point into the query text when
/// `line > 0`; both are `0` for errors that have no position (for example invalid
/// `CompileOptions`). `description` renders the offending line with a caret under the
/// problem. The query is the user's own text, so it may appear in the description;
/// bound parameter values never do.
///
/// ```
/// error: unknown field 'stauts', did you mean 'status'? (line 1, column 7)
///   where stauts >= 500
///         ^~~~~~
/// ```
public struct QueryError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of problem; stable strings suitable for an API response.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// The text does not follow the grammar.
        case syntax
        /// A name does not match any field or column in scope.
        case unknownField = "unknown_field"
        /// A pipeline operator name is not known.
        case unknownOperator = "unknown_operator"
        /// A function name is not known or is used where it is not allowed.
        case unknownFunction = "unknown_function"
        /// Operands or arguments have incompatible types.
        case typeMismatch = "type_mismatch"
        /// A value or argument is not acceptable (bad literal, bad alias, bad option).
        case invalidArgument = "invalid_argument"
        /// The query exceeds a limit (length, nesting depth, list length, size).
        case tooComplex = "too_complex"
        /// Running the query would return more rows than the configured limit.
        case rowLimitExceeded = "row_limit_exceeded"
        /// Running the query took longer than the configured time limit; it was stopped.
        case timeLimitExceeded = "time_limit_exceeded"
    }

    /// What went wrong.
    public let code: Code
    /// A human-readable explanation that says how to fix the problem.
    public let message: String
    /// 1-based line of the problem, or 0 when there is no position.
    public let line: Int
    /// 1-based column (in Unicode scalars) of the problem, or 0 when there is no position.
    public let column: Int
    /// Number of characters to underline (at least 1 when there is a position).
    public let length: Int
    /// The text of the offending line, used to render `description`.
    public let sourceLine: String

    /// Creates an error; prefer the compiler's own errors over building one by hand.
    public init(code: Code, message: String, line: Int = 0, column: Int = 0, length: Int = 1, sourceLine: String = "") {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.length = max(1, length)
        self.sourceLine = sourceLine
    }

    /// `error: <message> (line L, column C)` followed by the line and a caret marker.
    public var description: String {
        guard line > 0 else { return "error: \(message)" }
        var out = "error: \(message) (line \(line), column \(column))"
        let scalars = Array(sourceLine.unicodeScalars)
        var shown = ""
        var prefix = ""
        for (index, scalar) in scalars.enumerated() {
            let printable: Character
            if scalar == "\t" {
                printable = "\t"
            } else if scalar.value < 0x20 || scalar.value == 0x7F
                || scalar.properties.generalCategory == .format
            {
                printable = "?"
            } else {
                printable = Character(scalar)
            }
            shown.append(printable)
            if index < column - 1 { prefix.append(printable == "\t" ? "\t" : " ") }
        }
        if column - 1 > scalars.count {
            prefix += String(repeating: " ", count: column - 1 - scalars.count)
        }
        let available = max(1, scalars.count - (column - 1))
        let underline = min(length, available)
        out += "\n  " + shown + "\n  " + prefix + "^" + String(repeating: "~", count: max(0, underline - 1))
        return out
    }
}

/// A position range in the query text, in Unicode-scalar indices (half-open).
struct SourceSpan: Sendable, Equatable {
    var start: Int
    var end: Int

    static func covering(_ a: SourceSpan, _ b: SourceSpan) -> SourceSpan {
        SourceSpan(start: min(a.start, b.start), end: max(a.end, b.end))
    }
}

/// Maps scalar offsets of the query text to lines and columns, and builds errors.
struct SourceText: Sendable {
    let text: String
    let scalars: [Unicode.Scalar]
    /// Scalar index where each line starts.
    let lineStarts: [Int]

    init(_ text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (index, scalar) in scalars.enumerated() where scalar == "\n" {
            starts.append(index + 1)
        }
        self.lineStarts = starts
    }

    /// 1-based line and column of a scalar offset.
    func position(of offset: Int) -> (line: Int, column: Int) {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return (low + 1, offset - lineStarts[low] + 1)
    }

    /// Text of a 1-based line without its terminator.
    func lineText(_ line: Int) -> String {
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : scalars.count
        if end > start, scalars[end - 1] == "\r" { end -= 1 }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[start..<max(start, end)])
        return String(out)
    }

    /// The source text of a span.
    func slice(_ span: SourceSpan) -> String {
        let lower = max(0, min(span.start, scalars.count))
        let upper = max(lower, min(span.end, scalars.count))
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[lower..<upper])
        return String(out)
    }

    /// A short rendering of a span for messages (truncated, single line).
    func snippet(_ span: SourceSpan) -> String {
        var text = slice(span)
        if let newline = text.firstIndex(where: { $0 == "\n" || $0 == "\r" }) {
            text = String(text[..<newline]) + "…"
        }
        if text.count > 40 { text = String(text.prefix(39)) + "…" }
        return text
    }

    func error(_ code: QueryError.Code, _ message: String, at span: SourceSpan) -> QueryError {
        let (line, column) = position(of: span.start)
        let lineStart = lineStarts[line - 1]
        let lineString = lineText(line)
        let lineLength = lineString.unicodeScalars.count
        let spanEnd = min(span.end, lineStart + lineLength)
        let length = max(1, spanEnd - span.start)
        return QueryError(code: code, message: message, line: line, column: column, length: length, sourceLine: lineString)
    }
}
