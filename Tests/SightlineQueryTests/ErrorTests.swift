import Testing
@testable import SightlineQuery

/// One expected compile error: code, position and exact message.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    let query: String
    let code: QueryError.Code
    let line: Int
    let column: Int
    let message: String
    init(_ query: String, _ code: QueryError.Code, _ line: Int, _ column: Int, _ message: String) {
        self.query = query
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }
    var testDescription: String { query }
}

func compileError(_ query: String, limits: QueryLimits = QueryLimits(), options: CompileOptions = CompileOptions()) -> QueryError? {
    do {
        _ = try QueryCompiler(limits: limits).compile(query, now: 0, options: options)
        return nil
    } catch {
        return error
    }
}

@Suite struct ErrorTests {
    static let cases: [ErrorCase] = [
        ErrorCase("where stauts >= 500", .unknownField, 1, 7, "unknown field 'stauts', did you mean 'status'?"),
        ErrorCase("where Status >= 500", .unknownField, 1, 7, "unknown field 'Status', did you mean 'status'?"),
        ErrorCase("where durration_ms > 5", .unknownField, 1, 7, "unknown field 'durration_ms', did you mean 'duration_ms'?"),
        ErrorCase("where timeout", .unknownField, 1, 7, "unknown field 'timeout'; to search for text, quote it: \"timeout\""),
        ErrorCase("wher status >= 500", .unknownOperator, 1, 1, "unknown operator 'wher', did you mean 'where'?"),
        ErrorCase("sumarize count()", .unknownOperator, 1, 1, "unknown operator 'sumarize', did you mean 'summarize'?"),
        ErrorCase("where status == \"abc\"", .typeMismatch, 1, 14, "'==' needs operands of the same type: 'status' is a number; \"abc\" is a string"),
        ErrorCase("where duration_ms > \"slow\"", .typeMismatch, 1, 19, "'>' needs operands of the same type: 'duration_ms' is a number; \"slow\" is a string"),
        ErrorCase("where timestamp > 1h", .typeMismatch, 1, 17, "'>' needs operands of the same type: 'timestamp' is a datetime; '1h' is a duration; use ago(...) for a point in time, e.g. timestamp > ago(1h)"),
        ErrorCase("where status >= 500 and", .syntax, 1, 24, "unexpected end of query; expected a value"),
        ErrorCase("where path contain \"x\"", .syntax, 1, 12, "unexpected 'contain', did you mean 'contains'?"),
        ErrorCase("summarize cout() by route", .unknownFunction, 1, 11, "unknown function 'cout', did you mean 'count'?"),
        ErrorCase("where count() > 5", .unknownFunction, 1, 7, "aggregate 'count' can only be used in 'summarize'"),
        ErrorCase("summarize route", .invalidArgument, 1, 11, "'route' must be inside an aggregate such as max(route), or listed after 'by'"),
        ErrorCase("summarize max(count())", .unknownFunction, 1, 15, "aggregates cannot be nested ('count' inside another aggregate)"),
        ErrorCase("where status > 500 | summarize n=count() by route | where duration_ms > 10", .unknownField, 1, 59, "'duration_ms' is not available after 'summarize'; available columns: route, n"),
        ErrorCase("project status | where route == \"/\"", .unknownField, 1, 24, "'route' is not available after 'project'; available columns: status"),
        ErrorCase("where (status >= 500", .syntax, 1, 21, "expected ')' to match '(' at column 7, found end of query"),
        ErrorCase("take x", .syntax, 1, 6, "'take' needs a whole number of rows, e.g. take 10; found 'x'"),
        ErrorCase("where path contains route", .invalidArgument, 1, 21, "the right side of 'contains' must be a constant string"),
        ErrorCase("where path matches regex \"(unclosed\"", .invalidArgument, 1, 26, "invalid regular expression \"(unclosed\""),
        ErrorCase("where status == 5 == 5", .syntax, 1, 19, "comparisons cannot be chained; combine them with 'and'"),
        ErrorCase("where attribute.tenant == \"x\"", .unknownField, 1, 7, "unknown field 'attribute.tenant', did you mean 'attributes.tenant'?"),
        ErrorCase("where request.headers == \"x\"", .invalidArgument, 1, 7, "'request.headers' needs a key, e.g. request.headers.user-agent"),
        ErrorCase("project a.b = status", .invalidArgument, 1, 9, "column name 'a.b' must be a simple name: letters, digits and '_', not starting with a digit"),
        ErrorCase("project n = status, N = route", .invalidArgument, 1, 21, "duplicate column name 'N' (names are case-insensitive)"),
        ErrorCase("project __x = status", .invalidArgument, 1, 9, "column names starting with '__' are reserved"),
        ErrorCase("where status in ()", .syntax, 1, 18, "'in' needs at least one value"),
        ErrorCase("where status in (1, \"a\")", .typeMismatch, 1, 14, "'in' needs operands of the same type: 'status' is a number; \"a\" is a string"),
        ErrorCase("where status in (1, status)", .invalidArgument, 1, 21, "values in 'in (...)' must be constants"),
        ErrorCase("summarize percentile(duration_ms, 101)", .invalidArgument, 1, 35, "the percent must be a constant number from 0 to 100"),
        ErrorCase("where status > 5xyz", .syntax, 1, 17, "invalid duration unit 'xyz'; use ms, s, m, h or d (for example 250ms, 5m)"),
        ErrorCase("where duration_ms > 5mss", .syntax, 1, 22, "invalid duration unit 'mss', did you mean 'ms'?"),
        ErrorCase("where path == \"unterminated", .syntax, 1, 15, "unterminated string; close it with \""),
        ErrorCase("where path == \u{201C}curly\u{201D}", .syntax, 1, 15, "unexpected character U+201C; use a plain \" or ' quote"),
        ErrorCase("where path == \u{FF02}x\u{FF02}", .syntax, 1, 15, "unexpected character U+FF02; use a plain \" or ' quote"),
        ErrorCase("where status >= 500; drop table events", .syntax, 1, 20, "unexpected ';'; separate operators with '|'"),
        ErrorCase("summarize count() by route | timeout", .invalidArgument, 1, 30, "free-text search needs the event fields path, route and error.message; put it before 'summarize'"),
        ErrorCase("where timestamp > datetime(2026-13-01)", .invalidArgument, 1, 28, "invalid datetime '2026-13-01'; write ISO 8601 such as datetime(2026-11-22T10:00:00Z)"),
        ErrorCase("where timestamp > \"yesterday\"", .invalidArgument, 1, 19, "\"yesterday\" is not a datetime; write ISO 8601 such as datetime(2026-11-22T10:00:00Z)"),
        ErrorCase("where bin(timestamp, 0m) > now()", .invalidArgument, 1, 22, "the bin size must be greater than zero"),
        ErrorCase("where ago(5) < timestamp", .typeMismatch, 1, 11, "'ago' needs a constant duration such as 1h; '5' is a number"),
        ErrorCase("where ago(1h, 2h) < timestamp", .invalidArgument, 1, 7, "'ago' takes 1 argument (a duration such as 1h), got 2"),
        ErrorCase("where status > 500 |", .syntax, 1, 21, "expected an operator after '|', such as 'where'"),
        ErrorCase("where path has \"\"", .invalidArgument, 1, 16, "'has' needs a non-empty term"),
        ErrorCase("sort status", .syntax, 1, 6, "expected 'by' after 'sort', found 'status'"),
        ErrorCase("where not status", .syntax, 1, 7, "'not' is a function; write not(condition)"),
        ErrorCase("where status", .typeMismatch, 1, 7, "expected a condition (true or false); 'status' is a number"),
        ErrorCase("top by duration_ms", .syntax, 1, 5, "'top' needs a whole number of rows, e.g. top 10; found 'by'"),
        ErrorCase("where 1 / 0 > 1", .invalidArgument, 1, 9, "division by zero"),
        ErrorCase("summarize p95(route)", .typeMismatch, 1, 15, "'p95' needs a number or datetime; 'route' is a string"),
        ErrorCase("where status <> 5", .syntax, 1, 14, "unknown operator '<>'; use '!=' for not equal"),
        ErrorCase("where path = \"/\"", .syntax, 1, 12, "'=' assigns a name; use '==' to compare"),
        ErrorCase("where path contains 5", .typeMismatch, 1, 21, "'contains' needs a string on the right; '5' is a number"),
        ErrorCase("where timestamp contains \"x\"", .typeMismatch, 1, 7, "'contains' needs strings; 'timestamp' is a datetime"),
        ErrorCase("where status > 5 and summarize count()", .syntax, 1, 22, "'summarize' starts a new stage; put '|' before it"),
        ErrorCase("where path == \"a\\q\"", .syntax, 1, 17, "unknown escape '\\q' in string; write \\\\ for a backslash or use a verbatim string @\"...\""),
        ErrorCase("where status > 99999999999999999999", .invalidArgument, 1, 16, "integer '99999999999999999999' is out of range (at most 9223372036854775807)"),
        ErrorCase("summarize count(route)", .invalidArgument, 1, 11, "'count' takes no arguments; use countif(condition) or dcount(field)"),
        ErrorCase("where !status", .syntax, 1, 7, "expected a value, found '!'"),
        ErrorCase("where attributes[\"a\\\"b\"] == 1", .invalidArgument, 1, 7, "a key must be 1 to 256 characters without quotes, backslashes or control characters"),
    ]

