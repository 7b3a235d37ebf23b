/// Judges whether a value breaks out of a SQL string or number context into SQL syntax.
///
/// The value is lexed three ways: as if it were spliced into a bare (numeric) position, and
/// as if it were spliced inside a `'...'` or `"..."` literal, in which case the first quote
/// of the value closes the literal and everything after it is code. A breakout only counts
/// when what follows the closing quote (and any closing parentheses) is SQL that a parser
/// would accept there — an OR/AND clause with a comparison, UNION SELECT, a stacked
/// statement, a clause like ORDER BY n, a comment that truncates the rest — so
/// `O'Brien and D'Angelo` (a name follows the quote) stays benign. Context-free rules then
/// look for structures that are SQL wherever they appear: UNION SELECT with a select list,
/// time-delay and error-based calls, sub-selects, catalog objects, tautologies inside calls.
enum SQLInjectionDetector {
    static func detect(_ v: NormalizedValue, into evidence: inout [Evidence]) {
        let b = v.bytes
        guard !b.isEmpty else { return }
        var found: [PayloadRule: String] = [:]
        func add(_ rule: PayloadRule, _ detail: String) { if found[rule] == nil { found[rule] = detail } }

        // Bare / numeric context.
        let bare = SQLLexer.lex(b, from: 0)
        if bare.sawVersionComment { add(.sqlVersionComment, "fingerprint \(SQLLexer.fingerprint(bare.tokens[...]))") }
        analyzeHead(bare.tokens, b, breakout: nil, add: add)
        analyzeAnywhere(bare.tokens, b, add: add)

        // Quoted contexts: the first quote of the value closes the literal.
        for q in [UInt8(ascii: "'"), UInt8(ascii: "\"")] {
            guard let qi = b.firstIndex(of: q) else { continue }
            let rest = SQLLexer.lex(b, from: qi + 1)
            if rest.sawVersionComment { add(.sqlVersionComment, "fingerprint s\(SQLLexer.fingerprint(rest.tokens[...]))") }
            analyzeHead(rest.tokens, b, breakout: q, add: add)
            analyzeAnywhere(rest.tokens, b, add: add)
        }
        quoteProbe(b, add: add)
        for (rule, detail) in found { evidence.append(Evidence(rule, detail)) }
    }

    // MARK: - Breakout analysis

    static func isLiteral(_ t: SQLToken) -> Bool { t.kind == .string || t.kind == .number }

    static func statementName(_ t: SQLToken) -> String? {
        if case .statement(let s)? = t.word { return s }
        return nil
    }

    static func clauseName(_ t: SQLToken) -> String? {
        if case .clause(let s)? = t.word { return s }
        return nil
    }

    static func analyzeHead(_ t: [SQLToken], _ b: [UInt8], breakout: UInt8?, add: (PayloadRule, String) -> Void) {
        var fired = false
        analyzeHead(t, b, breakout: breakout, from: 0) { rule, detail in fired = true; add(rule, detail) }
        // Relaxed head: SQL glue between the breakout and the clause (' in boolean mode) and ...).
        // Only when the glue has a closing parenthesis or a keyword, not just names (O'Brien and x).
        guard !fired, breakout != nil else { return }
        var glue = false
        var closedParen = false
        for k in 0..<min(t.count, 6) {
            switch t[k].kind {
            case .keyword where closedParen && k > 0 && ["order", "group", "having", "limit", "procedure"].contains(clauseName(t[k]) ?? ""):
                analyzeHead(t, b, breakout: breakout, from: k, add: add)
                return
            case .rparen: glue = true; closedParen = true
            case .keyword, .compare: glue = true
            case .logic, .union, .semicolon:
                if glue, k > 0 { analyzeHead(t, b, breakout: breakout, from: k, add: add) }
                return
            case .name: continue
            default: return
            }
        }
    }

