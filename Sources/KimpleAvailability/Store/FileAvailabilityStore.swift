import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The embedded ``AvailabilityStore``: records in the tenant's `availability` document store,
/// traffic samples in one `availability-traffic-YYYY-MM` record log per month (a batch goes to
/// the log of the Europe/Paris month of its earliest sample's start), all as JSON (see `JSONCoding`).
///
/// Built only on KimpleCore's ``DocumentStore`` and ``RecordLog`` protocols: opened on a
/// `FileStorage` tenant it is durable and locked like every file store of the SDK; opened on an
/// `InMemoryStorage` tenant it lives in memory. Inserts and compare-and-sets map to the
/// document store's atomic `commit`.
public struct FileAvailabilityStore: AvailabilityStore {
    /// The name of the document store of records.
    public static let recordsStoreName: StoreName = "availability"

    /// The tenant whose records these are.
    public let tenant: TenantID
    private let storage: TenantStorage
    private let documents: any DocumentStore
    private let calendar: FrenchCalendar

    private init(storage: TenantStorage, documents: any DocumentStore, calendar: FrenchCalendar) {
        self.tenant = storage.tenant
        self.storage = storage
        self.documents = documents
        self.calendar = calendar
    }

    /// Opens the availability store of `storage`'s tenant (created empty on first use). Throws
    /// what the backend throws (`storage.locked`, `storage.io`...).
    public static func open(
        _ storage: TenantStorage, calendar: FrenchCalendar = .paris
    ) async throws
        -> FileAvailabilityStore
    {
        FileAvailabilityStore(
            storage: storage, documents: try await storage.documentStore(recordsStoreName), calendar: calendar)
    }

    /// Creates `record`; see ``AvailabilityStore/insert(_:)``.
    @discardableResult
    public func insert<Record: AvailabilityRecord>(_ record: Record) async throws -> UInt64 {
        let key = try AvailabilityKeys.documentKey(kind: Record.recordKind, key: record.recordKey)
        return try await documents.insert(key, JSONCoding.encode(record))
    }

    /// The record at `key`, with its version; see ``AvailabilityStore/get(_:key:)``.
    public func get<Record: AvailabilityRecord>(_ type: Record.Type, key: String) async throws -> StoredRecord<Record>?
    {
        let key = try AvailabilityKeys.documentKey(kind: Record.recordKind, key: key)
        guard let document = try await documents.get(key) else { return nil }
        return StoredRecord(
            record: try JSONCoding.decode(Record.self, from: document.value, key: key), version: document.version)
    }

    /// Replaces `record` if its version is still `expectedVersion`; see
    /// ``AvailabilityStore/replace(_:expectedVersion:)``.
    @discardableResult
    public func replace<Record: AvailabilityRecord>(_ record: Record, expectedVersion: UInt64) async throws -> UInt64 {
        let key = try AvailabilityKeys.documentKey(kind: Record.recordKind, key: record.recordKey)
        return try await documents.replace(key, expectedVersion: expectedVersion, with: JSONCoding.encode(record))
    }

    /// Every record of `type` in key order; see ``AvailabilityStore/all(_:)``.
    public func all<Record: AvailabilityRecord>(_ type: Record.Type) async throws -> [Record] {
        try await documents.documents(withPrefix: Record.recordKind + "/").map {
            try JSONCoding.decode(Record.self, from: $0.value, key: $0.key)
        }
    }

    /// Appends `samples` atomically; see ``AvailabilityStore/appendTraffic(_:)``.
    public func appendTraffic(_ samples: [TrafficSample]) async throws {
        guard let earliest = samples.map(\.from).min() else { return }
        let payloads = try samples.map { try JSONCoding.encode($0) }
        try await trafficLog(calendar.month(of: earliest)).append(contentsOf: payloads)
    }

    /// The samples overlapping `interval`; see ``AvailabilityStore/traffic(overlapping:)``.
    public func traffic(overlapping interval: Range<Date>) async throws -> [TrafficSample] {
        guard interval.lowerBound < interval.upperBound else { return [] }
        // A batch lives in the log of the month of its earliest start; samples last seconds to
        // minutes, so reading from the month before the interval finds every overlapping one.
        let first = calendar.month(of: interval.lowerBound)
        var month = (try? first.adding(months: -1)) ?? first
        let last = calendar.month(of: interval.upperBound)
        var samples: [TrafficSample] = []
        while month <= last {
            let log = try await trafficLog(month)
            try await log.forEach { record in
                let sample = try JSONCoding.decode(TrafficSample.self, from: record.payload, key: "traffic")
                if AvailabilityKeys.overlaps(sample, interval) { samples.append(sample) }
            }
            guard let next = try? month.adding(months: 1) else { break }
            month = next
        }
        return samples
    }

    private func trafficLog(_ month: CalendarMonth) async throws -> any RecordLog {
        try await storage.recordLog(StoreName(unchecked: "availability-traffic-\(month)"))
    }
}
