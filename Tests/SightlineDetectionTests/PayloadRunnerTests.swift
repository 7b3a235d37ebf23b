import Foundation
import Testing
@testable import SightlineDetection

struct PayloadRunnerTests {
    func run(_ input: String, mode: PayloadRunner.Mode, chunk: Int = 7, batch: Int = 3, workers: Int = 2) throws -> ([String], PayloadRunner.Summary) {
        var bytes = Array(input.utf8)[...]
        var out: [UInt8] = []
        let summary = try PayloadRunner.run(
            read: {
                guard !bytes.isEmpty else { return nil }
                let c = Array(bytes.prefix(chunk)); bytes = bytes.dropFirst(chunk); return c
            },
            write: { out.append(contentsOf: $0) }, mode: mode, batchSize: batch, workers: workers)
        return (String(decoding: out, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init), summary)
    }

    func decode(_ line: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    }

    @Test func linesModeKeepsOrderAcrossChunksAndBatches() throws {
        let values = (0..<200).map { i in i % 3 == 0 ? "' or \(i)=\(i)--" : (i % 3 == 1 ? "hello \(i)" : "<svg onload=alert(\(i))>") }
        let (out, summary) = try run(values.joined(separator: "\n") + "\n", mode: .lines)
        #expect(out.count == values.count)
        #expect(summary.values == 200)
        for (i, line) in out.enumerated() {
            let obj = try decode(line)
            let expected = classifier.classify(values[i])
            #expect(obj["attack"] as? Bool == expected.attack)
            #expect((obj["type"] as? String) == expected.type?.rawValue)
            #expect(obj["reason"] as? String == expected.reason)
            #expect(Set(obj.keys) == ["attack", "type", "score", "reason"])
        }
    }

    @Test func handlesCRLFAndMissingFinalNewline() throws {
        let (out, _) = try run("O'Brien\r\n' or 1=1--", mode: .lines)
        #expect(out.count == 2)
        #expect(try decode(out[0])["attack"] as? Bool == false)
        #expect(try decode(out[1])["type"] as? String == "sqli")
    }

    @Test func jsonlModeReadsStringsAndObjects() throws {
        let input = """
        "\\u003cscript\\u003ealert(1)"
        {"value": "../../etc/passwd", "field": "path"}
        {"value": {"$ne": null}}
        not json
        "plain"

        """
        let (out, summary) = try run(input, mode: .jsonl)
        #expect(out.count == 5)
        #expect(try decode(out[0])["type"] as? String == "xss")
        #expect(try decode(out[1])["type"] as? String == "path-traversal")
        #expect(try decode(out[2])["type"] as? String == "nosql")
        let bad = try decode(out[3])
        #expect(bad["attack"] as? Bool == false)
        #expect((bad["reason"] as? String)?.hasPrefix("error:") == true)
        #expect(try decode(out[4])["attack"] as? Bool == false)
        #expect(summary.invalidLines == 1)
        #expect(summary.attacks == 3)
    }

    @Test func nullTypeIsJSONNull() throws {
        let (out, _) = try run("hello\n", mode: .lines)
        #expect(out == [#"{"attack":false,"type":null,"score":0,"reason":"benign: no rule fired"}"#])
    }

    @Test func fileHandleRunStreamsAFile() throws {
        let dir = FileManager.default.temporaryDirectory
        let inURL = dir.appendingPathComponent("runner-in-\(UUID().uuidString).txt")
        let outURL = dir.appendingPathComponent("runner-out-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: inURL); try? FileManager.default.removeItem(at: outURL) }
        let values = (0..<20_000).map { $0 % 2 == 0 ? "value \($0)" : "1 union select \($0),2" }
        try (values.joined(separator: "\n") + "\n").write(to: inURL, atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let input = try FileHandle(forReadingFrom: inURL)
        let output = try FileHandle(forWritingTo: outURL)
        let summary = try PayloadRunner.run(input: input, mode: .lines, output: output, batchSize: 4096)
        try output.close()
        #expect(summary.values == 20_000)
        #expect(summary.attacks == 10_000)
        let lines = try String(contentsOf: outURL, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 20_000)
        #expect(lines[1].contains("\"sqli\""))
        #expect(lines[0].contains("\"attack\":false"))
    }
}
