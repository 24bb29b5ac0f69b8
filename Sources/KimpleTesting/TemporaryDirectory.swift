import Foundation
import KimpleCore

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
