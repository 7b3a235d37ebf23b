#if Vapor
import SightlineClient
import Synchronization
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
/// - Streamed bodies (`Response.Body(stream:)`, `asyncStream`, `managedAsyncStream`, files from
///   `req.fileio`) are never buffered or delayed: each write is passed on as it comes, with its
///   promise and on the writer's event loop. Their event is recorded once, when the stream ends:
///   when the writer is handed `.end`, or `.error` (recorded with that error), or when the stream
///   closure throws; `response_size` is the bytes written and `duration_ms` runs to the end of
///   the stream. A write that failed (the client went away) puts its error on the event. A
///   stream released without `.end` or `.error`, or never written at all, is recorded when it
///   is released, with an error that says so. The declared length (`count`, -1 when unknown)
///   and the headers are kept, so Vapor's `Content-Length` / chunked choice is unchanged.
/// - Vapor keeps a body's stream closure internal: it is read by reflection (``StreamedBody``).
///   If reflection does not find the layout it expects (another Vapor version), or for a `HEAD`
///   request or a 204 (Vapor writes no body), the response is left untouched and the event is
///   recorded when the middleware returns, with the declared length when there is one.
/// - Every streamed body carries the attribute `streamed` = true, and is never captured.
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
        let inMemory = Self.isInMemory(body, count: count)
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

        // Vapor writes no body for HEAD or 204, so the stream closure would never run.
        if !inMemory, request.method != .HEAD, response.status != .noContent, let stream = StreamedBody(body) {
            // Counted as written, recorded when the stream ends. Setting `body` makes Vapor
            // rewrite Content-Length / Transfer-Encoding from the count: the headers are put back
            // as they were, so a response built with `headersNoUpdate` stays as it was.
            let headers = response.headers
            response.body = stream.counting(into: StreamRecorder(event: event, start: start, client: client))
            response.headers = headers
            return response
        }
        if count >= 0 { event.responseSize = Int64(count) }
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

    /// Whether Vapor holds the response body in memory rather than as a stream. Only streams
    /// have an unknown length (-1). Vapor's public `buffer` copies a string or data body, so it
    /// is asked only of small ones; a larger body is told apart by the name of its storage's case
    /// (``StreamedBody/isStream(_:)``), which copies nothing.
    static func isInMemory(_ body: Response.Body, count: Int) -> Bool {
        if count == 0 { return true }
        if count < 0 { return false }
        if count > copyCheckLimit, let stream = StreamedBody.isStream(body) { return !stream }
        return body.buffer != nil
    }

    /// The largest body ``isInMemory(_:count:)`` copies to find out (a copy this small costs less
    /// than reflection).
    static let copyCheckLimit = 4096
}

/// The parts of a streamed `Response.Body`, read by reflection: Vapor (4.122) keeps them in the
/// internal `storage` enum, whose `stream` and `asyncStream` cases hold a struct (`BodyStream`,
/// `AsyncBodyStream`) of `count` and `callback`.
///
/// Invariants:
/// - Found only when every part is where and what it is expected to be; anything else gives
///   `nil` and the caller leaves the response untouched. Nothing here can trap.
/// - The payload struct is copied whole as ``SyncParts`` / ``AsyncParts``, declared like Vapor's,
///   and only after checking that it is a struct with the same field labels and field types in
///   the same order, and the same size, stride and alignment: Swift then lays both out alike.
///   (The callback is never read as a `Mirror` child and cast: with Swift 6.3 the cast to the
///   `async` closure type succeeds, but calling the result crashes.)
/// - `count` must equal the body's public `count`.
/// - ``counting(into:)`` builds the body again through Vapor's public initialisers, with the
///   same count and allocator, so Vapor writes it the same way.
enum StreamedBody: Sendable {
    case stream(count: Int, callback: @Sendable (any BodyStreamWriter) -> Void, allocator: ByteBufferAllocator)
    case asyncStream(count: Int, callback: @Sendable (any AsyncBodyStreamWriter) async throws -> Void, allocator: ByteBufferAllocator)

