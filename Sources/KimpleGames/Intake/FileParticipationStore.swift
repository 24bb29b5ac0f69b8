import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The file-based ``ParticipationStore``: one record per entry in a ``FileJournal``
/// (binary records, see `Documentation/Games.md`), and an in-memory index of identity
/// keys and counts rebuilt when the journal is opened (K-6, K-7).
///
/// - **Insert** checks the limit and enqueues the record under one lock, so the journal's
///   order is the index's order, then waits outside the lock until the record is durable
///   under the journal's policy (grouped fsync by default: concurrent inserts share one
///   fsync). A write that fails releases its place in the index and throws `storage.io`
///   (`storage.full`).
/// - **Reopening** reads every record once (headers only) to rebuild the index; a torn
///   tail is cut by the journal's recovery, and an entry that was never acknowledged may
///   or may not be there.
/// - **Erasure** rewrites the journal without the erased records (the bytes are gone).
/// - An entry counts against the limit from the moment it is enqueued, before it is
///   durable: a second submission of the same person arriving meanwhile is refused. A
///   write that fails gives its place back before the journal accepts the next record, so
///   the person can submit again once the disk is fixed (see ``FileJournal``, "Failed writes").
public final class FileParticipationStore: ParticipationStore, PersonalDataEnumerating {
    /// The name of the participation log in a tenant's storage.
    public static let storeName: StoreName = "participations"

    private enum InsertStep {
        case pending(AppendTicket, ParticipationIndex.LimitKey)
        case full(Int)
    }

    /// The tenant whose participations these are.
    public let tenant: TenantID
    /// `games.participations`.
    public var holderName: String { ParticipationSubjects.holderName }
    /// The journal the entries live in.
    public let journal: FileJournal
    private let clock: any Clock
    private let state: Mutex<ParticipationIndex>

    /// The store over `journal`, whose records it reads once to rebuild its index.
    ///
    /// Throws `storage.corrupted` when a record is not a participation record, or the
    /// journal's read errors.
    public init(tenant: TenantID, journal: FileJournal, clock: any Clock) throws {
        self.tenant = tenant
        self.journal = journal
        self.clock = clock
        var index = ParticipationIndex()
        try journal.readSync(from: 0) { record in
            let decoded = try record.payload.withUnsafeBytes { try EntryCoding.decodeRecord($0) }
            switch decoded {
            case .entry(let header):
                do {
                    try index.add(header.identity, period: header.period, operation: header.operation)
                } catch let error as KimpleError where error.code == .invalidArgument {
                    // The store never writes such a record: the journal was altered.
                    throw EntryCoding.corrupted("record \(record.sequence): \(error.message)")
                }
            case .fingerprint(let fingerprint):
                if index.fingerprint == nil { index.fingerprint = fingerprint }
            }
            return true
        }
        self.state = Mutex(index)
    }

    /// Opens (creating if needed) the store in `directory`. Throws what
    /// ``FileJournal/open(at:options:)`` and ``init(tenant:journal:clock:)`` throw.
    public static func open(
        tenant: TenantID, at directory: URL, options: FileJournal.Options = FileJournal.Options(),
        clock: any Clock
    ) throws -> FileParticipationStore {
        try FileParticipationStore(
            tenant: tenant, journal: FileJournal.open(at: directory, options: options), clock: clock)
    }

    /// The store of `tenant` in `storage` (its `participations` log).
    public static func open(
        in storage: FileStorage, tenant: TenantID, clock: any Clock
    ) throws -> FileParticipationStore {
        try FileParticipationStore(
            tenant: tenant, journal: storage.journal(tenant: tenant, name: storeName), clock: clock)
    }

    /// The store of `storage`'s tenant: its `participations` log, which must be a file journal
    /// (a tenant of a `FileStorage`). Throws `storage.unsupported` otherwise, and what
    /// ``init(tenant:journal:clock:)`` throws.
    public static func open(_ storage: TenantStorage, clock: any Clock) async throws -> FileParticipationStore {
        try FileParticipationStore(
            tenant: storage.tenant, journal: try await FileStorage.journal(storage, name: storeName), clock: clock)
    }

    /// What opening the journal found and repaired.
    public var recovery: FileJournal.RecoveryReport { journal.recovery }

    /// Waits for pending writes and closes the journal (see ``FileJournal/close()``).
    public func close() { journal.close() }

    // MARK: ParticipationStore

