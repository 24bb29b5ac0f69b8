import Synchronization

/// A ``StorageBackend`` whose stores live in memory.
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

    /// An empty backend: no tenant, no store until one is asked for.
    public init() {}

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

    /// Every tenant that has at least one store, sorted.
    public func tenants() async throws -> [TenantID] {
        state.withLock { state in
            Set(state.logs.keys.map(\.tenant)).union(state.documents.keys.map(\.tenant)).sorted()
        }
    }
}
