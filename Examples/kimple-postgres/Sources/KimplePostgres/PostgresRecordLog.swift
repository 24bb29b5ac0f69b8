import KimpleCore
import PostgresNIO

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A ``KimpleCore/RecordLog`` in the `record_logs` table (K-5, K-6, K-9).
///
/// An append is one transaction that locks the log's row of `record_log_heads` (`FOR UPDATE`),
/// checks the condition against the last stored record, inserts the batch with consecutive
/// sequence numbers and moves the head: appends of every process serialise on that row, so a
/// hash chain (the evidence log) never forks. Sequence numbers are never reused.
final class PostgresRecordLog: RecordLog {
    /// The largest payload accepted, in bytes (as the file store).
    static let maximumRecordSize = FileJournal.Options.defaultMaximumRecordSize
    private let storage: PostgresStorage
    private let tenant: String
    private let name: String

    init(storage: PostgresStorage, tenant: TenantID, name: String) {
        self.storage = storage
        self.tenant = tenant.rawValue
        self.name = name
    }

    func append(contentsOf payloads: [Data], condition: AppendCondition) async throws -> ClosedRange<UInt64> {
        guard !payloads.isEmpty else { throw KimpleError(.invalidArgument, "An append needs at least one record.") }
        for payload in payloads where payload.count > Self.maximumRecordSize {
            throw KimpleError(
                .storageRecordTooLarge,
                "A record is larger than the store accepts; split it or raise the store's limit.",
                context: ["size": String(payload.count), "limit": String(Self.maximumRecordSize)])
        }
        let heads = storage.table("record_log_heads")
        let logs = storage.table("record_logs")
        let (tenant, name, logger) = (self.tenant, self.name, storage.logger)
        let buffers = payloads.map { ByteBuffer(bytes: $0) }
        return try await storage.transaction("record_log.append") { connection in
            try await connection.query(
                """
                INSERT INTO \(unescaped: heads) (tenant, name, next_seq) VALUES (\(tenant), \(name), 1)
                ON CONFLICT (tenant, name) DO NOTHING
                """, logger: logger)
            var next: Int64 = 1
            for try await row in try await connection.query(
                "SELECT next_seq FROM \(unescaped: heads) WHERE tenant = \(tenant) AND name = \(name) FOR UPDATE",
                logger: logger)
            {
                next = try row.decode(Int64.self)
            }
            if case .lastSequence(let expected) = condition {
                var last: Int64?
                for try await row in try await connection.query(
                    "SELECT max(seq) FROM \(unescaped: logs) WHERE tenant = \(tenant) AND name = \(name)",
                    logger: logger)
                {
                    last = try row.decode(Int64?.self)
                }
                let actual = last.map { UInt64($0) }
                guard actual == expected else {
                    throw KimpleError(
                        .storageConflict, "The log moved since it was read; read its last record again and retry.",
                        context: [
                            "expected": expected.map(String.init) ?? "empty",
                            "actual": actual.map(String.init) ?? "empty",
                        ])
                }
            }
            let count = Int64(buffers.count)
            try await connection.query(
                """
                INSERT INTO \(unescaped: logs) (tenant, name, seq, payload)
                SELECT \(tenant), \(name), \(next) + ordinality - 1, payload
                FROM unnest(\(buffers)::bytea[]) WITH ORDINALITY AS batch(payload, ordinality)
                """, logger: logger)
            try await connection.query(
                "UPDATE \(unescaped: heads) SET next_seq = \(next + count) WHERE tenant = \(tenant) AND name = \(name)",
                logger: logger)
            return UInt64(next)...UInt64(next + count - 1)
        }
    }

    nonisolated(nonsending) func read(from sequence: UInt64, _ body: (LogRecord) throws -> Bool) async throws {
        var after = Int64(clamping: sequence) - 1
        while true {
            let page = try await page(after: after)
            for record in page {
                guard try body(record) else { return }
            }
            guard page.count == Self.pageSize, let last = page.last else { return }
            after = Int64(last.sequence)
        }
    }

