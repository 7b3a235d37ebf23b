#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A mergeable, bounded-memory latency histogram with relative-error quantiles (DDSketch-style).
///
/// Invariants:
/// - Values are durations in milliseconds, finite and `≥ 0`; anything else is rejected.
/// - With γ = (1 + α) / (1 − α), a value `x ≥ minIndexableMs` (1 µs) is counted in bucket
///   `i = ⌈log_γ(x)⌉`, i.e. γ^(i−1) < x ≤ γ^i. Values in `[0, minIndexableMs)` are counted in
///   the *zero bucket*.
/// - `quantile(p)` finds the bucket holding the value of nearest rank `max(1, ⌈p·n⌉)` and
///   returns `2·γ^i / (γ + 1)` (0 for the zero bucket), clamped to the exact `[min, max]`;
///   ranks 1 and n return the exact min and max.
///   For values ≥ 1 µs the estimate q̂ of the exact nearest-rank quantile q satisfies
///   `|q̂ − q| ≤ α·q`; in the zero bucket the absolute error is below 1 µs.
/// - At most `maxBuckets` consecutive bucket indexes are kept (16 KiB of counters at the
///   default 2048). When a value would widen the span further, every bucket below
///   `highest − maxBuckets + 1` is folded into that bucket, so the guarantee keeps holding for
///   quantiles whose rank lands above the collapsed bucket (upper quantiles). At α = 1 % the
///   default span covers a ratio of γ^2048 ≈ 6·10^17 (1 µs … ~19 000 years), so collapsing
///   only happens for pathological input.
/// - The state is a pure function of the multiset of added values: adding in any order or
///   merging in any grouping produces `==` sketches with byte-equal `serialized()` output.
///   `sumMicros` is kept as an integer number of microseconds (each value rounded to 1 µs) for
///   exactly this reason; counters saturate instead of trapping.
///
/// ```swift
/// var sketch = LatencySketch()
/// try sketch.add(12.5)
/// try sketch.add(230, count: 3)
/// let p99 = sketch.quantile(0.99)   // ≈ 230 within 1 %
/// ```
public struct LatencySketch: Sendable, Hashable {
    /// Values below this many milliseconds (1 µs) are counted in the zero bucket.
    public static let minIndexableMs: Double = 0.001

    /// The parameters that fix bucket boundaries; only sketches with equal configurations merge.
    ///
    /// Invariants: `relativeAccuracy` ∈ [0.0001, 0.5], `maxBuckets` ∈ [16, 65 536].
    /// The guarantee holds over a dynamic range (max / smallest accurate value) of
    /// γ^maxBuckets, so pick `maxBuckets ≥ ln(range) / ln(γ)`: the default (α 1 %, 2048)
    /// covers 6·10^17; α 0.1 % over 0.01 ms…60 s needs ≈ 7 800.
    public struct Configuration: Sendable, Hashable {
        /// The default: α = 1 %, 2048 buckets.
        public static let `default` = Configuration(uncheckedRelativeAccuracy: 0.01, maxBuckets: 2048)

        /// Allowed range of `relativeAccuracy`.
        public static let relativeAccuracyRange: ClosedRange<Double> = 0.0001...0.5
        /// Allowed range of `maxBuckets`.
        public static let maxBucketsRange: ClosedRange<Int> = 16...65_536

        /// α: the guaranteed relative error bound of quantile estimates.
        public let relativeAccuracy: Double
        /// The cap on the span of bucket indexes kept in memory and in a blob.
        public let maxBuckets: Int

        let gamma: Double
        let inverseLogGamma: Double
        /// Index of the bucket holding `minIndexableMs`; the lowest index a value can map to.
        let minIndex: Int
        /// Index of the bucket holding the largest finite `Double`.
        let maxIndex: Int

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - relativeAccuracy: α, in 0.0001...0.5. Default 0.01 (1 %).
        ///   - maxBuckets: the bucket span cap, in 16...65 536. Default 2048.
        /// - Throws: `InsightsError` with code `.invalidConfiguration` when out of range.
        ///
        /// ```swift
        /// let coarse = try LatencySketch.Configuration(relativeAccuracy: 0.02, maxBuckets: 1024)
        /// ```
        public init(relativeAccuracy: Double = 0.01, maxBuckets: Int = 2048) throws(InsightsError) {
            guard Self.relativeAccuracyRange.contains(relativeAccuracy) else {
                throw InsightsError(
                    code: .invalidConfiguration,
                    message: "Latency sketch relative accuracy must be within \(Self.relativeAccuracyRange); use e.g. 0.01 for 1 %."
                )
            }
            guard Self.maxBucketsRange.contains(maxBuckets) else {
                throw InsightsError(
                    code: .invalidConfiguration,
                    message: "Latency sketch maxBuckets must be within \(Self.maxBucketsRange); the default is 2048."
                )
            }
            self.init(uncheckedRelativeAccuracy: relativeAccuracy, maxBuckets: maxBuckets)
        }

