import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The web dashboard: static files (vanilla JS, CSS, SVG charts; no CDN) served from the
/// module's `Dashboard` resources. The page signs in through `/auth/login` and reads the
/// metrics, query and event APIs with its session cookie.
extension Routes {
    /// The dashboard's files by name, loaded once.
    static let dashboardFiles: [String: (bytes: [UInt8], contentType: String)] = {
        guard let directory = Bundle.module.url(forResource: "Dashboard", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [:] }
        var files: [String: (bytes: [UInt8], contentType: String)] = [:]
        for name in names {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
            let type: String
            switch (name as NSString).pathExtension {
            case "html": type = "text/html; charset=utf-8"
            case "js": type = "text/javascript; charset=utf-8"
            case "css": type = "text/css; charset=utf-8"
            case "svg": type = "image/svg+xml"
            case "png": type = "image/png"
            case "ico": type = "image/x-icon"
            default: type = "application/octet-stream"
            }
            files[name] = ([UInt8](data), type)
        }
        return files
    }()

    func registerDashboard(on router: Router<SightlineRequestContext>) {
        for (name, file) in Self.dashboardFiles {
            let response: @Sendable (Request, SightlineRequestContext) async throws -> Response = { _, _ in
                var headers: HTTPFields = [.contentType: file.contentType]
                headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
                headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
                headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
                headers[.cacheControl] = "no-cache"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
            }
            if name == "index.html" {
                router.get("/", use: response)
                router.get("/index.html", use: response)
            } else {
                router.get(RouterPath(stringLiteral: "/" + name), use: response)
            }
        }
    }
}