    /// Implements ``ParticipationStore/insert(_:maximumPerPeriod:)``: limit check and insert under one lock.
    public func insert(_ draft: EntryDraft, maximumPerPeriod: Int) async throws -> ParticipationInsert {
        try ParticipationSubjects.checkMaximum(maximumPerPeriod)
        let payload = Data(EntryCoding.encode(draft))
        let step: InsertStep = try state.withLock { index in
            let key = try ParticipationIndex.key(
                draft.identity, period: draft.period, operation: index.number(of: draft.operation))
            let existing = index.claim(key, maximum: maximumPerPeriod)
            guard existing < maximumPerPeriod else { return .full(existing) }
            do {
                // A failed write gives the place back before the journal takes another record.
                let ticket = try journal.enqueue(
                    [payload], onFailure: { [weak self] _ in self?.state.withLock { $0.release(key) } })
                return .pending(ticket, key)
            } catch {
                index.release(key)
                throw error
            }
        }
        switch step {
        case .full(let existing):
            return .limitReached(existing: existing)
        case .pending(let ticket, _):
            let sequence = try await ticket.durable().lowerBound
            return .inserted(
                ParticipationEntry(
                    id: ParticipationEntry.referenceID(sequence: sequence), sequence: sequence, draft: draft))
        }
    }

    /// Implements ``ParticipationStore/entry(_:)``.
    public func entry(_ id: EntryID) async throws -> ParticipationEntry? {
        guard let sequence = ParticipationEntry.referenceSequence(of: id) else { return nil }
        var found: ParticipationEntry?
        try await journal.read(from: sequence) { record in
            guard record.sequence == sequence else { return false }
            found = try record.payload.withUnsafeBytes { bytes -> ParticipationEntry? in
                guard case .entry = try EntryCoding.decodeRecord(bytes) else { return nil }
                return try EntryCoding.decodeEntry(bytes, sequence: sequence)
            }
            return false
        }
        return found
    }

    /// Calls `body` with every entry of `operation` in sequence order, reading the journal; throws
    /// `storage.corrupted` on a damaged record, or what `body` throws.
    nonisolated(nonsending) public func forEachEntry(
        of operation: OperationID, _ body: (ParticipationEntry) throws -> Bool
    ) async throws {
        try await forEachEntry(of: operation, from: 0, body)
    }

    /// Implements ``ParticipationStore/forEachEntry(of:after:_:)``: the journal is read from
    /// the record after `sequence` (entry sequences are journal sequences).
    nonisolated(nonsending) public func forEachEntry(
        of operation: OperationID, after sequence: UInt64, _ body: (ParticipationEntry) throws -> Bool
    ) async throws {
        guard sequence < UInt64.max else { return }
        try await forEachEntry(of: operation, from: sequence + 1, body)
    }

    nonisolated(nonsending) private func forEachEntry(
        of operation: OperationID, from sequence: UInt64, _ body: (ParticipationEntry) throws -> Bool
    ) async throws {
        guard state.withLock({ $0.existingNumber(of: operation) }) != nil else { return }
        try await journal.read(from: sequence) { record in
            try record.payload.withUnsafeBytes { bytes in
                guard case .entry(let header) = try EntryCoding.decodeRecord(bytes), header.operation == operation
                else { return true }
                return try body(try EntryCoding.decodeEntry(bytes, sequence: record.sequence))
            }
        }
    }

    /// Implements ``ParticipationStore/entryCount(of:)``.
    public func entryCount(of operation: OperationID) async throws -> Int {
        state.withLock { $0.entryCount(of: operation) }
    }

    /// Implements ``ParticipationStore/entryCount(of:operation:period:)``.
    public func entryCount(of identity: IdentityKey, operation: OperationID, period: Int64) async throws -> Int {
        try state.withLock { index in
            guard let number = index.existingNumber(of: operation) else { return 0 }
            return index.count(try ParticipationIndex.key(identity, period: period, operation: number))
        }
    }

    /// Implements ``ParticipationStore/bindIdentitySecret(_:)``; throws `participation.identity_secret_mismatch`.
    public func bindIdentitySecret(_ fingerprint: SHA256Digest) async throws {
        let ticket: AppendTicket? = try state.withLock { index in
            if let bound = index.fingerprint {
                guard constantTimeEquals(bound, fingerprint) else { throw ParticipationSubjects.secretMismatch() }
                return nil
            }
            let ticket = try journal.enqueue(
                [Data(EntryCoding.encodeFingerprint(fingerprint))],
                onFailure: { [weak self] _ in self?.state.withLock { $0.fingerprint = nil } })
            index.fingerprint = fingerprint
            return ticket
        }
        _ = try await ticket?.durable()
    }

    // MARK: PersonalDataHolder

