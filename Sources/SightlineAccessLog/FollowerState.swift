import Foundation

/// The follower's state machine. Every method runs under ``LogFollower``'s lock, the blocking ones
/// on its dispatch queue.
///
/// Invariants:
/// - `pending` holds the bytes `pendingOffset ..< readOffset` of `file` (unless `skipping`, when
///   it is empty and `pendingOffset == readOffset`); `lineNumber` is the line starting at
///   `pendingOffset`; `pending[..<partialStart]` ends with LF and `pending[partialStart...]` has
///   none; `pending.count <= readChunk + maxLineLength`.
/// - A chunk is only offered once the file's fingerprint is known, and (unless final) only when
///   it holds a complete line.
/// - `finalAction` is set when `pending` holds the file's last bytes; the action runs when they
///   have been consumed.
struct FollowerState {
    struct Options {
        var path: String
        var start: FollowerStart
        var readChunk: Int
        var maxLineLength: Int
        var rotationGracePolls: Int
        var fingerprint: @Sendable (UnsafeRawBufferPointer) -> String
    }

    struct OpenFile {
        var descriptor: CInt
        var device: UInt64
        var inode: UInt64
        /// The name it was opened under (the followed path, or a rotated sibling).
        var path: String
        var firstLine: [UInt8]?
        var firstLineTerminated = false
        var fingerprint: String?
    }

    enum FinalAction {
        case switchToPath
        case restartAtZero(previousOffset: Int64)
    }

    enum Step {
        case chunk(FollowerChunk)
        case idle
        case again
    }

    static let newline = UInt8(ascii: "\n")

    let options: Options
    private var savedPosition: FollowerPosition?
    private var started = false
    private var file: OpenFile?
    private var readOffset: Int64 = 0
    private var pending: [UInt8] = []
    private var pendingOffset: Int64 = 0
    private var lineNumber = 1
    private var partialStart = 0
    private var offered = 0
    private var skipping: (lineNumber: Int, offset: Int64)?
    private var superseded = false
    private var idlePolls = 0
    private var finalAction: FinalAction?
    private var actionDue = false
    private var notes: [FollowerNote] = []
    private var notedWaiting = false
    /// A chunk was offered and `markConsumed` not called yet.
    private var awaitingConsume = false
    /// The last chunk was not consumed at all: wait a poll interval before offering again.
    private var lastConsumeTookNothing = false

    init(options: Options, position: FollowerPosition?) {
        self.options = options
        self.savedPosition = position
    }

    // MARK: polling

    /// Called when the consumer asks for the next chunk; true when it should wait a poll interval
    /// first (it did not consume anything of the previous one).
    mutating func shouldWaitBeforePolling() -> Bool {
        if awaitingConsume { markConsumed(0, explicitly: false) }
        return lastConsumeTookNothing
    }

    /// Looks at the file once: returns a chunk to offer, or nil when there is nothing new.
    mutating func poll() throws -> FollowerChunk? {
        if awaitingConsume { markConsumed(0, explicitly: false) }
        // Each round reads, switches file or restarts; the bound only guards against a loop that
        // makes no progress (a round that reads moves `readOffset` toward the file's end).
        for _ in 0..<1024 {
            if actionDue { try performFinalAction() }
            if file == nil {
                let opened = started ? try openFresh(start: .beginning) : try openFirst()
                guard opened else {
                    if !notedWaiting { notes.append(.waitedForFile); notedWaiting = true }
                    return nil
                }
                started = true
            }
            if finalAction != nil {
                if pending.isEmpty { actionDue = true; continue }
                return makeChunk(isFinal: true)
            }
            switch try step() {
            case .chunk(let chunk): return chunk
            case .idle: return nil
            case .again: continue
            }
        }
        return nil
    }

