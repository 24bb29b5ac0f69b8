import Foundation
import KimpleCore
import KimpleGames

/// The checks every ``OperationStore`` must pass: the SDK's ``DocumentOperationStore`` (over
/// an in-memory or a file document store) passes them, and a host runs them against its own.
public enum OperationStoreConformance {
    /// The tenant the stores under test are made for.
    public static let tenant: TenantID = "conformance-tenant"

    /// A valid draft operation of `tenant`, for tests and conformance checks.
    public static func sampleOperation(_ id: OperationID, tenant: TenantID = tenant) -> KimpleGames.Operation {
        KimpleGames.Operation(
            id: id, tenant: tenant, advertiser: Advertiser(name: "Brand", registration: "FR-SIREN-123456789"),
            kind: .randomDraw, title: "Summer draw", opensAt: Date(timeIntervalSince1970: 1_780_000_000),
            closesAt: Date(timeIntervalSince1970: 1_781_000_000),
            form: EntryForm(
                fields: [
                    FormField(name: "email", label: "E-mail", type: .email),
                    FormField(name: "birth_date", label: "Birth date", type: .birthDate),
                ], consents: [.rules()]),
            prizes: [Prize(id: "bike", name: "A bike", quantity: 1, unitValue: Money(cents: 50_000))],
            instruction: "instruction-1")
    }

    /// Runs every check; `makeEmptyStore` is called once per check with ``tenant`` and must
    /// return an empty store. With `reopen` (which closes the store given and opens it again on
    /// the same storage), the restart check runs too. Throws ``ConformanceFailures`` listing
    /// every failed check.
    @discardableResult
    public static func run(
        _ makeEmptyStore: (TenantID) async throws -> any OperationStore,
        reopen: ((any OperationStore) async throws -> any OperationStore)? = nil
    ) async throws
        -> ConformanceReport
    {
        var runner = ConformanceRunner(suite: "OperationStore")
        let r = runner

        await runner.check("an empty store has no operation", rule: "K-6") {
            let store = try await makeEmptyStore(tenant)
            try r.expect(try await store.operation("summer") == nil, "empty", "an operation was found")
            try r.expect(try await store.version(of: "summer") == nil, "empty", "a version was found")
            try r.expect(try await store.operations().isEmpty, "empty", "operations listed")
        }

        await runner.check("insert stores once and reads back", rule: "G-1") {
            let store = try await makeEmptyStore(tenant)
            let operation = sampleOperation("summer")
            let version = try await store.insert(operation)
            try r.expect(
                try await store.operation("summer") == StoredOperation(operation: operation, version: version),
                "insert", "read back differs")
            try r.expect(try await store.version(of: "summer") == version, "insert", "version differs")
            try await r.expectError(.operationAlreadyExists, "insert twice") { _ = try await store.insert(operation) }
        }

        await runner.check("replace is a compare-and-set", rule: "K-6") {
            let store = try await makeEmptyStore(tenant)
            var operation = sampleOperation("summer")
            let v1 = try await store.insert(operation)
            operation.title = "Summer draw 2026"
            let v2 = try await store.replace(operation, expectedVersion: v1)
            try r.expect(v2 > v1, "replace", "version did not increase")
            var stale = operation
            stale.title = "stale"
            try await r.expectError(.storageConflict, "stale") {
                _ = try await store.replace(stale, expectedVersion: v1)
            }
            try r.expect(
                try await store.operation("summer")?.operation.title == "Summer draw 2026", "replace",
                "a refused replace changed the operation")
            try await r.expectError(.operationNotFound, "absent") {
                _ = try await store.replace(sampleOperation("winter"), expectedVersion: v2)
            }
        }

        await runner.check("concurrent replaces from one version: exactly one wins", rule: "K-6") {
            let store = try await makeEmptyStore(tenant)
            let version = try await store.insert(sampleOperation("summer"))
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<16 {
                    group.addTask {
                        var operation = sampleOperation("summer")
                        operation.title = "writer \(n)"
                        do {
                            _ = try await store.replace(operation, expectedVersion: version)
                            return true
                        } catch let error as KimpleError where error.code == .storageConflict {
                            return false
                        }
                    }
                }
                var wins = 0
                for try await won in group where won { wins += 1 }
                return wins
            }
            try r.expect(wins == 1, "race", "\(wins) replaces won")
        }

        await runner.check("another tenant's operation is refused", rule: "K-1") {
            let store = try await makeEmptyStore(tenant)
            try await r.expectError(.invalidArgument, "tenant") {
                _ = try await store.insert(sampleOperation("summer", tenant: "someone-else"))
            }
            try r.expect(try await store.operations().isEmpty, "tenant", "it was stored")
        }

        await runner.check("operations are listed by id", rule: "G-1") {
            let store = try await makeEmptyStore(tenant)
            for id in ["winter", "autumn", "summer"] { _ = try await store.insert(sampleOperation(OperationID(id))) }
            let ids = try await store.operations().map(\.operation.id.rawValue)
            try r.expect(ids == ["autumn", "summer", "winter"], "list", "listed \(ids)")
        }

        await runner.check(
            "after a restart every operation reads back and versions go on", rule: "K-7", needs: reopen
        ) { reopen in
            let store = try await makeEmptyStore(tenant)
            var summer = sampleOperation("summer")
            let v1 = try await store.insert(summer)
            summer.title = "Summer draw 2026"
            let v2 = try await store.replace(summer, expectedVersion: v1)
            _ = try await store.insert(sampleOperation("winter"))
            let before = try await store.operations()
            let reopened = try await reopen(store)
            let after = try await reopened.operations()
            try r.expect(after == before, "read back", "read \(after.map(\.operation.id)) that differ from before")
            try await r.expectError(.storageConflict, "stale") {
                _ = try await reopened.replace(summer, expectedVersion: v1)
            }
            summer.title = "after the restart"
            let v3 = try await reopened.replace(summer, expectedVersion: v2)
            try r.expect(
                v3 > (before.map(\.version).max() ?? 0), "versions", "a version was reused after the restart")
            try await r.expectError(.operationAlreadyExists, "insert") {
                _ = try await reopened.insert(sampleOperation("winter"))
            }
        }

        return try runner.finish()
    }
}
