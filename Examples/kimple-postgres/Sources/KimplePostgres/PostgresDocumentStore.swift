import KimpleCore
import PostgresNIO

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A ``KimpleCore/DocumentStore`` in the `documents` table (K-6, K-9).
///
/// A commit is one transaction: it takes the store's row of `document_versions` (which serialises
/// the store's commits and hands out versions unique and increasing across the store), checks
/// every condition, then writes. A replace is `UPDATE ... WHERE version = expected`; any condition
/// that fails rolls the whole commit back with `storage.conflict`. PostgreSQL keeps no history of
/// values beyond dead tuples (see `Documentation/Privacy.md`), so the store needs no compaction.
final class PostgresDocumentStore: DocumentStore {
    static let maximumValueSize = FileJournal.Options.defaultMaximumRecordSize
    private let storage: PostgresStorage
    private let tenant: String
    private let name: String

    init(storage: PostgresStorage, tenant: TenantID, name: String) {
        self.storage = storage
        self.tenant = tenant.rawValue
        self.name = name
    }

    func get(_ key: String) async throws -> Document? {
        let documents = storage.table("documents")
        let (tenant, name, logger) = (self.tenant, self.name, storage.logger)
        return try await storage.run("documents.get") { connection in
            var found: Document?
            for try await row in try await connection.query(
                """
                SELECT version, value FROM \(unescaped: documents)
                WHERE tenant = \(tenant) AND store = \(name) AND key = \(key)
                """, logger: logger)
            {
                let (version, value) = try row.decode((Int64, ByteBuffer).self)
                found = Document(key: key, version: UInt64(version), value: Data(buffer: value))
            }
            return found
        }
    }

    @discardableResult
    func commit(_ writes: [DocumentWrite]) async throws -> [String: UInt64] {
        try Self.validate(writes)
        guard !writes.isEmpty else { return [:] }
        let documents = storage.table("documents")
        let versions = storage.table("document_versions")
        let (tenant, name, logger) = (self.tenant, self.name, storage.logger)
        return try await storage.transaction("documents.commit") { connection in
            var base: Int64 = 0
            for try await row in try await connection.query(
                """
                INSERT INTO \(unescaped: versions) AS v (tenant, store, last_version)
                VALUES (\(tenant), \(name), \(Int64(writes.count)))
                ON CONFLICT (tenant, store) DO UPDATE SET last_version = v.last_version + \(Int64(writes.count))
                RETURNING last_version
                """, logger: logger)
            {
                base = try row.decode(Int64.self) - Int64(writes.count)
            }
            var result: [String: UInt64] = [:]
            for (offset, write) in writes.enumerated() {
                let version = base + Int64(offset) + 1
                let changed: Bool
                switch write {
                case .insert(let key, let value):
                    changed = try await Self.affected(
                        connection.query(
                            """
                            INSERT INTO \(unescaped: documents) (tenant, store, key, version, value)
                            VALUES (\(tenant), \(name), \(key), \(version), \(ByteBuffer(bytes: value)))
                            ON CONFLICT (tenant, store, key) DO NOTHING RETURNING 1
                            """, logger: logger))
                case .replace(let key, let expected, let value):
                    changed = try await Self.affected(
                        connection.query(
                            """
                            UPDATE \(unescaped: documents) SET version = \(version), value = \(ByteBuffer(bytes: value))
                            WHERE tenant = \(tenant) AND store = \(name) AND key = \(key)
                            AND version = \(Int64(clamping: expected)) RETURNING 1
                            """, logger: logger))
                case .upsert(let key, let value):
                    changed = try await Self.affected(
                        connection.query(
                            """
                            INSERT INTO \(unescaped: documents) (tenant, store, key, version, value)
                            VALUES (\(tenant), \(name), \(key), \(version), \(ByteBuffer(bytes: value)))
                            ON CONFLICT (tenant, store, key)
                            DO UPDATE SET version = EXCLUDED.version, value = EXCLUDED.value RETURNING 1
                            """, logger: logger))
                case .delete(let key, let expected):
                    if let expected {
                        changed = try await Self.affected(
                            connection.query(
                                """
                                DELETE FROM \(unescaped: documents)
                                WHERE tenant = \(tenant) AND store = \(name) AND key = \(key)
                                AND version = \(Int64(clamping: expected)) RETURNING 1
                                """, logger: logger))
                    } else {
                        changed = try await Self.affected(
                            connection.query(
                                """
                                DELETE FROM \(unescaped: documents)
                                WHERE tenant = \(tenant) AND store = \(name) AND key = \(key) RETURNING 1
                                """, logger: logger))
                    }
                }
                guard changed else {
                    throw KimpleError(
                        .storageConflict,
                        "The document exists, is absent or was changed since it was read; read it again before writing.",
                        context: ["key": write.key])
                }
                if case .delete = write { continue }
                result[write.key] = UInt64(version)
            }
            return result
        }
    }

    func documents(withPrefix prefix: String) async throws -> [Document] {
        let documents = storage.table("documents")
        let (tenant, name, logger) = (self.tenant, self.name, storage.logger)
        return try await storage.run("documents.prefix") { connection in
            var found: [Document] = []
            for try await row in try await connection.query(
                """
                SELECT key, version, value FROM \(unescaped: documents)
                WHERE tenant = \(tenant) AND store = \(name) AND starts_with(key, \(prefix))
                ORDER BY key COLLATE "C"
                """, logger: logger)
            {
                let (key, version, value) = try row.decode((String, Int64, ByteBuffer).self)
                found.append(Document(key: key, version: UInt64(version), value: Data(buffer: value)))
            }
            return found
        }
    }

    private static func affected(_ rows: PostgresRowSequence) async throws -> Bool {
        var any = false
        for try await _ in rows { any = true }
        return any
    }

    /// The rules of every SDK document store: keys of 1 to 1,024 bytes of UTF-8 without NUL,
    /// each at most once per commit, values within the size limit.
    private static func validate(_ writes: [DocumentWrite]) throws {
        var seen = Set<String>()
        for write in writes {
            let key = write.key
            guard !key.isEmpty, key.utf8.count <= 1024, !key.utf8.contains(0) else {
                throw KimpleError(
                    .invalidArgument, "A document key is 1 to 1,024 bytes of UTF-8 without NUL.",
                    context: ["key": String(key.prefix(64))])
            }
            guard seen.insert(key).inserted else {
                throw KimpleError(
                    .invalidArgument, "A commit touches each key at most once.",
                    context: ["key": String(key.prefix(64))])
            }
            switch write {
            case .insert(_, let value), .replace(_, _, let value), .upsert(_, let value):
                if value.count > maximumValueSize {
                    throw KimpleError(
                        .storageRecordTooLarge, "A document is larger than the store accepts.",
                        context: ["size": String(value.count), "limit": String(maximumValueSize)])
                }
            case .delete:
                break
            }
        }
    }
}
