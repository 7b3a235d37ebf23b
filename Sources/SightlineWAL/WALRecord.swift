/// One record read back from the log.
public struct WALRecord: Sendable, Equatable {
    /// The record's sequence number: global, starting at 1, consecutive across segments.
    public let seq: UInt64
    /// The bytes given to ``WALBatch/append(_:)-(UnsafeRawBufferPointer)``.
    public let payload: [UInt8]

    /// Creates a record.
    public init(seq: UInt64, payload: [UInt8]) {
        self.seq = seq
        self.payload = payload
    }
}
