/// Server-side request forgery: URLs a server should never be asked to fetch — schemes only
/// useful server-side (`file://`, `gopher://`, `dict://`, ...), loopback / link-local hosts,
/// cloud metadata endpoints, and IPv4 addresses written in decimal, hex or octal to dodge
/// filters (`http://2130706433/`, `http://0x7f.1/`, `http://0177.0.0.1/`).
enum SSRFDetector {
    static let serverSchemes = WordTable(words: [
        "file", "gopher", "dict", "ldap", "ldaps", "tftp", "jar", "netdoc", "expect", "phar", "sftp", "smb",
    ])
    static let metadataHosts = WordTable(words: [
        "metadata.google.internal", "metadata", "metadata.goog", "metadata.azure.internal", "instance-data",
        "instance-data.ec2.internal", "169.254.169.254", "100.100.100.200", "169.254.170.2", "[fd00:ec2::254]",
        "192.0.0.192",
    ])
    static let loopbackNames = WordTable(words: [
        "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "[::1]", "[::]", "[0:0:0:0:0:0:0:1]",
        "[0:0:0:0:0:0:0:0]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0000::1]", "[::ffff:a9fe:a9fe]",
        "[::ffff:169.254.169.254]",
    ])

    static func detect(_ v: NormalizedValue, into evidence: inout [Evidence]) {
        let b = v.bytes
        var found: [PayloadRule: String] = [:]
        func add(_ rule: PayloadRule, _ detail: String) { if found[rule] == nil { found[rule] = detail } }

        var from = 0
        var urls = 0
        while let r = ASCII.firstIndex(of: "://", in: b, from: from), urls < 16 {
            urls += 1
            from = r + 3
            var s = r
            while s > 0, ASCII.isLetter(b[s - 1]) || ASCII.isDigit(b[s - 1]) || b[s - 1] == UInt8(ascii: "+") || b[s - 1] == UInt8(ascii: "-") { s -= 1 }
            let scheme = b[s..<r]
            if s >= 5, ASCII.hasPrefix(b, "jndi:", at: s - 5) { continue }  // log4shell's business
            let hasTarget = r + 3 < b.count && !ASCII.isSpace(b[r + 3])
            if serverSchemes.contains(scheme), hasTarget {
                let isFile = scheme.elementsEqual("file".utf8)
                let pathView = isFile ? PathTraversalDetector.pathView(b) : []
                // a local file read (a sensitive file, a drive) is path traversal's business
                if !(isFile && (PathTraversalDetector.sensitiveTarget(in: pathView, strongOnly: true) != nil
                                || PathTraversalDetector.fileURLDrive(pathView) != nil)) {
                    add(.ssrfScheme, "\(String(decoding: scheme, as: UTF8.self)):// URL")
                }
            }
            inspectHost(b, hostStart: r + 3, add: add)
        }
        // protocol-relative //host and bare metadata endpoints
        var t = 0
        while t < b.count, ASCII.isSpace(b[t]) { t += 1 }
        if ASCII.hasPrefix(b, "//", at: t) { inspectHost(b, hostStart: t + 2, add: add) }
        else if t < b.count, ASCII.isDigit(b[t]) || b[t] == UInt8(ascii: "m") || b[t] == UInt8(ascii: "[") || b[t] == UInt8(ascii: "i") {
            let host = hostSlice(b, from: t)
            if metadataHosts.contains(host.host) { add(.ssrfMetadataHost, "bare cloud metadata address") }
        }
        for (rule, detail) in found { evidence.append(Evidence(rule, detail)) }
    }

