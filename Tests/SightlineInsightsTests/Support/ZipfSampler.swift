import Foundation

/// Zipf(s) sampler over ranks 0..<count via an inverse-CDF table.
struct ZipfSampler {
    private let cumulative: [Double]

    init(count: Int, exponent: Double) {
        var running = 0.0
        var table: [Double] = []
        table.reserveCapacity(count)
        for rank in 1...count {
            running += 1 / pow(Double(rank), exponent)
            table.append(running)
        }
        cumulative = table.map { $0 / running }
    }

    func sample(_ rng: inout SplitMix64) -> Int {
        let u = rng.unit()
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] < u { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