        private init(uncheckedRelativeAccuracy alpha: Double, maxBuckets: Int) {
            self.relativeAccuracy = alpha
            self.maxBuckets = maxBuckets
            self.gamma = (1 + alpha) / (1 - alpha)
            self.inverseLogGamma = 1 / log(gamma)
            self.minIndex = Int((log(LatencySketch.minIndexableMs) * inverseLogGamma).rounded(.up))
            self.maxIndex = Int((log(Double.greatestFiniteMagnitude) * inverseLogGamma).rounded(.up))
        }

        /// The bucket index of `value`; requires `value ≥ minIndexableMs` and finite.
        @inline(__always)
        func index(of value: Double) -> Int {
            Int((log(value) * inverseLogGamma).rounded(.up))
        }

        /// The representative value of bucket `index`: `2γ^i / (γ + 1)`.
        @inline(__always)
        func estimate(ofBucket index: Int) -> Double {
            2 * pow(gamma, Double(index)) / (gamma + 1)
        }

        public static func == (lhs: Configuration, rhs: Configuration) -> Bool {
            lhs.relativeAccuracy.bitPattern == rhs.relativeAccuracy.bitPattern
                && lhs.maxBuckets == rhs.maxBuckets
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(relativeAccuracy.bitPattern)
            hasher.combine(maxBuckets)
        }
    }

    /// The bucket boundaries and cap of this sketch.
    public let configuration: Configuration
    /// `bins[j]` counts bucket `offset + j`. Empty, or first and last element non-zero.
    private(set) var bins: [UInt64]
    /// Index of `bins[0]`; 0 when `bins` is empty.
    private(set) var offset: Int
    /// Number of values in `[0, minIndexableMs)`.
    public private(set) var zeroCount: UInt64
    /// Number of values added (saturating).
    public private(set) var count: UInt64
    /// Sum of values, each rounded to whole microseconds (saturating).
    public private(set) var sumMicros: Int64
    private(set) var minimum: Double
    private(set) var maximum: Double

    /// Creates an empty sketch.
    ///
    /// - Parameter configuration: accuracy and bucket cap; defaults to α = 1 %, 2048 buckets.
    public init(configuration: Configuration = .default) {
        self.configuration = configuration
        self.bins = []
        self.offset = 0
        self.zeroCount = 0
        self.count = 0
        self.sumMicros = 0
        self.minimum = .infinity
        self.maximum = -.infinity
    }

    /// Rebuilds a sketch from already-validated parts (used by the decoder).
    init(
        configuration: Configuration, bins: [UInt64], offset: Int, zeroCount: UInt64,
        count: UInt64, sumMicros: Int64, minimum: Double, maximum: Double
    ) {
        self.configuration = configuration
        self.bins = bins
        self.offset = bins.isEmpty ? 0 : offset
        self.zeroCount = zeroCount
        self.count = count
        self.sumMicros = sumMicros
        self.minimum = minimum
        self.maximum = maximum
    }

    /// `true` when no value has been added.
    public var isEmpty: Bool { count == 0 }
    /// The exact smallest value added, or `nil` when empty.
    public var min: Double? { count == 0 ? nil : minimum }
    /// The exact largest value added, or `nil` when empty.
    public var max: Double? { count == 0 ? nil : maximum }
    /// The sum of all values in milliseconds (values rounded to 1 µs).
    public var sumMs: Double { Double(sumMicros) / 1000 }
    /// The mean in milliseconds, or `nil` when empty.
    public var meanMs: Double? { count == 0 ? nil : sumMs / Double(count) }
    /// Number of non-empty buckets, excluding the zero bucket (memory/blob size indicator).
    public var nonEmptyBucketCount: Int { bins.reduce(0) { $0 + ($1 == 0 ? 0 : 1) } }

