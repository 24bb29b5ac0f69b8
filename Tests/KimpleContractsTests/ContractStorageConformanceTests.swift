import Foundation
import KimpleContracts
import KimpleCore
import KimpleTesting
import Synchronization
import Testing

/// The SDK's storage backends pass the checks a host runs on its own before holding contracts.
@Suite("Contract storage conformance")
struct ContractStorageConformanceTests {
    // SPEC K-6, C-3, C-4
    @Test func inMemory() async throws {
        let report = try await ContractStorageConformance.run { InMemoryStorage() }
        #expect(report.passed.count == 5)
        #expect(report.skipped.count == 1)
    }

    // SPEC K-6, K-7, C-3, C-4
    @Test func onFile() async throws {
        try await withTemporaryDirectory { directory in
            let opened = Mutex<[FileStorage]>([])
            defer { opened.withLock { $0.forEach { $0.close() } } }
            let report = try await ContractStorageConformance.run(
                {
                    let storage = try FileStorage(root: directory.appendingPathComponent(UUID().uuidString))
                    opened.withLock { $0.append(storage) }
                    return storage
                },
                reopen: { backend in
                    let storage = try #require(backend as? FileStorage)
                    storage.close()
                    let again = try FileStorage(root: storage.root)
                    opened.withLock { $0.append(again) }
                    return again
                })
            #expect(report.passed.count == 6)
            #expect(report.skipped.isEmpty)
        }
    }

    // SPEC K-6: a backend that breaks a requirement is caught, by the name of the check.
    @Test func brokenBackendIsCaught() async throws {
        do {
            try await ContractStorageConformance.run { ForgetfulBackend() }
            Issue.record("the suite accepted a backend whose listings forget documents")
        } catch let failures as ConformanceFailures {
            #expect(failures.report.suite == "ContractStorage")
            let failure = failures.report.failure("an accepted quote creates exactly one contract")
            #expect(failure?.rule == "C-1")
        }
    }
}

/// A backend whose document listings forget every second document.
private final class ForgetfulBackend: StorageBackend {
    private let inner = InMemoryStorage()

    func recordLog(tenant: TenantID, name: StoreName) async throws -> any RecordLog {
        try await inner.recordLog(tenant: tenant, name: name)
    }

    func documentStore(tenant: TenantID, name: StoreName) async throws -> any DocumentStore {
        ForgetfulStore(inner: try await inner.documentStore(tenant: tenant, name: name))
    }

    func tenants() async throws -> [TenantID] { try await inner.tenants() }
    func close() async throws {}
}

private final class ForgetfulStore: DocumentStore {
    let inner: any DocumentStore
    init(inner: any DocumentStore) { self.inner = inner }

    func get(_ key: String) async throws -> Document? { try await inner.get(key) }

    func commit(_ writes: [DocumentWrite]) async throws -> [String: UInt64] { try await inner.commit(writes) }

    func documents(withPrefix prefix: String) async throws -> [Document] {
        try await inner.documents(withPrefix: prefix).enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    }
}
