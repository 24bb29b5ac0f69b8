import Foundation
import KimpleCore
import KimpleTesting
import Synchronization
import Testing

/// The SDK's own reference adapters pass the conformance suites hosts run on theirs.
@Suite("Reference adapters conform")
struct ReferenceAdapterConformanceTests {
    // SPEC K-6
    @Test("InMemoryRecordLog")
    func inMemoryRecordLog() async throws {
        let report = try await RecordLogConformance.run { InMemoryRecordLog() }
        #expect(report.passed.count == 9)
        #expect(report.skipped.count == 1)
    }

    // SPEC K-6, K-7
    @Test("FileJournal, restart included", arguments: FileJournal.Options.Durability.allCases)
    func fileJournal(durability: FileJournal.Options.Durability) async throws {
        try await withTemporaryDirectory { directory in
            let opened = OpenedStores()
            defer { opened.closeAll() }
            let options = FileJournal.Options(durability: durability, segmentSize: 4096)
            let report = try await RecordLogConformance.run(
                {
                    let journal = try FileJournal.open(
                        at: directory.appendingPathComponent(UUID().uuidString), options: options)
                    opened.add { journal.close() }
                    return journal
                },
                reopen: { log in
                    let journal = try #require(log as? FileJournal)
                    journal.close()
                    let again = try FileJournal.open(at: journal.directory, options: options)
                    opened.add { again.close() }
                    return again
                })
            #expect(report.passed.count == 10)
            #expect(report.skipped.isEmpty)
        }
    }

    // SPEC K-6
    @Test("InMemoryDocumentStore")
    func inMemoryDocumentStore() async throws {
        let report = try await DocumentStoreConformance.run { InMemoryDocumentStore() }
        #expect(report.passed.count == 9)
        #expect(report.skipped.count == 1)
    }

    // SPEC K-6, K-7, P-9
    @Test("FileDocumentStore, compaction and restart included", arguments: [1, 10_000])
    func fileDocumentStore(snapshotInterval: Int) async throws {
        try await withTemporaryDirectory { directory in
            let opened = OpenedStores()
            defer { opened.closeAll() }
            let report = try await DocumentStoreConformance.run(
                {
                    let store = try FileDocumentStore.open(
                        at: directory.appendingPathComponent(UUID().uuidString), snapshotInterval: snapshotInterval)
                    opened.add { store.close() }
                    return store
                },
                reopen: { documents in
                    let store = try #require(documents as? FileDocumentStore)
                    store.close()
                    let again = try FileDocumentStore.open(at: store.directory, snapshotInterval: snapshotInterval)
                    opened.add { again.close() }
                    return again
                })
            #expect(report.passed.count == 10)
            #expect(report.skipped.isEmpty)
        }
    }

