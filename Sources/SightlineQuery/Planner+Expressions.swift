/// Type checking of expressions.
///
/// Rules (also in docs/query-language.md): numbers mix freely (int op int stays int);
/// a duration used as a number means milliseconds; datetimes compare with datetimes
/// (a string constant that parses as ISO 8601 is accepted); dynamic values take the type
/// of the other operand; negated operators (`!=`, `!in`, `!has`, ...) are true when the
/// tested value is missing (NULL).
extension Planner {
    enum CheckMode {
        /// Row context: aggregates are not allowed.
        case row
        /// A summarize item: aggregates required around any field.
        case summarize
        /// Inside an aggregate's arguments: fields allowed, nested aggregates not.
        case insideAggregate
    }

    // MARK: Builders

    func literal(_ value: SQLValue, _ type: ExpressionType) -> PlanExpression {
        PlanExpression(kind: .literal(value), type: type, nullable: value == .null, size: 1, containsAggregate: false)
    }

    func make(_ kind: PlanExpression.Kind, _ type: ExpressionType, nullable: Bool, _ children: [PlanExpression], at span: SourceSpan) throws(QueryError) -> PlanExpression {
        let size = 1 + children.reduce(0) { $0 + $1.size }
        if size > limits.maxPlanNodes {
            throw error(.tooComplex, "expression grows to more than \(limits.maxPlanNodes) parts (columns from 'extend' are copied where used); simplify it", at: span)
        }
        return PlanExpression(kind: kind, type: type, nullable: nullable, size: size, containsAggregate: children.contains { $0.containsAggregate })
    }

    func comparison(_ op: ComparisonOperator, _ lhs: PlanExpression, _ rhs: PlanExpression) -> PlanExpression {
        PlanExpression(kind: .compare(op, lhs, rhs), type: .bool, nullable: lhs.nullable || rhs.nullable, size: 1 + lhs.size + rhs.size, containsAggregate: lhs.containsAggregate || rhs.containsAggregate)
    }

    /// `not(positive)` that is also true when a nullable operand is NULL.
    func negated(_ positive: PlanExpression, operands: [PlanExpression], at span: SourceSpan) throws(QueryError) -> PlanExpression {
        var inverted: PlanExpression
        switch positive.kind {
        case .inList(let value, let items, negated: false):
            inverted = positive
            inverted.kind = .inList(value, items, negated: true)
        case .between(let value, let low, let high, negated: false):
            inverted = positive
            inverted.kind = .between(value, low, high, negated: true)
        default:
            inverted = try make(.not(positive, nullAsFalse: false), .bool, nullable: positive.nullable, [positive], at: span)
        }
        let nullables = operands.filter { $0.nullable && $0.literalValue == nil }
        if nullables.isEmpty { return inverted }
        var parts: [PlanExpression] = []
        for operand in nullables {
            parts.append(try make(.isNull(operand, negated: false), .bool, nullable: false, [operand], at: span))
        }
        parts.append(inverted)
        return try make(.or(parts), .bool, nullable: false, parts, at: span)
    }

    func describe(_ expression: Expression) -> String {
        if case .string = expression.kind { return source.snippet(expression.span) }
        return "'\(source.snippet(expression.span))'"
    }

    // MARK: Entry points

    /// Checks an expression used as a condition; a bare string literal is a free-text search.
    mutating func checkPredicate(_ expression: Expression, in block: BlockBuilder, mode: CheckMode) throws(QueryError) -> PlanExpression {
        if case .string(let text) = expression.kind {
            return try freeText(text, span: expression.span, in: block)
        }
        let checked = try check(expression, in: block, mode: mode)
        guard checked.type == .bool || checked.type == .dynamic else {
            throw error(.typeMismatch, "expected a condition (true or false); \(describe(expression)) is \(checked.type.phrase)", at: expression.span)
        }
        return checked
    }

    /// Case-insensitive substring search over path, route and error message.
    mutating func freeText(_ term: String, span: SourceSpan, in block: BlockBuilder) throws(QueryError) -> PlanExpression {
        guard block.catalogueVisible else {
            throw error(.invalidArgument, "free-text search needs the event fields path, route and error.message; put it before '\(block.shapedBy ?? "project")'", at: span)
        }
        var parts: [PlanExpression] = []
        for name in ["path", "route", "error.message"] {
            let field = catalogue.field(named: name)!
            let value = catalogueExpression(field.storage, type: ExpressionType(field.type), nullable: field.isNullable, in: block)
            parts.append(try make(.stringMatch(.contains, value, term), .bool, nullable: value.nullable, [value], at: span))
        }
        return try make(.or(parts), .bool, nullable: true, parts, at: span)
    }

