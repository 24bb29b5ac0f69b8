#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How a data subject is found in the stores (P-3).
public enum SubjectLocator: Sendable, Hashable, Codable {
    /// By e-mail address (normalised by each holder the way it normalises on intake).
    case email(String)
    /// By phone number.
    case phone(String)
    /// By participant id.
    case participant(ParticipantID)
    /// By a key the host gave at intake.
    case hostKey(String)
}

/// One record of personal data about a subject, as found by a ``PersonalDataHolder``.
public struct PersonalDataRecord: Sendable, Hashable, Codable {
    /// The holder that keeps it (`games.participations`...).
    public var holder: String
    /// The record's id within that holder.
    public var recordID: String
    /// When the record was created.
    public var recordedAt: Date
    /// The categories of data it holds.
    public var categories: Set<DataCategory>
    /// The data itself, by field name, for access and portability answers.
    public var fields: [String: String]

    /// A record as a holder lists it for access and portability answers.
    public init(
        holder: String, recordID: String, recordedAt: Date, categories: Set<DataCategory>, fields: [String: String]
    ) {
        self.holder = holder
        self.recordID = recordID
        self.recordedAt = recordedAt
        self.categories = categories
        self.fields = fields
    }
}

/// What an erasure did in one holder: the proof's raw material (P-3, P-9, P-10).
public struct ErasureOutcome: Sendable, Hashable, Codable {
    /// The holder.
    public var holder: String
    /// Ids of the records erased (or pseudonymised).
    public var recordIDs: [String]
    /// Whether the records were removed (`true`) or pseudonymised in place (`false`).
    public var removed: Bool
    /// When the erasure was durable.
    public var completedAt: Date

    /// An outcome; `completedAt` is when the erasure was durable in the holder.
    public init(holder: String, recordIDs: [String], removed: Bool, completedAt: Date) {
        self.holder = holder
        self.recordIDs = recordIDs
        self.removed = removed
        self.completedAt = completedAt
    }
}

/// A store of one tenant that keeps personal data, reachable by the privacy module so
/// that requests, retention and end-of-contract destruction reach every copy (P-3, P-9,
/// P-10). Games' participation store, exports log and robot-event log conform.
///
/// Every call acts only on the holder's own tenant (K-1).
public protocol PersonalDataHolder: Sendable {
    /// The tenant whose data the holder keeps; the privacy services refuse a holder of
    /// another tenant.
    var tenant: TenantID { get }

    /// Stable name used in proofs and certificates (`games.participations`).
    var holderName: String { get }

    /// Every record about `subject`.
    func records(of subject: SubjectLocator) async throws -> [PersonalDataRecord]

    /// Erases every record about `subject`, for real (the bytes are gone from the store).
    func erase(_ subject: SubjectLocator) async throws -> ErasureOutcome

    /// Replaces `field` with `value` in every record about `subject`; returns the ids changed.
    func rectify(_ subject: SubjectLocator, field: String, value: String) async throws -> [String]

    /// Erases or pseudonymises identifiable data recorded before `cutoff` (retention, P-9).
    func eraseRecorded(before cutoff: Date) async throws -> ErasureOutcome

    /// Erases every record (destruction at the end of the contract, P-9, P-10).
    func eraseAll() async throws -> ErasureOutcome

    /// The number of records held, for destruction certificates.
    func recordCount() async throws -> Int
}

/// A ``PersonalDataHolder`` that can also list every record it holds: what anonymous
/// statistics and the return of data at the end of the contract need (P-9, P-10).
///
/// ``PersonalDataHolder`` alone only finds records by subject; a holder that conforms to
/// this protocol too can be counted and returned. A holder that does not is still erased.
public protocol PersonalDataEnumerating: PersonalDataHolder {
    /// Calls `body` with every record held, in the holder's order, until `body` returns
    /// `false`. Throws what `body` throws, or the store's errors.
    nonisolated(nonsending) func forEachRecord(_ body: (PersonalDataRecord) throws -> Bool) async throws
}

/// The records of a ``ScopedPersonalDataHolder`` that one retention pass reaches: those of
/// some scopes, or every record but those of some scopes (P-9).
public enum RetentionScope: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The records of these scopes only.
    case only(Set<String>)
    /// Every record except those of these scopes.
    case allExcept(Set<String>)

    /// Every record.
    public static let all = RetentionScope.allExcept([])

    /// Whether a record of `scope` is reached.
    public func contains(_ scope: String) -> Bool {
        switch self {
        case .only(let scopes): scopes.contains(scope)
        case .allExcept(let scopes): !scopes.contains(scope)
        }
    }

    /// `every record`, `only a, b`, `all but a, b` (scopes sorted).
    public var description: String {
        switch self {
        case .only(let scopes): "only " + scopes.sorted().joined(separator: ", ")
        case .allExcept(let scopes) where scopes.isEmpty: "every record"
        case .allExcept(let scopes): "all but " + scopes.sorted().joined(separator: ", ")
        }
    }
}

/// A ``PersonalDataHolder`` whose records each belong to a scope, so that retention can
/// differ from scope to scope (P-1, P-9): a brand runs several campaigns, each under its own
/// instruction and retention period, and the games' holders keep one scope per operation
/// (the operation id).
///
/// ``PersonalDataHolder/eraseRecorded(before:)`` of such a holder is
/// ``eraseRecorded(before:in:)`` with ``RetentionScope/all``.
public protocol ScopedPersonalDataHolder: PersonalDataHolder {
    /// Erases or pseudonymises the identifiable data recorded before `cutoff` in the records
    /// `scope` reaches, and nothing else.
    func eraseRecorded(before cutoff: Date, in scope: RetentionScope) async throws -> ErasureOutcome
}

/// Which scopes of a ``ScopedPersonalDataHolder`` are processed under which instruction, as
/// the retention sweep reads it on each run (the games read it from the operations: each
/// operation names its instruction).
public protocol ScopeInstructions: Sendable {
    /// The instruction of each scope, by scope. A scope that is absent is governed by the
    /// instruction the holder is registered under.
    func instructionsByScope() async throws -> [String: InstructionID]
}

/// Told when a contract ends, so that what depends on the end date starts (the 45-day
/// reversibility window of P-10). `KimpleContracts` calls it; `KimplePrivacy` implements it.
public protocol ContractEndListener: Sendable {
    /// The contract of `tenant` ended (or will end) at `effectiveEnd`.
    func contractEnded(tenant: TenantID, contract: String, effectiveEnd: Date) async throws
}
