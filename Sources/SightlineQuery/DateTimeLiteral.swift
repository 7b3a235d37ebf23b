/// Parsing of ISO 8601 datetimes into microseconds since the Unix epoch (UTC).
///
/// Accepted: `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM`,
/// `HH:MM:SS` or `HH:MM:SS.ffffff` (up to 9 fraction digits, truncated to µs), optionally
/// followed by `Z` or `±HH:MM` / `±HHMM`. No offset means UTC. Pure Swift, no Foundation.
enum DateTimeLiteral {
    static func parse(_ text: String) -> Int64? {
        let chars = Array(text.utf8)
        var index = 0

        func digits(_ count: Int) -> Int? {
            guard index + count <= chars.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let c = chars[index + offset]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            index += count
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < chars.count, chars[index] == byte else { return false }
            index += 1
            return true
        }

        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        var hour = 0, minute = 0, second = 0
        var micros: Int64 = 0
        var offsetSeconds = 0
        if index < chars.count {
            guard chars[index] == 84 || chars[index] == 116 || chars[index] == 32 else { return nil }  // T t space
            index += 1
            guard let h = digits(2), expect(58), let m = digits(2) else { return nil }
            hour = h
            minute = m
            if expect(58) {
                guard let s = digits(2) else { return nil }
                second = s
                if expect(46) {
                    var count = 0
                    var fraction: Int64 = 0
                    while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                        if count < 6 { fraction = fraction * 10 + Int64(chars[index] - 48) }
                        count += 1
                        index += 1
                    }
                    guard count >= 1, count <= 9 else { return nil }
                    for _ in min(count, 6)..<6 { fraction *= 10 }
                    micros = fraction
                }
            }
            guard hour < 24, minute < 60, second < 60 else { return nil }
            if index < chars.count {
                let c = chars[index]
                if c == 90 || c == 122 {  // Z z
                    index += 1
                } else if c == 43 || c == 45 {  // + -
                    index += 1
                    guard let oh = digits(2) else { return nil }
                    _ = expect(58)
                    guard let om = digits(2), oh < 24, om < 60 else { return nil }
                    offsetSeconds = (oh * 3600 + om * 60) * (c == 43 ? 1 : -1)
                } else {
                    return nil
                }
            }
        }
        guard index == chars.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1_000_000 + micros
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
