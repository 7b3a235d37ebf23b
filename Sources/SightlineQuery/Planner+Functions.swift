/// Functions: scalar (`now`, `ago`, `bin`, `isnull`, `isnotnull`, `not`) and aggregates
/// (`count`, `countif`, `dcount`, `sum`, `avg`, `min`, `max`, `percentile`, `p50`…`p99`).
///
/// Invariants: function names match case-insensitively; aggregates are only accepted in
/// `summarize` and never nested; constant arguments (percent, bin span) are validated here.
extension Planner {
    static let scalarFunctions = ["now", "ago", "bin", "isnull", "isnotnull", "not", "datetime"]
    static let aggregateFunctions = ["count", "countif", "dcount", "sum", "avg", "min", "max", "percentile", "p50", "p90", "p95", "p99"]

    mutating func call(_ name: String, nameSpan: SourceSpan, arguments: [Expression], span: SourceSpan, in block: BlockBuilder, mode: CheckMode) throws(QueryError) -> PlanExpression {
        let function = name.lowercased()
        let expectArguments = Planner.argumentChecker(function: function, given: arguments.count, span: span, source: source)
        if Planner.aggregateFunctions.contains(function) {
            switch mode {
            case .row:
                throw error(.unknownFunction, "aggregate '\(function)' can only be used in 'summarize'", at: nameSpan)
            case .insideAggregate:
                throw error(.unknownFunction, "aggregates cannot be nested ('\(function)' inside another aggregate)", at: nameSpan)
            case .summarize:
                return try aggregate(function, arguments: arguments, span: span, in: block, expectArguments: expectArguments)
            }
        }
        switch function {
        case "now":
            if arguments.count > 1 { try expectArguments(1, "an optional offset such as -1h") }
            var offset: Int64 = 0
            if let argument = arguments.first {
                offset = try constantDuration(argument, in: block, function: "now")
            }
            return try datetimeLiteral(now, plus: offset, span: span)
        case "ago":
            try expectArguments(1, "a duration such as 1h")
            let duration = try constantDuration(arguments[0], in: block, function: "ago")
            guard duration != Int64.min else { throw error(.invalidArgument, "duration out of range", at: span) }
            return try datetimeLiteral(now, plus: -duration, span: span)
        case "bin":
            try expectArguments(2, "a value and a bin size, e.g. bin(timestamp, 5m)")
            return try bin(arguments[0], arguments[1], span: span, in: block, mode: mode)
        case "isnull", "isnotnull":
            try expectArguments(1, "a field")
            let value = try check(arguments[0], in: block, mode: mode)
            return try make(.isNull(value, negated: function == "isnotnull"), .bool, nullable: false, [value], at: span)
        case "not":
            try expectArguments(1, "a condition")
            let value = try checkPredicate(arguments[0], in: block, mode: mode)
            return try make(.not(value, nullAsFalse: value.nullable), .bool, nullable: false, [value], at: span)
        default:
            let all = Planner.scalarFunctions + Planner.aggregateFunctions
            if let hint = Suggestions.best(for: function, among: all) {
                throw error(.unknownFunction, "unknown function '\(name)', did you mean '\(hint)'?", at: nameSpan)
            }
            throw error(.unknownFunction, "unknown function '\(name)'; available: \(all.filter { $0 != "datetime" }.joined(separator: ", "))", at: nameSpan)
        }
    }

    static func argumentChecker(function: String, given: Int, span: SourceSpan, source: SourceText) -> (Int, String) throws(QueryError) -> Void {
        return { (count: Int, what: String) throws(QueryError) in
            guard given == count else {
                let noun = count == 1 ? "argument" : "arguments"
                throw source.error(.invalidArgument, "'\(function)' takes \(count) \(noun) (\(what)), got \(given)", at: span)
            }
        }
    }

    private func datetimeLiteral(_ base: Int64, plus offset: Int64, span: SourceSpan) throws(QueryError) -> PlanExpression {
        let (value, overflow) = base.addingReportingOverflow(offset)
        if overflow { throw error(.invalidArgument, "datetime out of range", at: span) }
        return literal(.int(value), .datetime)
    }

    private mutating func constantDuration(_ argument: Expression, in block: BlockBuilder, function: String) throws(QueryError) -> Int64 {
        let value = try check(argument, in: block, mode: .row)
        guard value.type == .timespan, case .int(let micros)? = value.literalValue else {
            throw error(.typeMismatch, "'\(function)' needs a constant duration such as 1h; \(describe(argument)) is \(value.type.phrase)", at: argument.span)
        }
        return micros
    }

