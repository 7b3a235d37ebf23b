import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The project's API keys, kept hashed (SHA-256) in `<data-dir>/keys.json` (mode 0600).
///
/// Invariants: a key's plain text exists only in the answer of the call that created it (printed
/// once on first start) or in the environment that pinned it; it is never stored or logged.
/// An ingest key can only write events; a read key can only read.
public final class KeyStore: Sendable {
    /// What a key may do.
    public enum Scope: String, Codable, Sendable, CaseIterable {
        case ingest
        case read
    }

    struct StoredKey: Codable, Sendable {
        var id: String
        var scope: Scope
        var sha256: String
        var createdAt: String
    }

    struct File: Codable {
        var project: String
        var keys: [StoredKey]
    }

    private let byHash: [String: Scope]

    private init(keys: [StoredKey]) {
        var byHash: [String: Scope] = [:]
        for key in keys { byHash[key.sha256] = key.scope }
        self.byHash = byHash
    }

    /// Opens the key file, creating a default project with one ingest and one read key on first start.
    ///
    /// - Returns: the store, and the plain text of keys created by this call (to print once).
    public static func open(directory: String, pinnedIngestKey: String?, pinnedReadKey: String?) throws -> (KeyStore, created: [(Scope, String)]) {
        let url = URL(fileURLWithPath: directory).appendingPathComponent("keys.json")
        var file: File
        var created: [(Scope, String)] = []
        if FileManager.default.fileExists(atPath: url.path) {
            do {
                file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
            } catch {
                throw ServerError(code: .keys, message: "the key file \(url.path) cannot be read (\(type(of: error))); restore it from a backup or remove it to create new keys")
            }
        } else {
            file = File(project: "default", keys: [])
            for scope in Scope.allCases {
                let pinned = scope == .ingest ? pinnedIngestKey : pinnedReadKey
                if pinned != nil { continue }
                let key = generate(scope)
                file.keys.append(StoredKey(id: "\(scope.rawValue)-1", scope: scope, sha256: hash(key), createdAt: Date().ISO8601Format()))
                created.append((scope, key))
            }
            try write(file, to: url)
        }
        var keys = file.keys
        if let pinnedIngestKey { keys.append(StoredKey(id: "ingest-env", scope: .ingest, sha256: hash(pinnedIngestKey), createdAt: "")) }
        if let pinnedReadKey { keys.append(StoredKey(id: "read-env", scope: .read, sha256: hash(pinnedReadKey), createdAt: "")) }
        return (KeyStore(keys: keys), created)
    }

    /// The scope of a presented key, or `nil` if it is not one of the project's keys.
    public func scope(ofKey key: some StringProtocol) -> Scope? {
        byHash[Self.hash(String(key))]
    }

    static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func generate(_ scope: Scope) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let body = String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        return "sl_\(scope.rawValue)_\(body)"
    }

    private static func write(_ file: File, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(file)
        let temporary = url.appendingPathExtension("tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ServerError(code: .keys, message: "cannot write the key file in \(url.deletingLastPathComponent().path): check that the data directory is writable")
        }
        guard rename(temporary.path, url.path) == 0 else {
            throw ServerError(code: .keys, message: "cannot move the key file into place in \(url.deletingLastPathComponent().path): check that the data directory is writable")
        }
    }
}