    /// Every entry about `subject` (see ``ParticipationStore`` for how locators are normalised).
    public func records(of subject: SubjectLocator) async throws -> [PersonalDataRecord] {
        let matches = ParticipationSubjects.matcher(subject)
        let needle = ParticipationSubjects.needle(subject)
        var records: [PersonalDataRecord] = []
        try await journal.read(from: 0) { record in
            try record.payload.withUnsafeBytes { bytes in
                guard ParticipationSubjects.mayHold(bytes, needle),
                    case .entry = try EntryCoding.decodeRecord(bytes)
                else { return true }
                let entry = try EntryCoding.decodeEntry(bytes, sequence: record.sequence)
                if matches(entry) { records.append(ParticipationSubjects.record(entry)) }
                return true
            }
        }
        return records
    }

    /// Erases every entry about `subject` for real and forgets their identity keys.
    public func erase(_ subject: SubjectLocator) async throws -> ErasureOutcome {
        try await eraseEntries(
            holding: ParticipationSubjects.needle(subject), where: ParticipationSubjects.matcher(subject))
    }

    /// Sets `field` (a form field, `participant`, `hostKey` or `source`) to `value` in every entry about `subject`.
    public func rectify(_ subject: SubjectLocator, field: String, value: String) async throws -> [String] {
        let matches = ParticipationSubjects.matcher(subject)
        let needle = ParticipationSubjects.needle(subject)
        var changed: [String] = []
        _ = try await journal.rewrite { record in
            try record.payload.withUnsafeBytes { bytes in
                guard ParticipationSubjects.mayHold(bytes, needle),
                    case .entry = try EntryCoding.decodeRecord(bytes)
                else { return record.payload }
                let entry = try EntryCoding.decodeEntry(bytes, sequence: record.sequence)
                guard matches(entry), let draft = ParticipationSubjects.rectified(entry, field: field, value: value)
                else { return record.payload }
                changed.append(entry.id.rawValue)
                return Data(EntryCoding.encode(draft))
            }
        }
        return changed
    }

    /// Erases every entry received before `cutoff` (removed, not pseudonymised).
    public func eraseRecorded(before cutoff: Date) async throws -> ErasureOutcome {
        try await eraseRecorded(before: cutoff, in: .all)
    }

    /// Erases the entries of the operations `scope` reaches that were received before `cutoff`
    /// (removed, not pseudonymised).
    public func eraseRecorded(before cutoff: Date, in scope: RetentionScope) async throws -> ErasureOutcome {
        try await eraseEntries { $0.receivedAt < cutoff && scope.contains($0.operation.rawValue) }
    }

    /// Erases every entry; the identity-secret binding stays.
    public func eraseAll() async throws -> ErasureOutcome {
        try await eraseEntries { _ in true }
    }

    /// The number of entries held.
    public func recordCount() async throws -> Int {
        state.withLock { $0.liveCount }
    }

    // MARK: PersonalDataEnumerating

    /// Calls `body` with every entry held, as a personal-data record, in journal order, until
    /// it returns `false` (P-9, P-10: return and statistics at the end of the contract).
    nonisolated(nonsending) public func forEachRecord(_ body: (PersonalDataRecord) throws -> Bool) async throws {
        try await journal.read(from: 0) { record in
            try record.payload.withUnsafeBytes { bytes in
                guard case .entry = try EntryCoding.decodeRecord(bytes) else { return true }
                return try body(
                    ParticipationSubjects.record(try EntryCoding.decodeEntry(bytes, sequence: record.sequence)))
            }
        }
    }

    /// Erases the entries `matches` accepts; with a `needle`, records whose bytes do not hold
    /// it are kept without being decoded.
    private func eraseEntries(
        holding needle: [UInt8]? = nil, where matches: (ParticipationEntry) -> Bool
    ) async throws -> ErasureOutcome {
        var erased: [ParticipationEntry] = []
        _ = try await journal.rewrite { record in
            try record.payload.withUnsafeBytes { bytes in
                guard ParticipationSubjects.mayHold(bytes, needle),
                    case .entry = try EntryCoding.decodeRecord(bytes)
                else { return record.payload }
                let entry = try EntryCoding.decodeEntry(bytes, sequence: record.sequence)
                guard matches(entry) else { return record.payload }
                erased.append(entry)
                return nil
            }
        }
        try state.withLock { index in
            for entry in erased {
                let number = index.number(of: entry.operation)
                index.release(try ParticipationIndex.key(entry.identity, period: entry.period, operation: number))
            }
        }
        return ErasureOutcome(
            holder: holderName, recordIDs: erased.map(\.id.rawValue), removed: true, completedAt: clock.now)
    }
}
