/// Resolves names against the `FieldCatalogue`, checks types and turns a parsed pipeline
/// into a `QueryPlan` of nested `SELECT` blocks.
///
/// Invariants: names visible to a stage are exactly those the previous stages produce
/// (after `summarize` only its by-columns and aggregates; after `project` only the projected
/// columns; `extend` adds or replaces columns); every user value becomes a `.literal`;
/// `now()`/`ago()` are folded using the injected `now`, so planning is deterministic.
struct Planner {
    let source: SourceText
    let catalogue: FieldCatalogue
    let limits: QueryLimits
    let now: Int64
    private var hiddenCounter = 0

    init(source: SourceText, catalogue: FieldCatalogue, limits: QueryLimits, now: Int64) {
        self.source = source
        self.catalogue = catalogue
        self.limits = limits
        self.now = now
    }

    /// A visible column: its user-facing name (also its SQL alias) and its expression.
    struct ScopeColumn {
        var name: String
        var expression: PlanExpression
    }

    /// Mutable state of one `SELECT` while stages are applied.
    final class BlockBuilder {
        enum Source {
            case events
            case subquery(BlockBuilder)
        }

        var source: Source
        var filters: [PlanExpression] = []
        var columns: [ScopeColumn] = []
        /// Whether catalogue fields (beyond `columns`) can still be named.
        var catalogueVisible = true
        var aggregation: [SelectItem]?
        var groupCount = 0
        var order: [OrderItem] = []
        var limit: Int64?
        /// Whether rows are events (not aggregates), so the default order applies.
        var isRaw = true
        var rowOrderKeys: [PlanExpression] = []
        var hidden: [SelectItem] = []
        var hiddenKeys: [String: String] = [:]
        /// The stage that last defined the visible columns ("project" or "summarize").
        var shapedBy: String?

        init(source: Source) { self.source = source }

        var isAggregate: Bool { aggregation != nil }
    }

    func error(_ code: QueryError.Code, _ message: String, at span: SourceSpan) -> QueryError {
        source.error(code, message, at: span)
    }

    // MARK: Pipeline

    mutating func plan(_ stages: [QueryStage], options: CompileOptions) throws(QueryError) -> QueryPlan {
        guard options.maxRows > 0 else {
            throw QueryError(code: .invalidArgument, message: "maxRows must be positive (got \(options.maxRows))")
        }
        var block = BlockBuilder(source: .events)
        let time = PlanExpression(kind: .column(catalogue.timeColumn), type: .datetime, nullable: false, size: 1, containsAggregate: false)
        if let from = options.from {
            block.filters.append(comparison(.greaterOrEqual, time, literal(.int(from), .datetime)))
        }
        if let to = options.to {
            block.filters.append(comparison(.less, time, literal(.int(to), .datetime)))
        }
        block.rowOrderKeys = [
            time,
            PlanExpression(kind: .column(catalogue.sequenceColumn), type: .int, nullable: false, size: 1, containsAggregate: false),
        ]
        for name in catalogue.defaultColumns {
            let field = catalogue.field(named: name)!
            block.columns.append(ScopeColumn(name: name, expression: catalogueExpression(field.storage, type: ExpressionType(field.type), nullable: field.isNullable, in: block)))
        }

        for stage in stages {
            switch stage.kind {
            case .filter(let expression):
                if block.limit != nil || block.isAggregate { block = wrap(block) }
                block.filters.append(try checkPredicate(expression, in: block, mode: .row))
            case .search(let terms):
                if block.limit != nil || block.isAggregate { block = wrap(block) }
                for term in terms {
                    block.filters.append(try freeText(term.text, span: term.span, in: block))
                }
            case .summarize(let aggregates, let by):
                if block.limit != nil || block.isAggregate { block = wrap(block) }
                try summarize(aggregates: aggregates, by: by, in: block)
            case .sort(let items):
                if block.limit != nil { block = wrap(block) }
                if block.isAggregate, items.contains(where: { !Planner.isPlainName($0.expression) }) { block = wrap(block) }
                block.order = try items.map { (item) throws(QueryError) in
                    OrderItem(expression: try check(item.expression, in: block, mode: .row), descending: item.descending)
                }
            case .take(let count, let span):
                try applyLimit(count, span: span, to: block)
            case .top(let count, let span, let item):
                if block.limit != nil { block = wrap(block) }
                if block.isAggregate, !Planner.isPlainName(item.expression) { block = wrap(block) }
                block.order = [OrderItem(expression: try check(item.expression, in: block, mode: .row), descending: item.descending)]
                try applyLimit(count, span: span, to: block)
            case .project(let items):
                if block.isAggregate { block = wrap(block) }
                block.columns = try namedColumns(items, in: block, mode: .row, stage: "project")
                block.catalogueVisible = false
                block.shapedBy = "project"
            case .extend(let items):
                if block.isAggregate { block = wrap(block) }
                try extend(items, in: block)
            }
        }

        let rowLimit = Int64(options.maxRows) == Int64.max ? Int64.max : Int64(options.maxRows) + 1
        block.limit = min(block.limit ?? Int64.max, rowLimit)
        let root = finalize(block, outermost: true)
        let columns = block.columns.map { ResultColumn(name: $0.name, sqlAlias: $0.name, type: $0.expression.type.columnType) }
        return QueryPlan(root: root, columns: columns, rowLimit: options.maxRows, allowsRollups: options.useRollups)
    }

