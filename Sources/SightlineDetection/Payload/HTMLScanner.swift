/// One start tag found by ``HTMLScanner``.
struct HTMLTag: Sendable {
    var name: ArraySlice<UInt8>
    var attributes: [(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>?)]
    /// Offset of the `<`.
    var start: Int = 0
    /// Whether the tag ends with `>` (browsers also repair unclosed ones).
    var closed: Bool = true
}

/// A tolerant HTML tokenizer in the spirit of a browser's: a tag opens with `<` and a
/// letter, its name ends at whitespace, `/` or `>`, attributes are separated by whitespace
/// or `/` (so `<svg/onload=...>` parses), values may be quoted or bare, and an unclosed tag
/// at the end of the value still counts (browsers repair them).
enum HTMLScanner {
    static let maxTags = 64

    static func tags(in b: [UInt8]) -> [HTMLTag] {
        var out: [HTMLTag] = []
        var i = 0
        let n = b.count
        while i < n, out.count < maxTags {
            guard b[i] == UInt8(ascii: "<"), i + 1 < n, ASCII.isLetter(b[i + 1]) else { i += 1; continue }
            var j = i + 1
            while j < n, !ASCII.isSpace(b[j]), b[j] != UInt8(ascii: "/"), b[j] != UInt8(ascii: ">"),
                  b[j] != UInt8(ascii: "<") { j += 1 }
            let name = b[(i + 1)..<j]
            var attrs: [(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>?)] = []
            // attributes
            while j < n, b[j] != UInt8(ascii: ">"), b[j] != UInt8(ascii: "<"), attrs.count < 32 {
                if ASCII.isSpace(b[j]) || b[j] == UInt8(ascii: "/") || b[j] == UInt8(ascii: "\"") || b[j] == UInt8(ascii: "'") { j += 1; continue }
                let an = j
                while j < n, !ASCII.isSpace(b[j]), b[j] != UInt8(ascii: "/"), b[j] != UInt8(ascii: ">"), b[j] != UInt8(ascii: "=") { j += 1 }
                let attrName = b[an..<j]
                var k = j
                while k < n, ASCII.isSpace(b[k]) { k += 1 }
                if k < n, b[k] == UInt8(ascii: "=") {
                    k += 1
                    while k < n, ASCII.isSpace(b[k]) { k += 1 }
                    if k < n, b[k] == UInt8(ascii: "\"") || b[k] == UInt8(ascii: "'") || b[k] == UInt8(ascii: "`") {
                        let q = b[k]
                        let vs = k + 1
                        var ve = vs
                        while ve < n, b[ve] != q { ve += 1 }
                        attrs.append((attrName, b[vs..<ve]))
                        j = min(ve + 1, n)
                    } else {
                        let vs = k
                        var ve = vs
                        while ve < n, !ASCII.isSpace(b[ve]), b[ve] != UInt8(ascii: ">") { ve += 1 }
                        attrs.append((attrName, b[vs..<ve]))
                        j = ve
                    }
                } else {
                    if !attrName.isEmpty { attrs.append((attrName, nil)) }
                    if j == an { j += 1 }
                }
            }
            out.append(HTMLTag(name: name, attributes: attrs, start: i, closed: j < n && b[j] == UInt8(ascii: ">")))
            i = max(j, i + 1)
        }
        return out
    }
}

