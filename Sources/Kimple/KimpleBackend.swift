import KimpleAvailability
import KimpleCore
import KimpleGames

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The one storage seam of the SDK (K-8): a ``KimpleCore/StorageBackend`` that also hands out
/// the stores whose rules need an atomic operation of their own. Every store of a tenant comes
/// from it, through the tenant's ``KimpleCore/TenantStorage`` handle (K-1).
///
/// The SDK ships two: ``KimpleCore/InMemoryStorage`` (`.inMemory`) and
/// ``KimpleCore/FileStorage`` (`.file(at:)`). A host's backend (PostgreSQL, say) implements
/// this protocol once, and ``Kimple/open(storage:transport:clock:processor:hosting:subProcessors:options:)``
/// runs every service on it. `KimpleTesting`'s `KimpleBackendConformance` proves a backend
/// complete in one call.
///
/// ## Implementation requirements
/// - **The base stores**: ``KimpleCore/StorageBackend/recordLog(tenant:name:)`` and
///   ``KimpleCore/StorageBackend/documentStore(tenant:name:)`` keep their own requirements
///   (atomic batches, compare-and-set, the conditional append that keeps one evidence chain
///   per tenant linear, also across processes). Robot events, draws, contracts, privacy state,
///   availability records and the evidence log are built on them.
/// - **The atomic stores have no default**: ``participationStore(_:clock:)`` (limit and insert
///   in one step), ``instantWinLedger(_:)`` (each prize unit claimed once) and
///   ``voteStore(_:)`` (one vote per person, candidate and period) must hold their rule for
///   every caller of the backend — several processes included when the backend is shared.
///   A process-local lock is enough only for a backend that one process owns (the file store
///   takes an exclusive lock per store directory).
/// - **Stores with a default** (``operationStore(_:)``, ``availabilityStore(_:calendar:)``) are
///   built on the document stores; a backend may provide its own.
/// - **Same store, same handle**: asking twice for one tenant's store returns a store that sees
///   the same data (the SDK's backends return the same instance).
/// - **Time** comes from the clock given, never from the wall clock.
/// - **Lifecycle**: ``KimpleCore/StorageBackend/close()`` closes every store handed out.
public protocol KimpleBackend: StorageBackend {
    /// The accepted participations of `storage`'s tenant (see ``KimpleGames/ParticipationStore``'s
    /// requirements), timed by `clock`.
    func participationStore(_ storage: TenantStorage, clock: any Clock) async throws -> any ParticipationStore

    /// The instant-win ledger of `storage`'s tenant (see ``KimpleGames/InstantWinLedger``'s requirements).
    func instantWinLedger(_ storage: TenantStorage) async throws -> any InstantWinLedger

    /// The vote store of `storage`'s tenant (see ``KimpleGames/VoteStore``'s requirements).
    func voteStore(_ storage: TenantStorage) async throws -> any VoteStore

    /// The operations of `storage`'s tenant. The default is a ``KimpleGames/DocumentOperationStore``
    /// on the tenant's `operations` document store.
    func operationStore(_ storage: TenantStorage) async throws -> any OperationStore

    /// The availability records of `storage`'s tenant. The default is the document-and-log
    /// ``KimpleAvailability/FileAvailabilityStore`` on the tenant's stores.
    func availabilityStore(_ storage: TenantStorage, calendar: FrenchCalendar) async throws -> any AvailabilityStore
}

extension KimpleBackend {
    /// A ``KimpleGames/DocumentOperationStore`` on the tenant's `operations` document store.
    public func operationStore(_ storage: TenantStorage) async throws -> any OperationStore {
        try await DocumentOperationStore.open(storage)
    }

    /// A ``KimpleAvailability/FileAvailabilityStore`` on the tenant's document stores and record logs.
    public func availabilityStore(
        _ storage: TenantStorage, calendar: FrenchCalendar
    ) async throws
        -> any AvailabilityStore
    {
        try await FileAvailabilityStore.open(storage, calendar: calendar)
    }
}

// MARK: - The SDK's backends

extension InMemoryStorage: KimpleBackend {
    /// An ``KimpleGames/InMemoryParticipationStore``, the same one each time for a tenant.
    public func participationStore(_ storage: TenantStorage, clock: any Clock) async throws -> any ParticipationStore {
        try await cachedStore(storage.tenant, "participations") {
            InMemoryParticipationStore(tenant: storage.tenant, clock: clock)
        }
    }

    /// An ``KimpleGames/InMemoryInstantWinLedger``, the same one each time for a tenant.
    public func instantWinLedger(_ storage: TenantStorage) async throws -> any InstantWinLedger {
        try await cachedStore(storage.tenant, "instant-win") { InMemoryInstantWinLedger() }
    }

    /// An ``KimpleGames/InMemoryVoteStore``, the same one each time for a tenant.
    public func voteStore(_ storage: TenantStorage) async throws -> any VoteStore {
        try await cachedStore(storage.tenant, "votes") { InMemoryVoteStore() }
    }
}

extension FileStorage: KimpleBackend {
    /// A ``KimpleGames/FileParticipationStore`` on the tenant's `participations` journal (its
    /// index is rebuilt once per process; later calls return the same store).
    public func participationStore(_ storage: TenantStorage, clock: any Clock) async throws -> any ParticipationStore {
        try await cachedStore(storage.tenant, "participations") {
            try await FileParticipationStore.open(storage, clock: clock)
        }
    }

    /// A ``KimpleGames/FileInstantWinLedger`` on the tenant's `instant-win` journal.
    public func instantWinLedger(_ storage: TenantStorage) async throws -> any InstantWinLedger {
        try await cachedStore(storage.tenant, "instant-win") { try await FileInstantWinLedger.open(storage) }
    }

    /// A ``KimpleGames/FileVoteStore`` on the tenant's `votes` journal.
    public func voteStore(_ storage: TenantStorage) async throws -> any VoteStore {
        try await cachedStore(storage.tenant, "votes") { try await FileVoteStore.open(storage) }
    }
}

// MARK: - Choosing a backend with a leading dot

extension KimpleBackend where Self == InMemoryStorage {
    /// Every store in memory: tests, demos, simulations. Nothing survives the process.
    public static var inMemory: InMemoryStorage { InMemoryStorage() }
}

extension KimpleBackend where Self == FileStorage {
    /// The embedded file store under `root` (created if needed): durable, for one process (each
    /// store directory is locked). Throws `storage.io` when `root` cannot be created.
    public static func file(
        at root: URL, options: FileJournal.Options = FileJournal.Options(), snapshotInterval: Int = 10_000
    ) throws -> FileStorage {
        try FileStorage(root: root, options: options, snapshotInterval: snapshotInterval)
    }
}
