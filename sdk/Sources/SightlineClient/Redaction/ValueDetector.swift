/// Finds secrets inside free text (header values, query values, body strings) whatever the field
/// is called, and replaces each occurrence with the redaction marker.
///
/// - `cardNumber`: 13 to 19 digits, optionally grouped by single spaces or dashes, that pass the
///   Luhn check (so order numbers and timestamps of the same length are left alone).
/// - `email`: `local@domain.tld`.
/// - `jwt`: three base64url segments separated by dots, the first starting with `eyJ` (`{"`).
/// - `bearerToken`: `Bearer <token>` (case-insensitive, a token of at least 8 token68
///   characters); the token is replaced, the scheme kept.
public enum ValueDetector: String, Sendable, Hashable, CaseIterable {
    case cardNumber
    case email
    case jwt
    case bearerToken

    /// What a text contains, found in one pass, so that detectors that cannot match are skipped.
    struct Hints {
        /// The most digits in one run of digits joined by single spaces or dashes: the shape a
        /// card number must have (a user agent's scattered version digits do not count).
        var digits = 0
        var at = false
        var jwtStart = false
        var bearer = false

        init(_ bytes: some Sequence<UInt8>) {
            var previous: UInt8 = 0
            var beforePrevious: UInt8 = 0
            var run = 0
            for b in bytes {
                if b >= 0x30 && b <= 0x39 {
                    run += 1
                    if run > digits { digits = run }
                } else if (b == UInt8(ascii: " ") || b == UInt8(ascii: "-")), previous >= 0x30 && previous <= 0x39 {
                    // One separator between digits keeps the run going.
                } else {
                    run = 0
                }
                if b == UInt8(ascii: "@") { at = true }
                if b == UInt8(ascii: "J"), previous == UInt8(ascii: "y"), beforePrevious == UInt8(ascii: "e") { jwtStart = true }
                if (b | 0x20) == UInt8(ascii: "r"), (previous | 0x20) == UInt8(ascii: "e"), (beforePrevious | 0x20) == UInt8(ascii: "r") { bearer = true }
                beforePrevious = previous
                previous = b
            }
        }

        var any: Bool { digits >= 13 || at || jwtStart || bearer }

        func allows(_ detector: ValueDetector) -> Bool {
            switch detector {
            case .cardNumber: return digits >= 13
            case .email: return at
            case .jwt: return jwtStart
            case .bearerToken: return bearer
            }
        }
    }

    /// Returns `text` with every match replaced by `marker`, or `nil` when nothing matched.
    func redact(_ text: String, marker: String) -> String? {
        redact(Array(text.utf8), marker: marker)
    }