/// Cross-site scripting: markup that runs script (tags, handlers, script URLs, CSS
/// expressions) and script that breaks out of a quoted JavaScript/HTML context.
enum XSSDetector {
    static let dangerousTags = WordTable(words: [
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "meta", "base", "link", "svg", "math",
        "form", "xml", "style", "img", "image", "body", "html", "head", "isindex", "bgsound", "layer", "ilayer",
        "video", "audio", "source", "marquee", "template", "animate", "set", "handler", "import", "vmlframe",
        "details", "input", "button", "textarea", "select", "keygen", "portal", "xss", "table", "td", "title",
        "noscript", "plaintext", "xmp", "listing", "comment", "x", "a2", "param", "area", "map", "dialog",
        "animatetransform", "animatemotion", "foreignobject", "use", "discard", "feimage", "xsl", "xsl:stylesheet",
    ])
    /// Tags rich-text editors and markdown renderers emit (images, tables, media, form
    /// controls): active only with a sign of injection (``contentTagIsSuspicious``).
    static let contentTags = WordTable(words: [
        "img", "image", "table", "td", "video", "audio", "source", "input", "button", "textarea", "select", "form",
        "details", "area", "map", "dialog",
    ])
    static let safeTags = WordTable(words: [
        "b", "i", "u", "s", "em", "strong", "p", "br", "hr", "ul", "ol", "li", "span", "div", "a", "code", "pre",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "small", "sub", "sup", "mark", "del", "ins", "q", "cite",
        "abbr", "kbd", "var", "samp", "dl", "dt", "dd", "tt", "strike", "big", "center", "font", "section", "article",
        "nav", "header", "footer", "main", "aside", "figure", "figcaption", "caption", "tr", "th", "tbody", "thead",
    ])
    static let urlAttributes = WordTable(words: [
        "href", "src", "action", "formaction", "data", "dynsrc", "lowsrc", "background", "poster", "xlink:href",
        "codebase", "srcdoc", "content", "to", "values", "from", "by", "style", "value", "code", "ping", "cite",
    ])
    static let jsSinks: [StaticString] = [
        "alert(", "prompt(", "confirm(", "eval(", "document.cookie", "document.write", "document.location",
        "window.location", "location.href", "fromcharcode(", "settimeout(", "setinterval(", "atob(",
        "constructor(", ".innerhtml", "document.domain", "window.open(", "top[", "self[",
    ]

    static func detect(_ v: NormalizedValue, into evidence: inout [Evidence]) {
        let b = v.bytes
        var found: [PayloadRule: String] = [:]
        func add(_ rule: PayloadRule, _ detail: String) { if found[rule] == nil { found[rule] = detail } }

        if b.contains(UInt8(ascii: "<")) {
            for tag in HTMLScanner.tags(in: b) {
                inspect(tag, in: b, add: add)
            }
            if let i = ASCII.firstIndex(of: "<?", in: b, from: 0), i + 2 < b.count,
               ASCII.isSpace(b[i + 2]) || ASCII.hasPrefix(b, "php", at: i + 2) || b[i + 2] == UInt8(ascii: "=")
                || ASCII.hasPrefix(b, "import", at: i + 2) || ASCII.hasPrefix(b, "xml:", at: i + 2) {
                add(.xssServerTag, "<? processing instruction / server-side code")
            }
            if ASCII.contains(b, "</script") { add(.xssScriptTag, "</script> closing tag") }
        }
        // Script URL as the whole value (a redirect/link parameter).
        var s = 0
        while s < b.count, ASCII.isSpace(b[s]) || b[s] == UInt8(ascii: "\"") || b[s] == UInt8(ascii: "'") { s += 1 }
        if let scheme = scriptScheme(b[s...]) {
            add(.xssScriptScheme, "value is a \(scheme) URL with code")
        }
        if ASCII.contains(b, "data:text/html") || ASCII.contains(b, "data:image/svg+xml") || ASCII.contains(b, "data:application/xhtml") {
            add(.xssDataHTML, "data: URL carrying HTML/SVG")
        }
        if ASCII.contains(b, "&{") , b.contains(UInt8(ascii: "<")) || b.contains(UInt8(ascii: "\"")) {
            if let i = ASCII.firstIndex(of: "&{", in: b, from: 0), b[(i + 2)...].contains(UInt8(ascii: "}")) {
                add(.xssJSEntity, "&{...} JavaScript entity")
            }
        }
        jsBreakout(b, add: add)
        if b.contains(UInt8(ascii: ">")), sinkCallClosingTag(b) {
            add(.xssJSBreakout, "value starts with a JavaScript sink call, then attributes and a tag close")
        }
        if b.contains(UInt8(ascii: ":")), disguisedCSSExpression(b) {
            add(.xssStyleExpression, "CSS expression with a disguised parenthesis")
        }
        for (rule, detail) in found { evidence.append(Evidence(rule, detail)) }
    }

