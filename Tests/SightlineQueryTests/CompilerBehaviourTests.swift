import Testing
@testable import SightlineQuery

@Suite struct CompilerBehaviourTests {
    let compiler = QueryCompiler()

    @Test func emptyQueriesReturnNewestEvents() throws {
        for query in ["", "   ", "\n// only a comment\n", "|"] where query != "|" {
            let compiled = try compiler.compile(query, now: goldenNow, options: CompileOptions(maxRows: 10))
            #expect(compiled.sql == "\(raw) \(newest)")
            #expect(compiled.parameters == [.int(11)])
            #expect(compiled.columns.map(\.name) == ["timestamp", "service", "method", "path", "route", "status", "duration_ms", "consumer", "client_ip", "id"])
            #expect(compiled.columns.map(\.type) == [.datetime, .string, .string, .string, .string, .int, .real, .string, .string, .string])
            #expect(compiled.rowLimit == 10)
        }
        #expect(compileError("|")?.message == "expected an operator after '|', such as 'where'")
    }

    @Test func timeWindowGoesIntoTheInnermostWhere() throws {
        let compiled = try compiler.compile(
            "where status >= 500 | summarize n = count() by route | where n > 1",
            now: goldenNow, options: CompileOptions(from: 1_000, to: 2_000, maxRows: 100))
        #expect(compiled.sql == #"SELECT "route", "n" FROM (SELECT route, COUNT(*) AS "n" FROM events WHERE ts >= ? AND ts < ? AND status >= ? GROUP BY 1) WHERE "n" > ? LIMIT ?"#)
        #expect(compiled.parameters == [.int(1_000), .int(2_000), .int(500), .int(1), .int(101)])
        let onlyFrom = try compiler.compile("", now: goldenNow, options: CompileOptions(from: 5, maxRows: 1))
        #expect(onlyFrom.sql == "\(raw) WHERE ts >= ? \(newest)")
        #expect(onlyFrom.parameters == [.int(5), .int(2)])
    }

    @Test func rowLimitIsTheSmallerOfTakeAndMaxRowsPlusOne() throws {
        let small = try compiler.compile("take 5", now: 0, options: CompileOptions(maxRows: 100))
        #expect(small.parameters.last == .int(5))
        let large = try compiler.compile("take 500", now: 0, options: CompileOptions(maxRows: 100))
        #expect(large.parameters.last == .int(101))
        let top = try compiler.compile("summarize n = count() by route | top 3 by n", now: 0, options: CompileOptions(maxRows: 100))
        #expect(top.sql == #"SELECT route, COUNT(*) AS "n" FROM events GROUP BY 1 ORDER BY "n" DESC LIMIT ?"#)
        #expect(top.parameters == [.int(3)])
    }

    @Test func compilationIsDeterministicGivenNow() throws {
        let query = "where timestamp > ago(1h) and timestamp <= now()"
        let a = try compiler.compile(query, now: 10_000_000_000)
        let b = try compiler.compile(query, now: 10_000_000_000)
        #expect(a == b)
        #expect(a.parameters.prefix(2) == [.int(10_000_000_000 - 3_600_000_000), .int(10_000_000_000)])
        let later = try compiler.compile(query, now: 20_000_000_000)
        #expect(later.sql == a.sql)
        #expect(later.parameters != a.parameters)
    }

    @Test func keywordsAndFunctionsAreCaseInsensitiveButFieldsAreNot() throws {
        let upper = try compiler.compile("WHERE status >= 500 AND path CONTAINS \"x\" | SUMMARIZE N = COUNT() BY route | ORDER BY N ASC | TAKE 5", now: 0)
        let lower = try compiler.compile("where status >= 500 and path contains \"x\" | summarize N = count() by route | order by N asc | take 5", now: 0)
        #expect(upper == lower)
        #expect(compileError("where STATUS >= 500")?.message == "unknown field 'STATUS', did you mean 'status'?")
    }

