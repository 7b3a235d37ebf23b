import Testing
@testable import SightlineQuery

/// Hostile strings used in literals, names, aliases and paths.
let hostileStrings = [
    "'; DROP TABLE events; --", "\"; DROP TABLE events; --", "/* comment */", "a;b", "back\\slash", "nul\0byte",
    "\u{FF02}fullwidth\u{FF02}", "\u{201C}curly\u{201D}", "rtl\u{200F}mark", "\u{202E}override", "x' OR '1'='1",
    "\" OR 1=1 --", "%_\\", "emoji 🚀", "line\nbreak", "tab\there", "' UNION SELECT doc FROM events --",
]

/// Escapes a string for a double-quoted query literal.
func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "\0": out += "\\0"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// Compiles without crashing; returns the result or nil on a `QueryError`.
func tryCompile(_ query: String, now: Int64 = goldenNow) -> CompiledQuery? {
    try? QueryCompiler().compile(query, now: now, options: CompileOptions(from: 1, to: 2, maxRows: 50))
}

// MARK: - Grammar generator

/// Generates random well-formed queries; every generated query must compile.
struct QueryGenerator {
    enum Kind { case number, text, time }
    struct Column { var name: String; var kind: Kind }

    var rng: SplitMix64
    /// String literals written into the query, which must all end up as parameters.
    var literals: [String] = []

    static let rawColumns: [Column] = [
        Column(name: "status", kind: .number), Column(name: "duration_ms", kind: .number),
        Column(name: "request_size", kind: .number), Column(name: "response_size", kind: .number),
        Column(name: "route", kind: .text), Column(name: "path", kind: .text), Column(name: "method", kind: .text),
        Column(name: "service", kind: .text), Column(name: "consumer", kind: .text), Column(name: "consumer.plan", kind: .text),
        Column(name: "error.message", kind: .text), Column(name: "level", kind: .text),
        Column(name: "request.headers.user-agent", kind: .text), Column(name: "attributes.tenant", kind: .text),
        Column(name: "timestamp", kind: .time),
    ]

    mutating func stringLiteral() -> String {
        let value = rng.chance(30) ? rng.pick(hostileStrings) : rng.pick(["a", "/orders", "GET", "pro", "x y", "TIMEOUT", "é"])
        literals.append(value)
        return quoted(value)
    }

    mutating func number() -> String { rng.pick(["0", "1", "200", "404", "500", "2.5", "250ms", "1.5s", "-3"]) }

    mutating func predicate(_ columns: [Column], raw: Bool, depth: Int = 0) -> String {
        if depth < 2, rng.chance(25) {
            let shape = rng.below(3)
            let a = predicate(columns, raw: raw, depth: depth + 1)
            if shape == 2 { return "not(\(a))" }
            let b = predicate(columns, raw: raw, depth: depth + 1)
            return shape == 0 ? "(\(a) or \(b))" : "\(a) and \(b)"
        }
        if raw, rng.chance(8) { return stringLiteral() }
        if raw, rng.chance(5) { return "attributes.retries \(rng.pick([">", "<", "=="])) \(number())" }
        let column = rng.pick(columns)
        let name = column.name
        switch column.kind {
        case .number:
            switch rng.below(6) {
            case 0: return "\(name) in (\(number()), \(number()))"
            case 1: return "\(name) !between (\(number()) .. \(number()))"
            case 2: return "isnull(\(name))"
            case 3: return "\(name) * 2 + 1 > \(number())"
            default: return "\(name) \(rng.pick(["==", "!=", "<", "<=", ">", ">="])) \(number())"
            }
        case .text:
            let op = rng.pick(["==", "!=", "=~", "!~", "has", "!has", "contains", "!contains", "startswith", "!startswith", "endswith", "!endswith", "in", "!in", "matches regex"])
            switch op {
            case "in", "!in": return "\(name) \(op) (\(stringLiteral()), \(stringLiteral()))"
            case "matches regex": return "\(name) matches regex \"^[a-z]+\""
            case "has", "!has":
                let term = rng.pick(["orders", "api", "v1"])
                literals.append(term)
                return "\(name) \(op) \"\(term)\""
            default: return "\(name) \(op) \(stringLiteral())"
            }
        case .time:
            switch rng.below(4) {
            case 0: return "\(name) > ago(\(rng.pick(["1h", "5m", "2d"])))"
            case 1: return "\(name) between (datetime(2026-01-01) .. now())"
            case 2: return "\(name) <= now() - 1h"
            default: return "isnotnull(\(name))"
            }
        }
    }

