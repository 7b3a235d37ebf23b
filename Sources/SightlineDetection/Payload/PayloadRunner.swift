import Dispatch
import Foundation

/// The line-oriented runner behind the CLI: reads values one per line, classifies them,
/// writes one JSON verdict per line in input order.
///
/// Streaming: input is read in chunks, lines are classified in batches, and each batch is
/// written before the next is read, so memory stays bounded by the batch size whatever the
/// input size. A batch is split across `workers` threads; results are joined in order.
///
/// ```swift
/// let summary = try PayloadRunner.run(input: .standardInput, mode: .lines, output: .standardOutput)
/// ```
public enum PayloadRunner {
    /// How each input line carries its value.
    public enum Mode: String, Sendable, CaseIterable {
        /// The whole line (without the trailing newline / CRLF) is the value.
        case lines
        /// Each line is JSON: a string, or an object whose `"value"` member is the value.
        case jsonl
    }

    /// Counts from one run.
    public struct Summary: Sendable, Equatable {
        public var values: Int = 0
        public var attacks: Int = 0
        /// Lines in `.jsonl` mode that were not valid JSON (they get an error verdict).
        public var invalidLines: Int = 0
    }

    /// Runs over file handles (stdin/stdout or files).
    /// - Parameters:
    ///   - input: where lines are read from, until end of file.
    ///   - mode: `.lines` or `.jsonl`.
    ///   - output: where the JSON verdict lines go.
    ///   - classifier: the classifier to use.
    ///   - batchSize: lines classified per batch (bounds memory).
    ///   - workers: threads per batch; defaults to the number of cores.
    /// - Throws: whatever reading or writing the handles throws.
    @discardableResult
    public static func run(
        input: FileHandle, mode: Mode, output: FileHandle, classifier: PayloadClassifier = PayloadClassifier(),
        batchSize: Int = 8192, workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws -> Summary {
        try run(
            read: {
                let d = try input.read(upToCount: 1 << 20) ?? Data()
                return d.isEmpty ? nil : [UInt8](d)
            },
            write: { try output.write(contentsOf: Data($0)) },
            mode: mode, classifier: classifier, batchSize: batchSize, workers: workers)
    }

    /// Runs over arbitrary chunked input and output closures.
    /// - Parameters:
    ///   - read: returns the next chunk of input bytes, or nil at the end.
    ///   - write: receives output bytes, in order.
    @discardableResult
    public static func run(
        read: () throws -> [UInt8]?, write: ([UInt8]) throws -> Void, mode: Mode,
        classifier: PayloadClassifier = PayloadClassifier(), batchSize: Int = 8192,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws -> Summary {
        var summary = Summary()
        var pending: [UInt8] = []  // bytes of lines not yet classified
        var lineStarts: [Int] = []
        var lineEnds: [Int] = []
        var scanFrom = 0
        var currentStart = 0

        func flush(final: Bool) throws {
            if final, currentStart < pending.count {
                lineStarts.append(currentStart); lineEnds.append(pending.count); currentStart = pending.count
            }
            guard !lineStarts.isEmpty else { return }
            let out = classifyBatch(pending, lineStarts, lineEnds, mode: mode, classifier: classifier,
                                    workers: max(1, workers), summary: &summary)
            try write(out)
            pending.removeSubrange(0..<currentStart)
            scanFrom -= currentStart
            currentStart = 0
            lineStarts.removeAll(keepingCapacity: true)
            lineEnds.removeAll(keepingCapacity: true)
        }

        while let chunk = try read() {
            pending.append(contentsOf: chunk)
            var i = scanFrom
            while i < pending.count {
                if pending[i] == 0x0A {
                    var end = i
                    if end > currentStart, pending[end - 1] == 0x0D { end -= 1 }
                    lineStarts.append(currentStart); lineEnds.append(end)
                    currentStart = i + 1
                    if lineStarts.count >= batchSize { scanFrom = i + 1; try flush(final: false); i = scanFrom; continue }
                }
                i += 1
            }
            scanFrom = pending.count
        }
        try flush(final: true)
        return summary
    }

    private final class Slots: @unchecked Sendable {
        var outputs: [[UInt8]]
        var attacks: [Int]
        var invalid: [Int]
        init(_ n: Int) {
            outputs = Array(repeating: [], count: n)
            attacks = Array(repeating: 0, count: n)
            invalid = Array(repeating: 0, count: n)
        }
    }

    private static func classifyBatch(
        _ buf: [UInt8], _ starts: [Int], _ ends: [Int], mode: Mode, classifier: PayloadClassifier, workers: Int,
        summary: inout Summary
    ) -> [UInt8] {
        let n = starts.count
        let parts = min(workers * 4, max(1, n / 256))
        let slots = Slots(parts)
        let per = (n + parts - 1) / parts
        let work: @Sendable (Int) -> Void = { p in
            var out: [UInt8] = []
            out.reserveCapacity(per * 96)
            var attacks = 0, invalid = 0
            let lo = p * per, hi = min(n, lo + per)
            if lo < hi {
                buf.withUnsafeBufferPointer { all in
                    for k in lo..<hi {
                        let line = UnsafeBufferPointer(rebasing: all[starts[k]..<ends[k]])
                        let verdict: PayloadVerdict
                        switch mode {
                        case .lines:
                            verdict = classifier.classify(bytes: line)
                        case .jsonl:
                            if let value = JSONLine.value(line) {
                                verdict = value.withUnsafeBufferPointer { classifier.classify(bytes: $0) }
                            } else {
                                invalid += 1
                                verdict = PayloadVerdict(attack: false, type: nil, score: 0,
                                    reason: "error: line is not a JSON string or an object with a string \"value\" member; fix the input line")
                            }
                        }
                        if verdict.attack { attacks += 1 }
                        appendJSON(verdict, to: &out)
                    }
                }
            }
            slots.outputs[p] = out
            slots.attacks[p] = attacks
            slots.invalid[p] = invalid
        }
        if parts == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: work) }
        summary.values += n
        summary.attacks += slots.attacks.reduce(0, +)
        summary.invalidLines += slots.invalid.reduce(0, +)
        var out: [UInt8] = []
        out.reserveCapacity(slots.outputs.reduce(0) { $0 + $1.count })
        for o in slots.outputs { out.append(contentsOf: o) }
        return out
    }

