/// Byte-level lexical rules behind ``RouteTemplater/classify(_:)``.
///
/// Invariants: every function here is pure, works on UTF-8 bytes without allocating (except
/// the two set look-ups for file names, which lowercase a short slice), and never traps on any
/// input. Rules are ordered from most specific (UUID, date, e-mail) to least (random-looking
/// alphanumerics); anything not matched is a ``SegmentKind/literal``.
enum SegmentClassifier {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func classify(_ b: Bytes) -> SegmentKind {
        let n = b.count
        if n == 0 { return .literal }
        if n > RouteTemplater.maxLiteralLength { return .token }

        var digits = 0, lower = 0, upper = 0, hexLetters = 0
        var dashes = 0, underscores = 0, dots = 0, ats = 0, base64Extra = 0, other = 0
        for c in b {
            switch c {
            case ascii("0")...ascii("9"): digits += 1
            case ascii("a")...ascii("z"):
                lower += 1
                if c <= ascii("f") { hexLetters += 1 }
            case ascii("A")...ascii("Z"):
                upper += 1
                if c <= ascii("F") { hexLetters += 1 }
            case ascii("-"): dashes += 1
            case ascii("_"): underscores += 1
            case ascii("."): dots += 1
            case ascii("@"): ats += 1
            case ascii("+"), ascii("="), ascii("/"): base64Extra += 1
            default: other += 1
            }
        }
        let letters = lower + upper
        let alnum = digits + letters

        if digits == n {
            return n == 8 && isCompactDate(b) ? .date : .integer
        }
        if ats == 1, isEmail(b) { return .email }
        if n == 36, dashes == 4, isUUID(b) { return .uuid }
        if n >= 7, isDigit(b[0]), isDate(b) { return .date }
        if b[0] == ascii("v") || b[0] == ascii("V"), isVersion(b) { return .literal }
        if dots > 0, digits + dots == n, isDigit(b[0]), isDigit(b[n - 1]) { return .integer }
        if n == 26, alnum == n, isULID(b) { return .ulid }
        if alnum == n, digits > 0, letters > 0, hexLetters == letters, !(lower > 0 && upper > 0) {
            switch n {
            case 32, 40, 64, 96, 128: return .hash
            case 12...: return .hexID
            default: break
            }
        }
        if dots > 0 { return classifyDotted(b, dots: dots) }
        if base64Extra > 0 {
            if n >= 16, other == 0, ats == 0, digits > 0 || (upper > 0 && lower > 0) { return .token }
            return .literal
        }
        if dashes + underscores > 0, alnum + dashes + underscores == n {
            return classifySeparated(b)
        }
        if alnum == n, isRandomAlphanumeric(b) {
            return n >= 20 ? .token : .mixedID
        }
        return .literal
    }

    // MARK: - Dotted segments: files, identifiers with extension, JWTs, domains

    private static func classifyDotted(_ b: Bytes, dots: Int) -> SegmentKind {
        let n = b.count
        if dots == 2, n >= 32, isJWTLike(b) { return .token }
        guard let lastDot = b.lastIndex(of: ascii(".")), lastDot > 0, lastDot < n - 1 else {
            return .literal   // ".well-known", "trailing."
        }
        let extLength = n - lastDot - 1
        guard extLength <= 7 else { return .literal }
        let ext = lowercased(Bytes(rebasing: b[(lastDot + 1)...]))
        guard RouteVocabulary.fileExtensions.contains(ext) else { return .literal }
        if RouteVocabulary.literalFileNames.contains(lowercased(b)) { return .literal }
        switch classify(Bytes(rebasing: b[..<lastDot])) {
        case .integer, .uuid, .ulid, .hexID, .hash, .prefixedID, .mixedID, .token:
            return .identifierWithExtension
        default:
            return .file
        }
    }

    private static func isJWTLike(_ b: Bytes) -> Bool {
        var partLength = 0
        var parts = 0
        for c in b {
            if c == ascii(".") {
                if partLength < 4 { return false }
                parts += 1
                partLength = 0
            } else if isAlnum(c) || c == ascii("-") || c == ascii("_") || c == ascii("=") {
                partLength += 1
            } else {
                return false
            }
        }
        return parts == 2 && partLength >= 4
    }

    // MARK: - Hyphen / underscore separated segments