    /// The consumer took the first `count` bytes of the last chunk. Only an explicit 0 drops the
    /// rest of a final chunk (a consumer that never takes it would stall the follower).
    mutating func markConsumed(_ count: Int, explicitly: Bool = true) {
        precondition(count >= 0 && count <= offered, "markConsumed(\(count)) exceeds the \(offered) bytes offered")
        awaitingConsume = false
        if count > 0 {
            var newlines = 0
            for index in 0..<count where pending[index] == Self.newline { newlines += 1 }
            pending.removeFirst(count)
            pendingOffset += Int64(count)
            lineNumber += newlines
            partialStart = max(0, partialStart - count)
            offered -= count
        }
        lastConsumeTookNothing = count == 0
        if finalAction != nil {
            if explicitly, count == 0, !pending.isEmpty {
                notes.append(.finalBytesDiscarded(count: pending.count))
                pendingOffset += Int64(pending.count)
                pending = []
                partialStart = 0
                offered = 0
            }
            if pending.isEmpty { actionDue = true }
        }
    }

    /// Takes back a chunk that never reached the consumer (its task was cancelled): it is offered
    /// again, with its notes.
    mutating func withdraw(_ chunk: FollowerChunk) {
        awaitingConsume = false
        notes = chunk.notes + notes
    }

    mutating func closeFiles() {
        if let file { FollowerFileSystem.close(file.descriptor) }
        file = nil
    }

    private mutating func step() throws -> Step {
        guard var current = file else { return .idle }
        let pathStatus = try FollowerFileSystem.status(path: options.path)
        if let pathStatus, pathStatus.device == current.device, pathStatus.inode == current.inode {
            superseded = false
        } else if !superseded {
            superseded = true
            idlePolls = 0
        }
        let size = try FollowerFileSystem.status(descriptor: current.descriptor, path: current.path).size

        let truncated = try size < readOffset || (!superseded && firstLineChanged(current))
        if truncated {
            // Copytruncate: what was read but not consumed is the old content's last line.
            skipping = nil
            if pending.isEmpty {
                notes.append(.truncated(previousOffset: readOffset))
                restartAtZero()
                return .again
            }
            if current.fingerprint == nil {
                // Never offered: `pending` is the whole (first and only) line the file held.
                current.fingerprint = pending.withUnsafeBytes { options.fingerprint($0) }
                file = current
            }
            finalAction = .restartAtZero(previousOffset: readOffset)
            return .chunk(makeChunk(isFinal: true))
        }

        dropOverlongLine()
        let budget = skipping != nil ? options.readChunk : min(options.readChunk, options.readChunk + options.maxLineLength - pending.count)
        var readSomething = false
        var atEnd = readOffset >= size
        if !atEnd, budget > 0 {
            let data = try FollowerFileSystem.read(current.descriptor, path: current.path, at: readOffset, count: budget)
            readSomething = !data.isEmpty
            atEnd = data.count < budget
            append(data)
        }

        if current.fingerprint == nil {
            current = try resolvingFirstLine(current, isFinal: false)
            file = current
        }

        if superseded {
            idlePolls = readSomething ? 0 : idlePolls + 1
            if atEnd, let pathStatus, pathStatus.size > 0 || idlePolls >= options.rotationGracePolls {
                // The old file is read to its end and the writer has moved on (or stayed idle).
                skipping = nil
                if current.fingerprint == nil {
                    current = try resolvingFirstLine(current, isFinal: true)
                    file = current
                }
                if pending.isEmpty {
                    try switchToPath()
                    return .again
                }
                finalAction = .switchToPath
                return .chunk(makeChunk(isFinal: true))
            }
        }

        if current.fingerprint != nil, partialStart > 0 {
            return .chunk(makeChunk(isFinal: false))
        }
        return readSomething ? .again : .idle
    }

    // MARK: bytes

    private mutating func append(_ data: [UInt8]) {
        guard !data.isEmpty else { return }
        var start = 0
        if let dropped = skipping {
            guard let newline = data.firstIndex(of: Self.newline) else {
                readOffset += Int64(data.count)
                pendingOffset = readOffset
                return
            }
            notes.append(.overlongLineDropped(lineNumber: dropped.lineNumber, offset: dropped.offset))
            skipping = nil
            lineNumber = dropped.lineNumber + 1
            start = newline + 1
            pendingOffset = readOffset + Int64(start)
        }
        let base = pending.count - start
        pending.append(contentsOf: data[start...])
        readOffset += Int64(data.count)
        if let last = data[start...].lastIndex(of: Self.newline) {
            partialStart = base + last + 1
        }
        dropOverlongLine()
    }

