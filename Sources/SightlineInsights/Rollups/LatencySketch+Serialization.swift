/// Compact binary encoding of `LatencySketch`, meant for one SQLite BLOB per rollup row.
///
/// Invariants:
/// - Encoding is canonical: `==` sketches serialise to identical bytes, so blobs can be
///   compared byte-wise.
/// - Decoding never traps and never allocates more than `maxBuckets` counters: any truncated,
///   inconsistent or trailing input throws `InsightsError` (`.corruptSketch` or
///   `.unsupportedFormatVersion`) naming the byte offset, never echoing the bytes.
///
/// Format version 1 (all varints are unsigned LEB128, at most 10 bytes; `zigzag` maps
/// 0, −1, 1, −2 … to 0, 1, 2, 3 …):
///
/// ```
/// u8        version = 1
/// f64 LE    relativeAccuracy (IEEE-754 bit pattern)
/// varint    maxBuckets
/// varint    count                      — when 0, the blob ends here
/// varint    zeroCount
/// varint    sumMicros (≥ 0)
/// f64 LE    min
/// f64 LE    max
/// varint    B = number of non-empty buckets
/// B times:  zigzag varint first index, or varint index delta (≥ 1) for later buckets,
///           followed by varint bucket count (≥ 1)
/// ```
extension LatencySketch {
    /// The serialisation format version written by `serialized()`.
    public static let formatVersion: UInt8 = 1