    /// Vapor's `Response.BodyStream`, field for field.
    struct SyncParts {
        let count: Int
        let callback: @Sendable (any BodyStreamWriter) -> Void
    }

    /// Vapor's `Response.AsyncBodyStream`, field for field.
    struct AsyncParts {
        let count: Int
        let callback: @Sendable (any AsyncBodyStreamWriter) async throws -> Void
    }

    private static let syncShape = shape(of: SyncParts(count: 0, callback: { _ in }))
    private static let asyncShape = shape(of: AsyncParts(count: 0, callback: { _ in }))

    /// Whether `body` is a stream, by the name of its storage's case (no payload is read); nil
    /// when the storage is not what this Vapor version has, including a case it does not name.
    static func isStream(_ body: Response.Body) -> Bool? {
        guard let storage = storage(of: Mirror(reflecting: body).children) else { return nil }
        // A case without a payload (`none`) has no child.
        guard let label = storage.children.first?.label else { return false }
        switch label {
        case "stream", "asyncStream": return true
        case "buffer", "data", "dispatchData", "staticString", "string": return false
        default: return nil
        }
    }

    /// The mirror of a body's `storage` enum, from the body's fields; nil when there is none.
    private static func storage(of fields: Mirror.Children) -> Mirror? {
        guard let storage = fields.first(where: { $0.label == "storage" })?.value else { return nil }
        let mirror = Mirror(reflecting: storage)
        return mirror.displayStyle == .enum ? mirror : nil
    }

    init?(_ body: Response.Body) {
        let fields = Mirror(reflecting: body).children
        guard let storageMirror = Self.storage(of: fields), storageMirror.children.count == 1,
              let payload = storageMirror.children.first else { return nil }
        let allocator = fields.first(where: { $0.label == "byteBufferAllocator" })?.value as? ByteBufferAllocator ?? ByteBufferAllocator()
        switch payload.label {
        case "stream":
            guard let parts = Self.copy(payload.value, as: SyncParts.self, shape: Self.syncShape), parts.count == body.count else { return nil }
            self = .stream(count: parts.count, callback: parts.callback, allocator: allocator)
        case "asyncStream":
            guard let parts = Self.copy(payload.value, as: AsyncParts.self, shape: Self.asyncShape), parts.count == body.count else { return nil }
            self = .asyncStream(count: parts.count, callback: parts.callback, allocator: allocator)
        default:
            return nil
        }
    }

    /// The field labels and types of a struct, in order; nil for anything but a struct.
    private static func shape(of value: Any) -> [FieldShape]? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .struct else { return nil }
        return mirror.children.map { FieldShape(label: $0.label, type: ObjectIdentifier(type(of: $0.value))) }
    }

    private struct FieldShape: Equatable {
        let label: String?
        let type: ObjectIdentifier
    }

    /// `value` (opened from `Any`) copied as a `Parts` when both have the same shape and layout.
    private static func copy<Value, Parts>(_ value: Value, as _: Parts.Type, shape expected: [FieldShape]?) -> Parts? {
        guard Value.self != Any.self,
              MemoryLayout<Value>.size == MemoryLayout<Parts>.size,
              MemoryLayout<Value>.stride == MemoryLayout<Parts>.stride,
              MemoryLayout<Value>.alignment == MemoryLayout<Parts>.alignment,
              let expected, shape(of: value) == expected else { return nil }
        return withUnsafePointer(to: value) { UnsafeRawPointer($0).load(as: Parts.self) }
    }

    /// The same stream, its writes passed through a writer that counts them into `recorder`.
    func counting(into recorder: StreamRecorder) -> Response.Body {
        switch self {
        case .stream(let count, let callback, let allocator):
            return Response.Body(stream: { writer in
                recorder.started()
                callback(CountingBodyStreamWriter(parent: writer, recorder: recorder))
            }, count: count, byteBufferAllocator: allocator)
        case .asyncStream(let count, let callback, let allocator):
            return Response.Body(asyncStream: { writer in
                recorder.started()
                do {
                    try await callback(CountingAsyncBodyStreamWriter(parent: writer, recorder: recorder))
                } catch {
                    recorder.finish(error: error)
                    throw error
                }
            }, count: count, byteBufferAllocator: allocator)
        }
    }
}

