import Synchronization

/// Server-assigned event ids: 26 characters of Crockford base32, time-ordered.
///
/// Layout (128 bits): 48-bit Unix milliseconds, 40 bits chosen at random once per generator, and a
/// 40-bit counter. Ids from one generator never repeat; two generators (two server runs) differ in
/// their random part. Time order keeps inserts into the id index nearly sequential.
public final class EventIDGenerator: Sendable {
    private let instance: UInt64
    private let counter = Atomic<UInt64>(0)

    /// - Parameter instance: the random middle part; by default from the system's generator.
    public init(instance: UInt64 = UInt64.random(in: 0..<(1 << 40))) {
        self.instance = instance & ((1 << 40) - 1)
    }

    /// A new id for an event accepted at `nowMicros`.
    public func next(nowMicros: Int64) -> String {
        let sequence = counter.add(1, ordering: .relaxed).newValue & ((1 << 40) - 1)
        let millis = UInt64(max(0, nowMicros / 1000)) & ((1 << 48) - 1)
        let high = millis << 16 | instance >> 24          // 64 bits
        let low = (instance & 0xFF_FFFF) << 40 | sequence // 64 bits
        return EventIDGenerator.encode(high: high, low: low)
    }

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    static func encode(high: UInt64, low: UInt64) -> String {
        // 128 bits → 26 base32 digits (the first carries 3 bits).
        var digits = [UInt8](repeating: 0, count: 26)
        var hi = high
        var lo = low
        for index in stride(from: 25, through: 0, by: -1) {
            digits[index] = alphabet[Int(lo & 31)]
            lo = lo >> 5 | (hi & 31) << 59
            hi >>= 5
        }
        return String(decoding: digits, as: UTF8.self)
    }
}
