import Testing
@testable import SightlineWAL

@Suite("CRC-32C")
struct CRC32CTests {
    @Test("known vectors (RFC 3720 and the check value)")
    func knownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    }

    /// Bit-at-a-time reference implementation.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    @Test("slice-by-8 matches the bitwise reference at every length and alignment")
    func matchesReference() {
        var random = SeededGenerator(seed: 42)
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &random) }
        for start in 0..<9 {
            for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200, 291 - start] {
                let slice = Array(data[start..<(start + length)])
                let fast = data.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)])) }
                #expect(fast == Self.reference(slice), "start \(start) length \(length)")
            }
        }
    }

    @Test("updating in pieces equals one pass")
    func incremental() {
        let data = Array("The quick brown fox jumps over the lazy dog, twice over.".utf8)
        let whole = CRC32C.checksum(data)
        for split in 0...data.count {
            let state = data.withUnsafeBytes { bytes in
                CRC32C.update(
                    CRC32C.update(CRC32C.initialState, UnsafeRawBufferPointer(rebasing: bytes[..<split])),
                    UnsafeRawBufferPointer(rebasing: bytes[split...])
                )
            }
            #expect(CRC32C.finalize(state) == whole)
        }
    }
}
