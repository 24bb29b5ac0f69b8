import KimpleCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What ``ParticipationStore/insert(_:maximumPerPeriod:)`` did.
public enum ParticipationInsert: Sendable, Hashable {
    /// The entry was stored (and is durable under the store's policy).
    case inserted(ParticipationEntry)
    /// The person already has `existing` entries in the draft's operation and period, the
    /// maximum: nothing was stored.
    case limitReached(existing: Int)
}

/// The accepted participations of one tenant (G-4, K-1): the hot path of intake.
///
/// The SDK ships ``InMemoryParticipationStore`` and ``FileParticipationStore``; a host can
/// plug its own and check it with `KimpleTesting`'s `ParticipationStoreConformance`.
///
/// ## Implementation requirements
/// - **Limit and insert are one atomic step.** ``insert(_:maximumPerPeriod:)`` counts the
///   stored entries with the draft's operation, identity and period and stores the draft
///   only when there are fewer than the maximum. Two concurrent inserts of the same
///   person and period never both pass the limit.
/// - **Durable on return** under the store's durability policy; an acknowledged entry is
///   never lost (K-7).
/// - **Ids** are assigned by the store, unique, never reused; ``ParticipationEntry/sequence``
///   increases in insert order and reads return entries in that order.
/// - **Personal data** (``PersonalDataHolder``): erasure removes the bytes for real and
///   forgets the erased entries' identity keys (the person can enter again); the
///   identity-secret fingerprint is not personal data and survives ``KimpleCore/PersonalDataHolder/eraseAll()``.
/// - **Retention per operation** (``KimpleCore/ScopedPersonalDataHolder``): an entry's scope is
///   its operation id, so that each operation's entries are kept as long as the operation's
///   own instruction says (P-1, P-9).
public protocol ParticipationStore: ScopedPersonalDataHolder {
    /// The tenant whose participations these are.
    var tenant: TenantID { get }

    /// Stores `draft` unless its person reached `maximumPerPeriod` entries in the draft's
    /// operation and period (see the implementation requirements).
    ///
    /// Throws `core.invalid_argument` when `maximumPerPeriod < 1`, `storage.io` or
    /// `storage.closed` when the store cannot write (nothing is stored then).
    func insert(_ draft: EntryDraft, maximumPerPeriod: Int) async throws -> ParticipationInsert

    /// The entry `id`, or `nil` (unknown or erased).
    func entry(_ id: EntryID) async throws -> ParticipationEntry?

    /// Calls `body` with every entry of `operation`, in sequence order, until it returns
    /// `false`. Entries inserted during the read may or may not be seen.
    nonisolated(nonsending) func forEachEntry(
        of operation: OperationID, _ body: (ParticipationEntry) throws -> Bool
    ) async throws

    /// Calls `body` with every entry of `operation` whose ``ParticipationEntry/sequence`` is
    /// greater than `sequence`, in sequence order, until it returns `false`: a read resumed
    /// where an earlier one stopped (exports read page by page). Entries inserted during the
    /// read may or may not be seen.
    ///
    /// A default implementation reads from the start and skips; the SDK's stores start at
    /// `sequence` directly. Throws the store's read errors, or what `body` throws.
    nonisolated(nonsending) func forEachEntry(
        of operation: OperationID, after sequence: UInt64, _ body: (ParticipationEntry) throws -> Bool
    ) async throws

    /// The number of entries of `operation` (entries being made durable included).
    func entryCount(of operation: OperationID) async throws -> Int

    /// The number of entries that count against `identity` in `operation` and `period`.
    func entryCount(of identity: IdentityKey, operation: OperationID, period: Int64) async throws -> Int

    /// Records the fingerprint of the identity secret on first use; later calls with
    /// another fingerprint throw `participation.identity_secret_mismatch` (a restart with
    /// the wrong secret would otherwise let every person in again).
    func bindIdentitySecret(_ fingerprint: SHA256Digest) async throws
}

extension ParticipationStore {
    /// Reads from the start and skips the entries at or before `sequence` (see the requirement).
    nonisolated(nonsending) public func forEachEntry(
        of operation: OperationID, after sequence: UInt64, _ body: (ParticipationEntry) throws -> Bool
    ) async throws {
        try await forEachEntry(of: operation) { (entry: ParticipationEntry) -> Bool in
            entry.sequence <= sequence ? true : try body(entry)
        }
    }

    /// Every entry of `operation`, in order. Loads them all: for small operations and tests.
    public func entries(of operation: OperationID) async throws -> [ParticipationEntry] {
        var entries: [ParticipationEntry] = []
        try await forEachEntry(of: operation) { entries.append($0) }
        return entries
    }

    /// Calls `body` with every entry of `operation`, in order.
    nonisolated(nonsending) public func forEachEntry(
        of operation: OperationID, _ body: (ParticipationEntry) throws -> Void
    ) async throws {
        try await forEachEntry(of: operation) { (entry: ParticipationEntry) -> Bool in
            try body(entry)
            return true
        }
    }
}

/// The rules the reference participation stores share for personal-data requests; public so
/// that a host's own store (PostgreSQL, say) answers requests exactly as the SDK's stores do.
public enum ParticipationSubjects {
    /// `games.participations`: the holder name of every participation store.
    public static let holderName = "games.participations"