    mutating func check(_ expression: Expression, in block: BlockBuilder, mode: CheckMode) throws(QueryError) -> PlanExpression {
        let span = expression.span
        switch expression.kind {
        case .name(let name, let keys):
            if mode == .summarize {
                throw error(.invalidArgument, "\(describe(expression)) must be inside an aggregate such as max(\(source.snippet(span))), or listed after 'by'", at: span)
            }
            return try resolve(name, keys: keys, span: span, in: block)
        case .string(let value): return literal(.text(value), .string)
        case .integer(let value): return literal(.int(value), .int)
        case .real(let value): return literal(.real(value), .real)
        case .bool(let value): return literal(.int(value ? 1 : 0), .bool)
        case .timespan(let value): return literal(.int(value), .timespan)
        case .datetime(let value): return literal(.int(value), .datetime)
        case .negate(let operand):
            let value = try check(operand, in: block, mode: mode)
            return try negate(value, operand: operand, span: span)
        case .binary(let op, let lhs, let rhs, let opSpan):
            let left = try check(lhs, in: block, mode: mode)
            let right = try check(rhs, in: block, mode: mode)
            if op.isArithmetic {
                return try arithmetic(op, left, right, lhs: lhs, rhs: rhs, opSpan: opSpan, span: span)
            }
            return try binaryCondition(op, left, right, lhs: lhs, rhs: rhs, opSpan: opSpan, span: span)
        case .logical(let isAnd, let operands):
            var parts: [PlanExpression] = []
            for operand in operands {
                parts.append(try checkPredicate(operand, in: block, mode: mode))
            }
            return try make(isAnd ? .and(parts) : .or(parts), .bool, nullable: parts.contains { $0.nullable }, parts, at: span)
        case .inList(let lhs, let items, let negatedList, let opSpan):
            return try inList(lhs, items, negated: negatedList, opSpan: opSpan, span: span, in: block, mode: mode)
        case .between(let lhs, let low, let high, let negatedRange, let opSpan):
            let value = try check(lhs, in: block, mode: mode)
            let lowValue = try check(low, in: block, mode: mode)
            let highValue = try check(high, in: block, mode: mode)
            let opText = negatedRange ? "!between" : "between"
            let (left, lowChecked) = try unify(value, lowValue, lhs: lhs, rhs: low, opText: opText, opSpan: opSpan)
            let (_, highChecked) = try unify(value, highValue, lhs: lhs, rhs: high, opText: opText, opSpan: opSpan)
            if left.type == .bool {
                throw error(.typeMismatch, "'between' needs numbers, datetimes or strings; \(describe(lhs)) is a boolean", at: opSpan)
            }
            let positive = try make(.between(left, lowChecked, highChecked, negated: false), .bool, nullable: left.nullable || lowChecked.nullable || highChecked.nullable, [left, lowChecked, highChecked], at: span)
            if !negatedRange { return positive }
            return try negated(positive, operands: [left], at: span)
        case .call(let name, let nameSpan, let arguments):
            return try call(name, nameSpan: nameSpan, arguments: arguments, span: span, in: block, mode: mode)
        }
    }

    // MARK: Names

