import Foundation
import KimpleCore

/// The checks every ``KimpleCore/StorageBackend`` must pass: one store per tenant and name,
/// the same handle each time, tenants kept apart (K-1), and, when the backend persists, every
/// acknowledged write found again after a close and reopen (K-7). The SDK's `InMemoryStorage`
/// and `FileStorage` pass them.
///
/// Run ``RecordLogConformance`` and ``DocumentStoreConformance`` on the stores the backend
/// hands out too: this suite checks how the backend hands them out, not each store's semantics.
///
/// ```swift
/// @Test func myBackendConforms() async throws {
///     try await StorageBackendConformance.run(
///         { try await MyBackend.makeEmpty() }, reopen: { try await MyBackend.reopen($0) })
/// }
/// ```
public enum StorageBackendConformance {
    /// The tenants the checks write to.
    public static let tenants: (first: TenantID, second: TenantID) = ("conformance-a", "conformance-b")

    /// Runs every check; `makeEmptyBackend` is called once per check and must return a backend
    /// without data. With `reopen` (which closes the backend given and opens it again on the same
    /// storage), the restart check runs too. Throws ``ConformanceFailures`` listing every failed check.
    @discardableResult
    public static func run(
        _ makeEmptyBackend: () async throws -> any StorageBackend,
        reopen: ((any StorageBackend) async throws -> any StorageBackend)? = nil
    ) async throws -> ConformanceReport {
        var runner = ConformanceRunner(suite: "StorageBackend")
        let r = runner
        let (a, b) = tenants
        let name: StoreName = "conformance"

        await runner.check("an empty backend has no tenant", rule: "K-1") {
            let backend = try await makeEmptyBackend()
            let tenants = try await backend.tenants()
            try r.expect(tenants.isEmpty, "empty", "tenants \(tenants)")
        }

        await runner.check("asking twice for a store returns the same store", rule: "K-6") {
            let backend = try await makeEmptyBackend()
            let log = try await backend.recordLog(tenant: a, name: name)
            let sequence = try await log.append(Data("one".utf8))
            let again = try await backend.recordLog(tenant: a, name: name)
            try r.expect(
                try await again.lastSequence() == sequence, "record log",
                "a second handle does not see the first handle's append")
            let documents = try await backend.documentStore(tenant: a, name: name)
            try await documents.insert("k", Data("v".utf8))
            let sameDocuments = try await backend.documentStore(tenant: a, name: name)
            try r.expect(
                try await sameDocuments.get("k")?.value == Data("v".utf8), "document store",
                "a second handle does not see the first handle's insert")
        }

        await runner.check("tenants never see each other's stores", rule: "K-1") {
            let backend = try await makeEmptyBackend()
            _ = try await backend.recordLog(tenant: a, name: name).append(Data("a-secret".utf8))
            try await backend.documentStore(tenant: a, name: name).insert("k", Data("a-secret".utf8))
            let otherLog = try await backend.recordLog(tenant: b, name: name)
            try r.expect(try await otherLog.count() == 0, "record log", "tenant \(b) sees \(a)'s records")
            let otherDocuments = try await backend.documentStore(tenant: b, name: name)
            try r.expect(try await otherDocuments.get("k") == nil, "document store", "tenant \(b) sees \(a)'s document")
            try r.expect(
                try await otherDocuments.documents(withPrefix: "").isEmpty, "document store",
                "tenant \(b) lists \(a)'s documents")
            try await otherDocuments.insert("k", Data("b-value".utf8))
            try r.expect(
                try await backend.documentStore(tenant: a, name: name).get("k")?.value == Data("a-secret".utf8),
                "document store", "a write of tenant \(b) changed tenant \(a)'s document")
            let tenants = try await backend.tenants()
            try r.expect(Set(tenants) == [a, b], "tenants", "tenants \(tenants)")
        }

        await runner.check("stores of one tenant with different names are separate", rule: "K-6") {
            let backend = try await makeEmptyBackend()
            _ = try await backend.recordLog(tenant: a, name: "first").append(Data("x".utf8))
            try await backend.documentStore(tenant: a, name: "first").insert("k", Data("x".utf8))
            try r.expect(
                try await backend.recordLog(tenant: a, name: "second").count() == 0, "record log",
                "two log names share records")
            try r.expect(
                try await backend.documentStore(tenant: a, name: "second").get("k") == nil, "document store",
                "two store names share documents")
        }

        await runner.check("concurrent first use of a store hands out one store", rule: "K-6") {
            let backend = try await makeEmptyBackend()
            _ = try await r.concurrently(16) { n in
                try await backend.documentStore(tenant: a, name: "raced").insert("k\(n)", Data([UInt8(n)]))
                _ = try await backend.recordLog(tenant: a, name: "raced").append(Data([UInt8(n)]))
            }
            let documents = try await backend.documentStore(tenant: a, name: "raced").documents(withPrefix: "k")
            try r.expect(documents.count == 16, "document store", "\(documents.count) of 16 documents found")
            let records = try await backend.recordLog(tenant: a, name: "raced").count()
            try r.expect(records == 16, "record log", "\(records) of 16 records found")
        }

        await runner.check("after a restart every store and tenant is found again", rule: "K-7", needs: reopen) {
            reopen in
            let backend = try await makeEmptyBackend()
            let sequence = try await backend.recordLog(tenant: a, name: name).append(Data("kept".utf8))
            let version = try await backend.documentStore(tenant: b, name: name).insert("k", Data("kept".utf8))
            let reopened = try await reopen(backend)
            let tenants = try await reopened.tenants()
            try r.expect(Set(tenants) == [a, b], "tenants", "tenants \(tenants)")
            let records = try await reopened.recordLog(tenant: a, name: name).allRecords()
            try r.expect(
                records == [LogRecord(sequence: sequence, payload: Data("kept".utf8))], "record log",
                "read back \(records.count) records")
            let document = try await reopened.documentStore(tenant: b, name: name).get("k")
            try r.expect(
                document == Document(key: "k", version: version, value: Data("kept".utf8)), "document store",
                "read back \(String(describing: document))")
            try r.expect(
                try await reopened.documentStore(tenant: a, name: name).get("k") == nil, "isolation",
                "after the restart tenant \(a) sees \(b)'s document")
        }
        return try runner.finish()
    }
}
