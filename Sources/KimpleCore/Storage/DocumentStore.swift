#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A stored document: a key, the version that last wrote it, and its bytes.
public struct Document: Sendable, Hashable {
    /// The document's key (1 to 1,024 bytes of UTF-8).
    public let key: String
    /// The version of the write that produced this value. Versions are unique within a
    /// store and increase with every write, so a deleted and re-created key never gets
    /// back an old version (no ABA problem for compare-and-set).
    public let version: UInt64
    /// The stored bytes.
    public let value: Data

    /// A document as a store returns it; stores build these, callers read them.
    public init(key: String, version: UInt64, value: Data) {
        self.key = key
        self.version = version
        self.value = value
    }
}

/// One conditional write of a ``DocumentStore/commit(_:)``.
public enum DocumentWrite: Sendable, Hashable {
    /// Creates `key`; fails when it exists (insert-if-absent).
    case insert(key: String, value: Data)
    /// Replaces `key` when its current version is `expectedVersion` (compare-and-set);
    /// fails when it is absent or was written since.
    case replace(key: String, expectedVersion: UInt64, value: Data)
    /// Creates or replaces `key` whatever its state.
    case upsert(key: String, value: Data)
    /// Removes `key` when its version is `expectedVersion` (any version when `nil`);
    /// fails when it is absent or was written since.
    case delete(key: String, expectedVersion: UInt64?)

    /// The key this write touches.
    public var key: String {
        switch self {
        case .insert(let key, _), .replace(let key, _, _), .upsert(let key, _), .delete(let key, _): key
        }
    }
}

/// A keyed store of versioned documents belonging to one tenant (K-1, K-6): operations,
/// contracts, invoices, instructions, counters.
///
/// The SDK ships ``InMemoryDocumentStore`` and ``FileDocumentStore``; hosts can plug their
/// own and check it with `KimpleTesting`'s conformance suite.
///
/// ## Implementation requirements
/// - **Atomic commits.** ``commit(_:)`` checks every condition and applies every write, or
///   applies none and throws `storage.conflict` (context `key`: the first write whose
///   condition failed). Two concurrent commits behave as if run one after the other.
///   This is how the SDK gets "at most once" without read-then-write races: one invoice
///   number per invoice, one instruction version, one award per prize unit.
/// - **Durable on return** under the store's durability policy; an acknowledged commit is
///   never lost (K-7).
/// - **Versions** are unique and increasing across the whole store (see ``Document/version``).
/// - A commit touching the same key twice is refused with `core.invalid_argument`.
public protocol DocumentStore: Sendable {
    /// The document at `key`, or `nil`.
    func get(_ key: String) async throws -> Document?

    /// Applies `writes` atomically (see the implementation requirements) and returns the
    /// new version of each written key (deleted keys are not in the result).
    @discardableResult
    func commit(_ writes: [DocumentWrite]) async throws -> [String: UInt64]

    /// Every document whose key starts with `prefix`, in ascending key order (UTF-8 byte order).
    func documents(withPrefix prefix: String) async throws -> [Document]
}

/// A document store that keeps the history of its writes (a journal) and can drop it.
///
/// Replacing or deleting a document does not, by itself, remove its earlier values from a
/// journal-backed store. When personal data was overwritten to erase it, the privacy
/// module calls ``compactHistory()`` so that no earlier version stays on disk.
/// ``FileDocumentStore`` conforms; a store that keeps no history need not.
public protocol HistoryCompactingDocumentStore: DocumentStore {
    /// Rewrites the store so that only the current documents remain on the medium.
    func compactHistory() async throws
}

extension DocumentStore {
    /// Creates `key` with `value`; returns its version. Throws `storage.conflict` when it exists.
    @discardableResult
    public func insert(_ key: String, _ value: Data) async throws -> UInt64 {
        try await singleVersion(commit([.insert(key: key, value: value)]), key)
    }

    /// Replaces `key` if its version is still `expectedVersion`; returns the new version.
    /// Throws `storage.conflict` otherwise.
    @discardableResult
    public func replace(_ key: String, expectedVersion: UInt64, with value: Data) async throws -> UInt64 {
        try await singleVersion(commit([.replace(key: key, expectedVersion: expectedVersion, value: value)]), key)
    }

    /// Writes `value` at `key` unconditionally; returns the new version.
    @discardableResult
    public func upsert(_ key: String, _ value: Data) async throws -> UInt64 {
        try await singleVersion(commit([.upsert(key: key, value: value)]), key)
    }

    /// Removes `key` (only if its version is `expectedVersion`, when given).
    /// Throws `storage.conflict` when it is absent or was written since.
    public func delete(_ key: String, expectedVersion: UInt64? = nil) async throws {
        try await commit([.delete(key: key, expectedVersion: expectedVersion)])
    }

    private func singleVersion(_ versions: [String: UInt64], _ key: String) throws -> UInt64 {
        guard let version = versions[key] else {
            throw KimpleError(.storageIO, "The store did not report the version it wrote.", context: ["key": key])
        }
        return version
    }
}

/// Validation and conflict checking shared by the SDK's document store implementations.
package enum DocumentRules {
    /// Keys are 1 to 1,024 bytes of UTF-8 without NUL.
    package static func validate(_ writes: [DocumentWrite], maximumValueSize: Int) throws {
        var seen = Set<String>()
        for write in writes {
            let key = write.key
            guard !key.isEmpty, key.utf8.count <= 1024, !key.utf8.contains(0) else {
                throw KimpleError(
                    .invalidArgument, "A document key is 1 to 1,024 bytes of UTF-8 without NUL.",
                    context: ["key": String(key.prefix(64))])
            }
            guard seen.insert(key).inserted else {
                throw KimpleError(
                    .invalidArgument, "A commit touches each key at most once.",
                    context: ["key": String(key.prefix(64))])
            }
            switch write {
            case .insert(_, let value), .replace(_, _, let value), .upsert(_, let value):
                if value.count > maximumValueSize {
                    throw KimpleError.recordTooLarge(value.count, limit: maximumValueSize)
                }
            case .delete:
                break
            }
        }
    }

    /// Checks every condition of `writes` against `current` (the version of each key, if present).
    package static func checkConditions(_ writes: [DocumentWrite], current: (String) -> UInt64?) throws {
        for write in writes {
            let existing = current(write.key)
            let ok: Bool
            switch write {
            case .insert: ok = existing == nil
            case .replace(_, let expected, _): ok = existing == expected
            case .upsert: ok = true
            case .delete(_, let expected): ok = existing != nil && (expected == nil || existing == expected)
            }
            if !ok {
                throw KimpleError(
                    .storageConflict,
                    existing == nil
                        ? "The document does not exist; read it again before writing."
                        : "The document exists or was changed since it was read; read it again before writing.",
                    context: ["key": write.key])
            }
        }
    }
}
