import Crypto
import _CryptoExtras
import Foundation
import Logging
import SightlineSQLite
import Synchronization

/// Dashboard sign-in: users with scrypt password hashes, sessions in HTTP-only cookies, a CSRF
/// token per session, and login rate limiting.
///
/// Invariants:
/// - The session cookie holds a random 256-bit token; the store keeps only its SHA-256.
/// - A request authenticated by the session cookie that changes state (POST) must carry the
///   session's CSRF token in `X-CSRF-Token`; requests with a bearer key need none (no cookie).
/// - After `maxFailures` failed logins within `window` for a user name or a client address,
///   further attempts for it are refused with 429 until the window passes; a success resets
///   the user's count. Failures never say whether the user exists.
/// - Passwords, hashes and tokens never reach a log line or an error message.
public final class DashboardAuth: Sendable {
    public static let cookieName = "sightline_session"
    public static let sessionLifetimeMicros: Int64 = 12 * 3_600_000_000

    let accounts: SQLiteAccountStore
    let secureCookies: Bool
    private let limiter = Mutex<[String: (failures: Int, windowStart: Int64)]>([:])
    static let maxFailures = 5
    static let windowMicros: Int64 = 5 * 60_000_000

    init(accounts: SQLiteAccountStore, secureCookies: Bool) {
        self.accounts = accounts
        self.secureCookies = secureCookies
    }

    /// Creates the `admin` user on first start. Returns the generated password to print once, or
    /// `nil` when a user exists already or the password was given (`SIGHTLINE_ADMIN_PASSWORD`).
    func ensureAdmin(pinnedPassword: String?, nowMicros: Int64, logger: Logger) throws -> String? {
        if try accounts.userCount() > 0 {
            if let pinnedPassword {
                try accounts.setPasswordHash(try Self.hash(pinnedPassword), forUser: "admin")
            }
            return nil
        }
        let password = pinnedPassword ?? Self.randomToken(bytes: 12)
        try accounts.createUser(name: "admin", role: "admin", passwordHash: try Self.hash(password), nowMicros: nowMicros)
        logger.info("dashboard admin user created", metadata: ["user": "admin"])
        return pinnedPassword == nil ? password : nil
    }

    // MARK: Passwords

    /// scrypt N=2^15, r=8, p=1 (32 MiB, ~0.1 s here), 16-byte salt, 32-byte hash.
    static func hash(_ password: String, salt: [UInt8]? = nil, rounds: Int = 1 << 15) throws -> String {
        let salt = salt ?? (0..<16).map { _ in UInt8.random(in: 0...255) }
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: rounds, blockSize: 8, parallelism: 1)
        let hash = key.withUnsafeBytes { Data($0).base64EncodedString() }
        return "scrypt$\(rounds)$8$1$\(Data(salt).base64EncodedString())$\(hash)"
    }

    static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt", let rounds = Int(parts[1]), parts[2] == "8", parts[3] == "1",
              let salt = Data(base64Encoded: String(parts[4])), let expected = Data(base64Encoded: String(parts[5])),
              let actual = try? hash(password, salt: Array(salt), rounds: rounds).split(separator: "$").last,
              let actualBytes = Data(base64Encoded: String(actual))
        else { return false }
        // Constant-time comparison.
        guard actualBytes.count == expected.count else { return false }
        return zip(actualBytes, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func randomToken(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(raw).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func tokenHash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Array(token.utf8))) }

    // MARK: Rate limiting

    /// Seconds to wait when `keys` are locked out, else `nil`.
    func lockedOut(_ keys: [String], nowMicros: Int64) -> Int? {
        limiter.withLock { state in
            var wait: Int64 = 0
            for key in keys {
                guard let entry = state[key] else { continue }
                if nowMicros - entry.windowStart >= Self.windowMicros {
                    state[key] = nil
                } else if entry.failures >= Self.maxFailures {
                    wait = max(wait, entry.windowStart + Self.windowMicros - nowMicros)
                }
            }
            return wait > 0 ? Int((wait + 999_999) / 1_000_000) : nil
        }
    }

    func recordFailure(_ keys: [String], nowMicros: Int64) {
        limiter.withLock { state in
            if state.count > 100_000 { state.removeAll() }  // bounded memory under a flood
            for key in keys {
                if let entry = state[key], nowMicros - entry.windowStart < Self.windowMicros {
                    state[key] = (entry.failures + 1, entry.windowStart)
                } else {
                    state[key] = (1, nowMicros)
                }
            }
        }
    }

    func recordSuccess(user: String) {
        limiter.withLock { $0["user:" + user] = nil }
    }

    // MARK: Sessions

    /// Verifies the credentials and opens a session: returns the cookie token and session.
    func login(name: String, password: String, nowMicros: Int64) throws -> (token: String, session: SQLiteAccountStore.Session)? {
        guard let user = try accounts.user(named: name), !user.disabled, Self.verify(password, against: user.passwordHash) else {
            return nil
        }
        let token = Self.randomToken()
        let csrf = Self.randomToken()
        let expires = nowMicros + Self.sessionLifetimeMicros
        try accounts.createSession(tokenHash: Self.tokenHash(token), userID: user.id, csrfToken: csrf, nowMicros: nowMicros, expiresAtMicros: expires)
        return (token, SQLiteAccountStore.Session(user: user, csrfToken: csrf, expiresAtMicros: expires))
    }

    func session(token: String, nowMicros: Int64) throws -> SQLiteAccountStore.Session? {
        try accounts.session(tokenHash: Self.tokenHash(token), nowMicros: nowMicros)
    }

    func logout(token: String) throws {
        try accounts.deleteSession(tokenHash: Self.tokenHash(token))
    }

    func cookie(token: String, maxAgeSeconds: Int) -> String {
        "\(Self.cookieName)=\(token); Path=/; Max-Age=\(maxAgeSeconds); HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }
}
