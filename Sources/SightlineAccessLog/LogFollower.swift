import Dispatch
import Synchronization

/// Follows an access log like `tail -F`: across rename and copytruncate rotation, and from a saved
/// ``FollowerPosition`` across restarts, without gaps or duplicates.
///
/// Invariants:
/// - Each byte of a followed file is offered until consumed, then never again (in this process;
///   after a restart, from the last saved position on).
/// - Bytes arrive in file order; a file's bytes all come before the next file's. A chunk always
///   starts at a line boundary and, unless ``FollowerChunk/isFinal``, holds at least one complete
///   line; a partial last line is held back until its LF arrives.
/// - Memory is bounded by `readChunk + maxLineLength`: a line longer than `maxLineLength` is
///   dropped (``FollowerNote/overlongLineDropped(lineNumber:offset:)``), not buffered.
/// - The follower never busy-loops: with nothing new it sleeps `pollInterval` between looks. File
///   I/O runs on the follower's own dispatch queue, never on the cooperative pool.
///
/// Rotation:
/// - rename + create: when the path names another file, the old descriptor is read to its end;
///   once the new file has data (or the old one stayed idle for `rotationGrace`), the old file's
///   last bytes are offered as final and the follower switches to the new file at offset 0.
///   Lines a writer appends to the old file after the switch are not read.
/// - copytruncate: when the file shrinks below the read offset, or its first line changes
///   (checked with one small read per poll), reading restarts at 0; unconsumed bytes read before
///   are offered as final first. Lines written between the last read and the truncation are only
///   in the copy: an inherent window of copytruncate, reported as
///   ``FollowerNote/truncated(previousOffset:)``. Prefer rename + create where possible.
/// - Restart: with a saved position, the file at `path` with the same inode and first line is
///   resumed at the offset (at 0 when it is now shorter, or its first line changed). Otherwise
///   the saved file is looked up by inode and first line among `path.1`, `path.*`, `path-*` (not
///   compressed) and read to its end first. If it is gone, the new file is read from 0
///   (``FollowerNote/savedFileNotFound``): a file rotated in between is not read, so one rotation
///   since the last saved position is covered, two are not. The device is recorded but not
///   compared on restart (it can change across reboots).
/// - Identity is inode + first line: a new file that reuses an inode and starts with the very same
///   line is taken for the old one (first lines carry a timestamp in practice).
///
/// The caller saves ``FollowerChunk/position(afterConsuming:)`` only once the events of those
/// bytes are durably accepted: after a crash the lines consumed since the last save are sent
/// again (the server drops them by their deterministic event id), and none is skipped.
///
/// ```swift
/// let follower = try LogFollower(path: "/var/log/nginx/access.log", position: saved,
///                                fingerprint: { AccessLogEventID.fingerprint(firstLine: $0) })
/// try await follower.run { chunk in
///     let consumed = chunk.bytes.withUnsafeBytes { bytes in
///         parser.parseLines(in: bytes, firstLineNumber: chunk.lineNumber, byteOffset: chunk.offset,
///                           isFinal: chunk.isFinal) { result in batch.append(result) }
///     }
///     try await send(batch)                                    // durably accepted…
///     try chunk.position(afterConsuming: consumed).save(to: stateURL)   // …then saved
///     return consumed
/// }
/// ```
public final class LogFollower: Sendable {
    /// The followed path.
    public let path: String
    public let pollInterval: Duration
    private let state: Mutex<FollowerState>
    private let queue: DispatchQueue
    private let sleep: @Sendable (Duration) async throws -> Void

    /// - Parameters:
    ///   - path: the log file to follow; it need not exist yet.
    ///   - position: where a previous run stopped (``FollowerPosition/load(from:)``), or nil.
    ///   - start: where to begin when there is no saved position.
    ///   - pollInterval: how long to wait when there is nothing new.
    ///   - readChunk: the most bytes read at once.
    ///   - maxLineLength: longer lines are dropped; also caps the first-line fingerprint.
    ///   - rotationGrace: after a rename, how long the old file is kept open for late writes while
    ///     the new file stays empty.
    ///   - fingerprint: the identity of a file's first line (without its LF).
    ///   - clock: the clock the follower sleeps on.
    /// - Throws: ``LogFollowerError`` `.invalidOption` for a non-positive size or interval.
    public init<C: Clock<Duration>>(
        path: String,
        position: FollowerPosition? = nil,
        start: FollowerStart = .beginning,
        pollInterval: Duration = .milliseconds(250),
        readChunk: Int = 1 << 20,
        maxLineLength: Int = 1 << 20,
        rotationGrace: Duration = .seconds(5),
        fingerprint: @escaping @Sendable (UnsafeRawBufferPointer) -> String = FollowerFileIdentity.defaultFingerprint(firstLine:),
        clock: C = ContinuousClock()
    ) throws {
        guard !path.isEmpty else { throw LogFollowerError(code: .invalidOption, message: "the path to follow is empty") }
        guard readChunk > 0, maxLineLength > 0 else {
            throw LogFollowerError(code: .invalidOption, message: "readChunk and maxLineLength must be positive")
        }
        guard pollInterval > .zero, rotationGrace >= .zero else {
            throw LogFollowerError(code: .invalidOption, message: "pollInterval must be positive and rotationGrace not negative")
        }
        self.path = path
        self.pollInterval = pollInterval
        let gracePolls = max(1, Int((rotationGrace / pollInterval).rounded(.up)))
        let options = FollowerState.Options(
            path: path, start: start, readChunk: readChunk, maxLineLength: maxLineLength,
            rotationGracePolls: gracePolls, fingerprint: fingerprint
        )
        self.state = Mutex(FollowerState(options: options, position: position))
        self.queue = DispatchQueue(label: "sightline.log-follower")
        self.sleep = { duration in try await clock.sleep(for: duration) }
    }

    deinit {
        state.withLock { $0.closeFiles() }
    }

    /// Waits for the next bytes: the unconsumed rest of the previous chunk plus what was appended
    /// since (or the final bytes of a rotated or truncated file). Report what was used with
    /// ``markConsumed(_:)``; not reporting counts as consuming nothing.
    /// - Throws: `CancellationError` when the task is cancelled; ``LogFollowerError`` when the
    ///   file cannot be read.
    public func next() async throws -> FollowerChunk {
        var wait = state.withLock { $0.shouldWaitBeforePolling() }
        while true {
            if wait { try await sleep(pollInterval) }
            try Task.checkCancellation()
            if let chunk = try await onQueue({ try $0.poll() }) {
                if Task.isCancelled {
                    state.withLock { $0.withdraw(chunk) }
                    throw CancellationError()
                }
                return chunk
            }
            wait = true
        }
    }

    /// The consumer took the first `byteCount` bytes (complete lines) of the last chunk from
    /// ``next()``; the rest is offered again with the next bytes.
    public func markConsumed(_ byteCount: Int) {
        state.withLock { $0.markConsumed(byteCount) }
    }

    /// Offers chunks to `consume`, which returns how many bytes it consumed, until the task is
    /// cancelled (returns normally) or `consume` or a read throws.
    public nonisolated(nonsending) func run(_ consume: (FollowerChunk) async throws -> Int) async throws {
        do {
            while true {
                let chunk = try await next()
                markConsumed(try await consume(chunk))
            }
        } catch is CancellationError {
            return
        }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable (inout FollowerState) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.state.withLock { try body(&$0) } })
            }
        }
    }
}