    static func analyzeHead(_ t: [SQLToken], _ b: [UInt8], breakout: UInt8?, from start: Int, add: (PayloadRule, String) -> Void) {
        var i = start
        let quoted = breakout != nil
        let ctx: String
        if let q = breakout {
            ctx = q == UInt8(ascii: "'") ? "(')" : "(\")"
        } else {
            // Bare context: the legitimate value is a number (optionally negative).
            if i < t.count, t[i].kind == .op, b[t[i].start] == UInt8(ascii: "-") { i += 1 }
            guard i < t.count, t[i].kind == .number, t[i].word == nil else { return }
            i += 1
            ctx = "numeric"
        }
        var parens = 0
        while i < t.count, t[i].kind == .rparen { parens += 1; i += 1 }
        guard i < t.count else { return }
        let prefixFP = (quoted ? "s" : "n") + String(repeating: ")", count: parens)
        let fp = prefixFP + SQLLexer.fingerprint(t[i...])
        let head = t[i]
        let boolRule: PayloadRule = quoted ? .sqlBreakoutBoolean : .sqlNumericBoolean
        let clauseRule: PayloadRule = quoted ? .sqlBreakoutClause : .sqlNumericClause
        let what = quoted ? "string breakout \(ctx)" : "numeric value"

        switch head.kind {
        case .logic:
            // Clause after OR/AND, up to the next logic operator / ; / comment.
            var j = i + 1
            while j < t.count, t[j].kind == .logic { j += 1 }  // "or not"
            let cs = j
            while j < t.count, t[j].kind != .logic, t[j].kind != .semicolon, t[j].kind != .comment { j += 1 }
            let clause = t[cs..<j]
            if clause.isEmpty { return }
            if clause.prefix(3).dropFirst().contains(where: { $0.kind == .compare }) {
                add(boolRule, "\(what) then OR/AND comparison (fingerprint \(fp))")
            } else if clause.contains(where: { $0.kind == .function }) {
                add(boolRule, "\(what) then OR/AND function call (fingerprint \(fp))")
            } else if clause.first?.kind == .lparen {
                add(boolRule, "\(what) then OR/AND parenthesised expression (fingerprint \(fp))")
            } else if quoted, clause.count == 1, isLiteral(clause.first!) {
                add(boolRule, "\(what) then OR/AND literal tautology (fingerprint \(fp))")
            } else if clause.contains(where: { $0.kind == .variable && b[$0.start + 1] == UInt8(ascii: "@") }) {
                add(boolRule, "\(what) then OR/AND system variable (fingerprint \(fp))")
            }
        case .union:
            if unionSelect(t, at: i, b) { add(quoted ? .sqlBreakoutUnion : .sqlUnionSelect, "\(what) then UNION SELECT (fingerprint \(fp))") }
        case .semicolon:
            if i + 1 < t.count, t[i + 1].kind == .statement, statementContinues(t, at: i + 1, b) {
                add(quoted ? .sqlBreakoutStacked : .sqlStackedQuery, "\(what) then ';' \(statementName(t[i + 1]) ?? "") statement (fingerprint \(fp))")
            } else if quoted, i + 1 == t.count || t[i + 1].kind == .comment {
                add(.sqlBreakoutComment, "\(what) then ';' end of statement (fingerprint \(fp))")
            }
        case .statement:
            if let s = statementName(head), ["waitfor", "exec", "execute", "declare"].contains(s),
               statementContinues(t, at: i, b), quoted || s == "waitfor" {
                add(quoted ? .sqlBreakoutStacked : .sqlStackedQuery, "\(what) then \(s) statement (fingerprint \(fp))")
            }
        case .comment:
            guard quoted else { return }
            // Truncation: the comment swallows the rest of the query. Only short comment
            // bodies count ("--", "-- -", "#"), not prose after a hash.
            var body = 0
            var k = head.start + (b[head.start] == UInt8(ascii: "#") ? 1 : 2)
            while k < head.end { if !ASCII.isSpace(b[k]) && b[k] != UInt8(ascii: "-") { body += 1 }; k += 1 }
            if body <= 2, i + 1 == t.count { add(.sqlBreakoutComment, "\(what) then comment truncation (fingerprint \(fp))") }
        case .compare:
            guard i + 1 < t.count else {
                return
            }
            let next = t[i + 1]
            if next.kind == .function || (next.kind == .lparen && i + 2 < t.count && t[i + 2].kind == .statement) {
                add(quoted ? .sqlBreakoutFunction : .sqlNumericClause, "\(what) then comparison with call/sub-select (fingerprint \(fp))")
            } else if quoted, isLiteral(next) || next.kind == .name {
                let op = b[head.start..<head.end]
                if head.word == .compareWord || op.first == UInt8(ascii: "=") || op.elementsEqual("<>".utf8) || op.elementsEqual("!=".utf8) {
                    add(.sqlBreakoutComparison, "\(what) then comparison (fingerprint \(fp))")
                }
            }
        case .keyword:
            let k = clauseName(head) ?? ""
            switch k {
            case "order", "group":
                if i + 2 < t.count, clauseName(t[i + 1]) == "by",
                   t[i + 2].kind == .number || (quoted && (t[i + 2].kind == .name || t[i + 2].kind == .function)) {
                    add(clauseRule, "\(what) then \(k.uppercased()) BY (fingerprint \(fp))")
                }
            case "where", "having":
                if t[(i + 1)...].prefix(6).contains(where: { $0.kind == .compare || $0.kind == .function }) {
                    add(clauseRule, "\(what) then \(k.uppercased()) condition (fingerprint \(fp))")
                }
            case "as":
                // alias then WHERE/ORDER: "-1" )) as x where 1=1
                if i + 2 < t.count, t[i + 1].kind == .name, t[i + 2].kind == .keyword || t[i + 2].kind == .union {
                    add(clauseRule, "\(what) then AS alias clause (fingerprint \(fp))")
                }
            case "limit", "procedure", "into":
                if i + 1 < t.count, t[i + 1].kind == .number || t[i + 1].kind == .function || clauseName(t[i + 1]) == "outfile" || clauseName(t[i + 1]) == "dumpfile" || t[i + 1].kind == .name && k == "procedure" {
                    add(clauseRule, "\(what) then \(k.uppercased()) clause (fingerprint \(fp))")
                }
            default: break
            }
        case .op:
            // '+(select ...)  '||(select...)  '-sleep(5)
            if i + 1 < t.count {
                let next = t[i + 1]
                if next.kind == .function, SQLLexer.isKnownFunction(next.word) {
                    add(quoted ? .sqlBreakoutFunction : .sqlNumericClause, "\(what) then operator and SQL function (fingerprint \(fp))")
                } else if next.kind == .lparen, i + 2 < t.count, t[i + 2].kind == .statement {
                    add(quoted ? .sqlBreakoutFunction : .sqlNumericClause, "\(what) then operator and sub-select (fingerprint \(fp))")
                }
            }
        case .lparen:
            // ' (select ...)   ,(case when ...)   (the "+" of '+( became a space)
            if i + 1 < t.count, t[i + 1].kind == .statement, statementName(t[i + 1]) == "select" {
                add(quoted ? .sqlBreakoutFunction : .sqlNumericClause, "\(what) then parenthesised SELECT (fingerprint \(fp))")
            }
        case .comma:
            if i + 1 < t.count {
                let next = t[i + 1]
                if next.kind == .lparen, i + 2 < t.count, t[i + 2].kind == .statement {
                    add(quoted ? .sqlBreakoutFunction : .sqlNumericClause, "\(what) then ',' sub-select (fingerprint \(fp))")
                } else if next.kind == .function, SQLLexer.isKnownFunction(next.word), quoted {
                    add(.sqlBreakoutFunction, "\(what) then ',' SQL function (fingerprint \(fp))")
                }
            }
        default:
            break
        }
    }

