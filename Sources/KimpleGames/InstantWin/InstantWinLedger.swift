import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where the instant wins of one tenant's operations are decided and kept (G-6, K-1, K-6).
///
/// The SDK ships ``InMemoryInstantWinLedger`` and ``FileInstantWinLedger``; a host can plug
/// its own and check it with `KimpleTesting`'s `InstantWinLedgerConformance`.
///
/// ## Implementation requirements
/// - **Atomic claim.** ``claim(_:)`` decides by the rule of ``InstantWinBook`` and records the
///   award as one atomic step: two claims, concurrent or not, never get the same moment; a
///   prize never gets more awards than its quantity (stock never negative); one entry never
///   gets two awards.
/// - **Durable before the answer.** `claim` returns an award only once it is durable under
///   the store's policy: the participant is never told "won" for an award a crash could
///   lose. When the write fails, `claim` throws and the moment is never given to anyone else.
/// - **Install once.** ``install(_:)`` is insert-if-absent per operation: installing the same
///   schedule again changes nothing; another schedule for the operation is refused.
/// - **Restart.** After a restart, schedules and awards read back exactly: no award is lost
///   or repeated, and claims go on from where they were.
public protocol InstantWinLedger: Sendable {
    /// Installs `schedule` for its operation. Returns `true` when installed now, `false` when
    /// the same schedule (same commitment) was already installed.
    ///
    /// - Throws: `instant_win.invalid_schedule` when the schedule breaks its invariants
    ///   (``InstantWinSchedule/validate()``); `instant_win.schedule_conflict` when another
    ///   schedule is installed for the operation; the store's `storage.` errors. Nothing is
    ///   written then.
    @discardableResult
    func install(_ schedule: InstantWinSchedule) async throws -> Bool

    /// Decides `claim` atomically and durably; returns the award won, or `nil`.
    ///
    /// A second claim with the same entry id returns the first claim's award.
    ///
    /// - Throws: `instant_win.invalid_claim` for a malformed claim, `instant_win.not_installed`
    ///   without a schedule, `instant_win.award_in_doubt` when the entry's award is not yet (or
    ///   could not be) made durable, the store's `storage.` errors (then the participant is
    ///   not told they won).
    func claim(_ claim: InstantWinClaim) async throws -> InstantWinAward?

    /// The schedule installed for `operation`, or `nil`.
    ///
    /// - Throws: the store's `storage.` errors.
    func schedule(for operation: OperationID) async throws -> InstantWinSchedule?

    /// The awards of `operation`, by moment index.
    ///
    /// - Throws: `instant_win.not_installed` without a schedule; the store's `storage.` errors.
    func awards(for operation: OperationID) async throws -> [InstantWinAward]

    /// What became of `operation`'s moments at `instant`.
    ///
    /// - Throws: `instant_win.not_installed` without a schedule; the store's `storage.` errors.
    func report(for operation: OperationID, at instant: Date) async throws -> InstantWinReport
}

/// The books of a tenant's operations under one lock: the shared core of the SDK's ledgers.
final class InstantWinBooks: Sendable {
    private struct State {
        var books: [OperationID: InstantWinBook] = [:]
        /// Awards written but not yet durable (or whose write failed), by entry id.
        var pending: Set<String> = []
    }

    private let state = Mutex(State())

    /// Installs `schedule`; `persist` runs under the lock before the schedule is visible and
    /// returns what the caller waits on. Returns `nil` when the same schedule was installed.
    func install<T>(_ schedule: InstantWinSchedule, persist: () throws -> T) throws -> T? {
        try schedule.validate()
        return try state.withLock { state in
            if let existing = state.books[schedule.operation] {
                guard existing.schedule.commitment == schedule.commitment else {
                    throw KimpleError(
                        .instantWinScheduleConflict,
                        "Another schedule is installed for this operation; a committed schedule never changes.",
                        context: [
                            "operation": schedule.operation.rawValue, "installed": existing.schedule.commitment.hex,
                        ])
                }
                return nil
            }
            let waiter = try persist()
            state.books[schedule.operation] = InstantWinBook(schedule: schedule)
            return waiter
        }
    }

