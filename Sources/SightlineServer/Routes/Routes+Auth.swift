import Foundation
import Hummingbird
import NIOCore
import SightlineSQLite

/// `POST /auth/login`, `GET /auth/session`, `POST /auth/logout`: the dashboard's session.
extension Routes {
    struct LoginRequest: Decodable {
        var username: String
        var password: String
    }

    func registerAuth(on router: Router<SightlineRequestContext>) {
        router.post("/auth/login") { request, context in
            try await login(request, context: context)
        }
        router.get("/auth/session") { request, _ in
            guard let token = DashboardAuth.cookieToken(request),
                  let session = try auth.session(token: token, nowMicros: Sightline.nowMicros())
            else {
                throw APIError.unauthorized("not signed in")
            }
            return try sessionResponse(session.user.name, role: session.user.role, csrf: session.csrfToken)
        }
        router.post("/auth/logout") { request, _ in
            try authorize(request, .read)  // a session cookie with its CSRF token
            if let token = DashboardAuth.cookieToken(request) { try auth.logout(token: token) }
            var response = Response(status: .noContent)
            response.headers[.setCookie] = auth.cookie(token: "", maxAgeSeconds: 0)
            return response
        }
    }

    func login(_ request: Request, context: SightlineRequestContext) async throws -> Response {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 4096)
        } catch {
            throw APIError.badRequest("the login body is limited to 4 KiB")
        }
        guard let body = try? JSONDecoder().decode(LoginRequest.self, from: Data(buffer.readableBytesView)),
              !body.username.isEmpty, body.username.count <= 256, body.password.count <= 1024
        else {
            throw APIError.badRequest(#"the body must be {"username": "...", "password": "..."}"#)
        }
        let now = Sightline.nowMicros()
        var limits = ["user:" + body.username]
        if let address = context.remoteAddress?.ipAddress { limits.append("ip:" + address) }
        if let wait = auth.lockedOut(limits, nowMicros: now) {
            throw APIError(.tooManyRequests, code: "too_many_attempts", message: "too many failed sign-ins: try again in \(wait) s", retryAfterSeconds: wait)
        }
        guard let (token, session) = try auth.login(name: body.username, password: body.password, nowMicros: now) else {
            auth.recordFailure(limits, nowMicros: now)
            throw APIError.unauthorized("wrong user name or password")
        }
        auth.recordSuccess(user: body.username)
        var response = try sessionResponse(session.user.name, role: session.user.role, csrf: session.csrfToken)
        response.headers[.setCookie] = auth.cookie(token: token, maxAgeSeconds: Int(DashboardAuth.sessionLifetimeMicros / 1_000_000))
        return response
    }

    func sessionResponse(_ name: String, role: String, csrf: String) throws -> Response {
        var bytes: [UInt8] = []
        bytes.append(contentsOf: #"{"user":{"name":"#.utf8)
        JSONText.appendString(name, to: &bytes)
        bytes.append(contentsOf: #","role":"#.utf8)
        JSONText.appendString(role, to: &bytes)
        bytes.append(contentsOf: #"},"csrf_token":"#.utf8)
        JSONText.appendString(csrf, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        var response = Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

extension DashboardAuth {
    /// The session token from the `Cookie` header, if any.
    static func cookieToken(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(cookieName + "=") {
                    let value = String(pair.dropFirst(cookieName.count + 1))
                    return value.isEmpty ? nil : value
                }
            }
        }
        return nil
    }
}
