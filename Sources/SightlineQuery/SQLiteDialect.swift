/// SQL generator for the embedded SQLite backend (`events` table, `doc` JSON column).
///
/// Invariants: output is one `SELECT` statement (no `;`), with `?` placeholders only.
/// It relies on three functions the executor registers:
/// - `sl_percentile(value, p)`: aggregate, exact nearest-rank percentile. Ignores NULL
///   values; with n remaining values sorted ascending returns the value at 1-based rank
///   `max(1, ceil(p / 100 * n))` (so p = 0 gives the minimum, p = 100 the maximum);
///   NULL when n = 0. `p` is a REAL in 0...100, constant per call.
/// - `sl_regexp(pattern, text)`: 1 if the regular expression matches anywhere in `text`
///   (search, not whole-string; case-sensitive), else 0; NULL if `text` is NULL.
/// - `sl_has(text, term)`: 1 if the lower-cased `term` occurs in the lower-cased `text`
///   with no letter or digit immediately before or after it, else 0; NULL if `text` is NULL.
///
/// Choices: `contains` is `instr(lower(x), lower(?)) > 0`; `startswith`/`endswith` use
/// `lower(x) LIKE lower(?) ESCAPE '\'` with `%`, `_` and `\` escaped in the bound pattern;
/// JSON values use `json_extract(doc, ?)` with a bound path; `GROUP BY` uses ordinals.
///
/// With `countsScannedRows`, the innermost `WHERE` starts with `sl_scanned()`, a function the
/// executor registers that returns 1 and counts its calls: SQLite evaluates it once for every
/// row it reads from `events` after any index narrowed the range, which is the "rows scanned"
/// statistic of a query.
public struct SQLiteDialect: SQLDialect {
    /// Whether the innermost `WHERE` calls `sl_scanned()` (see above).
    public var countsScannedRows: Bool
    /// Whether summaries that rollups answer exactly read the rollup tables (``RollupRouting``;
    /// percentiles then come from merged sketches, `sl_sketch_quantile(sketch, p)`, within 1 %).
    public var routesToRollups: Bool

    public init(countsScannedRows: Bool = false, routesToRollups: Bool = false) {
        self.countsScannedRows = countsScannedRows
        self.routesToRollups = routesToRollups
    }

    public func generate(_ plan: QueryPlan) -> CompiledQuery {
        var builder = SQLBuilder()
        let rollups = routesToRollups && plan.allowsRollups ? RollupRouting.rewriteInnermost(plan.root) : nil
        render(rollups ?? plan.root, into: &builder)
        return CompiledQuery(sql: builder.sql, parameters: builder.parameters, columns: plan.columns, rowLimit: plan.rowLimit, readsRollups: rollups != nil)
    }

    /// The JSON path for object keys, e.g. `["request", "headers", "content-type"]` →
    /// `$.request.headers."content-type"`. Keys never contain `"` or `\` (checked by the planner).
    static func jsonPath(_ keys: [String]) -> String {
        var path = "$"
        for key in keys {
            let simple = !key.isEmpty && key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
                && !("0"..."9").contains(key.unicodeScalars.first!)
            path += simple ? "." + key : ".\"" + key + "\""
        }
        return path
    }

