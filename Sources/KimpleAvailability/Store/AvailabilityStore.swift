import KimpleCore
import KimpleGames

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A record an ``AvailabilityStore`` keeps: outages, maintenance windows, incidents, traffic
/// declarations and suspension decisions.
public protocol AvailabilityRecord: Codable, Sendable, Hashable {
    /// The kind of record, a key prefix unique per type (`outage`, `incident`...).
    static var recordKind: String { get }
    /// The record's key within its kind (its id): 1 to 128 characters of `A-Z a-z 0-9 . _ -`.
    var recordKey: String { get }
}

extension Outage: AvailabilityRecord {
    /// The key prefix of this kind of record.
    public static var recordKind: String { "outage" }
    /// The key of the record: its id.
    public var recordKey: String { id.rawValue }
}

extension MaintenanceWindow: AvailabilityRecord {
    /// The key prefix of this kind of record.
    public static var recordKind: String { "maintenance" }
    /// The key of the record: its id.
    public var recordKey: String { id.rawValue }
}

extension Incident: AvailabilityRecord {
    /// The key prefix of this kind of record.
    public static var recordKind: String { "incident" }
    /// The key of the record: its id.
    public var recordKey: String { id.rawValue }
}

extension SuspensionDecision: AvailabilityRecord {
    /// The key prefix of this kind of record.
    public static var recordKind: String { "suspension" }
    /// The key of the record: its id.
    public var recordKey: String { id.rawValue }
}

extension TrafficDeclaration: AvailabilityRecord {
    /// The key prefix of this kind of record.
    public static var recordKind: String { "declaration" }
    /// The key of the record: its id.
    public var recordKey: String { operation.rawValue }
}

/// A record and the version to pass to ``AvailabilityStore/replace(_:expectedVersion:)``.
public struct StoredRecord<Record: AvailabilityRecord>: Sendable {
    /// The record.
    public let record: Record
    /// Its version: unique and increasing across the store.
    public let version: UInt64

    /// A record read at `version`.
    public init(record: Record, version: UInt64) {
        self.record = record
        self.version = version
    }
}

/// The availability records of one tenant (SPEC K-1, A-2 to A-6): outages, maintenance windows,
/// incidents, traffic declarations and suspension decisions (keyed, versioned records), and
/// traffic samples (an append-only log).
///
/// The SDK ships ``InMemoryAvailabilityStore`` and ``FileAvailabilityStore``; a host can plug its
/// own and check it with `AvailabilityStoreConformance` of KimpleTesting.
///
/// ## Implementation requirements
/// - **One tenant.** A store holds the records of ``tenant`` only.
/// - **Insert-if-absent.** ``insert(_:)`` creates a record or throws `storage.conflict` when its
///   kind and key exist; a refused insert changes nothing. Two concurrent inserts of one key:
///   exactly one wins.
/// - **Compare-and-set.** ``replace(_:expectedVersion:)`` writes only if the record's version is
///   still `expectedVersion`, else throws `storage.conflict` and changes nothing. This is how a
///   fact recorded once (an outage's end, an intervention) is never recorded twice.
/// - **Versions** are unique and increase with every write.
/// - **Kinds are separate**: records of one kind never appear among another's.
/// - **Traffic batches** are appended atomically (all samples or none) and read back in the order
///   appended.
/// - **Durable on return** under the store's durability policy.
public protocol AvailabilityStore: Sendable {
    /// The tenant whose records these are.
    var tenant: TenantID { get }

    /// Creates `record`; returns its version. Throws `storage.conflict` when a record of its kind
    /// and key exists, `core.invalid_argument` for a key that is not an identifier.
    @discardableResult
    func insert<Record: AvailabilityRecord>(_ record: Record) async throws -> UInt64

    /// The record of `type` at `key`, with its version, or `nil`. Throws `storage.corrupted` when
    /// the stored bytes do not decode.
    func get<Record: AvailabilityRecord>(_ type: Record.Type, key: String) async throws -> StoredRecord<Record>?

    /// Replaces the record of the same kind and key if its version is still `expectedVersion`;
    /// returns the new version. Throws `storage.conflict` when it is absent or was written since.
    @discardableResult
    func replace<Record: AvailabilityRecord>(_ record: Record, expectedVersion: UInt64) async throws -> UInt64

    /// Every record of `type`, in ascending key order.
    func all<Record: AvailabilityRecord>(_ type: Record.Type) async throws -> [Record]

    /// Appends `samples` as one atomic batch. An empty batch does nothing.
    func appendTraffic(_ samples: [TrafficSample]) async throws

    /// The samples whose period `[from, to]` overlaps `interval`, in the order appended.
    func traffic(overlapping interval: Range<Date>) async throws -> [TrafficSample]
}

extension AvailabilityStore {
    /// The record of `type` at `key` without its version, or `nil`.
    public func record<Record: AvailabilityRecord>(_ type: Record.Type, key: String) async throws -> Record? {
        try await get(type, key: key)?.record
    }
}

/// Key rules shared by the SDK's availability stores.
enum AvailabilityKeys {
    static func documentKey(kind: String, key: String) throws -> String {
        guard Identifier<StoreTag>.isValid(key) else {
            throw KimpleError(
                .invalidArgument, "A record key is an identifier (1 to 128 characters of A-Z a-z 0-9 . _ -).",
                context: ["key": String(key.prefix(64))])
        }
        return kind + "/" + key
    }

    static func overlaps(_ sample: TrafficSample, _ interval: Range<Date>) -> Bool {
        sample.from < interval.upperBound && sample.to >= interval.lowerBound
    }
}
