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

    public init() {}

    public func recordLog(tenant: TenantID, name: StoreName) async throws -> any RecordLog {
        state.withLock { state in
            let key = Key(tenant: tenant, name: name)
            if let log = state.logs[key] { return log }
            let log = InMemoryRecordLog()
            state.logs[key] = log
            return log
        }
    }

    public func documentStore(tenant: TenantID, name: StoreName) async throws -> any DocumentStore {
        state.withLock { state in
            let key = Key(tenant: tenant, name: name)
            if let store = state.documents[key] { return store }
            let store = InMemoryDocumentStore()
            state.documents[key] = store
            return store
        }
    }

    public func tenants() async throws -> [TenantID] {
        state.withLock { state in
            Set(state.logs.keys.map(\.tenant)).union(state.documents.keys.map(\.tenant)).sorted()
        }
    }
}
