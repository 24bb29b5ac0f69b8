import Synchronization

/// A ``StorageBackend`` whose stores live in memory, as long as the backend value does:
/// ``StorageBackend/close()`` keeps them, so services opened again on the same value find
/// the same data (a restart, in tests).
public final class InMemoryStorage: StorageBackend {
    private struct Key: Hashable {
        let tenant: TenantID
        let name: StoreName
    }

    private struct State {
        var logs: [Key: InMemoryRecordLog] = [:]
        var documents: [Key: InMemoryDocumentStore] = [:]
    }

    private let state = Mutex(State())
    private let cache = StoreCache {
        KimpleError(.storageClosed, "This in-memory storage was closed; open a new one.")
    }

    /// An empty backend: no tenant, no store until one is asked for.
    public init() {}

    /// The store `name` of `tenant` that another module builds on this backend (a participation
    /// store, say), opened by `make` on first request; the same instance every time, for the life
    /// of the backend (closing it keeps everything, so a new service on it finds the same data).
    /// Throws what `make` throws (a failed opening is tried again next time).
    public func cachedStore<Store: Sendable>(
        _ tenant: TenantID, _ name: StoreName, _ make: @escaping @Sendable () async throws -> Store
    ) async throws -> Store {
        try await cache.store(tenant, name, make)
    }

    /// The log `name` of `tenant`, an ``InMemoryRecordLog`` created on first use; the same instance every time.
    public func recordLog(tenant: TenantID, name: StoreName) async throws -> any RecordLog {
        state.withLock { state in
            let key = Key(tenant: tenant, name: name)
            if let log = state.logs[key] { return log }
            let log = InMemoryRecordLog()
            state.logs[key] = log
            return log
        }
    }

    /// The document store `name` of `tenant`, an ``InMemoryDocumentStore`` created on first use; the same
    /// instance every time.
    public func documentStore(tenant: TenantID, name: StoreName) async throws -> any DocumentStore {
        state.withLock { state in
            let key = Key(tenant: tenant, name: name)
            if let store = state.documents[key] { return store }
            let store = InMemoryDocumentStore()
            state.documents[key] = store
            return store
        }
    }

    /// Does nothing: the stores live as long as this value, so services opened on it again (a
    /// restart, in tests) find the same data.
    public func close() {}

    /// Every tenant that has at least one store, sorted.
    public func tenants() async throws -> [TenantID] {
        state.withLock { state in
            Set(state.logs.keys.map(\.tenant)).union(state.documents.keys.map(\.tenant)).sorted()
        }
    }
}