    static func hostSlice(_ b: [UInt8], from start: Int) -> (host: ArraySlice<UInt8>, end: Int) {
        var e = start
        while e < b.count, b[e] != UInt8(ascii: "/"), b[e] != UInt8(ascii: "?"), b[e] != UInt8(ascii: "#"),
              b[e] != UInt8(ascii: "\\"), !ASCII.isSpace(b[e]), b[e] != UInt8(ascii: "\""), b[e] != UInt8(ascii: "'"),
              b[e] != UInt8(ascii: "<"), b[e] != UInt8(ascii: ">") { e += 1 }
        var authority = b[start..<e]
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) { authority = authority[(at + 1)...] }
        // strip the port; keep [v6] literals whole
        if authority.first == UInt8(ascii: "["), let close = authority.firstIndex(of: UInt8(ascii: "]")) {
            authority = authority[...close]
        } else if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
            authority = authority[..<colon]
        }
        while authority.last == UInt8(ascii: ".") { authority = authority.dropLast() }
        return (authority, e)
    }

    static func inspectHost(_ b: [UInt8], hostStart: Int, add: (PayloadRule, String) -> Void) {
        let host = hostSlice(b, from: hostStart).host
        guard !host.isEmpty else { return }
        if metadataHosts.contains(host) { add(.ssrfMetadataHost, "URL to a cloud metadata host"); return }
        if loopbackNames.contains(host) || host.elementsEqual("0".utf8) || host.reversed().starts(with: Array(".localhost".utf8).reversed()) {
            add(.ssrfInternalHost, "URL to a loopback host"); return
        }
        for rebinding in [".nip.io", ".sslip.io", ".xip.io", ".localtest.me"] where host.reversed().starts(with: Array(rebinding.utf8).reversed()) {
            if host.starts(with: "127.".utf8) || host.starts(with: "169.254.".utf8) || rebinding == ".localtest.me" {
                add(.ssrfInternalHost, "URL to a DNS name resolving to loopback"); return
            }
        }
        var v4 = host
        if host.first == UInt8(ascii: "["), ASCII.contains(Array(host), "ffff:"),
           let lastColon = host.lastIndex(of: UInt8(ascii: ":")) {
            // IPv4-mapped IPv6: [::ffff:127.0.0.1], [0:0:0:0:0:ffff:7f00:1]
            let tail = host[(lastColon + 1)...].filter { $0 != UInt8(ascii: "]") }
            if tail.contains(UInt8(ascii: ".")) {
                v4 = tail[...]
            } else if let prev = host[..<lastColon].lastIndex(of: UInt8(ascii: ":")) {
                let hi = host[(prev + 1)..<lastColon], lo = tail
                var value: UInt32 = 0
                for part in [hi, lo[...]] {
                    var x: UInt32 = 0
                    for c in part { guard let h = PayloadNormalizer.hexValue(c) else { return }; x = x << 4 | UInt32(h) }
                    value = value << 16 | (x & 0xFFFF)
                }
                v4 = Array("\(value >> 24).\((value >> 16) & 255).\((value >> 8) & 255).\(value & 255)".utf8)[...]
            }
        }
        guard let (ip, obfuscated) = parseIPv4(v4) else { return }
        let a = ip >> 24, b2 = (ip >> 16) & 0xFF
        let loopback = a == 127 || ip == 0
        let linkLocal = a == 169 && b2 == 254
        let privateNet = a == 10 || (a == 172 && (16...31).contains(b2)) || (a == 192 && b2 == 168) || a == 0
        if linkLocal { add(.ssrfMetadataHost, "URL to link-local 169.254.x.x\(obfuscated ? " (obfuscated IP)" : "")"); return }
        if loopback { add(.ssrfInternalHost, "URL to loopback address\(obfuscated ? " (obfuscated IP)" : "")"); return }
        if obfuscated {
            add(.ssrfObfuscatedIP, privateNet ? "URL host is an obfuscated private IP" : "URL host is a decimal/hex/octal IP")
        }
    }

    /// inet_aton-style IPv4 parsing: 1–4 parts, each decimal, 0x-hex or 0-octal. Returns
    /// the address and whether it was written in anything but dotted decimal.
    static func parseIPv4(_ h: ArraySlice<UInt8>) -> (UInt32, Bool)? {
        guard h.count <= 40, let f = h.first, ASCII.isDigit(f) else { return nil }
        var parts: [UInt64] = []
        var obfuscated = false
        for part in h.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !part.isEmpty, parts.count < 4 else { return nil }
            var value: UInt64 = 0
            if part.count > 2, part.starts(with: "0x".utf8) {
                obfuscated = true
                for c in part.dropFirst(2) {
                    guard let d = PayloadNormalizer.hexValue(c) else { return nil }
                    value = value * 16 + UInt64(d)
                    if value > 0xFFFF_FFFF { return nil }
                }
            } else if part.count > 1, part.first == UInt8(ascii: "0") {
                obfuscated = true
                for c in part.dropFirst() {
                    guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "7") else { return nil }
                    value = value * 8 + UInt64(c - UInt8(ascii: "0"))
                    if value > 0xFFFF_FFFF { return nil }
                }
            } else {
                for c in part {
                    guard ASCII.isDigit(c) else { return nil }
                    value = value * 10 + UInt64(c - UInt8(ascii: "0"))
                    if value > 0xFFFF_FFFF { return nil }
                }
            }
            parts.append(value)
        }
        if parts.count != 4 { obfuscated = true }
        var ip: UInt64 = 0
        switch parts.count {
        case 1: ip = parts[0]
        case 2: guard parts[0] < 256, parts[1] < 1 << 24 else { return nil }; ip = parts[0] << 24 | parts[1]
        case 3: guard parts[0] < 256, parts[1] < 256, parts[2] < 1 << 16 else { return nil }; ip = parts[0] << 24 | parts[1] << 16 | parts[2]
        case 4: guard parts.allSatisfy({ $0 < 256 }) else { return nil }; ip = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3]
        default: return nil
        }
        // A single small number is a port or an id, not an address.
        if parts.count == 1, ip < 1 << 24 { return nil }
        return (UInt32(ip), obfuscated)
    }
}
