/// A bounded first-in first-out queue of batches between one producer and one consumer, with
/// back-pressure: `push` waits while `limit` batches are queued.
///
/// Invariants: batches come out in the order they went in, each once; after `finish`, `push`
/// drops nothing already queued (the consumer drains them) and `pop` returns `nil` once empty.
actor BatchQueue<Element: Sendable> {
    private var items: [Element] = []
    private var head = 0
    private var producers: [CheckedContinuation<Void, Never>] = []
    private var consumer: CheckedContinuation<Element?, Never>?
    private var finished = false
    let limit: Int

    init(limit: Int) {
        precondition(limit > 0, "a queue holds at least one batch")
        self.limit = limit
    }

    /// Batches queued now.
    var count: Int { items.count - head }

    /// Queues `element`, waiting while the queue is full (unless finished).
    func push(_ element: Element) async {
        while count >= limit && !finished {
            await withCheckedContinuation { producers.append($0) }
        }
        if let waiting = consumer {
            consumer = nil
            waiting.resume(returning: element)
            return
        }
        items.append(element)
    }

    /// The next batch; waits for one; `nil` when finished and empty.
    func pop() async -> Element? {
        if count == 0 {
            if finished { return nil }
            return await withCheckedContinuation { consumer = $0 }
        }
        let element = items[head]
        head += 1
        if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        if !producers.isEmpty { producers.removeFirst().resume() }
        return element
    }

    /// No more batches will come: the consumer drains what is queued, then gets `nil`.
    func finish() {
        finished = true
        consumer?.resume(returning: nil)
        consumer = nil
        for producer in producers { producer.resume() }
        producers.removeAll()
    }
}
