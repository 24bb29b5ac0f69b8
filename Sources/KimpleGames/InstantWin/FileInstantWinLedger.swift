import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The file-based ``InstantWinLedger``: the books live in memory, every installed schedule
/// and every award is a record of a ``FileJournal`` (K-6, K-7).
///
/// - A claim that wins writes its award to the journal while holding the ledger's lock (so
///   records follow the order of decisions) and returns once the journal says the record is
///   durable under its policy; concurrent winners share one fsync with grouped durability.
///   Claims that win nothing write nothing.
/// - Opening reads the journal back: schedules, then awards in order. The journal's lock
///   keeps a second process (or handle) out, so one process decides at a time.
/// - When a write fails, the claim throws `storage.io` (`storage.full`) and the award is
///   taken back before the journal accepts another record: the journal rolled the write
///   back (see ``FileJournal``, "Failed writes"), so the moment is due again for the next
///   claims and is never given twice. While the award's write is pending, a repeated claim
///   of the same entry gets `instant_win.award_in_doubt`.
///
/// Record format: one JSON object per journal record (the SDK's JSON settings, `JSONCoding`):
/// `{"schedule": {"_0": <InstantWinSchedule>}}` when a schedule is installed, and
/// `{"award": {"_0": <InstantWinAward>}}` for each award, in decision order.
public final class FileInstantWinLedger: InstantWinLedger {
    /// The name of the journal in a tenant's storage.
    public static let storeName: StoreName = "instant-win"

    private enum Record: Codable {
        case schedule(InstantWinSchedule)
        case award(InstantWinAward)
    }

    private let journal: FileJournal
    private let books = InstantWinBooks()

    /// A ledger on `journal`, read back from it.
    ///
    /// - Throws: `storage.corrupted` when a record does not decode or a stored schedule breaks
    ///   its invariants (``InstantWinSchedule/validate()``: the ledger was altered outside the
    ///   SDK); the journal's errors.
    public init(journal: FileJournal) throws {
        self.journal = journal
        let books = self.books
        try journal.readSync(from: 0) { record in
            let key = "instant-win/\(record.sequence)"
            switch try JSONCoding.decode(Record.self, from: record.payload, key: key) {
            case .schedule(let schedule):
                do {
                    try schedule.validate()
                } catch let error as KimpleError {
                    throw KimpleError(
                        .storageCorrupted, "A stored instant-win schedule breaks its invariants: \(error.message)",
                        context: ["key": key, "operation": schedule.operation.rawValue])
                }
                books.restore(schedule)
            case .award(let award): books.restore(award)
            }
            return true
        }
    }

    /// Opens (creating if needed) the ledger in `directory`.
    ///
    /// - Throws: `storage.locked` when another handle holds it; what ``init(journal:)`` and
    ///   `FileJournal.open` throw.
    public static func open(
        at directory: URL, options: FileJournal.Options = FileJournal.Options()
    ) throws
        -> FileInstantWinLedger
    {
        let journal = try FileJournal.open(at: directory, options: options)
        do {
            return try FileInstantWinLedger(journal: journal)
        } catch {
            journal.close()
            throw error
        }
    }

    /// The ledger of `tenant` in `storage` (its `instant-win` journal).
    ///
    /// - Throws: what ``init(journal:)`` throws.
    public static func open(_ storage: FileStorage, tenant: TenantID) throws -> FileInstantWinLedger {
        try FileInstantWinLedger(journal: storage.journal(tenant: tenant, name: storeName))
    }

    /// The ledger of `storage`'s tenant: its `instant-win` log, which must be a file journal (a
    /// tenant of a `FileStorage`). Throws `storage.unsupported` otherwise, and what ``init(journal:)`` throws.
    public static func open(_ storage: TenantStorage) async throws -> FileInstantWinLedger {
        try FileInstantWinLedger(journal: try await FileStorage.journal(storage, name: storeName))
    }

    /// The journal's directory.
    public var directory: URL { journal.directory }

    /// Waits for pending writes and closes the journal. Later calls throw `storage.closed`.
    public func close() { journal.close() }

    /// Installs `schedule` (see ``InstantWinLedger/install(_:)``); returns once its journal record is durable.
    @discardableResult
    public func install(_ schedule: InstantWinSchedule) async throws -> Bool {
        let payload = try JSONCoding.encode(Record.schedule(schedule))
        let books = self.books
        let persist = {
            try self.journal.enqueue([payload], onFailure: { _ in books.uninstall(schedule) })
        }
        guard let ticket = try books.install(schedule, persist: persist) else {
            return false
        }
        _ = try await ticket.durable()
        return true
    }

    /// Decides `claim` under the ledger's lock and returns an award only once its journal record is durable (see
    /// ``InstantWinLedger/claim(_:)``).
    public func claim(_ claim: InstantWinClaim) async throws -> InstantWinAward? {
        let books = self.books
        let (award, ticket) = try books.claim(claim) { award -> AppendTicket? in
            let payload = try JSONCoding.encode(Record.award(award))
            let entryID = award.entryID
            return try journal.enqueue(
                [payload], onDurable: { _ in books.confirm(entryID) }, onFailure: { _ in books.withdraw(award) })
        }
        if let ticket { _ = try await ticket.durable() }
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
