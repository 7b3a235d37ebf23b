/// Path traversal and local file inclusion: `..` segments (with `/`, `\`, and the
/// `0x2e`/`0x2f`/`0x5c` spellings fuzzers use), runs of dots, redundant `./` segments, and
/// absolute paths to well-known sensitive files (`/etc/passwd`, `c:\boot.ini`, `WEB-INF/web.xml`).
enum PathTraversalDetector {
    static let sensitiveTargets: [StaticString] = [
        "etc/passwd", "etc/shadow", "etc/group", "etc/hosts", "etc/issue", "etcpasswd", "etcshadow", "boot.ini",
        "win.ini", "system.ini", "windows/system32", "system32/drivers", "web-inf/web.xml", "web-infweb.xml",
        "web-inf/", "meta-inf/", "global.asa", ".htaccess", ".htpasswd", "id_rsa", "authorized_keys",
        "proc/self/", "wp-config.php", ".bash_history", "php.ini", "httpd.conf", "inetpub/wwwroot", "inetpubwwwroot",
        ".git/config", "var/log/", "sam", "repair/sam", "my.cnf", "etc/nginx", "apache2.conf", "windowswin.ini",
    ]
    /// Targets that are also ordinary words and only count after `..` or in a path.
    static let weakTargets: Set<String> = ["sam", "etc/hosts", "var/log/", "etc/group", "etc/issue"]

    /// Bytes with fuzzer hex spellings and backslashes turned into `.` and `/`.
    static func pathView(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        let hasHex = ASCII.contains(b, "0x")
        while i < b.count {
            let c = b[i]
            if hasHex, c == UInt8(ascii: "0"), i + 3 < b.count, b[i + 1] == UInt8(ascii: "x"), b[i + 2] == UInt8(ascii: "2") || b[i + 2] == UInt8(ascii: "5") {
                let pair = (b[i + 2], b[i + 3])
                if pair == (UInt8(ascii: "2"), UInt8(ascii: "e")) { out.append(UInt8(ascii: ".")); i += 4; continue }
                if pair == (UInt8(ascii: "2"), UInt8(ascii: "f")) || pair == (UInt8(ascii: "5"), UInt8(ascii: "c")) {
                    out.append(UInt8(ascii: "/")); i += 4; continue
                }
            }
            // "x2e" after an already decoded dot (0x2e0x2ex2e...)
            if hasHex, c == UInt8(ascii: "x"), i + 2 < b.count, b[i + 1] == UInt8(ascii: "2"), b[i + 2] == UInt8(ascii: "e"),
               out.last == UInt8(ascii: ".") {
                out.append(UInt8(ascii: ".")); i += 3; continue
            }
            out.append(c == UInt8(ascii: "\\") ? UInt8(ascii: "/") : c)
            i += 1
        }
        return out
    }

    static func sensitiveTarget(in p: [UInt8], strongOnly: Bool) -> StaticString? {
        for t in sensitiveTargets {
            if strongOnly, weakTargets.contains(t.description) { continue }
            if t.description == "sam" {
                // only as a path component: .../repair/sam or system32/config/sam
                if ASCII.contains(p, "config/sam") || ASCII.contains(p, "repair/sam") { return t }
                continue
            }
            if ASCII.contains(p, t) { return t }
        }
        return nil
    }