    private mutating func bin(_ valueExpression: Expression, _ sizeExpression: Expression, span: SourceSpan, in block: BlockBuilder, mode: CheckMode) throws(QueryError) -> PlanExpression {
        var value = try check(valueExpression, in: block, mode: mode)
        let size = try check(sizeExpression, in: block, mode: .row)
        guard let constant = size.literalValue else {
            throw error(.invalidArgument, "the bin size must be a constant, e.g. bin(timestamp, 5m)", at: sizeExpression.span)
        }
        func positive(_ ok: Bool) throws(QueryError) {
            if !ok { throw error(.invalidArgument, "the bin size must be greater than zero", at: sizeExpression.span) }
        }
        switch value.type {
        case .datetime:
            guard size.type == .timespan, case .int(let micros) = constant else {
                throw error(.typeMismatch, "binning a datetime needs a duration such as 5m; \(describe(sizeExpression)) is \(size.type.phrase)", at: sizeExpression.span)
            }
            try positive(micros > 0)
            return try make(.bin(value, .int(micros)), .datetime, nullable: value.nullable, [value], at: span)
        case .int, .real, .dynamic:
            if value.type == .dynamic { value = try make(.asNumber(value), .real, nullable: true, [value], at: valueExpression.span) }
            var step: SQLValue
            switch (size.type, constant) {
            case (.timespan, .int(let micros)):
                step = micros % 1000 == 0 ? .int(micros / 1000) : .real(Double(micros) / 1000)
            case (.int, .int), (.real, .real):
                step = constant
            default:
                throw error(.typeMismatch, "binning a number needs a number or duration; \(describe(sizeExpression)) is \(size.type.phrase)", at: sizeExpression.span)
            }
            switch step {
            case .int(let v): try positive(v > 0)
            case .real(let v): try positive(v > 0 && v.isFinite)
            default: break
            }
            if value.type == .real, case .int(let v) = step { step = .real(Double(v)) }
            var stepIsInteger = false
            if case .int = step { stepIsInteger = true }
            let type: ExpressionType = (value.type == .int && stepIsInteger) ? .int : .real
            return try make(.bin(value, step), type, nullable: value.nullable, [value], at: span)
        default:
            throw error(.typeMismatch, "'bin' needs a datetime or a number; \(describe(valueExpression)) is \(value.type.phrase)", at: valueExpression.span)
        }
    }

    private mutating func aggregate(_ function: String, arguments: [Expression], span: SourceSpan, in block: BlockBuilder, expectArguments: (Int, String) throws(QueryError) -> Void) throws(QueryError) -> PlanExpression {
        func numeric(_ expression: Expression, allowDatetime: Bool, allowStrings: Bool) throws(QueryError) -> PlanExpression {
            let value = try check(expression, in: block, mode: .insideAggregate)
            switch value.type {
            case .int, .real: return value
            case .timespan:
                guard case .int(let micros)? = value.literalValue else { return value }
                return literal(.real(Double(micros) / 1000), .real)
            case .datetime where allowDatetime: return value
            case .string where allowStrings: return value
            case .dynamic:
                if allowStrings { return value }
                return try make(.asNumber(value), .real, nullable: true, [value], at: expression.span)
            default:
                let wanted = allowStrings ? "a number, datetime or string" : (allowDatetime ? "a number or datetime" : "a number")
                throw error(.typeMismatch, "'\(function)' needs \(wanted); \(describe(expression)) is \(value.type.phrase)", at: expression.span)
            }
        }
        func result(_ fn: AggregateFunction, _ argument: PlanExpression?, _ type: ExpressionType, nullable: Bool) throws(QueryError) -> PlanExpression {
            var made = try make(.aggregate(fn, argument), type, nullable: nullable, argument.map { [$0] } ?? [], at: span)
            made.containsAggregate = true
            return made
        }
        switch function {
        case "count":
            guard arguments.isEmpty else {
                throw error(.invalidArgument, "'count' takes no arguments; use countif(condition) or dcount(field)", at: span)
            }
            return try result(.count, nil, .int, nullable: false)
        case "countif":
            try expectArguments(1, "a condition")
            let condition = try checkPredicate(arguments[0], in: block, mode: .insideAggregate)
            return try result(.countIf, condition, .int, nullable: false)
        case "dcount":
            try expectArguments(1, "a field")
            let value = try check(arguments[0], in: block, mode: .insideAggregate)
            return try result(.distinctCount, value, .int, nullable: false)
        case "sum", "avg":
            try expectArguments(1, "a numeric field")
            let value = try numeric(arguments[0], allowDatetime: false, allowStrings: false)
            if function == "sum" { return try result(.sum, value, value.type == .int ? .int : .real, nullable: true) }
            return try result(.average, value, .real, nullable: true)
        case "min", "max":
            try expectArguments(1, "a field")
            let value = try numeric(arguments[0], allowDatetime: true, allowStrings: true)
            return try result(function == "min" ? .minimum : .maximum, value, value.type, nullable: true)
        default:  // percentile, p50, p90, p95, p99
            let percent: Double
            let value: PlanExpression
            if function == "percentile" {
                try expectArguments(2, "a field and a percent, e.g. percentile(duration_ms, 95)")
                value = try numeric(arguments[0], allowDatetime: true, allowStrings: false)
                let p = try check(arguments[1], in: block, mode: .row)
                guard p.type.isNumeric, let constant = p.literalValue, let number = Self.number(constant), number >= 0, number <= 100 else {
                    throw error(.invalidArgument, "the percent must be a constant number from 0 to 100", at: arguments[1].span)
                }
                percent = number
            } else {
                try expectArguments(1, "a numeric field")
                value = try numeric(arguments[0], allowDatetime: true, allowStrings: false)
                percent = Double(function.dropFirst())!
            }
            return try result(.percentile(percent), value, value.type, nullable: true)
        }
    }

    static func number(_ value: SQLValue) -> Double? {
        switch value {
        case .int(let v): return Double(v)
        case .real(let v): return v
        default: return nil
        }
    }
}
