import Foundation
import KimpleTesting
import Testing

@testable import KimpleCore

@Suite("File document store")
struct FileDocumentStoreTests {
    // SPEC K-6, K-7
    @Test("documents survive reopening, with their versions")
    func reopen() async throws {
        try await withTemporaryDirectory { directory in
            let store = try FileDocumentStore.open(at: directory)
            let v1 = try await store.insert("a", Data("1".utf8))
            let v2 = try await store.insert("b", Data("2".utf8))
            let v3 = try await store.replace("a", expectedVersion: v1, with: Data("1bis".utf8))
            try await store.delete("b", expectedVersion: v2)
            store.close()

            let reopened = try FileDocumentStore.open(at: directory)
            defer { reopened.close() }
            #expect(try await reopened.get("a") == Document(key: "a", version: v3, value: Data("1bis".utf8)))
            #expect(try await reopened.get("b") == nil)
            let v4 = try await reopened.insert("c", Data("3".utf8))
            #expect(v4 > v3)
        }
    }

    // SPEC K-6, K-7
    @Test("snapshots replace the journal's history and reopening reads snapshot plus tail")
    func snapshots() async throws {
        try await withTemporaryDirectory { directory in
            let options = FileJournal.Options(segmentSize: 4096)
            let store = try FileDocumentStore.open(at: directory, options: options, snapshotInterval: 50)
            for n in 0..<520 { try await store.upsert("key-\(n % 40)", Data("value \(n)".utf8)) }
            store.close()
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(files.contains("snapshot.kds"))
            // 520 commits of ~30 bytes would need several 4 KiB segments; the snapshot let most go.
            #expect(files.filter { $0.hasSuffix(".kjl") }.count <= 3)

            let reopened = try FileDocumentStore.open(at: directory, options: options, snapshotInterval: 50)
            defer { reopened.close() }
            let all = try await reopened.documents(withPrefix: "key-")
            #expect(all.count == 40)
            for n in 480..<520 {
                #expect(try await reopened.get("key-\(n % 40)")?.value == Data("value \(n)".utf8))
            }
        }
    }

    // SPEC K-7
    @Test("a damaged snapshot is a typed error, never silently empty")
    func damagedSnapshot() async throws {
        try await withTemporaryDirectory { directory in
            let store = try FileDocumentStore.open(at: directory, snapshotInterval: 1)
            try await store.insert("a", Data("1".utf8))
            store.close()
            let snapshot = directory.appendingPathComponent("snapshot.kds")
            var bytes = try Data(contentsOf: snapshot)
            bytes[bytes.count - 10] ^= 0x01
            try bytes.write(to: snapshot)
            #expect {
                try FileDocumentStore.open(at: directory)
            } throws: { ($0 as? KimpleError)?.code == .storageCorrupted }
        }
    }

    // SPEC K-6
    @Test("refused commits change nothing, also after reopening")
    func refusedCommit() async throws {
        try await withTemporaryDirectory { directory in
            let store = try FileDocumentStore.open(at: directory)
            try await store.insert("x", Data("x".utf8))
            await expectCode(.storageConflict) {
                try await store.commit([.insert(key: "y", value: Data()), .insert(key: "x", value: Data())])
            }
            store.close()
            let reopened = try FileDocumentStore.open(at: directory)
            defer { reopened.close() }
            #expect(try await reopened.get("y") == nil)
            #expect(try await reopened.documents(withPrefix: "").map(\.key) == ["x"])
        }
    }
}

@Suite("Storage backends and tenancy")
struct StorageBackendTests {
    // SPEC K-1
    @Test("a tenant's handle reaches only that tenant's stores", arguments: [false, true])
    func tenantIsolation(onFiles: Bool) async throws {
        try await withTemporaryDirectory { directory in
            let fileStorage = onFiles ? try FileStorage(root: directory) : nil
            defer { fileStorage?.close() }
            let backend: any StorageBackend = fileStorage ?? InMemoryStorage()
            let acme = backend.tenant("acme")
            let globex = backend.tenant("globex")
            try await acme.documentStore("operations").insert("op-1", Data("acme's".utf8))
            _ = try await acme.recordLog("entries").append(Data("acme entry".utf8))
            #expect(try await globex.documentStore("operations").get("op-1") == nil)
            #expect(try await globex.recordLog("entries").count() == 0)
            // The same tenant and name give the same store.
            #expect(try await acme.documentStore("operations").get("op-1")?.value == Data("acme's".utf8))
            #expect(try await backend.tenants() == ["acme", "globex"])
        }
    }

    // SPEC K-7
    @Test("a second process-level handle on a file root cannot open the same store")
    func fileStoreLockedAcrossHandles() async throws {
        try await withTemporaryDirectory { directory in
            let first = try FileStorage(root: directory)
            defer { first.close() }
            _ = try await first.tenant("acme").recordLog("entries")
            let second = try FileStorage(root: directory)
            defer { second.close() }
            await #expect {
                _ = try await second.tenant("acme").recordLog("entries")
            } throws: { ($0 as? KimpleError)?.code == .storageLocked }
        }
    }
}
