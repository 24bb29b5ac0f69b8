import KimpleCore
import KimpleGames
import PostgresNIO
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A ``KimpleGames/ParticipationStore`` in the `participations` table (G-4, K-1, K-9).
///
/// The per-person limit is one statement: it increments the person's row of
/// `participation_limits` for the operation and period only while it is below the maximum
/// (`INSERT ... ON CONFLICT DO UPDATE ... WHERE used < max`), and inserts the entry from that
/// statement's result. PostgreSQL's row lock makes two concurrent inserts of one person — from
/// any number of processes — take turns, so the limit never passes; "once per period" is the
/// maximum 1. Erasure deletes the rows and gives back the limit rows (the person can enter again).
public final class PostgresParticipationStore: ParticipationStore, PersonalDataEnumerating {
    /// The tenant whose participations these are.
    public let tenant: TenantID
    /// `games.participations`.
    public var holderName: String { ParticipationSubjects.holderName }
    private let storage: PostgresStorage
    private let clock: any Clock
    private let registered = Mutex(false)
    private static let columns =
        "seq, operation, identity, period, received_since_2001, participant, host_key, source, fields::text, consents::text"
    private static let pageSize = 1_000

    init(storage: PostgresStorage, tenant: TenantID, clock: any Clock) {
        self.storage = storage
        self.tenant = tenant
        self.clock = clock
    }

    /// Stores `draft` unless its person reached `maximumPerPeriod` entries (one statement, see the
    /// type's documentation). Throws `core.invalid_argument` when `maximumPerPeriod < 1`,
    /// `storage.io` when the server cannot be reached (nothing is stored then).
    public func insert(_ draft: EntryDraft, maximumPerPeriod: Int) async throws -> ParticipationInsert {
        try ParticipationSubjects.checkMaximum(maximumPerPeriod)
        try await register()
        let row = try Self.row(draft)
        let limits = storage.table("participation_limits")
        let participations = storage.table("participations")
        let sequence = storage.table("participation_seq")
        let (tenant, logger) = (self.tenant.rawValue, storage.logger)
        let maximum = Int32(clamping: maximumPerPeriod)
        let outcome: (Int64?, Int) = try await storage.transaction("participations.insert") { connection in
            for try await seq in try await connection.query(
                """
                WITH claim AS (
                    INSERT INTO \(unescaped: limits) AS l (tenant, operation, identity, period, used)
                    VALUES (\(tenant), \(row.operation), \(row.identity), \(row.period), 1)
                    ON CONFLICT (tenant, operation, identity, period)
                    DO UPDATE SET used = l.used + 1 WHERE l.used < \(maximum)
                    RETURNING used)
                INSERT INTO \(unescaped: participations) (tenant, seq, operation, identity, period, received_at,
                    received_since_2001, participant, host_key, source, fields, consents)
                SELECT \(tenant), nextval('\(unescaped: sequence)'), \(row.operation), \(row.identity), \(row.period),
                    \(row.receivedAt), \(row.epoch), \(row.participant), \(row.hostKey), \(row.source),
                    \(row.fields)::jsonb, \(row.consents)::jsonb
                FROM claim RETURNING seq
                """, logger: logger
            ).decode(Int64.self) {
                return (seq, 0)
            }
            var used = 0
            for try await count in try await connection.query(
                """
                SELECT used FROM \(unescaped: limits) WHERE tenant = \(tenant) AND operation = \(row.operation)
                AND identity = \(row.identity) AND period = \(row.period)
                """, logger: logger
            ).decode(Int32.self) {
                used = Int(count)
            }
            return (nil, used)
        }
        if let seq = outcome.0 {
            let sequence = UInt64(seq)
            return .inserted(
                ParticipationEntry(
                    id: ParticipationEntry.referenceID(sequence: sequence), sequence: sequence, draft: draft))
        }
        return .limitReached(existing: outcome.1)
    }