    static func inspect(_ tag: HTMLTag, in b: [UInt8], add: (PayloadRule, String) -> Void) {
        let name = tag.name
        let nameText = safeName(name)
        if name.elementsEqual("script".utf8) { add(.xssScriptTag, "<script> tag") }
        var hasHandler = false
        for (an, av) in tag.attributes {
            if an.count >= 5, an.starts(with: "on".utf8), an.dropFirst(2).allSatisfy(ASCII.isLetter) {
                hasHandler = true
                add(.xssEventHandler, "<\(nameText)> with on* event handler")
            }
            guard let value = av else { continue }
            let compact = compactValue(value)
            if urlAttributes.contains(an) || an.starts(with: "on".utf8) {
                if let scheme = scriptScheme(compact[...], requireCode: false) {
                    add(.xssScriptURL, "<\(nameText)> attribute with \(scheme) URL")
                } else if let scheme = mangledScriptScheme(compact) {
                    add(.xssScriptURL, "<\(nameText)> attribute with \(scheme) URL (scheme separator disguised) and a script sink")
                }
                if ASCII.hasPrefix(compact, "data:text/html", at: 0) || ASCII.hasPrefix(compact, "data:image/svg", at: 0) {
                    add(.xssScriptURL, "<\(nameText)> attribute with data: HTML URL")
                }
            }
            if an.elementsEqual("style".utf8) || an.elementsEqual("srcdoc".utf8) {
                // CSS reads `\6a` as `j` and ignores `/* */`: judge the decoded style
                let compact = an.elementsEqual("style".utf8) && (compact.contains(UInt8(ascii: "\\")) || compact.contains(UInt8(ascii: "*")))
                    ? cssDecoded(compact) : compact
                if ASCII.contains(compact, "expression(") || ASCII.contains(compact, "javascript:") || ASCII.contains(compact, "behavior:")
                    || ASCII.contains(compact, "behaviour:") || ASCII.contains(compact, "binding:") || ASCII.contains(compact, "@import") {
                    add(.xssStyleExpression, "style attribute with expression()/script URL")
                }
                if an.elementsEqual("srcdoc".utf8), compact.contains(UInt8(ascii: "<")) {
                    add(.xssDangerousTag, "srcdoc with markup")
                }
            }
            if an.elementsEqual("datasrc".utf8) || an.elementsEqual("datafld".utf8) || an.elementsEqual("dataformatas".utf8) {
                add(.xssDangerousTag, "legacy data-binding attribute")
            }
            if value.contains(UInt8(ascii: "&")), ASCII.contains(Array(value), "&{") {
                add(.xssJSEntity, "&{...} JavaScript entity in attribute")
            }
            if an.elementsEqual("href".utf8) || an.elementsEqual("src".utf8) {
                if numericHostURL(compact) { add(.xssSuspiciousLink, "<\(nameText)> link to a numeric host") }
            }
        }
        if contentTags.contains(name) {
            if let why = contentTagIsSuspicious(tag, in: b) {
                add(.xssDangerousTag, "<\(nameText)> tag \(why)")
            }
        } else if dangerousTags.contains(name) {
            add(.xssDangerousTag, "<\(nameText)> active-content tag")
        } else if !safeTags.contains(name), !tag.attributes.isEmpty, !hasHandler {
            if tag.attributes.contains(where: { $0.value != nil }) {
                add(.xssUnknownTagAttributes, "unknown tag with attributes")
            }
        }
    }

