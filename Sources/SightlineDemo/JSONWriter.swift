/// Appends compact JSON fragments to a byte buffer.
///
/// Invariants: `string(_:)` always produces a valid JSON string literal (quotes, backslashes
/// and control characters escaped, other UTF-8 passed through); the `raw` appenders are only
/// given ASCII that needs no escaping (keys, punctuation, digits, hex).
struct JSONWriter: Sendable {
    var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends text that is known to need no escaping, such as `,"status":`.
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends an already-safe run of bytes (no quotes, backslashes or control characters).
    @inline(__always)
    mutating func raw(_ text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
        if copied == nil {
            bytes.append(contentsOf: text.utf8)
        }
    }

    /// Appends pre-encoded JSON bytes.
    @inline(__always)
    mutating func raw(_ encoded: [UInt8]) {
        bytes.append(contentsOf: encoded)
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    /// Appends `text` as a quoted, escaped JSON string.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        escaped(text)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the escaped contents of `text` without quotes.
    mutating func escaped(_ text: String) {
        // Fast path: most text needs no escaping and is copied in one go.
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { units in
            for unit in units where unit < 0x20 || unit == UInt8(ascii: "\"") || unit == UInt8(ascii: "\\") {
                return false
            }
            bytes.append(contentsOf: units)
            return true
        }
        if copied == true {
            return
        }
        for unit in text.utf8 {
            switch unit {
            case UInt8(ascii: "\""):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "\\"))
            case 0x0A:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "n"))
            case 0x0D:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "r"))
            case 0x09:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                raw("\\u00")
                hexDigit(UInt64(unit >> 4))
                hexDigit(UInt64(unit & 0x0F))
            default:
                bytes.append(unit)
            }
        }
    }

    /// Appends a decimal integer.
    mutating func int(_ value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
        }
        unsigned(UInt64(value.magnitude))
    }

    /// Appends a decimal unsigned integer.
    mutating func unsigned(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(truncatingIfNeeded: value) &+ 48)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = value
            var start = 20
            while rest > 0 {
                start -= 1
                digits[start] = UInt8(truncatingIfNeeded: rest % 10) &+ 48
                rest /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    /// Appends `value` in decimal, left-padded with zeros to `width` digits.
    @inline(__always)
    mutating func padded(_ value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width {
            divisor *= 10
        }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(truncatingIfNeeded: rest / divisor) &+ 48)
            rest %= divisor
            divisor /= 10
        }
    }

    @inline(__always)
    private mutating func hexDigit(_ nibble: UInt64) {
        let n = UInt8(truncatingIfNeeded: nibble)
        bytes.append(n < 10 ? n &+ 48 : n &+ 87)
    }

    /// Appends the low `digits` hex digits of `value` (at most 16), lowercase, zero-padded.
    @inline(__always)
    mutating func hex(_ value: UInt64, digits: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer in
            var rest = value
            var index = digits
            while index > 0 {
                index -= 1
                let nibble = UInt8(truncatingIfNeeded: rest & 0xF)
                buffer[index] = nibble < 10 ? nibble &+ 48 : nibble &+ 87
                rest >>= 4
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<digits]))
        }
    }

    /// Appends `value` in hex without leading zeros (an IPv6 group).
    mutating func shortHex(_ value: UInt64) {
        var digits = 1
        while digits < 16 && value >> UInt64(digits * 4) != 0 {
            digits += 1
        }
        hex(value, digits: digits)
    }

    /// Appends a duration given in microseconds as milliseconds with up to three decimals,
    /// always with at least one (`12.0`, `12.5`, `12.345`).
    mutating func milliseconds(micros: Int64) {
        let clamped = max(0, micros)
        unsigned(UInt64(clamped / 1000))
        bytes.append(UInt8(ascii: "."))
        let fraction = Int(clamped % 1000)
        if fraction == 0 {
            bytes.append(UInt8(ascii: "0"))
        } else if fraction % 100 == 0 {
            padded(fraction / 100, width: 1)
        } else if fraction % 10 == 0 {
            padded(fraction / 10, width: 2)
        } else {
            padded(fraction, width: 3)
        }
    }

    /// Appends `2026-11-22T10:00:00.123Z` for a time in microseconds since the Unix epoch
    /// (truncated to milliseconds; years 0...9999).
    mutating func timestamp(micros: Int64) {
        let millis = floorDivide(micros, 1000)
        let days = floorDivide(millis, 86_400_000)
        let millisOfDay = Int(millis - days * 86_400_000)
        let (year, month, day) = Self.civil(days: days)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { out in
            func put(_ value: Int, at offset: Int, width: Int) {
                var rest = value
                var index = offset + width
                while index > offset {
                    index -= 1
                    out[index] = UInt8(truncatingIfNeeded: rest % 10) &+ 48
                    rest /= 10
                }
            }
            put(year, at: 0, width: 4)
            out[4] = UInt8(ascii: "-")
            put(month, at: 5, width: 2)
            out[7] = UInt8(ascii: "-")
            put(day, at: 8, width: 2)
            out[10] = UInt8(ascii: "T")
            put(millisOfDay / 3_600_000, at: 11, width: 2)
            out[13] = UInt8(ascii: ":")
            put(millisOfDay / 60_000 % 60, at: 14, width: 2)
            out[16] = UInt8(ascii: ":")
            put(millisOfDay / 1000 % 60, at: 17, width: 2)
            out[19] = UInt8(ascii: ".")
            put(millisOfDay % 1000, at: 20, width: 3)
            out[23] = UInt8(ascii: "Z")
            bytes.append(contentsOf: UnsafeBufferPointer(out))
        }
    }

    /// Appends `YYYY-MM-DD` for a day number counted from 1970-01-01.
    mutating func date(days: Int64) {
        let (year, month, day) = Self.civil(days: days)
        padded(year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        padded(month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        padded(day, width: 2)
    }

    /// Year (clamped to 0...9999), month and day of a day number counted from 1970-01-01
    /// (Howard Hinnant's civil-from-days algorithm).
    static func civil(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(min(max(year, 0), 9999)), Int(month), Int(day))
    }
}
