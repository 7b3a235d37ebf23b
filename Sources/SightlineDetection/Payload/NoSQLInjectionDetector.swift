/// NoSQL (MongoDB) operator injection: operators as JSON object keys (`{"$ne": null}`),
/// in bracketed query parameters (`password[$ne]=x`), `$where` with JavaScript, and quote
/// breakouts into JavaScript expressions (`' || '1'=='1`, `'; return true; var x='`).
enum NoSQLInjectionDetector {
    static let operators = WordTable(words: [
        "ne", "eq", "gt", "gte", "lt", "lte", "in", "nin", "regex", "where", "exists", "or", "and", "not", "nor",
        "expr", "function", "accumulator", "elemmatch", "size", "type", "mod", "all", "text", "search", "jsonschema",
        "options", "comment", "lookup", "match", "group", "function", "where",
    ])

    static func detect(_ v: NormalizedValue, into evidence: inout [Evidence]) {
        let b = v.bytes
        var found: [PayloadRule: String] = [:]
        func add(_ rule: PayloadRule, _ detail: String) { if found[rule] == nil { found[rule] = detail } }

        if b.contains(UInt8(ascii: "$")) {
            var i = 0
            var hits = 0
            while i < b.count, hits < 32 {
                guard b[i] == UInt8(ascii: "$") else { i += 1; continue }
                hits += 1
                var e = i + 1
                while e < b.count, ASCII.isLetter(b[e]) { e += 1 }
                let word = b[(i + 1)..<e]
                defer { i = max(e, i + 1) }
                guard !word.isEmpty, operators.contains(word) else { continue }
                let name = "$" + String(decoding: word, as: UTF8.self)
                var p = i - 1
                while p >= 0, ASCII.isSpace(b[p]) { p -= 1 }
                let prev: UInt8? = p >= 0 ? b[p] : nil
                var q = e
                while q < b.count, ASCII.isSpace(b[q]) { q += 1 }
                let next: UInt8? = q < b.count ? b[q] : nil
                if prev == UInt8(ascii: "["), next == UInt8(ascii: "]") {
                    add(.nosqlBracketOperator, "[\(name)] parameter")
                    continue
                }
                // key position: {"$ne": ...}, {$gt: ''}, ,"$or":[
                let quotedKey = (prev == UInt8(ascii: "\"") || prev == UInt8(ascii: "'")) && (next == prev)
                var keyPrev = p
                if quotedKey { keyPrev -= 1; while keyPrev >= 0, ASCII.isSpace(b[keyPrev]) { keyPrev -= 1 } }
                let before: UInt8? = keyPrev >= 0 ? b[keyPrev] : nil
                var colon = q
                if quotedKey { colon += 1; while colon < b.count, ASCII.isSpace(b[colon]) { colon += 1 } }
                let hasColon = colon < b.count && b[colon] == UInt8(ascii: ":")
                let keyContext = before == UInt8(ascii: "{") || before == UInt8(ascii: ",") || before == nil
                if hasColon, keyContext || quotedKey {
                    if word.elementsEqual("where".utf8) || word.elementsEqual("function".utf8) || word.elementsEqual("accumulator".utf8) {
                        add(.nosqlWhereJS, "\(name) operator with JavaScript")
                    } else {
                        add(.nosqlOperatorKey, "\(name) operator as object key")
                    }
                } else if word.elementsEqual("where".utf8), next == UInt8(ascii: "=") {
                    add(.nosqlWhereJS, "$where parameter")
                }
            }
        }
        jsBreakout(b, add: add)
        for (rule, detail) in found { evidence.append(Evidence(rule, detail)) }
    }

    /// ' || '1'=='1   '; return true; var a='   " || this.password.match(/.*/)//
    static func jsBreakout(_ b: [UInt8], add: (PayloadRule, String) -> Void) {
        guard let q = b.firstIndex(where: { $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "\"") }) else { return }
        var i = q + 1
        while i < b.count, ASCII.isSpace(b[i]) { i += 1 }
        let orAnd = ASCII.hasPrefix(b, "||", at: i) || ASCII.hasPrefix(b, "&&", at: i)
        let semi = i < b.count && b[i] == UInt8(ascii: ";")
        guard orAnd || semi else { return }
        let rest = Array(b[(i + (orAnd ? 2 : 1))...])
        if ASCII.contains(rest, "==") || ASCII.contains(rest, "this.") || ASCII.contains(rest, "return ")
            || ASCII.contains(rest, "return(") {
            add(.nosqlJSBreakout, "quote breakout into a JavaScript expression")
        }
    }
}
