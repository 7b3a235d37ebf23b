import Foundation
import Logging
@testable import SightlineWAL

/// A fresh directory under the system temp dir, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL
    var path: String { url.path }

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("sightline-wal-tests", isDirectory: true)
            .appendingPathComponent("\(safe)-\(UUID().uuidString)", isDirectory: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    /// Segment files, oldest first.
    func segmentFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { $0.hasSuffix(".wal") }
            .sorted()
            .map { url.appendingPathComponent($0) }
    }
}

let quietLogger = Logger(label: "sightline.wal.tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// Deterministic random numbers (SplitMix64) so a failing property test can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A payload that names its origin, so a reader can check it came back intact.
func payload(_ tag: String, size: Int) -> [UInt8] {
    var bytes = Array("\(tag)|".utf8)
    var value: UInt8 = tag.utf8.reduce(0, &+)
    while bytes.count < size {
        bytes.append(value)
        value &+= 31
    }
    return bytes
}

func makeBatch(_ payloads: [[UInt8]]) -> WALBatch {
    var batch = WALBatch()
    for payload in payloads { batch.append(payload) }
    return batch
}

func open(_ directory: TemporaryDirectory, segmentBytes: Int = 64 << 20, maxTotalBytes: Int = 4 << 30, durability: WALDurability = .fsync) throws -> (WriteAheadLog, WALRecoveryReport) {
    try WriteAheadLog.open(
        WALConfiguration(directory: directory.path, segmentBytes: segmentBytes, maxTotalBytes: maxTotalBytes, durability: durability),
        logger: quietLogger
    )
}

/// Every record from `seq` on, read in small steps to exercise cursor continuation.
func readAll(_ wal: WriteAheadLog, from seq: UInt64 = 1, step: Int = 7) throws -> [WALRecord] {
    var cursor = wal.makeCursor(from: seq)
    var records: [WALRecord] = []
    while true {
        let next = try cursor.next(maxRecords: step, maxBytes: 1 << 20)
        if next.isEmpty { return records }
        records += next
    }
}

/// On-disk size of a record with this payload.
func framedSize(_ payload: [UInt8]) -> Int { 20 + payload.count }

func fileBytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

func writeFileBytes(_ url: URL, _ bytes: [UInt8]) throws { try Data(bytes).write(to: url) }
