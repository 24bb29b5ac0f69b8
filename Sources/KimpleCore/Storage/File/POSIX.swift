#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin, checked wrappers over the POSIX file calls the file stores need. Every failure
/// becomes a `storage.io` error naming the call, the path and the system's reason
/// (`storage.full` when the disk or the quota is full). Tests inject faults under these
/// wrappers with ``FileFaults``.
package enum POSIX {
    package static func error(_ call: String, _ path: String, _ code: Int32 = errno) -> KimpleError {
        let reason = String(cString: strerror(code))
        if code == ENOSPC || code == EDQUOT {
            return KimpleError(
                .storageFull, "\(call) failed: \(reason). Free space on the disk of the store, then retry.",
                context: ["call": call, "path": path, "errno": String(code)])
        }
        return KimpleError(
            .storageIO, "\(call) failed: \(reason). Check the disk, its free space and the permissions of the store.",
            context: ["call": call, "path": path, "errno": String(code)])
    }

    package static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws -> Int32 {
        while true {
            let fd = systemOpen(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw error("open", path) }
        }
    }

    package static func close(_ fd: Int32) {
        _ = systemClose(fd)
    }

    /// Writes all of `bytes` at `offset`.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String) throws {
        if let fault = FileFaults.fault(.write, path) {
            let (written, code): (Int, Int32) =
                switch fault {
                case .partialWrite(let count): (count, EIO)
                case .noSpace(let count): (count, ENOSPC)
                default: (0, EIO)
                }
            let prefix = min(max(0, written), bytes.count)
            if prefix > 0 {
                try writeAll(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<prefix]), at: offset, path: path)
            }
            throw error("write", path, code)
        }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress.map { $0 + done }, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw error("write", path)
            }
            if n == 0 { throw error("write", path, EIO) }
            done += n
        }
    }

    /// Reads up to `buffer.count` bytes at `offset`; returns how many were read (fewer only at end of file).
    package static func read(
        _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64, path: String
    )
        throws -> Int
    {
        var limit = buffer.count
        if case .shortRead(let count) = FileFaults.fault(.read, path) { limit = min(limit, max(0, count)) }
        var done = 0
        while done < limit {
            let n = pread(fd, buffer.baseAddress.map { $0 + done }, limit - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw error("read", path)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads the whole file at `path`. A read that ends before the size the file reported
    /// throws `storage.io` (never a shorter file: recovery would take the missing end for a
    /// torn tail and cut acknowledged records).
    package static func readFile(_ path: String) throws -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        let size = try fileSize(fd, path: path)
        var bytes = [UInt8](repeating: 0, count: Int(size))
        let n = try bytes.withUnsafeMutableBytes { try read(fd, into: $0, at: 0, path: path) }
        guard n == bytes.count else { throw shortRead(path, expected: bytes.count, got: n) }
        return bytes
    }

    /// A read that returned fewer bytes than the file holds.
    package static func shortRead(_ path: String, expected: Int, got: Int) -> KimpleError {
        KimpleError(
            .storageIO,
            "read failed: it returned \(got) of \(expected) bytes. Nothing was changed; check the disk and retry.",
            context: ["call": "read", "path": path, "expected": String(expected), "read": String(got)])
    }

    /// Makes written data and the file's size durable.
    package static func sync(_ fd: Int32, path: String) throws {
        if FileFaults.fault(.sync, path) != nil { throw error("fdatasync", path, EIO) }
        #if canImport(Darwin)
            if fcntl(fd, F_FULLFSYNC) == 0 { return }
            if fsync(fd) != 0 { throw error("fsync", path) }
        #else
            while fdatasync(fd) != 0 {
                if errno != EINTR { throw error("fdatasync", path) }
            }
        #endif
    }

    /// Makes the directory's entries (created, renamed, removed files) durable.
    package static func syncDirectory(_ path: String) throws {
        if FileFaults.fault(.sync, path) != nil { throw error("fsync", path, EIO) }
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        while fsync(fd) != 0 {
            if errno != EINTR { throw error("fsync", path) }
        }
    }

    package static func truncate(_ fd: Int32, to size: Int64, path: String) throws {
        while ftruncate(fd, off_t(size)) != 0 {
            if errno != EINTR { throw error("ftruncate", path) }
        }
    }

    package static func fileSize(_ fd: Int32, path: String) throws -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw error("fstat", path) }
        return Int64(info.st_size)
    }

    package static func rename(_ from: String, _ to: String) throws {
        if FileFaults.fault(.rename, to) != nil { throw error("rename", to, EIO) }
        guard systemRename(from, to) == 0 else { throw error("rename", to) }
    }

    package static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw error("unlink", path) }
    }

    package static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Creates `path` and its missing parents (mode 0700: stores hold personal data).
    package static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o700) != 0 && errno != EEXIST { throw error("mkdir", current) }
        }
    }

    /// The names in directory `path` (without `.` and `..`), sorted.
    package static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw error("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    package static var processID: Int32 { getpid() }
}

// Names that avoid clashing with the wrappers above.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }

/// Writes a whole file atomically: a reader (or a restart after a crash) sees the old
/// content or the new one, never a mix. Temp file in the same directory, fsync, rename
/// over the target, fsync of the directory.
package enum AtomicFile {
    package static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        let directory = parentDirectory(of: path)
        let temporary = path + ".tmp-\(POSIX.processID)-\(UInt32.random(in: 0...UInt32.max))"
        let fd = try POSIX.open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        do {
            try POSIX.writeAll(fd, bytes, at: 0, path: temporary)
            try POSIX.sync(fd, path: temporary)
            POSIX.close(fd)
            try POSIX.rename(temporary, path)
            try POSIX.syncDirectory(directory)
        } catch {
            POSIX.close(fd)
            try? POSIX.remove(temporary)
            throw error
        }
    }

    package static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try write($0, to: path) }
    }

    /// Whether `name` is a temporary file left by an interrupted atomic write.
    package static func isLeftover(_ name: String) -> Bool { name.contains(".tmp-") }

    package static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// An exclusive lock on a store directory, held for the life of the store handle, so two
/// processes (or two handles in one process) never write one store (K-7).
package final class DirectoryLock: Sendable {
    private let fd: Int32
    package let path: String

    /// Takes the lock or throws `storage.locked` at once (never waits).
    package init(directory: String) throws {
        let path = directory + "/LOCK"
        self.path = path
        let fd = try POSIX.open(path, O_RDWR | O_CREAT, mode: 0o600)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            var holder = [UInt8](repeating: 0, count: 32)
            let n = (try? holder.withUnsafeMutableBytes { try POSIX.read(fd, into: $0, at: 0, path: directory) }) ?? 0
            POSIX.close(fd)
            if code == EWOULDBLOCK || code == EAGAIN {
                let pid = String(decoding: holder.prefix(n), as: UTF8.self).trimmingTrailingWhitespace
                throw KimpleError(
                    .storageLocked,
                    "The store is open in another process or handle; close it there first, or use that handle.",
                    context: ["path": directory, "holder": pid.isEmpty ? "unknown" : "pid \(pid)"])
            }
            throw POSIX.error("flock", path, code)
        }
        let pid = Array("\(POSIX.processID)\n".utf8)
        try? POSIX.truncate(fd, to: 0, path: path)
        try? pid.withUnsafeBytes { try POSIX.writeAll(fd, $0, at: 0, path: path) }
        self.fd = fd
    }

    deinit {
        _ = flock(fd, LOCK_UN)
        POSIX.close(fd)
    }
}

extension String {
    fileprivate var trimmingTrailingWhitespace: String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace || last == "\0" { s.removeLast() }
        return String(s)
    }
}