/// The event of one streamed response, recorded exactly once: at the stream's end (`.end`,
/// `.error`, a thrown error), or when the last reference goes if it never ended. Written to
/// from any thread: its state is behind a `Mutex`.
final class StreamRecorder: Sendable {
    private struct State {
        var bytes: Int64 = 0
        var failure: CapturedError?
        var started = false
        var recorded = false
    }

    private let state = Mutex(State())
    private let event: APIEvent
    private let start: ContinuousClock.Instant
    private let client: SightlineClient

    init(event: APIEvent, start: ContinuousClock.Instant, client: SightlineClient) {
        self.event = event
        self.start = start
        self.client = client
    }

    func started() {
        state.withLock { $0.started = true }
    }

    func add(_ bytes: Int) {
        state.withLock { $0.bytes += Int64(bytes) }
    }

    /// A write that failed: its error goes on the event when the stream ends.
    func noteFailure(_ error: any Error) {
        let failure = Self.captured(error)
        state.withLock { if $0.failure == nil { $0.failure = failure } }
    }

    /// Records the event unless it already was; `error` is the stream's `.error` or thrown error.
    func finish(error: (any Error)?) {
        let failure = error.map(Self.captured)
        let taken = state.withLock { s -> (bytes: Int64, failure: CapturedError?)? in
            guard !s.recorded else { return nil }
            s.recorded = true
            return (s.bytes, failure ?? s.failure)
        }
        if let taken { record(bytes: taken.bytes, failure: taken.failure) }
    }

    deinit {
        let s = state.withLock { $0 }
        guard !s.recorded else { return }
        let message = s.started
            ? "response body stream released without .end or .error"
            : "response body stream never written (the response was not sent)"
        record(bytes: s.bytes, failure: s.failure ?? CapturedError(message: message))
    }

    private func record(bytes: Int64, failure: CapturedError?) {
        var event = self.event
        event.responseSize = bytes
        event.error = failure
        event.durationMs = SightlineMiddleware.milliseconds(since: start)
        client.enqueue(event)
    }

    private static func captured(_ error: any Error) -> CapturedError {
        CapturedError(type: String(reflecting: type(of: error)), message: "response body not fully written: \(error)")
    }
}

/// Passes every write to the real writer unchanged (same result, same promise, same event
/// loop), counting bytes on the way and ending the recorder on `.end` / `.error`.
struct CountingBodyStreamWriter: BodyStreamWriter {
    let parent: any BodyStreamWriter
    let recorder: StreamRecorder

    var eventLoop: any EventLoop { parent.eventLoop }

    func write(_ result: BodyStreamResult, promise: EventLoopPromise<Void>?) {
        switch result {
        case .buffer(let buffer):
            recorder.add(buffer.readableBytes)
            promise?.futureResult.whenFailure { [recorder] error in recorder.noteFailure(error) }
        case .end:
            // Before it is passed on, so the event is queued before the client sees the end.
            recorder.finish(error: nil)
        case .error(let error):
            recorder.finish(error: error)
        }
        parent.write(result, promise: promise)
    }
}

/// The `async` counterpart of ``CountingBodyStreamWriter``.
struct CountingAsyncBodyStreamWriter: AsyncBodyStreamWriter {
    let parent: any AsyncBodyStreamWriter
    let recorder: StreamRecorder

    func write(_ result: BodyStreamResult) async throws {
        switch result {
        case .buffer(let buffer): recorder.add(buffer.readableBytes)
        case .end: recorder.finish(error: nil)
        case .error(let error): recorder.finish(error: error)
        }
        do {
            try await parent.write(result)
        } catch {
            recorder.noteFailure(error)
            throw error
        }
    }

    func writeBuffer(_ buffer: ByteBuffer) async throws {
        recorder.add(buffer.readableBytes)
        do {
            try await parent.writeBuffer(buffer)
        } catch {
            recorder.noteFailure(error)
            throw error
        }
    }
}
#endif
