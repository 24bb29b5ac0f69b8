import Kimple
import KimpleCore
import KimplePostgres
import KimpleTesting
import Testing

@Suite struct ConformanceTests {
    // SPEC K-9, K-6, K-8: every suite of the conformance kit passes on PostgreSQL, restart checks
    // included (the reopen factory closes the pool and connects again to the same schema).
    @Test func theWholeKitPassesOnPostgreSQL() async throws {
        let reports = try await KimpleBackendConformance.run(
            { try await TestServer.fresh() }, reopen: TestServer.reopen)
        #expect(reports.count >= 10)
        #expect(reports.allSatisfy { $0.failures.isEmpty })
        #expect(reports.flatMap(\.skipped).isEmpty, "restart checks must run, not be skipped")
        print("conformance: \(reports.count) suites, \(reports.map(\.passed.count).reduce(0, +)) checks passed")
    }

    // SPEC K-9: migrations are idempotent and safe when several instances start at once.
    @Test func concurrentFirstOpensMigrateOnce() async throws {
        let schema = TestServer.freshSchema()
        let configuration = try TestServer.configuration(connections: 2)
        let storages = try await withThrowingTaskGroup(of: PostgresStorage.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresStorage.connect(configuration, schema: schema) } }
            var storages: [PostgresStorage] = []
            for try await storage in group { storages.append(storage) }
            return storages
        }
        let again = try await PostgresStorage.connect(configuration, schema: schema)
        #expect(try await again.appliedMigrations() == [1])
        for storage in storages { try await storage.close() }
        try await again.close()
    }
}
