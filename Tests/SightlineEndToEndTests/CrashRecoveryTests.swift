import AsyncHTTPClient
import Foundation
import Synchronization
import Testing

/// Runs the real server, ingests from concurrent clients, kills it with SIGKILL at random moments,
/// restarts it, and checks that every acknowledged event is stored exactly once.
@Suite("Crash recovery of the real binary", .serialized)
struct CrashRecoveryTests {
    static let trials = 10
    static let clients = 4

    @Test("kill -9 at random moments loses and duplicates no acknowledged event")
    func killNine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-crash-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var random = SystemRandomNumberGenerator()
        let acknowledged = Box<[String]>([])
        let attempted = Box(0)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)

        for trial in 0..<Self.trials {
            let server = try await ServerProcess(dataDirectory: directory)
            let api = TestAPI(client: client, baseURL: server.baseURL)
            let stop = Box(false)
            // Concurrent clients: each batch carries probes (half with client ids, half server-assigned).
            let tasks = (0..<Self.clients).map { clientIndex in
                Task {
                    var sequence = 0
                    var local = SystemRandomNumberGenerator()
                    while !stop.withLock({ $0 }) {
                        let count = Int.random(in: 1...300, using: &local)
                        var probes: [String] = []
                        var body = ""
                        for _ in 0..<count {
                            let probe = "t\(trial)-c\(clientIndex)-\(sequence)"
                            sequence += 1
                            probes.append(probe)
                            let id = sequence % 2 == 0 ? #""id":"\#(probe)","# : ""
                            body += #"{\#(id)"timestamp":"2026-11-22T10:00:00.000Z","service":"crash","method":"POST","path":"/p/\#(sequence)","status":201,"duration_ms":1.5,"attributes":{"probe":"\#(probe)"}}"# + "\n"
                        }
                        attempted.withLock { $0 += count }
                        if let accepted = await api.post(body) {
                            #expect(accepted == count)
                            acknowledged.withLock { $0.append(contentsOf: probes) }
                        } else {
                            // Not acknowledged: the server is gone. Stop this client for this trial.
                            return
                        }
                    }
                }
            }
            // Kill at a random moment: sometimes during start-up replay, mostly mid-ingest.
            let delay = trial % 4 == 0 ? Int.random(in: 5...60, using: &random) : Int.random(in: 100...1500, using: &random)
            try await Task.sleep(for: .milliseconds(delay))
            server.kill()
            stop.withLock { $0 = true }
            for task in tasks { await task.value }
        }

        // Final start: let replay finish, then read everything back.
        let server = try await ServerProcess(dataDirectory: directory)
        defer { server.terminate() }
        let api = TestAPI(client: client, baseURL: server.baseURL)
        try await api.waitForStore()
        let events = try await api.allEvents()
        var seen: [String: Int] = [:]
        for event in events {
            if let probe = (event["attributes"] as? [String: Any])?["probe"] as? String {
                seen[probe, default: 0] += 1
            }
        }
        let acked = acknowledged.withLock { $0 }
        #expect(acked.count > 0, "no batch was acknowledged: the test did not exercise anything")
        let missing = acked.filter { seen[$0] == nil }
        let duplicated = seen.filter { $0.value > 1 }
        #expect(missing.isEmpty, "\(missing.count) acknowledged events are missing, e.g. \(missing.prefix(5))")
        #expect(duplicated.isEmpty, "\(duplicated.count) events are stored more than once, e.g. \(duplicated.prefix(5).map(\.key))")
        #expect(events.count <= attempted.withLock { $0 })
        try? await client.shutdown()
        print("crash test: \(Self.trials) kills, \(acked.count) acknowledged events, \(events.count) stored, \(attempted.withLock { $0 }) attempted")
    }
}

/// A value behind a lock that escaping closures can share.
final class Box<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
