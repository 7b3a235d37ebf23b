/// A count over a sliding window, approximated with two tumbling windows: the estimate is the
/// current window plus the previous one weighted by how much of it still overlaps
/// `[t - window, t]`. O(1) state (24 bytes), exact at window boundaries, never under-counts
/// a burst that fits in one window by more than the previous window's share.
///
/// Events older than the current window (late arrivals) count into the current window.
struct WindowedCount: Sendable {
    private(set) var windowIndex: Int64 = .min
    private(set) var current: Int64 = 0
    private(set) var previous: Int64 = 0

    @inline(__always)
    mutating func add(_ n: Int64 = 1, at t: Int64, window: Int64) {
        roll(to: t, window: window)
        current &+= n
    }

    @inline(__always)
    mutating func roll(to t: Int64, window: Int64) {
        let idx = t / window
        guard idx > windowIndex else { return }
        previous = idx == windowIndex &+ 1 ? current : 0
        current = 0
        windowIndex = idx
    }

    /// The estimated count in `[t - window, t]`.
    @inline(__always)
    func estimate(at t: Int64, window: Int64) -> Double {
        let idx = t / window
        if idx > windowIndex + 1 { return 0 }
        if idx == windowIndex + 1 {  // current has become "previous"
            let frac = Double(t - idx * window) / Double(window)
            return Double(current) * (1 - frac)
        }
        let frac = Double(max(0, t - windowIndex * window)) / Double(window)
        return Double(current) + Double(previous) * (1 - frac)
    }

    /// The exact count in the current and previous tumbling window (between one and two window
    /// lengths of history): the horizon of a ``WindowedDistinct`` configured with twice the window.
    @inline(__always)
    func total(at t: Int64, window: Int64) -> Int64 {
        let idx = t / window
        if idx > windowIndex + 1 { return 0 }
        if idx == windowIndex + 1 { return current }
        return current + previous
    }
}
