import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Client-side event ids: 26 characters of Crockford base32, time-ordered.
///
/// Layout: 10 characters of milliseconds since the epoch, 8 characters (40 bits) chosen at random
/// once per process, 8 characters (40 bits) of a per-process counter that starts at a random
/// value. Ids from one process never repeat (the counter would need 2^40 events to wrap); ids of
/// two processes collide only if their 40-bit random parts are equal and their counters meet.
/// Making one costs an atomic increment and no system call.
public enum EventID {
    private static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private static let processPart: UInt64 = UInt64.random(in: 0..<(1 << 40))
    private static let counter = Atomic<UInt64>(UInt64.random(in: 0..<(1 << 39)))

    /// A new id.
    public static func make() -> String {
        let millis = UInt64(max(0, WallClock.nowMicros() / 1000))
        let sequence = counter.wrappingAdd(1, ordering: .relaxed).oldValue & ((1 << 40) - 1)
        return String(unsafeUninitializedCapacity: 26) { buffer in
            put(millis, digits: 10, into: buffer, at: 0)
            put(processPart, digits: 8, into: buffer, at: 10)
            put(sequence, digits: 8, into: buffer, at: 18)
            return 26
        }
    }

    private static func put(_ value: UInt64, digits: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var v = value
        for i in stride(from: digits - 1, through: 0, by: -1) {
            buffer[offset + i] = alphabet[Int(v & 31)]
            v >>= 5
        }
    }
}

/// The wall clock, read without Foundation.
public enum WallClock {
    /// Microseconds since the Unix epoch.
    public static func nowMicros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}
