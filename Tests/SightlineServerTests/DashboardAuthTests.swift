import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SightlineServer
import Testing

@Suite("Dashboard sign-in, sessions and CSRF")
struct DashboardAuthTests {
    func login(_ client: some TestClientProtocol, _ user: String, _ password: String) async throws -> TestResponse {
        let body = try JSONSerialization.data(withJSONObject: ["username": user, "password": password])
        return try await client.execute(uri: "/auth/login", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body))
    }

    func cookie(_ response: TestResponse) -> String? {
        response.headers[.setCookie]?.split(separator: ";").first.map(String.init)
    }

    @Test("sign in, read with the session cookie, CSRF on POST, sign out")
    func sessionFlow() async throws {
        try await TestServer { $0.pinnedAdminPassword = "correct horse battery" }.run { _, client in
            let wrong = try await login(client, "admin", "nope")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.setCookie] == nil)

            let signedIn = try await login(client, "admin", "correct horse battery")
            #expect(signedIn.status == .ok)
            let setCookie = try #require(signedIn.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
            let session = try #require(cookie(signedIn))
            let csrf = try #require(signedIn.json["csrf_token"] as? String)
            #expect((signedIn.json["user"] as? [String: String])?["name"] == "admin")

            // Reads with the cookie; no bearer key needed.
            #expect(try await client.execute(uri: "/v1/metrics/overview", method: .get, headers: [.cookie: session]).status == .ok)
            #expect(try await client.execute(uri: "/auth/session", method: .get, headers: [.cookie: session]).json["csrf_token"] as? String == csrf)

            // A state-changing request with the cookie needs the CSRF token.
            let query = ByteBuffer(string: #"{"query": "take 1"}"#)
            let noToken = try await client.execute(uri: "/v1/query", method: .post, headers: [.cookie: session], body: query)
            #expect(noToken.status == .forbidden)
            var withToken: HTTPFields = [.cookie: session]
            withToken[HTTPField.Name("X-CSRF-Token")!] = csrf
            #expect(try await client.execute(uri: "/v1/query", method: .post, headers: withToken, body: query).status == .ok)

            // Ingest never accepts a session.
            #expect(try await client.execute(uri: "/v1/events", method: .post, headers: [.cookie: session], body: ByteBuffer(string: event())).status == .unauthorized)

            #expect(try await client.execute(uri: "/auth/logout", method: .post, headers: withToken).status == .noContent)
            #expect(try await client.execute(uri: "/v1/metrics/overview", method: .get, headers: [.cookie: session]).status == .unauthorized)
            #expect(try await client.execute(uri: "/auth/session", method: .get, headers: [.cookie: session]).status == .unauthorized)
        }
    }

    @Test("repeated failures are rate limited with 429 and Retry-After, even with the right password")
    func rateLimit() async throws {
        try await TestServer { $0.pinnedAdminPassword = "right" }.run { _, client in
            for _ in 0..<5 {
                #expect(try await login(client, "admin", "wrong").status == .unauthorized)
            }
            let limited = try await login(client, "admin", "right")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            // The test client's address is locked out too: trying other user names from it is refused
            // (password spraying), without saying whether they exist.
            #expect(try await login(client, "someone", "x").status == .tooManyRequests)
        }
    }

    @Test("the dashboard page is served with a strict content security policy, without a key")
    func dashboardPage() async throws {
        try await TestServer().run { _, client in
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(String(buffer: page.body).contains("Sightline"))
        }
    }
}