    private static let pageSize = 1_000

    private func page(after: Int64) async throws -> [LogRecord] {
        let logs = storage.table("record_logs")
        let (tenant, name, logger) = (self.tenant, self.name, storage.logger)
        return try await storage.run("record_log.read") { connection in
            var records: [LogRecord] = []
            for try await row in try await connection.query(
                """
                SELECT seq, payload FROM \(unescaped: logs)
                WHERE tenant = \(tenant) AND name = \(name) AND seq > \(after) ORDER BY seq LIMIT \(Self.pageSize)
                """, logger: logger)
            {
                let (seq, payload) = try row.decode((Int64, ByteBuffer).self)
                records.append(LogRecord(sequence: UInt64(seq), payload: Data(buffer: payload)))
            }
            return records
        }
    }

    func count() async throws -> Int {
        let logs = storage.table("record_logs")
        let (tenant, name, logger) = (self.tenant, self.name, storage.logger)
        return try await storage.run("record_log.count") { connection in
            var count: Int64 = 0
            for try await row in try await connection.query(
                "SELECT count(*) FROM \(unescaped: logs) WHERE tenant = \(tenant) AND name = \(name)", logger: logger)
            {
                count = try row.decode(Int64.self)
            }
            return Int(count)
        }
    }

    func lastSequence() async throws -> UInt64? {
        let logs = storage.table("record_logs")
        let (tenant, name, logger) = (self.tenant, self.name, storage.logger)
        return try await storage.run("record_log.last") { connection in
            var last: Int64?
            for try await row in try await connection.query(
                "SELECT max(seq) FROM \(unescaped: logs) WHERE tenant = \(tenant) AND name = \(name)", logger: logger)
            {
                last = try row.decode(Int64?.self)
            }
            return last.map { UInt64($0) }
        }
    }

    nonisolated(nonsending) func rewrite(_ transform: (LogRecord) throws -> Data?) async throws -> RewriteSummary {
        // Read everything, transform here, then apply in one transaction that holds the head row:
        // appends made meanwhile are kept (they have higher sequences than anything rewritten).
        var records: [LogRecord] = []
        try await read(from: 0) { record in
            records.append(record)
            return true
        }
        var summary = RewriteSummary()
        var removed: [Int64] = []
        var replaced: [(Int64, ByteBuffer)] = []
        for record in records {
            summary.examined += 1
            guard let payload = try transform(record) else {
                summary.removed += 1
                removed.append(Int64(record.sequence))
                continue
            }
            if payload != record.payload {
                summary.replaced += 1
                replaced.append((Int64(record.sequence), ByteBuffer(bytes: payload)))
            }
        }
        guard !removed.isEmpty || !replaced.isEmpty else { return summary }
        let logs = storage.table("record_logs")
        let heads = storage.table("record_log_heads")
        let (tenant, name, logger) = (self.tenant, self.name, storage.logger)
        let removedSequences = removed
        let replacedSequences = replaced.map(\.0)
        let replacedPayloads = replaced.map(\.1)
        try await storage.transaction("record_log.rewrite") { connection in
            for try await _ in try await connection.query(
                "SELECT next_seq FROM \(unescaped: heads) WHERE tenant = \(tenant) AND name = \(name) FOR UPDATE",
                logger: logger)
            {}
            if !removedSequences.isEmpty {
                try await connection.query(
                    "DELETE FROM \(unescaped: logs) WHERE tenant = \(tenant) AND name = \(name) AND seq = ANY(\(removedSequences))",
                    logger: logger)
            }
            if !replacedSequences.isEmpty {
                try await connection.query(
                    """
                    UPDATE \(unescaped: logs) AS l SET payload = r.payload
                    FROM unnest(\(replacedSequences)::bigint[], \(replacedPayloads)::bytea[]) AS r(seq, payload)
                    WHERE l.tenant = \(tenant) AND l.name = \(name) AND l.seq = r.seq
                    """, logger: logger)
            }
        }
        return summary
    }
}
