/// Token types of the SQL lexer. The raw value is the fingerprint character.
enum SQLTokenKind: UInt8, Sendable {
    case string = 0x73       // s  quoted string ('...', "...")
    case number = 0x6E       // n  number, NULL, TRUE, FALSE
    case name = 0x69         // i  identifier or unknown word
    case keyword = 0x6B      // k  clause keyword (from, where, order, by, as, ...)
    case union = 0x55        // U  UNION / INTERSECT / EXCEPT
    case statement = 0x45    // E  statement keyword (select, insert, drop, waitfor, ...)
    case function = 0x66     // f  function call (known function or name directly before "(")
    case logic = 0x26        // &  AND / OR / XOR / NOT / && / ||
    case compare = 0x3D      // =  = < > <> != like rlike regexp between in is
    case op = 0x6F           // o  arithmetic / bitwise operator
    case lparen = 0x28       // (
    case rparen = 0x29       // )
    case comma = 0x2C        // ,
    case semicolon = 0x3B    // ;
    case comment = 0x63      // c  line comment (--, #) or unterminated block comment
    case variable = 0x76     // v  @var, @@var
}

struct SQLToken: Sendable {
    var kind: SQLTokenKind
    var start: Int
    var end: Int
    /// For words: the vocabulary entry, if any.
    var word: SQLWord?
}

/// Words with a role in SQL. Functions carry their risk family.
enum SQLWord: Sendable, Equatable {
    case logic, compareWord, union, statement(String), clause(String), literal, function(SQLFunctionFamily),
         systemObject
}

enum SQLFunctionFamily: Sendable, Equatable {
    case timeDelay, errorBased, generic
}

/// A small hand-written SQL lexer covering the dialects seen in injection attempts (MySQL,
/// PostgreSQL, MSSQL, Oracle, SQLite): quote styles with doubling and backslash escapes,
/// numbers (decimal, hex, exponent), identifiers (dotted, backticked, bracketed), keywords,
/// operators, comments (`--`, `#`, `/* */`, MySQL `/*! */` whose content is code).
struct SQLLexer {
    static let maxTokens = 256

    struct Result {
        var tokens: [SQLToken]
        var sawVersionComment = false
        var sawInlineComment = false
    }