    /// Whether `entry` is about `subject`. E-mail addresses are compared after the intake's
    /// normalisation (trim, NFC, lower case), phone numbers after E.164 normalisation with
    /// the French calling code for national numbers; folding policies of operations are not
    /// applied (a request names the address the person used).
    public static func matcher(_ subject: SubjectLocator) -> (ParticipationEntry) -> Bool {
        let value = comparedValue(subject)
        switch subject {
        case .email:
            return { $0.draft.fields.contains { $0.category.isWithin(.email) && $0.value == value } }
        case .phone:
            return { $0.draft.fields.contains { $0.category.isWithin(.phone) && $0.value == value } }
        case .participant:
            return { $0.draft.participant?.rawValue == value }
        case .hostKey:
            return { $0.draft.hostKey == value }
        }
    }

    /// The value an entry about `subject` holds, as ``matcher(_:)`` compares it.
    private static func comparedValue(_ subject: SubjectLocator) -> String {
        switch subject {
        case .email(let address):
            return (try? EmailAddress.normalize((try? TextNormalizer.normalize(address, field: "email")) ?? address))
                ?? address.lowercased()
        case .phone(let number):
            return (try? PhoneNumber.normalize(number.trimmedText, callingCode: "33")) ?? number
        case .participant(let participant):
            return participant.rawValue
        case .hostKey(let key):
            return key
        }
    }

    /// The UTF-8 bytes every stored entry about `subject` holds verbatim (the compared value:
    /// the binary form writes strings as raw UTF-8), so a file store can skip decoding the
    /// records that lack them; `nil` when there is nothing to look for.
    ///
    /// Only an ASCII value gives a needle: ``matcher(_:)`` compares strings by canonical
    /// equivalence, and only for ASCII text is that the same as comparing bytes.
    static func needle(_ subject: SubjectLocator) -> [UInt8]? {
        let bytes = Array(comparedValue(subject).utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        return bytes
    }

    /// Whether `record` may be about the subject of `needle`: `false` only when the bytes
    /// cannot hold it.
    static func mayHold(_ record: UnsafeRawBufferPointer, _ needle: [UInt8]?) -> Bool {
        guard let needle else { return true }
        guard let first = needle.first, record.count >= needle.count, let base = record.baseAddress else {
            return false
        }
        return needle.withUnsafeBytes { wanted in
            guard let wantedBase = wanted.baseAddress else { return false }
            var offset = 0
            // memchr finds each candidate start, memcmp checks it: both run at C speed.
            while record.count - offset >= needle.count {
                guard let hit = memchr(base + offset, Int32(first), record.count - offset - needle.count + 1) else {
                    return false
                }
                if memcmp(hit, wantedBase, needle.count) == 0 { return true }
                offset = UnsafeRawPointer(hit) - base + 1
            }
            return false
        }
    }

    /// `entry` as a personal-data record (its fields, consents, identity and source).
    public static func record(_ entry: ParticipationEntry) -> PersonalDataRecord {
        var categories = Set(entry.draft.fields.map(\.category))
        var fields: [String: String] = [:]
        for field in entry.draft.fields { fields[field.name] = field.value }
        if !entry.draft.consents.isEmpty {
            categories.insert(.consents)
            fields["consents"] = entry.draft.consents.joined(separator: ",")
        }
        if let participant = entry.draft.participant {
            categories.insert(.identity)
            fields["participant"] = participant.rawValue
        }
        if let hostKey = entry.draft.hostKey {
            categories.insert(.identity)
            fields["hostKey"] = hostKey
        }
        if let source = entry.draft.source {
            categories.insert(.ipAddress)
            fields["source"] = source
        }
        fields["operation"] = entry.draft.operation.rawValue
        return PersonalDataRecord(
            holder: holderName, recordID: entry.id.rawValue, recordedAt: entry.draft.receivedAt,
            categories: categories, fields: fields)
    }

    /// `entry` with `field` set to `value`: a form field by name, or `participant`,
    /// `hostKey`, `source`. Returns `nil` when the entry has no such field.
    public static func rectified(_ entry: ParticipationEntry, field: String, value: String) -> EntryDraft? {
        var draft = entry.draft
        switch field {
        case "participant":
            guard draft.participant != nil, let participant = ParticipantID(rawValue: value) else { return nil }
            draft.participant = participant
        case "hostKey":
            guard draft.hostKey != nil else { return nil }
            draft.hostKey = value
        case "source":
            guard draft.source != nil else { return nil }
            draft.source = value
        default:
            guard let index = draft.fields.firstIndex(where: { $0.name == field }) else { return nil }
            draft.fields[index].value = value
        }
        return draft
    }

    /// Throws `core.invalid_argument` when `maximum` is below 1.
    public static func checkMaximum(_ maximum: Int) throws {
        guard maximum >= 1 else {
            throw KimpleError(
                .invalidArgument, "A participation limit is at least 1.", context: ["maximum": String(maximum)])
        }
    }

    /// The `participation.identity_secret_mismatch` error.
    public static func secretMismatch() -> KimpleError {
        KimpleError(
            .participationIdentitySecretMismatch,
            "This participation store was first used with another identity secret; start the intake with the "
                + "tenant's original secret, or limits would let every person in again.")
    }
}