    /// Why a content tag (`<img>`, `<table>`, `<input>` …) without handlers or script URLs
    /// still looks injected, or `nil` when it looks like rich text: it follows an attribute
    /// breakout (`"><img`), is left unclosed, asks for `autofocus`, or points its source at
    /// something that is not a URL (`src=x`, the usual trigger for `onerror`).
    static func contentTagIsSuspicious(_ tag: HTMLTag, in b: [UInt8]) -> String? {
        var p = tag.start - 1
        while p >= 0, ASCII.isSpace(b[p]) { p -= 1 }
        if p >= 0 {
            let c = b[p]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || c == UInt8(ascii: "`") { return "after a quote breakout" }
            if c == UInt8(ascii: ">"), p >= 1, b[p - 1] == UInt8(ascii: "\"") || b[p - 1] == UInt8(ascii: "'") {
                // `">` that does not close an earlier tag (`<form method="get">` does)
                var q = p - 1
                while q >= 0, b[q] != UInt8(ascii: "<"), b[q] != UInt8(ascii: ">") { q -= 1 }
                if q < 0 || b[q] == UInt8(ascii: ">") { return "after an attribute breakout" }
            }
        }
        if !tag.closed { return "left unclosed" }
        for (an, av) in tag.attributes {
            if an.elementsEqual("autofocus".utf8) { return "with autofocus" }
            guard let v = av, an.elementsEqual("src".utf8) || an.elementsEqual("href".utf8) || an.elementsEqual("action".utf8)
                    || an.elementsEqual("formaction".utf8) || an.elementsEqual("background".utf8) || an.elementsEqual("poster".utf8)
                    || an.elementsEqual("dynsrc".utf8) || an.elementsEqual("lowsrc".utf8) else { continue }
            if !looksLikeURL(v) { return "with a non-URL source" }
        }
        return nil
    }

