import Foundation
import GRDB
import SightlineInsights
import Synchronization

/// The SQL functions compiled queries call (see `SQLiteDialect` in SightlineQuery), registered on
/// every connection of the store.
///
/// Invariants: each function matches its specification in `docs/specs/query-language.md`
/// exactly, since the results tests compare them with a brute-force computation.
enum QueryFunctions {
    /// Adds the functions to a connection (called from `prepareDatabase`).
    static func register(on db: Database) {
        db.add(function: DatabaseFunction("sl_percentile", argumentCount: 2, pure: true, aggregate: NearestRankPercentile.self))
        db.add(function: DatabaseFunction("sl_sketch_quantile", argumentCount: 2, pure: true, aggregate: SketchQuantile.self))
        db.add(function: DatabaseFunction("sl_regexp", argumentCount: 2, pure: true) { arguments in
            guard let text = String.fromDatabaseValue(arguments[1]) else { return nil }
            guard let pattern = String.fromDatabaseValue(arguments[0]) else { return nil }
            return try RegexCache.shared.matches(pattern: pattern, in: text) ? 1 : 0
        })
        db.add(function: DatabaseFunction("sl_has", argumentCount: 2, pure: true) { arguments in
            guard let text = String.fromDatabaseValue(arguments[0]) else { return nil }
            guard let term = String.fromDatabaseValue(arguments[1]) else { return 0 }
            return hasTerm(text, term) ? 1 : 0
        })
    }

    /// KQL `has`: `term` occurs in `text` (both lower-cased) with no letter or digit directly
    /// before or after it. An empty term never matches.
    static func hasTerm(_ text: String, _ term: String) -> Bool {
        let haystack = Array(text.lowercased())
        let needle = Array(term.lowercased())
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber }
        var start = 0
        while start + needle.count <= haystack.count {
            if haystack[start] == needle[0], Array(haystack[start..<(start + needle.count)]) == needle {
                let before = start == 0 || !isWordCharacter(haystack[start - 1])
                let afterIndex = start + needle.count
                let after = afterIndex == haystack.count || !isWordCharacter(haystack[afterIndex])
                if before && after { return true }
            }
            start += 1
        }
        return false
    }
}

/// `sl_percentile(value, p)`: NULLs ignored; with the n other values sorted ascending, the value
/// at 1-based rank `max(1, ceil(p / 100 · n))`; NULL when n = 0. Exact (it keeps every value of
/// the group), so its memory grows with the group: the query's time limit bounds it.
struct NearestRankPercentile: DatabaseAggregate {
    private var values: [Double] = []
    private var allIntegers = true
    private var percent: Double?

    init() {}

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        if percent == nil, let p = Double.fromDatabaseValue(dbValues[1]) {
            guard p >= 0, p <= 100 else {
                throw DatabaseError(resultCode: .SQLITE_ERROR, message: "percentile must be between 0 and 100")
            }
            percent = p
        }
        switch dbValues[0].storage {
        case .int64(let value):
            values.append(Double(value))
        case .double(let value):
            allIntegers = false
            values.append(value)
        default:
            // NULL, text and blobs are not numbers: ignored, as SQLite's own avg() ignores NULL.
            break
        }
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        guard !values.isEmpty, let percent else { return nil }
        let sorted = values.sorted()
        let rank = max(1, Int((percent / 100 * Double(sorted.count)).rounded(.up)))
        let value = sorted[min(rank, sorted.count) - 1]
        return allIntegers ? Int64(value) : value
    }
}

/// `sl_sketch_quantile(sketch, q)`: merges the serialized latency sketches of the group and
/// returns their quantile `q` (0…1; nearest rank, within the sketch's relative accuracy); NULL
/// for no values. Used when a summary is answered from rollup rows.
struct SketchQuantile: DatabaseAggregate {
    private var merged = LatencySketch()
    private var quantile: Double?

    init() {}

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        if quantile == nil, let q = Double.fromDatabaseValue(dbValues[1]) { quantile = q }
        guard let blob = Data.fromDatabaseValue(dbValues[0]) else { return }
        do {
            try merged.merge(LatencySketch(serialized: Array(blob)))
        } catch {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "a rollup row holds an unreadable latency sketch")
        }
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        guard let quantile else { return nil }
        return merged.quantile(quantile)
    }
}

/// Compiled regular expressions by pattern, shared by all connections (a query calls
/// `sl_regexp` once per row with the same pattern).
final class RegexCache: Sendable {
    static let shared = RegexCache()
    private let cache = Mutex<[String: CompiledPattern]>([:])

    /// A compiled pattern; `Regex` matching is read-only, so sharing across threads is safe.
    private struct CompiledPattern: @unchecked Sendable {
        let regex: Regex<AnyRegexOutput>
    }

    func matches(pattern: String, in text: String) throws -> Bool {
        let compiled: CompiledPattern
        if let cached = cache.withLock({ $0[pattern] }) {
            compiled = cached
        } else {
            do {
                compiled = CompiledPattern(regex: try Regex(pattern))
            } catch {
                throw DatabaseError(resultCode: .SQLITE_ERROR, message: "invalid regular expression")
            }
            cache.withLock { cache in
                if cache.count >= 256 { cache.removeAll() }
                cache[pattern] = compiled
            }
        }
        return text.contains(compiled.regex)
    }
}
