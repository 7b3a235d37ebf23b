/// Picks an index with probability proportional to its weight (cumulative sums, binary search).
struct WeightedTable: Sendable {
    private var cumulative: [Double]
    /// For each pick, the index in the caller's list it stands for.
    private var indices: [Int]

    /// Builds a table over the entries of `weights` that are positive.
    init(_ weights: [Double]) {
        var cumulative: [Double] = []
        var indices: [Int] = []
        var total = 0.0
        for (index, weight) in weights.enumerated() where weight > 0 {
            total += weight
            cumulative.append(total)
            indices.append(index)
        }
        precondition(!indices.isEmpty, "a weighted table needs at least one positive weight")
        self.cumulative = cumulative
        self.indices = indices
    }

    var total: Double { cumulative[cumulative.count - 1] }

    /// The index whose weight interval contains `unit` (in `[0, 1)`) of the total.
    func pick(_ unit: Double) -> Int {
        let target = unit * total
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return indices[low]
    }
}
