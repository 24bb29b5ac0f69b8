import Foundation
import KimpleTesting
import Testing

@testable import KimpleCore

/// Faults injected under the file stores (``FileFaults``): each one gives the caller a typed
/// error, leaves the store showing exactly what was acknowledged (in the same handle and
/// after reopening, with no damaged record), and the next writes succeed once it is gone.
@Suite("File faults")
struct FileFaultTests {
    /// The write faults and the error code and call each one must produce.
    static let writeFaults: [(FileFaults.Kind, KimpleError.Code, String)] = [
        (.partialWrite(bytes: 31), .storageIO, "write"),
        (.noSpace, .storageFull, "write"),
        (.noSpace(bytes: 57), .storageFull, "write"),
        (.syncFails, .storageIO, "fdatasync"),
    ]

    private func payload(_ n: Int, size: Int = 120) -> Data {
        let text = "record-\(n)-"
        return Data((text + String(repeating: "x", count: max(0, size - text.utf8.count))).utf8)
    }

    private func expectError(
        _ error: any Error, _ code: KimpleError.Code, call: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let typed = error as? KimpleError
        #expect(typed?.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(typed?.context["call"] == call, "\(error)", sourceLocation: sourceLocation)
    }

    private func segmentBytes(_ directory: URL) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".kjl") }
            .reduce(0) { total, name in
                let size =
                    try FileManager.default.attributesOfItem(
                        atPath: directory.appendingPathComponent(name).path)[.size] as? Int
                return total + (size ?? 0)
            }
    }

    // MARK: - Journal

    // SPEC K-7
    @Test(
        "a failed journal write: typed error, nothing visible or left on disk, the same handle and a reopened one go on",
        arguments: writeFaults, [FileJournal.Options.Durability.everyWrite, .grouped])
    func journalWriteFault(
        fault: (FileFaults.Kind, KimpleError.Code, String), durability: FileJournal.Options.Durability
    ) async throws {
        try await withTemporaryDirectory { directory in
            let options = FileJournal.Options(durability: durability)
            let journal = try FileJournal.open(at: directory, options: options)
            for n in 1...5 { _ = try await journal.append(payload(n)) }
            let durableSize = try segmentBytes(directory)

            let arming = FileFaults.arm(fault.0, under: directory.path)
            await #expect {
                _ = try await journal.append(contentsOf: [payload(6), payload(7)])
            } throws: { error in
                expectError(error, fault.1, call: fault.2)
                return true
            }
            #expect(arming.fired == 1)
            arming.disarm()
            // Same handle: exactly the acknowledged records, and no torn byte left behind.
            #expect(try await journal.allRecords().map(\.payload) == (1...5).map { payload($0) })
            #expect(try await journal.count() == 5)
            #expect(try await journal.lastSequence() == 5)
            #expect(try segmentBytes(directory) == durableSize)
            // The next write succeeds in the same handle, right after the last durable record.
            #expect(try await journal.append(contentsOf: [payload(6), payload(7)]) == 6...7)
            journal.close()

            let reopened = try FileJournal.open(at: directory, options: options)
            #expect(reopened.recovery.isClean)
            #expect(try await reopened.allRecords().map(\.payload) == (1...7).map { payload($0) })
            #expect(try await reopened.append(payload(8)) == 8)
            reopened.close()
        }
    }

    /// Appends from 8 concurrent writers; returns each payload with its sequence, or nil when
    /// the append failed (with a storage error).
    private func appendConcurrently(_ journal: FileJournal, round: Int) async -> [(Data, UInt64?)] {
        await withTaskGroup(of: [(Data, UInt64?)].self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var results: [(Data, UInt64?)] = []
                    for n in 0..<40 {
                        let data = payload(round * 100_000 + writer * 1000 + n)
                        do {
                            results.append((data, try await journal.append(data)))
                        } catch let error as KimpleError {
                            #expect([.storageIO, .storageFull].contains(error.code), "\(error)")
                            results.append((data, nil))
                        } catch {
                            Issue.record("untyped error \(error)")
                        }
                    }
                    return results
                }
            }
            var all: [(Data, UInt64?)] = []
            for await results in group { all += results }
            return all
        }
    }

    // SPEC K-7
    @Test("concurrent appenders under a failing disk: every acknowledged record kept, no failed one visible")
    func journalConcurrentFaults() async throws {
        try await withTemporaryDirectory { directory in
            let journal = try FileJournal.open(at: directory, options: .init(durability: .grouped))
            // Round 1: writes that fail; round 2: fsyncs that fail (apart, so that no fault
            // lands on the fsync of a rollback, which would rightly stop the handle).
            let writeFaults = [
                FileFaults.arm(.partialWrite(bytes: 90), under: directory.path, after: 3),
                FileFaults.arm(.noSpace, under: directory.path, after: 6),
                FileFaults.arm(.noSpace(bytes: 7), under: directory.path, after: 9),
            ]
            var outcomes = await appendConcurrently(journal, round: 0)
            for fault in writeFaults {
                #expect(fault.fired == 1)
                fault.disarm()
            }
            let syncFaults = [
                FileFaults.arm(.syncFails, under: directory.path, after: 3),
                FileFaults.arm(.syncFails, under: directory.path, after: 9),
            ]
            outcomes += await appendConcurrently(journal, round: 1)
            for fault in syncFaults {
                #expect(fault.fired == 1)
                fault.disarm()
            }
            let acknowledged = Dictionary(
                uniqueKeysWithValues: outcomes.compactMap { data, sequence in sequence.map { ($0, data) } })
            #expect(outcomes.count - acknowledged.count >= 5)
            func check(_ records: [LogRecord]) {
                #expect(Dictionary(uniqueKeysWithValues: records.map { ($0.sequence, $0.payload) }) == acknowledged)
                // Failed sequence numbers were handed out again: no gap.
                #expect(records.map(\.sequence) == Array(1...UInt64(records.count)))
            }
            check(try await journal.allRecords())
            let next = try await journal.append(payload(99_999))
            #expect(next == UInt64(acknowledged.count + 1))
            journal.close()
            let reopened = try FileJournal.open(at: directory)
            defer { reopened.close() }
            #expect(reopened.recovery.isClean)
            let records = try await reopened.allRecords()
            check(Array(records.dropLast()))
            #expect(records.last?.payload == payload(99_999))
        }
    }

    // SPEC K-7
    @Test("a write whose rollback fails too leaves the handle refusing writes until reopened")
    func journalRollbackFails() async throws {
        try await withTemporaryDirectory { directory in
            let journal = try FileJournal.open(at: directory, options: .init(durability: .everyWrite))
            for n in 1...3 { _ = try await journal.append(payload(n)) }
            // The write's fdatasync fails, and so does the fdatasync of the truncation.
            let arming = FileFaults.arm(.syncFails, under: directory.path, times: 2)
            await expectCode(.storageIO) { try await journal.append(payload(4)) }
            #expect(arming.fired == 2)
            arming.disarm()
            await #expect {
                try await journal.append(payload(5))
            } throws: { error in
                (error as? KimpleError)?.code == .storageIO
                    && ((error as? KimpleError)?.message.contains("reopen") ?? false)
            }
            #expect(try await journal.allRecords().map(\.payload) == (1...3).map { payload($0) })
            journal.close()
            let reopened = try FileJournal.open(at: directory)
            defer { reopened.close() }
            let records = try await reopened.allRecords()
            #expect(records.map(\.payload) == (1...3).map { payload($0) })
            #expect(try await reopened.append(payload(4)) == 4)
        }
    }

    // SPEC K-7
    @Test("a short read is storage.io, in a handle and while opening; opening never cuts what it could not read")
    func journalShortRead() async throws {
        try await withTemporaryDirectory { directory in
            let journal = try FileJournal.open(at: directory)
            for n in 1...20 { _ = try await journal.append(payload(n)) }
            var arming = FileFaults.arm(.shortRead(bytes: 500), under: directory.path)
            await #expect {
                _ = try await journal.allRecords()
            } throws: { error in
                expectError(error, .storageIO, call: "read")
                return true
            }
            #expect(arming.fired == 1)
            #expect(try await journal.allRecords().count == 20)
            journal.close()

            let size = try segmentBytes(directory)
            arming = FileFaults.arm(.shortRead(bytes: 700), under: directory.path)
            #expect {
                _ = try FileJournal.open(at: directory)
            } throws: { error in
                expectError(error, .storageIO, call: "read")
                return true
            }
            #expect(arming.fired == 1)
            // Before, recovery took the unread end for a torn tail and cut 13 acknowledged records.
            #expect(try segmentBytes(directory) == size)
            let reopened = try FileJournal.open(at: directory)
            defer { reopened.close() }
            #expect(reopened.recovery.isClean)
            #expect(try await reopened.allRecords().map(\.payload) == (1...20).map { payload($0) })
        }
    }

    // SPEC K-7
    @Test("a failed rename while starting a segment: typed error, then the journal starts it on the next append")
    func journalRenameFault() async throws {
        try await withTemporaryDirectory { directory in
            let options = FileJournal.Options(durability: .grouped, segmentSize: 4096)
            let journal = try FileJournal.open(at: directory, options: options)
            var n = 0
            // Fill the first segment up to where the next append starts a new one.
            while try segmentBytes(directory) + 140 <= 4096 {
                n += 1
                _ = try await journal.append(payload(n))
            }
            let arming = FileFaults.arm(.renameFails, under: directory.path)
            await #expect {
                _ = try await journal.append(payload(n + 1))
            } throws: { error in
                expectError(error, .storageIO, call: "rename")
                return true
            }
            #expect(arming.fired == 1)
            #expect(try await journal.count() == n)
            #expect(try await journal.append(payload(n + 1)) == UInt64(n + 1))
            journal.close()
            let reopened = try FileJournal.open(at: directory, options: options)
            defer { reopened.close() }
            #expect(reopened.recovery.isClean)
            #expect(reopened.recovery.removedTemporaryFiles == 0)
            #expect(try await reopened.allRecords().map(\.payload) == (1...n + 1).map { payload($0) })
        }
    }

    // MARK: - Document store

    // SPEC K-7
    @Test(
        "a failed document commit: typed error, old values visible, the same handle and a reopened one go on",
        arguments: writeFaults)
    func documentCommitFault(fault: (FileFaults.Kind, KimpleError.Code, String)) async throws {
        try await withTemporaryDirectory { directory in
            let store = try FileDocumentStore.open(at: directory, snapshotInterval: 1000)
            let v1 = try await store.insert("a", Data("1".utf8))
            try await store.insert("b", Data("2".utf8))

            let arming = FileFaults.arm(fault.0, under: directory.path)
            await #expect {
                try await store.commit([
                    .replace(key: "a", expectedVersion: v1, value: Data("lost".utf8)), .insert(key: "c", value: Data()),
                ])
            } throws: { error in
                expectError(error, fault.1, call: fault.2)
                return true
            }
            #expect(arming.fired == 1)
            arming.disarm()
            #expect(try await store.get("a")?.value == Data("1".utf8))
            #expect(try await store.get("c") == nil)
            // The failed commit's version was never taken: the same condition holds again.
            let v2 = try await store.replace("a", expectedVersion: v1, with: Data("1bis".utf8))
            try await store.insert("c", Data("3".utf8))
            store.close()

            let reopened = try FileDocumentStore.open(at: directory, snapshotInterval: 1000)
            defer { reopened.close() }
            #expect(reopened.recovery.isClean)
            #expect(try await reopened.get("a") == Document(key: "a", version: v2, value: Data("1bis".utf8)))
            #expect(try await reopened.documents(withPrefix: "").map(\.key) == ["a", "b", "c"])
            try await reopened.upsert("d", Data())
        }
    }

    // SPEC K-7
    @Test("concurrent document commits under a failing disk: exactly the acknowledged ones survive")
    func documentConcurrentFaults() async throws {
        try await withTemporaryDirectory { directory in
            let store = try FileDocumentStore.open(at: directory, snapshotInterval: 25)
            var acknowledged = Set<String>()
            var failed = 0
            // Waves of 40 concurrent commits; in the first two, the first flush fails.
            let waves: [FileFaults.Kind?] = [.syncFails, .noSpace(bytes: 11), nil]
            for (wave, fault) in waves.enumerated() {
                let arming = fault.map { FileFaults.arm($0, under: directory.path) }
                let keys = await withTaskGroup(of: String?.self) { group in
                    for n in 0..<40 {
                        group.addTask {
                            let key = "key-\(wave * 100 + n)"
                            do {
                                try await store.insert(key, Data("value-\(key)".utf8))
                                return key
                            } catch let error as KimpleError {
                                #expect([.storageIO, .storageFull].contains(error.code), "\(error)")
                                return nil
                            } catch {
                                Issue.record("untyped error \(error)")
                                return nil
                            }
                        }
                    }
                    var keys: [String?] = []
                    for await key in group { keys.append(key) }
                    return keys
                }
                #expect(arming.map(\.fired) ?? 1 == 1)
                arming?.disarm()
                acknowledged.formUnion(keys.compactMap { $0 })
                failed += keys.filter { $0 == nil }.count
                #expect(Set(try await store.documents(withPrefix: "key-").map(\.key)) == acknowledged)
            }
            #expect(failed >= 2)
            try await store.insert("after", Data())
            store.close()
            let reopened = try FileDocumentStore.open(at: directory, snapshotInterval: 25)
            defer { reopened.close() }
            #expect(Set(try await reopened.documents(withPrefix: "key-").map(\.key)) == acknowledged)
            for key in acknowledged { #expect(try await reopened.get(key)?.value == Data("value-\(key)".utf8)) }
            #expect(try await reopened.get("after") != nil)
        }
    }

    // SPEC K-7
    @Test("a snapshot whose clean-up fails part-way never sends later commits to a deleted segment")
    func documentCompactionFault() async throws {
        try await withTemporaryDirectory { directory in
            let store = try FileDocumentStore.open(at: directory, snapshotInterval: 1000)
            for n in 0..<10 { try await store.upsert("key-\(n)", Data("\(n)".utf8)) }
            // The snapshot is written; the directory's fsync after deleting the covered
            // segments fails (sync calls: snapshot file, its directory, the new segment's
            // file and directory, then the clean-up).
            let arming = FileFaults.arm(.syncFails, under: directory.path, after: 4)
            expectCode(.storageIO) { try store.compact() }
            #expect(arming.fired == 1)
            arming.disarm()
            try await store.upsert("key-10", Data("10".utf8))
            store.close()
            let reopened = try FileDocumentStore.open(at: directory, snapshotInterval: 1000)
            defer { reopened.close() }
            #expect(try await reopened.documents(withPrefix: "key-").count == 11)
            #expect(try await reopened.get("key-10")?.value == Data("10".utf8))
        }
    }

    // SPEC K-7
    @Test("a snapshot that cannot be written never fails the durable commit behind it")
    func documentSnapshotFault() async throws {
        try await withTemporaryDirectory { directory in
            let store = try FileDocumentStore.open(at: directory, snapshotInterval: 3)
            let snapshot = directory.appendingPathComponent("snapshot.kds").path
            let arming = FileFaults.arm(.renameFails, under: snapshot, times: .max)
            // The third commit triggers a snapshot whose rename fails: the commit still succeeds.
            for n in 0..<3 { try await store.upsert("key-\(n)", Data("\(n)".utf8)) }
            #expect(arming.fired == 1)
            #expect(!FileManager.default.fileExists(atPath: snapshot))
            #expect {
                try store.compact()
            } throws: { error in
                expectError(error, .storageIO, call: "rename")
                return true
            }
            arming.disarm()
            try store.compact()
            #expect(FileManager.default.fileExists(atPath: snapshot))
            try await store.upsert("key-3", Data("3".utf8))
            store.close()

            // A short read of the snapshot: storage.io (retry), not "damaged, restore a backup".
            let shortRead = FileFaults.arm(.shortRead(bytes: 10), under: snapshot)
            #expect {
                _ = try FileDocumentStore.open(at: directory, snapshotInterval: 3)
            } throws: { error in
                expectError(error, .storageIO, call: "read")
                return true
            }
            #expect(shortRead.fired == 1)
            let reopened = try FileDocumentStore.open(at: directory, snapshotInterval: 3)
            defer { reopened.close() }
            #expect(try await reopened.documents(withPrefix: "key-").count == 4)
        }
    }

    // MARK: - Outbox

    private func message(_ key: String) -> OutboundMessage {
        OutboundMessage(
            idempotencyKey: key, tenant: "tenant-a", kind: MessageKind(rawValue: "test"), recipient: "ops",
            subject: "Subject \(key)", body: "Body", createdAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    // SPEC K-7
    @Test(
        "a failed outbox send: typed error, nothing pending, no temporary file; the same key is accepted later",
        arguments: [
            (FileFaults.Kind.partialWrite(bytes: 10), 0, KimpleError.Code.storageIO, "write"),
            (.noSpace, 0, .storageFull, "write"),
            (.syncFails, 0, .storageIO, "fdatasync"),
            (.renameFails, 0, .storageIO, "rename"),
            // The directory's fsync, after the rename.
            (.syncFails, 1, .storageIO, "fsync"),
        ])
    func outboxSendFault(kind: FileFaults.Kind, after: Int, code: KimpleError.Code, call: String) async throws {
        try await withTemporaryDirectory { directory in
            let clock = ManualClock(Date(timeIntervalSince1970: 1_700_000_000))
            do {
                let outbox = try FileOutbox(directory: directory, clock: clock)
                try await outbox.send(message("m-1"))
                let arming = FileFaults.arm(kind, under: directory.path, after: after)
                await #expect {
                    try await outbox.send(message("m-2"))
                } throws: { error in
                    expectError(error, code, call: call)
                    return true
                }
                #expect(arming.fired == 1)
                arming.disarm()
                #expect(try outbox.pendingMessages().map(\.idempotencyKey) == ["m-1"])
                let leftovers = try FileManager.default.contentsOfDirectory(
                    atPath: directory.appendingPathComponent("pending").path
                ).filter { AtomicFile.isLeftover($0) }
                #expect(leftovers.isEmpty)
                #expect(try await outbox.send(message("m-2")).duplicate == false)
            }
            let reopened = try FileOutbox(directory: directory, clock: clock)
            #expect(try reopened.pendingMessages().map(\.idempotencyKey) == ["m-1", "m-2"])
        }
    }

    // SPEC K-7
    @Test("a delivery whose move to delivered/ fails stays pending and is delivered on the next run")
    func outboxDeliveryFault() async throws {
        try await withTemporaryDirectory { directory in
            let outbox = try FileOutbox(directory: directory)
            try await outbox.send(message("m-1"))
            let arming = FileFaults.arm(.renameFails, under: directory.path)
            await #expect {
                _ = try await outbox.deliverPending { _ in }
            } throws: { error in
                expectError(error, .storageIO, call: "rename")
                return true
            }
            #expect(arming.fired == 1)
            #expect(try outbox.pendingMessages().map(\.idempotencyKey) == ["m-1"])
            #expect(try outbox.deliveredMessages().isEmpty)
            let run = try await outbox.deliverPending { _ in }
            #expect(run.delivered == ["m-1"])
            #expect(try outbox.deliveredMessages().map(\.idempotencyKey) == ["m-1"])
        }
    }

    // MARK: - The injector

    @Test("a fault reaches only the files under its directory, and only the calls it names")
    func faultScope() async throws {
        try await withTemporaryDirectory { base in
            let a = base.appendingPathComponent("a")
            let ab = base.appendingPathComponent("ab")
            let journal = try FileJournal.open(at: a)
            defer { journal.close() }
            let arming = FileFaults.arm(.noSpace, under: a.path, times: .max)
            defer { arming.disarm() }
            // A sibling whose name starts with the same letters is not under `a`.
            let other = try FileJournal.open(at: ab)
            #expect(try await other.append(payload(1)) == 1)
            other.close()
            // Reads and syncs go through; writes fail.
            #expect(try await journal.allRecords().isEmpty)
            await expectCode(.storageFull) { try await journal.append(payload(1)) }
            await expectCode(.storageFull) { try await journal.append(payload(1)) }
            #expect(arming.fired == 2)
        }
    }
}