    mutating func query() -> String {
        var stages: [String] = []
        var columns = QueryGenerator.rawColumns
        var raw = true
        var counter = 0
        for _ in 0..<(1 + rng.below(5)) {
            let numbers = columns.filter { $0.kind == .number }
            switch rng.below(9) {
            case 0, 1:
                stages.append("where " + predicate(columns, raw: raw))
            case 2:
                var aggregates: [String] = []
                var next: [Column] = []
                let by = rng.chance(70) ? [rng.pick(columns)] : []
                for column in by {
                    if column.kind == .time {
                        stages.append("")
                        next.append(Column(name: "t", kind: .time))
                    } else {
                        next.append(Column(name: Planner.sanitize(column.name), kind: column.kind))
                    }
                }
                for _ in 0..<(1 + rng.below(3)) {
                    counter += 1
                    let alias = "a\(counter)"
                    if let numeric = numbers.isEmpty ? nil : rng.pick(numbers) {
                        let simple = ["count()", "sum(\(numeric.name))", "avg(\(numeric.name))", "p95(\(numeric.name))", "percentile(\(numeric.name), 50)", "max(\(numeric.name))", "dcount(\(numeric.name))"]
                        let aggregate = rng.chance(15) ? "countif(\(predicate(columns, raw: raw, depth: 2)))" : rng.pick(simple)
                        aggregates.append("\(alias) = " + aggregate)
                    } else {
                        aggregates.append("\(alias) = count()")
                    }
                    next.append(Column(name: alias, kind: .number))
                }
                if stages.last == "" { stages.removeLast() }
                let byText = by.map { $0.kind == .time ? "t = bin(\($0.name), 5m)" : $0.name }
                stages.append("summarize " + aggregates.joined(separator: ", ") + (byText.isEmpty ? "" : " by " + byText.joined(separator: ", ")))
                columns = next
                raw = false
            case 3:
                let column = rng.pick(columns)
                stages.append("\(rng.pick(["sort", "order"])) by \(column.name) \(rng.pick(["asc", "desc", ""]))")
            case 4:
                stages.append("\(rng.pick(["take", "limit"])) \(rng.below(100))")
            case 5:
                let column = rng.pick(columns)
                stages.append("top \(rng.below(50)) by \(column.name) \(rng.pick(["asc", "desc", ""]))")
            case 6:
                var chosen: [Column] = []
                var parts: [String] = []
                for column in columns where rng.chance(50) || chosen.isEmpty {
                    if rng.chance(30) {
                        counter += 1
                        parts.append("p\(counter) = \(column.name)")
                        chosen.append(Column(name: "p\(counter)", kind: column.kind))
                    } else {
                        parts.append(column.name)
                        chosen.append(Column(name: Planner.sanitize(column.name), kind: column.kind))
                    }
                }
                stages.append("project " + parts.joined(separator: ", "))
                columns = chosen
                raw = false
            case 7:
                if let numeric = numbers.first {
                    counter += 1
                    stages.append("extend e\(counter) = \(numeric.name) * 2 - 1")
                    columns.append(Column(name: "e\(counter)", kind: .number))
                }
            default:
                if raw { stages.append(stringLiteral()) } else { stages.append("take 10") }
            }
        }
        return (rng.chance(20) ? "| " : "") + stages.joined(separator: rng.chance(50) ? " | " : "\n| ")
    }
}

@Suite struct FuzzTests {
    @Test func randomTextNeverCrashesAndSuccessesAreSafe() {
        var rng = SplitMix64(seed: 0xC0FFEE)
        let alphabet: [String] = [
            "where", " ", "|", "(", ")", "\"", "'", "\\", ",", "=", "==", "!", "<", ">", "~", "..", ".", "-", "*", "/", "%",
            "status", "route", "attributes.x", "count()", "summarize", "by", "and", "or", "not", "in", "has", "5", "1.5",
            "250ms", "datetime(", "ago(1h)", "\n", "\t", "\0", ";", "--", "/*", "@", "[", "]", "é", "\u{200F}", "\u{FF02}",
            "take", "top", "project", "extend", "x=", "bin(timestamp, 5m)", "between", "regex", "matches", "\u{1F680}",
        ]
        var successes = 0
        for _ in 0..<4000 {
            var query = ""
            for _ in 0..<rng.below(24) {
                if rng.chance(15) {
                    query.unicodeScalars.append(Unicode.Scalar(UInt8(rng.below(128))))
                } else {
                    query += rng.pick(alphabet)
                }
            }
            if let compiled = tryCompile(query) {
                successes += 1
                #expect(sqlProblems(compiled).isEmpty, "\(query)")
            }
        }
        #expect(successes > 0)
    }

