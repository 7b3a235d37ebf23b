import Foundation
import Testing

/// The dashboard in a real headless Chromium, against a real `sightline demo`: runs the Selenium
/// suite in `Tests/browser/test_dashboard.py` (sign-in, every page, numbers compared with the
/// metrics and query APIs, screenshots at laptop and phone sizes into
/// `.build/browser-screenshots/`).
///
/// Needs Debian's `chromium` and `chromium-driver` and a Python with `selenium` and `pytest`
/// (`SIGHTLINE_BROWSER_PYTHON`, default `python3`); `.ci/run` installs them. Without them the test
/// is skipped on a developer machine and fails under CI (`CI` set), so CI never passes without it.
@Suite("Dashboard in a real browser")
struct DashboardBrowserTests {
    static let python = ProcessInfo.processInfo.environment["SIGHTLINE_BROWSER_PYTHON"] ?? "python3"

    static var prerequisitesInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
            && (try? run(python, ["-c", "import selenium, pytest"], output: nil)) == 0
    }

    static var shouldRun: Bool {
        prerequisitesInstalled || ProcessInfo.processInfo.environment["CI"] != nil
    }

    @Test("sign in, every page, numbers match the API, screenshots", .enabled(if: shouldRun), .timeLimit(.minutes(10)))
    func dashboard() async throws {
        try #require(Self.prerequisitesInstalled, "chromium, chromium-driver and Python selenium+pytest are needed (see .ci/run)")
        let root = try Self.packageRoot()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let password = "browser-test-\(UUID().uuidString.prefix(8))"
        let log = work.appendingPathComponent("demo.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let demo = Process()
        demo.executableURL = URL(fileURLWithPath: try ServerProcess.binaryPath())
        demo.arguments = ["demo", "--data-dir", work.appendingPathComponent("data").path, "--port", "0", "--seconds", "600", "--log-level", "warning"]
        var environment = ProcessInfo.processInfo.environment
        environment["SIGHTLINE_ADMIN_PASSWORD"] = password
        demo.environment = environment
        demo.standardOutput = try FileHandle(forWritingTo: log)
        demo.standardError = FileHandle.nullDevice
        try demo.run()
        defer {
            if demo.isRunning { demo.terminate() }
            demo.waitUntilExit()
        }

        // The demo prints its URL and keys, then "backfilled …" once history is in.
        var url: String?
        var readKey: String?
        var ingestKey: String?
        for _ in 0..<600 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if text.contains("backfilled") {
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ")
                    if line.contains("Sightline demo is running on"), let found = words.first(where: { $0.hasPrefix("http://") }) { url = String(found) }
                    if line.contains("read key:"), let key = words.last { readKey = String(key) }
                    if line.contains("ingest key:"), let key = words.last { ingestKey = String(key) }
                }
                break
            }
            try #require(demo.isRunning, "the demo exited early:\n\(text.suffix(2000))")
            try await Task.sleep(for: .milliseconds(200))
        }
        let base = try #require(url, "the demo did not print its URL")
        let key = try #require(readKey, "the demo did not print its read key")
        // Let the store apply the backfill before the pages are compared with the API.
        try await Task.sleep(for: .seconds(3))

        let screenshots = root.appendingPathComponent(".build/browser-screenshots")
        try FileManager.default.createDirectory(at: screenshots, withIntermediateDirectories: true)
        var testEnvironment = ProcessInfo.processInfo.environment
        testEnvironment["SIGHTLINE_BASE_URL"] = base
        testEnvironment["SIGHTLINE_ADMIN_USER"] = "admin"
        testEnvironment["SIGHTLINE_ADMIN_PASSWORD"] = password
        testEnvironment["SIGHTLINE_READ_KEY"] = key
        testEnvironment["SIGHTLINE_INGEST_KEY"] = ingestKey
        testEnvironment["SIGHTLINE_SCREENSHOTS"] = screenshots.path
        let output = work.appendingPathComponent("pytest.log")
        func suite() throws -> (Int32, String) {
            let status = try Self.run(
                Self.python, ["-m", "pytest", "-q", "-p", "no:cacheprovider", root.appendingPathComponent("Tests/browser/test_dashboard.py").path],
                output: output, environment: testEnvironment, directory: root)
            return (status, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
        }
        var (status, report) = try suite()
        if status != 0 {
            // A browser suite against live traffic can trip on timing once; the failure is printed
            // (to be looked into) and the suite runs once more. Two failures fail the test.
            print("browser suite failed once, retrying:\n\(report.suffix(4000))")
            (status, report) = try suite()
        }
        #expect(status == 0, "the browser suite failed twice:\n\(report.suffix(6000))")
        let shots = (try? FileManager.default.contentsOfDirectory(atPath: screenshots.path)) ?? []
        #expect(shots.filter { $0.hasSuffix(".png") }.count >= 12, "screenshots of every page at both sizes")
    }

    /// Runs a program to completion; its output goes to `output` (or nowhere).
    @discardableResult
    static func run(_ program: String, _ arguments: [String], output: URL?, environment: [String: String]? = nil, directory: URL? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        if let output {
            FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The directory holding Package.swift, found upwards from the test bundle.
    static func packageRoot() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<8 {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) { return directory }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}
