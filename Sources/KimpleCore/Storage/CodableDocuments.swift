#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A typed view of a ``DocumentStore``: values are encoded as JSON (see ``JSONCoding``), so
/// a partner can read them without Swift.
public struct CodableDocuments<Value: Codable & Sendable>: Sendable {
    /// The underlying store.
    public let store: any DocumentStore

    /// A typed view of `store`; several views of different value types may share one store if their keys differ.
    public init(_ store: any DocumentStore) {
        self.store = store
    }

    /// A value and the version to pass to ``replace(_:expectedVersion:with:)``.
    public struct Versioned: Sendable {
        /// The decoded value.
        public let value: Value
        /// The version of the write that stored it (see ``Document/version``).
        public let version: UInt64
    }

    /// The value at `key`, or `nil`. Throws `storage.corrupted` when the stored bytes do not decode.
    public func get(_ key: String) async throws -> Versioned? {
        guard let document = try await store.get(key) else { return nil }
        return Versioned(
            value: try JSONCoding.decode(Value.self, from: document.value, key: key), version: document.version)
    }

    /// Creates `key`; throws `storage.conflict` when it exists.
    @discardableResult
    public func insert(_ key: String, _ value: Value) async throws -> UInt64 {
        try await store.insert(key, JSONCoding.encode(value))
    }

    /// Replaces `key` if unchanged since `expectedVersion`; throws `storage.conflict` otherwise.
    @discardableResult
    public func replace(_ key: String, expectedVersion: UInt64, with value: Value) async throws -> UInt64 {
        try await store.replace(key, expectedVersion: expectedVersion, with: JSONCoding.encode(value))
    }

    /// Writes `key` unconditionally.
    @discardableResult
    public func upsert(_ key: String, _ value: Value) async throws -> UInt64 {
        try await store.upsert(key, JSONCoding.encode(value))
    }

    /// Every value whose key starts with `prefix`, in key order.
    public func values(withPrefix prefix: String) async throws -> [Versioned] {
        try await store.documents(withPrefix: prefix).map {
            Versioned(value: try JSONCoding.decode(Value.self, from: $0.value, key: $0.key), version: $0.version)
        }
    }

    /// Reads `key`, applies `change` and writes the result with compare-and-set, retrying
    /// when another writer got there first. `change` may run more than once; it must not
    /// have side effects. Throws `storage.conflict` after `attempts` lost races.
    @discardableResult
    public func update(
        _ key: String, attempts: Int = 16, _ change: (inout Value) throws -> Void
    ) async throws -> Value {
        var lastError: (any Error)?
        for _ in 0..<max(1, attempts) {
            guard let current = try await get(key) else {
                throw KimpleError(.storageConflict, "The document does not exist.", context: ["key": key])
            }
            var value = current.value
            try change(&value)
            do {
                try await replace(key, expectedVersion: current.version, with: value)
                return value
            } catch let error as KimpleError where error.code == .storageConflict {
                lastError = error
            }
        }
        throw lastError ?? KimpleError(.storageConflict, "Too many concurrent writers.", context: ["key": key])
    }
}

/// The JSON settings of the SDK's stored documents: sorted keys, no slash escaping, and
/// dates as the number of seconds since 2001-01-01T00:00:00Z (the reference date of
/// Foundation's `Date`), which round-trips every `Date` exactly; seconds since 1970 would
/// not (the conversion rounds). Exports use ISO 8601 text instead.
public enum JSONCoding {
    /// Encodes `value`; throws `core.invalid_argument` when it cannot be encoded (a NaN, say).
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .deferredToDate
        do {
            return try encoder.encode(value)
        } catch {
            throw KimpleError(.invalidArgument, "The value cannot be encoded as JSON: \(error)")
        }
    }

    /// Decodes `type`; throws `storage.corrupted` when the bytes are not a valid encoding.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, key: String = "") throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .deferredToDate
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw KimpleError(
                .storageCorrupted, "A stored value does not decode as \(T.self): \(error)", context: ["key": key])
        }
    }
}
