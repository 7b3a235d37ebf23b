@testable import SightlineQuery

/// Checks that generated SQL only contains text the compiler wrote itself.
///
/// Allowed: double-quoted identifiers matching `[A-Za-z_][A-Za-z0-9_]*`, the fixed
/// single-quoted constants `'integer'`, `'real'` and `ESCAPE '\'`. Forbidden anywhere:
/// `;`, `--`, `/*`, other quotes. Also `?` count equals the parameter count.
func sqlProblems(_ compiled: CompiledQuery) -> [String] {
    var problems: [String] = []
    var sql = compiled.sql
    if sql.filter({ $0 == "?" }).count != compiled.parameters.count {
        problems.append("placeholder count \(sql.filter { $0 == "?" }.count) != parameter count \(compiled.parameters.count)")
    }
    for fixed in ["'integer'", "'real'", "ESCAPE '\\'"] {
        sql = sql.replacingAll(fixed, with: "")
    }
    if sql.contains("'") { problems.append("unexpected single quote") }
    for forbidden in [";", "--", "/*", "*/", "\\", "\0"] where sql.contains(forbidden) {
        problems.append("contains \(forbidden)")
    }
    let parts = sql.split(separator: "\"", omittingEmptySubsequences: false)
    if parts.count % 2 == 0 { problems.append("unbalanced double quotes") }
    for (index, part) in parts.enumerated() where index % 2 == 1 {
        if !Planner.isValidAlias(String(part)) { problems.append("bad identifier \(part)") }
    }
    for scalar in sql.unicodeScalars where !scalar.isASCII || scalar.value < 0x20 {
        problems.append("non-ASCII or control character U+\(String(scalar.value, radix: 16)) in SQL")
        break
    }
    return problems
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(target) {
                return index..<self.index(index, offsetBy: target.count)
            }
            index = self.index(after: index)
        }
        return nil
    }
}

/// Deterministic 64-bit generator (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}
