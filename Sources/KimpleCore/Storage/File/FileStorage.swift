import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A ``StorageBackend`` on the local file system: the SDK's embedded default.
///
/// Layout under the root directory (each store directory has its own lock):
/// ```
/// <root>/tenants/<tenant>/logs/<name>/        a FileJournal
/// <root>/tenants/<tenant>/documents/<name>/   a FileDocumentStore
/// ```
public final class FileStorage: StorageBackend {
    private enum Kind: String {
        case logs, documents
    }

    private struct Key: Hashable {
        let tenant: TenantID
        let name: StoreName
    }

    private struct State {
        var logs: [Key: FileJournal] = [:]
        var documents: [Key: FileDocumentStore] = [:]
        var closed = false
    }

    /// The root directory.
    public let root: URL
    /// How the stores are written.
    public let options: FileJournal.Options
    /// Commits between two snapshots of document stores.
    public let snapshotInterval: Int
    private let state = Mutex(State())
    private let cache: StoreCache

    /// Stores under `root` (created if needed), written with `options`.
    public init(root: URL, options: FileJournal.Options = FileJournal.Options(), snapshotInterval: Int = 10_000) throws
    {
        self.root = root
        self.options = options
        self.snapshotInterval = snapshotInterval
        let path = root.path
        self.cache = StoreCache { KimpleError.closed(path) }
        try POSIX.makeDirectories(root.path + "/tenants")
    }

    /// The store `name` of `tenant` that another module builds on this backend's journals (the
    /// file participation store, whose index must exist once per process), opened by `make` on
    /// first request; the same instance every time. Throws what `make` throws (a failed opening
    /// is tried again next time), `storage.closed` after ``close()``.
    public func cachedStore<Store: Sendable>(
        _ tenant: TenantID, _ name: StoreName, _ make: @escaping @Sendable () async throws -> Store
    ) async throws -> Store {
        try await cache.store(tenant, name, make)
    }

    /// The ``FileJournal`` at `<root>/tenants/<tenant>/logs/<name>/`, opened on first use; the same
    /// instance every time. Throws `storage.locked` when another process holds it, `storage.closed`.
    public func recordLog(tenant: TenantID, name: StoreName) async throws -> any RecordLog {
        try journal(tenant: tenant, name: name)
    }

    /// The ``FileJournal`` behind `recordLog(tenant:name:)`, for file-specific calls
    /// (its recovery report, say).
    public func journal(tenant: TenantID, name: StoreName) throws -> FileJournal {
        try state.withLock { state in
            if state.closed { throw KimpleError.closed(root.path) }
            let key = Key(tenant: tenant, name: name)
            if let log = state.logs[key] { return log }
            let log = try FileJournal.open(at: directory(.logs, tenant, name), options: options)
            state.logs[key] = log
            return log
        }
    }

    /// The ``FileDocumentStore`` at `<root>/tenants/<tenant>/documents/<name>/`, opened on first use;
    /// the same instance every time. Throws `storage.locked` when another process holds it, `storage.closed`.
    public func documentStore(tenant: TenantID, name: StoreName) async throws -> any DocumentStore {
        try state.withLock { state in
            if state.closed { throw KimpleError.closed(root.path) }
            let key = Key(tenant: tenant, name: name)
            if let store = state.documents[key] { return store }
            let store = try FileDocumentStore.open(
                at: directory(.documents, tenant, name), options: options, snapshotInterval: snapshotInterval)
            state.documents[key] = store
            return store
        }
    }

    /// The ``FileJournal`` behind `storage`'s log `name`: what the file stores of the other
    /// modules (participations, instant wins, votes) are built on. Throws
    /// `storage.unsupported` when `storage` is not a tenant of a `FileStorage`, and what
    /// ``journal(tenant:name:)`` throws.
    public static func journal(_ storage: TenantStorage, name: StoreName) async throws -> FileJournal {
        let log = try await storage.recordLog(name)
        guard let journal = log as? FileJournal else {
            throw KimpleError(
                .storageUnsupported,
                "This store is built on the file journal: open it on a tenant of a FileStorage, or use the "
                    + "store your backend provides.",
                context: ["tenant": storage.tenant.rawValue, "store": name.rawValue])
        }
        return journal
    }

    /// Every tenant with a directory under `<root>/tenants/`.
    public func tenants() async throws -> [TenantID] {
        try POSIX.list(root.path + "/tenants").compactMap { TenantID(rawValue: $0) }
    }

    /// Closes every store opened through this backend and releases their locks.
    public func close() {
        cache.close()
        let (logs, documents) = state.withLock { state in
            state.closed = true
            defer {
                state.logs = [:]
                state.documents = [:]
            }
            return (Array(state.logs.values), Array(state.documents.values))
        }
        logs.forEach { $0.close() }
        documents.forEach { $0.close() }
    }

    private func directory(_ kind: Kind, _ tenant: TenantID, _ name: StoreName) -> URL {
        root.appendingPathComponent("tenants").appendingPathComponent(tenant.rawValue)
            .appendingPathComponent(kind.rawValue).appendingPathComponent(name.rawValue)
    }
}
