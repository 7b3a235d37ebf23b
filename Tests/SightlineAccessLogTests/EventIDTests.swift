import SightlineAccessLog
import SightlineCore
import Testing

@Suite struct EventIDTests {
    let line = #"203.0.113.7 - - [10/Oct/2023:13:55:36 +0000] "GET / HTTP/1.1" 200 612 "-" "Mozilla/5.0""#

    func id(_ parser: AccessLogParser, _ line: String, offset: Int64) -> String? {
        parser.parse(line: line, lineNumber: 1, byteOffset: offset).event?.id
    }

    @Test func sameSourceOffsetAndLineGiveTheSameID() throws {
        let first = try AccessLogParser(format: .combined, options: .init(service: "a", sourceID: "src"))
        let second = try AccessLogParser(format: .auto, options: .init(service: "b", sourceID: "src"))
        #expect(id(first, line, offset: 4096) == id(first, line, offset: 4096))
        #expect(id(first, line, offset: 4096) == id(second, line + "\r\n", offset: 4096))
    }

    @Test func offsetSourceAndContentAllMatter() throws {
        let p = try AccessLogParser(format: .combined, options: .init(service: "a", sourceID: "src"))
        let other = try AccessLogParser(format: .combined, options: .init(service: "a", sourceID: "other"))
        let base = id(p, line, offset: 0)
        #expect(base != id(p, line, offset: 1))
        #expect(base != id(other, line, offset: 0))
        #expect(base != id(p, line.replacingFirst("612", "613"), offset: 0))
    }

    @Test func idsAreTimeOrderedAndWellFormed() throws {
        let p = try AccessLogParser(format: .combined, options: .init(service: "a"))
        let early = try #require(id(p, line, offset: 0))
        let later = try #require(id(p, line.replacingFirst("13:55:36", "13:55:37"), offset: 0))
        #expect(early < later)
        #expect(early.count == 26)
        #expect(early.utf8.allSatisfy { Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8).contains($0) })
    }

    @Test func idIsPinned() throws {
        // The scheme is a compatibility promise: a change would make re-imports duplicate.
        let p = try AccessLogParser(format: .combined, options: .init(service: "a", sourceID: "access.log"))
        let value = id(p, line, offset: 123)
        #expect(value == Self.pinned)
        let fingerprint = line.utf8.withContiguousStorageIfAvailable { AccessLogEventID.fingerprint(firstLine: UnsafeRawBufferPointer($0)) }
        #expect(fingerprint?.hasPrefix("line1:") == true)
    }

    static let pinned = "01HCCXY8Y0T55Y38KFM2F7HTHQ"
}

extension String {
    /// The string with the first occurrence of `target` replaced (no Foundation).
    func replacingFirst(_ target: String, _ replacement: String) -> String {
        let characters = Array(self)
        let pattern = Array(target)
        guard pattern.count <= characters.count else { return self }
        for start in 0...(characters.count - pattern.count) where Array(characters[start..<(start + pattern.count)]) == pattern {
            return String(characters[..<start]) + replacement + String(characters[(start + pattern.count)...])
        }
        return self
    }
}