    // SPEC K-6
    @Test("InMemoryTransport, delivery included")
    func inMemoryTransport() async throws {
        let report = try await MessageTransportConformance.run(
            { InMemoryTransport() },
            deliver: { transport in try #require(transport as? InMemoryTransport).drain().map(\.idempotencyKey) })
        #expect(report.passed.count == 4)
        #expect(report.skipped.count == 2)
    }

    // SPEC K-6, K-7
    @Test("FileOutbox, delivery and restart included")
    func fileOutbox() async throws {
        try await withTemporaryDirectory { directory in
            let opened = OpenedStores()
            defer { opened.closeAll() }
            let report = try await MessageTransportConformance.run(
                {
                    let outbox = try FileOutbox(directory: directory.appendingPathComponent(UUID().uuidString))
                    opened.add { outbox.close() }
                    return outbox
                },
                reopen: { transport in
                    let outbox = try #require(transport as? FileOutbox)
                    outbox.close()
                    let again = try FileOutbox(directory: outbox.directory)
                    opened.add { again.close() }
                    return again
                },
                deliver: { transport in
                    try await #require(transport as? FileOutbox).deliverPending { _ in }.delivered
                })
            #expect(report.passed.count == 6)
            #expect(report.skipped.isEmpty)
        }
    }

    // SPEC K-1, K-6
    @Test("InMemoryStorage")
    func inMemoryStorage() async throws {
        let report = try await StorageBackendConformance.run { InMemoryStorage() }
        #expect(report.passed.count == 5)
        #expect(report.skipped.count == 1)
    }

    // SPEC K-1, K-6, K-7
    @Test("FileStorage, restart included")
    func fileStorage() async throws {
        try await withTemporaryDirectory { directory in
            let opened = OpenedStores()
            defer { opened.closeAll() }
            let report = try await StorageBackendConformance.run(
                {
                    let storage = try FileStorage(root: directory.appendingPathComponent(UUID().uuidString))
                    opened.add { storage.close() }
                    return storage
                },
                reopen: { backend in
                    let storage = try #require(backend as? FileStorage)
                    storage.close()
                    let again = try FileStorage(root: storage.root)
                    opened.add { again.close() }
                    return again
                })
            #expect(report.passed.count == 6)
            #expect(report.skipped.isEmpty)
        }
    }
}

/// Adapters that each break one requirement: the suites must catch them, by the check and
/// the rule, and go on to report the checks that pass.
@Suite("Conformance suites catch broken adapters")
struct BrokenAdapterTests {
    /// Runs `body`, which must throw ``ConformanceFailures``, and returns its report.
    private func failingReport(_ body: () async throws -> Void) async throws -> ConformanceReport {
        do {
            try await body()
        } catch let failures as ConformanceFailures {
            return failures.report
        }
        Issue.record("the suite accepted a broken adapter")
        return ConformanceReport(suite: "", passed: [], failures: [])
    }

    // SPEC K-6
    @Test("a log that forgets records fails the order check, and the other checks still run")
    func forgetfulLog() async throws {
        let report = try await failingReport { try await RecordLogConformance.run { ForgetfulLog() } }
        #expect(report.suite == "RecordLog")
        let failure = try #require(report.failure("appends get increasing sequences and read back in order"))
        #expect(failure.rule == "K-6")
        #expect(report.failures.count > 1, "every broken check is reported, not only the first")
        #expect(report.passed.contains("an empty log has no records"))
        #expect(report.passed.count + report.failures.count + report.skipped.count == 10)
    }

    // SPEC K-6
    @Test("a document store whose insert-if-absent is check-then-act fails the race check only")
    func checkThenActInsert() async throws {
        let report = try await failingReport {
            try await DocumentStoreConformance.run { CheckThenActDocumentStore() }
        }
        #expect(report.failures.map(\.check) == ["concurrent inserts of one key: exactly one wins"])
        #expect(report.failures.first?.rule == "K-6")
        #expect(report.passed.contains("insert creates once"), "one insert at a time looks right")
    }

    // SPEC K-1
    @Test("a backend that ignores the tenant fails the isolation check")
    func tenantLeakingBackend() async throws {
        let report = try await failingReport { try await StorageBackendConformance.run { TenantBlindStorage() } }
        let failure = try #require(report.failure("tenants never see each other's stores"))
        #expect(failure.rule == "K-1")
        #expect(failure.message.contains("record log"))
        #expect(report.passed.contains("asking twice for a store returns the same store"))
    }

    // SPEC K-6: the conformance kit catches a broken adapter. The adapter here is an
    // in-memory fake that forgets K-7's restart guarantee; the kit reports it under K-7.
    @Test("a transport that forgets its messages on reopen fails both restart checks")
    func amnesicTransport() async throws {
        let report = try await failingReport {
            try await MessageTransportConformance.run(
                { InMemoryTransport() }, reopen: { _ in InMemoryTransport() },
                deliver: { try #require($0 as? InMemoryTransport).drain().map(\.idempotencyKey) })
        }
        #expect(
            report.failures.map(\.check) == [
                "after a restart an accepted message is still a duplicate with its first receipt",
                "after a restart pending messages are delivered and delivered ones are not delivered again",
            ])
        #expect(report.failures.allSatisfy { $0.rule == "K-7" })
        #expect(report.passed.contains("every accepted message is delivered once"))
    }

    // SPEC K-6: as above, for a document store that forgets K-7's restart guarantee.
    @Test("a store that loses its state on reopen fails the restart check")
    func amnesicReopen() async throws {
        let report = try await failingReport {
            try await DocumentStoreConformance.run(
                { InMemoryDocumentStore() }, reopen: { _ in InMemoryDocumentStore() })
        }
        #expect(
            report.failures.map(\.check) == [
                "after a restart every acknowledged commit reads back and versions go on"
            ])
        #expect(report.failures.first?.rule == "K-7")
    }
}

/// A log that drops every second record: it must fail the suite.
private final class ForgetfulLog: RecordLog {
    private let inner = InMemoryRecordLog()
    private let counter = Mutex(0)

    func append(contentsOf payloads: [Data], condition: AppendCondition) async throws -> ClosedRange<UInt64> {
        let drop = counter.withLock { count -> Bool in
            count += 1
            return count % 2 == 0
        }
        if drop { return 1_000...1_000 }
        return try await inner.append(contentsOf: payloads, condition: condition)
    }

    nonisolated(nonsending) func read(from sequence: UInt64, _ body: (LogRecord) throws -> Bool) async throws {
        try await inner.read(from: sequence, body)
    }

    func count() async throws -> Int { try await inner.count() }
    func lastSequence() async throws -> UInt64? { try await inner.lastSequence() }

    nonisolated(nonsending) func rewrite(_ transform: (LogRecord) throws -> Data?) async throws -> RewriteSummary {
        try await inner.rewrite(transform)
    }
}

/// A document store whose insert-if-absent reads, then writes: correct one call at a time,
/// wrong under concurrency. The suspension between the check and the write (as a network
/// round trip to a database would give) lets every concurrent insert pass the check.
private final class CheckThenActDocumentStore: DocumentStore {
    private let inner = InMemoryDocumentStore()

    func get(_ key: String) async throws -> Document? { try await inner.get(key) }

    func commit(_ writes: [DocumentWrite]) async throws -> [String: UInt64] {
        guard writes.contains(where: { if case .insert = $0 { true } else { false } }) else {
            return try await inner.commit(writes)
        }
        for case .insert(let key, _) in writes where try await inner.get(key) != nil {
            throw KimpleError(.storageConflict, "The key exists.", context: ["key": key])
        }
        for _ in 0..<3 { await Task.yield() }
        return try await inner.commit(
            writes.map { write in
                guard case .insert(let key, let value) = write else { return write }
                return .upsert(key: key, value: value)
            })
    }

    func documents(withPrefix prefix: String) async throws -> [Document] {
        try await inner.documents(withPrefix: prefix)
    }
}

/// A backend that files every store under its name alone, whatever the tenant.
private final class TenantBlindStorage: StorageBackend {
    private let inner = InMemoryStorage()
    private let seen = Mutex<Set<TenantID>>([])

    func recordLog(tenant: TenantID, name: StoreName) async throws -> any RecordLog {
        seen.withLock { _ = $0.insert(tenant) }
        return try await inner.recordLog(tenant: "shared", name: name)
    }

    func documentStore(tenant: TenantID, name: StoreName) async throws -> any DocumentStore {
        seen.withLock { _ = $0.insert(tenant) }
        return try await inner.documentStore(tenant: "shared", name: name)
    }

    func tenants() async throws -> [TenantID] { seen.withLock { $0.sorted() } }
    func close() async throws {}
}