    /// UNION [ALL|DISTINCT] SELECT followed by something a select list starts with.
    static func unionSelect(_ t: [SQLToken], at u: Int, _ b: [UInt8]) -> Bool {
        var j = u + 1
        if j < t.count, let c = clauseName(t[j]), c == "all" || c == "distinct" { j += 1 }
        while j < t.count, t[j].kind == .lparen { j += 1 }
        guard j < t.count, statementName(t[j]) == "select" else { return false }
        return selectListStarts(t, at: j + 1, b)
    }

    static func selectListStarts(_ t: [SQLToken], at j: Int, _ b: [UInt8]) -> Bool {
        guard j < t.count else { return false }
        let x = t[j]
        switch x.kind {
        case .number, .string, .function, .lparen, .variable: return true
        case .op:  // select * / select -1 / select ~0
            let c = b[x.start]
            return c == UInt8(ascii: "*") || c == UInt8(ascii: "-") || c == UInt8(ascii: "~")
        case .keyword:
            let c = clauseName(x) ?? ""
            return c == "case" || c == "distinct" || c == "all" || c == "top"
        case .name:
            guard j + 1 < t.count else { return false }
            let y = t[j + 1]
            let c = clauseName(y)
            return y.kind == .comma || c == "from" || c == "where" || c == "into" || y.kind == .union || y.kind == .op
        default: return false
        }
    }

