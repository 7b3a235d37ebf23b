/// Compiles Sightline query text to SQL.
///
/// Invariants: values from the query are always bound parameters; SQL identifiers come only
/// from the `FieldCatalogue` or from validated/generated aliases; compilation is a pure
/// function of (text, `now`, options, limits): `now()` and `ago()` use the injected `now`.
/// Every failure is a `QueryError`; no input crashes the compiler.
///
/// ```swift
/// let compiler = QueryCompiler()
/// let query = try compiler.compile("where status >= 500 | take 20", now: clock.nowMicros)
/// // query.sql, query.parameters, query.columns
/// ```
public struct QueryCompiler: Sendable {
    public let catalogue: FieldCatalogue
    public let limits: QueryLimits

    /// - Parameters:
    ///   - catalogue: the fields queries may name; `.events` for the Sightline table.
    ///   - limits: size and depth limits.
    public init(catalogue: FieldCatalogue = .events, limits: QueryLimits = QueryLimits()) {
        self.catalogue = catalogue
        self.limits = limits
    }

    /// Parses and type-checks a query into a dialect-neutral plan.
    ///
    /// - Parameters:
    ///   - text: the query.
    ///   - now: the current time in microseconds since the epoch (UTC), used by `now()` and `ago()`.
    ///   - options: time window and row limit.
    /// - Throws: `QueryError` describing the first problem found.
    public func plan(_ text: String, now: Int64, options: CompileOptions = CompileOptions()) throws(QueryError) -> QueryPlan {
        guard text.utf8.count <= limits.maxQueryBytes else {
            throw QueryError(code: .tooComplex, message: "query is longer than \(limits.maxQueryBytes) bytes", line: 1, column: 1, length: 1, sourceLine: "")
        }
        let source = SourceText(text)
        var lexer = Lexer(source: source)
        let tokens = try lexer.tokenize(maxTokens: limits.maxTokens)
        var parser = Parser(tokens: tokens, source: source, limits: limits)
        let stages = try parser.parseQuery()
        var planner = Planner(source: source, catalogue: catalogue, limits: limits, now: now)
        return try planner.plan(stages, options: options)
    }

    /// Compiles a query for SQLite.
    ///
    /// - Parameters:
    ///   - text: the query, e.g. `where status >= 500 | summarize n=count() by route`.
    ///   - now: the current time in microseconds since the epoch (UTC).
    ///   - options: time window (`from`/`to`) and `maxRows`.
    /// - Returns: SQL with `?` placeholders, parameters and result columns.
    /// - Throws: `QueryError`.
    public func compile(_ text: String, now: Int64, options: CompileOptions = CompileOptions()) throws(QueryError) -> CompiledQuery {
        try compile(text, now: now, options: options, dialect: SQLiteDialect())
    }

    /// Compiles a query for the given dialect.
    public func compile(_ text: String, now: Int64, options: CompileOptions = CompileOptions(), dialect: some SQLDialect) throws(QueryError) -> CompiledQuery {
        dialect.generate(try plan(text, now: now, options: options))
    }
}
