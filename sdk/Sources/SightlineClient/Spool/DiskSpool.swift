import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where batches wait, on disk, while every endpoint is unreachable.
///
/// On-disk format: a directory of segment files `spool-<16-digit sequence>.seg`, read and deleted
/// in sequence order. A segment is a run of records:
///
/// ```
/// record  = length:u32le  crc:u32le  count:u32le  payload[length]
/// crc     = CRC-32 of (count:u32le ++ payload)
/// payload = NDJSON lines of `count` redacted events (exactly what is POSTed)
/// ```
///
/// Invariants:
/// - A record is appended with one `write` and made durable with `fsync` before ``append`` returns
///   (a new segment's directory entry is synced too).
/// - A torn or corrupt tail (a crash during a write) ends that segment: every record before it is
///   read, the bad bytes are never sent. On open, the newest segment is truncated to its last
///   good record so that later appends follow a clean boundary.
/// - Total size on disk never exceeds `maxBytes`; an append that would is refused (the caller
///   counts the events as dropped).
/// - Records leave in the order they were appended. Draining a record removes it only after the
///   server acknowledged it; after a crash a partly drained segment is sent again from its start,
///   and the client-set event ids make the server store those events once.
/// - Methods do blocking file I/O: call them off the cooperative pool (the client uses
///   `NIOThreadPool`).
final class DiskSpool: Sendable {
    struct Record: Sendable, Equatable {
        var payload: [UInt8]
        var count: Int
        /// Where it is: segment sequence and offset after it.
        var segment: UInt64
        var end: Int
    }

    private struct State {
        var segments: [UInt64: Int] = [:]  // sequence → size in bytes
        var writeSegment: UInt64 = 0
        var writeFD: Int32 = -1
        var readSegment: UInt64 = 0
        var readOffset = 0
        var pendingRecords = 0
        var pendingEvents = 0
    }

    let directory: String
    let maxBytes: Int
    let segmentBytes: Int
    private let state = Mutex(State())
    /// Records skipped as corrupt since the spool was opened.
    let corruptRecords = Atomic<Int>(0)
    /// Copies of the state's pending counts, stored under its lock whenever they change and read
    /// without it (``isEmpty``, ``pendingEvents``): the sender checks them on every turn, and
    /// the app's counters read them, so neither waits for an `fsync` nor shares the lock.
    private let recordsWaiting = Atomic<Int>(0)
    private let eventsWaiting = Atomic<Int>(0)

    private func publish(_ s: borrowing State) {
        recordsWaiting.store(s.pendingRecords, ordering: .relaxed)
        eventsWaiting.store(s.pendingEvents, ordering: .relaxed)
    }

    static let headerSize = 12

