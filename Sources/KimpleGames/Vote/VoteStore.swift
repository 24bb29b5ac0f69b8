import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where one tenant's votes are counted (G-21, K-1, K-6).
///
/// The SDK ships ``InMemoryVoteStore`` and ``FileVoteStore``; a host can plug its own and
/// check it with `KimpleTesting`'s `VoteStoreConformance`.
///
/// ## Implementation requirements
/// - **Atomic count.** ``cast(_:)`` is insert-if-absent on (operation, candidate, person,
///   period): of any number of concurrent casts of the same key exactly one is counted; the
///   others report a duplicate and change nothing.
/// - **Durable on return**: a counted vote survives a restart; none is counted twice.
public protocol VoteStore: Sendable {
    /// Counts `ballot` unless its person already voted for its candidate in its period.
    /// Returns `true` when counted, `false` for a duplicate.
    ///
    /// - Throws: `vote.invalid` for a malformed ballot; the store's `storage.` errors (the vote
    ///   is then not acknowledged).
    func cast(_ ballot: Ballot) async throws -> Bool

    /// Votes counted per candidate of `operation` (candidates without votes are absent).
    ///
    /// - Throws: the store's `storage.` errors.
    func tally(_ operation: OperationID) async throws -> [String: Int]
}

/// The counts of a tenant's votes under one lock: the shared core of the SDK's vote stores.
final class VoteCounts: Sendable {
    private struct State {
        var keys = Set<Ballot.Key>()
        var counts: [OperationID: [String: Int]] = [:]
    }

    private let state = Mutex(State())

    /// Counts `ballot` if new; `persist` runs under the lock first and the vote is counted only
    /// if it does not throw. Returns `nil` for a duplicate.
    func cast<T>(_ ballot: Ballot, persist: () throws -> T) throws -> T? {
        try ballot.validate()
        return try state.withLock { state in
            let key = ballot.key
            guard !state.keys.contains(key) else { return nil }
            let waiter = try persist()
            state.keys.insert(key)
            state.counts[ballot.operation, default: [:]][ballot.candidate, default: 0] += 1
            return waiter
        }
    }

    /// Takes back `ballot`, whose write failed: it is not counted and may be cast again.
    func withdraw(_ ballot: Ballot) {
        state.withLock { state in
            guard state.keys.remove(ballot.key) != nil else { return }
            state.counts[ballot.operation]?[ballot.candidate, default: 1] -= 1
            if state.counts[ballot.operation]?[ballot.candidate] == 0 {
                state.counts[ballot.operation]?[ballot.candidate] = nil
            }
        }
    }

    /// Applies a ballot read back from storage.
    func restore(_ ballot: Ballot) {
        state.withLock { state in
            guard state.keys.insert(ballot.key).inserted else { return }
            state.counts[ballot.operation, default: [:]][ballot.candidate, default: 0] += 1
        }
    }

    func tally(_ operation: OperationID) -> [String: Int] {
        state.withLock { $0.counts[operation] ?? [:] }
    }
}

/// A ``VoteStore`` held in memory: for tests and demos. Atomic under one lock.
public final class InMemoryVoteStore: VoteStore {
    private let counts = VoteCounts()

    /// An empty store.
    public init() {}

    /// Counts `ballot` unless its key (person, candidate, period) was counted: `true` when counted now.
    public func cast(_ ballot: Ballot) async throws -> Bool {
        try counts.cast(ballot) { true } ?? false
    }

    /// Votes counted per candidate of `operation`.
    public func tally(_ operation: OperationID) async throws -> [String: Int] {
        counts.tally(operation)
    }
}

/// The file-based ``VoteStore``: counts in memory, every counted ballot a JSON record of a
/// ``FileJournal``, written under the store's lock and durable before `cast` returns
/// (concurrent votes share one fsync with grouped durability). Opening reads the journal
/// back; the journal's lock keeps other processes out.
public final class FileVoteStore: VoteStore {
    /// The name of the journal in a tenant's storage.
    public static let storeName: StoreName = "votes"

    private let journal: FileJournal
    private let counts = VoteCounts()

    /// A store on `journal`, read back from it.
    ///
    /// - Throws: `storage.corrupted` when a record does not decode; the journal's errors.
    public init(journal: FileJournal) throws {
        self.journal = journal
        let counts = self.counts
        try journal.readSync(from: 0) { record in
            counts.restore(try JSONCoding.decode(Ballot.self, from: record.payload, key: "votes/\(record.sequence)"))
            return true
        }
    }

    /// Opens (creating if needed) the store in `directory`.
    ///
    /// - Throws: `storage.locked` when another handle holds it; what ``init(journal:)`` and
    ///   `FileJournal.open` throw.
    public static func open(
        at directory: URL, options: FileJournal.Options = FileJournal.Options()
    ) throws
        -> FileVoteStore
    {
        let journal = try FileJournal.open(at: directory, options: options)
        do {
            return try FileVoteStore(journal: journal)
        } catch {
            journal.close()
            throw error
        }
    }

    /// The vote store of `tenant` in `storage` (its `votes` journal; `storage` closes it).
    ///
    /// - Throws: what ``init(journal:)`` throws.
    public static func open(_ storage: FileStorage, tenant: TenantID) throws -> FileVoteStore {
        try FileVoteStore(journal: storage.journal(tenant: tenant, name: storeName))
    }

    /// The vote store of `storage`'s tenant: its `votes` log, which must be a file journal (a
    /// tenant of a `FileStorage`). Throws `storage.unsupported` otherwise, and what ``init(journal:)`` throws.
    public static func open(_ storage: TenantStorage) async throws -> FileVoteStore {
        try FileVoteStore(journal: try await FileStorage.journal(storage, name: storeName))
    }

    /// Waits for pending writes and closes the journal.
    public func close() { journal.close() }

    /// Counts `ballot` unless its key (person, candidate, period) was counted, and returns once its
    /// journal record is durable: `true` when counted now. Throws the journal's `storage.` errors
    /// (the vote is then not counted).
    public func cast(_ ballot: Ballot) async throws -> Bool {
        let payload = try JSONCoding.encode(ballot)
        let counts = self.counts
        let persist = { try self.journal.enqueue([payload], onFailure: { _ in counts.withdraw(ballot) }) }
        guard let ticket = try counts.cast(ballot, persist: persist) else { return false }
        _ = try await ticket.durable()
        return true
    }

    /// Votes counted per candidate of `operation`, from memory.
    public func tally(_ operation: OperationID) async throws -> [String: Int] {
        counts.tally(operation)
    }
}
