/// A group of records to append in one call, built by the caller before it touches the log.
///
/// `WALBatch` is a copy-on-write value. Appending a payload frames it right away: it writes the
/// record header (with the sequence number left as zero) and computes the payload part of the
/// record's CRC, so this work happens on the caller's task, in parallel with other callers, and
/// the writer thread only has to fill in sequence numbers and finish each CRC over 12 bytes.
///
/// ```swift
/// var batch = WALBatch(reservingCapacity: 64 << 10)
/// for event in events { batch.append(event.encodedBytes) }
/// let seqs = try await wal.append(batch)   // e.g. 101...164
/// ```
///
/// Pass the batch to ``WriteAheadLog/append(_:)`` as its last use: the writer then writes the
/// batch's own buffer without copying it.
public struct WALBatch: Sendable {
    /// Framed records, contiguous and ready to write once seqs and CRCs are filled in.
    var storage: Storage?
    /// Number of records.
    public private(set) var count: Int = 0

    /// Creates an empty batch.
    /// - Parameter bytes: Framed bytes to reserve up front (payloads plus 20 bytes per record).
    public init(reservingCapacity bytes: Int = 0) {
        if bytes > 0 {
            storage = Storage(capacity: bytes)
        }
    }

    /// Size of the batch on disk: payloads plus a 20-byte header per record.
    public var byteCount: Int { storage?.length ?? 0 }

    /// Whether the batch holds no records.
    public var isEmpty: Bool { count == 0 }

    /// Appends one record.
    ///
    /// - Parameter payload: The record's bytes, copied into the batch. At most 1 GiB.
    /// - Precondition: `payload.count <= 1 GiB`.
    public mutating func append(_ payload: UnsafeRawBufferPointer) {
        precondition(
            payload.count <= WALFormat.maxPayloadBytes,
            "WAL record payload of \(payload.count) bytes exceeds the 1 GiB limit; split the event."
        )
        let framed = WALFormat.recordHeaderSize + payload.count
        reserveAdditional(framed)
        let storage = self.storage.unsafelyUnwrapped
        let record = storage.base + storage.length
        record.storeLE(WALFormat.recordMagic, at: 0)
        record.storeLE(UInt32(payload.count), at: WALFormat.lengthOffset)
        record.storeLE(UInt64(0), at: WALFormat.seqOffset)
        // Until the writer finishes it, the CRC field holds the running CRC state over the payload.
        record.storeLE(CRC32C.update(CRC32C.initialState, payload), at: WALFormat.crcOffset)
        if let source = payload.baseAddress, payload.count > 0 {
            (record + WALFormat.recordHeaderSize).copyMemory(from: source, byteCount: payload.count)
        }
        storage.length += framed
        count += 1
    }

    /// Appends one record.
    ///
    /// - Parameter payload: The record's bytes. At most 1 GiB.
    public mutating func append(_ payload: [UInt8]) {
        payload.withUnsafeBytes { append($0) }
    }

    /// Makes room for `additional` more bytes, copying the storage if it is shared.
    private mutating func reserveAdditional(_ additional: Int) {
        // No local binding of `storage` here: it would hold a second reference and defeat the
        // uniqueness check.
        if storage == nil {
            storage = Storage(capacity: max(additional, 4096))
            return
        }
        let needed = storage!.length + additional
        if !isKnownUniquelyReferenced(&storage!) {
            storage = storage!.copy(capacity: max(needed, storage!.capacity))
        } else if needed > storage!.capacity {
            storage!.grow(to: max(needed, storage!.capacity * 2))
        }
    }

    /// Makes sure the storage is not shared with another `WALBatch`, so the writer may fill in
    /// sequence numbers in place. Returns the storage (nil for an empty batch).
    mutating func uniqueStorage() -> Storage? {
        guard storage != nil else { return nil }
        if !isKnownUniquelyReferenced(&storage!) {
            storage = storage!.copy(capacity: storage!.length)
        }
        return storage
    }

    /// Manually allocated framed bytes. Mutated only through a uniquely referenced `WALBatch`
    /// (copy-on-write), which is what makes the unchecked `Sendable` sound.
    final class Storage: @unchecked Sendable {
        private(set) var base: UnsafeMutableRawPointer
        private(set) var capacity: Int
        var length: Int = 0

        init(capacity: Int) {
            self.capacity = max(capacity, 1)
            self.base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
        }

        deinit { base.deallocate() }

        func grow(to newCapacity: Int) {
            let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            newBase.copyMemory(from: base, byteCount: length)
            base.deallocate()
            base = newBase
            capacity = newCapacity
        }

        func copy(capacity: Int) -> Storage {
            let copy = Storage(capacity: capacity)
            copy.base.copyMemory(from: base, byteCount: length)
            copy.length = length
            return copy
        }
    }
}
