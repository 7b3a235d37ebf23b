/// CRC-32C (Castagnoli, reflected polynomial `0x82F63B78`), computed with slice-by-8 tables.
///
/// The checksum used by every WAL record. The API separates the running *state* from the
/// finished checksum so a record's CRC can be computed in two steps: the payload part by the
/// appending caller (off the writer thread), and the 12 header bytes (length + seq) by the writer
/// once the sequence number is known.
///
/// ```swift
/// let crc = CRC32C.checksum(Array("123456789".utf8))   // 0xE306_9283
/// ```
enum CRC32C {
    /// The state to start from (all ones).
    static let initialState: UInt32 = 0xFFFF_FFFF

    /// Turns a running state into the checksum (final bit inversion).
    @inline(__always)
    static func finalize(_ state: UInt32) -> UInt32 { ~state }

    /// The checksum of `bytes`.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        finalize(update(initialState, bytes))
    }

    /// The checksum of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Feeds `bytes` into a running `state` and returns the new state.
    static func update(_ state: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard var pointer = bytes.baseAddress, bytes.count > 0 else { return state }
        var remaining = bytes.count
        var crc = state
        return table.withUnsafeBufferPointer { tablePointer -> UInt32 in
            let t = tablePointer.baseAddress.unsafelyUnwrapped
            // Bytes until 8-byte alignment, so the main loop reads aligned words.
            while remaining > 0 && (Int(bitPattern: pointer) & 7) != 0 {
                let byte = pointer.load(as: UInt8.self)
                crc = t[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
                pointer += 1
                remaining -= 1
            }
            while remaining >= 8 {
                let word = UInt64(littleEndian: pointer.load(as: UInt64.self)) ^ UInt64(crc)
                crc = t[7 &* 256 &+ Int(truncatingIfNeeded: word & 0xFF)]
                    ^ t[6 &* 256 &+ Int(truncatingIfNeeded: (word &>> 8) & 0xFF)]
                    ^ t[5 &* 256 &+ Int(truncatingIfNeeded: (word &>> 16) & 0xFF)]
                    ^ t[4 &* 256 &+ Int(truncatingIfNeeded: (word &>> 24) & 0xFF)]
                    ^ t[3 &* 256 &+ Int(truncatingIfNeeded: (word &>> 32) & 0xFF)]
                    ^ t[2 &* 256 &+ Int(truncatingIfNeeded: (word &>> 40) & 0xFF)]
                    ^ t[1 &* 256 &+ Int(truncatingIfNeeded: (word &>> 48) & 0xFF)]
                    ^ t[Int(truncatingIfNeeded: word &>> 56)]
                pointer += 8
                remaining &-= 8
            }
            while remaining > 0 {
                let byte = pointer.load(as: UInt8.self)
                crc = t[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
                pointer += 1
                remaining -= 1
            }
            return crc
        }
    }

    /// Eight 256-entry tables, flattened: `table[k * 256 + i]`.
    private static let table: [UInt32] = {
        let polynomial: UInt32 = 0x82F6_3B78
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var crc = UInt32(i)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1
            }
            table[i] = crc
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = table[(k - 1) * 256 + i]
                table[k * 256 + i] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()
}
