import Foundation
import KimpleCore

/// The checks every ``DocumentStore`` must pass: the SDK's ``InMemoryDocumentStore`` and
/// ``FileDocumentStore`` pass them, and a host runs them against its own implementation.
///
/// ```swift
/// @Test func myStoreConforms() async throws {
///     try await DocumentStoreConformance.run({ try await MyStore.makeEmpty() }, reopen: { try await $0.reopened() })
/// }
/// ```
public enum DocumentStoreConformance {
    /// Runs every check; `makeEmptyStore` is called once per check and must return an
    /// empty store. With `reopen` (which closes the store given and opens it again on the same
    /// storage), the restart check runs too. A store that is a ``HistoryCompactingDocumentStore``
    /// gets its compaction checked. Throws ``ConformanceFailures`` listing every failed check.
    @discardableResult
    public static func run(
        _ makeEmptyStore: () async throws -> any DocumentStore,
        reopen: ((any DocumentStore) async throws -> any DocumentStore)? = nil
    ) async throws -> ConformanceReport {
        var runner = ConformanceRunner(suite: "DocumentStore")
        let r = runner
        let a = Data("a".utf8)
        let b = Data("b".utf8)

        await runner.check("insert creates once", rule: "K-6") {
            let store = try await makeEmptyStore()
            try r.expect(try await store.get("k") == nil, "insert", "absent key returned a document")
            let version = try await store.insert("k", a)
            let document = try await store.get("k")
            try r.expect(
                document == Document(key: "k", version: version, value: a), "insert",
                "got \(String(describing: document))")
            try await r.expectError(.storageConflict, "insert") { try await store.insert("k", b) }
            try r.expect(try await store.get("k")?.value == a, "insert", "a refused insert changed the value")
        }

        await runner.check("replace is a compare-and-set", rule: "K-6") {
            let store = try await makeEmptyStore()
            let v1 = try await store.insert("k", a)
            let v2 = try await store.replace("k", expectedVersion: v1, with: b)
            try r.expect(v2 > v1, "replace", "version did not increase")
            try await r.expectError(.storageConflict, "replace stale") {
                try await store.replace("k", expectedVersion: v1, with: a)
            }
            try await r.expectError(.storageConflict, "replace absent") {
                try await store.replace("missing", expectedVersion: v1, with: a)
            }
            try r.expect(try await store.get("k")?.value == b, "replace", "a refused replace changed the value")
        }

        await runner.check("upsert and delete", rule: "K-6") {
            let store = try await makeEmptyStore()
            let v1 = try await store.upsert("k", a)
            let v2 = try await store.upsert("k", b)
            try r.expect(v2 > v1, "upsert", "version did not increase")
            try await r.expectError(.storageConflict, "delete stale") {
                try await store.delete("k", expectedVersion: v1)
            }
            try await store.delete("k", expectedVersion: v2)
            try r.expect(try await store.get("k") == nil, "delete", "document still there")
            try await r.expectError(.storageConflict, "delete absent") { try await store.delete("k") }
            let v3 = try await store.insert("k", a)
            try r.expect(v3 > v2, "versions", "a re-created key got an old version back")
        }

        await runner.check("a commit applies all its writes or none", rule: "K-6") {
            let store = try await makeEmptyStore()
            let v = try await store.insert("x", a)
            try await r.expectError(.storageConflict, "atomic") {
                try await store.commit([
                    .insert(key: "new", value: a), .replace(key: "x", expectedVersion: v + 1000, value: b),
                ])
            }
            try r.expect(try await store.get("new") == nil, "atomic", "part of a refused commit was applied")
            let versions = try await store.commit([
                .insert(key: "new", value: a), .replace(key: "x", expectedVersion: v, value: b),
            ])
            try r.expect(versions.count == 2, "atomic", "versions \(versions)")
            try r.expect(try await store.get("x")?.value == b, "atomic", "commit not applied")
            try await r.expectError(.invalidArgument, "same key twice") {
                try await store.commit([.upsert(key: "y", value: a), .upsert(key: "y", value: b)])
            }
        }

        await runner.check("prefix listing is sorted by key bytes", rule: "K-6") {
            let store = try await makeEmptyStore()
            for key in ["op/2", "op/10", "op/1", "other", "op/é"] { try await store.insert(key, Data(key.utf8)) }
            let keys = try await store.documents(withPrefix: "op/").map(\.key)
            try r.expect(keys == ["op/1", "op/10", "op/2", "op/é"], "prefix", "keys \(keys)")
        }

        await runner.check("concurrent compare-and-set increments lose no update", rule: "K-6") {
            let store = try await makeEmptyStore()
            try await store.insert("counter", Data("0".utf8))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        for _ in 0..<10 {
                            while true {
                                guard let current = try await store.get("counter") else { return }
                                let value = (Int(String(decoding: current.value, as: UTF8.self)) ?? 0) + 1
                                do {
                                    try await store.replace(
                                        "counter", expectedVersion: current.version, with: Data(String(value).utf8))
                                    break
                                } catch let error as KimpleError where error.code == .storageConflict {
                                    continue
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let final = try await store.get("counter").map { String(decoding: $0.value, as: UTF8.self) }
            try r.expect(final == "80", "concurrent", "counter is \(final ?? "nil") instead of 80")
        }

        await runner.check("concurrent inserts of one key: exactly one wins", rule: "K-6") {
            let store = try await makeEmptyStore()
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<32 {
                    group.addTask {
                        do {
                            try await store.insert("unique", Data("\(n)".utf8))
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
            try r.expect(wins == 1, "insert race", "\(wins) inserts succeeded")
        }
        await runner.check("malformed keys are refused and write nothing", rule: "K-6") {
            let store = try await makeEmptyStore()
            try await r.expectError(.invalidArgument, "empty key") { try await store.insert("", a) }
            try await r.expectError(.invalidArgument, "NUL in key") { try await store.insert("a\u{0}b", a) }
            try await r.expectError(.invalidArgument, "key over 1,024 bytes") {
                try await store.insert(String(repeating: "k", count: 1025), a)
            }
            try await r.expectError(.invalidArgument, "one bad key in a commit") {
                try await store.commit([.insert(key: "good", value: a), .insert(key: "", value: b)])
            }
            try r.expect(
                try await store.documents(withPrefix: "").isEmpty, "nothing written", "a refused write was stored")
        }

        await runner.check("a history-compacting store keeps every current document", rule: "P-9") {
            let store = try await makeEmptyStore()
            guard let compacting = store as? any HistoryCompactingDocumentStore else { return }
            let kept = try await store.insert("kept", a)
            let v1 = try await store.insert("erased", Data("personal".utf8))
            try await store.replace("erased", expectedVersion: v1, with: Data("-".utf8))
            try await store.insert("gone", a)
            try await store.delete("gone")
            try await compacting.compactHistory()
            let documents = try await store.documents(withPrefix: "")
            try r.expect(
                documents.map(\.key) == ["erased", "kept"], "documents", "keys \(documents.map(\.key)) after compaction"
            )
            try r.expect(documents.last?.version == kept, "versions", "compaction changed a version")
            try r.expect(documents.first?.value == Data("-".utf8), "values", "compaction brought an old value back")
            let next = try await store.upsert("after", b)
            try r.expect(
                next > documents.map(\.version).max() ?? 0, "versions", "a version was reused after compaction")
        }

        await runner.check(
            "after a restart every acknowledged commit reads back and versions go on", rule: "K-7", needs: reopen
        ) { reopen in
            let store = try await makeEmptyStore()
            let v1 = try await store.insert("k", a)
            try await store.replace("k", expectedVersion: v1, with: b)
            try await store.commit([
                .insert(key: "x", value: a), .insert(key: "y", value: Data(repeating: 1, count: 70_000)),
            ])
            try await store.delete("x")
            let before = try await store.documents(withPrefix: "")
            let reopened = try await reopen(store)
            let after = try await reopened.documents(withPrefix: "")
            try r.expect(after == before, "read back", "documents \(after.map(\.key)) instead of \(before.map(\.key))")
            let next = try await reopened.upsert("z", a)
            try r.expect(
                next > before.map(\.version).max() ?? 0, "versions", "a version was reused after the restart")
            try await r.expectError(.storageConflict, "insert") { try await reopened.insert("k", a) }
        }
        return try runner.finish()
    }
}
