import Foundation
import Testing
@testable import SightlineClient

/// Waits until `condition` holds, checking every 10 ms; fails the test after `timeout`.
/// (Waits for an outcome, never for time to pass.)
func eventually(
    _ what: String, timeout: Duration = .seconds(10),
    sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async -> Bool
) async {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if await condition() { return }
        try? await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("timed out waiting for: \(what)", sourceLocation: sourceLocation)
}

func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "sightline-sdk-test-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func fastConfiguration(_ endpoints: [String], batchSize: Int = 10, spool: String? = nil, queueCapacity: Int = 10_000) throws -> SightlineConfiguration {
    try SightlineConfiguration(
        endpoints: endpoints, ingestKey: "test-key", service: "svc",
        batchSize: batchSize, flushInterval: .milliseconds(20), queueCapacity: queueCapacity,
        requestTimeout: .seconds(2), connectTimeout: .milliseconds(300),
        retry: RetryPolicy(initialDelay: .milliseconds(5), maxDelay: .milliseconds(50), attemptsPerEndpoint: 2),
        primaryProbeInterval: .milliseconds(50),
        spoolDirectory: spool, spoolSegmentBytes: 4096, shutdownTimeout: .seconds(2)
    )
}

func makeEvents(_ n: Int, path: String = "/orders") -> [APIEvent] {
    (0..<n).map { i in
        var e = APIEvent(method: "GET", path: "\(path)/\(i)", status: 200)
        e.route = "\(path)/{id}"
        return e
    }
}

/// Runs `client` in a task for the body, then shuts it down gracefully and waits for it.
func withRunningClient(_ client: SightlineClient, _ body: () async throws -> Void) async throws {
    let task = Task { try await client.run() }
    do {
        try await body()
    } catch {
        client.requestShutdown()
        _ = try? await task.value
        throw error
    }
    client.requestShutdown()
    try await task.value
}

/// Runs `client`, enqueues `events` and waits until all of them are acknowledged, then shuts
/// the client down gracefully.
func deliver(_ events: [APIEvent], through client: SightlineClient, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    try await withRunningClient(client) {
        for e in events { client.enqueue(e) }
        await eventually("\(events.count) acknowledged", sourceLocation: sourceLocation) {
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
