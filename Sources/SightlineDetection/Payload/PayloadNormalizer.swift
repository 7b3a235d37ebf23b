/// A request value after normalisation: decoded, folded to ASCII look-alikes, lowercased.
struct NormalizedValue: Sendable {
    /// Normalised bytes (UTF-8; ASCII letters lowercased).
    var bytes: [UInt8]
    /// How many decoding rounds changed the value (2+ means double encoding).
    var decodeRounds: Int
    /// The value carried NUL bytes (raw or encoded), which were removed.
    var hadNullByte: Bool
    /// The input was longer than ``PayloadNormalizer/maxInputBytes`` and was cut.
    var truncated: Bool
}

/// Turns a raw request value into the canonical form every detector reads.
///
/// Steps, in order (decoding repeats up to ``maxDecodeRounds`` times until nothing changes):
/// 1. cap the input at ``maxInputBytes``;
/// 2. percent-decoding (`%3c`, `%u003c`, `+` as space, UTF-7 `+ADw-`/`+AD4-`/`+ACI-`);
/// 3. HTML character references (named subset, decimal, hex; `;` optional for numeric);
/// 4. backslash escapes `\u003c`, `\u{3c}`, `\x3c`;
/// 5. one pass folding Unicode look-alikes to ASCII (full-width forms, typographic quotes,
///    exotic spaces and slashes), overlong UTF-8 (`%c0%ae`) to ASCII, dropping NUL,
///    zero-width and control characters (tab/newline/CR/VT/FF kept as whitespace), and
///    lowercasing ASCII.
///
/// SQL comments and whitespace tricks are handled by the lexers (comments are tokens,
/// `/**/` counts as whitespace), not here, so the HTML and shell views stay faithful.
enum PayloadNormalizer {
    static let maxInputBytes = 16_384
    static let maxDecodeRounds = 3

    static func normalize(_ input: some Collection<UInt8>) -> NormalizedValue {
        var bytes = [UInt8]()
        bytes.reserveCapacity(min(input.count, maxInputBytes))
        var truncated = false
        for b in input {
            if bytes.count == maxInputBytes { truncated = true; break }
            bytes.append(b)
        }
        var rounds = 0
        var hadNull = false
        for _ in 0..<maxDecodeRounds {
            var changed = false
            var hasPercentOrPlus = false, hasAmp = false, hasBackslash = false
            for b in bytes {
                switch b {
                case UInt8(ascii: "%"), UInt8(ascii: "+"): hasPercentOrPlus = true
                case UInt8(ascii: "&"): hasAmp = true
                case UInt8(ascii: "\\"): hasBackslash = true
                default: break
                }
            }
            if hasPercentOrPlus, let d = percentDecode(bytes) { bytes = d; changed = true }
            if hasAmp, let d = entityDecode(bytes) { bytes = d; changed = true }
            if hasBackslash, let d = escapeDecode(bytes) { bytes = d; changed = true }
            if !changed { break }
            rounds += 1
        }
        let folded = fold(bytes, hadNull: &hadNull)
        return NormalizedValue(bytes: folded, decodeRounds: rounds, hadNullByte: hadNull, truncated: truncated)
    }

    // MARK: - Percent decoding

