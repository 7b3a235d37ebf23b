#if Hummingbird
import HTTPTypes
import Hummingbird
import NIOCore
import SightlineClient

/// Captures every request the router handles as a Sightline event: one line to add.
///
/// ```swift
/// router.add(middleware: SightlineMiddleware(client: sightline))
/// ```
///
/// Invariants:
/// - The app's behaviour is unchanged: the response is returned as produced, errors thrown by
///   handlers are rethrown as they were (and recorded with their status: the
///   `HTTPResponseError`'s, else 500).
/// - Nothing on the request path waits for the network or the disk: the event is handed to the
///   client's memory queue with a non-blocking `enqueue`. While that queue is full
///   (`shouldCapture()`), requests are not captured at all and are counted as dropped.
/// - Response bodies are never buffered or delayed. A body of known length that is not captured
///   is left untouched (Hummingbird writes in-memory bodies with head and end in one go) and the
///   event is recorded when the handler returns, its size from the length. A stream of unknown
///   length, or a body being captured, is passed through a writer that counts (and, for capture,
///   copies) bytes as they are written; the event is recorded when the body has been written
///   (for a stream, when it ends). A body is copied only when capture is switched on, its length
///   is known and under the cap, and it is not `text/event-stream`.
/// - The route is the router's template (`context.endpointPath`, e.g. `/orders/{id}`), read
///   after the handler ran.
///
/// The client IP needs a context that conforms to `RemoteAddressRequestContext`. Identity
/// closures see the context this middleware received: add the middleware after your
/// authentication middleware if they read what it stored.
public struct SightlineMiddleware<Context: RequestContext>: RouterMiddleware {
    public typealias ConsumerClosure = @Sendable (Request, Context) -> SightlineConsumer?
    public typealias StringClosure = @Sendable (Request, Context) -> String?