    /// Decides `claim`; for a new award, `persist` runs under the lock (so records are written
    /// in decision order) and the award is recorded only if it does not throw. When `persist`
    /// returns something to wait on, the award stays in doubt until ``confirm(_:)``.
    func claim<T>(
        _ claim: InstantWinClaim, persist: (InstantWinAward) throws -> T?
    ) throws -> (InstantWinAward?, T?) {
        try claim.validate()
        return try state.withLock { state in
            let operation = claim.operation
            guard state.books[operation] != nil else { throw Self.notInstalled(operation) }
            state.books[operation]?.advance(to: claim.atMilliseconds)
            switch state.books[operation]?.decide(claim) ?? .notWon {
            case .notWon:
                return (nil, nil)
            case .alreadyWon(let award):
                if state.pending.contains(award.entryID) {
                    throw KimpleError(
                        .instantWinAwardInDoubt,
                        "This entry's award is not durable yet, or its write failed; do not announce it. Retry later.",
                        context: ["operation": operation.rawValue, "entryID": award.entryID])
                }
                return (award, nil)
            case .won(let award):
                let waiter = try persist(award)
                state.books[operation]?.record(award)
                if waiter != nil { state.pending.insert(award.entryID) }
                return (award, waiter)
            }
        }
    }

    /// The award of `entryID` is durable.
    func confirm(_ entryID: String) { state.withLock { _ = $0.pending.remove(entryID) } }

    /// Takes back `award`, whose write failed and is not in storage: its moment is due again
    /// for the next claims (which are decided after this, under the same lock).
    func withdraw(_ award: InstantWinAward) {
        state.withLock { state in
            state.pending.remove(award.entryID)
            state.books[award.operation]?.withdraw(award)
        }
    }

    /// Takes back the installation of `schedule`, whose write failed.
    func uninstall(_ schedule: InstantWinSchedule) {
        state.withLock { state in
            if state.books[schedule.operation]?.schedule.commitment == schedule.commitment,
                state.books[schedule.operation]?.awards.isEmpty == true
            {
                state.books[schedule.operation] = nil
            }
        }
    }

    /// Applies a schedule read back from storage.
    func restore(_ schedule: InstantWinSchedule) {
        state.withLock { state in
            if state.books[schedule.operation] == nil {
                state.books[schedule.operation] = InstantWinBook(schedule: schedule)
            }
        }
    }

    /// Applies an award read back from storage.
    func restore(_ award: InstantWinAward) {
        state.withLock { state in _ = state.books[award.operation]?.record(award) }
    }

    func book(_ operation: OperationID) throws -> InstantWinBook {
        guard let book = state.withLock({ $0.books[operation] }) else { throw Self.notInstalled(operation) }
        return book
    }

    func schedule(_ operation: OperationID) -> InstantWinSchedule? {
        state.withLock { $0.books[operation]?.schedule }
    }

    static func notInstalled(_ operation: OperationID) -> KimpleError {
        KimpleError(
            .instantWinNotInstalled,
            "No instant-win schedule is installed for this operation; commit one before it opens.",
            context: ["operation": operation.rawValue])
    }
}

/// An ``InstantWinLedger`` held in memory: for tests, demos and hosts that keep nothing on
/// disk. Every claim is atomic under one lock; "durable" means "in this process's memory".
public final class InMemoryInstantWinLedger: InstantWinLedger {
    private let books = InstantWinBooks()

    /// An empty ledger.
    public init() {}

    /// Installs `schedule` (see ``InstantWinLedger/install(_:)``) in memory.
    @discardableResult
    public func install(_ schedule: InstantWinSchedule) async throws -> Bool {
        try books.install(schedule) { true } ?? false
    }

    /// Decides `claim` under the ledger's lock (see ``InstantWinLedger/claim(_:)``).
    public func claim(_ claim: InstantWinClaim) async throws -> InstantWinAward? {
        let (award, _): (InstantWinAward?, Void?) = try books.claim(claim) { _ in nil }
        return award
    }

    /// The schedule installed for `operation`, or `nil`.
    public func schedule(for operation: OperationID) async throws -> InstantWinSchedule? {
        books.schedule(operation)
    }

    /// The awards of `operation`, by moment index. Throws `instant_win.not_installed` without a schedule.
    public func awards(for operation: OperationID) async throws -> [InstantWinAward] {
        try books.book(operation).awards.values.sorted { $0.momentIndex < $1.momentIndex }
    }

    /// What became of `operation`'s moments at `instant`. Throws `instant_win.not_installed` without a schedule.
    public func report(for operation: OperationID, at instant: Date) async throws -> InstantWinReport {
        InstantWinReport(book: try books.book(operation), at: instant)
    }
}