    /// A partial line that alone reaches `maxLineLength` is dropped up to its LF.
    private mutating func dropOverlongLine() {
        guard skipping == nil, partialStart == 0, pending.count >= options.maxLineLength else { return }
        skipping = (lineNumber, pendingOffset)
        pendingOffset += Int64(pending.count)
        pending = []
        offered = 0
    }

    private mutating func makeChunk(isFinal: Bool) -> FollowerChunk {
        let current = file!
        offered = pending.count
        awaitingConsume = true
        let identity = FollowerFileIdentity(device: current.device, inode: current.inode, fingerprint: current.fingerprint ?? "")
        let chunk = FollowerChunk(bytes: pending, file: identity, offset: pendingOffset, lineNumber: lineNumber, isFinal: isFinal, notes: notes)
        notes = []
        return chunk
    }

    // MARK: files

    private mutating func performFinalAction() throws {
        actionDue = false
        let action = finalAction
        finalAction = nil
        switch action {
        case .switchToPath:
            try switchToPath()
        case .restartAtZero(let previousOffset):
            notes.append(.truncated(previousOffset: previousOffset))
            restartAtZero()
        case nil:
            break
        }
    }

    private mutating func switchToPath() throws {
        closeFiles()
        superseded = false
        idlePolls = 0
        notes.append(.rotated)
        // When the new file vanished again, poll() opens it once it is back.
        _ = try openFresh(start: .beginning)
    }

    /// Reading restarts at 0 in the same file, whose first line is read again.
    private mutating func restartAtZero() {
        resetOffsets()
        if var current = file {
            current.firstLine = nil
            current.firstLineTerminated = false
            current.fingerprint = nil
            file = current
        }
    }

    private mutating func resetOffsets() {
        readOffset = 0
        pendingOffset = 0
        pending = []
        partialStart = 0
        offered = 0
        lineNumber = 1
        skipping = nil
        finalAction = nil
        actionDue = false
    }

    /// Opens the followed path at its beginning (or end). False when it does not exist.
    private mutating func openFresh(start: FollowerStart) throws -> Bool {
        guard let opened = try open(path: options.path) else { return false }
        file = opened
        resetOffsets()
        if start == .end { try skipToEnd(opened) }
        file = try resolvingFirstLine(opened, isFinal: false)
        return true
    }

    /// First open: applies the saved position, if any.
    private mutating func openFirst() throws -> Bool {
        guard let saved = savedPosition else { return try openFresh(start: options.start) }
        if let pathStatus = try FollowerFileSystem.status(path: options.path), pathStatus.inode == saved.inode,
           let opened = try open(path: options.path) {
            if opened.inode == saved.inode {
                savedPosition = nil
                let current = try resolvingFirstLine(opened, isFinal: false)
                file = current
                resetOffsets()
                let size = try FollowerFileSystem.status(descriptor: current.descriptor, path: current.path).size
                if current.fingerprint != saved.fingerprint || size < saved.offset {
                    // Truncated (or replaced by a file that reuses the inode) while we were down.
                    notes.append(.truncated(previousOffset: saved.offset))
                    restartAtZero()
                    file = try resolvingFirstLine(file!, isFinal: false)
                } else {
                    seek(to: saved)
                    notes.append(.resumed(offset: saved.offset))
                }
                return true
            }
            FollowerFileSystem.close(opened.descriptor)  // replaced between stat and open
        }
        if let rotated = try findRotatedFile(saved) {
            savedPosition = nil
            file = rotated
            resetOffsets()
            seek(to: saved)
            superseded = true
            idlePolls = 0
            notes.append(.resumedInRotatedFile(path: rotated.path))
            return true
        }
        // The saved file is gone: start the file now at the path (once there is one) from 0.
        guard try FollowerFileSystem.status(path: options.path) != nil else { return false }
        savedPosition = nil
        notes.append(.savedFileNotFound)
        return try openFresh(start: .beginning)
    }

    private mutating func seek(to position: FollowerPosition) {
        readOffset = position.offset
        pendingOffset = position.offset
        lineNumber = position.lineNumber
    }

    private func open(path: String) throws -> OpenFile? {
        guard let descriptor = try FollowerFileSystem.open(path: path) else { return nil }
        do {
            let status = try FollowerFileSystem.status(descriptor: descriptor, path: path)
            return OpenFile(descriptor: descriptor, device: status.device, inode: status.inode, path: path)
        } catch {
            FollowerFileSystem.close(descriptor)
            throw error
        }
    }

