/// Server-side template injection and Log4Shell lookups.
///
/// Template delimiters (`{{ }}`, `${ }`, `#{ }`, `<% %>`, `{% %}`, `*{ }`) only count when
/// their content is code rather than a variable name: arithmetic between numbers (`7*7`),
/// calls, dunder attributes, or runtime/class names. `{{name}}` and `${HOME}` stay benign.
///
/// Log4Shell: `${...}` lookups are resolved innermost-first the way Log4j 2 does for the
/// obfuscation tricks (`${lower:j}`, `${upper:J}`, `${::-j}`, `${env:X:-j}`, `${date:'j'}`);
/// a `${jndi:` appearing at any point of the resolution fires.
enum TemplateInjectionDetector {
    static let codeWords: [StaticString] = [
        "__", "class", "runtime", "getclass", "forname", "popen", "import", "exec", "system", "process",
        "require", "constructor", "global", "lipsum", "cycler", "joiner", "namespace", "freemarker", "new ",
        "|attr", "mro", "subclasses", "builtins", "getruntime", "os.", "self.", "config.", "request.application",
        "request.environ", "settings.", "application.", "invoke", "eval", "java.", "javax.", "spring", "@java",
        "t(java", "getmethod", "file.read", "readlines", "subprocess", "include", "~",
    ]
    static let exactProbes: [String] = ["config", "self", "request", "settings", "_self", "this", "7*7", "7*'7'"]

    static func detect(_ v: NormalizedValue, into evidence: inout [Evidence]) {
        let b = v.bytes
        var found: [PayloadRule: String] = [:]
        func add(_ rule: PayloadRule, _ detail: String) { if found[rule] == nil { found[rule] = detail } }

        if ASCII.contains(b, "${") { log4shell(b, add: add) }
        let delimiters: [(open: StaticString, close: StaticString, name: String, statement: Bool)] = [
            ("{{", "}}", "{{ }}", false), ("${", "}", "${ }", false), ("#{", "}", "#{ }", false),
            ("<%", "%>", "<% %>", false), ("{%", "%}", "{% %}", true), ("*{", "}", "*{ }", false),
            ("@{", "}", "@{ }", false),
        ]
        for d in delimiters {
            var from = 0
            var count = 0
            while let o = ASCII.firstIndex(of: d.open, in: b, from: from), count < 16 {
                count += 1
                let cs = o + d.open.utf8CodeUnitCount
                from = cs
                guard let c = ASCII.firstIndex(of: d.close, in: b, from: cs), c - cs <= 400 else { continue }
                var content = Array(b[cs..<c])
                if d.open.description == "<%", content.first == UInt8(ascii: "=") || content.first == UInt8(ascii: "-") { content.removeFirst() }
                if d.open.description == "${", isLog4jLookup(content) { continue }
                if let why = codeLike(content) {
                    add(d.statement ? .templateStatement : .templateExpression, "\(d.name) containing \(why)")
                }
            }
        }
        for (rule, detail) in found { evidence.append(Evidence(rule, detail)) }
    }

    static func isLog4jLookup(_ c: [UInt8]) -> Bool {
        ASCII.hasPrefix(c, "jndi", at: 0) || ASCII.contains(c, ":-") || ASCII.hasPrefix(c, "lower:", at: 0)
            || ASCII.hasPrefix(c, "upper:", at: 0) || ASCII.hasPrefix(c, "env:", at: 0) || ASCII.hasPrefix(c, "sys:", at: 0)
            || ASCII.hasPrefix(c, "${", at: 0) || ASCII.hasPrefix(c, "date:", at: 0) || ASCII.hasPrefix(c, "java:", at: 0)
    }

    /// Why the content is code, or nil for a plain variable reference.
    static func codeLike(_ raw: [UInt8]) -> String? {
        let c = raw.filter { !ASCII.isSpace($0) }
        guard !c.isEmpty else { return nil }
        // digit op digit: 7*7, 3+4
        for k in 1..<max(1, c.count - 1) where ASCII.isDigit(c[k - 1]) && ASCII.isDigit(c[k + 1]) {
            if [UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "%")].contains(c[k]) {
                return "arithmetic probe"
            }
        }
        if ASCII.contains(c, "7*'7'") { return "arithmetic probe" }
        let text = String(decoding: c, as: UTF8.self)
        if exactProbes.contains(text) { return "object probe" }
        for w in codeWords where ASCII.contains(raw, w) { return "runtime/class access" }
        // a call: identifier directly followed by "("
        for k in 1..<c.count where c[k] == UInt8(ascii: "(") && (ASCII.isWordByte(c[k - 1]) || c[k - 1] == UInt8(ascii: ")")) {
            return "a call"
        }
        if c.first == UInt8(ascii: "'") || c.first == UInt8(ascii: "\""), c.contains(UInt8(ascii: ".")) { return "literal method access" }
        return nil
    }

    // MARK: - Log4Shell

    static let jndiProtocols = ["ldaps", "ldap", "rmi", "dns", "iiop", "corba", "nds", "nis", "https", "http"]

    static func log4shell(_ b: [UInt8], add: (PayloadRule, String) -> Void) {
        var s = Array(b.prefix(4096))
        var nestedLookups = 0
        var obfuscations = 0
        var jndi: [UInt8]? = nil
        var iterations = 0
        while iterations < 128 {
            iterations += 1
            // innermost lookup: the last "${" before the first "}" that follows a "${"
            guard let firstOpen = ASCII.firstIndex(of: "${", in: s, from: 0),
                  let close = s[firstOpen...].firstIndex(of: UInt8(ascii: "}")) else { break }
            var open = firstOpen
            var k = firstOpen
            while let o = ASCII.firstIndex(of: "${", in: s, from: k + 1), o < close { open = o; k = o }
            let content = Array(s[(open + 2)..<close])
            var replacement: [UInt8]
            if ASCII.hasPrefix(content, "jndi:", at: 0) {
                jndi = content
                break
            } else if let d = ASCII.firstIndex(of: ":-", in: content, from: 0) {
                replacement = Array(content[(d + 2)...]); obfuscations += 1
            } else if ASCII.hasPrefix(content, "lower:", at: 0) || ASCII.hasPrefix(content, "upper:", at: 0) {
                replacement = Array(content[6...]); obfuscations += 1
            } else if ASCII.hasPrefix(content, "date:", at: 0) {
                replacement = content[5...].filter { $0 != UInt8(ascii: "'") }; obfuscations += 1
            } else if let colon = content.firstIndex(of: UInt8(ascii: ":")) {
                _ = colon
                replacement = []  // env:/sys:/ctx: lookups without default resolve to unknown text
            } else {
                replacement = content
            }
            if open != firstOpen || s[(open + 2)..<close].isEmpty == false { nestedLookups += open != firstOpen ? 1 : 0 }
            s.replaceSubrange(open...close, with: replacement)
        }
        if jndi == nil, ASCII.contains(s, "jndi:") { jndi = Array(s) }
        if let j = jndi {
            var proto = "unknown protocol"
            if let colon = ASCII.firstIndex(of: "jndi:", in: j, from: 0) {
                let rest = j[(colon + 5)...]
                for p in jndiProtocols where rest.starts(with: p.utf8) { proto = p; break }
            }
            let how = obfuscations > 0 ? " after resolving \(obfuscations) obfuscating lookup(s)" : ""
            add(.log4shellJNDI, "${jndi:\(proto)} lookup\(how)")
        } else if obfuscations >= 2 && nestedLookups >= 1 {
            add(.log4shellObfuscatedLookup, "\(obfuscations) nested obfuscating lookups")
        }
    }
}
