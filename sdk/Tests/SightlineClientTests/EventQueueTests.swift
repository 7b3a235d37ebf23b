import Foundation
import Synchronization
import Testing
@testable import SightlineClient

/// The lock-free ring between request threads and the sender: no event lost, duplicated or
/// reordered, whatever the interleaving; full and closed refuse.
@Suite("EventQueue")
struct EventQueueTests {
    @Test("fills up to its capacity, refuses the next, and takes in order across laps")
    func capacityAndOrder() {
        let queue = EventQueue(capacity: 5)
        var next = 0
        var taken: [String] = []
        for lap in 0..<4 {
            for _ in 0..<5 {
                #expect(queue.offer(APIEvent(method: "GET", path: "/\(next)", status: 200)))
                next += 1
            }
            #expect(!queue.offer(APIEvent(method: "GET", path: "/refused", status: 200)), "lap \(lap): a sixth event fits")
            #expect(queue.isFull)
            #expect(queue.count == 5)
            var out: [APIEvent] = []
            #expect(queue.take(max: 3, into: &out) == 3)
            #expect(!queue.isFull, "taking makes room")
            #expect(queue.take(max: 10, into: &out) == 2)
            taken += out.map(\.path)
        }
        #expect(taken == (0..<20).map { "/\($0)" })
        #expect(queue.accepted == 20)
        #expect(queue.count == 0)
    }

    @Test("four producers racing one consumer: every accepted event taken once, each producer's in its order")
    func concurrentProducers() async {
        let queue = EventQueue(capacity: 64)
        let producers = 4
        let perProducer = 20_000
        let refused = SharedCount()
        let done = SharedCount()
        await withTaskGroup(of: Void.self) { group in
            for p in 0..<producers {
                group.addTask {
                    for i in 0..<perProducer {
                        var e = APIEvent(method: "GET", path: "/\(p)", status: 200)
                        e.requestSize = Int64(i)
                        if !queue.offer(e) { refused.add() }
                    }
                    done.add()
                }
            }
            group.addTask {
                var last = Array(repeating: Int64(-1), count: producers)
                var takenCount = 0
                var outOfOrder = 0
                var batch: [APIEvent] = []
                while true {
                    let finished = done.value == producers
                    batch.removeAll(keepingCapacity: true)
                    queue.take(max: 16, into: &batch)
                    for e in batch {
                        let p = Int(e.path.dropFirst())!
                        if e.requestSize! <= last[p] { outOfOrder += 1 }
                        last[p] = e.requestSize!
                    }
                    takenCount += batch.count
                    if finished && batch.isEmpty && queue.count == 0 { break }
                    if batch.isEmpty { await Task.yield() }
                }
                #expect(outOfOrder == 0)
                #expect(takenCount + refused.value == producers * perProducer)
                #expect(takenCount == queue.accepted)
            }
        }
    }

    @Test("closing refuses later offers and counts what was still waiting")
    func closeRefusesAndCounts() {
        let queue = EventQueue(capacity: 8)
        for i in 0..<6 {
            #expect(queue.offer(APIEvent(method: "GET", path: "/\(i)", status: 200)))
        }
        var out: [APIEvent] = []
        queue.take(max: 2, into: &out)
        #expect(out.map(\.path) == ["/0", "/1"])
        #expect(queue.close() == 4)
        #expect(!queue.offer(APIEvent(method: "GET", path: "/late", status: 200)))
        #expect(queue.isFull, "a closed queue reads as full, so middlewares stop capturing")
        #expect(queue.count == 0)
        #expect(queue.accepted == 6)
        #expect(queue.take(max: 10, into: &out) == 0)
    }
}

/// A counter tasks can share.
final class SharedCount: Sendable {
    private let storage = Atomic<Int>(0)
    func add() { storage.wrappingAdd(1, ordering: .relaxed) }
    var value: Int { storage.load(ordering: .relaxed) }
}