    @Test func mutationsOfValidQueriesNeverCrash() {
        var rng = SplitMix64(seed: 42)
        let seeds = Golden.cases.map(\.query)
        let inserts = ["\"", "(", ")", "|", "'", "\\", ";", " and ", " or ", "==", "!", "x", "5", ".", "..", ",", "\0", "\u{202E}"]
        var failures = 0
        for _ in 0..<5000 {
            var scalars = Array(rng.pick(seeds).unicodeScalars)
            for _ in 0..<(1 + rng.below(3)) {
                switch rng.below(6) {
                case 0 where !scalars.isEmpty:
                    scalars.remove(at: rng.below(scalars.count))
                case 1:
                    scalars.insert(contentsOf: rng.pick(inserts).unicodeScalars, at: rng.below(scalars.count + 1))
                case 2 where scalars.count > 1:
                    let i = rng.below(scalars.count - 1)
                    scalars.swapAt(i, i + 1)
                default:
                    var tokens = String(String.UnicodeScalarView(scalars)).split(separator: " ").map(String.init)
                    guard tokens.count > 1 else { continue }
                    let i = rng.below(tokens.count)
                    switch rng.below(3) {
                    case 0: tokens.remove(at: i)
                    case 1: tokens.insert(tokens[i], at: rng.below(tokens.count))
                    default: tokens.swapAt(i, rng.below(tokens.count))
                    }
                    scalars = Array(tokens.joined(separator: " ").unicodeScalars)
                }
            }
            let query = String(String.UnicodeScalarView(scalars))
            do {
                let compiled = try QueryCompiler().compile(query, now: goldenNow)
                #expect(sqlProblems(compiled).isEmpty, "\(query)")
            } catch {
                failures += 1
                #expect(error.line >= 1 && error.column >= 1, "\(query)")
                #expect(!error.description.isEmpty)
            }
        }
        #expect(failures > 100)
    }

    @Test func generatedQueriesAlwaysCompileSafely() {
        var generator = QueryGenerator(rng: SplitMix64(seed: 7))
        for _ in 0..<3000 {
            generator.literals = []
            let query = generator.query()
            do {
                let compiled = try QueryCompiler().compile(query, now: goldenNow, options: CompileOptions(from: 1, to: 2, maxRows: 50))
                #expect(sqlProblems(compiled).isEmpty, "\(query)")
                for literal in generator.literals {
                    #expect(compiled.parameters.contains { $0 == .text(literal) || $0 == .text(literal + "%") || $0 == .text("%" + literal) || $0 == .text(SQLiteDialect.likeEscaped(literal) + "%") || $0 == .text("%" + SQLiteDialect.likeEscaped(literal)) }, "\(query) -- \(literal)")
                }
                #expect(!compiled.sql.contains("DROP"))
                #expect(!compiled.columns.isEmpty)
                if case .int(let limit)? = compiled.parameters.last { #expect(limit <= 51) } else { Issue.record("last parameter is not the LIMIT: \(query)") }
            } catch {
                Issue.record("generated query failed: \(query)\n\(error)")
            }
        }
    }

    @Test(arguments: hostileStrings)
    func hostileStringLiteralsOnlyReachParameters(_ hostile: String) throws {
        let key = hostile.unicodeScalars.filter { $0 != "\"" && $0 != "\\" && $0.value >= 0x20 }.map(String.init).joined()
        // (query, a parameter that must carry the hostile text)
        let queries: [(String, String)] = [
            ("where path == \(quoted(hostile))", hostile),
            ("where route contains \(quoted(hostile)) or path startswith \(quoted(hostile))", hostile),
            ("where method in (\(quoted(hostile)), \"GET\")", hostile),
            ("where attributes.tenant == \(quoted(hostile))", hostile),
            (quoted(hostile), hostile),
            ("where attributes[\(quoted(key))] == 1", key),
            ("extend x = \(quoted(hostile)) | project x", hostile),
        ]
        for (query, expected) in queries {
            let compiled = try QueryCompiler().compile(query, now: goldenNow)
            #expect(sqlProblems(compiled).isEmpty, "\(query)")
            #expect(!compiled.sql.contains("DROP") && !compiled.sql.contains("UNION") && !compiled.sql.contains(hostile), "\(query)")
            #expect(compiled.parameters.contains { if case .text(let t) = $0 { return t.contains(expected) } else { return false } }, "\(query)")
        }
    }

    @Test(arguments: hostileStrings)
    func hostileNamesAndAliasesAreRejected(_ hostile: String) {
        let queries = [
            "where \(hostile) == 1",
            "project \(hostile) = status",
            "extend \(hostile) = 1",
            "summarize \(hostile) = count()",
            "where attributes.\(hostile) == 1",
            "where attributes[\"\(hostile)\"] == 1",
            "project status as \(hostile)",
        ]
        for query in queries {
            if let compiled = tryCompile(query) {
                // Accepted only when the hostile text became a bound JSON path or literal.
                #expect(sqlProblems(compiled).isEmpty, "\(query)")
                #expect(!compiled.sql.contains("DROP"), "\(query)")
            }
        }
        #expect(tryCompile("project \(quoted(hostile)) = status") == nil)
        #expect(tryCompile("extend \(hostile) = 1") == nil || hostile.allSatisfy { $0.isLetter || $0 == "_" })
    }

    @Test func deepAndLongInputsFailCleanly() {
        for count in [65, 500, 10_000] {
            #expect(tryCompile("where " + String(repeating: "(", count: count) + "status > 1" + String(repeating: ")", count: count)) == nil)
            #expect(tryCompile("where " + String(repeating: "not(", count: count) + "status > 1" + String(repeating: ")", count: count)) == nil)
        }
        let wideOr = "where " + (0..<900).map { "status == \($0)" }.joined(separator: " or ")
        let compiled = tryCompile(wideOr)
        #expect(compiled != nil)
        if let compiled { #expect(sqlProblems(compiled).isEmpty) }
    }
}