    /// The entry `id`, or `nil` (unknown, erased or not one of this store's ids).
    public func entry(_ id: EntryID) async throws -> ParticipationEntry? {
        guard let sequence = ParticipationEntry.referenceSequence(of: id), sequence <= UInt64(Int64.max) else {
            return nil
        }
        let participations = storage.table("participations")
        let tenant = self.tenant.rawValue
        let logger = storage.logger
        return try await storage.run("participations.entry") { connection in
            var found: ParticipationEntry?
            for try await row in try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM \(unescaped: participations)
                WHERE tenant = \(tenant) AND seq = \(Int64(sequence))
                """, logger: logger)
            {
                found = try Self.entry(row)
            }
            return found
        }
    }

    /// Calls `body` with every entry of `operation` in sequence order, a page at a time.
    nonisolated(nonsending) public func forEachEntry(
        of operation: OperationID, _ body: (ParticipationEntry) throws -> Bool
    ) async throws {
        try await forEachEntry(of: operation, after: 0, body)
    }

    /// Calls `body` with the entries of `operation` after `sequence`, in sequence order.
    nonisolated(nonsending) public func forEachEntry(
        of operation: OperationID, after sequence: UInt64, _ body: (ParticipationEntry) throws -> Bool
    ) async throws {
        var after = Int64(clamping: sequence)
        while true {
            let page = try await page(operation: operation.rawValue, after: after)
            for entry in page {
                guard try body(entry) else { return }
            }
            guard page.count == Self.pageSize, let last = page.last else { return }
            after = Int64(last.sequence)
        }
    }

    /// The number of entries of `operation`.
    public func entryCount(of operation: OperationID) async throws -> Int {
        let participations = storage.table("participations")
        let (tenant, logger) = (self.tenant.rawValue, storage.logger)
        return try await storage.run("participations.count") { connection in
            var count: Int64 = 0
            for try await value in try await connection.query(
                "SELECT count(*) FROM \(unescaped: participations) WHERE tenant = \(tenant) AND operation = \(operation.rawValue)",
                logger: logger
            ).decode(Int64.self) {
                count = value
            }
            return Int(count)
        }
    }

    /// The number of entries that count against `identity` in `operation` and `period`.
    public func entryCount(of identity: IdentityKey, operation: OperationID, period: Int64) async throws -> Int {
        let limits = storage.table("participation_limits")
        let (tenant, logger) = (self.tenant.rawValue, storage.logger)
        let key = ByteBuffer(bytes: identity.bytes)
        return try await storage.run("participations.limit") { connection in
            var used = 0
            for try await value in try await connection.query(
                """
                SELECT used FROM \(unescaped: limits) WHERE tenant = \(tenant) AND operation = \(operation.rawValue)
                AND identity = \(key) AND period = \(period)
                """, logger: logger
            ).decode(Int32.self) {
                used = Int(value)
            }
            return used
        }
    }

    /// Records the fingerprint on first use (in `participation_tenants`); throws
    /// `participation.identity_secret_mismatch` for another one.
    public func bindIdentitySecret(_ fingerprint: SHA256Digest) async throws {
        let tenants = storage.table("participation_tenants")
        let (tenant, logger) = (self.tenant.rawValue, storage.logger)
        let bytes = ByteBuffer(bytes: fingerprint.withUnsafeBytes { Array($0) })
        let bound: ByteBuffer? = try await storage.transaction("participations.secret") { connection in
            var bound: ByteBuffer?
            for try await value in try await connection.query(
                """
                INSERT INTO \(unescaped: tenants) AS t (tenant, identity_secret_fingerprint) VALUES (\(tenant), \(bytes))
                ON CONFLICT (tenant) DO UPDATE
                SET identity_secret_fingerprint = coalesce(t.identity_secret_fingerprint, EXCLUDED.identity_secret_fingerprint)
                RETURNING identity_secret_fingerprint
                """, logger: logger
            ).decode(ByteBuffer?.self) {
                bound = value
            }
            return bound
        }
        registered.withLock { $0 = true }
        guard let bound, bound == bytes else { throw ParticipationSubjects.secretMismatch() }
    }

    // MARK: PersonalDataHolder

    /// Every entry about `subject`.
    public func records(of subject: SubjectLocator) async throws -> [PersonalDataRecord] {
        let matches = ParticipationSubjects.matcher(subject)
        var records: [PersonalDataRecord] = []
        try await forEachStoredEntry { entry in
            if matches(entry) { records.append(ParticipationSubjects.record(entry)) }
            return true
        }
        return records
    }

    /// Deletes every entry about `subject` and gives back their limit rows.
    public func erase(_ subject: SubjectLocator) async throws -> ErasureOutcome {
        try await eraseEntries(where: ParticipationSubjects.matcher(subject))
    }

    /// Sets `field` to `value` in every entry about `subject`; returns the ids changed.
    public func rectify(_ subject: SubjectLocator, field: String, value: String) async throws -> [String] {
        let matches = ParticipationSubjects.matcher(subject)
        var changes: [(Int64, Row)] = []
        var ids: [String] = []
        try await forEachStoredEntry { entry in
            guard matches(entry), let draft = ParticipationSubjects.rectified(entry, field: field, value: value) else {
                return true
            }
            changes.append((Int64(entry.sequence), try Self.row(draft)))
            ids.append(entry.id.rawValue)
            return true
        }
        guard !changes.isEmpty else { return [] }
        let participations = storage.table("participations")
        let (tenant, logger) = (self.tenant.rawValue, storage.logger)
        let updates = changes
        try await storage.transaction("participations.rectify") { connection in
            for (seq, row) in updates {
                try await connection.query(
                    """
                    UPDATE \(unescaped: participations) SET participant = \(row.participant), host_key = \(row.hostKey),
                    source = \(row.source), fields = \(row.fields)::jsonb WHERE tenant = \(tenant) AND seq = \(seq)
                    """, logger: logger)
            }
        }
        return ids
    }

    /// Deletes every entry received before `cutoff`.
    public func eraseRecorded(before cutoff: Date) async throws -> ErasureOutcome {
        try await eraseRecorded(before: cutoff, in: .all)
    }

    /// Deletes the entries of the operations `scope` reaches that were received before `cutoff`
    /// (retention per operation, P-1, P-9).
    public func eraseRecorded(before cutoff: Date, in scope: RetentionScope) async throws -> ErasureOutcome {
        try await eraseEntries { $0.receivedAt < cutoff && scope.contains($0.operation.rawValue) }
    }

    /// Deletes every entry; the identity-secret binding stays.
    public func eraseAll() async throws -> ErasureOutcome {
        try await eraseEntries { _ in true }
    }

    /// The number of entries held.
    public func recordCount() async throws -> Int {
        let participations = storage.table("participations")
        let (tenant, logger) = (self.tenant.rawValue, storage.logger)
        return try await storage.run("participations.records") { connection in
            var count: Int64 = 0
            for try await value in try await connection.query(
                "SELECT count(*) FROM \(unescaped: participations) WHERE tenant = \(tenant)", logger: logger
            ).decode(Int64.self) {
                count = value
            }
            return Int(count)
        }
    }

    /// Calls `body` with every entry held as a personal-data record, in sequence order.
    nonisolated(nonsending) public func forEachRecord(_ body: (PersonalDataRecord) throws -> Bool) async throws {
        try await forEachStoredEntry { try body(ParticipationSubjects.record($0)) }
    }

    // MARK: Internals

    private func register() async throws {
        guard !registered.withLock({ $0 }) else { return }
        let tenants = storage.table("participation_tenants")
        let (tenant, logger) = (self.tenant.rawValue, storage.logger)
        _ = try await storage.transaction("participations.register") { connection in
            try await connection.query(
                "INSERT INTO \(unescaped: tenants) (tenant) VALUES (\(tenant)) ON CONFLICT (tenant) DO NOTHING",
                logger: logger)
        }
        registered.withLock { $0 = true }
    }

    nonisolated(nonsending) private func forEachStoredEntry(_ body: (ParticipationEntry) throws -> Bool) async throws {
        var after: Int64 = 0
        while true {
            let page = try await page(operation: nil, after: after)
            for entry in page {
                guard try body(entry) else { return }
            }
            guard page.count == Self.pageSize, let last = page.last else { return }
            after = Int64(last.sequence)
        }
    }

    private func page(operation: String?, after: Int64) async throws -> [ParticipationEntry] {
        let participations = storage.table("participations")
        let (tenant, logger) = (self.tenant.rawValue, storage.logger)
        return try await storage.run("participations.read") { connection in
            let rows: PostgresRowSequence
            if let operation {
                rows = try await connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM \(unescaped: participations)
                    WHERE tenant = \(tenant) AND operation = \(operation) AND seq > \(after)
                    ORDER BY seq LIMIT \(Self.pageSize)
                    """, logger: logger)
            } else {
                rows = try await connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM \(unescaped: participations)
                    WHERE tenant = \(tenant) AND seq > \(after) ORDER BY seq LIMIT \(Self.pageSize)
                    """, logger: logger)
            }
            var entries: [ParticipationEntry] = []
            for try await row in rows { entries.append(try Self.entry(row)) }
            return entries
        }
    }

    private func eraseEntries(where matches: (ParticipationEntry) -> Bool) async throws -> ErasureOutcome {
        var sequences: [Int64] = []
        var ids: [String] = []
        try await forEachStoredEntry { entry in
            if matches(entry) {
                sequences.append(Int64(entry.sequence))
                ids.append(entry.id.rawValue)
            }
            return true
        }
        if !sequences.isEmpty {
            let participations = storage.table("participations")
            let limits = storage.table("participation_limits")
            let (tenant, logger) = (self.tenant.rawValue, storage.logger)
            let erased = sequences
            try await storage.transaction("participations.erase") { connection in
                try await connection.query(
                    """
                    WITH gone AS (
                        DELETE FROM \(unescaped: participations) WHERE tenant = \(tenant) AND seq = ANY(\(erased))
                        RETURNING operation, identity, period),
                    counted AS (SELECT operation, identity, period, count(*) AS n FROM gone GROUP BY 1, 2, 3)
                    UPDATE \(unescaped: limits) AS l SET used = greatest(l.used - counted.n, 0) FROM counted
                    WHERE l.tenant = \(tenant) AND l.operation = counted.operation AND l.identity = counted.identity
                    AND l.period = counted.period
                    """, logger: logger)
                try await connection.query(
                    "DELETE FROM \(unescaped: limits) WHERE tenant = \(tenant) AND used = 0", logger: logger)
            }
        }
        return ErasureOutcome(holder: holderName, recordIDs: ids, removed: true, completedAt: clock.now)
    }

    /// The bound values of one entry's row.
    struct Row: Sendable {
        let operation: String
        let identity: ByteBuffer
        let period: Int64
        let receivedAt: Date
        let epoch: Double
        let participant: String?
        let hostKey: String?
        let source: String?
        let fields: String
        let consents: String
    }

    static func row(_ draft: EntryDraft) throws -> Row {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let fields: String
        let consents: String
        do {
            fields = String(decoding: try encoder.encode(draft.fields), as: UTF8.self)
            consents = String(decoding: try encoder.encode(draft.consents), as: UTF8.self)
        } catch {
            throw KimpleError(.invalidArgument, "An entry's fields do not encode as JSON.")
        }
        return Row(
            operation: draft.operation.rawValue, identity: ByteBuffer(bytes: draft.identity.bytes),
            period: draft.period,
            receivedAt: draft.receivedAt, epoch: draft.receivedAt.timeIntervalSinceReferenceDate,
            participant: draft.participant?.rawValue, hostKey: draft.hostKey, source: draft.source, fields: fields,
            consents: consents)
    }

    static func entry(_ row: PostgresRow) throws -> ParticipationEntry {
        let (seq, operation, identity, period, epoch, participant, hostKey, source, fields, consents) =
            try row.decode((Int64, String, ByteBuffer, Int64, Double, String?, String?, String?, String, String).self)
        let decoder = JSONDecoder()
        guard seq > 0, let operationID = OperationID(rawValue: operation),
            let key = IdentityKey(bytes: Array(buffer: identity)),
            let decodedFields = try? decoder.decode([EntryField].self, from: Data(fields.utf8)),
            let decodedConsents = try? decoder.decode([String].self, from: Data(consents.utf8))
        else {
            throw KimpleError(
                .storageCorrupted, "A participation row does not decode; the table was changed outside the SDK.",
                context: ["seq": String(seq)])
        }
        var participantID: ParticipantID?
        if let participant {
            guard let parsed = ParticipantID(rawValue: participant) else {
                throw KimpleError(.storageCorrupted, "A participation row holds an invalid participant id.")
            }
            participantID = parsed
        }
        let draft = EntryDraft(
            operation: operationID, identity: key, period: period,
            receivedAt: Date(timeIntervalSinceReferenceDate: epoch),
            participant: participantID, hostKey: hostKey, source: source, fields: decodedFields,
            consents: decodedConsents)
        let sequence = UInt64(seq)
        return ParticipationEntry(
            id: ParticipationEntry.referenceID(sequence: sequence), sequence: sequence, draft: draft)
    }
}
