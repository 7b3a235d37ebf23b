/// Answers a summary from the rollup tables instead of raw events when that gives the same
/// answer: the planner's "routing to rollups".
///
/// Invariants:
/// - A block is rewritten only when every part of it has an exact rollup counterpart: its
///   filters are a time window on whole minutes (whole hours for the hour table) and equality
///   on `service`, `route`, `method`, or `status >=`/`<` a multiple of 100 (a status class);
///   it groups only by `service`, `route`, `method` and `bin(timestamp, span)` with a span of
///   whole minutes (hours); it aggregates only `count()`, `sum(request_size)`,
///   `sum(response_size)` and percentiles of `duration_ms`.
/// - Counts and sums are then exact; percentiles come from merged latency sketches, within
///   their relative accuracy (1 %) of the exact value. Everything else runs on raw events.
/// - Rollups count every stored event once under its route (inferred when the event had
///   none), so a rewritten count equals the raw count over the same whole-minute window.
enum RollupRouting {
    static let microsPerMinute: Int64 = 60_000_000
    static let microsPerHour: Int64 = 3_600_000_000

    /// The rewritten block, or `nil` when the block is not answerable from rollups.
    static func rewrite(_ block: SelectBlock) -> SelectBlock? {
        guard case .events = block.source, block.isAggregate else { return nil }
        // The time window and the granularity it allows.
        var hourAligned = true
        var filters: [PlanExpression] = []
        for filter in block.filters {
            if let (operation, micros) = timeBound(filter) {
                guard micros % microsPerMinute == 0 else { return nil }
                if micros % microsPerHour != 0 { hourAligned = false }
                // Whole minutes: `bucket` (epoch minutes) compares exactly, on the primary key.
                filters.append(compare(operation, column("bucket"), literalInt(micros / microsPerMinute)))
            } else if let rewritten = dimensionFilter(filter) {
                filters.append(rewritten)
            } else {
                return nil
            }
        }
        var selections: [SelectItem] = []
        for (index, item) in block.selections.enumerated() {
            if index < block.groupCount {
                guard let (expression, step) = groupKey(item.expression) else { return nil }
                if let step {
                    guard step % microsPerMinute == 0 else { return nil }
                    if step % microsPerHour != 0 { hourAligned = false }
                }
                selections.append(SelectItem(alias: item.alias, expression: expression))
            } else {
                guard let expression = aggregate(item.expression) else { return nil }
                selections.append(SelectItem(alias: item.alias, expression: expression))
            }
        }
        var rewritten = block
        rewritten.source = .rollups(hourAligned ? "rollup_hour" : "rollup_minute")
        rewritten.filters = filters
        rewritten.selections = selections
        guard rewritten.order.allSatisfy({ isOutputReference($0.expression) }) else { return nil }
        return rewritten
    }

    /// Applies ``rewrite(_:)`` to the innermost block of a plan (the one reading events).
    static func rewriteInnermost(_ block: SelectBlock) -> SelectBlock? {
        switch block.source {
        case .events, .rollups:
            return rewrite(block)
        case .subquery(let inner):
            guard let rewritten = rewriteInnermost(inner) else { return nil }
            var outer = block
            outer.source = .subquery(rewritten)
            return outer
        }
    }

    // MARK: Parts

    private static func timeBound(_ expression: PlanExpression) -> (ComparisonOperator, Int64)? {
        guard case .compare(let operation, let lhs, let rhs) = expression.kind,
              operation == .greaterOrEqual || operation == .less,
              case .column("ts") = lhs.kind, case .literal(.int(let micros)) = rhs.kind
        else { return nil }
        return (operation, micros)
    }

    private static let dimensions: Set<String> = ["service", "route", "method"]

    private static func dimensionFilter(_ expression: PlanExpression) -> PlanExpression? {
        switch expression.kind {
        case .compare(.equal, let lhs, let rhs):
            guard case .column(let name) = lhs.kind, dimensions.contains(name), case .literal(.text) = rhs.kind else { return nil }
            return expression
        case .inList(let value, let items, negated: false):
            guard case .column(let name) = value.kind, dimensions.contains(name),
                  items.allSatisfy({ if case .literal(.text) = $0.kind { return true } else { return false } })
            else { return nil }
            return expression
        case .compare(let operation, let lhs, let rhs):
            // status >= 500, status < 400: whole status classes.
            guard operation == .greaterOrEqual || operation == .less,
                  case .column("status") = lhs.kind, case .literal(.int(let value)) = rhs.kind, value % 100 == 0
            else { return nil }
            let statusClass = PlanExpression(kind: .column("status_class"), type: .int, nullable: false, size: 1, containsAggregate: false)
            return compare(operation, statusClass, literalInt(value / 100))
        case .and(let parts):
            let rewritten = parts.compactMap(dimensionFilter)
            guard rewritten.count == parts.count else { return nil }
            var result = expression
            result.kind = .and(rewritten)
            return result
        default:
            return nil
        }
    }

    /// A group key: a dimension column, or `bin(timestamp, step)` (returned with its step).
    private static func groupKey(_ expression: PlanExpression) -> (PlanExpression, Int64?)? {
        switch expression.kind {
        case .column(let name) where dimensions.contains(name):
            return (expression, nil)
        case .bin(let value, .int(let step)):
            guard case .column("ts") = value.kind else { return nil }
            var binned = expression
            binned.kind = .bin(bucketMicros(), .int(step))
            return (binned, step)
        default:
            return nil
        }
    }

    private static func aggregate(_ expression: PlanExpression) -> PlanExpression? {
        guard case .aggregate(let function, let argument) = expression.kind else { return nil }
        var result = expression
        switch (function, argument?.kind) {
        case (.count, nil):
            result.kind = .aggregate(.rollupCount, column("count"))
        case (.sum, .column("response_size")?):
            result.kind = .aggregate(.sum, column("response_bytes"))
        case (.sum, .column("request_size")?):
            result.kind = .aggregate(.sum, column("request_bytes"))
        case (.percentile(let percent), .column("duration_ms")?):
            result.kind = .aggregate(.sketchQuantile(percent), column("sketch"))
        default:
            return nil
        }
        return result
    }

    private static func isOutputReference(_ expression: PlanExpression) -> Bool {
        if case .outputRef = expression.kind { return true }
        return false
    }

    /// `bucket * 60000000`: the rollup row's start in µs (buckets are epoch minutes).
    private static func bucketMicros() -> PlanExpression {
        PlanExpression(kind: .arithmetic(.multiply, column("bucket"), literalInt(microsPerMinute)), type: .datetime, nullable: false, size: 3, containsAggregate: false)
    }

    private static func column(_ name: String) -> PlanExpression {
        PlanExpression(kind: .column(name), type: .int, nullable: false, size: 1, containsAggregate: false)
    }

    private static func literalInt(_ value: Int64) -> PlanExpression {
        PlanExpression(kind: .literal(.int(value)), type: .int, nullable: false, size: 1, containsAggregate: false)
    }

    private static func compare(_ operation: ComparisonOperator, _ lhs: PlanExpression, _ rhs: PlanExpression) -> PlanExpression {
        PlanExpression(kind: .compare(operation, lhs, rhs), type: .bool, nullable: false, size: lhs.size + rhs.size + 1, containsAggregate: false)
    }
}
