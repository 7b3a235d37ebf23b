/// Every rule the detectors can fire. A rule has a stable id (used in reasons, weights and
/// tests), the attack type it is evidence for, a hand-set prior weight and a short summary.
///
/// The weight actually used is the rule's precision learned from labelled data (see
/// ``LearnedRuleWeights``) when the rule fired often enough there, else the prior.
public enum PayloadRule: String, Sendable, CaseIterable, Hashable {
    // SQL injection
    case sqlBreakoutBoolean = "sql.breakout-boolean"
    case sqlBreakoutUnion = "sql.breakout-union"
    case sqlBreakoutStacked = "sql.breakout-stacked"
    case sqlBreakoutComment = "sql.breakout-comment"
    case sqlBreakoutComparison = "sql.breakout-comparison"
    case sqlBreakoutClause = "sql.breakout-clause"
    case sqlBreakoutFunction = "sql.breakout-function"
    case sqlNumericBoolean = "sql.numeric-boolean"
    case sqlNumericClause = "sql.numeric-clause"
    case sqlUnionSelect = "sql.union-select"
    case sqlStackedQuery = "sql.stacked-query"
    case sqlTimeDelay = "sql.time-delay"
    case sqlErrorFunction = "sql.error-function"
    case sqlTautologyFunction = "sql.tautology-in-call"
    case sqlSubselect = "sql.subselect"
    case sqlSystemObject = "sql.system-object"
    case sqlVersionComment = "sql.version-comment"
    case sqlQuoteProbe = "sql.quote-probe"
    // XSS
    case xssScriptTag = "xss.script-tag"
    case xssEventHandler = "xss.event-handler"
    case xssScriptURL = "xss.script-url"
    case xssStyleExpression = "xss.style-expression"
    case xssDangerousTag = "xss.dangerous-tag"
    case xssUnknownTagAttributes = "xss.unknown-tag-attributes"
    case xssSuspiciousLink = "xss.suspicious-link"
    case xssJSEntity = "xss.js-entity"
    case xssJSBreakout = "xss.js-breakout"
    case xssScriptScheme = "xss.script-scheme"
    case xssDataHTML = "xss.data-html"
    case xssServerTag = "xss.server-tag"
    // Command injection
    case cmdSeparatorCommand = "cmdi.separator-command"
    case cmdSubstitution = "cmdi.substitution"
    case cmdLeadingCommand = "cmdi.leading-command"
    case cmdBinaryPath = "cmdi.binary-path"
    case cmdIFS = "cmdi.ifs"
    case cmdCodeExec = "cmdi.code-exec"
    case cmdSSI = "cmdi.ssi"
    case cmdShellshock = "cmdi.shellshock"
    // Path traversal
    case pathDotDotRepeated = "path.dotdot-repeated"
    case pathDotDotSensitive = "path.dotdot-sensitive"
    case pathDotDotSingle = "path.dotdot-single"
    case pathDotRun = "path.dot-run"
    case pathRedundantDots = "path.redundant-dot-segments"
    case pathSensitiveFile = "path.sensitive-file"
    case pathLongRepeat = "path.long-repeat-segment"
    case pathSlashRun = "path.slash-run"
    // SSRF
    case ssrfScheme = "ssrf.scheme"
    case ssrfInternalHost = "ssrf.internal-host"
    case ssrfObfuscatedIP = "ssrf.obfuscated-ip"
    case ssrfMetadataHost = "ssrf.metadata-host"
    // Template injection
    case templateExpression = "template.expression"
    case templateStatement = "template.statement"
    // Log4Shell
    case log4shellJNDI = "log4shell.jndi"
    case log4shellObfuscatedLookup = "log4shell.obfuscated-lookup"
    // NoSQL
    case nosqlOperatorKey = "nosql.operator-key"
    case nosqlBracketOperator = "nosql.bracket-operator"
    case nosqlWhereJS = "nosql.where-js"
    case nosqlJSBreakout = "nosql.js-breakout"