    /// Encodes the sketch (see the format above); typically 12 bytes empty, 2–4 bytes per
    /// non-empty bucket otherwise.
    ///
    /// - Returns: the canonical version-1 encoding.
    ///
    /// ```swift
    /// let blob = sketch.serialized()   // bind as an SQLite BLOB
    /// ```
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(36 + 3 * bins.count)
        out.append(Self.formatVersion)
        ByteCoding.appendDouble(configuration.relativeAccuracy, to: &out)
        ByteCoding.appendVarint(UInt64(configuration.maxBuckets), to: &out)
        ByteCoding.appendVarint(count, to: &out)
        guard count > 0 else { return out }
        ByteCoding.appendVarint(zeroCount, to: &out)
        ByteCoding.appendVarint(UInt64(Swift.max(0, sumMicros)), to: &out)
        ByteCoding.appendDouble(minimum, to: &out)
        ByteCoding.appendDouble(maximum, to: &out)
        ByteCoding.appendVarint(UInt64(nonEmptyBucketCount), to: &out)
        var previous: Int? = nil
        for j in bins.indices where bins[j] != 0 {
            let index = offset + j
            if let previous {
                ByteCoding.appendVarint(UInt64(index - previous), to: &out)
            } else {
                ByteCoding.appendVarint(ByteCoding.zigzag(Int64(index)), to: &out)
            }
            ByteCoding.appendVarint(bins[j], to: &out)
            previous = index
        }
        return out
    }

    /// Decodes a sketch written by `serialized()`.
    ///
    /// - Parameter bytes: the blob.
    /// - Throws: `InsightsError` with code `.unsupportedFormatVersion` for an unknown version
    ///   byte, or `.corruptSketch` for truncated, inconsistent or trailing data.
    ///
    /// ```swift
    /// let sketch = try LatencySketch(serialized: blob)
    /// ```
    public init(serialized bytes: some Collection<UInt8>) throws(InsightsError) {
        var reader = ByteReader(Array(bytes))
        let version = try reader.readByte(field: "format version")
        guard version == Self.formatVersion else {
            throw InsightsError(
                code: .unsupportedFormatVersion,
                message: "Latency sketch blob has format version \(version) but this build reads only version \(Self.formatVersion); upgrade Sightline or rebuild the rollup from raw events."
            )
        }
        let alpha = try reader.readDouble(field: "relative accuracy")
        let maxBucketsRaw = try reader.readVarint(field: "maxBuckets")
        let configuration: Configuration
        do {
            guard maxBucketsRaw <= UInt64(Configuration.maxBucketsRange.upperBound) else {
                throw InsightsError(code: .invalidConfiguration, message: "maxBuckets \(maxBucketsRaw) out of range")
            }
            configuration = try Configuration(relativeAccuracy: alpha, maxBuckets: Int(maxBucketsRaw))
        } catch {
            throw reader.corrupt("invalid sketch configuration", at: 1, underlying: error)
        }
        let count = try reader.readVarint(field: "count")
        guard count > 0 else {
            try reader.expectEnd()
            self.init(configuration: configuration)
            return
        }
        let zeroCountStart = reader.position
        let zeroCount = try reader.readVarint(field: "zero count")
        guard zeroCount <= count else {
            throw reader.corrupt("zero count exceeds total count", at: zeroCountStart)
        }
        let sumStart = reader.position
        let sum = try reader.readVarint(field: "sum")
        guard sum <= UInt64(Int64.max) else { throw reader.corrupt("sum out of range", at: sumStart) }
        let minStart = reader.position
        let minimum = try reader.readDouble(field: "min")
        let maximum = try reader.readDouble(field: "max")
        guard minimum.isFinite, maximum.isFinite, minimum >= 0, minimum <= maximum,
              minimum.sign == .plus, maximum.sign == .plus
        else {
            throw reader.corrupt("min/max are not finite values with 0 ≤ min ≤ max", at: minStart)
        }
        let bucketCountStart = reader.position
        let bucketCount = try reader.readVarint(field: "bucket count")
        // Each bucket needs at least two bytes; this also bounds the allocation below.
        guard bucketCount <= UInt64(configuration.maxBuckets),
              bucketCount <= UInt64(reader.remaining / 2)
        else {
            throw reader.corrupt("bucket count \(bucketCount) exceeds the cap or the blob size", at: bucketCountStart)
        }
        var indexes: [Int] = []
        var counts: [UInt64] = []
        indexes.reserveCapacity(Int(bucketCount))
        counts.reserveCapacity(Int(bucketCount))
        var total = zeroCount
        for position in 0..<Int(bucketCount) {
            let indexStart = reader.position
            let index: Int
            if position == 0 {
                let raw = ByteCoding.unzigzag(try reader.readVarint(field: "first bucket index"))
                guard raw >= Int64(configuration.minIndex), raw <= Int64(configuration.maxIndex) else {
                    throw reader.corrupt("first bucket index out of range", at: indexStart)
                }
                index = Int(raw)
            } else {
                let delta = try reader.readVarint(field: "bucket index delta")
                let previous = indexes[position - 1]
                guard delta >= 1, delta <= UInt64(configuration.maxIndex - previous) else {
                    throw reader.corrupt("bucket index delta out of range", at: indexStart)
                }
                index = previous + Int(delta)
                guard index - indexes[0] < configuration.maxBuckets else {
                    throw reader.corrupt("bucket span exceeds maxBuckets", at: indexStart)
                }
            }
            let countStart = reader.position
            let bucket = try reader.readVarint(field: "bucket count value")
            guard bucket >= 1 else { throw reader.corrupt("empty bucket stored", at: countStart) }
            total = Saturating.add(total, bucket)
            indexes.append(index)
            counts.append(bucket)
        }
        guard total == count else {
            throw reader.corrupt("bucket counts do not add up to the total count", at: bucketCountStart)
        }
        try reader.expectEnd()
        var bins: [UInt64] = []
        if let first = indexes.first, let last = indexes.last {
            bins = [UInt64](repeating: 0, count: last - first + 1)
            for (index, bucket) in zip(indexes, counts) { bins[index - first] = bucket }
        }
        self.init(
            configuration: configuration, bins: bins, offset: indexes.first ?? 0,
            zeroCount: zeroCount, count: count, sumMicros: Int64(sum),
            minimum: minimum, maximum: maximum
        )
    }
}