    mutating func resolve(_ name: String, keys: [String], span: SourceSpan, in block: BlockBuilder) throws(QueryError) -> PlanExpression {
        if keys.isEmpty, let column = block.columns.first(where: { $0.name == name }) {
            if column.expression.size > limits.maxPlanNodes {
                throw error(.tooComplex, "column '\(name)' is too large to reuse; simplify the 'extend' that defines it", at: span)
            }
            return column.expression
        }
        let field = keys.isEmpty ? catalogue.field(named: name) : nil
        let dynamic = field == nil ? catalogue.dynamicPath(named: name, bracketKeys: keys) : nil
        if block.catalogueVisible {
            if let field {
                return catalogueExpression(field.storage, type: ExpressionType(field.type), nullable: field.isNullable, in: block)
            }
            if let dynamic {
                for key in dynamic.keys.dropFirst(dynamic.root.jsonPrefix.count) {
                    try validateKey(key, span: span)
                }
                return catalogueExpression(.json(dynamic.keys), type: .dynamic, nullable: true, in: block)
            }
            if let root = catalogue.dynamicRoots.first(where: { $0.prefix == name }) {
                throw error(.invalidArgument, "'\(name)' needs a key, e.g. \(name).\(root.lowercasesKeys ? "user-agent" : "tenant")", at: span)
            }
        }
        let written = source.snippet(span)
        let available = block.columns.map(\.name)
        if field != nil || dynamic != nil {
            let list = available.prefix(12).joined(separator: ", ") + (available.count > 12 ? ", ..." : "")
            throw error(.unknownField, "'\(written)' is not available after '\(block.shapedBy ?? "project")'; available columns: \(list)", at: span)
        }
        let candidates = available + (block.catalogueVisible ? catalogue.fields.map(\.name) + catalogue.fields.flatMap(\.aliases) : [])
        var suggestion = keys.isEmpty ? Suggestions.best(for: name, among: candidates) : nil
        if suggestion == nil, block.catalogueVisible {
            suggestion = suggestDynamic(name)
        }
        if let suggestion {
            throw error(.unknownField, "unknown field '\(written)', did you mean '\(suggestion)'?", at: span)
        }
        if block.catalogueVisible, keys.isEmpty, !name.contains(".") {
            throw error(.unknownField, "unknown field '\(written)'; to search for text, quote it: \"\(written)\"", at: span)
        }
        if block.catalogueVisible {
            throw error(.unknownField, "unknown field '\(written)'; use a catalogue field such as status, route or duration_ms, or attributes.<key> for custom attributes", at: span)
        }
        throw error(.unknownField, "unknown column '\(written)'; available columns: \(available.prefix(12).joined(separator: ", "))", at: span)
    }

    /// `attribute.tenant` → `attributes.tenant`, `request.header.x` → `request.headers.x`.
    private func suggestDynamic(_ name: String) -> String? {
        let roots = catalogue.dynamicRoots.map(\.prefix)
        var index = name.startIndex
        while let dot = name[index...].firstIndex(of: ".") {
            let prefix = String(name[..<dot])
            let rest = name[name.index(after: dot)...]
            if !rest.isEmpty, let root = Suggestions.best(for: prefix, among: roots), root != prefix {
                return root + "." + rest
            }
            index = name.index(after: dot)
        }
        return nil
    }

