#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Matching one line against a compiled format: a single forward pass, no regular expressions.
///
/// A variable ends at the first occurrence of the literal that follows it (not counting one
/// escaped by an odd number of backslashes, unless `escape=none`), at the end of its character
/// class when another variable follows directly, or at the end of the line when it is last. Two
/// values are known to hold the usual separator: `$time_local` (one space, skipped) and
/// `$upstream_*` lists (`0.1, 0.2 : 0.3`).
extension LogFormat {
    /// Fills `bounds` with (start, end) for each variable; `trailing` gets the start of content
    /// after the last field (only with `allowsTrailingContent`), or `line.count`.
    func match(_ line: UnsafeRawBufferPointer, bounds: UnsafeMutablePointer<Int>, trailing: inout Int) -> LineFailure? {
        let count = line.count
        trailing = count
        guard let lineBase = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return LineFailure(reason: .formatMismatch, field: "line", expected: "a line of the format", got: "nothing")
        }
        let skipsEscapes = escaping != .none
        let allowsTrailing = allowsTrailingContent
        let rawEscaping = escaping == .none
        return program.withUnsafeBufferPointer { program -> LineFailure? in
            literalBytes.withUnsafeBufferPointer { literals -> LineFailure? in
                let literalBase = literals.baseAddress ?? UnsafePointer(lineBase)
                var position = 0
                let stepCount = program.count
                var stepIndex = 0
                while stepIndex < stepCount {
                    let step = program[stepIndex]
                    if step.variable < 0 {
                        guard LogFormat.hasPrefix(lineBase, count, literalBase + step.literalStart, step.literalCount, at: position) else {
                            return mismatch(line, at: position, literal: literalBase + step.literalStart, step.literalCount)
                        }
                        position += step.literalCount
                        stepIndex += 1
                        continue
                    }
                    let start = position
                    var end: Int
                    if stepIndex + 1 == stepCount {
                        end = count
                        if allowsTrailing, let valueClass = step.valueClass {
                            end = LogFormat.classEnd(lineBase, count, from: start, valueClass)
                        }
                    } else if program[stepIndex + 1].variable < 0 {
                        let next = program[stepIndex + 1]
                        let literal = literalBase + next.literalStart
                        let from = min(start + step.minimumLength, count)
                        guard let found = LogFormat.find(literal, next.literalCount, in: lineBase, count, from: from, valueStart: start, skippingEscapes: skipsEscapes, list: step.isList) else {
                            return LineFailure(
                                reason: .formatMismatch, field: variables[step.variable].displayName,
                                expected: "\(LogFormat.describe(literal, next.literalCount)) after it (from column \(start + 1))",
                                got: "none before the end of the line", progress: start
                            )
                        }
                        end = found
                        // Without escaping, a quote inside the last quoted value is raw: when the
                        // line ends with the closing literal, that one is the end.
                        if rawEscaping, stepIndex + 2 == stepCount, found + next.literalCount != count,
                           count - next.literalCount >= found,
                           LogFormat.hasPrefix(lineBase, count, literal, next.literalCount, at: count - next.literalCount) {
                            end = count - next.literalCount
                        }
                    } else {
                        // Another variable follows directly: this one has a class (checked when compiled).
                        end = LogFormat.classEnd(lineBase, count, from: start, step.valueClass ?? .digits)
                    }
                    bounds[2 * step.variable] = start
                    bounds[2 * step.variable + 1] = end
                    position = end
                    stepIndex += 1
                }
                if position < count {
                    guard allowsTrailing else {
                        return LineFailure(
                            reason: .formatMismatch, field: "line",
                            expected: "the end of the line after the last field (column \(position + 1))",
                            got: "\(count - position) more bytes", progress: position
                        )
                    }
                    while position < count, lineBase[position] == 0x20 || lineBase[position] == 0x09 { position += 1 }
                    trailing = position
                }
                return nil
            }
        }
    }

    private func mismatch(_ line: UnsafeRawBufferPointer, at position: Int, literal: UnsafePointer<UInt8>, _ literalCount: Int) -> LineFailure {
        let got = position >= line.count
            ? "the end of the line"
            : FieldText.excerpt(UnsafeRawBufferPointer(rebasing: line[position..<min(line.count, position + 16)]), limit: 16)
        return LineFailure(
            reason: .formatMismatch, field: "line",
            expected: "\(LogFormat.describe(literal, literalCount)) at column \(position + 1)", got: got, progress: position
        )
    }

    @inline(__always)
    static func hasPrefix(_ line: UnsafePointer<UInt8>, _ count: Int, _ literal: UnsafePointer<UInt8>, _ literalCount: Int, at position: Int) -> Bool {
        guard position + literalCount <= count else { return false }
        for offset in 0..<literalCount where line[position + offset] != literal[offset] { return false }
        return true
    }

    /// The end of a run of `valueClass` bytes, or of a lone `-`.
    @inline(__always)
    static func classEnd(_ line: UnsafePointer<UInt8>, _ count: Int, from start: Int, _ valueClass: ValueClass) -> Int {
        if start < count, line[start] == 0x2D, start + 1 == count || !valueClass.contains(line[start + 1]) {
            return start + 1
        }
        var end = start
        while end < count, valueClass.contains(line[end]) { end += 1 }
        return end
    }

    /// The first occurrence of the literal at or after `from` (memchr for its first byte).
    @inline(__always)
    static func find(
        _ literal: UnsafePointer<UInt8>, _ literalCount: Int, in line: UnsafePointer<UInt8>, _ count: Int,
        from: Int, valueStart: Int, skippingEscapes: Bool, list: Bool
    ) -> Int? {
        let first = literal[0]
        var index = from
        while index + literalCount <= count {
            guard let hit = memchr(line + index, Int32(first), count - literalCount + 1 - index) else { return nil }
            let at = UnsafeRawPointer(line).distance(to: UnsafeRawPointer(hit))
            index = at + 1
            if skippingEscapes, first != 0x5C {
                // Escaped when preceded by an odd number of backslashes (`\"`, but not `\\"`).
                var backslashes = 0
                var before = at - 1
                while before >= valueStart, line[before] == 0x5C {
                    backslashes += 1
                    before -= 1
                }
                if backslashes & 1 == 1 { continue }
            }
            guard hasPrefix(line, count, literal, literalCount, at: at) else { continue }
            // `0.1, 0.2 : 0.3` keeps going past a space that is part of the list.
            if list, first == 0x20,
               (at > valueStart && (line[at - 1] == 0x2C || line[at - 1] == 0x3A)) || (at + 1 < count && line[at + 1] == 0x3A) {
                continue
            }
            return at
        }
        return nil
    }

    /// A separator for messages: `'] "'`, non-printable bytes as `\xHH`.
    static func describe(_ literal: UnsafePointer<UInt8>, _ count: Int) -> String {
        var output: [UInt8] = [0x27]
        for byte in UnsafeBufferPointer(start: literal, count: min(count, 16)) {
            if byte >= 0x20 && byte < 0x7F {
                output.append(byte)
            } else {
                output.append(contentsOf: [0x5C, UInt8(ascii: "x"), FieldText.hexDigit(byte >> 4), FieldText.hexDigit(byte & 15)])
            }
        }
        output.append(0x27)
        return String(decoding: output, as: UTF8.self)
    }
}
