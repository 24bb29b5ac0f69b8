import Synchronization

/// The stores a backend built on top of its logs and document stores, one per tenant and
/// name: a store that keeps an index in memory (the file participation store) must exist once
/// per process, or two handles would each count against the limit on their own.
///
/// Concurrent first requests share one opening; a failed opening is forgotten, so the next
/// request tries again.
package final class StoreCache: Sendable {
    private struct Key: Hashable {
        let tenant: TenantID
        let name: StoreName
    }

    private struct State {
        var stores: [Key: Task<any Sendable, any Error>] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    private let closedError: @Sendable () -> KimpleError

    /// A cache whose requests throw `closedError()` once ``close()`` was called.
    package init(closedError: @escaping @Sendable () -> KimpleError) {
        self.closedError = closedError
    }

    /// The store `name` of `tenant`, opened by `make` on first request.
    package func store<Store: Sendable>(
        _ tenant: TenantID, _ name: StoreName, _ make: @escaping @Sendable () async throws -> Store
    ) async throws -> Store {
        let key = Key(tenant: tenant, name: name)
        let task: Task<any Sendable, any Error> = try state.withLock { state in
            if state.closed { throw closedError() }
            if let task = state.stores[key] { return task }
            let task = Task<any Sendable, any Error> { try await make() }
            state.stores[key] = task
            return task
        }
        do {
            guard let store = try await task.value as? Store else {
                throw KimpleError(
                    .invalidArgument, "The store \(name) of \(tenant) was opened with another type.",
                    context: ["tenant": tenant.rawValue, "store": name.rawValue])
            }
            return store
        } catch {
            state.withLock { state in
                if let current = state.stores[key], current == task { state.stores[key] = nil }
            }
            throw error
        }
    }

    /// Forgets every store; later requests throw.
    package func close() {
        state.withLock { state in
            state.closed = true
            state.stores = [:]
        }
    }
}
