import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Faults injected under the file stores' I/O (``POSIX``), for tests of what a store does
/// when the disk misbehaves: a write that stops part-way, a full disk, an fsync or a rename
/// that fails, a read that returns fewer bytes than the file holds.
///
/// A fault is armed for the files under one directory (tests run in parallel in one
/// process: a fault never reaches another test's files), skips the first `after` matching
/// calls, then fires on the next `times` ones. Disarmed, the cost is one atomic load per call.
/// Package-visible for the SDK's own tests; not public API.
package enum FileFaults {
    /// What goes wrong.
    package enum Kind: Sendable, Hashable {
        /// A write puts its first `bytes` bytes (at most) on the file, then fails with EIO.
        case partialWrite(bytes: Int)
        /// A write fails with ENOSPC after writing its first `bytes` bytes (at most).
        case noSpace(bytes: Int)
        /// An fsync or fdatasync (of a file or a directory) fails with EIO.
        case syncFails
        /// A rename fails with EIO; nothing is renamed.
        case renameFails
        /// A read returns at most `bytes` bytes, as if the file ended there (a torn read).
        case shortRead(bytes: Int)

        /// ENOSPC with nothing written.
        package static let noSpace = Kind.noSpace(bytes: 0)

        fileprivate var call: Call {
            switch self {
            case .partialWrite, .noSpace: .write
            case .syncFails: .sync
            case .renameFails: .rename
            case .shortRead: .read
            }
        }
    }

    /// The calls a fault can hit.
    package enum Call: Sendable {
        case write, sync, rename, read
    }

    /// An armed fault; ``disarm()`` removes it (so does the end of its `times`).
    package final class Arming: Sendable {
        fileprivate let kind: Kind
        fileprivate let prefix: String
        fileprivate let state: Mutex<(skip: Int, left: Int, fired: Int)>

        fileprivate init(kind: Kind, prefix: String, skip: Int, times: Int) {
            self.kind = kind
            self.prefix = prefix
            self.state = Mutex((max(0, skip), max(0, times), 0))
        }

        /// How many calls this fault failed so far.
        package var fired: Int { state.withLock { $0.fired } }

        /// Stops the fault.
        package func disarm() { FileFaults.remove(self) }

        fileprivate func matches(_ path: String) -> Bool {
            path == prefix || path.hasPrefix(prefix + "/")
        }
    }

    private static let armedCount = Atomic<Int>(0)
    private static let armings = Mutex<[Arming]>([])

    /// Arms `kind` for the files under `directory` (and `directory` itself): the first
    /// `after` matching calls go through, the next `times` fail (`Int.max`: until disarmed).
    @discardableResult
    package static func arm(_ kind: Kind, under directory: String, after: Int = 0, times: Int = 1) -> Arming {
        var prefix = directory
        while prefix.count > 1, prefix.hasSuffix("/") { prefix.removeLast() }
        let arming = Arming(kind: kind, prefix: prefix, skip: after, times: times)
        armings.withLock { list in
            list.append(arming)
            armedCount.store(list.count, ordering: .releasing)
        }
        return arming
    }

    /// Disarms every fault armed under `directory`.
    package static func disarmAll(under directory: String) {
        armings.withLock { list in
            list.removeAll { $0.prefix == directory || $0.prefix.hasPrefix(directory + "/") }
            armedCount.store(list.count, ordering: .releasing)
        }
    }

    fileprivate static func remove(_ arming: Arming) {
        armings.withLock { list in
            list.removeAll { $0 === arming }
            armedCount.store(list.count, ordering: .releasing)
        }
    }

    /// The fault to apply to `call` on `path`, if one fires now.
    @inline(__always)
    static func fault(_ call: Call, _ path: String) -> Kind? {
        guard armedCount.load(ordering: .acquiring) > 0 else { return nil }
        return slowFault(call, path)
    }

    private static func slowFault(_ call: Call, _ path: String) -> Kind? {
        armings.withLock { list in
            for arming in list where arming.kind.call == call && arming.matches(path) {
                let fires = arming.state.withLock { state -> Bool in
                    if state.skip > 0 {
                        state.skip -= 1
                        return false
                    }
                    guard state.left > 0 else { return false }
                    state.left -= 1
                    state.fired += 1
                    return true
                }
                if fires { return arming.kind }
            }
            return nil
        }
    }
}