    @Test func multiLineQueriesWithComments() throws {
        let compiled = try compiler.compile("""
            // slow errors
            where status >= 500   // server errors
              and duration_ms > 1s
            | project route, duration_ms
            """, now: 0, options: CompileOptions(maxRows: 100))
        #expect(compiled.sql == "SELECT route, duration_ms FROM events WHERE status >= ? AND duration_ms > ? \(newest)")
        #expect(compiled.parameters == [.int(500), .real(1000), .int(101)])
    }

    @Test func resultColumnsFollowEachStage() throws {
        let summarized = try compiler.compile("summarize count(), avg(duration_ms), max(timestamp) by bin(timestamp, 1h), consumer.plan", now: 0)
        #expect(summarized.columns == [
            ResultColumn(name: "timestamp", type: .datetime), ResultColumn(name: "consumer_plan", type: .string),
            ResultColumn(name: "count_", type: .int), ResultColumn(name: "avg_duration_ms", type: .real),
            ResultColumn(name: "max_timestamp", type: .datetime),
        ])
        let extended = try compiler.compile("project status | extend ok = status < 400, status = status / 100", now: 0)
        #expect(extended.columns == [ResultColumn(name: "status", type: .int), ResultColumn(name: "ok", type: .bool)])
        #expect(extended.sql == #"SELECT status / ? AS "status", status < ? AS "ok" FROM events "# + newest)
    }

    @Test func hiddenColumnsNeverReachTheOutermostSelect() throws {
        let compiled = try compiler.compile("take 10 | where level == \"error\" and attributes.tenant == \"acme\" | take 3", now: 0)
        #expect(compiled.sql == #"SELECT "timestamp", "service", "method", "path", "route", "status", "duration_ms", "consumer", "client_ip", "id" FROM (\#(raw.replacingAll(" FROM events", with: "")), ts AS "__sl_1", seq AS "__sl_2", level AS "__sl_3", json_extract(doc, ?) AS "__sl_4" FROM events ORDER BY ts DESC, seq DESC LIMIT ?) WHERE "__sl_3" = ? AND CAST("__sl_4" AS TEXT) = ? ORDER BY "__sl_1" DESC, "__sl_2" DESC LIMIT ?"#)
        #expect(compiled.parameters == [.text("$.attributes.tenant"), .int(10), .text("error"), .text("acme"), .int(3)])
        #expect(compiled.columns.count == 10)
    }

    @Test func verbatimAndEscapedStrings() throws {
        let compiled = try compiler.compile(#"where path == @"C:\dir""x" or path == 'it\'s' or path == "tab\there""#, now: 0)
        #expect(compiled.parameters.prefix(3) == [.text(#"C:\dir"x"#), .text("it's"), .text("tab\there")])
    }

    @Test func negatedOperatorsIncludeMissingValues() throws {
        let compiled = try compiler.compile("where consumer.plan !has \"pro\"", now: 0)
        #expect(compiled.sql == "\(raw) WHERE (json_extract(doc, ?) IS NULL OR NOT sl_has(json_extract(doc, ?), ?)) \(newest)")
        #expect(compiled.parameters.prefix(3) == [.text("$.consumer.plan"), .text("$.consumer.plan"), .text("pro")])
    }

    @Test func dialectIsPluggable() throws {
        struct EchoDialect: SQLDialect {
            func generate(_ plan: QueryPlan) -> CompiledQuery {
                CompiledQuery(sql: "plan with \(plan.columns.count) columns", parameters: [], columns: plan.columns, rowLimit: plan.rowLimit)
            }
        }
        let compiled = try compiler.compile("project route", now: 0, dialect: EchoDialect())
        #expect(compiled.sql == "plan with 1 columns")
    }
}

@Suite struct LexerTests {
    func tokens(_ text: String) throws -> [Token] {
        var lexer = Lexer(source: SourceText(text))
        return try lexer.tokenize(maxTokens: 1_000)
    }