    /// `http(s)://…`, `//host/…`, `/path`, `./x`, `../x`, `#frag`, `?q`, `data:image/…`,
    /// `cid:`/`mailto:`/`tel:`, or a relative file name with an extension.
    static func looksLikeURL(_ v: ArraySlice<UInt8>) -> Bool {
        let a = Array(v)
        guard let f = a.first else { return true }  // src="" is harmless
        for prefix: StaticString in ["http://", "https://", "data:image/", "cid:", "mailto:", "tel:"] where ASCII.hasPrefix(a, prefix, at: 0) {
            return true
        }
        if f == UInt8(ascii: "/") || f == UInt8(ascii: "#") || f == UInt8(ascii: "?") { return true }
        if ASCII.hasPrefix(a, "./", at: 0) || ASCII.hasPrefix(a, "../", at: 0) { return true }
        // relative file or path: words with a dot extension (photo.jpg, img/a.png)
        if let dot = a.lastIndex(of: UInt8(ascii: ".")), dot > 0, dot < a.count - 1,
           a.allSatisfy({ ASCII.isAlnum($0) || [UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_")].contains($0) }) {
            return true
        }
        return false
    }

    /// Tag names are echoed only when they come from the vocabularies above.
    static func safeName(_ name: ArraySlice<UInt8>) -> String {
        if dangerousTags.contains(name) || safeTags.contains(name) || contentTags.contains(name) { return String(decoding: name, as: UTF8.self) }
        return "unknown"
    }

    /// Attribute value with whitespace and control characters removed (browsers ignore
    /// them inside a scheme: "java\tscript:").
    static func compactValue(_ v: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(v.count)
        for c in v where !ASCII.isSpace(c) { out.append(c) }
        return out
    }

    /// "javascript:" / "vbscript:" / "livescript:" at the start, optionally requiring code
    /// after it (so "JavaScript: The Good Parts" is prose).
    static func scriptScheme(_ b: ArraySlice<UInt8>, requireCode: Bool = true) -> String? {
        let arr = Array(b.prefix(64))
        for scheme in ["javascript:", "vbscript:", "livescript:", "mocha:"] {
            let sb = Array(scheme.utf8)
            guard arr.count >= sb.count, arr[0..<sb.count].elementsEqual(sb) else { continue }
            if !requireCode { return String(scheme.dropLast()) }
            // code: the next non-space word is followed by ( . [ = or is a JS keyword
            var k = sb.count
            while k < arr.count, ASCII.isSpace(arr[k]) { k += 1 }
            let ws = k
            while k < arr.count, ASCII.isWordByte(arr[k]) { k += 1 }
            if k == ws {
                if k < arr.count, arr[k] == UInt8(ascii: "/") || arr[k] == UInt8(ascii: "[") || arr[k] == UInt8(ascii: "(") { return String(scheme.dropLast()) }
                continue
            }
            if k < arr.count, [UInt8(ascii: "("), UInt8(ascii: "."), UInt8(ascii: "["), UInt8(ascii: "="), UInt8(ascii: "`")].contains(arr[k]) {
                return String(scheme.dropLast())
            }
            let word = arr[ws..<k]
            if ["void", "alert", "eval", "this", "new", "throw", "document", "window", "location", "top"].contains(where: { word.elementsEqual($0.utf8) }) {
                return String(scheme.dropLast())
            }
        }
        return nil
    }

    /// CSS text with comments removed and backslash escapes (`\6a`, `\00006a `, `\(`) decoded,
    /// then whitespace dropped; lower-cased like the rest of the value.
    static func cssDecoded(_ v: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(v.count)
        var i = 0
        while i < v.count {
            let c = v[i]
            if c == UInt8(ascii: "/"), i + 1 < v.count, v[i + 1] == UInt8(ascii: "*") {
                var k = i + 2
                while k + 1 < v.count, !(v[k] == UInt8(ascii: "*") && v[k + 1] == UInt8(ascii: "/")) { k += 1 }
                i = k + 2
                continue
            }
            if c == UInt8(ascii: "\\"), i + 1 < v.count {
                var k = i + 1
                var scalar: UInt32 = 0
                while k < v.count, k - i <= 6, let d = hexDigit(v[k]) { scalar = scalar << 4 | UInt32(d); k += 1 }
                if k > i + 1 {
                    if k < v.count, ASCII.isSpace(v[k]) { k += 1 }
                    if scalar > 0x20, scalar < 0x7F { let d = UInt8(scalar); out.append(ASCII.isLetter(d) ? d | 0x20 : d) }
                    i = k
                } else {
                    out.append(v[i + 1])
                    i += 2
                }
                continue
            }
            if !ASCII.isSpace(c) { out.append(c) }
            i += 1
        }
        return out
    }

    static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// A URL attribute value that starts with a script scheme name followed by some other
    /// separator than `:` (`javascript#…`, `javascript;…`) and carries a JavaScript sink:
    /// filter-evasion spellings. `javascript-guide.html` has no sink and does not count.
    static func mangledScriptScheme(_ v: [UInt8]) -> String? {
        for scheme in ["javascript", "vbscript", "livescript", "mocha"] {
            let sb = Array(scheme.utf8)
            guard v.count > sb.count + 4, v[0..<sb.count].elementsEqual(sb), !ASCII.isAlnum(v[sb.count]) else { continue }
            let rest = Array(v[(sb.count + 1)...])
            if jsSinks.contains(where: { ASCII.contains(rest, $0) }) { return scheme }
        }
        return nil
    }

    /// `prop:expression` with the parenthesis disguised (escaped or mangled) and a call after
    /// it: `x:expression\28write(1)\29`. Plain `expression(` is handled with style attributes.
    static func disguisedCSSExpression(_ b: [UInt8]) -> Bool {
        var from = 0
        while let i = ASCII.firstIndex(of: ":expression", in: b, from: from) {
            from = i + 1
            let after = i + 11
            guard after < b.count, !ASCII.isLetter(b[after]), !ASCII.isSpace(b[after]) else { continue }
            // a call name( within the next 12 bytes
            var k = after
            let limit = min(b.count, after + 12)
            while k < limit, !ASCII.isLetter(b[k]) { k += 1 }
            let ws = k
            while k < limit, ASCII.isLetter(b[k]) { k += 1 }
            if k > ws, k < b.count, b[k] == UInt8(ascii: "(") { return true }
        }
        return false
    }

    static func numericHostURL(_ v: [UInt8]) -> Bool {
        guard let r = ASCII.firstIndex(of: "://", in: v, from: 0) else { return false }
        var i = r + 3
        let s = i
        while i < v.count, v[i] != UInt8(ascii: "/"), v[i] != UInt8(ascii: ":"), v[i] != UInt8(ascii: "?") { i += 1 }
        let host = v[s..<i]
        guard !host.isEmpty else { return false }
        if host.allSatisfy(ASCII.isDigit) { return true }  // http://1113982867/
        if host.starts(with: "0x".utf8) { return true }
        return false
    }

    /// Calls that only make sense as injected handler code when a tag closes right after them.
    static let handlerCalls: [StaticString] = ["alert(", "prompt(", "confirm(", "eval(", "write(", "print(", "writeln("]

    /// `alert(1) autofocus>` / `write(1)>`: the value starts with a handler call and ends a tag.
    static func sinkCallClosingTag(_ b: [UInt8]) -> Bool {
        var s = 0
        while s < b.count, ASCII.isSpace(b[s]) { s += 1 }
        for call in handlerCalls where ASCII.hasPrefix(b, call, at: s) {
            guard let close = b[s...].firstIndex(of: UInt8(ascii: ")")), close - s < 40 else { return false }
            return closesTag(b, after: close + 1)
        }
        return false
    }

    /// Whether `b[from...]` is bare attribute tokens (`autofocus`, `x=y`) then `>`: the tail of a
    /// tag an injected handler value sits in (`alert(1) autofocus>`).
    static func closesTag(_ b: [UInt8], after from: Int) -> Bool {
        var k = from
        var tokens = 0
        while k < b.count {
            while k < b.count, ASCII.isSpace(b[k]) { k += 1 }
            guard k < b.count else { return false }
            if b[k] == UInt8(ascii: ">") { return tokens > 0 || k == from }
            // attribute name
            let s = k
            while k < b.count, ASCII.isAlnum(b[k]) || b[k] == UInt8(ascii: "-") { k += 1 }
            guard k > s, tokens < 4 else { return false }
            tokens += 1
            if k < b.count, b[k] == UInt8(ascii: "=") {
                k += 1
                while k < b.count, !ASCII.isSpace(b[k]), b[k] != UInt8(ascii: ">") { k += 1 }
            } else if k < b.count, !ASCII.isSpace(b[k]), b[k] != UInt8(ascii: ">") {
                return false
            }
        }
        return false
    }

    /// A JavaScript sink right after a quote/markup/statement breakout character:
    /// `";alert(1)//`, `'-alert(1)-'`, `</title>...`. Prose ("the alert() box") has a word
    /// before the sink, which does not count.
    static func jsBreakout(_ b: [UInt8], add: (PayloadRule, String) -> Void) {
        guard b.contains(UInt8(ascii: "(")) || ASCII.contains(b, "document.") || ASCII.contains(b, ".innerhtml") else { return }
        for sink in jsSinks {
            var from = 0
            while let i = ASCII.firstIndex(of: sink, in: b, from: from) {
                from = i + 1
                if i >= 6, ASCII.hasPrefix(b, "script", at: i - 6) {
                    add(.xssJSBreakout, "script tag remnant then JavaScript sink")
                    return
                }
                if i > 0, ASCII.isWordByte(b[i - 1]) || b[i - 1] == UInt8(ascii: ".") { continue }
                // previous non-space byte
                var p = i - 1
                while p >= 0, ASCII.isSpace(b[p]) { p -= 1 }
                let breakoutBytes: [UInt8] = Array("'\";>(=+-|&{:,`".utf8)
                if p < 0 {
                    // value starts with the sink: only a call with a literal/identifier argument
                    // and nothing prose-like after it counts (alert(1), alert(document.cookie)).
                    if sink.utf8CodeUnitCount > 0, let close = b[i...].firstIndex(of: UInt8(ascii: ")")),
                       close - i < 40 {
                        if !b[(close + 1)...].contains(where: ASCII.isLetter) {
                            add(.xssJSBreakout, "JavaScript sink call as the whole value")
                        }
                    }
                    continue
                }
                if breakoutBytes.contains(b[p]) {
                    add(.xssJSBreakout, "breakout character then JavaScript sink")
                    return
                }
            }
        }
    }
}
