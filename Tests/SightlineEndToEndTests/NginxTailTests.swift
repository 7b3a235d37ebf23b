import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// A real nginx (Debian's, on a loopback port with a config of its own) serves requests and writes
/// its access log; `sightline tail` follows it through a rename rotation (nginx reopening its log
/// on USR1, as logrotate does) and a restart of the tail process; every request must reach the
/// real server exactly once.
///
/// Needs `nginx` (`apt-get install nginx`; `.ci/run` installs it). Skipped without it on a
/// developer machine; under CI it runs.
@Suite("sightline tail with a real nginx")
struct NginxTailTests {
    static let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var shouldRun: Bool { nginx != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    @Test("every request exactly once, across a rotation and a tail restart", .enabled(if: shouldRun), .timeLimit(.minutes(3)))
    func tailThroughRotation() async throws {
        let nginx = try #require(Self.nginx, "nginx is needed: apt-get install nginx")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-nginx-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let port = Int.random(in: 20_000...40_000)
        let log = work.appendingPathComponent("access.log").path
        let config = """
            daemon off;
            master_process on;
            worker_processes 1;
            user root;
            pid \(work.path)/nginx.pid;
            error_log \(work.path)/error.log;
            events { worker_connections 64; }
            http {
                access_log \(log) combined;
                client_body_temp_path \(work.path)/body;
                proxy_temp_path \(work.path)/proxy;
                fastcgi_temp_path \(work.path)/fastcgi;
                uwsgi_temp_path \(work.path)/uwsgi;
                scgi_temp_path \(work.path)/scgi;
                server {
                    listen 127.0.0.1:\(port);
                    location /missing { return 404; }
                    location / { return 200 "ok\\n"; }
                }
            }
            """
        let configPath = work.appendingPathComponent("nginx.conf").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let server = try await ServerProcess(dataDirectory: work.appendingPathComponent("data").path)
        defer { server.terminate() }
        let nginxProcess = Process()
        nginxProcess.executableURL = URL(fileURLWithPath: nginx)
        nginxProcess.arguments = ["-c", configPath, "-p", work.path]
        nginxProcess.standardError = FileHandle.nullDevice
        try nginxProcess.run()
        defer {
            if nginxProcess.isRunning { nginxProcess.terminate() }
            nginxProcess.waitUntilExit()
        }

        func startTail() throws -> Process {
            let tail = Process()
            tail.executableURL = URL(fileURLWithPath: try ServerProcess.binaryPath())
            tail.arguments = ["tail", log, "--format", "combined", "--service", "edge", "--server", server.baseURL,
                              "--key", ServerProcess.ingestKey, "--state", work.appendingPathComponent("tail.json").path]
            tail.standardOutput = FileHandle.nullDevice
            tail.standardError = FileHandle.nullDevice
            try tail.run()
            return tail
        }
        func request(_ path: String) async throws {
            for attempt in 0..<50 {
                do {
                    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(5))
                    _ = try await response.body.collect(upTo: 1 << 16)
                    return
                } catch where attempt < 49 {
                    try await Task.sleep(for: .milliseconds(100))  // nginx still starting
                }
            }
        }
        func stored() async throws -> [String] {
            let (_, body) = try await TestAPI(client: .shared, baseURL: server.baseURL).get("/v1/events?service=edge&limit=1000")
            let events = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["events"] as? [[String: Any]] ?? []
            return events.compactMap { $0["path"] as? String }
        }

        var tail = try startTail()
        var sent: [String] = []
        for index in 0..<40 {
            let path = index % 10 == 9 ? "/missing/\(index)" : "/items/\(index)"
            try await request(path)
            sent.append(path)
        }
        // Rotate the way logrotate does: rename, then have nginx reopen its log (USR1).
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        let pid = try String(contentsOfFile: work.appendingPathComponent("nginx.pid").path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        kill(pid_t(pid) ?? 0, SIGUSR1)
        for index in 40..<70 {
            try await request("/items/\(index)")
            sent.append("/items/\(index)")
        }
        // Restart the tail process once it has caught up (its position then lies in the new file;
        // a tail that never saw the rotation would not know the old file): it resumes from its
        // saved position. Waiting on the store, not a fixed time: slow machines start slowly.
        for _ in 0..<300 where try await stored().count < sent.count {
            try await Task.sleep(for: .milliseconds(100))
        }
        tail.terminate()
        tail.waitUntilExit()
        for index in 70..<100 {
            try await request("/items/\(index)")
            sent.append("/items/\(index)")
        }
        tail = try startTail()
        defer {
            tail.terminate()
            tail.waitUntilExit()
        }

        var paths: [String] = []
        for _ in 0..<150 {
            paths = try await stored()
            if paths.count >= sent.count { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(1))  // anything extra (a duplicate) would show up now
        paths = try await stored()
        #expect(paths.count == sent.count, "stored \(paths.count) of \(sent.count)")
        #expect(Set(paths) == Set(sent))
        #expect(Set(paths).count == paths.count, "no request stored twice")
    }
}