    /// `cus_9fK2aBq8`, `usr-8812`, `sk_live_4eC3…` → prefixed id; `my-first-post`, `utf-8`,
    /// `top-10-tips` → literal; separated random chunks → mixed id / token.
    private static func classifySeparated(_ b: Bytes) -> SegmentKind {
        var parts: [Range<Int>] = []
        var start = 0
        for i in 0..<b.count where b[i] == ascii("-") || b[i] == ascii("_") {
            if i > start { parts.append(start..<i) }
            start = i + 1
        }
        if start < b.count { parts.append(start..<b.count) }
        guard let last = parts.last else { return .literal }
        let lastPart = Bytes(rebasing: b[last])

        if parts.count >= 2, parts.count <= 3 {
            var prefixLetters = 0
            var prefixOK = true
            for range in parts.dropLast() {
                let part = Bytes(rebasing: b[range])
                let allLower = part.allSatisfy { $0 >= ascii("a") && $0 <= ascii("z") }
                let allUpper = part.allSatisfy { $0 >= ascii("A") && $0 <= ascii("Z") }
                if part.count > 8 || !(allLower || allUpper) { prefixOK = false; break }
                prefixLetters += part.count
            }
            if prefixOK {
                if lastPart.count >= 6, isRandomAlphanumeric(lastPart) { return .prefixedID }
                // Behind a prefix, a long mixed-case tail with several capitals is generated.
                if lastPart.count >= 12, lastPart.allSatisfy(isAlnum),
                   lastPart.lazy.filter({ $0 >= ascii("A") && $0 <= ascii("Z") }).count >= 3,
                   lastPart.contains(where: { $0 >= ascii("a") && $0 <= ascii("z") }) {
                    return .prefixedID
                }
                // `usr-8812`, `INV-00042`: one short prefix and at least four digits that are
                // not a year (`q3-2025`, `summer-2026` are names).
                if parts.count == 2, prefixLetters <= 5, lastPart.count >= 4, lastPart.allSatisfy(isDigit),
                   !(lastPart.count == 4 && (1900...2099).contains(number(lastPart, 0, 4))) {
                    return .prefixedID
                }
            }
        }
        var alnumCount = 0
        var anyRandom = false
        for range in parts {
            let part = Bytes(rebasing: b[range])
            alnumCount += part.count
            if isRandomAlphanumeric(part) { anyRandom = true }
        }
        if anyRandom { return alnumCount >= 20 ? .token : .mixedID }
        return .literal
    }

    // MARK: - Random-looking alphanumerics

    /// True for strings of `[A-Za-z0-9]` that look generated rather than written:
    /// several letter/digit alternations, a long number glued to letters, or irregular mixed
    /// case that is not camelCase. `oauth2`, `alice42`, `kalo1987`, `sha256`, `ipv6`,
    /// `getUserById`, `JohnSmith99` are not random; `a8Fk29xQ`, `2NfXq8`, `user12345`,
    /// `aBfKqXzt` are.
    static func isRandomAlphanumeric(_ b: Bytes) -> Bool {
        let n = b.count
        guard n >= 6 else { return false }
        var digits = 0, lower = 0, upper = 0, transitions = 0
        var previousIsDigit: Bool?
        for c in b {
            let digit: Bool
            switch c {
            case ascii("0")...ascii("9"): digits += 1; digit = true
            case ascii("a")...ascii("z"): lower += 1; digit = false
            case ascii("A")...ascii("Z"): upper += 1; digit = false
            default: return false
            }
            if let previousIsDigit, previousIsDigit != digit { transitions += 1 }
            previousIsDigit = digit
        }
        let letters = lower + upper
        if digits == n || letters == 0 { return false }
        let irregularCase = upper >= 1 && lower >= 1 && n >= 8 && !isCamelCase(b)
        if digits > 0 {
            if transitions >= 3 { return true }
            if digits >= 2, transitions >= 2 { return true }
            // One letters/digits boundary: a word plus a number (`kalo1987`, `3dmodel`) unless
            // the number is long or the letters are irregular.
            return digits >= 5 || irregularCase
        }
        return upper >= 2 && irregularCase
    }

    /// A weaker test used only to describe values at a learned position: irregular case
    /// (`uFvMta`) or ``isRandomAlphanumeric(_:)``. Picks `{id}` over `{name}` by majority.
    static func looksGenerated(_ value: String) -> Bool {
        var copy = value
        return copy.withUTF8 { b in
            guard b.count >= 4, b.allSatisfy(isAlnum) else { return false }
            if isRandomAlphanumeric(b) { return true }
            let laterUpper = b.dropFirst().contains { $0 >= ascii("A") && $0 <= ascii("Z") }
            let hasLower = b.contains { $0 >= ascii("a") && $0 <= ascii("z") }
            return laterUpper && hasLower && !isCamelCase(b)
        }
    }

    /// camelCase / PascalCase words, optionally followed by digits (`getUserById`,
    /// `JohnSmith99`): at most a third of the letters upper-case, and single-letter humps
    /// (other than the last word) allowed only once, and not at all in strings under 8 letters.
    private static func isCamelCase(_ b: Bytes) -> Bool {
        var end = b.count
        while end > 0, isDigit(b[end - 1]) { end -= 1 }
        var upper = 0, singleHumps = 0
        for i in 0..<end {
            let c = b[i]
            if isDigit(c) { return false }
            if c >= ascii("A") && c <= ascii("Z") {
                upper += 1
                if i > 0 {
                    var run = 0
                    var j = i + 1
                    while j < end, b[j] >= ascii("a"), b[j] <= ascii("z") { run += 1; j += 1 }
                    if run == 1, j < end { singleHumps += 1 }
                    if run == 0, j < end, i + 1 < end, b[i - 1] >= ascii("a") { singleHumps += 1 }
                }
            }
        }
        return end > 0 && upper * 3 <= end && singleHumps <= (end < 8 ? 0 : 1)
    }

    // MARK: - Fixed formats

