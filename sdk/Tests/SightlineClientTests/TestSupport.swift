import Foundation
import Testing
@testable import SightlineClient

func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "sightline-sdk-test-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Short intervals (on the test's manual clock); the sender at the app's priority, so that a
/// busy machine slows it down but does not starve it into real-time request timeouts (the tests
/// of ``SenderPriority`` set it themselves); a connect timeout short enough that a closed port
/// (which AsyncHTTPClient retries until then) costs little real time, long enough for a busy one.
func fastConfiguration(_ endpoints: [String], batchSize: Int = 10, spool: String? = nil, queueCapacity: Int = 10_000) throws -> SightlineConfiguration {
    var configuration = try SightlineConfiguration(
        endpoints: endpoints, ingestKey: "test-key", service: "svc",
        batchSize: batchSize, flushInterval: .milliseconds(20), queueCapacity: queueCapacity,
        requestTimeout: .seconds(30), connectTimeout: .milliseconds(300),
        retry: RetryPolicy(initialDelay: .milliseconds(5), maxDelay: .milliseconds(50), attemptsPerEndpoint: 2),
        primaryProbeInterval: .milliseconds(50),
        spoolDirectory: spool, spoolSegmentBytes: 4096, shutdownTimeout: .seconds(2)
    )
    configuration.senderPriority = .normal
    return configuration
}

func makeEvents(_ n: Int, path: String = "/orders") -> [APIEvent] {
    (0..<n).map { i in
        var e = APIEvent(method: "GET", path: "\(path)/\(i)", status: 200)
        e.route = "\(path)/{id}"
        return e
    }
}

/// A client on a ``ManualClock``: its timers move only when the test moves them.
func manualClient(_ configuration: SightlineConfiguration) throws -> (SightlineClient, ManualClock) {
    let clock = ManualClock()
    return (try SightlineClient(configuration: configuration, clock: clock), clock)
}

/// Runs `client` in a task for the body, then shuts it down gracefully and waits for it (moving
/// a manual clock on meanwhile, so that a shutdown that waits on it ends).
func withRunningClient(_ client: SightlineClient, _ body: () async throws -> Void) async throws {
    let task = Task { try await client.run() }
    do {
        try await body()
    } catch {
        client.requestShutdown()
        _ = try? await stopped(task, client)
        throw error
    }
    client.requestShutdown()
    try await stopped(task, client)
}

/// Waits for the task running `client` (made by ``manualClient(_:)``) to end, moving its clock
/// on meanwhile.
func stopped(_ task: Task<Void, any Error>, _ client: SightlineClient) async throws {
    let clock = try #require(client.clock as? ManualClock, "a client made by manualClient")
    try await clock.driving { try await task.value }
}

/// Runs `client` (made by ``manualClient(_:)``), enqueues `events` and moves its clock on until
/// all of them are acknowledged, then shuts the client down gracefully.
func deliver(_ events: [APIEvent], through client: SightlineClient, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    try await withRunningClient(client) {
        for e in events { client.enqueue(e) }
        let clock = try #require(client.clock as? ManualClock, "a client made by manualClient", sourceLocation: sourceLocation)
        await clock.run(until: "\(events.count) acknowledged", sourceLocation: sourceLocation) {
            client.counters.snapshot().acknowledged == events.count
        }
    }
}

/// A port with nothing listening (bound, then released).
func unusedPort() async throws -> Int {
    let fake = try await FakeSightline()
    let port = fake.port
    await fake.stop()
    return port
}