    private func validateKey(_ key: String, span: SourceSpan) throws(QueryError) {
        guard !key.isEmpty, key.unicodeScalars.count <= 256,
              !key.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw error(.invalidArgument, "a key must be 1 to 256 characters without quotes, backslashes or control characters", at: span)
        }
    }

    // MARK: Arithmetic

    private func negate(_ value: PlanExpression, operand: Expression, span: SourceSpan) throws(QueryError) -> PlanExpression {
        if let constant = value.literalValue {
            switch (value.type, constant) {
            case (.int, .int(let v)), (.timespan, .int(let v)):
                guard v != Int64.min else { throw error(.invalidArgument, "integer overflow", at: span) }
                return literal(.int(-v), value.type)
            case (.real, .real(let v)): return literal(.real(-v), .real)
            default: break
            }
        }
        switch value.type {
        case .int, .real: return try make(.negate(value), value.type, nullable: value.nullable, [value], at: span)
        case .dynamic:
            let number = try make(.asNumber(value), .real, nullable: true, [value], at: span)
            return try make(.negate(number), .real, nullable: true, [number], at: span)
        default:
            throw error(.typeMismatch, "'-' needs a number; \(describe(operand)) is \(value.type.phrase)", at: span)
        }
    }

    /// A duration constant as milliseconds.
    func milliseconds(_ value: PlanExpression) -> PlanExpression {
        guard value.type == .timespan, case .int(let micros)? = value.literalValue else { return value }
        if micros % 1000 == 0 { return literal(.real(Double(micros / 1000)), .real) }
        return literal(.real(Double(micros) / 1000), .real)
    }

    private func double(_ value: SQLValue) -> Double? {
        switch value {
        case .int(let v): return Double(v)
        case .real(let v): return v
        default: return nil
        }
    }

    func arithmetic(_ op: BinaryOperator, _ left: PlanExpression, _ right: PlanExpression, lhs: Expression, rhs: Expression, opSpan: SourceSpan, span: SourceSpan) throws(QueryError) -> PlanExpression {
        let arithmeticOp = ArithmeticOperator(rawValue: op.rawValue)!
        let mismatch = error(.typeMismatch, "'\(op.rawValue)' cannot combine \(describe(lhs)) (\(left.type.phrase)) and \(describe(rhs)) (\(right.type.phrase))", at: opSpan)
        // Constant folding.
        if let a = left.literalValue, let b = right.literalValue {
            switch (left.type, right.type, op) {
            case (.datetime, .timespan, .add), (.datetime, .timespan, .subtract), (.timespan, .datetime, .add),
                 (.timespan, .timespan, .add), (.timespan, .timespan, .subtract):
                guard case .int(let x) = a, case .int(let y) = b else { break }
                let (result, overflow) = op == .add ? x.addingReportingOverflow(y) : x.subtractingReportingOverflow(y)
                if overflow { throw error(.invalidArgument, "datetime or duration out of range", at: span) }
                let type: ExpressionType = (left.type == .datetime || right.type == .datetime) ? .datetime : .timespan
                return literal(.int(result), type)
            case (.datetime, .datetime, .subtract):
                guard case .int(let x) = a, case .int(let y) = b else { break }
                return literal(.real((Double(x) - Double(y)) / 1000), .real)
            case (.timespan, .int, .multiply), (.timespan, .real, .multiply), (.int, .timespan, .multiply),
                 (.real, .timespan, .multiply), (.timespan, .int, .divide), (.timespan, .real, .divide):
                guard let x = double(a), let y = double(b) else { break }
                if op == .divide, y == 0 { throw error(.invalidArgument, "division by zero", at: opSpan) }
                let result = (op == .multiply ? x * y : x / y).rounded()
                guard result.isFinite, abs(result) < 9.2e18 else { throw error(.invalidArgument, "duration out of range", at: span) }
                return literal(.int(Int64(result)), .timespan)
            default:
                break
            }
        }
        var l = left
        var r = right
        if l.type == .timespan, r.type != .datetime { l = milliseconds(l) }
        if r.type == .timespan, l.type != .datetime { r = milliseconds(r) }
        switch (l.type, r.type) {
        case (.datetime, .timespan) where op == .add || op == .subtract,
             (.timespan, .datetime) where op == .add:
            return try make(.arithmetic(arithmeticOp, l, r), .datetime, nullable: l.nullable || r.nullable, [l, r], at: span)
        case (.datetime, .datetime) where op == .subtract:
            return try make(.millisecondsBetween(l, r), .real, nullable: l.nullable || r.nullable, [l, r], at: span)
        default:
            break
        }
        if l.type == .dynamic { l = try make(.asNumber(l), .real, nullable: true, [l], at: lhs.span) }
        if r.type == .dynamic { r = try make(.asNumber(r), .real, nullable: true, [r], at: rhs.span) }
        guard l.type.isNumeric, r.type.isNumeric else {
            if l.type == .datetime || r.type == .datetime {
                throw error(.typeMismatch, "'\(op.rawValue)' cannot combine \(describe(lhs)) (\(left.type.phrase)) and \(describe(rhs)) (\(right.type.phrase)); add or subtract a duration such as 1h", at: opSpan)
            }
            throw mismatch
        }
        let type: ExpressionType = (l.type == .int && r.type == .int) ? .int : .real
        if let a = l.literalValue, let b = r.literalValue {
            if type == .int, case .int(let x) = a, case .int(let y) = b {
                if (op == .divide || op == .modulo) && y == 0 { throw error(.invalidArgument, "division by zero", at: opSpan) }
                let (result, overflow): (Int64, Bool)
                switch arithmeticOp {
                case .add: (result, overflow) = x.addingReportingOverflow(y)
                case .subtract: (result, overflow) = x.subtractingReportingOverflow(y)
                case .multiply: (result, overflow) = x.multipliedReportingOverflow(by: y)
                case .divide: (result, overflow) = x.dividedReportingOverflow(by: y)
                case .modulo: (result, overflow) = x.remainderReportingOverflow(dividingBy: y)
                }
                if overflow { throw error(.invalidArgument, "integer overflow", at: span) }
                return literal(.int(result), .int)
            }
            if let x = double(a), let y = double(b), arithmeticOp != .modulo {
                if op == .divide, y == 0 { throw error(.invalidArgument, "division by zero", at: opSpan) }
                let result: Double
                switch arithmeticOp {
                case .add: result = x + y
                case .subtract: result = x - y
                case .multiply: result = x * y
                default: result = x / y
                }
                guard result.isFinite else { throw error(.invalidArgument, "number out of range", at: span) }
                return literal(.real(result), .real)
            }
        }
        return try make(.arithmetic(arithmeticOp, l, r), type, nullable: true, [l, r], at: span)
    }

    // MARK: Comparisons

    /// Brings two operands to a common type for comparison, or throws a type mismatch.
    func unify(_ left: PlanExpression, _ right: PlanExpression, lhs: Expression, rhs: Expression, opText: String, opSpan: SourceSpan) throws(QueryError) -> (PlanExpression, PlanExpression) {
        var l = left
        var r = right
        switch (l.type, r.type) {
        case (.string, .string), (.bool, .bool), (.datetime, .datetime), (.dynamic, .dynamic), (.timespan, .timespan):
            return (l, r)
        case (.int, .int), (.int, .real), (.real, .int), (.real, .real), (.timespan, .int), (.timespan, .real), (.int, .timespan), (.real, .timespan):
            return (milliseconds(l), milliseconds(r))
        case (.datetime, .string), (.string, .datetime):
            let stringSide = l.type == .string ? l : r
            let stringExpression = l.type == .string ? lhs : rhs
            if case .text(let text)? = stringSide.literalValue {
                guard let micros = DateTimeLiteral.parse(text.trimmingSpaces) else {
                    throw error(.invalidArgument, "\(describe(stringExpression)) is not a datetime; write ISO 8601 such as datetime(2026-11-22T10:00:00Z)", at: stringExpression.span)
                }
                if l.type == .string { l = literal(.int(micros), .datetime) } else { r = literal(.int(micros), .datetime) }
                return (l, r)
            }
        case (.dynamic, .string):
            return (try make(.asText(l), .string, nullable: true, [l], at: lhs.span), r)
        case (.string, .dynamic):
            return (l, try make(.asText(r), .string, nullable: true, [r], at: rhs.span))
        case (.dynamic, .int), (.dynamic, .real), (.dynamic, .timespan):
            return (try make(.asNumber(l), .real, nullable: true, [l], at: lhs.span), milliseconds(r))
        case (.int, .dynamic), (.real, .dynamic), (.timespan, .dynamic):
            return (milliseconds(l), try make(.asNumber(r), .real, nullable: true, [r], at: rhs.span))
        case (.dynamic, .bool), (.bool, .dynamic):
            return (l, r)
        default:
            break
        }
        var hint = ""
        if (l.type == .datetime && r.type == .timespan) || (l.type == .timespan && r.type == .datetime) {
            hint = "; use ago(...) for a point in time, e.g. timestamp > ago(1h)"
        } else if l.type == .datetime || r.type == .datetime {
            hint = "; compare datetimes with datetime(...), ago(...) or now()"
        }
        throw error(.typeMismatch, "'\(opText)' needs operands of the same type: \(describe(lhs)) is \(left.type.phrase); \(describe(rhs)) is \(right.type.phrase)\(hint)", at: opSpan)
    }

    private func binaryCondition(_ op: BinaryOperator, _ left: PlanExpression, _ right: PlanExpression, lhs: Expression, rhs: Expression, opSpan: SourceSpan, span: SourceSpan) throws(QueryError) -> PlanExpression {
        switch op {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            let (l, r) = try unify(left, right, lhs: lhs, rhs: rhs, opText: op.rawValue, opSpan: opSpan)
            if l.type == .bool || r.type == .bool, op != .equal, op != .notEqual {
                throw error(.typeMismatch, "'\(op.rawValue)' cannot order booleans; use == or !=", at: opSpan)
            }
            let compareOp: ComparisonOperator
            switch op {
            case .equal, .notEqual: compareOp = .equal
            case .less: compareOp = .less
            case .lessOrEqual: compareOp = .lessOrEqual
            case .greater: compareOp = .greater
            default: compareOp = .greaterOrEqual
            }
            if op == .notEqual {
                let positive = try make(.compare(.notEqual, l, r), .bool, nullable: l.nullable || r.nullable, [l, r], at: span)
                let nullables = [l, r].filter { $0.nullable && $0.literalValue == nil }
                if nullables.isEmpty { return positive }
                var parts: [PlanExpression] = []
                for operand in nullables { parts.append(try make(.isNull(operand, negated: false), .bool, nullable: false, [operand], at: span)) }
                parts.append(positive)
                return try make(.or(parts), .bool, nullable: false, parts, at: span)
            }
            return try make(.compare(compareOp, l, r), .bool, nullable: l.nullable || r.nullable, [l, r], at: span)
        case .equalIgnoringCase, .notEqualIgnoringCase:
            let l = try textOperand(left, lhs, opText: op.rawValue, opSpan: opSpan)
            let r = try textOperand(right, rhs, opText: op.rawValue, opSpan: opSpan)
            let positive = try make(.equalIgnoringCase(l, r), .bool, nullable: l.nullable || r.nullable, [l, r], at: span)
            return op == .equalIgnoringCase ? positive : try negated(positive, operands: [l, r], at: span)
        default:
            let opText = op.rawValue
            let l = try textOperand(left, lhs, opText: opText, opSpan: opSpan)
            guard case .text(let needle)? = right.literalValue, right.type == .string else {
                if right.literalValue != nil {
                    throw error(.typeMismatch, "'\(opText)' needs a string on the right; \(describe(rhs)) is \(right.type.phrase)", at: rhs.span)
                }
                throw error(.invalidArgument, "the right side of '\(opText)' must be a constant string", at: rhs.span)
            }
            let positive: PlanExpression
            switch op {
            case .matchesRegex:
                do {
                    _ = try Regex(needle)
                } catch {
                    throw self.error(.invalidArgument, "invalid regular expression \(describe(rhs))", at: rhs.span)
                }
                positive = try make(.regex(l, pattern: needle), .bool, nullable: l.nullable, [l], at: span)
            default:
                let match: StringMatch
                switch op {
                case .has, .notHas: match = .has
                case .contains, .notContains: match = .contains
                case .startsWith, .notStartsWith: match = .startsWith
                default: match = .endsWith
                }
                if match == .has, needle.isEmpty {
                    throw error(.invalidArgument, "'\(opText)' needs a non-empty term", at: rhs.span)
                }
                positive = try make(.stringMatch(match, l, needle), .bool, nullable: l.nullable, [l], at: span)
            }
            switch op {
            case .notHas, .notContains, .notStartsWith, .notEndsWith:
                return try negated(positive, operands: [l], at: span)
            default:
                return positive
            }
        }
    }

    /// A value used as text: strings as they are, numbers and dynamic values converted.
    private func textOperand(_ value: PlanExpression, _ expression: Expression, opText: String, opSpan: SourceSpan) throws(QueryError) -> PlanExpression {
        switch value.type {
        case .string: return value
        case .dynamic, .int, .real:
            if case .int(let v)? = value.literalValue { return literal(.text(String(v)), .string) }
            return try make(.asText(value), .string, nullable: value.nullable, [value], at: expression.span)
        default:
            throw error(.typeMismatch, "'\(opText)' needs strings; \(describe(expression)) is \(value.type.phrase)", at: expression.span)
        }
    }

    private mutating func inList(_ lhs: Expression, _ items: [Expression], negated negatedList: Bool, opSpan: SourceSpan, span: SourceSpan, in block: BlockBuilder, mode: CheckMode) throws(QueryError) -> PlanExpression {
        let value = try check(lhs, in: block, mode: mode)
        let opText = negatedList ? "!in" : "in"
        var converted: PlanExpression?
        var values: [PlanExpression] = []
        for item in items {
            let checked = try check(item, in: block, mode: mode)
            guard checked.literalValue != nil else {
                throw error(.invalidArgument, "values in '\(opText) (...)' must be constants", at: item.span)
            }
            let (l, r) = try unify(value, checked, lhs: lhs, rhs: item, opText: opText, opSpan: opSpan)
            if let previous = converted, previous.type != l.type {
                throw error(.typeMismatch, "values in '\(opText) (...)' must all have the same type; \(describe(item)) is \(checked.type.phrase)", at: item.span)
            }
            converted = l
            values.append(r)
        }
        let left = converted!
        let positive = try make(.inList(left, values, negated: false), .bool, nullable: left.nullable, [left] + values, at: span)
        if !negatedList { return positive }
        return try negated(positive, operands: [left], at: span)
    }
}
