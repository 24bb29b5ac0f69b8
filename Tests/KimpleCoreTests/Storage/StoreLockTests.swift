import Foundation
import KimpleTesting
import Testing

@testable import KimpleCore

/// Two processes, or two handles, on one store (K-7): the second open is refused at once
/// with `storage.locked` naming the holder, and nothing the holder wrote is damaged.
@Suite("Store locks")
struct StoreLockTests {
    private func expectLocked(
        by pid: Int32, sourceLocation: SourceLocation = #_sourceLocation, _ open: () async throws -> Void
    ) async {
        do {
            try await open()
            Issue.record("the second open was not refused", sourceLocation: sourceLocation)
        } catch let error as KimpleError {
            #expect(error.code == .storageLocked, "\(error)", sourceLocation: sourceLocation)
            #expect(error.context["holder"] == "pid \(pid)", "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("untyped error \(error)", sourceLocation: sourceLocation)
        }
    }

    // SPEC K-7
    @Test("a store held by another process: storage.locked with its pid, and every record intact after it dies")
    func otherProcess() async throws {
        try await withTemporaryDirectory { directory in
            let records = 20
            let child = try CrashTest.Child(
                CrashTest.executableNextToTests(named: "kimple-crash-child"),
                arguments: ["hold", directory.path, "everyWrite", String(records)])
            try #require(child.waitFor(line: "ready"), "the child stopped before holding the stores")
            #expect(child.acknowledged.count == 3 * records)
            let pid = child.processIdentifier
            let root = directory.appendingPathComponent("storage")
            let tenant: TenantID = "crash-tenant"
            let logDirectory = root.appendingPathComponent("tenants/crash-tenant/logs/held")
            let outboxDirectory = directory.appendingPathComponent("outbox")
            let before = try Self.contents(of: directory)

            let storage = try FileStorage(root: root)
            await expectLocked(by: pid) { _ = try storage.journal(tenant: tenant, name: "held") }
            await expectLocked(by: pid) { _ = try await storage.documentStore(tenant: tenant, name: "held") }
            await expectLocked(by: pid) { _ = try FileJournal.open(at: logDirectory) }
            await expectLocked(by: pid) { _ = try FileOutbox(directory: outboxDirectory) }
            // The refused opens changed no file of the holder's.
            #expect(try Self.contents(of: directory) == before)

            child.kill()
            let journal = try storage.journal(tenant: tenant, name: "held")
            #expect(journal.recovery.isClean)
            #expect(
                try await journal.allRecords().map { String(decoding: $0.payload, as: UTF8.self) }
                    == (0..<records).map { "record-\($0)" })
            let documents = try await storage.documentStore(tenant: tenant, name: "held")
            for n in 0..<records { #expect(try await documents.get("key-\(n)")?.value == Data("value-\(n)".utf8)) }
            storage.close()
            let outbox = try FileOutbox(directory: outboxDirectory)
            #expect(
                Set(try outbox.pendingMessages().map(\.idempotencyKey)) == Set((0..<records).map { "message-\($0)" }))
        }
    }

    // SPEC K-7
    @Test("two handles in one process: the second is refused for every kind of file store")
    func twoHandles() async throws {
        try await withTemporaryDirectory { directory in
            let pid = POSIX.processID
            let first = try FileStorage(root: directory.appendingPathComponent("storage"))
            let second = try FileStorage(root: directory.appendingPathComponent("storage"))
            let journal = try first.journal(tenant: "tenant-a", name: "log")
            let documents = try await first.documentStore(tenant: "tenant-a", name: "docs")
            await expectLocked(by: pid) { _ = try second.journal(tenant: "tenant-a", name: "log") }
            await expectLocked(by: pid) { _ = try await second.documentStore(tenant: "tenant-a", name: "docs") }
            // Another tenant's stores are other directories: not locked.
            _ = try second.journal(tenant: "tenant-b", name: "log")
            let outbox = try FileOutbox(directory: directory.appendingPathComponent("outbox"))
            await expectLocked(by: pid) { _ = try FileOutbox(directory: directory.appendingPathComponent("outbox")) }
            _ = outbox
            _ = try await journal.append(Data("kept".utf8))
            try await documents.upsert("key", Data("kept".utf8))
            first.close()
            // Released by close: the second backend opens them and sees the writes.
            #expect(try await second.journal(tenant: "tenant-a", name: "log").allRecords().count == 1)
            #expect(try await second.documentStore(tenant: "tenant-a", name: "docs").get("key") != nil)
            second.close()
        }
    }

    /// Every file under `directory` with its bytes.
    static func contents(of directory: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let name = enumerator?.nextObject() as? String {
            let path = directory.appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            result[name] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return result
    }
}