    // MARK: Adding

    /// Adds `count` occurrences of a duration.
    ///
    /// - Parameters:
    ///   - valueMs: a duration in milliseconds, finite and ≥ 0.
    ///   - count: how many times to add it; 0 is a no-op.
    /// - Throws: `InsightsError` with code `.invalidValue` for negative, NaN or infinite values;
    ///   the sketch is unchanged.
    ///
    /// ```swift
    /// try sketch.add(42.0)
    /// ```
    public mutating func add(_ valueMs: Double, count: UInt64 = 1) throws(InsightsError) {
        guard Self.isValid(valueMs) else {
            throw InsightsError(
                code: .invalidValue,
                message: "Latency sketch values must be finite durations ≥ 0 ms; drop or fix the value before adding it."
            )
        }
        addValidated(valueMs, count: count)
    }

    /// Whether `add` accepts `valueMs`.
    @inline(__always)
    public static func isValid(_ valueMs: Double) -> Bool {
        valueMs.isFinite && valueMs >= 0
    }

    /// Adds a value already checked with `isValid`.
    @inline(__always)
    mutating func addValidated(_ rawValue: Double, count n: UInt64) {
        guard n > 0 else { return }
        let value = rawValue == 0 ? 0 : rawValue  // normalise -0.0
        count = Saturating.add(count, n)
        sumMicros = Saturating.add(sumMicros, Saturating.multiply(Self.micros(value), n))
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
        if value < Self.minIndexableMs {
            zeroCount = Saturating.add(zeroCount, n)
        } else {
            increment(index: configuration.index(of: value), by: n)
        }
    }

    @inline(__always)
    static func micros(_ valueMs: Double) -> Int64 {
        let micros = (valueMs * 1000).rounded()
        return micros >= 9.2e18 ? .max : Int64(micros)
    }

    @inline(__always)
    private mutating func increment(index: Int, by n: UInt64) {
        if bins.isEmpty {
            bins = [n]
            offset = index
            return
        }
        let high = offset + bins.count - 1
        if index >= offset && index <= high {
            bins[index - offset] = Saturating.add(bins[index - offset], n)
        } else if index < offset {
            growDown(index: index, high: high, by: n)
        } else {
            growUp(index: index, by: n)
        }
    }

    private mutating func growDown(index: Int, high: Int, by n: UInt64) {
        // The highest index is unchanged; anything below `lowestKept` folds into it.
        let target = Swift.max(index, high - configuration.maxBuckets + 1)
        if target < offset {
            bins.insert(contentsOf: repeatElement(0, count: offset - target), at: 0)
            offset = target
        }
        bins[target - offset] = Saturating.add(bins[target - offset], n)
    }

    private mutating func growUp(index: Int, by n: UInt64) {
        let lowestKept = index - configuration.maxBuckets + 1
        if lowestKept > offset {
            let foldCount = Swift.min(lowestKept - offset, bins.count)
            var folded: UInt64 = 0
            for j in 0..<foldCount { folded = Saturating.add(folded, bins[j]) }
            bins.removeFirst(foldCount)
            if bins.isEmpty {
                bins = [folded]
            } else {
                bins[0] = Saturating.add(bins[0], folded)
            }
            offset = lowestKept
        }
        let high = offset + bins.count - 1
        bins.append(contentsOf: repeatElement(0, count: index - high - 1))
        bins.append(n)
    }

    // MARK: Merging

    /// Merges another sketch into this one; the result equals the sketch of the union.
    ///
    /// Merging an empty sketch is a no-op; merging into an empty sketch copies `other`
    /// (including its configuration), so an empty sketch is an identity element.
    ///
    /// - Parameter other: the sketch to fold in.
    /// - Throws: `InsightsError` with code `.incompatibleSketches` when both are non-empty and
    ///   their configurations differ; `self` is unchanged.
    ///
    /// ```swift
    /// try hourly.merge(minuteSketch)
    /// ```
    public mutating func merge(_ other: LatencySketch) throws(InsightsError) {
        if other.count == 0 { return }
        if count == 0 {
            self = other
            return
        }
        guard configuration == other.configuration else {
            throw InsightsError(
                code: .incompatibleSketches,
                message: "Cannot merge latency sketches with different configurations (α \(configuration.relativeAccuracy), \(configuration.maxBuckets) buckets vs α \(other.configuration.relativeAccuracy), \(other.configuration.maxBuckets) buckets); re-aggregate from one configuration."
            )
        }
        count = Saturating.add(count, other.count)
        zeroCount = Saturating.add(zeroCount, other.zeroCount)
        sumMicros = Saturating.add(sumMicros, other.sumMicros)
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        mergeBins(other)
    }

