/// "Did you mean" suggestions using the optimal-string-alignment Damerau-Levenshtein distance.
///
/// Invariants: deterministic (ties go to the candidate listed first); a candidate is only
/// suggested when it is close: distance at most 1 for names up to 4 characters, 2 up to
/// 8 characters, otherwise 3. A case-insensitive exact match always wins.
enum Suggestions {
    static func best(for name: String, among candidates: [String]) -> String? {
        let lowered = name.lowercased()
        if let exact = candidates.first(where: { $0.lowercased() == lowered && $0 != name }) {
            return exact
        }
        let limit = name.count <= 4 ? 1 : (name.count <= 8 ? 2 : 3)
        var bestName: String?
        var bestDistance = Int.max
        for candidate in candidates where candidate != name {
            let distance = Suggestions.distance(lowered, candidate.lowercased(), cap: limit)
            if distance <= limit, distance < bestDistance {
                bestDistance = distance
                bestName = candidate
            }
        }
        return bestName
    }

    /// Optimal string alignment distance; returns a value above `cap` early when it cannot fit.
    static func distance(_ a: String, _ b: String, cap: Int = .max) -> Int {
        let s = Array(a.unicodeScalars)
        let t = Array(b.unicodeScalars)
        if abs(s.count - t.count) > cap { return cap + 1 }
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var previous2 = [Int](repeating: 0, count: t.count + 1)
        var previous = Array(0...t.count)
        var current = [Int](repeating: 0, count: t.count + 1)
        for i in 1...s.count {
            current[0] = i
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[t.count]
    }
}