    static func isPlainName(_ expression: Expression) -> Bool {
        if case .name(_, let keys) = expression.kind { return keys.isEmpty }
        return false
    }

    private func applyLimit(_ count: Int64, span: SourceSpan, to block: BlockBuilder) throws(QueryError) {
        block.limit = min(block.limit ?? Int64.max, count)
    }

    /// Puts the block into a subquery so later stages see its output as a table.
    private mutating func wrap(_ inner: BlockBuilder) -> BlockBuilder {
        let outer = BlockBuilder(source: .subquery(inner))
        outer.columns = inner.columns.map { column in
            ScopeColumn(name: column.name, expression: reference(column.name, like: column.expression))
        }
        outer.catalogueVisible = inner.catalogueVisible
        outer.isRaw = inner.isRaw
        outer.shapedBy = inner.shapedBy
        if inner.isRaw {
            outer.rowOrderKeys = inner.rowOrderKeys.map { key in
                reference(hide(key, key: nil, in: inner), like: key)
            }
        }
        return outer
    }

    private func reference(_ alias: String, like expression: PlanExpression) -> PlanExpression {
        PlanExpression(kind: .outputRef(alias), type: expression.type, nullable: expression.nullable, size: 1, containsAggregate: false)
    }

    /// Adds a helper column to `block`'s select list and returns its alias.
    private mutating func hide(_ expression: PlanExpression, key: String?, in block: BlockBuilder) -> String {
        if let key, let alias = block.hiddenKeys[key] { return alias }
        hiddenCounter += 1
        let alias = "__sl_\(hiddenCounter)"
        block.hidden.append(SelectItem(alias: alias, expression: expression))
        if let key { block.hiddenKeys[key] = alias }
        return alias
    }

    /// The expression for a catalogue storage location as seen from `block`.
    mutating func catalogueExpression(_ storage: FieldDefinition.Storage, type: ExpressionType, nullable: Bool, in block: BlockBuilder) -> PlanExpression {
        switch block.source {
        case .events:
            switch storage {
            case .column(let name):
                return PlanExpression(kind: .column(name), type: type, nullable: nullable, size: 1, containsAggregate: false)
            case .json(let keys):
                return PlanExpression(kind: .json(keys), type: type, nullable: true, size: 1, containsAggregate: false)
            }
        case .subquery(let inner):
            let innerExpression = catalogueExpression(storage, type: type, nullable: nullable, in: inner)
            let key: String
            switch storage {
            case .column(let name): key = "column:" + name
            case .json(let keys): key = "json:" + keys.joined(separator: "\u{0}")
            }
            return reference(hide(innerExpression, key: key, in: inner), like: innerExpression)
        }
    }

    private func finalize(_ block: BlockBuilder, outermost: Bool) -> SelectBlock {
        let source: SelectBlock.Source
        switch block.source {
        case .events: source = .events
        case .subquery(let inner): source = .subquery(finalize(inner, outermost: false))
        }
        var selections = block.aggregation ?? block.columns.map { SelectItem(alias: $0.name, expression: $0.expression) }
        if !outermost { selections += block.hidden }
        var order = block.order
        if block.isRaw, order.isEmpty, outermost || block.limit != nil {
            order = block.rowOrderKeys.map { OrderItem(expression: $0, descending: true) }
        }
        return SelectBlock(
            source: source, selections: selections, filters: block.filters, groupCount: block.groupCount,
            isAggregate: block.isAggregate, order: order, limit: block.limit
        )
    }

    // MARK: Stages

    private mutating func summarize(aggregates: [NamedExpression], by: [NamedExpression], in block: BlockBuilder) throws(QueryError) {
        var names = NameAllocator()
        var items: [SelectItem] = []
        var columns: [ScopeColumn] = []
        for item in by {
            let expression = milliseconds(try check(item.expression, in: block, mode: .row))
            let name = try names.allocate(explicit: item.name, span: item.nameSpan, fallback: defaultName(for: item.expression), planner: self)
            items.append(SelectItem(alias: name, expression: expression))
        }
        for item in aggregates {
            let expression = try check(item.expression, in: block, mode: .summarize)
            guard expression.containsAggregate else {
                throw error(.invalidArgument, "'\(source.snippet(item.expression.span))' is not an aggregate; use count(), sum(x), avg(x), ... or move it after 'by'", at: item.expression.span)
            }
            let name = try names.allocate(explicit: item.name, span: item.nameSpan, fallback: defaultName(for: item.expression), planner: self)
            items.append(SelectItem(alias: name, expression: expression))
        }
        for item in items {
            columns.append(ScopeColumn(name: item.alias, expression: reference(item.alias, like: item.expression)))
        }
        block.aggregation = items
        block.groupCount = by.count
        block.columns = columns
        block.order = []
        block.catalogueVisible = false
        block.isRaw = false
        block.shapedBy = "summarize"
    }

