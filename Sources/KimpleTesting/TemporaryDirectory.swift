import Foundation
import KimpleCore
import Synchronization

/// A fresh directory under the system's temporary directory, removed when `body` ends
/// (also when it throws). For tests of file-based stores.
public func withTemporaryDirectory<Result>(
    _ body: (URL) async throws -> Result
) async throws -> Result {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// Creates a fresh, empty directory under the system's temporary directory and returns
/// it. The caller removes it.
public func makeTemporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("kimple-\(Identifier<TemporaryDirectoryTag>.random().rawValue)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

/// Tag for the names of temporary directories.
public enum TemporaryDirectoryTag {}

/// The stores a test opened, to close together when it ends (also when it throws):
/// conformance runs make a new store per check, and a file store keeps its directory lock
/// until it is closed.
///
/// ```swift
/// let opened = OpenedStores()
/// defer { opened.closeAll() }
/// let journal = try FileJournal.open(at: directory)
/// opened.add { journal.close() }
/// ```
public final class OpenedStores: Sendable {
    private let closers = Mutex<[@Sendable () -> Void]>([])

    /// An empty set.
    public init() {}

    /// Remembers how to close one store.
    public func add(_ close: @escaping @Sendable () -> Void) { closers.withLock { $0.append(close) } }

    /// Closes every store added, in the order added.
    public func closeAll() { closers.withLock { $0 }.forEach { $0() } }
}
