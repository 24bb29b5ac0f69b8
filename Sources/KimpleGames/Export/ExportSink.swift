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

/// Where an export's bytes go, chunk by chunk (G-11): a file, an HTTP response body, a
/// storage upload. The export never holds more than one chunk, so memory stays flat whatever
/// the number of rows.
///
/// ## Implementation requirements
/// - ``write(_:)`` receives the output in order, in chunks of about 64 KiB; it may keep
///   the array.
/// - ``finish()`` is called once after the last chunk when the export succeeded; a sink
///   that publishes (renames a file, completes an upload) does it there, so that a failed
///   export never looks complete.
/// - After ``finish()`` the output is complete and stays as published: a later ``write(_:)``
///   or ``finish()`` throws (`export.sink_failed` for the SDK's sinks) and changes nothing.
///
/// `KimpleTesting`'s `ExportSinkConformance` checks these requirements.
public protocol ExportSink: AnyObject {
    /// Takes the next chunk of the output.
    ///
    /// - Throws: any error; the export then stops and reports it.
    func write(_ chunk: [UInt8]) async throws

    /// The output is complete.
    ///
    /// - Throws: any error; the export then reports it.
    func finish() async throws
}

/// An ``ExportSink`` keeping the output in memory: for small exports and tests.
public final class InMemoryExportSink: ExportSink, Sendable {
    private let state = Mutex<(bytes: [UInt8], finished: Bool)>(([], false))

    /// An empty sink.
    public init() {}

    /// Appends `chunk`; throws `export.sink_failed` after ``finish()``.
    public func write(_ chunk: [UInt8]) async throws {
        try state.withLock { state in
            guard !state.finished else { throw Self.finished() }
            state.bytes.append(contentsOf: chunk)
        }
    }

    /// Marks the output complete; throws `export.sink_failed` when it already is.
    public func finish() async throws {
        try state.withLock { state in
            guard !state.finished else { throw Self.finished() }
            state.finished = true
        }
    }

    private static func finished() -> KimpleError {
        KimpleError(.exportSinkFailed, "The export is already finished; start a new sink for another export.")
    }

    /// The bytes written so far.
    public var bytes: [UInt8] { state.withLock { $0.bytes } }
    /// The output as UTF-8 text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
    /// Whether the export completed.
    public var isFinished: Bool { state.withLock { $0.finished } }
}

/// An ``ExportSink`` writing a file: the bytes go to `<name>.partial` next to it, which is
/// fsynced and renamed to the final name by ``finish()``. A failed or interrupted export
/// leaves only the `.partial` file, never a file that looks complete.
public final class FileExportSink: ExportSink, Sendable {
    /// The file written on success.
    public let url: URL
    private let partialPath: String
    private let state: Mutex<(fd: Int32, offset: Int64)>

    /// Creates (or truncates) `<url>.partial`.
    ///
    /// - Throws: `storage.io` when the file cannot be created.
    public init(url: URL) throws {
        self.url = url
        self.partialPath = url.path + ".partial"
        let fd = try POSIX.open(partialPath, O_WRONLY | O_CREAT | O_TRUNC)
        self.state = Mutex((fd, 0))
    }

    deinit {
        let fd = state.withLock { $0.fd }
        if fd >= 0 { POSIX.close(fd) }
    }

    /// Writes `chunk` at the end of the `.partial` file. Throws `export.sink_failed` after
    /// ``finish()``, `storage.io` when the disk fails.
    public func write(_ chunk: [UInt8]) async throws {
        try state.withLock { state in
            guard state.fd >= 0 else { throw KimpleError(.exportSinkFailed, "The export file is already closed.") }
            try chunk.withUnsafeBytes { try POSIX.writeAll(state.fd, $0, at: state.offset, path: partialPath) }
            state.offset += Int64(chunk.count)
        }
    }

    /// Fsyncs the `.partial` file, closes it and renames it to ``url``. Throws
    /// `export.sink_failed` when called twice, `storage.io` when the disk fails.
    public func finish() async throws {
        let path = url.path
        try state.withLock { state in
            guard state.fd >= 0 else { throw KimpleError(.exportSinkFailed, "The export file is already closed.") }
            try POSIX.sync(state.fd, path: partialPath)
            POSIX.close(state.fd)
            state.fd = -1
            try POSIX.rename(partialPath, path)
            try POSIX.syncDirectory(AtomicFile.parentDirectory(of: path))
        }
    }
}
