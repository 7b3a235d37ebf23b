import Foundation
import SightlineSQLite

/// A fresh directory under the system temporary directory, removed after `body`.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("sightline-sqlite-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// A new store in a fresh temporary directory, closed and removed after `body`.
func withTemporaryStore<T>(_ body: (SQLiteEventStore) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { directory in
        let store = try SQLiteEventStore(path: directory.appendingPathComponent("events.sqlite").path)
        defer { try? store.close() }
        return try await body(store)
    }
}