    /// The attack type this rule is evidence for.
    public var type: AttackType {
        switch self {
        case .sqlBreakoutBoolean, .sqlBreakoutUnion, .sqlBreakoutStacked, .sqlBreakoutComment,
             .sqlBreakoutComparison, .sqlBreakoutClause, .sqlBreakoutFunction, .sqlNumericBoolean,
             .sqlNumericClause, .sqlUnionSelect, .sqlStackedQuery, .sqlTimeDelay, .sqlErrorFunction,
             .sqlTautologyFunction, .sqlSubselect, .sqlSystemObject, .sqlVersionComment, .sqlQuoteProbe:
            return .sqli
        case .xssScriptTag, .xssEventHandler, .xssScriptURL, .xssStyleExpression, .xssDangerousTag,
             .xssUnknownTagAttributes, .xssSuspiciousLink, .xssJSEntity, .xssJSBreakout, .xssScriptScheme,
             .xssDataHTML, .xssServerTag:
            return .xss
        case .cmdSeparatorCommand, .cmdSubstitution, .cmdLeadingCommand, .cmdBinaryPath, .cmdIFS,
             .cmdCodeExec, .cmdSSI, .cmdShellshock:
            return .cmdi
        case .pathDotDotRepeated, .pathDotDotSensitive, .pathDotDotSingle, .pathDotRun, .pathRedundantDots,
             .pathSensitiveFile, .pathLongRepeat, .pathSlashRun:
            return .pathTraversal
        case .ssrfScheme, .ssrfInternalHost, .ssrfObfuscatedIP, .ssrfMetadataHost:
            return .ssrf
        case .templateExpression, .templateStatement:
            return .templateInjection
        case .log4shellJNDI, .log4shellObfuscatedLookup:
            return .log4shell
        case .nosqlOperatorKey, .nosqlBracketOperator, .nosqlWhereJS, .nosqlJSBreakout:
            return .nosql
        }
    }

    /// Hand-set weight used when the labelled data has too few firings to learn one.
    public var prior: Double {
        switch self {
        case .sqlBreakoutBoolean, .sqlBreakoutUnion, .sqlBreakoutStacked, .sqlUnionSelect, .sqlStackedQuery,
             .sqlTimeDelay:
            return 0.95
        case .sqlBreakoutComment, .sqlBreakoutFunction, .sqlNumericBoolean, .sqlErrorFunction,
             .sqlTautologyFunction, .sqlSystemObject, .sqlBreakoutClause, .sqlNumericClause:
            return 0.85
        case .sqlBreakoutComparison, .sqlSubselect, .sqlVersionComment:
            return 0.75
        case .sqlQuoteProbe:
            return 0.6
        case .xssScriptTag, .xssEventHandler, .xssScriptURL:
            return 0.97
        case .xssStyleExpression, .xssDataHTML, .xssScriptScheme, .xssJSBreakout:
            return 0.9
        case .xssDangerousTag, .xssJSEntity, .xssServerTag:
            return 0.85
        case .xssUnknownTagAttributes, .xssSuspiciousLink:
            return 0.7
        case .cmdIFS, .cmdSSI, .cmdShellshock:
            return 0.97
        case .cmdSeparatorCommand, .cmdSubstitution, .cmdBinaryPath:
            return 0.9
        case .cmdCodeExec, .cmdLeadingCommand:
            return 0.8
        case .pathDotDotRepeated, .pathDotDotSensitive:
            return 0.97
        case .pathSensitiveFile, .pathDotRun, .pathRedundantDots:
            return 0.85
        case .pathDotDotSingle:
            return 0.6
        case .pathLongRepeat, .pathSlashRun:
            return 0.5
        case .ssrfScheme, .ssrfInternalHost, .ssrfMetadataHost:
            return 0.9
        case .ssrfObfuscatedIP:
            return 0.75
        case .templateExpression:
            return 0.9
        case .templateStatement:
            return 0.85
        case .log4shellJNDI:
            return 0.99
        case .log4shellObfuscatedLookup:
            return 0.85
        case .nosqlOperatorKey, .nosqlBracketOperator, .nosqlWhereJS:
            return 0.92
        case .nosqlJSBreakout:
            return 0.75
        }
    }