    @Test func tokensCarryPositions() throws {
        let list = try tokens("where é == \"x\"\n| take 5")
        #expect(list.map(\.line) == [1, 1, 1, 1, 2, 2, 2, 2])
        #expect(list.map(\.column) == [1, 7, 9, 12, 1, 3, 8, 9])
        #expect(list[2].utf8Offset == 9)  // "é" is two bytes
        #expect(list[1].kind == .identifier("é"))
        #expect(list.last?.kind == .end)
    }

    @Test(arguments: [
        ("250ms", Int64(250_000)), ("1.5s", 1_500_000), ("5m", 300_000_000), ("1h", 3_600_000_000),
        ("1d", 86_400_000_000), ("10us", 10), ("3microseconds", 3), ("2min", 120_000_000), ("1H", 3_600_000_000),
    ])
    func durations(_ text: String, _ micros: Int64) throws {
        #expect(try tokens(text).first?.kind == .timespan(micros))
    }

    @Test func dottedAndHyphenatedNames() throws {
        #expect(try tokens("request.headers.content-type").first?.kind == .identifier("request.headers.content-type"))
        #expect(try tokens("duration_ms-5").map(\.kind) == [.identifier("duration_ms"), .symbol("-"), .integer(5), .end])
        #expect(try tokens("1..5").map(\.kind) == [.integer(1), .dotDot, .integer(5), .end])
    }

    @Test(arguments: [
        ("1970-01-01", Int64(0)), ("2026-11-22T10:00:00Z", 1_795_341_600_000_000),
        ("2026-11-22T10:00:00.123456Z", 1_795_341_600_123_456), ("2026-11-22T12:00:00+02:00", 1_795_341_600_000_000),
        ("2024-02-29", 1_709_164_800_000_000), ("1969-12-31T23:59:59Z", -1_000_000),
    ])
    func datetimes(_ text: String, _ micros: Int64) {
        #expect(DateTimeLiteral.parse(text) == micros)
    }

    @Test(arguments: ["2023-02-29", "2026-1-01", "2026-01-01T25:00", "2026-01-01Tx", "yesterday", "", "2026-01-01T10:00:00.1234567890Z"])
    func invalidDatetimes(_ text: String) {
        #expect(DateTimeLiteral.parse(text) == nil)
    }

    @Test func suggestionDistance() {
        #expect(Suggestions.distance("stauts", "status") == 1)  // transposition
        #expect(Suggestions.distance("kitten", "sitting") == 3)
        #expect(Suggestions.best(for: "duraton_ms", among: ["status", "duration_ms"]) == "duration_ms")
        #expect(Suggestions.best(for: "zzz", among: ["status", "route"]) == nil)
    }
}

@Suite struct DocumentedExamplesTests {
    @Test func durationsAsValuesAreMilliseconds() throws {
        let compiled = try QueryCompiler().compile("project d = 1s, later = now(-1h)", now: goldenNow, options: CompileOptions(maxRows: 100))
        #expect(compiled.sql == #"SELECT ? AS "d", ? AS "later" FROM events "# + newest)
        #expect(compiled.parameters == [.real(1000), .int(goldenNow - 3_600_000_000), .int(101)])
        #expect(compiled.columns.map(\.type) == [.real, .datetime])
    }

    @Test func freeTextInsideCountif() throws {
        let compiled = try QueryCompiler().compile("summarize countif(\"timeout\")", now: 0, options: CompileOptions(maxRows: 100))
        #expect(compiled.sql == "SELECT COUNT(CASE WHEN instr(lower(path), lower(?)) > 0 OR instr(lower(route), lower(?)) > 0 OR instr(lower(json_extract(doc, ?)), lower(?)) > 0 THEN 1 END) AS \"countif_\" FROM events LIMIT ?")
    }

    @Test func longOrChainsAreBalanced() throws {
        let query = "where " + (0..<20).map { "status == \($0)" }.joined(separator: " or ")
        let compiled = try QueryCompiler().compile(query, now: 0)
        #expect(compiled.sql.contains("WHERE ((status = ? OR status = ?"))
        #expect(compiled.sql.contains(") OR (status = ?"))
        #expect(compiled.parameters.count == 21)
    }
}
