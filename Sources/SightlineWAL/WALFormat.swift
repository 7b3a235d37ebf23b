/// Constants and byte-level helpers of the on-disk format (described at the top of
/// `WriteAheadLog.swift` and in `docs/specs/wal.md`).
enum WALFormat {
    /// The 8 bytes that open every segment file.
    static let segmentMagic: [UInt8] = Array("SLWALv01".utf8)
    /// Segment header: magic (8) + firstSeq (UInt64 LE).
    static let segmentHeaderSize = 16
    /// The magic that opens every record, stored little-endian (bytes `52 57 4C 53`, "RWLS").
    static let recordMagic: UInt32 = 0x534C_5752
    /// Record header: magic (4) + length (4) + seq (8) + crc (4).
    static let recordHeaderSize = 20
    /// Byte offsets inside a record header.
    static let lengthOffset = 4
    static let seqOffset = 8
    static let crcOffset = 16
    /// The CRC covers the payload, then these 12 header bytes (length + seq).
    static let crcHeaderSpan = 12
    /// The largest payload a record may carry; larger length fields are treated as corrupt.
    static let maxPayloadBytes = 1 << 30
    /// Segment file extension.
    static let segmentExtension = ".wal"

    /// `<firstSeq as 20-digit zero-padded decimal>.wal`.
    static func segmentFileName(firstSeq: UInt64) -> String {
        let digits = String(firstSeq)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + segmentExtension
    }

    /// The firstSeq encoded in a segment file name, or nil for any other file.
    static func firstSeq(fromFileName name: String) -> UInt64? {
        guard name.hasSuffix(segmentExtension) else { return nil }
        let stem = name.dropLast(segmentExtension.count)
        guard stem.count == 20, stem.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt64(stem)
    }

    /// The 16-byte header of a segment starting at `firstSeq`.
    static func segmentHeader(firstSeq: UInt64) -> [UInt8] {
        var header = segmentMagic
        withUnsafeBytes(of: firstSeq.littleEndian) { header.append(contentsOf: $0) }
        return header
    }

    /// Parses a segment header; nil when the magic does not match.
    static func parseSegmentHeader(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count >= segmentHeaderSize,
              bytes.prefix(8).elementsEqual(segmentMagic)
        else { return nil }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// The CRC of a record whose payload-only CRC state is `payloadState` and whose header
    /// (with length and seq filled in) starts at `header`.
    @inline(__always)
    static func recordCRC(payloadState: UInt32, header: UnsafeRawPointer) -> UInt32 {
        CRC32C.finalize(
            CRC32C.update(payloadState, UnsafeRawBufferPointer(start: header + lengthOffset, count: crcHeaderSpan))
        )
    }
}

extension UnsafeMutableRawPointer {
    @inline(__always)
    func storeLE(_ value: UInt32, at offset: Int) {
        storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
    }

    @inline(__always)
    func storeLE(_ value: UInt64, at offset: Int) {
        storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
    }
}

extension UnsafeRawPointer {
    @inline(__always)
    func loadLE32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func loadLE64(at offset: Int) -> UInt64 {
        UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
