/// Recursive-descent parser from tokens to a pipeline of `QueryStage`s.
///
/// Invariants: recursion depth and expression-tree depth are both bounded by
/// `QueryLimits.maxNestingDepth` (deeper input is a `.tooComplex` error, never a stack
/// overflow); keywords are matched case-insensitively; names keep their case.
struct Parser {
    static let operators = ["where", "filter", "summarize", "sort", "order", "take", "limit", "top", "project", "extend"]
    static let reservedWords: Set<String> = [
        "and", "or", "in", "between", "has", "contains", "startswith", "endswith", "matches", "by", "asc", "desc",
    ]
    static let infixWords = ["and", "or", "in", "between", "has", "contains", "startswith", "endswith", "matches", "by", "asc", "desc", "regex"]

    let source: SourceText
    let limits: QueryLimits
    private var tokens: [Token]
    private var position = 0
    private var nesting = 0

    init(tokens: [Token], source: SourceText, limits: QueryLimits) {
        self.tokens = tokens
        self.source = source
        self.limits = limits
    }

    private var current: Token { tokens[position] }
    private func peekToken(_ ahead: Int = 1) -> Token { tokens[min(position + ahead, tokens.count - 1)] }
    private mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .end: return "end of query"
        case .string: return source.snippet(token.span)
        default: return "'\(source.snippet(token.span))'"
        }
    }

    private func error(_ code: QueryError.Code, _ message: String, at span: SourceSpan) -> QueryError {
        source.error(code, message, at: span)
    }

    // MARK: Pipeline

    mutating func parseQuery() throws(QueryError) -> [QueryStage] {
        var stages: [QueryStage] = []
        if current.kind == .pipe { _ = advance() }
        if current.kind == .end {
            if position > 0 { throw error(.syntax, "expected an operator after '|', such as 'where'", at: current.span) }
            return []
        }
        while true {
            stages.append(try parseStage())
            if stages.count > limits.maxStages {
                throw error(.tooComplex, "query has more than \(limits.maxStages) pipeline stages", at: stages.last!.keywordSpan)
            }
            switch current.kind {
            case .end:
                return stages
            case .pipe:
                _ = advance()
                if current.kind == .end {
                    throw error(.syntax, "expected an operator after '|', such as 'where'", at: current.span)
                }
            default:
                throw unexpectedAfterStage()
            }
        }
    }

    private func unexpectedAfterStage() -> QueryError {
        let token = current
        if let word = token.identifier, let hint = Suggestions.best(for: word.lowercased(), among: Parser.infixWords + ["contains", "!contains"]) {
            return error(.syntax, "unexpected '\(word)', did you mean '\(hint)'?", at: token.span)
        }
        return error(.syntax, "unexpected \(describe(token)); expected '|' or end of query", at: token.span)
    }

    private mutating func parseStage() throws(QueryError) -> QueryStage {
        let token = current
        if case .string = token.kind { return try parseSearch() }
        guard let keyword = token.keyword else {
            throw error(.syntax, "expected an operator such as 'where', found \(describe(token))", at: token.span)
        }
        guard Parser.operators.contains(keyword) else {
            if onlySearchTermsAhead() { return try parseSearch() }
            let name = token.identifier!
            if let hint = Suggestions.best(for: keyword, among: Parser.operators) {
                throw error(.unknownOperator, "unknown operator '\(name)', did you mean '\(hint)'?", at: token.span)
            }
            throw error(.unknownOperator, "unknown operator '\(name)'; a stage starts with where, summarize, sort, order, take, limit, top, project or extend (to filter, write 'where \(name) ...')", at: token.span)
        }
        _ = advance()
        let keywordSpan = token.span
        func stage(_ kind: QueryStage.Kind) -> QueryStage { QueryStage(kind: kind, keywordSpan: keywordSpan, keyword: keyword) }
        switch keyword {
        case "where", "filter":
            if current.kind == .pipe || current.kind == .end {
                throw error(.syntax, "'\(keyword)' needs a predicate, e.g. where status >= 500", at: current.span)
            }
            return stage(.filter(try parseExpression()))
        case "summarize":
            var aggregates: [NamedExpression] = []
            if current.keyword != "by" {
                aggregates = try parseNamedList(what: "an aggregate such as count()")
            }
            var by: [NamedExpression] = []
            if current.keyword == "by" {
                _ = advance()
                by = try parseNamedList(what: "a grouping expression")
            }
            if aggregates.isEmpty && by.isEmpty {
                throw error(.syntax, "'summarize' needs an aggregate or a 'by' list, e.g. summarize count() by route", at: keywordSpan)
            }
            return stage(.summarize(aggregates: aggregates, by: by))
        case "sort", "order":
            try expectKeyword("by", after: keyword)
            var items: [SortItem] = []
            repeat {
                if !items.isEmpty { _ = advance() }
                items.append(try parseSortItem())
            } while current.kind == .comma
            return stage(.sort(items))
        case "take", "limit":
            let (count, span) = try parseCount(after: keyword)
            return stage(.take(count, countSpan: span))
        case "top":
            let (count, span) = try parseCount(after: keyword)
            try expectKeyword("by", after: "top \(count)")
            return stage(.top(count, countSpan: span, try parseSortItem()))
        case "project":
            return stage(.project(try parseNamedList(what: "a column")))
        default:  // extend
            return stage(.extend(try parseNamedList(what: "a column such as name = expression")))
        }
    }

    private func onlySearchTermsAhead() -> Bool {
        var index = position
        while true {
            switch tokens[index].kind {
            case .identifier(let word):
                if Parser.reservedWords.contains(word.lowercased()) { return false }
            case .string: break
            case .pipe, .end: return true
            default: return false
            }
            index += 1
        }
    }

    private mutating func parseSearch() throws(QueryError) -> QueryStage {
        let first = current
        var terms: [SearchTerm] = []
        while true {
            switch current.kind {
            case .string(let text), .identifier(let text):
                terms.append(SearchTerm(text: text, span: current.span))
                _ = advance()
            default:
                return QueryStage(kind: .search(terms), keywordSpan: first.span, keyword: "search")
            }
        }
    }

    private mutating func expectKeyword(_ word: String, after: String) throws(QueryError) {
        guard current.keyword == word else {
            throw error(.syntax, "expected '\(word)' after '\(after)', found \(describe(current))", at: current.span)
        }
        _ = advance()
    }

    private mutating func parseCount(after keyword: String) throws(QueryError) -> (Int64, SourceSpan) {
        let token = current
        guard case .integer(let value) = token.kind else {
            throw error(.syntax, "'\(keyword)' needs a whole number of rows, e.g. \(keyword) 10; found \(describe(token))", at: token.span)
        }
        _ = advance()
        return (value, token.span)
    }

    private mutating func parseSortItem() throws(QueryError) -> SortItem {
        let expression = try parseExpression()
        var descending = true
        if current.keyword == "asc" {
            descending = false
            _ = advance()
        } else if current.keyword == "desc" {
            _ = advance()
        }
        return SortItem(expression: expression, descending: descending)
    }

    private mutating func parseNamedList(what: String) throws(QueryError) -> [NamedExpression] {
        var items: [NamedExpression] = []
        repeat {
            if !items.isEmpty { _ = advance() }
            if current.kind == .pipe || current.kind == .end {
                throw error(.syntax, "expected \(what), found \(describe(current))", at: current.span)
            }
            if let name = current.identifier, peekToken().kind == .assign {
                let nameSpan = current.span
                _ = advance()
                _ = advance()
                items.append(NamedExpression(name: name, nameSpan: nameSpan, expression: try parseExpression()))
            } else {
                items.append(NamedExpression(name: nil, nameSpan: nil, expression: try parseExpression()))
            }
            if items.count > limits.maxListLength {
                throw error(.tooComplex, "list has more than \(limits.maxListLength) items", at: current.span)
            }
        } while current.kind == .comma
        return items
    }

    // MARK: Expressions

    private func node(_ kind: Expression.Kind, _ span: SourceSpan, _ children: [Expression]) throws(QueryError) -> Expression {
        let depth = 1 + (children.map(\.depth).max() ?? 0)
        if depth > limits.maxNestingDepth {
            throw error(.tooComplex, "expression is nested too deeply (more than \(limits.maxNestingDepth) levels); split it into simpler parts", at: span)
        }
        return Expression(kind: kind, span: span, depth: depth)
    }

    mutating func parseExpression() throws(QueryError) -> Expression {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > limits.maxNestingDepth {
            throw error(.tooComplex, "expression is nested too deeply (more than \(limits.maxNestingDepth) levels); split it into simpler parts", at: current.span)
        }
        return try parseLogical(isAnd: false)
    }

    private mutating func parseLogical(isAnd: Bool) throws(QueryError) -> Expression {
        let word = isAnd ? "and" : "or"
        let first = isAnd ? try parseComparison() : try parseLogical(isAnd: true)
        guard current.keyword == word else { return first }
        var operands = [first]
        while current.keyword == word {
            _ = advance()
            operands.append(isAnd ? try parseComparison() : try parseLogical(isAnd: true))
            if operands.count > limits.maxListLength {
                throw error(.tooComplex, "more than \(limits.maxListLength) operands joined with '\(word)'", at: operands.last!.span)
            }
        }
        return try node(.logical(isAnd: isAnd, operands), .covering(first.span, operands.last!.span), operands)
    }

    private static let comparisonSymbols: [String: BinaryOperator] = [
        "==": .equal, "!=": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater, ">=": .greaterOrEqual,
        "=~": .equalIgnoringCase, "!~": .notEqualIgnoringCase,
    ]

    private func isComparisonStart() -> Bool {
        if case .symbol(let s) = current.kind, Parser.comparisonSymbols[s] != nil { return true }
        if current.kind == .bang { return true }
        if let word = current.keyword {
            return BinaryOperator.wordOperators[word] != nil || word == "in" || word == "between" || word == "matches"
        }
        return false
    }

    private mutating func parseComparison() throws(QueryError) -> Expression {
        let lhs = try parseAdditive()
        guard isComparisonStart() else {
            if current.kind == .assign {
                throw error(.syntax, "'=' assigns a name; use '==' to compare", at: current.span)
            }
            return lhs
        }
        let result = try parseComparisonTail(lhs)
        if isComparisonStart() {
            throw error(.syntax, "comparisons cannot be chained; combine them with 'and'", at: current.span)
        }
        return result
    }

    private mutating func parseComparisonTail(_ lhs: Expression) throws(QueryError) -> Expression {
        let opToken = advance()
        var negated = false
        var word = opToken.keyword
        var opSpan = opToken.span
        if case .symbol(let s) = opToken.kind, let op = Parser.comparisonSymbols[s] {
            let rhs = try parseAdditive()
            return try node(.binary(op, lhs, rhs, operatorSpan: opSpan), .covering(lhs.span, rhs.span), [lhs, rhs])
        }
        if opToken.kind == .bang {
            guard let next = current.keyword, current.span.start == opToken.span.end,
                  BinaryOperator.negatedWordOperators[next] != nil || next == "in" || next == "between"
            else {
                throw error(.syntax, "'!' must be followed by in, between, has, contains, startswith or endswith (e.g. !contains)", at: opToken.span)
            }
            negated = true
            word = next
            opSpan = .covering(opToken.span, advance().span)
        }
        switch word {
        case "in":
            let open = current
            guard open.kind == .leftParen else {
                throw error(.syntax, "expected '(' after '\(negated ? "!in" : "in")', e.g. status in (500, 503)", at: open.span)
            }
            _ = advance()
            var items: [Expression] = []
            if current.kind == .rightParen {
                throw error(.syntax, "'in' needs at least one value", at: current.span)
            }
            repeat {
                if !items.isEmpty { _ = advance() }
                items.append(try parseExpression())
                if items.count > limits.maxListLength {
                    throw error(.tooComplex, "'in' list has more than \(limits.maxListLength) values", at: items.last!.span)
                }
            } while current.kind == .comma
            let close = current
            guard close.kind == .rightParen else {
                throw error(.syntax, "expected ',' or ')' in 'in' list, found \(describe(close))", at: close.span)
            }
            _ = advance()
            return try node(.inList(lhs, items, negated: negated, operatorSpan: opSpan), .covering(lhs.span, close.span), [lhs] + items)
        case "between":
            guard current.kind == .leftParen else {
                throw error(.syntax, "expected '(' after 'between', e.g. between (100 .. 200)", at: current.span)
            }
            _ = advance()
            let low = try parseAdditive()
            guard current.kind == .dotDot else {
                throw error(.syntax, "expected '..' in between (low .. high), found \(describe(current))", at: current.span)
            }
            _ = advance()
            let high = try parseAdditive()
            let close = current
            guard close.kind == .rightParen else {
                throw error(.syntax, "expected ')' to close between (low .. high), found \(describe(close))", at: close.span)
            }
            _ = advance()
            return try node(.between(lhs, low, high, negated: negated, operatorSpan: opSpan), .covering(lhs.span, close.span), [lhs, low, high])
        case "matches":
            guard current.keyword == "regex" else {
                throw error(.syntax, "expected 'regex' after 'matches', e.g. path matches regex \"^/v[0-9]+/\"", at: current.span)
            }
            opSpan = .covering(opSpan, advance().span)
            let rhs = try parseAdditive()
            return try node(.binary(.matchesRegex, lhs, rhs, operatorSpan: opSpan), .covering(lhs.span, rhs.span), [lhs, rhs])
        default:
            let table = negated ? BinaryOperator.negatedWordOperators : BinaryOperator.wordOperators
            let op = table[word ?? ""]!
            let rhs = try parseAdditive()
            return try node(.binary(op, lhs, rhs, operatorSpan: opSpan), .covering(lhs.span, rhs.span), [lhs, rhs])
        }
    }

    private mutating func parseAdditive() throws(QueryError) -> Expression {
        var lhs = try parseMultiplicative()
        while case .symbol(let s) = current.kind, s == "+" || s == "-" {
            let opSpan = advance().span
            let rhs = try parseMultiplicative()
            lhs = try node(.binary(s == "+" ? .add : .subtract, lhs, rhs, operatorSpan: opSpan), .covering(lhs.span, rhs.span), [lhs, rhs])
        }
        return lhs
    }

    private mutating func parseMultiplicative() throws(QueryError) -> Expression {
        var lhs = try parseUnary()
        while case .symbol(let s) = current.kind, s == "*" || s == "/" || s == "%" {
            let opSpan = advance().span
            let rhs = try parseUnary()
            let op: BinaryOperator = s == "*" ? .multiply : (s == "/" ? .divide : .modulo)
            lhs = try node(.binary(op, lhs, rhs, operatorSpan: opSpan), .covering(lhs.span, rhs.span), [lhs, rhs])
        }
        return lhs
    }

    private mutating func parseUnary() throws(QueryError) -> Expression {
        if current.isSymbol("-") {
            let minus = advance()
            nesting += 1
            defer { nesting -= 1 }
            if nesting > limits.maxNestingDepth {
                throw error(.tooComplex, "expression is nested too deeply (more than \(limits.maxNestingDepth) levels); split it into simpler parts", at: minus.span)
            }
            let operand = try parseUnary()
            return try node(.negate(operand), .covering(minus.span, operand.span), [operand])
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(QueryError) -> Expression {
        let token = current
        switch token.kind {
        case .string(let value): _ = advance(); return Expression(kind: .string(value), span: token.span, depth: 1)
        case .integer(let value): _ = advance(); return Expression(kind: .integer(value), span: token.span, depth: 1)
        case .real(let value): _ = advance(); return Expression(kind: .real(value), span: token.span, depth: 1)
        case .timespan(let value): _ = advance(); return Expression(kind: .timespan(value), span: token.span, depth: 1)
        case .datetime(let value): _ = advance(); return Expression(kind: .datetime(value), span: token.span, depth: 1)
        case .leftParen:
            _ = advance()
            var inner = try parseExpression()
            let close = current
            guard close.kind == .rightParen else {
                throw error(.syntax, "expected ')' to match '(' at column \(token.column), found \(describe(close))", at: close.span)
            }
            _ = advance()
            inner.span = .covering(token.span, close.span)
            return inner
        case .identifier(let name):
            let lower = name.lowercased()
            if lower == "true" || lower == "false" {
                _ = advance()
                return Expression(kind: .bool(lower == "true"), span: token.span, depth: 1)
            }
            if Parser.reservedWords.contains(lower) {
                throw error(.syntax, "expected a value, found keyword '\(name)'", at: token.span)
            }
            _ = advance()
            if Parser.operators.contains(lower), current.kind != .leftParen, current.kind != .assign {
                throw error(.syntax, "'\(name)' starts a new stage; put '|' before it", at: token.span)
            }
            if lower == "not", current.kind != .leftParen {
                throw error(.syntax, "'not' is a function; write not(condition)", at: token.span)
            }
            if current.kind == .leftParen {
                _ = advance()
                var arguments: [Expression] = []
                if current.kind != .rightParen {
                    repeat {
                        if !arguments.isEmpty { _ = advance() }
                        arguments.append(try parseExpression())
                        if arguments.count > limits.maxListLength {
                            throw error(.tooComplex, "too many arguments", at: arguments.last!.span)
                        }
                    } while current.kind == .comma
                }
                let close = current
                guard close.kind == .rightParen else {
                    throw error(.syntax, "expected ',' or ')' in the arguments of '\(name)', found \(describe(close))", at: close.span)
                }
                _ = advance()
                return try node(.call(name: name, nameSpan: token.span, arguments: arguments), .covering(token.span, close.span), arguments)
            }
            var keys: [String] = []
            var span = token.span
            while current.kind == .leftBracket, current.span.start == span.end {
                _ = advance()
                guard case .string(let key) = current.kind else {
                    throw error(.syntax, "expected a quoted key inside [ ], e.g. attributes[\"my key\"]", at: current.span)
                }
                _ = advance()
                guard current.kind == .rightBracket else {
                    throw error(.syntax, "expected ']' after the key, found \(describe(current))", at: current.span)
                }
                span = .covering(span, advance().span)
                keys.append(key)
            }
            return Expression(kind: .name(name, bracketKeys: keys), span: span, depth: 1)
        case .end:
            throw error(.syntax, "unexpected end of query; expected a value", at: token.span)
        default:
            throw error(.syntax, "expected a value, found \(describe(token))", at: token.span)
        }
    }
}