    func redact(_ bytes: [UInt8], marker: String) -> String? {
        let ranges: [Range<Int>]
        switch self {
        case .cardNumber: ranges = ValueDetector.cardNumberRanges(bytes)
        case .email: ranges = ValueDetector.emailRanges(bytes)
        case .jwt: ranges = ValueDetector.jwtRanges(bytes)
        case .bearerToken: ranges = ValueDetector.bearerRanges(bytes)
        }
        guard !ranges.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var last = 0
        for r in ranges {
            out.append(contentsOf: bytes[last..<r.lowerBound])
            out.append(contentsOf: marker.utf8)
            last = r.upperBound
        }
        out.append(contentsOf: bytes[last...])
        return String(decoding: out, as: UTF8.self)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isAlnum(_ b: UInt8) -> Bool {
        isDigit(b) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }
    private static func isBase64URL(_ b: UInt8) -> Bool { isAlnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") }

    static func cardNumberRanges(_ b: [UInt8]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var i = 0
        while i < b.count {
            // A run starts at a digit not preceded by a digit or a letter.
            guard isDigit(b[i]), i == 0 || !isAlnum(b[i - 1]) else { i += 1; continue }
            // Extend over digits, allowing single spaces or dashes between digits.
            var j = i
            var end = i
            var digitCount = 0
            while j < b.count, digitCount <= 19 {
                if isDigit(b[j]) {
                    digitCount += 1
                    j += 1
                    end = j
                } else if b[j] == UInt8(ascii: " ") || b[j] == UInt8(ascii: "-"), j + 1 < b.count, isDigit(b[j + 1]), isDigit(b[j - 1]) {
                    j += 1
                } else {
                    break
                }
            }
            let followedByAlnum = end < b.count && isAlnum(b[end])
            if (13...19).contains(digitCount), !followedByAlnum, luhn(b[i..<end]) {
                result.append(i..<end)
                i = end
            } else {
                var k = i
                while k < b.count, isDigit(b[k]) { k += 1 }
                i = max(k, i + 1)
            }
        }
        return result
    }

    /// Luhn check over the digits of `bytes` (separators skipped), without allocating.
    static func luhn(_ bytes: ArraySlice<UInt8>) -> Bool {
        var sum = 0
        var position = 0
        for byte in bytes.reversed() where byte >= 0x30 && byte <= 0x39 {
            var v = Int(byte - 0x30)
            if position % 2 == 1 {
                v *= 2
                if v > 9 { v -= 9 }
            }
            sum += v
            position += 1
        }
        return sum % 10 == 0
    }

    static func emailRanges(_ b: [UInt8]) -> [Range<Int>] {
        func isLocal(_ c: UInt8) -> Bool {
            isAlnum(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "%")
                || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
        }
        func isDomain(_ c: UInt8) -> Bool { isAlnum(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") }
        var result: [Range<Int>] = []
        var at = 0
        var searchFrom = 0
        while at < b.count {
            guard b[at] == UInt8(ascii: "@") else { at += 1; continue }
            var start = at
            while start > searchFrom, isLocal(b[start - 1]) { start -= 1 }
            var end = at + 1
            while end < b.count, isDomain(b[end]) { end += 1 }
            // Trim trailing dots/dashes from the domain.
            while end > at + 1, b[end - 1] == UInt8(ascii: ".") || b[end - 1] == UInt8(ascii: "-") { end -= 1 }
            let domain = b[(at + 1)..<end]
            if start < at, let lastDot = domain.lastIndex(of: UInt8(ascii: ".")), lastDot > at + 1,
               end - lastDot - 1 >= 2, b[(lastDot + 1)..<end].allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) {
                result.append(start..<end)
                searchFrom = end
                at = end
            } else {
                at += 1
            }
        }
        return result
    }

    static func jwtRanges(_ b: [UInt8]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var i = 0
        while i + 3 <= b.count {
            guard b[i] == UInt8(ascii: "e"), b[i + 1] == UInt8(ascii: "y"), b[i + 2] == UInt8(ascii: "J"),
                  i == 0 || !isBase64URL(b[i - 1]) else { i += 1; continue }
            var j = i
            var segments = 1
            var segmentLength = 0
            var valid = true
            while j < b.count {
                if isBase64URL(b[j]) {
                    segmentLength += 1
                } else if b[j] == UInt8(ascii: "."), segments < 3 {
                    if segmentLength == 0 { valid = false; break }
                    segments += 1
                    segmentLength = 0
                } else {
                    break
                }
                j += 1
            }
            if valid, segments == 3, segmentLength > 0, j - i >= 16 {
                result.append(i..<j)
                i = j
            } else {
                i += 1
            }
        }
        return result
    }

    /// RFC 7235 token68 characters.
    private static func isTokenChar(_ c: UInt8) -> Bool {
        isAlnum(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "~")
            || c == UInt8(ascii: "+") || c == UInt8(ascii: "/") || c == UInt8(ascii: "=")
    }

    static func bearerRanges(_ b: [UInt8]) -> [Range<Int>] {
        let word = Array("bearer".utf8)
        var result: [Range<Int>] = []
        var i = 0
        while i + word.count < b.count {
            var matches = i == 0 || !isAlnum(b[i - 1])
            if matches {
                for k in 0..<word.count where (b[i + k] | 0x20) != word[k] {
                    matches = false
                    break
                }
            }
            guard matches, b[i + word.count] == UInt8(ascii: " ") else { i += 1; continue }
            var start = i + word.count
            while start < b.count, b[start] == UInt8(ascii: " ") { start += 1 }
            var end = start
            while end < b.count, isTokenChar(b[end]) { end += 1 }
            if end - start >= 8 {
                result.append(start..<end)
            }
            i = max(end, i + 1)
        }
        return result
    }
}
