/// Splits query text into tokens.
///
/// Invariants: never reads past the end of the input; every token carries its
/// Unicode-scalar span, UTF-8 byte offset and 1-based line/column; the token list always
/// ends with `.end`. Whitespace and `//` comments are skipped.
struct Lexer {
    let source: SourceText
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var utf8Offsets: [Int]

    init(source: SourceText) {
        self.source = source
        self.scalars = source.scalars
        var offsets = [Int]()
        offsets.reserveCapacity(scalars.count + 1)
        var running = 0
        for scalar in scalars {
            offsets.append(running)
            running += UTF8.width(scalar)
        }
        offsets.append(running)
        self.utf8Offsets = offsets
    }

    /// Duration units and their length in microseconds.
    static let durationUnits: [String: Int64] = [
        "d": 86_400_000_000, "day": 86_400_000_000, "days": 86_400_000_000,
        "h": 3_600_000_000, "hr": 3_600_000_000, "hrs": 3_600_000_000, "hour": 3_600_000_000, "hours": 3_600_000_000,
        "m": 60_000_000, "min": 60_000_000, "minute": 60_000_000, "minutes": 60_000_000,
        "s": 1_000_000, "sec": 1_000_000, "second": 1_000_000, "seconds": 1_000_000,
        "ms": 1_000, "millisecond": 1_000, "milliseconds": 1_000,
        "us": 1, "µs": 1, "microsecond": 1, "microseconds": 1,
    ]

    mutating func tokenize(maxTokens: Int) throws(QueryError) -> [Token] {
        var tokens: [Token] = []
        while true {
            skipTrivia()
            let token = try next()
            tokens.append(token)
            if token.kind == .end { return tokens }
            if tokens.count > maxTokens {
                throw source.error(.tooComplex, "query has more than \(maxTokens) tokens", at: token.span)
            }
        }
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let position = index + ahead
        return position < scalars.count ? scalars[position] : nil
    }