    /// Escapes `\`, `%` and `_` for a LIKE pattern with `ESCAPE '\'`.
    static func likeEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { out.append("\\") }
            out.append(character)
        }
        return out
    }

    private func render(_ block: SelectBlock, into b: inout SQLBuilder) {
        b.append("SELECT ")
        for (index, item) in block.selections.enumerated() {
            if index > 0 { b.append(", ") }
            switch item.expression.kind {
            case .column(let name) where name == item.alias:
                b.append(name)
            case .outputRef(let name) where name == item.alias:
                b.append(SQLBuilder.quoted(name))
            default:
                render(item.expression, into: &b)
                b.append(" AS " + SQLBuilder.quoted(item.alias))
            }
        }
        b.append(" FROM ")
        switch block.source {
        case .events:
            b.append("events")
        case .rollups(let table):
            precondition(table == "rollup_minute" || table == "rollup_hour")  // a closed set, never user text
            b.append(table)
        case .subquery(let inner):
            b.append("(")
            render(inner, into: &b)
            b.append(")")
        }
        let countsHere: Bool
        switch block.source {
        case .events, .rollups: countsHere = countsScannedRows
        case .subquery: countsHere = false
        }
        if countsHere {
            b.append(block.filters.isEmpty ? " WHERE sl_scanned()" : " WHERE sl_scanned() AND ")
        } else if !block.filters.isEmpty {
            b.append(" WHERE ")
        }
        if !block.filters.isEmpty {
            renderJoined(block.filters, separator: " AND ", into: &b)
        }
        if block.isAggregate, block.groupCount > 0 {
            b.append(" GROUP BY " + (1...block.groupCount).map(String.init).joined(separator: ", "))
        }
        if !block.order.isEmpty {
            b.append(" ORDER BY ")
            for (index, item) in block.order.enumerated() {
                if index > 0 { b.append(", ") }
                render(item.expression, into: &b)
                b.append(item.descending ? " DESC" : " ASC")
            }
        }
        if let limit = block.limit {
            b.append(" LIMIT ")
            b.bind(.int(limit))
        }
    }

    /// Joins conditions; long chains are grouped into a balanced tree so SQLite's
    /// expression depth stays logarithmic.
    private func renderJoined(_ parts: [PlanExpression], separator: String, into b: inout SQLBuilder) {
        if parts.count > 16 {
            let middle = parts.count / 2
            b.append("(")
            renderJoined(Array(parts[..<middle]), separator: separator, into: &b)
            b.append(")" + separator + "(")
            renderJoined(Array(parts[middle...]), separator: separator, into: &b)
            b.append(")")
            return
        }
        for (index, part) in parts.enumerated() {
            if index > 0 { b.append(separator) }
            switch part.kind {
            case .or where separator == " AND ", .and where separator == " OR ":
                renderOperand(part, into: &b)
            default:
                render(part, into: &b)
            }
        }
    }

    private func isAtom(_ expression: PlanExpression) -> Bool {
        switch expression.kind {
        case .column, .json, .outputRef, .literal, .regex, .aggregate, .asText, .asNumber, .millisecondsBetween:
            return true
        case .stringMatch(let match, _, _):
            return match == .has
        default:
            return false
        }
    }

    private func renderOperand(_ expression: PlanExpression, into b: inout SQLBuilder) {
        if isAtom(expression) {
            render(expression, into: &b)
        } else {
            b.append("(")
            render(expression, into: &b)
            b.append(")")
        }
    }

    private func render(_ expression: PlanExpression, into b: inout SQLBuilder) {
        switch expression.kind {
        case .column(let name):
            b.append(name)
        case .json(let keys):
            b.append("json_extract(doc, ")
            b.bind(.text(SQLiteDialect.jsonPath(keys)))
            b.append(")")
        case .outputRef(let alias):
            b.append(SQLBuilder.quoted(alias))
        case .literal(let value):
            b.bind(value)
        case .arithmetic(let op, let lhs, let rhs):
            renderOperand(lhs, into: &b)
            b.append(" \(op.rawValue) ")
            renderOperand(rhs, into: &b)
        case .negate(let operand):
            b.append("-")
            renderOperand(operand, into: &b)
        case .millisecondsBetween(let lhs, let rhs):
            b.append("((")
            renderOperand(lhs, into: &b)
            b.append(" - ")
            renderOperand(rhs, into: &b)
            b.append(") / 1000.0)")
        case .compare(let op, let lhs, let rhs):
            renderOperand(lhs, into: &b)
            let symbol: String
            switch op {
            case .equal: symbol = "="
            case .notEqual: symbol = "<>"
            case .less: symbol = "<"
            case .lessOrEqual: symbol = "<="
            case .greater: symbol = ">"
            case .greaterOrEqual: symbol = ">="
            }
            b.append(" \(symbol) ")
            renderOperand(rhs, into: &b)
        case .equalIgnoringCase(let lhs, let rhs):
            b.append("lower(")
            render(lhs, into: &b)
            b.append(") = lower(")
            render(rhs, into: &b)
            b.append(")")
        case .inList(let value, let items, let negated):
            renderOperand(value, into: &b)
            b.append(negated ? " NOT IN (" : " IN (")
            for (index, item) in items.enumerated() {
                if index > 0 { b.append(", ") }
                render(item, into: &b)
            }
            b.append(")")
        case .between(let value, let low, let high, let negated):
            renderOperand(value, into: &b)
            b.append(negated ? " NOT BETWEEN " : " BETWEEN ")
            renderOperand(low, into: &b)
            b.append(" AND ")
            renderOperand(high, into: &b)
        case .stringMatch(let match, let value, let needle):
            switch match {
            case .contains:
                b.append("instr(lower(")
                render(value, into: &b)
                b.append("), lower(")
                b.bind(.text(needle))
                b.append(")) > 0")
            case .startsWith, .endsWith:
                b.append("lower(")
                render(value, into: &b)
                b.append(") LIKE lower(")
                let escaped = SQLiteDialect.likeEscaped(needle)
                b.bind(.text(match == .startsWith ? escaped + "%" : "%" + escaped))
                b.append(") ESCAPE '\\'")
            case .has:
                b.append("sl_has(")
                render(value, into: &b)
                b.append(", ")
                b.bind(.text(needle))
                b.append(")")
            }
        case .regex(let value, let pattern):
            b.append("sl_regexp(")
            b.bind(.text(pattern))
            b.append(", ")
            render(value, into: &b)
            b.append(")")
        case .isNull(let value, let negated):
            renderOperand(value, into: &b)
            b.append(negated ? " IS NOT NULL" : " IS NULL")
        case .and(let parts):
            renderJoined(parts, separator: " AND ", into: &b)
        case .or(let parts):
            renderJoined(parts, separator: " OR ", into: &b)
        case .not(let inner, let nullAsFalse):
            if nullAsFalse {
                b.append("NOT coalesce(")
                render(inner, into: &b)
                b.append(", 0)")
            } else {
                b.append("NOT ")
                if isAtom(inner) {
                    render(inner, into: &b)
                } else {
                    b.append("(")
                    render(inner, into: &b)
                    b.append(")")
                }
            }
        case .bin(let value, let step):
            if value.type != .real, case .int = step {
                b.append("(")
                renderOperand(value, into: &b)
                b.append(" / ")
                b.bind(step)
                b.append(") * ")
                b.bind(step)
            } else {
                b.append("CAST(")
                renderOperand(value, into: &b)
                b.append(" / ")
                b.bind(step)
                b.append(" AS INTEGER) * ")
                b.bind(step)
            }
        case .aggregate(let function, let argument):
            switch function {
            case .count:
                b.append("COUNT(*)")
            case .rollupCount:
                b.append("COALESCE(SUM(")
                if let argument { render(argument, into: &b) }
                b.append("), 0)")
            case .countIf:
                b.append("COUNT(CASE WHEN ")
                if let argument { render(argument, into: &b) }
                b.append(" THEN 1 END)")
            case .distinctCount:
                b.append("COUNT(DISTINCT ")
                if let argument { render(argument, into: &b) }
                b.append(")")
            case .sum, .average, .minimum, .maximum:
                let name = function == .sum ? "SUM" : function == .average ? "AVG" : function == .minimum ? "MIN" : "MAX"
                b.append(name + "(")
                if let argument { render(argument, into: &b) }
                b.append(")")
            case .percentile(let percent):
                b.append("sl_percentile(")
                if let argument { render(argument, into: &b) }
                b.append(", ")
                b.bind(.real(percent))
                b.append(")")
            case .sketchQuantile(let percent):
                b.append("sl_sketch_quantile(")
                if let argument { render(argument, into: &b) }
                b.append(", ")
                b.bind(.real(percent / 100))
                b.append(")")
            }
        case .asText(let value):
            b.append("CAST(")
            render(value, into: &b)
            b.append(" AS TEXT)")
        case .asNumber(let value):
            b.append("(CASE WHEN typeof(")
            render(value, into: &b)
            b.append(") IN ('integer', 'real') THEN ")
            render(value, into: &b)
            b.append(" END)")
        }
    }
}
