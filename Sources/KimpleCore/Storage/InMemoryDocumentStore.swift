import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A ``DocumentStore`` held in memory: for tests, demos and hosts that keep nothing on disk.
public final class InMemoryDocumentStore: DocumentStore {
    private struct State {
        var documents: [String: Document] = [:]
        var lastVersion: UInt64 = 0
    }

    private let state = Mutex(State())
    /// The largest value accepted, in bytes.
    public let maximumValueSize: Int

    /// An empty store accepting values of up to `maximumValueSize` bytes (16 MiB by default, as the file store).
    public init(maximumValueSize: Int = FileJournal.Options.defaultMaximumRecordSize) {
        self.maximumValueSize = maximumValueSize
    }

    /// The document at `key`, or `nil`.
    public func get(_ key: String) async throws -> Document? {
        state.withLock { $0.documents[key] }
    }

    /// Applies `writes` atomically under one lock; throws `storage.conflict` (nothing written) when a
    /// condition fails, `core.invalid_argument` for an invalid key or a key written twice,
    /// `storage.record_too_large` above ``maximumValueSize``.
    @discardableResult
    public func commit(_ writes: [DocumentWrite]) async throws -> [String: UInt64] {
        try DocumentRules.validate(writes, maximumValueSize: maximumValueSize)
        return try state.withLock { state in
            try DocumentRules.checkConditions(writes) { state.documents[$0]?.version }
            var versions: [String: UInt64] = [:]
            for write in writes {
                state.lastVersion += 1
                switch write {
                case .insert(let key, let value), .replace(let key, _, let value), .upsert(let key, let value):
                    state.documents[key] = Document(key: key, version: state.lastVersion, value: value)
                    versions[key] = state.lastVersion
                case .delete(let key, _):
                    state.documents[key] = nil
                }
            }
            return versions
        }
    }

    /// Every document whose key starts with `prefix`, in UTF-8 byte order of the keys.
    public func documents(withPrefix prefix: String) async throws -> [Document] {
        let matching = state.withLock { state in state.documents.values.filter { $0.key.utf8.starts(with: prefix.utf8) }
        }
        return matching.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }
}