    /// `{"attack":true,"type":"sqli","score":0.97,"reason":"..."}` plus newline.
    static func appendJSON(_ v: PayloadVerdict, to out: inout [UInt8]) {
        out.append(contentsOf: v.attack ? #"{"attack":true,"type":"#.utf8 : #"{"attack":false,"type":"#.utf8)
        if let t = v.type { out.append(0x22); out.append(contentsOf: t.rawValue.utf8); out.append(0x22) }
        else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","score":"#.utf8)
        let milli = Int((v.score * 1000).rounded())
        if milli >= 1000 { out.append(contentsOf: "1".utf8) }
        else if milli <= 0 { out.append(contentsOf: "0".utf8) }
        else {
            var s = String(milli)
            while s.count < 3 { s = "0" + s }
            while s.hasSuffix("0") { s.removeLast() }
            out.append(contentsOf: "0.\(s)".utf8)
        }
        out.append(contentsOf: #","reason":""#.utf8)
        for c in v.reason.utf8 {
            switch c {
            case 0x22: out.append(contentsOf: #"\""#.utf8)
            case 0x5C: out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8); out.append(hex[Int(c >> 4)]); out.append(hex[Int(c & 15)])
            default: out.append(c)
            }
        }
        out.append(contentsOf: "\"}\n".utf8)
    }
}

/// Minimal JSON handling for `.jsonl` input lines.
enum JSONLine {
    static func value(_ line: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var i = 0
        while i < line.count, ASCII.isSpace(line[i]) { i += 1 }
        guard i < line.count else { return nil }
        if line[i] == 0x22 {
            var j = i
            return parseString(line, &j)
        }
        guard line[i] == UInt8(ascii: "{") else { return nil }
        let data = Data(buffer: line)
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let v = obj["value"] else { return nil }
        if let s = v as? String { return Array(s.utf8) }
        if v is NSNull { return [] }
        if let d = try? JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed]) { return [UInt8](d) }
        return nil
    }

    /// Parses a JSON string starting at `i` (on the opening quote). Returns nil if malformed.
    static func parseString(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> [UInt8]? {
        var out: [UInt8] = []
        i += 1
        while i < b.count {
            let c = b[i]
            if c == 0x22 { i += 1; return out }
            if c == 0x5C {
                guard i + 1 < b.count else { return nil }
                let e = b[i + 1]
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard i + 5 < b.count else { return nil }
                    var v: UInt32 = 0
                    for k in 2...5 { guard let h = PayloadNormalizer.hexValue(b[i + k]) else { return nil }; v = v << 4 | UInt32(h) }
                    i += 4
                    // surrogate pair
                    if (0xD800..<0xDC00).contains(v), i + 7 < b.count, b[i + 2] == 0x5C, b[i + 3] == UInt8(ascii: "u") {
                        var lo: UInt32 = 0
                        var ok = true
                        for k in 4...7 { if let h = PayloadNormalizer.hexValue(b[i + k]) { lo = lo << 4 | UInt32(h) } else { ok = false } }
                        if ok, (0xDC00..<0xE000).contains(lo) { v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00); i += 6 }
                    }
                    PayloadNormalizer.appendUTF8(v, to: &out)
                default: out.append(e)
                }
                i += 2
                continue
            }
            out.append(c)
            i += 1
        }
        return nil
    }
}
