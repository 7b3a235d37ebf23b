#if Vapor
import SightlineClient
import Vapor

/// Captures every request Vapor routes as a Sightline event: one line to add.
///
/// ```swift
/// app.middleware.use(SightlineMiddleware(client: sightline))
/// ```
///
/// Invariants:
/// - The app's behaviour is unchanged: the response is returned as produced; errors thrown
///   further down the chain are rethrown as they were (and recorded with the `AbortError`'s
///   status, else 500).
/// - Nothing on the request path waits for the network or the disk (a non-blocking `enqueue`).
///   While the client's memory queue is full (`shouldCapture()`), requests are not captured at
///   all and are counted as dropped.
/// - Streamed bodies (`Response.Body(stream:)`, `asyncStream`, files) are never buffered or
///   delayed. Vapor gives middleware no hook at the end of a stream, so for those the event is
///   recorded when the middleware returns, with the declared length when there is one and the
///   attribute `streamed` = true.
/// - The route is the router's template, `req.route?.path`, written `/orders/{id}`.
/// - Identity closures run after the handler, so they see `req.auth` as inner middleware left it.
public struct SightlineMiddleware: AsyncMiddleware {
    public typealias ConsumerClosure = @Sendable (Request) -> SightlineConsumer?
    public typealias StringClosure = @Sendable (Request) -> String?

    let client: SightlineClient
    let options: CaptureOptions
    let consumer: ConsumerClosure?
    let user: StringClosure?
    let session: StringClosure?

    /// - Parameters:
    ///   - client: where events go.
    ///   - options: what to capture (exclusions, sampling, headers and bodies, trusted proxies).
    ///   - consumer: the API customer of a request, e.g. from its API key.
    ///   - user: the end user's id.
    ///   - session: the session id (else `options.sessionCookieName`'s cookie).
    public init(
        client: SightlineClient,
        options: CaptureOptions = try! CaptureOptions(),
        consumer: ConsumerClosure? = nil,
        user: StringClosure? = nil,
        session: StringClosure? = nil
    ) {
        self.client = client
        self.options = options
        self.consumer = consumer
        self.user = user
        self.session = session
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path.isEmpty ? "/" : request.url.path
        guard !options.isExcluded(path: path), let weight = options.sample(), client.shouldCapture() else {
            return try await next.respond(to: request)
        }
        let start = ContinuousClock.now
        var event = APIEvent(method: request.method.rawValue, path: path, status: 500)
        event.rawQuery = request.url.query
        let headers = request.headers
        event.userAgent = headers.first(name: .userAgent)
        event.host = headers.first(name: .host)
        event.scheme = request.url.scheme
        event.requestSize = headers.first(name: .contentLength).flatMap { Int64($0) }
        if let traceparent = headers.first(name: "traceparent"), let trace = TraceContext(traceparent: traceparent) {
            event.traceID = trace.traceID
            event.spanID = trace.spanID
        }
        let peer = request.remoteAddress?.ipAddress
        if options.clientAddress.hasTrustedProxies {
            event.clientIP = options.clientAddress.resolve(peer: peer, forwardedFor: headers[.xForwardedFor], forwarded: headers[.forwarded])
        } else {
            event.clientIP = peer
        }
        if weight != 1 { event.attributes.append(("sample_weight", .number(weight))) }
        if options.captureRequestHeaders || options.captureRequestBody {
            var exchange = CapturedExchange(contentType: headers.first(name: .contentType))
            if options.captureRequestHeaders {
                exchange.headers = options.capHeaders(headers.lazy.map { (name: $0.name, value: $0.value) })
            }
            // Vapor has already collected the body of non-streaming routes: only that is read.
            if options.captureRequestBody, let buffer = request.body.data {
                let keep = min(buffer.readableBytes, options.maxBodyBytes)
                exchange.body = Array(buffer.readableBytesView.prefix(keep))
                exchange.bodyTruncated = keep < buffer.readableBytes
                if event.requestSize == nil { event.requestSize = Int64(buffer.readableBytes) }
            }
            event.request = exchange
        }

        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            event.status = Int((error as? any AbortError)?.status.code ?? 500)
            event.error = CapturedError(type: String(reflecting: type(of: error)), message: String(describing: error))
            identify(&event, request: request)
            if let route = event.route, options.excludedPaths.contains(route) { throw error }
            event.durationMs = Self.milliseconds(since: start)
            client.enqueue(event)
            throw error
        }
        event.status = Int(response.status.code)
        identify(&event, request: request)
        if let route = event.route, options.excludedPaths.contains(route) { return response }

        let body = response.body
        let count = body.count
        let inMemory = body.buffer != nil || count == 0
        if count >= 0 { event.responseSize = Int64(count) }
        if !inMemory { event.attributes.append(("streamed", .bool(true))) }
        if options.captureResponseHeaders || options.captureResponseBody {
            var exchange = CapturedExchange(contentType: response.headers.first(name: .contentType))
            if options.captureResponseHeaders {
                exchange.headers = options.capHeaders(response.headers.lazy.map { (name: $0.name, value: $0.value) })
            }
            if options.captureResponseBody, inMemory, count <= options.maxBodyBytes, let buffer = body.buffer {
                exchange.body = Array(buffer.readableBytesView)
            }
            event.response = exchange
        }
        event.durationMs = Self.milliseconds(since: start)
        client.enqueue(event)
        return response
    }

    private func identify(_ event: inout APIEvent, request: Request) {
        if let route = request.route {
            event.route = Self.template(route.path)
        }
        if let consumer { event.consumer = consumer(request) }
        if let user { event.userID = user(request) }
        if let session {
            event.sessionID = session(request)
        } else if let name = options.sessionCookieName {
            event.sessionID = CaptureOptions.cookie(named: name, in: request.headers[.cookie])
        }
    }

    /// `[orders, :id]` → `/orders/{id}`; `*` and `**` kept as they are.
    static func template(_ components: [PathComponent]) -> String {
        var out = ""
        for component in components {
            out.append("/")
            switch component {
            case .constant(let s): out.append(s)
            case .parameter(let name): out.append("{\(name)}")
            case .anything: out.append("*")
            case .catchall: out.append("**")
            }
        }
        return out.isEmpty ? "/" : out
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let (s, attos) = (ContinuousClock.now - start).components
        return Double(s) * 1000 + Double(attos) / 1e15
    }
}
#endif