    @Test(arguments: cases)
    func reportsExactError(_ expected: ErrorCase) {
        let error = compileError(expected.query)
        #expect(error?.code == expected.code)
        #expect(error?.message == expected.message)
        #expect(error?.line == expected.line)
        #expect(error?.column == expected.column)
    }

    @Test func rendersCaretUnderTheOffendingName() {
        let error = compileError("where stauts >= 500")
        #expect(error?.description == """
            error: unknown field 'stauts', did you mean 'status'? (line 1, column 7)
              where stauts >= 500
                    ^~~~~~
            """)
    }

    @Test func multiLineQueriesReportTheRightLine() {
        let query = """
            where status >= 500
            // comment line
            | summarize n = count() by route
            | sort by cnt desc
            """
        let error = compileError(query)
        #expect(error?.code == .unknownField)
        #expect(error?.line == 4)
        #expect(error?.column == 11)
        #expect(error?.description == """
            error: unknown column 'cnt'; available columns: route, n (line 4, column 11)
              | sort by cnt desc
                        ^~~
            """)
    }

    @Test func caretKeepsTabsAligned() {
        let error = compileError("where\tstauts > 1")
        #expect(error?.description == "error: unknown field 'stauts', did you mean 'status'? (line 1, column 7)\n  where\tstauts > 1\n       \t^~~~~~")
    }

    @Test func invisibleCharactersAreNamedAndRenderedSafely() {
        let error = compileError("where status > 5 \u{200F}")
        #expect(error?.message == "unexpected character U+200F")
        #expect(error?.description.contains("\u{200F}") == false)
    }

    @Test func limitsAreEnforced() {
        let long = "where path == \"" + String(repeating: "a", count: 70_000) + "\""
        #expect(compileError(long)?.code == .tooComplex)
        let deep = "where " + String(repeating: "(", count: 200) + "status > 1" + String(repeating: ")", count: 200)
        #expect(compileError(deep)?.code == .tooComplex)
        #expect(compileError(deep)?.message == "expression is nested too deeply (more than 64 levels); split it into simpler parts")
        let negations = "where status > " + String(repeating: "-", count: 500) + "1"
        #expect(compileError(negations)?.code == .tooComplex)
        let chain = "extend x = " + Array(repeating: "1", count: 100).joined(separator: " + ")
        #expect(compileError(chain)?.code == .tooComplex)
        let list = "where status in (" + (0..<1001).map(String.init).joined(separator: ", ") + ")"
        #expect(compileError(list)?.message == "'in' list has more than 1000 values")
        let stages = Array(repeating: "take 1", count: 65).joined(separator: " | ")
        #expect(compileError(stages)?.message == "query has more than 64 pipeline stages")
        // Inlined `extend` columns cannot grow exponentially.
        var doubling = "extend a0 = duration_ms"
        for i in 1...30 { doubling += " | extend a\(i) = a\(i - 1) + a\(i - 1)" }
        #expect(compileError(doubling)?.code == .tooComplex)
    }

    @Test func invalidOptionsAreRejected() {
        let error = compileError("take 1", options: CompileOptions(maxRows: 0))
        #expect(error?.code == .invalidArgument)
        #expect(error?.line == 0)
        #expect(error?.description == "error: maxRows must be positive (got 0)")
    }
}
