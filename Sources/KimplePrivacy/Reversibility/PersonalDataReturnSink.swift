import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the data returned to the controller at the end of the contract goes (§11.2.11):
/// a JSON Lines stream (one ``PersonalDataRecord`` per line, sorted keys).
///
/// ## Implementation requirements
/// - ``append(_:)`` keeps chunks in order; nothing is visible as a finished return before
///   ``finish()`` returns.
/// - ``finish()`` makes the whole stream durable (under the sink's policy) and final; a
///   second `finish` is harmless; an `append` after it throws `storage.closed`.
public protocol PersonalDataReturnSink: Sendable {
    /// Where the data goes when it leaves the SDK's stores, checked by the gate (P-8);
    /// `nil` when it stays with the processor until the controller fetches it.
    var destination: TransferDestination? { get }
    /// Appends a chunk of JSON Lines.
    func append(_ jsonLines: Data) async throws
    /// Completes the return.
    func finish() async throws
}

/// A return sink in memory: for tests and for hosts that deliver the bytes themselves.
public final class InMemoryReturnSink: PersonalDataReturnSink {
    private struct State {
        var data = Data()
        var finished = false
    }

    private let state = Mutex(State())
    /// Where the data goes (see ``PersonalDataReturnSink/destination``).
    public let destination: TransferDestination?

    /// An empty sink for `destination`.
    public init(destination: TransferDestination? = nil) {
        self.destination = destination
    }

    /// Keeps `jsonLines`; throws `storage.closed` after ``finish()``.
    public func append(_ jsonLines: Data) async throws {
        try state.withLock { state in
            guard !state.finished else { throw KimpleError(.storageClosed, "The return is finished.") }
            state.data.append(jsonLines)
        }
    }

    /// Marks the return finished.
    public func finish() async throws {
        state.withLock { $0.finished = true }
    }

    /// The bytes received.
    public var data: Data { state.withLock { $0.data } }
    /// Whether ``finish()`` was called.
    public var isFinished: Bool { state.withLock { $0.finished } }
}

/// A return sink writing one file: `<path>.partial` while it is written, fsynced and renamed
/// to `<path>` by ``finish()`` (a reader never sees a partial return at `path`).
public final class FileReturnSink: PersonalDataReturnSink {
    private struct State {
        var descriptor: Int32?
        var offset: Int64 = 0
        var finished = false
    }

    /// The final file.
    public let url: URL
    /// Where the data goes (see ``PersonalDataReturnSink/destination``).
    public let destination: TransferDestination?
    private let state: Mutex<State>

    /// Creates `<url>.partial`, replacing a leftover. Throws `storage.io` when it cannot.
    public init(url: URL, destination: TransferDestination? = nil) throws {
        self.url = url
        self.destination = destination
        let partial = url.path + ".partial"
        let fd = try POSIX.open(partial, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        self.state = Mutex(State(descriptor: fd))
    }

    deinit {
        state.withLock { state in
            if let fd = state.descriptor { POSIX.close(fd) }
        }
    }

    /// Writes `jsonLines` at the end of `<path>.partial`; throws `storage.closed` after
    /// ``finish()``, `storage.io` when the write fails.
    public func append(_ jsonLines: Data) async throws {
        let partial = url.path + ".partial"
        try state.withLock { state in
            guard !state.finished, let fd = state.descriptor else {
                throw KimpleError(.storageClosed, "The return is finished.", context: ["path": url.lastPathComponent])
            }
            try jsonLines.withUnsafeBytes { try POSIX.writeAll(fd, $0, at: state.offset, path: partial) }
            state.offset += Int64(jsonLines.count)
        }
    }

    /// Fsyncs `<path>.partial` and renames it to `<path>` (then fsyncs the directory).
    /// Throws `storage.io` when a step fails. A second call does nothing.
    public func finish() async throws {
        let partial = url.path + ".partial"
        try state.withLock { state in
            guard !state.finished, let fd = state.descriptor else { return }
            try POSIX.sync(fd, path: partial)
            POSIX.close(fd)
            state.descriptor = nil
            try POSIX.rename(partial, url.path)
            try POSIX.syncDirectory(url.deletingLastPathComponent().path)
            state.finished = true
        }
    }
}
