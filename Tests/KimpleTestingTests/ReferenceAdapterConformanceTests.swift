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
        #expect(report.passed.count == 8)
    }

    // SPEC K-6, K-7
    @Test("FileJournal", arguments: FileJournal.Options.Durability.allCases)
    func fileJournal(durability: FileJournal.Options.Durability) async throws {
        try await withTemporaryDirectory { directory in
            let opened = OpenedStores()
            defer { opened.closeAll() }
            let report = try await RecordLogConformance.run {
                let journal = try FileJournal.open(
                    at: directory.appendingPathComponent(UUID().uuidString),
                    options: .init(durability: durability, segmentSize: 4096))
                opened.add { journal.close() }
                return journal
            }
            #expect(report.passed.count == 8)
        }
    }

    // SPEC K-6
    @Test("InMemoryDocumentStore")
    func inMemoryDocumentStore() async throws {
        let report = try await DocumentStoreConformance.run { InMemoryDocumentStore() }
        #expect(report.passed.count == 7)
    }

    // SPEC K-6, K-7
    @Test("FileDocumentStore", arguments: [1, 10_000])
    func fileDocumentStore(snapshotInterval: Int) async throws {
        try await withTemporaryDirectory { directory in
            let opened = OpenedStores()
            defer { opened.closeAll() }
            let report = try await DocumentStoreConformance.run {
                let store = try FileDocumentStore.open(
                    at: directory.appendingPathComponent(UUID().uuidString), snapshotInterval: snapshotInterval)
                opened.add { store.close() }
                return store
            }
            #expect(report.passed.count == 7)
        }
    }

    // SPEC K-6
    @Test("InMemoryTransport")
    func inMemoryTransport() async throws {
        let report = try await MessageTransportConformance.run { InMemoryTransport() }
        #expect(report.passed.count == 3)
    }

    // SPEC K-6
    @Test("FileOutbox")
    func fileOutbox() async throws {
        try await withTemporaryDirectory { directory in
            let report = try await MessageTransportConformance.run {
                try FileOutbox(directory: directory.appendingPathComponent(UUID().uuidString))
            }
            #expect(report.passed.count == 3)
        }
    }

    /// A suite whose check is broken is reported by name.
    @Test("a broken adapter fails with the name of the broken check")
    func brokenAdapterIsCaught() async throws {
        do {
            try await RecordLogConformance.run { ForgetfulLog() }
            Issue.record("the conformance suite accepted a log that forgets records")
        } catch let failure as ConformanceFailure {
            #expect(failure.suite == "RecordLog")
            #expect(failure.check == "appends get increasing sequences and read back in order")
        }
    }
}

/// Closes the stores a conformance run opened.
private final class OpenedStores: Sendable {
    private let closers = Mutex<[@Sendable () -> Void]>([])
    func add(_ closer: @escaping @Sendable () -> Void) { closers.withLock { $0.append(closer) } }
    func closeAll() { closers.withLock { $0.forEach { $0() } } }
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