    static func detect(_ v: NormalizedValue, into evidence: inout [Evidence]) {
        let p = pathView(v.bytes)
        guard p.contains(UInt8(ascii: ".")) || p.contains(UInt8(ascii: "/")) else { return }
        var found: [PayloadRule: String] = [:]
        func add(_ rule: PayloadRule, _ detail: String) { if found[rule] == nil { found[rule] = detail } }

        let hasSpace = p.contains(where: ASCII.isSpace)
        // Walk segments between separators.
        var dotdot = 0
        var leadingDotDot = false
        var dotSegments = 0
        var maxDotRun = 0
        var dotRunAfterSeparator = false
        var segStart = 0
        var sawNonTraversalSegment = false
        let n = p.count
        var i = 0
        while i <= n {
            if i == n || p[i] == UInt8(ascii: "/") {
                let seg = p[segStart..<i]
                let hasSeparator = segStart > 0 || i < n
                if !seg.isEmpty {
                    var d = seg.startIndex
                    while d < seg.endIndex, seg[d] == UInt8(ascii: ".") { d += 1 }
                    let dots = d - seg.startIndex
                    let restStartsWord = d < seg.endIndex && (ASCII.isAlnum(seg[d]) || seg[d] == UInt8(ascii: "_") || seg[d] == UInt8(ascii: "-"))
                    if dots >= 2, hasSeparator, !restStartsWord, d == seg.endIndex || !ASCII.isSpace(seg[d]) {
                        dotdot += 1
                        if !sawNonTraversalSegment { leadingDotDot = true }
                    } else if dots == 1, d == seg.endIndex, hasSeparator {
                        dotSegments += 1
                    } else {
                        sawNonTraversalSegment = true
                    }
                    if dots >= 4, segStart > 0 { dotRunAfterSeparator = true }
                }
                segStart = i + 1
            }
            i += 1
        }
        // longest dot run anywhere
        var run = 0
        for c in p {
            if c == UInt8(ascii: ".") { run += 1; maxDotRun = max(maxDotRun, run) } else { run = 0 }
        }
        let strongTarget = sensitiveTarget(in: p, strongOnly: true)
        let anyTarget = strongTarget ?? sensitiveTarget(in: p, strongOnly: false)

        if dotdot >= 2 {
            if let t = anyTarget { add(.pathDotDotSensitive, "\(dotdot) '..' segments towards \(t)") }
            add(.pathDotDotRepeated, "\(dotdot) '..' segments")
        } else if dotdot == 1 {
            if let t = anyTarget { add(.pathDotDotSensitive, "'..' segment towards \(t)") }
            else if leadingDotDot, !hasSpace, p.first == UInt8(ascii: "/") || !plainRelativeParent(p) {
                // `/..` climbs above the root, `...`/`..;` are obfuscated; a plain relative
                // `../assets/logo.png` (markdown links, imports) is not evidence on its own.
                add(.pathDotDotSingle, "value starts with a '..' segment")
            }
        }
        if maxDotRun >= 4, !hasSpace, (strongTarget != nil || dotRunAfterSeparator || maxDotRun >= 10) {
            add(.pathDotRun, "run of \(maxDotRun) dots\(strongTarget.map { " towards \($0)" } ?? "")")
        }
        if dotSegments >= 3 { add(.pathRedundantDots, "\(dotSegments) './' segments") }
        else if dotSegments >= 1, dotdot == 0, p.first == UInt8(ascii: "/"),
                p.allSatisfy({ $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ".") }) {
            add(.pathRedundantDots, "absolute path made only of './' segments")
        }
        if let drive = fileURLDrive(p) {
            add(.pathSensitiveFile, "file: URL to local drive \(drive)")
        }
        if dotdot == 0, strongTarget != nil {
            // Must look like a path: after a separator, drive/scheme colon or dots, or the
            // whole value is the path.
            for t in sensitiveTargets where !weakTargets.contains(t.description) {
                var from = 0
                var hit = false
                while let idx = ASCII.firstIndex(of: t, in: p, from: from) {
                    from = idx + 1
                    let prev: UInt8? = idx > 0 ? p[idx - 1] : nil
                    if prev == UInt8(ascii: "/") || prev == UInt8(ascii: ":") || prev == UInt8(ascii: ".") || (prev == nil && !hasSpace) {
                        hit = true; break
                    }
                }
                if hit { add(.pathSensitiveFile, "path to \(t)"); break }
            }
        }
        // PHP stream wrappers used for local file inclusion.
        let wrappers: [StaticString] = ["php://filter", "php://input", "php://fd", "zip://", "phar://"]
        for wrapper in wrappers where ASCII.contains(p, wrapper) {
            add(.pathSensitiveFile, "PHP stream wrapper \(wrapper)")
            break
        }
        // Fuzzer overflow/normalisation probes on a path.
        if p.first == UInt8(ascii: "/") {
            var r = 1, best = 1
            for k in 1..<p.count { if p[k] == p[k - 1] { r += 1; best = max(best, r) } else { r = 1 } }
            if best >= 64 { add(.pathLongRepeat, "path segment of \(best) repeated characters") }
            var slashes = 0
            while slashes < p.count, p[slashes] == UInt8(ascii: "/") { slashes += 1 }
            if slashes >= 3 { add(.pathSlashRun, "value starts with \(slashes) slashes") }
        }
        for (rule, detail) in found { evidence.append(Evidence(rule, detail)) }
    }

    static func firstIndex(of t: StaticString, in p: [UInt8]) -> Int? { ASCII.firstIndex(of: t, in: p, from: 0) }

    /// Whether a value starting with `..` is an ordinary relative path: exactly two dots,
    /// then `/` and a word (`../assets/logo.png`, `../README.md`).
    static func plainRelativeParent(_ p: [UInt8]) -> Bool {
        p.count > 3 && p[0] == UInt8(ascii: ".") && p[1] == UInt8(ascii: ".") && p[2] == UInt8(ascii: "/")
            && (ASCII.isAlnum(p[3]) || p[3] == UInt8(ascii: "_"))
    }

    /// The drive letter of a `file:` URL that names a local Windows drive (`file:/c:`,
    /// `file:///c:/`, `file://c:\`): reading a local file, whatever the file is.
    static func fileURLDrive(_ p: [UInt8]) -> String? {
        var from = 0
        while let i = ASCII.firstIndex(of: "file:", in: p, from: from) {
            from = i + 5
            if i > 0, ASCII.isWordByte(p[i - 1]) { continue }
            var k = i + 5
            var slashes = 0
            while k < p.count, p[k] == UInt8(ascii: "/"), slashes < 4 { k += 1; slashes += 1 }
            guard slashes >= 1, k + 1 < p.count, ASCII.isLetter(p[k]), p[k + 1] == UInt8(ascii: ":") else { continue }
            return String(UnicodeScalar(p[k])) + ":"
        }
        return nil
    }
}
