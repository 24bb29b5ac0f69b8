/// The tag of store names.
public enum StoreTag {}
/// The name of one store of a tenant (`participations`, `operations`, `evidence`...).
public typealias StoreName = Identifier<StoreTag>

/// Where a tenant's stores live: the seam a host uses to plug its own persistence (K-6).
///
/// A backend hands out stores per tenant and name. Asking twice for the same tenant and
/// name returns the same store (one handle per store in a process), so every service
/// sees the same data and a file store's lock is taken once.
///
/// The SDK ships ``InMemoryStorage`` and ``FileStorage``. The `Kimple` module's
/// `KimpleBackend` refines this protocol with the games' atomic stores, so that one backend
/// value runs the whole SDK (K-8).
///
/// ## Lifecycle
/// One owner closes the backend, once every service built on it is done: ``close()`` waits
/// for pending writes and releases what the backend holds (locks, connections). Stores
/// handed out before are closed with it; asking for a store afterwards throws
/// `storage.closed`. Closing twice does nothing more.
public protocol StorageBackend: Sendable {
    /// The append-only log `name` of `tenant`, created empty on first use.
    func recordLog(tenant: TenantID, name: StoreName) async throws -> any RecordLog

    /// The document store `name` of `tenant`, created empty on first use.
    func documentStore(tenant: TenantID, name: StoreName) async throws -> any DocumentStore

    /// Every tenant that has at least one store. An explicit administration path: the
    /// SDK's services never read across tenants (K-1).
    func tenants() async throws -> [TenantID]

    /// Waits for pending writes and releases the backend's resources (see "Lifecycle"). A
    /// backend with nothing to release does nothing.
    func close() async throws
}

extension StorageBackend {
    /// The handle through which everything of `tenant` is reached (K-1).
    public func tenant(_ tenant: TenantID) -> TenantStorage {
        TenantStorage(tenant: tenant, backend: self)
    }
}

/// The stores of one tenant, and only them (K-1).
///
/// Services receive a `TenantStorage`, never a backend: holding one gives no path to
/// another tenant's data.
public struct TenantStorage: Sendable {
    /// The tenant whose stores this handle reaches.
    public let tenant: TenantID
    private let backend: any StorageBackend

    /// The handle on `tenant`'s stores in `backend`. Only code that holds the backend (the host's
    /// composition root) builds one; services receive it.
    public init(tenant: TenantID, backend: any StorageBackend) {
        self.tenant = tenant
        self.backend = backend
    }

    /// The tenant's append-only log `name`.
    public func recordLog(_ name: StoreName) async throws -> any RecordLog {
        try await backend.recordLog(tenant: tenant, name: name)
    }

    /// The tenant's document store `name`.
    public func documentStore(_ name: StoreName) async throws -> any DocumentStore {
        try await backend.documentStore(tenant: tenant, name: name)
    }
}
