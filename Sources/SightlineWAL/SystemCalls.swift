#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor, closed when the last reference goes away. Immutable, so it can be
/// shared: readers only use `pread`, which does not move a shared file offset.
final class FileDescriptor: Sendable {
    let fd: Int32
    let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { _ = close(fd) }
}

/// Thin, `EINTR`-safe wrappers around the system calls the WAL uses, throwing ``WALError``.
enum SystemCalls {
    static let checkDisk = "Check that the disk is mounted, writable and not full, and that the process may access it."

    static func openFile(_ path: String, flags: Int32, mode: mode_t = 0o644) throws(WALError) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            let code = errno
            if code == EINTR { continue }
            throw WALError.system("open", path: path, fix: checkDisk, errno: code)
        }
    }

    static func openDescriptor(_ path: String, flags: Int32) throws(WALError) -> FileDescriptor {
        FileDescriptor(fd: try openFile(path, flags: flags), path: path)
    }

    /// Creates `path` and its parents, like `mkdir -p`.
    static func makeDirectories(_ path: String) throws(WALError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + component
            if mkdir(current, 0o755) != 0 {
                let code = errno
                if code == EEXIST { continue }
                throw WALError.system(
                    "mkdir", path: current,
                    fix: "Create the WAL directory by hand or choose a writable path.", errno: code
                )
            }
        }
        var info = stat()
        if stat(path, &info) != 0 || (info.st_mode & S_IFMT) != S_IFDIR {
            throw WALError(
                code: .invalidConfiguration,
                message: "WAL directory '\(path)' exists but is not a directory; point WALConfiguration.directory at a directory."
            )
        }
    }

    /// Names in a directory, without "." and "..".
    static func listDirectory(_ path: String) throws(WALError) -> [String] {
        guard let dir = opendir(path) else {
            throw WALError.system("opendir", path: path, fix: checkDisk, errno: errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func fileSize(_ fd: Int32, path: String) throws(WALError) -> Int {
        var info = stat()
        if fstat(fd, &info) != 0 {
            throw WALError.system("fstat", path: path, fix: checkDisk, errno: errno)
        }
        return Int(info.st_size)
    }

    /// Reads up to `count` bytes at `offset`; fewer only at end of file.
    static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, offset: Int, path: String) throws(WALError) -> Int {
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset + done))
            if n > 0 {
                done += n
            } else if n == 0 {
                break
            } else {
                let code = errno
                if code == EINTR { continue }
                throw WALError.system("pread", path: path, fix: checkDisk, errno: code)
            }
        }
        return done
    }

    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws(WALError) {
        guard var pointer = buffer.baseAddress else { return }
        var remaining = buffer.count
        while remaining > 0 {
            let n = write(fd, pointer, remaining)
            if n >= 0 {
                pointer += n
                remaining -= n
            } else {
                let code = errno
                if code == EINTR { continue }
                throw WALError.system("write", path: path, fix: checkDisk, errno: code)
            }
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(WALError) {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(WALError) in try writeAll(fd, buffer, path: path) }
        }.get()
    }

    /// Writes every byte described by `vectors` (which it may modify), in as few `writev`
    /// calls as `IOV_MAX` and short writes allow.
    static func writevAll(_ fd: Int32, _ vectors: inout [iovec], path: String) throws(WALError) {
        var index = 0
        let limit = 1024  // IOV_MAX on Linux
        while index < vectors.count {
            let count = min(limit, vectors.count - index)
            let n = vectors.withUnsafeBufferPointer { writev(fd, $0.baseAddress! + index, Int32(count)) }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw WALError.system("writev", path: path, fix: checkDisk, errno: code)
            }
            // Skip what was written; a short write leaves `index` inside a partially written vector.
            var written = n
            while written > 0 && index < vectors.count {
                let length = vectors[index].iov_len
                if written >= length {
                    written -= length
                    index += 1
                } else {
                    vectors[index].iov_base = vectors[index].iov_base.map { $0 + written }
                    vectors[index].iov_len -= written
                    written = 0
                }
            }
            while index < vectors.count && vectors[index].iov_len == 0 { index += 1 }
        }
    }

    static func syncData(_ fd: Int32, path: String) throws(WALError) {
        while fdatasync(fd) != 0 {
            let code = errno
            if code == EINTR { continue }
            throw WALError.system(
                "fdatasync", path: path,
                fix: "The disk reported a write error; data since the last sync may be lost. Check the disk, then restart so recovery can verify the log.",
                errno: code
            )
        }
    }

    static func syncFile(_ fd: Int32, path: String) throws(WALError) {
        while fsync(fd) != 0 {
            let code = errno
            if code == EINTR { continue }
            throw WALError.system("fsync", path: path, fix: checkDisk, errno: code)
        }
    }

    /// Makes a directory's entries (created or removed files) durable.
    static func syncDirectory(_ path: String) throws(WALError) {
        let fd = try openFile(path, flags: O_RDONLY | O_DIRECTORY)
        defer { _ = close(fd) }
        try syncFile(fd, path: path)
    }

    static func truncate(_ fd: Int32, length: Int, path: String) throws(WALError) {
        while ftruncate(fd, off_t(length)) != 0 {
            let code = errno
            if code == EINTR { continue }
            throw WALError.system("ftruncate", path: path, fix: checkDisk, errno: code)
        }
    }

    static func removeFile(_ path: String) throws(WALError) {
        if unlink(path) != 0 {
            let code = errno
            if code == ENOENT { return }
            throw WALError.system("unlink", path: path, fix: checkDisk, errno: code)
        }
    }

    /// Takes an exclusive, non-blocking `flock` on `<directory>/LOCK`; the lock lives as long as
    /// the returned descriptor.
    static func lockDirectory(_ directory: String) throws(WALError) -> FileDescriptor {
        let path = directory + "/LOCK"
        let lock = try openDescriptor(path, flags: O_RDWR | O_CREAT)
        while flock(lock.fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EWOULDBLOCK {
                throw WALError(
                    code: .locked,
                    message: "WAL directory '\(directory)' is in use by another WriteAheadLog (this or another process). Stop the other instance, or close() it before opening again.",
                    errno: code
                )
            }
            throw WALError.system("flock", path: path, fix: checkDisk, errno: code)
        }
        return lock
    }
}