    /// Whether the statement keyword at `s` is followed by what that statement needs.
    static func statementContinues(_ t: [SQLToken], at s: Int, _ b: [UInt8]) -> Bool {
        guard let name = statementName(t[s]) else { return false }
        let next = s + 1 < t.count ? t[s + 1] : nil
        switch name {
        case "select": return selectListStarts(t, at: s + 1, b)
        case "insert": return next.map { clauseName($0) == "into" } ?? false
        case "update": return s + 2 < t.count && t[s + 1].kind == .name && clauseName(t[s + 2]) == "set"
        case "delete": return next.map { clauseName($0) == "from" } ?? false
        case "drop", "create", "alter", "truncate":
            guard let x = next else { return false }
            if x.kind == .logic { return true }  // create or replace
            if let c = clauseName(x) { return ["table", "database", "procedure", "function"].contains(c) }
            if x.kind == .name {
                let w = b[x.start..<x.end]
                for kw in ["user", "view", "index", "schema", "trigger", "login"] where w.elementsEqual(kw.utf8) { return true }
            }
            return false
        case "exec", "execute":
            guard let x = next else { return false }
            if x.kind == .function || x.kind == .lparen || x.kind == .variable { return true }
            if x.kind == .name {
                let w = Array(b[x.start..<x.end])
                return ASCII.hasPrefix(w, "xp_", at: 0) || ASCII.hasPrefix(w, "sp_", at: 0)
                    || ASCII.hasPrefix(w, "master.", at: 0)
            }
            return false
        case "declare": return next?.kind == .variable
        case "waitfor":
            guard let x = next else { return false }
            return clauseName(x) == "delay" || clauseName(x) == "time"
        case "shutdown": return next == nil || next?.kind == .comment || clauseName(next!) == "with"
        case "begin": return next?.kind == .function || next?.kind == .name
        case "call": return next?.kind == .function
        case "grant", "revoke": return next.map { clauseName($0) == "all" || statementName($0) != nil } ?? false
        case "show": return next?.kind == .name
        default: return false
        }
    }

    // MARK: - Context-free structures