    @inline(__always) static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        guard let s = Unicode.Scalar(scalar) else { return }
        out.append(contentsOf: String(Character(s)).utf8)
    }

    /// Returns nil when nothing was decoded.
    static func percentDecode(_ b: [UInt8]) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(b.count)
        var changed = false
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c == UInt8(ascii: "%") {
                if i + 2 < n, let h = hexValue(b[i + 1]), let l = hexValue(b[i + 2]) {
                    out.append(h << 4 | l); i += 3; changed = true; continue
                }
                if i + 5 < n, b[i + 1] | 0x20 == UInt8(ascii: "u"),
                   let a = hexValue(b[i + 2]), let b2 = hexValue(b[i + 3]),
                   let c3 = hexValue(b[i + 4]), let d = hexValue(b[i + 5]) {
                    let v = UInt32(a) << 12 | UInt32(b2) << 8 | UInt32(c3) << 4 | UInt32(d)
                    appendUTF8(v, to: &out); i += 6; changed = true; continue
                }
            } else if c == UInt8(ascii: "+") {
                // UTF-7 forms of < > " used to smuggle markup.
                if i + 4 < n, b[i + 1] | 0x20 == UInt8(ascii: "a"), b[i + 2] | 0x20 == UInt8(ascii: "d"),
                   b[i + 4] == UInt8(ascii: "-") {
                    let k = b[i + 3] | 0x20
                    if k == UInt8(ascii: "w") { out.append(UInt8(ascii: "<")); i += 5; changed = true; continue }
                    if k == UInt8(ascii: "4") { out.append(UInt8(ascii: ">")); i += 5; changed = true; continue }
                }
                if i + 4 < n, b[i + 1] | 0x20 == UInt8(ascii: "a"), b[i + 2] | 0x20 == UInt8(ascii: "c"),
                   b[i + 3] | 0x20 == UInt8(ascii: "i"), b[i + 4] == UInt8(ascii: "-") {
                    out.append(UInt8(ascii: "\"")); i += 5; changed = true; continue
                }
                out.append(UInt8(ascii: " ")); i += 1; changed = true; continue
            }
            out.append(c)
            i += 1
        }
        return changed ? out : nil
    }

    // MARK: - HTML character references

    private static let namedEntities: [String: UInt8] = [
        "lt": 0x3C, "gt": 0x3E, "amp": 0x26, "quot": 0x22, "apos": 0x27, "nbsp": 0x20, "colon": 0x3A,
        "lpar": 0x28, "rpar": 0x29, "sol": 0x2F, "bsol": 0x5C, "tab": 0x09, "newline": 0x0A, "semi": 0x3B,
        "comma": 0x2C, "period": 0x2E, "excl": 0x21, "num": 0x23, "dollar": 0x24, "percnt": 0x25,
        "lsqb": 0x5B, "rsqb": 0x5D, "lbrack": 0x5B, "rbrack": 0x5D, "lcub": 0x7B, "rcub": 0x7D,
        "lbrace": 0x7B, "rbrace": 0x7D, "grave": 0x60, "equals": 0x3D, "plus": 0x2B, "ast": 0x2A,
        "vert": 0x7C, "verbar": 0x7C, "quest": 0x3F, "commat": 0x40, "hyphen": 0x2D, "lowbar": 0x5F,
    ]
    /// Named references a browser also honours without the trailing `;`.
    private static let legacyNoSemicolon: Set<String> = ["lt", "gt", "amp", "quot"]

    static func entityDecode(_ b: [UInt8]) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(b.count)
        var changed = false
        var i = 0
        let n = b.count
        while i < n {
            guard b[i] == UInt8(ascii: "&"), i + 2 < n else { out.append(b[i]); i += 1; continue }
            if b[i + 1] == UInt8(ascii: "#") {
                var j = i + 2
                var hex = false
                if j < n, b[j] | 0x20 == UInt8(ascii: "x") { hex = true; j += 1 }
                var v: UInt32 = 0
                var digits = 0
                while j < n, digits < 8 {
                    if hex, let h = hexValue(b[j]) { v = v &* 16 &+ UInt32(h) }
                    else if !hex, b[j] >= UInt8(ascii: "0"), b[j] <= UInt8(ascii: "9") {
                        v = v &* 10 &+ UInt32(b[j] - UInt8(ascii: "0"))
                    } else { break }
                    j += 1; digits += 1
                }
                // Swallow extra leading-zero padding digits (&#0000060).
                while j < n, digits >= 8, (hex ? hexValue(b[j]) != nil : (b[j] >= 48 && b[j] <= 57)) { j += 1 }
                if digits > 0, v <= 0x10FFFF {
                    if j < n, b[j] == UInt8(ascii: ";") { j += 1 }
                    appendUTF8(v, to: &out)
                    i = j; changed = true; continue
                }
                out.append(b[i]); i += 1; continue
            }
            var j = i + 1
            while j < n, j - i <= 8, (b[j] | 0x20) >= UInt8(ascii: "a"), (b[j] | 0x20) <= UInt8(ascii: "z") { j += 1 }
            if j > i + 1 {
                let name = String(decoding: b[(i + 1)..<j].map { $0 | 0x20 }, as: UTF8.self)
                if let v = namedEntities[name] {
                    if j < n, b[j] == UInt8(ascii: ";") {
                        out.append(v); i = j + 1; changed = true; continue
                    } else if legacyNoSemicolon.contains(name) {
                        out.append(v); i = j; changed = true; continue
                    }
                }
            }
            out.append(b[i]); i += 1
        }
        return changed ? out : nil
    }

    // MARK: - Backslash escapes

    static func escapeDecode(_ b: [UInt8]) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(b.count)
        var changed = false
        var i = 0
        let n = b.count
        while i < n {
            if b[i] == UInt8(ascii: "\\"), i + 1 < n {
                let k = b[i + 1] | 0x20
                if k == UInt8(ascii: "u") {
                    if i + 2 < n, b[i + 2] == UInt8(ascii: "{") {
                        var j = i + 3
                        var v: UInt32 = 0
                        while j < n, j - i < 11, let h = hexValue(b[j]) { v = v << 4 | UInt32(h); j += 1 }
                        if j < n, b[j] == UInt8(ascii: "}"), j > i + 3 {
                            appendUTF8(v, to: &out); i = j + 1; changed = true; continue
                        }
                    } else if i + 5 < n, let a = hexValue(b[i + 2]), let b2 = hexValue(b[i + 3]),
                              let c = hexValue(b[i + 4]), let d = hexValue(b[i + 5]) {
                        let v = UInt32(a) << 12 | UInt32(b2) << 8 | UInt32(c) << 4 | UInt32(d)
                        appendUTF8(v, to: &out); i += 6; changed = true; continue
                    }
                } else if k == UInt8(ascii: "x"), i + 3 < n, let h = hexValue(b[i + 2]), let l = hexValue(b[i + 3]) {
                    out.append(h << 4 | l); i += 4; changed = true; continue
                }
            }
            out.append(b[i]); i += 1
        }
        return changed ? out : nil
    }

    // MARK: - Unicode fold, overlong UTF-8, controls, case

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 {
        (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) ? b | 0x20 : b
    }

    /// ASCII replacement for a look-alike scalar; 0 means drop; nil means keep as is.
    static func foldScalar(_ v: UInt32) -> UInt8?? {
        switch v {
        case 0xFF01...0xFF5E: return .some(lower(UInt8(v - 0xFEE0)))
        case 0x00A0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return .some(0x20)
        case 0x00AD, 0x200B...0x200D, 0x2060, 0xFEFF, 0x180E: return .some(nil)
        case 0x2018, 0x2019, 0x201B, 0x2032, 0x02B9, 0x02BC, 0xFF07: return .some(0x27)
        case 0x201C, 0x201D, 0x201F, 0x2033, 0x02BA: return .some(0x22)
        case 0xFE64, 0x2039, 0x02C2: return .some(0x3C)
        case 0xFE65, 0x203A, 0x02C3: return .some(0x3E)
        case 0x2215, 0x2044, 0x29F8: return .some(0x2F)
        case 0x2216, 0x29F9, 0xFE68: return .some(0x5C)
        case 0x2024, 0xFE52: return .some(0x2E)
        case 0x037E, 0xFE54: return .some(0x3B)
        case 0xFE59: return .some(0x28)
        case 0xFE5A: return .some(0x29)
        default: return nil
        }
    }

    static func fold(_ b: [UInt8], hadNull: inout Bool) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(b.count)
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 {
                switch c {
                case 0: hadNull = true
                case 0x09...0x0D, 0x20...0x7E: out.append(lower(c))
                default: break  // other C0 controls and DEL
                }
                i += 1
                continue
            }
            // Overlong encodings of ASCII (%c0%ae, %e0%80%ae) decode to the ASCII byte.
            if (c == 0xC0 || c == 0xC1), i + 1 < n, b[i + 1] & 0xC0 == 0x80 {
                let v = (c & 0x1F) << 6 | (b[i + 1] & 0x3F)
                if v == 0 { hadNull = true } else { out.append(lower(v)) }
                i += 2; continue
            }
            if c == 0xE0, i + 2 < n, b[i + 1] & 0xE0 == 0x80, b[i + 2] & 0xC0 == 0x80 {
                let v = UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F)
                if v < 0x80 {
                    if v == 0 { hadNull = true } else { out.append(lower(UInt8(v))) }
                    i += 3; continue
                }
            }
            var len = 0
            var v: UInt32 = 0
            if c & 0xE0 == 0xC0 { len = 2; v = UInt32(c & 0x1F) }
            else if c & 0xF0 == 0xE0 { len = 3; v = UInt32(c & 0x0F) }
            else if c & 0xF8 == 0xF0 { len = 4; v = UInt32(c & 0x07) }
            var ok = len > 0 && i + len <= n
            if ok {
                for k in 1..<len {
                    let cc = b[i + k]
                    if cc & 0xC0 != 0x80 { ok = false; break }
                    v = v << 6 | UInt32(cc & 0x3F)
                }
            }
            guard ok else { out.append(c); i += 1; continue }
            if let replacement = foldScalar(v) {
                if let r = replacement { out.append(r) }
            } else {
                out.append(contentsOf: b[i..<(i + len)])
            }
            i += len
        }
        return out
    }
}
