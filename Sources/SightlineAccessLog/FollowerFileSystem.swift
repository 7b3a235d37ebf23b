#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX calls the follower makes, with `errno` turned into ``LogFollowerError``.
/// All of them block: ``LogFollower`` runs them on its own dispatch queue.
enum FollowerFileSystem {
    struct Status: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64

        func isSameFile(as other: Status) -> Bool { device == other.device && inode == other.inode }
    }

    /// `stat` of `path`, or nil when nothing is there (yet).
    static func status(path: String) throws -> Status? {
        var info = stat()
        while stat(path, &info) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT || code == ENOTDIR { return nil }
            throw LogFollowerError(code: .cannotOpen, message: "cannot examine \(path); check that the follower may read it and its directory", systemError: code)
        }
        return Status(info)
    }

    static func status(descriptor: CInt, path: String) throws -> Status {
        var info = stat()
        while fstat(descriptor, &info) != 0 {
            let code = errno
            if code == EINTR { continue }
            throw LogFollowerError(code: .cannotRead, message: "cannot examine the open file \(path)", systemError: code)
        }
        return Status(info)
    }

    /// A read-only descriptor for `path`, or nil when nothing is there.
    static func open(path: String) throws -> CInt? {
        while true {
            #if canImport(Glibc)
            let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            #else
            let descriptor = Darwin.open(path, O_RDONLY | O_CLOEXEC)
            #endif
            if descriptor >= 0 { return descriptor }
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT || code == ENOTDIR { return nil }
            throw LogFollowerError(code: .cannotOpen, message: "cannot open \(path) for reading; check its permissions", systemError: code)
        }
    }

    static func close(_ descriptor: CInt) {
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #else
        _ = Darwin.close(descriptor)
        #endif
    }

    /// Up to `count` bytes at `offset`; fewer only at the end of the file.
    static func read(_ descriptor: CInt, path: String, at offset: Int64, count: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: Int32?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            while initialized < count {
                let result = pread(descriptor, buffer.baseAddress! + initialized, count - initialized, off_t(offset) + off_t(initialized))
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if result == 0 { return }
                initialized += result
            }
        }
        if let failure {
            throw LogFollowerError(code: .cannotRead, message: "cannot read \(path)", systemError: failure)
        }
        return bytes
    }
}

extension FollowerFileSystem.Status {
    init(_ info: stat) {
        self.init(device: UInt64(truncatingIfNeeded: info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size))
    }
}