    static func analyzeAnywhere(_ t: [SQLToken], _ b: [UInt8], add: (PayloadRule, String) -> Void) {
        let fp = SQLLexer.fingerprint(t[...])
        var sawStatementOrLogic = false
        var systemObject = false
        for (idx, tok) in t.enumerated() {
            switch tok.kind {
            case .union:
                if unionSelect(t, at: idx, b) { add(.sqlUnionSelect, "UNION SELECT with select list (fingerprint \(fp))") }
            case .semicolon:
                if idx + 1 < t.count, t[idx + 1].kind == .statement, statementContinues(t, at: idx + 1, b) {
                    add(.sqlStackedQuery, "';' then \(statementName(t[idx + 1]) ?? "") statement (fingerprint \(fp))")
                }
            case .statement:
                sawStatementOrLogic = true
                if statementName(tok) == "waitfor", statementContinues(t, at: idx, b) {
                    add(.sqlTimeDelay, "WAITFOR DELAY/TIME (fingerprint \(fp))")
                }
                if statementName(tok) == "select", idx > 0, t[idx - 1].kind == .lparen, selectListStarts(t, at: idx + 1, b) {
                    add(.sqlSubselect, "parenthesised SELECT (fingerprint \(fp))")
                }
            case .logic:
                sawStatementOrLogic = true
            case .keyword:
                // CASE WHEN <comparison> THEN
                if clauseName(tok) == "case", idx + 1 < t.count, clauseName(t[idx + 1]) == "when" {
                    var k = idx + 2
                    var cmp = false
                    while k < t.count, k < idx + 12, clauseName(t[k]) != "then" { if t[k].kind == .compare { cmp = true }; k += 1 }
                    if cmp, k < t.count, clauseName(t[k]) == "then" {
                        add(.sqlTautologyFunction, "CASE WHEN comparison THEN (fingerprint \(fp))")
                    }
                }
            case .function:
                let prev = idx > 0 ? t[idx - 1] : nil
                let contextOK = prev == nil || [.logic, .compare, .lparen, .comma, .statement, .semicolon, .op, .keyword]
                    .contains(prev!.kind)
                guard contextOK else { break }
                if case .function(let family)? = tok.word {
                    let args = callArguments(t, open: idx + 1)
                    switch family {
                    case .timeDelay:
                        if let first = args.first, first.kind == .number || first.kind == .string || first.kind == .lparen || first.kind == .function {
                            add(.sqlTimeDelay, "time-delay call \(String(decoding: b[tok.start..<tok.end], as: UTF8.self))() (fingerprint \(fp))")
                        }
                    case .errorBased:
                        let nested = args.contains { $0.kind == .statement || $0.kind == .function || ($0.kind == .number && b[$0.start..<min($0.end, $0.start + 2)].elementsEqual("0x".utf8)) || $0.kind == .op && b[$0.start] == UInt8(ascii: "~") }
                        let castAs = args.contains { clauseName($0) == "as" || clauseName($0) == "int" || clauseName($0) == "char" }
                        if nested && (prev != nil || castAs) {
                            add(.sqlErrorFunction, "error-based call \(String(decoding: b[tok.start..<tok.end], as: UTF8.self))() (fingerprint \(fp))")
                        }
                    case .generic:
                        break
                    }
                }
            case .name:
                if tok.word == .systemObject { systemObject = true }
                else if tok.end - tok.start > 6 {
                    // dotted: information_schema.tables, master..sysdatabases
                    let w = b[tok.start..<tok.end]
                    if let dot = w.firstIndex(of: UInt8(ascii: ".")), SQLLexer.vocabulary.lookup(b[tok.start..<dot]) == .systemObject {
                        systemObject = true
                    } else if let dot = w.lastIndex(of: UInt8(ascii: ".")), SQLLexer.vocabulary.lookup(b[(dot + 1)..<tok.end]) == .systemObject {
                        systemObject = true
                    }
                }
            case .compare:
                // number (=|<|>) number directly inside a call or group: elt(1=1,1), (5=5)*2
                if idx > 0, idx + 1 < t.count, t[idx - 1].kind == .number, t[idx + 1].kind == .number,
                   t[idx - 1].word == nil, t[idx + 1].word == nil,
                   idx >= 2, t[idx - 2].kind == .lparen,
                   idx + 2 < t.count, t[idx + 2].kind == .rparen || t[idx + 2].kind == .comma {
                    let before = idx >= 3 ? t[idx - 3].kind : nil
                    if before == .function || before == nil || before == .logic || before == .keyword || before == .lparen {
                        add(.sqlTautologyFunction, "numeric comparison inside call/group (fingerprint \(fp))")
                    }
                }
            default: break
            }
        }
        if systemObject, sawStatementOrLogic {
            add(.sqlSystemObject, "catalog object in SQL context (fingerprint \(fp))")
        }
    }

    /// Tokens inside the parenthesised argument list that starts at `open` (an lparen).
    static func callArguments(_ t: [SQLToken], open: Int) -> ArraySlice<SQLToken> {
        guard open < t.count, t[open].kind == .lparen else { return [] }
        var depth = 0
        var j = open
        while j < t.count {
            if t[j].kind == .lparen { depth += 1 }
            if t[j].kind == .rparen { depth -= 1; if depth == 0 { break } }
            j += 1
        }
        return t[(open + 1)..<j]
    }

    /// sqlmap-style syntax probes: short values mixing both quote kinds, unbalanced, with
    /// parentheses or angle brackets and no spaces (1'"(.,  1'abc<'">def).
    static func quoteProbe(_ b: [UInt8], add: (PayloadRule, String) -> Void) {
        guard b.count <= 40 else { return }
        var single = 0, double = 0, punct = 0
        for c in b {
            switch c {
            case UInt8(ascii: "'"): single += 1
            case UInt8(ascii: "\""): double += 1
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"): punct += 1
            case 0x20, 0x09, 0x0A, 0x0D: return
            default: break
            }
        }
        if single > 0, double > 0, single + double >= 3, (single % 2 == 1 || double % 2 == 1), punct > 0 {
            add(.sqlQuoteProbe, "unbalanced mixed quotes with ( ) < > and no spaces")
        }
    }
}