    /// Opens (creating if needed) the spool in `directory`.
    init(directory: String, maxBytes: Int, segmentBytes: Int = 1 << 20) throws(SightlineClientError) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.segmentBytes = max(4096, min(segmentBytes, maxBytes))
        if mkdir(directory, 0o755) != 0, errno != EEXIST {
            throw .spoolIO("creating the spool directory", path: directory, errno: errno)
        }
        var s = State()
        for sequence in try DiskSpool.listSegments(directory) {
            let path = segmentPath(sequence)
            let scan = try DiskSpool.scan(path: path)
            s.segments[sequence] = scan.validBytes
            s.pendingRecords += scan.records
            s.pendingEvents += scan.events
            if scan.validBytes < scan.fileBytes {
                // A torn tail: cut it off so the file ends on a record boundary.
                _ = truncate(path, off_t(scan.validBytes))
            }
        }
        s.readSegment = s.segments.keys.min() ?? 1
        s.writeSegment = (s.segments.keys.max() ?? 0) + 1
        let initial = s
        state.withLock { $0 = initial }
        publish(initial)
    }

    deinit {
        state.withLock { s in
            if s.writeFD >= 0 { close(s.writeFD) }
        }
    }

    private func segmentPath(_ sequence: UInt64) -> String {
        let digits = String(sequence)
        return directory + "/spool-" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits + ".seg"
    }

    private static func listSegments(_ directory: String) throws(SightlineClientError) -> [UInt64] {
        guard let dir = opendir(directory) else { throw .spoolIO("reading the spool directory", path: directory, errno: errno) }
        defer { closedir(dir) }
        var result: [UInt64] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasPrefix("spool-"), name.hasSuffix(".seg"),
                  let n = UInt64(name.dropFirst(6).dropLast(4)) else { continue }
            result.append(n)
        }
        return result.sorted()
    }

    private struct Scan {
        var validBytes = 0
        var fileBytes = 0
        var records = 0
        var events = 0
    }

    private static func scan(path: String) throws(SightlineClientError) -> Scan {
        let bytes = try readFile(path)
        var scan = Scan()
        scan.fileBytes = bytes.count
        var offset = 0
        while let record = decodeRecord(bytes, at: offset) {
            scan.records += 1
            scan.events += record.count
            offset = record.end
        }
        scan.validBytes = offset
        return scan
    }

    private static func readFile(_ path: String) throws(SightlineClientError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT { return [] }
            throw .spoolIO("opening spool segment", path: path, errno: errno)
        }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .spoolIO("reading spool segment", path: path, errno: errno)
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    /// A record at `offset`, or nil if what is there is incomplete or corrupt.
    static func decodeRecord(_ bytes: [UInt8], at offset: Int) -> (payload: [UInt8], count: Int, end: Int)? {
        guard offset + headerSize <= bytes.count else { return nil }
        func u32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        let length = Int(u32(offset))
        let crc = u32(offset + 4)
        let end = offset + headerSize + length
        guard length > 0, end <= bytes.count else { return nil }
        guard CRC32.checksum(bytes[(offset + 8)..<end]) == crc else { return nil }
        return (Array(bytes[(offset + headerSize)..<end]), Int(u32(offset + 8)), end)
    }

    static func encodeRecord(_ payload: [UInt8], count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(headerSize + payload.count)
        func put(_ v: UInt32) { out.append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]) }
        put(UInt32(payload.count))
        var countBytes: [UInt8] = []
        let c = UInt32(count)
        countBytes.append(contentsOf: [UInt8(c & 0xFF), UInt8(c >> 8 & 0xFF), UInt8(c >> 16 & 0xFF), UInt8(c >> 24)])
        put(CRC32.checksum(payload, seed: CRC32.checksum(countBytes)))
        out.append(contentsOf: countBytes)
        out.append(contentsOf: payload)
        return out
    }

    /// Bytes on disk.
    var bytes: Int { state.withLock { $0.segments.values.reduce(0, +) } }
    /// Events waiting.
    var pendingEvents: Int { eventsWaiting.load(ordering: .relaxed) }
    var isEmpty: Bool { recordsWaiting.load(ordering: .relaxed) == 0 }

    /// Appends one batch durably; false when it would exceed `maxBytes`.
    func append(_ payload: [UInt8], count: Int) throws(SightlineClientError) -> Bool {
        let record = DiskSpool.encodeRecord(payload, count: count)
        return try state.withLock { s throws(SightlineClientError) -> Bool in
            let total = s.segments.values.reduce(0, +)
            guard total + record.count <= maxBytes else { return false }
            let currentSize = s.segments[s.writeSegment] ?? 0
            if s.writeFD < 0 || (currentSize > 0 && currentSize + record.count > segmentBytes) {
                if s.writeFD >= 0 {
                    close(s.writeFD)
                    s.writeFD = -1
                    s.writeSegment += 1
                }
                let path = segmentPath(s.writeSegment)
                let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw .spoolIO("creating spool segment", path: path, errno: errno) }
                s.writeFD = fd
                s.segments[s.writeSegment] = s.segments[s.writeSegment] ?? 0
                let dirFD = open(directory, O_RDONLY | O_DIRECTORY)
                if dirFD >= 0 {
                    _ = fsync(dirFD)
                    close(dirFD)
                }
            }
            let path = segmentPath(s.writeSegment)
            var written = 0
            while written < record.count {
                let n = record.withUnsafeBytes { raw in
                    write(s.writeFD, raw.baseAddress! + written, raw.count - written)
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    let code = errno
                    // Leave no partial record behind for this process's later appends.
                    _ = ftruncate(s.writeFD, off_t(s.segments[s.writeSegment] ?? 0))
                    throw .spoolIO("appending to spool segment", path: path, errno: code)
                }
                written += n
            }
            guard fsync(s.writeFD) == 0 else { throw .spoolIO("syncing spool segment", path: path, errno: errno) }
            s.segments[s.writeSegment, default: 0] += record.count
            s.pendingRecords += 1
            s.pendingEvents += count
            publish(s)
            return true
        }
    }

    /// The oldest record, without removing it.
    func peek() throws(SightlineClientError) -> Record? {
        while true {
            let (sequence, offset, pending, known) = state.withLock { s in
                (s.readSegment, s.readOffset, s.pendingRecords, s.segments[s.readSegment] != nil)
            }
            guard pending > 0 else { return nil }
            if !known {
                // Skip sequence numbers with no file.
                state.withLock { s in
                    if let next = s.segments.keys.filter({ $0 > sequence }).min() {
                        s.readSegment = next
                        s.readOffset = 0
                    }
                }
                continue
            }
            let bytes = try DiskSpool.readFile(segmentPath(sequence))
            if let record = DiskSpool.decodeRecord(bytes, at: offset) {
                return Record(payload: record.payload, count: record.count, segment: sequence, end: record.end)
            }
            // End of this segment (or corrupt data): move on to the next one, deleting this one
            // if nothing more will be written to it.
            let advanced = try advancePastSegment(sequence, corrupt: offset < bytes.count)
            if !advanced { return nil }
        }
    }

    /// Removes `record` (which ``peek()`` returned) after the server acknowledged it.
    func remove(_ record: Record) throws(SightlineClientError) {
        let exhausted = state.withLock { s -> Bool in
            guard s.readSegment == record.segment else { return false }
            s.readOffset = record.end
            s.pendingRecords = max(0, s.pendingRecords - 1)
            s.pendingEvents = max(0, s.pendingEvents - record.count)
            publish(s)
            return record.end >= (s.segments[record.segment] ?? 0)
        }
        if exhausted { _ = try advancePastSegment(record.segment, corrupt: false) }
    }

    /// Deletes a fully read segment and moves reading to the next; false when there is none.
    private func advancePastSegment(_ sequence: UInt64, corrupt: Bool) throws(SightlineClientError) -> Bool {
        let path = segmentPath(sequence)
        return state.withLock { s -> Bool in
            if corrupt {
                corruptRecords.wrappingAdd(1, ordering: .relaxed)
            }
            let next = s.segments.keys.filter { $0 > sequence }.min()
            if sequence == s.writeSegment {
                if s.writeFD >= 0 {
                    close(s.writeFD)
                    s.writeFD = -1
                }
                s.writeSegment += 1
            }
            unlink(path)
            s.segments[sequence] = nil
            if let next {
                s.readSegment = next
                s.readOffset = 0
                return true
            }
            s.readSegment = s.writeSegment
            s.readOffset = 0
            if corrupt {
                s.pendingRecords = 0
                s.pendingEvents = 0
                publish(s)
            }
            return false
        }
    }
}
