import Foundation
import KimpleCore

/// The checks every ``DocumentStore`` must pass: the SDK's ``InMemoryDocumentStore`` and
/// ``FileDocumentStore`` pass them, and a host runs them against its own implementation.
public enum DocumentStoreConformance {
    /// Runs every check; `makeEmptyStore` is called once per check and must return an
    /// empty store. Throws a ``ConformanceFailure`` naming the first requirement broken.
    @discardableResult
    public static func run(_ makeEmptyStore: () async throws -> any DocumentStore) async throws -> ConformanceReport {
        var runner = ConformanceRunner(suite: "DocumentStore")
        let r = runner
        let a = Data("a".utf8)
        let b = Data("b".utf8)

        try await runner.check("insert creates once") {
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

        try await runner.check("replace is a compare-and-set") {
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

        try await runner.check("upsert and delete") {
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

        try await runner.check("a commit applies all its writes or none") {
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

        try await runner.check("prefix listing is sorted by key bytes") {
            let store = try await makeEmptyStore()
            for key in ["op/2", "op/10", "op/1", "other", "op/é"] { try await store.insert(key, Data(key.utf8)) }
            let keys = try await store.documents(withPrefix: "op/").map(\.key)
            try r.expect(keys == ["op/1", "op/10", "op/2", "op/é"], "prefix", "keys \(keys)")
        }

        try await runner.check("concurrent compare-and-set increments lose no update") {
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

        try await runner.check("concurrent inserts of one key: exactly one wins") {
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
        return runner.report
    }
}