    /// Returns the merge of `self` and `other`; see `merge(_:)`.
    ///
    /// - Throws: `InsightsError` with code `.incompatibleSketches` on configuration mismatch.
    public func merging(_ other: LatencySketch) throws(InsightsError) -> LatencySketch {
        var copy = self
        try copy.merge(other)
        return copy
    }

    private mutating func mergeBins(_ other: LatencySketch) {
        if other.bins.isEmpty { return }
        if bins.isEmpty {
            bins = other.bins
            offset = other.offset
            return
        }
        let selfHigh = offset + bins.count - 1
        let otherHigh = other.offset + other.bins.count - 1
        // Fast path: other fits inside our range, no reallocation.
        if other.offset >= offset && otherHigh <= selfHigh {
            let shift = other.offset - offset
            for j in other.bins.indices {
                bins[shift + j] = Saturating.add(bins[shift + j], other.bins[j])
            }
            return
        }
        let high = Swift.max(selfHigh, otherHigh)
        let low = Swift.max(Swift.min(offset, other.offset), high - configuration.maxBuckets + 1)
        var merged = [UInt64](repeating: 0, count: high - low + 1)
        for (source, sourceOffset) in [(bins, offset), (other.bins, other.offset)] {
            for j in source.indices {
                let target = Swift.max(sourceOffset + j, low) - low
                merged[target] = Saturating.add(merged[target], source[j])
            }
        }
        bins = merged
        offset = low
    }

    // MARK: Quantiles

    /// The nearest rank used for quantile `p` over `count` values: `max(1, ⌈p·count⌉)`,
    /// computed in `Double` arithmetic and capped at `count`.
    ///
    /// - Parameters:
    ///   - p: a quantile in 0...1.
    ///   - count: the number of values, > 0.
    /// - Returns: a 1-based rank in `1...count`.
    public static func nearestRank(_ p: Double, count: UInt64) -> UInt64 {
        let rank = (p * Double(count)).rounded(.up)
        if !(rank < Double(count)) { return count }
        return Swift.max(1, UInt64(Swift.max(0, rank)))
    }

    /// Estimates the nearest-rank quantile `p`.
    ///
    /// - Parameter p: the quantile in 0...1 (0.99 for p99).
    /// - Returns: the estimate in milliseconds, within relative error α of the exact
    ///   nearest-rank quantile (see the type's invariants); `nil` when the sketch is empty or
    ///   `p` is outside 0...1 or NaN.
    ///
    /// ```swift
    /// let p95 = sketch.quantile(0.95)
    /// ```
    public func quantile(_ p: Double) -> Double? {
        guard count > 0, p >= 0, p <= 1 else { return nil }
        let rank = Self.nearestRank(p, count: count)
        // The extreme ranks are known exactly.
        if rank == 1 { return minimum }
        if rank == count { return maximum }
        var cumulative = zeroCount
        if cumulative >= rank { return clamped(0) }
        for j in bins.indices {
            cumulative = Saturating.add(cumulative, bins[j])
            if cumulative >= rank {
                return clamped(configuration.estimate(ofBucket: offset + j))
            }
        }
        return maximum  // unreachable while count == zeroCount + Σ bins
    }

    /// Estimates several quantiles at once; element-wise equal to `quantile(_:)`.
    ///
    /// - Parameter ps: quantiles in 0...1.
    /// - Returns: one estimate (or `nil`) per requested quantile, in order.
    public func quantiles(_ ps: [Double]) -> [Double?] {
        ps.map { quantile($0) }
    }

    @inline(__always)
    private func clamped(_ estimate: Double) -> Double {
        Swift.min(Swift.max(estimate, minimum), maximum)
    }

    /// Non-empty buckets as `(index, count)` pairs in ascending index order (zero bucket excluded).
    var nonEmptyBuckets: [(index: Int, count: UInt64)] {
        bins.indices.compactMap { bins[$0] == 0 ? nil : (offset + $0, bins[$0]) }
    }
}