    private mutating func extend(_ items: [NamedExpression], in block: BlockBuilder) throws(QueryError) {
        var names = NameAllocator(taken: block.columns.map(\.name), allowsReplacing: true)
        for item in items {
            let expression = milliseconds(try check(item.expression, in: block, mode: .row))
            let name = try names.allocate(explicit: item.name, span: item.nameSpan, fallback: defaultName(for: item.expression), planner: self)
            if let index = block.columns.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
                block.columns[index] = ScopeColumn(name: name, expression: expression)
            } else {
                block.columns.append(ScopeColumn(name: name, expression: expression))
            }
        }
    }

    private mutating func namedColumns(_ items: [NamedExpression], in block: BlockBuilder, mode: CheckMode, stage: String) throws(QueryError) -> [ScopeColumn] {
        var names = NameAllocator()
        var columns: [ScopeColumn] = []
        for item in items {
            let expression = milliseconds(try check(item.expression, in: block, mode: mode))
            let name = try names.allocate(explicit: item.name, span: item.nameSpan, fallback: defaultName(for: item.expression), planner: self)
            columns.append(ScopeColumn(name: name, expression: expression))
        }
        return columns
    }

    // MARK: Column names

    /// The KQL-style name of an unnamed column, or `nil` when it gets `columnN`.
    func defaultName(for expression: Expression) -> String? {
        switch expression.kind {
        case .name(let name, let keys):
            return Planner.sanitize(([name] + keys).joined(separator: "_"))
        case .call(let name, _, let arguments):
            let function = name.lowercased()
            let argumentName = arguments.first.flatMap { defaultName(for: $0) }
            switch function {
            case "bin": return argumentName
            case "count": return "count_"
            case "countif": return "countif_"
            case "dcount", "sum", "avg", "min", "max", "p50", "p90", "p95", "p99":
                return function + "_" + (argumentName ?? "")
            case "percentile":
                guard arguments.count == 2 else { return "percentile_" }
                let percent = source.slice(arguments[1].span).trimmingSpaces.map { $0.isNumber ? String($0) : "_" }.joined()
                return Planner.sanitize("percentile_" + (argumentName.map { $0 + "_" } ?? "") + percent)
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Replaces characters outside `[A-Za-z0-9_]` with `_` and avoids a leading digit.
    static func sanitize(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            let ok = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
            out.unicodeScalars.append(ok ? scalar : "_")
        }
        if out.isEmpty || ("0"..."9").contains(out.unicodeScalars.first!) { out = "_" + out }
        while out.hasPrefix("__") { out.removeFirst() }
        return out
    }

    static func isValidAlias(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 128 else { return false }
        guard first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// Hands out unique (case-insensitively) column names for one stage.
    struct NameAllocator {
        var taken: Set<String> = []
        var explicit: Set<String> = []
        var allowsReplacing = false
        var counter = 0

        init(taken: [String] = [], allowsReplacing: Bool = false) {
            self.taken = Set(taken.map { $0.lowercased() })
            self.allowsReplacing = allowsReplacing
        }

        mutating func allocate(explicit name: String?, span: SourceSpan?, fallback: String?, planner: Planner) throws(QueryError) -> String {
            if let name, let span {
                guard Planner.isValidAlias(name) else {
                    throw planner.error(.invalidArgument, "column name '\(name)' must be a simple name: letters, digits and '_', not starting with a digit", at: span)
                }
                guard !name.hasPrefix("__") else {
                    throw planner.error(.invalidArgument, "column names starting with '__' are reserved", at: span)
                }
                let key = name.lowercased()
                if explicit.contains(key) || (!allowsReplacing && taken.contains(key)) {
                    throw planner.error(.invalidArgument, "duplicate column name '\(name)' (names are case-insensitive)", at: span)
                }
                explicit.insert(key)
                taken.insert(key)
                return name
            }
            var base = fallback ?? ""
            if base.isEmpty {
                repeat {
                    counter += 1
                    base = "column\(counter)"
                } while taken.contains(base.lowercased())
                taken.insert(base.lowercased())
                return base
            }
            if !taken.contains(base.lowercased()) || (allowsReplacing && !explicit.contains(base.lowercased())) {
                taken.insert(base.lowercased())
                explicit.insert(base.lowercased())
                return base
            }
            var suffix = 1
            while true {
                let candidate = base.hasSuffix("_") ? base + "\(suffix)" : base + "_\(suffix)"
                if !taken.contains(candidate.lowercased()) {
                    taken.insert(candidate.lowercased())
                    return candidate
                }
                suffix += 1
            }
        }
    }
}
