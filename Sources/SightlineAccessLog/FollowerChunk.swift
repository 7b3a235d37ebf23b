/// Bytes of a followed log, offered to the consumer by ``LogFollower``.
///
/// `bytes` starts with whatever the consumer left unconsumed last time (a partial last line),
/// followed by the bytes read since. Hand it to
/// `AccessLogParser.parseLines(in:firstLineNumber:byteOffset:isFinal:_:)` with
/// `firstLineNumber: lineNumber, byteOffset: offset, isFinal: isFinal` and report the returned
/// count through ``LogFollower/markConsumed(_:)`` (or return it from the ``LogFollower/run(_:)``
/// closure).
public struct FollowerChunk: Sendable {
    /// The bytes, from ``offset`` on in ``file``.
    public var bytes: [UInt8]
    /// The file the bytes come from.
    public var file: FollowerFileIdentity
    /// Offset in ``file`` of `bytes[0]`.
    public var offset: Int64
    /// 1-based line number of the line that starts at `bytes[0]`.
    public var lineNumber: Int
    /// True when the file ends here for the follower (renamed away, or truncated in place): a
    /// last line without LF is complete and should be parsed; bytes left unconsumed are dropped.
    public var isFinal: Bool
    /// What happened since the previous chunk (rotation, truncation, dropped lines...).
    public var notes: [FollowerNote]

    public init(bytes: [UInt8], file: FollowerFileIdentity, offset: Int64, lineNumber: Int, isFinal: Bool, notes: [FollowerNote] = []) {
        self.bytes = bytes
        self.file = file
        self.offset = offset
        self.lineNumber = lineNumber
        self.isFinal = isFinal
        self.notes = notes
    }

    /// The position to save once the first `byteCount` bytes of this chunk are durably accepted.
    public func position(afterConsuming byteCount: Int) -> FollowerPosition {
        precondition(byteCount >= 0 && byteCount <= bytes.count, "consumed more bytes than the chunk holds")
        var newlines = 0
        for index in 0..<byteCount where bytes[index] == 0x0A { newlines += 1 }
        return FollowerPosition(file: file, offset: offset + Int64(byteCount), lineNumber: lineNumber + newlines)
    }
}

/// Something the follower did or saw between two chunks; for logs and counters. Never carries
/// log content.
public enum FollowerNote: Sendable, Hashable {
    /// The path did not exist at start; the follower waited for it.
    case waitedForFile
    /// Resumed the saved file at `offset` (same inode and first line).
    case resumed(offset: Int64)
    /// The saved file was rotated while the follower was down and found as `path`; it is read to
    /// its end before the file now at the followed path.
    case resumedInRotatedFile(path: String)
    /// The saved file is gone (deleted, compressed, or rotated more than once): the follower starts
    /// the file at the path from its beginning. Lines written to the saved file after the saved
    /// offset may be missing.
    case savedFileNotFound
    /// The followed path names a new file (rename + create): the old one was read to its end and
    /// the follower switched to the new one from offset 0.
    case rotated
    /// The file shrank below the read offset, or its first line changed (copytruncate, or truncated
    /// while the follower was down): reading restarts at 0. Lines written between the last read
    /// and the truncation are lost: copytruncate cannot be followed without that window.
    case truncated(previousOffset: Int64)
    /// A line longer than `maxLineLength` was skipped to keep memory bounded.
    case overlongLineDropped(lineNumber: Int, offset: Int64)
    /// The consumer made no progress on a final chunk; its remaining bytes were dropped.
    case finalBytesDiscarded(count: Int)
}