    /// One-line description used in verdict reasons.
    public var summary: String {
        switch self {
        case .sqlBreakoutBoolean: return "string breakout then OR/AND clause"
        case .sqlBreakoutUnion: return "string breakout then UNION SELECT"
        case .sqlBreakoutStacked: return "string breakout then stacked statement"
        case .sqlBreakoutComment: return "string breakout then comment truncation"
        case .sqlBreakoutComparison: return "string breakout then comparison"
        case .sqlBreakoutClause: return "string breakout then SQL clause"
        case .sqlBreakoutFunction: return "string breakout then SQL function call"
        case .sqlNumericBoolean: return "numeric value then OR/AND clause"
        case .sqlNumericClause: return "numeric value then SQL clause"
        case .sqlUnionSelect: return "UNION SELECT with a select list"
        case .sqlStackedQuery: return "stacked query after ';'"
        case .sqlTimeDelay: return "time-delay call"
        case .sqlErrorFunction: return "error-based extraction function"
        case .sqlTautologyFunction: return "SQL function or group with a tautology"
        case .sqlSubselect: return "parenthesised sub-select"
        case .sqlSystemObject: return "SQL catalog/system object"
        case .sqlVersionComment: return "MySQL executable comment /*!"
        case .sqlQuoteProbe: return "quote/parenthesis syntax probe"
        case .xssScriptTag: return "<script> tag"
        case .xssEventHandler: return "tag with on* event handler"
        case .xssScriptURL: return "attribute with javascript:/vbscript: URL"
        case .xssStyleExpression: return "style with expression()/script URL"
        case .xssDangerousTag: return "active-content tag"
        case .xssUnknownTagAttributes: return "unknown tag with attributes"
        case .xssSuspiciousLink: return "link to numeric/obfuscated host"
        case .xssJSEntity: return "JavaScript entity &{...}"
        case .xssJSBreakout: return "quote/markup breakout then JavaScript sink"
        case .xssScriptScheme: return "value is a javascript: URL"
        case .xssDataHTML: return "data: URL with HTML/SVG"
        case .xssServerTag: return "server-side code tag <?"
        case .cmdSeparatorCommand: return "shell separator then command"
        case .cmdSubstitution: return "command substitution"
        case .cmdLeadingCommand: return "value is a shell command line"
        case .cmdBinaryPath: return "absolute path to a system binary"
        case .cmdIFS: return "${IFS} whitespace evasion"
        case .cmdCodeExec: return "code-level exec/system call"
        case .cmdSSI: return "server-side include exec"
        case .cmdShellshock: return "bash function definition () { (Shellshock)"
        case .pathDotDotRepeated: return "repeated ../ segments"
        case .pathDotDotSensitive: return "../ towards a sensitive file"
        case .pathDotDotSingle: return "leading ../ segment"
        case .pathDotRun: return "dot run with path target"
        case .pathRedundantDots: return "redundant ./ segments"
        case .pathSensitiveFile: return "sensitive system file path"
        case .pathLongRepeat: return "overlong repeated path segment"
        case .pathSlashRun: return "leading slash run"
        case .ssrfScheme: return "URL with a server-side-only scheme"
        case .ssrfInternalHost: return "URL to loopback/link-local host"
        case .ssrfObfuscatedIP: return "URL host is a decimal/hex/octal IP"
        case .ssrfMetadataHost: return "cloud metadata address"
        case .templateExpression: return "template expression with code"
        case .templateStatement: return "template statement with code"
        case .log4shellJNDI: return "${jndi:...} lookup"
        case .log4shellObfuscatedLookup: return "nested/obfuscated ${...} lookups"
        case .nosqlOperatorKey: return "Mongo operator as object key"
        case .nosqlBracketOperator: return "Mongo operator in [$op] parameter"
        case .nosqlWhereJS: return "$where with JavaScript"
        case .nosqlJSBreakout: return "quote breakout into JavaScript expression"
        }
    }
}

/// One fired rule with a short detail drawn from closed vocabularies (keywords, token
/// fingerprints), never from the raw value.
struct Evidence: Sendable {
    var rule: PayloadRule
    var detail: String

    init(_ rule: PayloadRule, _ detail: String = "") {
        self.rule = rule
        self.detail = detail
    }
}