    private static func isUUID(_ b: Bytes) -> Bool {
        for (i, c) in b.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if c != ascii("-") { return false }
            } else if !isHex(c) {
                return false
            }
        }
        return true
    }

    /// 26 Crockford base32 characters, first one `0`…`7`, single case, mixing digits and letters.
    private static func isULID(_ b: Bytes) -> Bool {
        guard b[0] >= ascii("0"), b[0] <= ascii("7") else { return false }
        var hasLower = false, hasUpper = false, hasLetter = false
        for c in b {
            switch c {
            case ascii("0")...ascii("9"): continue
            case ascii("a")...ascii("z"):
                if c == ascii("i") || c == ascii("l") || c == ascii("o") || c == ascii("u") { return false }
                hasLower = true; hasLetter = true
            case ascii("A")...ascii("Z"):
                if c == ascii("I") || c == ascii("L") || c == ascii("O") || c == ascii("U") { return false }
                hasUpper = true; hasLetter = true
            default: return false
            }
        }
        return hasLetter && !(hasLower && hasUpper)
    }

    /// `YYYYMMDD` with a plausible year (1900–2199), month and day.
    private static func isCompactDate(_ b: Bytes) -> Bool {
        let year = number(b, 0, 4), month = number(b, 4, 2), day = number(b, 6, 2)
        return (1900...2199).contains(year) && (1...12).contains(month) && (1...31).contains(day)
    }

    /// `YYYY-MM`, `YYYY-MM-DD`, or `YYYY-MM-DD[T ]hh:mm[:ss[.fff]][Z|±hh:mm]`.
    private static func isDate(_ b: Bytes) -> Bool {
        let n = b.count
        guard n >= 7, b[4] == ascii("-"), (0..<4).allSatisfy({ isDigit(b[$0]) }),
              isDigit(b[5]), isDigit(b[6]) else { return false }
        let year = number(b, 0, 4), month = number(b, 5, 2)
        guard (1900...2199).contains(year), (1...12).contains(month) else { return false }
        if n == 7 { return true }
        guard n >= 10, b[7] == ascii("-"), isDigit(b[8]), isDigit(b[9]),
              (1...31).contains(number(b, 8, 2)) else { return false }
        if n == 10 { return true }
        guard n >= 16, b[10] == ascii("T") || b[10] == ascii("t") || b[10] == ascii(" ") else { return false }
        for c in b[11...] where !(isDigit(c) || c == ascii(":") || c == ascii(".") || c == ascii("Z")
                                   || c == ascii("z") || c == ascii("+") || c == ascii("-")) {
            return false
        }
        return b[13] == ascii(":")
    }

    /// `v1`, `V2`, `v2.1`, `v1beta1`, `v3alpha`, `v2rc1`.
    private static func isVersion(_ b: Bytes) -> Bool {
        guard b.count >= 2, b.count <= 16, isDigit(b[1]) else { return false }
        var i = 1
        while i < b.count, isDigit(b[i]) || (b[i] == ascii(".") && i + 1 < b.count && isDigit(b[i + 1])) { i += 1 }
        if i == b.count { return true }
        let rest = lowercased(Bytes(rebasing: b[i...]))
        for word in ["alpha", "beta", "rc", "preview"] where rest.hasPrefix(word) {
            return rest.dropFirst(word.count).allSatisfy(\.isNumber)
        }
        return false
    }

    /// `local@domain.tld` with a conservative character set and a 2+ letter TLD.
    private static func isEmail(_ b: Bytes) -> Bool {
        guard let at = b.firstIndex(of: ascii("@")), at > 0, at < b.count - 3 else { return false }
        for c in b[..<at] where !(isAlnum(c) || c == ascii(".") || c == ascii("_") || c == ascii("%")
                                   || c == ascii("+") || c == ascii("-")) {
            return false
        }
        var lastDot = -1
        for i in (at + 1)..<b.count {
            let c = b[i]
            if c == ascii(".") {
                if i == at + 1 || i == lastDot + 1 { return false }
                lastDot = i
            } else if !(isAlnum(c) || c == ascii("-")) {
                return false
            }
        }
        guard lastDot > at, b.count - lastDot - 1 >= 2 else { return false }
        return b[(lastDot + 1)...].allSatisfy { ($0 | 0x20) >= ascii("a") && ($0 | 0x20) <= ascii("z") }
    }

    // MARK: - Byte helpers

    @inline(__always) static func ascii(_ s: Unicode.Scalar) -> UInt8 { UInt8(ascii: s) }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    @inline(__always) static func isHex(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= ascii("a") && c <= ascii("f")) || (c >= ascii("A") && c <= ascii("F"))
    }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= ascii("a") && c <= ascii("z")) || (c >= ascii("A") && c <= ascii("Z"))
    }

    private static func number(_ b: Bytes, _ start: Int, _ length: Int) -> Int {
        var value = 0
        for i in start..<(start + length) { value = value * 10 + Int(b[i] &- 48) }
        return value
    }

    private static func lowercased(_ b: Bytes) -> String {
        String(decoding: b.lazy.map { $0 >= ascii("A") && $0 <= ascii("Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
