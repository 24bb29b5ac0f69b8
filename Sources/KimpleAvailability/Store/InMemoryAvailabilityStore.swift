import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An ``AvailabilityStore`` in memory (tests, demos). Every operation runs under one lock, so
/// inserts and compare-and-sets are atomic.
public final class InMemoryAvailabilityStore: AvailabilityStore {
    /// The tenant whose records these are.
    public let tenant: TenantID

    private struct Entry {
        var version: UInt64
        var record: any Sendable
    }

    private struct State {
        var records: [String: Entry] = [:]
        var nextVersion: UInt64 = 1
        var traffic: [TrafficSample] = []
    }

    private let state = Mutex(State())

    /// An empty store of `tenant`.
    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    /// Creates `record`; see ``AvailabilityStore/insert(_:)``.
    @discardableResult
    public func insert<Record: AvailabilityRecord>(_ record: Record) async throws -> UInt64 {
        let key = try AvailabilityKeys.documentKey(kind: Record.recordKind, key: record.recordKey)
        return try state.withLock { state in
            guard state.records[key] == nil else { throw Self.conflict(key, exists: true) }
            let version = state.nextVersion
            state.nextVersion += 1
            state.records[key] = Entry(version: version, record: record)
            return version
        }
    }

    /// The record at `key`, with its version; see ``AvailabilityStore/get(_:key:)``.
    public func get<Record: AvailabilityRecord>(_ type: Record.Type, key: String) async throws -> StoredRecord<Record>?
    {
        let key = try AvailabilityKeys.documentKey(kind: Record.recordKind, key: key)
        return try state.withLock { state in
            guard let entry = state.records[key] else { return nil }
            guard let record = entry.record as? Record else { throw Self.corrupted(key) }
            return StoredRecord(record: record, version: entry.version)
        }
    }

    /// Replaces `record` if its version is still `expectedVersion`; see
    /// ``AvailabilityStore/replace(_:expectedVersion:)``.
    @discardableResult
    public func replace<Record: AvailabilityRecord>(_ record: Record, expectedVersion: UInt64) async throws -> UInt64 {
        let key = try AvailabilityKeys.documentKey(kind: Record.recordKind, key: record.recordKey)
        return try state.withLock { state in
            guard let entry = state.records[key] else { throw Self.conflict(key, exists: false) }
            guard entry.version == expectedVersion else { throw Self.conflict(key, exists: true) }
            let version = state.nextVersion
            state.nextVersion += 1
            state.records[key] = Entry(version: version, record: record)
            return version
        }
    }

    /// Every record of `type` in key order; see ``AvailabilityStore/all(_:)``.
    public func all<Record: AvailabilityRecord>(_ type: Record.Type) async throws -> [Record] {
        let prefix = Record.recordKind + "/"
        return try state.withLock { state in
            try state.records.filter { $0.key.hasPrefix(prefix) }
                .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
                .map { key, entry in
                    guard let record = entry.record as? Record else { throw Self.corrupted(key) }
                    return record
                }
        }
    }

    /// Appends `samples` atomically; see ``AvailabilityStore/appendTraffic(_:)``.
    public func appendTraffic(_ samples: [TrafficSample]) async throws {
        state.withLock { $0.traffic.append(contentsOf: samples) }
    }

    /// The samples overlapping `interval`; see ``AvailabilityStore/traffic(overlapping:)``.
    public func traffic(overlapping interval: Range<Date>) async throws -> [TrafficSample] {
        state.withLock { state in state.traffic.filter { AvailabilityKeys.overlaps($0, interval) } }
    }

    private static func conflict(_ key: String, exists: Bool) -> KimpleError {
        KimpleError(
            .storageConflict,
            exists
                ? "The record exists or was changed since it was read; read it again before writing."
                : "The record does not exist; read it again before writing.",
            context: ["key": key])
    }

    private static func corrupted(_ key: String) -> KimpleError {
        KimpleError(.storageCorrupted, "A stored record has another type than its kind.", context: ["key": key])
    }
}