    /// The saved file under a rotated name next to the path (`path.1`, `path.*`, `path-*`, not
    /// compressed), matched by inode and first line.
    private func findRotatedFile(_ saved: FollowerPosition) throws -> OpenFile? {
        let url = URL(fileURLWithPath: options.path)
        let directory = url.deletingLastPathComponent().path
        let base = url.lastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let compressed = [".gz", ".bz2", ".xz", ".zst", ".lz4", ".zip", ".Z"]
        let candidates = names.filter { name in
            (name.hasPrefix(base + ".") || name.hasPrefix(base + "-")) && !compressed.contains { name.hasSuffix($0) }
        }.sorted { lhs, rhs in (lhs == base + ".1" ? 0 : 1, lhs) < (rhs == base + ".1" ? 0 : 1, rhs) }
        for name in candidates {
            let candidatePath = directory + "/" + name
            guard let status = try? FollowerFileSystem.status(path: candidatePath), status.inode == saved.inode,
                  let opened = try open(path: candidatePath) else { continue }
            if opened.inode == saved.inode {
                let candidate = try resolvingFirstLine(opened, isFinal: true)
                if candidate.fingerprint == saved.fingerprint, status.size >= saved.offset { return candidate }
            }
            FollowerFileSystem.close(opened.descriptor)
        }
        return nil
    }

    /// Sets the file's first line and fingerprint when the first line is complete, reaches
    /// `maxLineLength`, or the file has ended (`isFinal`).
    private func resolvingFirstLine(_ file: OpenFile, isFinal: Bool) throws -> OpenFile {
        guard file.fingerprint == nil else { return file }
        let limit = options.maxLineLength
        var collected: [UInt8] = []
        var terminated = false
        while collected.count < limit {
            let want = min(64 * 1024, limit - collected.count)
            let data = try FollowerFileSystem.read(file.descriptor, path: file.path, at: Int64(collected.count), count: want)
            if let newline = data.firstIndex(of: Self.newline) {
                collected.append(contentsOf: data[..<newline])
                terminated = true
                break
            }
            collected.append(contentsOf: data)
            if data.count < want { break }
        }
        guard terminated || collected.count >= limit || isFinal else { return file }
        var resolved = file
        resolved.firstLine = collected
        resolved.firstLineTerminated = terminated
        resolved.fingerprint = collected.withUnsafeBytes { options.fingerprint($0) }
        return resolved
    }

    /// True when the first line read earlier is no longer at the start of the file (truncated and
    /// rewritten in place).
    private func firstLineChanged(_ file: OpenFile) throws -> Bool {
        guard let firstLine = file.firstLine else { return false }
        let expected = firstLine.count + (file.firstLineTerminated ? 1 : 0)
        let data = try FollowerFileSystem.read(file.descriptor, path: file.path, at: 0, count: expected)
        guard data.count == expected, data.starts(with: firstLine) else { return true }
        return file.firstLineTerminated && data[firstLine.count] != Self.newline
    }

    /// `.end`: starts after the last complete line, counting lines to keep line numbers right.
    private mutating func skipToEnd(_ file: OpenFile) throws {
        let size = try FollowerFileSystem.status(descriptor: file.descriptor, path: file.path).size
        var offset: Int64 = 0
        var lines = 0
        var afterLastNewline: Int64 = 0
        while offset < size {
            let data = try FollowerFileSystem.read(file.descriptor, path: file.path, at: offset, count: min(options.readChunk, Int(size - offset)))
            if data.isEmpty { break }
            for (index, byte) in data.enumerated() where byte == Self.newline {
                lines += 1
                afterLastNewline = offset + Int64(index) + 1
            }
            offset += Int64(data.count)
        }
        readOffset = afterLastNewline
        pendingOffset = afterLastNewline
        lineNumber = lines + 1
    }
}

/// Where a ``LogFollower`` without a saved position begins.
public enum FollowerStart: Sendable, Hashable {
    /// At offset 0: every line of the file is delivered.
    case beginning
    /// After the last complete line present when the follower opens the file (like `tail -f`).
    case end
}