    let client: SightlineClient
    let options: CaptureOptions
    let consumer: ConsumerClosure?
    let user: StringClosure?
    let session: StringClosure?
    let tracksRemoteAddress: Bool

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
        self.tracksRemoteAddress = Context.self is any RemoteAddressRequestContext.Type
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard !options.isExcluded(path: path), let weight = options.sample(), client.shouldCapture() else {
            return try await next(request, context)
        }
        return try await capture(request, context: context, path: path, weight: weight, next: next)
    }

    /// The capturing path, apart from `handle` so that a request that is excluded or not
    /// sampled does not pay for this function's large async frame.
    @inline(never)
    private func capture(
        _ request: Request, context: Context, path: String, weight: Double,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let uri = request.uri
        let start = ContinuousClock.now
        var event = APIEvent(method: request.method.rawValue, path: path, status: 500)
        event.rawQuery = uri.query
        let headers = request.headers
        event.userAgent = headers[.userAgent]
        event.host = request.head.authority
        event.scheme = request.head.scheme
        event.requestSize = headers[.contentLength].flatMap { Int64($0) }
        if let traceparent = headers[Self.traceparent], let trace = TraceContext(traceparent: traceparent) {
            event.traceID = trace.traceID
            event.spanID = trace.spanID
        }
        event.clientIP = clientIP(headers: headers, context: context)
        if weight != 1 { event.attributes.append(("sample_weight", .number(weight))) }

        var request = request
        var requestExchange: CapturedExchange?
        if options.captureRequestHeaders || options.captureRequestBody {
            var exchange = CapturedExchange(contentType: headers[.contentType])
            if options.captureRequestHeaders {
                exchange.headers = options.capHeaders(headers.lazy.map { (name: $0.name.rawName, value: $0.value) })
            }
            if options.captureRequestBody, let length = event.requestSize, length > 0, length <= options.maxBodyBytes {
                // Read whole only when small and of known length: the handler gets the same bytes.
                let buffer = try await request.collectBody(upTo: options.maxBodyBytes)
                exchange.body = Array(buffer.readableBytesView)
            }
            requestExchange = exchange
        }
        event.request = requestExchange

        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            event.status = Int((error as? any HTTPResponseError)?.status.code ?? 500)
            event.error = CapturedError(type: String(reflecting: type(of: error)), message: String(describing: error))
            finish(&event, request: request, context: context)
            if let route = event.route, options.excludedPaths.contains(route) { throw error }
            event.durationMs = Self.milliseconds(since: start)
            client.enqueue(event)
            throw error
        }
        event.status = Int(response.status.code)
        finish(&event, request: request, context: context)
        if let route = event.route, options.excludedPaths.contains(route) { return response }

        let contentLength = response.body.contentLength
        let contentType = response.headers[.contentType]
        var capture = 0
        if options.captureResponseBody, let contentLength, contentLength <= options.maxBodyBytes,
           !(contentType?.hasPrefix("text/event-stream") ?? false) {
            capture = contentLength
        }
        if options.captureResponseHeaders || options.captureResponseBody {
            var exchange = CapturedExchange(contentType: contentType)
            if options.captureResponseHeaders {
                exchange.headers = options.capHeaders(response.headers.lazy.map { (name: $0.name.rawName, value: $0.value) })
            }
            event.response = exchange
        }

        if let contentLength, capture == 0 {
            // A body of known length that is not captured: recorded now, its size from the
            // length, and the response left as it is, so that Hummingbird keeps its fast path
            // for in-memory bodies (head, body and end in one write).
            event.responseSize = Int64(contentLength)
            event.durationMs = Self.milliseconds(since: start)
            client.enqueue(event)
            return response
        }

        // A stream (no length) or a body to capture: count the bytes as they are written and
        // record the event when the body has been written.
        var wrapped = response
        let body = response.body
        let client = self.client
        let recorded = event
        let captureLimit = capture
        wrapped.body = ResponseBody(contentLength: contentLength) { writer in
            let tally = BodyTally(captureLimit: captureLimit)
            var event = recorded
            do {
                try await body.write(writer.counting(into: tally))
            } catch {
                event.error = event.error ?? CapturedError(type: String(reflecting: type(of: error)), message: "response body not fully written: \(error)")
                Self.record(&event, tally: tally, start: start, client: client)
                throw error
            }
            Self.record(&event, tally: tally, start: start, client: client)
        }
        return wrapped
    }

    private static func record(_ event: inout APIEvent, tally: BodyTally, start: ContinuousClock.Instant, client: SightlineClient) {
        event.durationMs = milliseconds(since: start)
        event.responseSize = Int64(tally.bytes)
        if tally.captureLimit > 0, tally.bytes <= tally.captureLimit {
            event.response?.body = tally.captured
        }
        client.enqueue(event)
    }

    private func finish(_ event: inout APIEvent, request: Request, context: Context) {
        if let endpoint = context.endpointPath, endpoint != "NotFound", endpoint.hasPrefix("/") {
            event.route = endpoint
        }
        if let consumer { event.consumer = consumer(request, context) }
        if let user { event.userID = user(request, context) }
        if let session {
            event.sessionID = session(request, context)
        } else if let name = options.sessionCookieName {
            event.sessionID = CaptureOptions.cookie(named: name, in: request.headers[values: .cookie])
        }
    }

    private func clientIP(headers: HTTPFields, context: Context) -> String? {
        guard tracksRemoteAddress, let remote = (context as? any RemoteAddressRequestContext)?.remoteAddress else { return nil }
        let peer = remote.ipAddress
        if options.clientAddress.hasTrustedProxies {
            return options.clientAddress.resolve(
                peer: peer,
                forwardedFor: headers[values: Self.xForwardedFor],
                forwarded: headers[values: Self.forwarded]
            )
        }
        return peer
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        let (s, attos) = elapsed.components
        return Double(s) * 1000 + Double(attos) / 1e15
    }

    static var traceparent: HTTPField.Name { HeaderNames.traceparent }
    static var xForwardedFor: HTTPField.Name { HeaderNames.xForwardedFor }
    static var forwarded: HTTPField.Name { HeaderNames.forwarded }
}

/// Header names parsed once (a generic type cannot hold static stored properties).
enum HeaderNames {
    static let traceparent = HTTPField.Name("traceparent")!
    static let xForwardedFor = HTTPField.Name("x-forwarded-for")!
    static let forwarded = HTTPField.Name("forwarded")!
}

/// Bytes seen while a response body is written; the captured copy when asked for.
final class BodyTally {
    let captureLimit: Int
    var bytes = 0
    var captured: [UInt8] = []

    init(captureLimit: Int) {
        self.captureLimit = captureLimit
        if captureLimit > 0 { captured.reserveCapacity(captureLimit) }
    }

    func add(_ buffer: ByteBuffer) {
        bytes += buffer.readableBytes
        if captureLimit > 0, bytes <= captureLimit {
            captured.append(contentsOf: buffer.readableBytesView)
        }
    }
}

/// Passes every buffer through to the real writer, counting it on the way.
struct CountingBodyWriter<Parent: ResponseBodyWriter>: ResponseBodyWriter {
    var parent: Parent
    let tally: BodyTally

    mutating func write(_ buffer: ByteBuffer) async throws {
        tally.add(buffer)
        try await parent.write(buffer)
    }

    mutating func write(contentsOf buffers: some Sequence<ByteBuffer>) async throws {
        for buffer in buffers { tally.add(buffer) }
        try await parent.write(contentsOf: buffers)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await parent.finish(trailingHeaders)
    }
}

extension ResponseBodyWriter {
    consuming func counting(into tally: BodyTally) -> some ResponseBodyWriter {
        CountingBodyWriter(parent: self, tally: tally)
    }
}
#endif