    private mutating func skipTrivia() {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" {
                index += 1
            } else if c == "/", peek(1) == "/" {
                while let d = peek(), d != "\n" { index += 1 }
            } else {
                return
            }
        }
    }

    private func make(_ kind: Token.Kind, from start: Int) -> Token {
        let (line, column) = source.position(of: start)
        return Token(kind: kind, span: SourceSpan(start: start, end: index), utf8Offset: utf8Offsets[start], line: line, column: column)
    }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || (c.isASCII && c.properties.isAlphabetic) || (!c.isASCII && c.properties.isAlphabetic)
    }

    static func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || isDigit(c)
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private mutating func next() throws(QueryError) -> Token {
        let start = index
        guard let c = peek() else { return make(.end, from: start) }
        switch c {
        case "|": index += 1; return make(.pipe, from: start)
        case "(": index += 1; return make(.leftParen, from: start)
        case ")": index += 1; return make(.rightParen, from: start)
        case "[": index += 1; return make(.leftBracket, from: start)
        case "]": index += 1; return make(.rightBracket, from: start)
        case ",": index += 1; return make(.comma, from: start)
        case "+", "*", "/", "%": index += 1; return make(.symbol(String(c)), from: start)
        case "-": index += 1; return make(.symbol("-"), from: start)
        case ".":
            if peek(1) == "." { index += 2; return make(.dotDot, from: start) }
            if let d = peek(1), Lexer.isDigit(d) { return try number() }
            index += 1
            throw source.error(.syntax, "unexpected '.'; use '..' inside between (a .. b)", at: SourceSpan(start: start, end: index))
        case "=":
            if peek(1) == "=" { index += 2; return make(.symbol("=="), from: start) }
            if peek(1) == "~" { index += 2; return make(.symbol("=~"), from: start) }
            index += 1
            return make(.assign, from: start)
        case "!":
            if peek(1) == "=" { index += 2; return make(.symbol("!="), from: start) }
            if peek(1) == "~" { index += 2; return make(.symbol("!~"), from: start) }
            index += 1
            return make(.bang, from: start)
        case "<":
            if peek(1) == "=" { index += 2; return make(.symbol("<="), from: start) }
            if peek(1) == ">" {
                index += 2
                throw source.error(.syntax, "unknown operator '<>'; use '!=' for not equal", at: SourceSpan(start: start, end: index))
            }
            index += 1
            return make(.symbol("<"), from: start)
        case ">":
            if peek(1) == "=" { index += 2; return make(.symbol(">="), from: start) }
            index += 1
            return make(.symbol(">"), from: start)
        case "\"", "'":
            let value = try stringLiteral()
            return make(.string(value), from: start)
        case "@":
            if let q = peek(1), q == "\"" || q == "'" {
                index += 1
                let value = try verbatimLiteral()
                return make(.string(value), from: start)
            }
            index += 1
            throw source.error(.syntax, "unexpected character '@'; verbatim strings are written @\"...\"", at: SourceSpan(start: start, end: index))
        default:
            if Lexer.isDigit(c) { return try number() }
            if Lexer.isIdentifierStart(c) { return try identifierOrDatetime() }
            index += 1
            throw source.error(.syntax, Lexer.describeUnexpected(c), at: SourceSpan(start: start, end: index))
        }
    }

    static func describeUnexpected(_ c: Unicode.Scalar) -> String {
        let hex = String(c.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let lookalikeQuotes: Set<UInt32> = [0x201C, 0x201D, 0x201E, 0x2018, 0x2019, 0x201A, 0xFF02, 0xFF07, 0x00AB, 0x00BB, 0x2032, 0x2033]
        if lookalikeQuotes.contains(c.value) {
            return "unexpected character \(code); use a plain \" or ' quote"
        }
        if c == ";" { return "unexpected ';'; separate operators with '|'" }
        let visible = c.value >= 0x21 && c.value != 0x7F && c.properties.generalCategory != .format
            && c.properties.generalCategory != .control && !c.properties.isWhitespace
        return visible ? "unexpected character '\(Character(c))' (\(code))" : "unexpected character \(code)"
    }

    private mutating func stringLiteral() throws(QueryError) -> String {
        let start = index
        let quote = scalars[index]
        index += 1
        var value = String.UnicodeScalarView()
        while true {
            guard let c = peek(), c != "\n", c != "\r" else {
                throw source.error(.syntax, "unterminated string; close it with \(quote)", at: SourceSpan(start: start, end: start + 1))
            }
            index += 1
            if c == quote { return String(value) }
            if c == "\\" {
                guard let e = peek() else { continue }
                let escapeStart = index - 1
                index += 1
                switch e {
                case "\\": value.append("\\")
                case "\"": value.append("\"")
                case "'": value.append("'")
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "0": value.append("\0")
                default:
                    throw source.error(.syntax, "unknown escape '\\\(e)' in string; write \\\\ for a backslash or use a verbatim string @\"...\"", at: SourceSpan(start: escapeStart, end: index))
                }
                continue
            }
            value.append(c)
        }
    }

    private mutating func verbatimLiteral() throws(QueryError) -> String {
        let start = index - 1
        let quote = scalars[index]
        index += 1
        var value = String.UnicodeScalarView()
        while true {
            guard let c = peek(), c != "\n", c != "\r" else {
                throw source.error(.syntax, "unterminated string; close it with \(quote)", at: SourceSpan(start: start, end: start + 2))
            }
            index += 1
            if c == quote {
                if peek() == quote {  // doubled quote stands for one quote
                    index += 1
                    value.append(quote)
                    continue
                }
                return String(value)
            }
            value.append(c)
        }
    }

    private mutating func number() throws(QueryError) -> Token {
        let start = index
        var text = ""
        var isReal = false
        while let c = peek(), Lexer.isDigit(c) { text.unicodeScalars.append(c); index += 1 }
        if peek() == ".", let d = peek(1), Lexer.isDigit(d) {
            isReal = true
            text += "."
            index += 1
            while let c = peek(), Lexer.isDigit(c) { text.unicodeScalars.append(c); index += 1 }
        }
        if let e = peek(), e == "e" || e == "E" {
            var lookahead = 1
            if let sign = peek(1), sign == "+" || sign == "-" { lookahead = 2 }
            if let d = peek(lookahead), Lexer.isDigit(d) {
                isReal = true
                text += "e"
                if lookahead == 2 { text.unicodeScalars.append(peek(1)!) }
                index += lookahead
                while let c = peek(), Lexer.isDigit(c) { text.unicodeScalars.append(c); index += 1 }
            }
        }
        if let u = peek(), Lexer.isIdentifierStart(u) {
            let unitStart = index
            var unit = ""
            while let c = peek(), Lexer.isIdentifierContinue(c) { unit.unicodeScalars.append(c); index += 1 }
            let span = SourceSpan(start: start, end: index)
            guard let factor = Lexer.durationUnits[unit.lowercased()] else {
                let hint = Suggestions.best(for: unit.lowercased(), among: ["ms", "s", "m", "h", "d", "us", "min", "sec", "day", "hour", "minute", "second"])
                let message = "invalid duration unit '\(unit)'" + (hint.map { ", did you mean '\($0)'?" } ?? "; use ms, s, m, h or d (for example 250ms, 5m)")
                throw source.error(.syntax, message, at: SourceSpan(start: unitStart, end: index))
            }
            guard let amount = Double(text) else {
                throw source.error(.invalidArgument, "invalid number '\(text)'", at: span)
            }
            let micros = (amount * Double(factor)).rounded()
            guard micros.isFinite, abs(micros) < 9.2e18 else {
                throw source.error(.invalidArgument, "duration '\(source.slice(span))' is too large", at: span)
            }
            return make(.timespan(Int64(micros)), from: start)
        }
        let span = SourceSpan(start: start, end: index)
        if isReal {
            guard let value = Double(text), value.isFinite else {
                throw source.error(.invalidArgument, "number '\(text)' is out of range", at: span)
            }
            return make(.real(value), from: start)
        }
        guard let value = Int64(text) else {
            throw source.error(.invalidArgument, "integer '\(text)' is out of range (at most 9223372036854775807)", at: span)
        }
        return make(.integer(value), from: start)
    }

    private mutating func identifierOrDatetime() throws(QueryError) -> Token {
        let start = index
        var name = String.UnicodeScalarView()
        while let c = peek(), Lexer.isIdentifierContinue(c) { name.append(c); index += 1 }
        // Dotted segments: `.key`, keys may contain '-' between alphanumerics.
        while peek() == ".", let next = peek(1), Lexer.isIdentifierContinue(next) {
            name.append(".")
            index += 1
            while let c = peek() {
                if Lexer.isIdentifierContinue(c) {
                    name.append(c)
                    index += 1
                } else if c == "-", let after = peek(1), Lexer.isIdentifierContinue(after) {
                    name.append(c)
                    index += 1
                } else {
                    break
                }
            }
        }
        let text = String(name)
        if text.lowercased() == "datetime" {
            var probe = index
            while probe < scalars.count, scalars[probe] == " " || scalars[probe] == "\t" { probe += 1 }
            if probe < scalars.count, scalars[probe] == "(" {
                index = probe + 1
                return try datetimeBody(start: start)
            }
        }
        return make(.identifier(text), from: start)
    }

    private mutating func datetimeBody(start: Int) throws(QueryError) -> Token {
        while let c = peek(), c == " " || c == "\t" { index += 1 }
        let contentStart = index
        let content: String
        if let q = peek(), q == "\"" || q == "'" {
            content = try stringLiteral()
        } else {
            var raw = String.UnicodeScalarView()
            while let c = peek(), c != ")", c != "\n", c != " ", c != "|" { raw.append(c); index += 1 }
            content = String(raw)
        }
        let contentSpan = SourceSpan(start: contentStart, end: max(index, contentStart + 1))
        while let c = peek(), c == " " || c == "\t" { index += 1 }
        guard peek() == ")" else {
            throw source.error(.syntax, "expected ')' to close datetime(...)", at: SourceSpan(start: index, end: index + 1))
        }
        index += 1
        guard let micros = DateTimeLiteral.parse(content.trimmingSpaces) else {
            throw source.error(.invalidArgument, "invalid datetime '\(content)'; write ISO 8601 such as datetime(2026-11-22T10:00:00Z)", at: contentSpan)
        }
        return make(.datetime(micros), from: start)
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
