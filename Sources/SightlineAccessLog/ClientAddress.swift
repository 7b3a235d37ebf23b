import SightlineCore

/// Client addresses: `$remote_addr` and `X-Forwarded-For` entries.
enum ClientAddress {
    /// The address as the event's `client_ip`, when it is a valid IPv4 or IPv6 address.
    static func validated(_ value: UnsafeRawBufferPointer) -> String? {
        guard !value.isEmpty, value.count <= 45 else { return nil }
        if isIPv4(value) { return String(decoding: value, as: UTF8.self) }
        var hasColon = false
        for byte in value {
            if byte == 0x3A { hasColon = true; continue }
            // Hex digits and dots (an IPv4 tail) only; anything else is not an IPv6 address.
            guard byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 6 || byte == 0x2E else { return nil }
        }
        guard hasColon else { return nil }
        let text = String(decoding: value, as: UTF8.self)
        return IPAddress.isValid(text) ? text : nil
    }

    /// Dotted quad, no leading zeros (as `inet_pton` wants).
    static func isIPv4(_ value: UnsafeRawBufferPointer) -> Bool {
        guard value.count >= 7, value.count <= 15 else { return false }
        var parts = 0
        var digits = 0
        var number = 0
        var leadingZero = false
        for byte in value {
            if byte == 0x2E {
                guard digits > 0 else { return false }
                parts += 1
                digits = 0
                number = 0
                continue
            }
            let digit = Int(byte &- 0x30)
            guard digit < 10, !(leadingZero && digits == 1) else { return false }
            if digits == 0 { leadingZero = digit == 0 }
            number = number * 10 + digit
            digits += 1
            guard digits <= 3, number <= 255 else { return false }
        }
        return parts == 3 && digits > 0
    }

    /// The first valid address of an `X-Forwarded-For` list (`client, proxy1, proxy2`); ports
    /// (`1.2.3.4:5678`, `[2001:db8::1]:443`) and brackets are removed.
    static func firstForwarded(_ value: UnsafeRawBufferPointer) -> String? {
        var start = 0
        while start < value.count {
            var end = start
            while end < value.count, value[end] != 0x2C { end += 1 }
            var low = start
            var high = end
            while low < high, value[low] == 0x20 || value[low] == 0x09 { low += 1 }
            while high > low, value[high - 1] == 0x20 || value[high - 1] == 0x09 { high -= 1 }
            if low < high {
                if value[low] == 0x5B { // [v6]:port
                    var close = low + 1
                    while close < high, value[close] != 0x5D { close += 1 }
                    if close < high, let address = validated(UnsafeRawBufferPointer(rebasing: value[(low + 1)..<close])) {
                        return address
                    }
                } else {
                    let entry = UnsafeRawBufferPointer(rebasing: value[low..<high])
                    if let address = validated(entry) { return address }
                    // v4:port
                    var colon = low
                    var colons = 0
                    for index in low..<high where value[index] == 0x3A {
                        colon = index
                        colons += 1
                    }
                    if colons == 1, let address = validated(UnsafeRawBufferPointer(rebasing: value[low..<colon])) {
                        return address
                    }
                }
            }
            start = end + 1
        }
        return nil
    }
}
