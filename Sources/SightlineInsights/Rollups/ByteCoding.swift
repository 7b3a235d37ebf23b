/// Little-endian and LEB128 primitives shared by the rollup blob formats.
///
/// Invariant: writers emit minimal encodings; readers accept exactly what writers emit plus
/// non-minimal varints, and reject anything that would overflow 64 bits.
enum ByteCoding {
    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 64, by: 8) {
            out.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
        }
    }

    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}

/// A bounds-checked cursor over a byte array; every read throws instead of trapping.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var position: Int = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }

    func corrupt(_ reason: String, at offset: Int, underlying: (any Error & Sendable)? = nil) -> InsightsError {
        InsightsError(
            code: .corruptSketch,
            message: "Latency sketch blob (\(bytes.count) bytes) is corrupt at byte \(offset): \(reason). The rollup row cannot be decoded; rebuild it from raw events.",
            underlying: underlying
        )
    }

    mutating func readByte(field: String) throws(InsightsError) -> UInt8 {
        guard position < bytes.count else { throw corrupt("truncated while reading \(field)", at: position) }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readVarint(field: String) throws(InsightsError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw corrupt("truncated while reading \(field)", at: start) }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 {
                throw corrupt("varint for \(field) overflows 64 bits", at: start)
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw corrupt("varint for \(field) is longer than 10 bytes", at: start) }
        }
    }

    mutating func readDouble(field: String) throws(InsightsError) -> Double {
        guard remaining >= 8 else { throw corrupt("truncated while reading \(field)", at: position) }
        var bits: UInt64 = 0
        for k in 0..<8 { bits |= UInt64(bytes[position + k]) << UInt64(8 * k) }
        position += 8
        return Double(bitPattern: bits)
    }

    func expectEnd() throws(InsightsError) {
        guard position == bytes.count else {
            throw corrupt("\(bytes.count - position) unexpected trailing bytes", at: position)
        }
    }
}