    static let vocabulary: WordTable<SQLWord> = {
        var e: [(String, SQLWord)] = []
        for w in ["and", "or", "xor", "not"] { e.append((w, .logic)) }
        for w in ["like", "rlike", "regexp", "between", "in", "is", "sounds", "glob", "ilike", "similar"] {
            e.append((w, .compareWord))
        }
        for w in ["union", "intersect", "except"] { e.append((w, .union)) }
        for w in ["select", "insert", "update", "delete", "drop", "create", "alter", "truncate", "exec",
                  "execute", "declare", "waitfor", "shutdown", "grant", "revoke", "merge", "call", "begin",
                  "show", "load", "rename", "handler"] {
            e.append((w, .statement(w)))
        }
        for w in ["from", "where", "having", "group", "order", "by", "limit", "offset", "into", "values", "join",
                  "as", "on", "case", "when", "then", "else", "end", "all", "distinct", "table", "database",
                  "procedure", "delay", "outfile", "dumpfile", "collate", "top", "with", "asc", "desc",
                  "exists", "set", "returns", "language", "function", "replace", "time", "escape", "mode",
                  "boolean", "analyse", "nowait", "using", "char", "int", "varchar", "nvarchar"] {
            e.append((w, .clause(w)))
        }
        for w in ["null", "true", "false"] { e.append((w, .literal)) }
        for w in ["sleep", "benchmark", "pg_sleep", "dbms_lock.sleep", "dbms_pipe.receive_message",
                  "randomblob", "sys.dbms_lock.sleep", "dbms_session.sleep"] {
            e.append((w, .function(.timeDelay)))
        }
        for w in ["extractvalue", "updatexml", "xmltype", "utl_inaddr.get_host_address", "ctxsys.drithsx.sn",
                  "dbms_utility.sqlid_to_sqlhash", "gtid_subset", "json_keys", "name_const", "exp",
                  "geometrycollection", "multipoint", "polygon", "multipolygon", "linestring",
                  "multilinestring", "convert", "cast", "floor"] {
            e.append((w, .function(.errorBased)))
        }
        for w in ["elt", "chr", "concat", "concat_ws", "group_concat", "substring", "substr", "mid",
                  "ascii", "ord", "length", "len", "version", "database", "user", "current_user", "system_user",
                  "schema", "count", "rand", "make_set", "load_file", "upper", "lower", "hex", "unhex", "if",
                  "iif", "ifnull", "isnull", "nullif", "coalesce", "row", "md5", "sha1", "least", "greatest",
                  "instr", "char_length", "bin", "conv", "uuid", "now", "sysdate", "db_name", "user_name",
                  "has_dbaccess", "object_id", "json_extract", "regexp_substring", "generate_series",
                  "unicode", "nchar", "quotename", "openrowset", "opendatasource", "xp_cmdshell", "sp_executesql",
                  "pg_read_file", "lo_import", "to_char", "to_number", "rawtohex", "dbms_xmlgen.getxml",
                  "sqlite_version", "typeof", "zeroblob", "replace", "char", "trim", "reverse", "left", "right"] {
            if w == "char" || w == "replace" { continue }
            e.append((w, .function(.generic)))
        }
        for w in ["information_schema", "sysobjects", "syscolumns", "sysdatabases", "sysusers", "syslogins",
                  "mysql.user", "pg_catalog", "pg_shadow", "pg_user", "pg_database", "all_users", "all_tables",
                  "user_tables", "all_tab_columns", "sqlite_master", "sqlite_schema", "msysaccessobjects",
                  "msysobjects", "sys.objects", "sys.tables", "sys.databases", "v$version", "dual",
                  "information_schema.tables", "information_schema.columns", "information_schema.schemata",
                  "information_schema.character_sets", "master..sysdatabases", "master..sysobjects",
                  "domain.domains", "domain.columns", "domain.tables", "rdb$database", "sysibm.sysdummy1",
                  "sys.sysobjects"] {
            e.append((w, .systemObject))
        }
        return WordTable(e)
    }()

    /// Function names that stay functions even with whitespace before "(" (`sleep (5)`).
    static func isKnownFunction(_ w: SQLWord?) -> Bool {
        if case .function = w { return true }
        return false
    }

