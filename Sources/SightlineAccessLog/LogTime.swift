import SightlineCore

/// Times as access logs write them, to microseconds since the Unix epoch (UTC).
enum LogTime {
    /// `10/Oct/2000:13:55:36 -0700` (`$time_local`, Apache `%t`); month names in any case.
    static func commonLogFormat(_ value: UnsafeRawBufferPointer) -> Int64? {
        guard value.count == 26, value[2] == 0x2F, value[6] == 0x2F, value[11] == 0x3A, value[14] == 0x3A,
              value[17] == 0x3A, value[20] == 0x20
        else { return nil }
        @inline(__always) func digits(_ start: Int, _ length: Int) -> Int? {
            var result = 0
            for index in start..<(start + length) {
                let digit = value[index] &- 0x30
                guard digit < 10 else { return nil }
                result = result * 10 + Int(digit)
            }
            return result
        }
        guard let day = digits(0, 2), let year = digits(7, 4), let hour = digits(12, 2),
              let minute = digits(15, 2), let second = digits(18, 2),
              let month = month(value[3], value[4], value[5]),
              let zoneHours = digits(22, 2), let zoneMinutes = digits(24, 2),
              value[21] == 0x2B || value[21] == 0x2D
        else { return nil }
        guard year >= 1970, year <= 9999, day >= 1, day <= daysInMonth(year: year, month: month), hour <= 23, minute <= 59,
              second <= 60, zoneHours <= 23, zoneMinutes <= 59
        else { return nil }
        let offset = (zoneHours * 3600 + zoneMinutes * 60) * (value[21] == 0x2B ? 1 : -1)
        let seconds = Int64(daysFromCivil(year: year, month: month, day: day)) * 86_400
            + Int64(hour * 3600 + minute * 60 + second - offset)
        return seconds * 1_000_000
    }

    @inline(__always)
    private static func month(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        // Lower-cased three letters packed into one number.
        switch UInt32(a | 0x20) << 16 | UInt32(b | 0x20) << 8 | UInt32(c | 0x20) {
        case 0x6A616E: return 1  // jan
        case 0x666562: return 2  // feb
        case 0x6D6172: return 3  // mar
        case 0x617072: return 4  // apr
        case 0x6D6179: return 5  // may
        case 0x6A756E: return 6  // jun
        case 0x6A756C: return 7  // jul
        case 0x617567: return 8  // aug
        case 0x736570: return 9  // sep
        case 0x6F6374: return 10 // oct
        case 0x6E6F76: return 11 // nov
        case 0x646563: return 12 // dec
        default: return nil
        }
    }

    /// RFC 3339 / ISO 8601 (`$time_iso8601`: `2000-10-10T13:55:36-07:00`); also accepts a zone
    /// written `+0000`. A time without a zone is refused: it cannot be placed in UTC.
    static func iso8601(_ value: UnsafeRawBufferPointer) -> Int64? {
        if let micros = Timestamp.parse(value) { return micros }
        let count = value.count
        guard count >= 24, count <= 64, value[count - 5] == 0x2B || value[count - 5] == 0x2D else { return nil }
        var fixed = Array(value)
        fixed.insert(0x3A, at: count - 2)
        return fixed.withUnsafeBytes { Timestamp.parse($0) }
    }

    /// Seconds since the epoch with a fraction (`$msec`).
    static func epochSeconds(_ value: UnsafeRawBufferPointer) -> Int64? {
        FieldText.secondsAsMicros(value)
    }

    /// A number since the epoch whose unit is told by its size: seconds (below 1e11), milliseconds
    /// (below 1e14), microseconds (below 1e17) or nanoseconds.
    static func epochAnyUnit(_ value: UnsafeRawBufferPointer) -> Int64? {
        guard let (whole, nanos) = FieldText.decimal(value) else { return nil }
        switch whole {
        case ..<100_000_000_000: return whole * 1_000_000 + nanos / 1000
        case ..<100_000_000_000_000: return whole * 1000 + nanos / 1_000_000
        case ..<100_000_000_000_000_000: return whole
        default: return whole / 1000
        }
    }

    /// Any of the forms above, told apart by their shape (JSON logs).
    static func any(_ value: UnsafeRawBufferPointer) -> Int64? {
        guard let first = value.first else { return nil }
        if value.count == 26, value.count > 2, value[2] == 0x2F { return commonLogFormat(value) }
        if value.count >= 20, value[4] == 0x2D { return iso8601(value) }
        if first &- 0x30 < 10 { return epochAnyUnit(value) }
        return nil
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    @inline(__always)
    private static func daysBeforeMonth(_ month: Int) -> Int {
        switch month {
        case 1: return 0
        case 2: return 31
        case 3: return 59
        case 4: return 90
        case 5: return 120
        case 6: return 151
        case 7: return 181
        case 8: return 212
        case 9: return 243
        case 10: return 273
        case 11: return 304
        default: return 334
        }
    }

    /// Days since 1970-01-01 of a Gregorian date (years ≥ 1970): whole years, then whole months.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let yearsBefore = year - 1
        let leapDaysBefore = yearsBefore / 4 - yearsBefore / 100 + yearsBefore / 400
        let leapDaysBefore1970 = 1969 / 4 - 1969 / 100 + 1969 / 400
        var days = (year - 1970) * 365 + leapDaysBefore - leapDaysBefore1970
        let isLeap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        days += daysBeforeMonth(month) + (isLeap && month > 2 ? 1 : 0)
        return days + day - 1
    }
}