    static func lex(_ b: [UInt8], from start: Int) -> Result {
        var r = Result(tokens: [])
        r.tokens.reserveCapacity(16)
        let n = b.count
        var i = start
        var versionCommentOpen = false
        while i < n, r.tokens.count < maxTokens {
            let c = b[i]
            if ASCII.isSpace(c) { i += 1; continue }
            switch c {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let s = i
                i += 1
                while i < n {
                    if b[i] == UInt8(ascii: "\\") { i += 2; continue }
                    if b[i] == c {
                        if i + 1 < n, b[i + 1] == c { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i = min(i + 1, n)
                r.tokens.append(SQLToken(kind: .string, start: s, end: i))
            case UInt8(ascii: "`"), UInt8(ascii: "["):
                let close = c == UInt8(ascii: "`") ? c : UInt8(ascii: "]")
                let s = i
                i += 1
                while i < n, b[i] != close { i += 1 }
                i = min(i + 1, n)
                r.tokens.append(SQLToken(kind: .name, start: s, end: i))
            case UInt8(ascii: "("): r.tokens.append(SQLToken(kind: .lparen, start: i, end: i + 1)); i += 1
            case UInt8(ascii: ")"): r.tokens.append(SQLToken(kind: .rparen, start: i, end: i + 1)); i += 1
            case UInt8(ascii: ","): r.tokens.append(SQLToken(kind: .comma, start: i, end: i + 1)); i += 1
            case UInt8(ascii: ";"): r.tokens.append(SQLToken(kind: .semicolon, start: i, end: i + 1)); i += 1
            case UInt8(ascii: "#"):
                let s = i
                while i < n, b[i] != 0x0A { i += 1 }
                r.tokens.append(SQLToken(kind: .comment, start: s, end: i))
            case UInt8(ascii: "-") where i + 1 < n && b[i + 1] == UInt8(ascii: "-")
                && !(i + 2 < n && ASCII.isDigit(b[i + 2])):
                let s = i
                while i < n, b[i] != 0x0A { i += 1 }
                r.tokens.append(SQLToken(kind: .comment, start: s, end: i))
            case UInt8(ascii: "/") where i + 1 < n && b[i + 1] == UInt8(ascii: "*"):
                if i + 2 < n, b[i + 2] == UInt8(ascii: "!") {
                    r.sawVersionComment = true
                    versionCommentOpen = true
                    i += 3
                    while i < n, ASCII.isDigit(b[i]) { i += 1 }
                    continue
                }
                let s = i
                i += 2
                var closed = false
                while i + 1 < n {
                    if b[i] == UInt8(ascii: "*"), b[i + 1] == UInt8(ascii: "/") { closed = true; break }
                    i += 1
                }
                if closed {
                    i += 2
                    r.sawInlineComment = true  // acts as whitespace: union/**/select
                } else {
                    i = n
                    r.tokens.append(SQLToken(kind: .comment, start: s, end: n))
                }
            case UInt8(ascii: "*") where versionCommentOpen && i + 1 < n && b[i + 1] == UInt8(ascii: "/"):
                versionCommentOpen = false
                i += 2
            case UInt8(ascii: "@"):
                let s = i
                i += 1
                if i < n, b[i] == UInt8(ascii: "@") { i += 1 }
                while i < n, ASCII.isWordByte(b[i]) || b[i] == UInt8(ascii: ".") { i += 1 }
                r.tokens.append(SQLToken(kind: .variable, start: s, end: i))
            case UInt8(ascii: "="), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "!"):
                let s = i
                i += 1
                while i < n, i - s < 3,
                      b[i] == UInt8(ascii: "=") || b[i] == UInt8(ascii: ">") || (b[i] == UInt8(ascii: "<") && b[s] == UInt8(ascii: "<")) {
                    i += 1
                }
                let text = b[s..<i]
                if text.elementsEqual([UInt8(ascii: "<"), UInt8(ascii: "<")]) || text.elementsEqual([UInt8(ascii: ">"), UInt8(ascii: ">")]) {
                    r.tokens.append(SQLToken(kind: .op, start: s, end: i))
                } else if text.count == 1, b[s] == UInt8(ascii: "!") {
                    r.tokens.append(SQLToken(kind: .logic, start: s, end: i))
                } else {
                    r.tokens.append(SQLToken(kind: .compare, start: s, end: i))
                }
            case UInt8(ascii: "&"), UInt8(ascii: "|"):
                if i + 1 < n, b[i + 1] == c {
                    r.tokens.append(SQLToken(kind: .logic, start: i, end: i + 2)); i += 2
                } else {
                    r.tokens.append(SQLToken(kind: .op, start: i, end: i + 1)); i += 1
                }
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "%"),
                 UInt8(ascii: "^"), UInt8(ascii: "~"), UInt8(ascii: ":"):
                r.tokens.append(SQLToken(kind: .op, start: i, end: i + 1)); i += 1
            case UInt8(ascii: "."):
                if i + 1 < n, ASCII.isDigit(b[i + 1]) {
                    let s = i
                    i += 1
                    while i < n, ASCII.isDigit(b[i]) { i += 1 }
                    r.tokens.append(SQLToken(kind: .number, start: s, end: i))
                } else {
                    i += 1
                }
            default:
                if ASCII.isDigit(c) {
                    let s = i
                    if c == UInt8(ascii: "0"), i + 1 < n, (b[i + 1] | 0x20) == UInt8(ascii: "x") || (b[i + 1] | 0x20) == UInt8(ascii: "b") {
                        i += 2
                        while i < n, ASCII.isAlnum(b[i]) { i += 1 }
                        r.tokens.append(SQLToken(kind: .number, start: s, end: i))
                        continue
                    }
                    while i < n, ASCII.isDigit(b[i]) { i += 1 }
                    if i < n, b[i] == UInt8(ascii: "."), i + 1 < n, ASCII.isDigit(b[i + 1]) {
                        i += 1
                        while i < n, ASCII.isDigit(b[i]) { i += 1 }
                    }
                    if i < n, b[i] == UInt8(ascii: "e"), i + 1 < n, ASCII.isDigit(b[i + 1]) || b[i + 1] == UInt8(ascii: "-") || b[i + 1] == UInt8(ascii: "+") {
                        i += 2
                        while i < n, ASCII.isDigit(b[i]) { i += 1 }
                    }
                    if i < n, ASCII.isWordByte(b[i]) {
                        // 12abc: an identifier in SQL, not a number.
                        while i < n, ASCII.isWordByte(b[i]) { i += 1 }
                        r.tokens.append(SQLToken(kind: .name, start: s, end: i))
                    } else {
                        r.tokens.append(SQLToken(kind: .number, start: s, end: i))
                    }
                } else if ASCII.isWordByte(c) {
                    let s = i
                    while i < n {
                        if ASCII.isWordByte(b[i]) { i += 1; continue }
                        if b[i] == UInt8(ascii: "."), i + 1 < n, ASCII.isWordByte(b[i + 1]) || b[i + 1] == UInt8(ascii: ".") { i += 1; continue }
                        break
                    }
                    r.tokens.append(classifyWord(b, s, i))
                } else {
                    i += 1  // punctuation SQL does not care about: ? { } \ and so on
                }
            }
        }
        return r
    }

    static func classifyWord(_ b: [UInt8], _ s: Int, _ e: Int) -> SQLToken {
        let word = vocabulary.lookup(b[s..<e])
        // Is the next significant byte "("?
        var j = e
        var sawSpace = false
        while j < b.count {
            if ASCII.isSpace(b[j]) { sawSpace = true; j += 1; continue }
            if b[j] == UInt8(ascii: "/"), j + 1 < b.count, b[j + 1] == UInt8(ascii: "*") {
                // skip inline comment
                var k = j + 2
                while k + 1 < b.count, !(b[k] == UInt8(ascii: "*") && b[k + 1] == UInt8(ascii: "/")) { k += 1 }
                j = k + 2; sawSpace = true; continue
            }
            break
        }
        let callFollows = j < b.count && b[j] == UInt8(ascii: "(")
        switch word {
        case .logic?: return SQLToken(kind: .logic, start: s, end: e, word: word)
        case .compareWord?: return SQLToken(kind: .compare, start: s, end: e, word: word)
        case .union?: return SQLToken(kind: .union, start: s, end: e, word: word)
        case .statement?: return SQLToken(kind: .statement, start: s, end: e, word: word)
        case .literal?: return SQLToken(kind: .number, start: s, end: e, word: word)
        case .function?:
            return SQLToken(kind: callFollows ? .function : .name, start: s, end: e, word: word)
        case .clause(let k)?:
            if callFollows, k == "char" || k == "replace" || k == "exists" || k == "convert" || k == "int" {
                return SQLToken(kind: .function, start: s, end: e, word: word)
            }
            return SQLToken(kind: .keyword, start: s, end: e, word: word)
        case .systemObject?: return SQLToken(kind: .name, start: s, end: e, word: word)
        case nil:
            if callFollows && !sawSpace { return SQLToken(kind: .function, start: s, end: e, word: nil) }
            // dotted names ending in a system object (x.information_schema.tables)
            return SQLToken(kind: .name, start: s, end: e, word: nil)
        }
    }

    /// Token-type fingerprint of up to `limit` tokens.
    static func fingerprint(_ tokens: ArraySlice<SQLToken>, limit: Int = 12) -> String {
        var s = ""
        for t in tokens.prefix(limit) { s.unicodeScalars.append(Unicode.Scalar(t.kind.rawValue)) }
        return s
    }
}
