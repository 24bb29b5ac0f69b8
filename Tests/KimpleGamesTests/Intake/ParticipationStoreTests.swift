import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Synchronization
import Testing

@Suite("Participation stores")
struct ParticipationStoreTests {
    // SPEC G-4, K-6
    @Test("InMemoryParticipationStore conforms")
    func inMemory() async throws {
        let report = try await ParticipationStoreConformance.run {
            InMemoryParticipationStore(tenant: $0, clock: SystemClock())
        }
        #expect(report.passed.count == 12)
    }

    // SPEC G-4, K-6, K-7
    @Test(
        "FileParticipationStore conforms, restart included", arguments: [FileJournal.Options.Durability.grouped, .none])
    func file(durability: FileJournal.Options.Durability) async throws {
        try await withTemporaryDirectory { directory in
            let opened = OpenedStores()
            defer { opened.closeAll() }
            let options = FileJournal.Options(durability: durability, segmentSize: 8 << 10)
            let report = try await ParticipationStoreConformance.run(
                { tenant in
                    let store = try FileParticipationStore.open(
                        tenant: tenant, at: directory.appendingPathComponent(UUID().uuidString), options: options,
                        clock: SystemClock())
                    opened.add { store.close() }
                    return store
                },
                reopen: { participations in
                    let store = try #require(participations as? FileParticipationStore)
                    store.close()
                    let again = try FileParticipationStore.open(
                        tenant: store.tenant, at: store.journal.directory, options: options, clock: SystemClock())
                    opened.add { again.close() }
                    return again
                })
            #expect(report.passed.count == 13)
            #expect(report.skipped.isEmpty)
        }
    }

    // SPEC G-1, K-6
    @Test("DocumentOperationStore conforms, in memory and on file")
    func operationStores() async throws {
        let memory = try await OperationStoreConformance.run {
            DocumentOperationStore(tenant: $0, documents: InMemoryDocumentStore())
        }
        #expect(memory.passed.count == 6)
        #expect(memory.skipped.count == 1)
        try await withTemporaryDirectory { directory in
            let opened = OpenedStores()
            defer { opened.closeAll() }
            // The checks run one after another: a restart check reopens the store made last.
            let documents = Mutex<FileDocumentStore?>(nil)
            let file = try await OperationStoreConformance.run(
                { tenant in
                    let store = try FileDocumentStore.open(at: directory.appendingPathComponent(UUID().uuidString))
                    opened.add { store.close() }
                    documents.withLock { $0 = store }
                    return DocumentOperationStore(tenant: tenant, documents: store)
                },
                reopen: { operations in
                    let store = try #require(documents.withLock { $0 })
                    store.close()
                    let again = try FileDocumentStore.open(at: store.directory)
                    opened.add { again.close() }
                    return DocumentOperationStore(tenant: operations.tenant, documents: again)
                })
            #expect(file.passed.count == 7)
            #expect(file.skipped.isEmpty)
        }
    }

    // SPEC G-5, K-6
    @Test("RobotEventJournal conforms, in memory and on file")
    func robotLogs() async throws {
        let memory = try await RobotEventLogConformance.run {
            RobotEventJournal(tenant: $0, log: InMemoryRecordLog(), clock: SystemClock())
        }
        #expect(memory.passed.count == 5)
        #expect(memory.skipped.count == 1)
        try await withTemporaryDirectory { directory in
            let opened = OpenedStores()
            defer { opened.closeAll() }
            // The checks run one after another: a restart check reopens the journal made last.
            let journals = Mutex<FileJournal?>(nil)
            let file = try await RobotEventLogConformance.run(
                { tenant in
                    let journal = try FileJournal.open(at: directory.appendingPathComponent(UUID().uuidString))
                    opened.add { journal.close() }
                    journals.withLock { $0 = journal }
                    return RobotEventJournal(tenant: tenant, log: journal, clock: SystemClock())
                },
                reopen: { log in
                    let journal = try #require(journals.withLock { $0 })
                    journal.close()
                    let again = try FileJournal.open(at: journal.directory)
                    opened.add { again.close() }
                    return RobotEventJournal(tenant: log.tenant, log: again, clock: SystemClock())
                })
            #expect(file.passed.count == 6)
            #expect(file.skipped.isEmpty)
        }
    }

    // SPEC G-4, K-7
    @Test("the file store reopens with every accepted entry, its limits and its secret binding")
    func reopen() async throws {
        try await withTemporaryDirectory { directory in
            let storeDirectory = directory.appendingPathComponent("participations")
            var store = try FileParticipationStore.open(
                tenant: Fixtures.tenant, at: storeDirectory, clock: SystemClock())
            let h = try await Harness.make(
                operation: Fixtures.operation { $0.limit = .oncePerDay }, participations: store)
            var accepted: [EntryID: String] = [:]
            for day in 0..<3 {
                for n in 0..<40 {
                    let email = "p\(n)@example.com"
                    let result = try await h.submit(Fixtures.fields(email: email), source: "10.0.\(day).\(n)")
                    accepted[try #require(result.accepted).entry] = email
                }
                h.clock.advance(by: 86_400)
            }
            store.close()

            store = try FileParticipationStore.open(tenant: Fixtures.tenant, at: storeDirectory, clock: SystemClock())
            #expect(store.recovery.isClean)
            #expect(try await store.recordCount() == 120)
            for (id, email) in accepted { #expect(try await store.entry(id)?.email == email) }
            let reopened = try IntakeService(
                operations: h.operations, participations: store, robotEvents: h.robotEvents, gate: h.gate,
                transport: h.transport, identitySecret: IdentitySecret(Array("a tenant secret of 32 bytes!!!!!".utf8)),
                clock: h.clock)
            // Same day as the last round: the limit survived the restart.
            h.clock.advance(by: -86_400)
            expectRejected(
                try await reopened.submit(h.submission(Fixtures.fields(email: "p7@example.com"), source: "10.9.0.1")),
                .participationDuplicate)
            h.clock.advance(by: 86_400)
            #expect(
                try await reopened.submit(h.submission(Fixtures.fields(email: "p7@example.com"), source: "10.9.0.2"))
                    .isAccepted)
            let wrongSecret = try IntakeService(
                operations: h.operations, participations: store, robotEvents: h.robotEvents, gate: h.gate,
                transport: h.transport, identitySecret: IdentitySecret(Array(repeating: 9, count: 32)), clock: h.clock)
            #expect(
                await kimpleError { _ = try await wrongSecret.submit(h.submission()) }?.code
                    == .participationIdentitySecretMismatch)
            store.close()
        }
    }

    // SPEC K-7
    @Test("a torn tail is cut on reopen; every complete entry is kept")
    func tornTail() async throws {
        try await withTemporaryDirectory { directory in
            var store = try FileParticipationStore.open(tenant: Fixtures.tenant, at: directory, clock: SystemClock())
            let h = try await Harness.make(participations: store)
            for n in 0..<10 {
                #expect(try await h.submit(Fixtures.fields(email: "p\(n)@example.com"), source: nil).isAccepted)
            }
            store.close()
            let segment = try #require(
                try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".kjl") }
                    .max())
            let handle = try #require(FileHandle(forUpdatingAtPath: directory.appendingPathComponent(segment).path))
            _ = try handle.seekToEnd()
            try handle.write(contentsOf: Data(repeating: 0x5A, count: 41))
            try handle.close()
            store = try FileParticipationStore.open(tenant: Fixtures.tenant, at: directory, clock: SystemClock())
            #expect(store.recovery.tornTailBytes == 41)
            #expect(try await store.recordCount() == 10)
            #expect(
                try await store.entries(of: Fixtures.operationID).map(\.email) == (0..<10).map { "p\($0)@example.com" })
            store.close()
        }
    }

    // SPEC P-3, P-9 (the privacy module drives the store)
    @Test("erasure on file removes the bytes from the journal")
    func erasureOnFile() async throws {
        try await withTemporaryDirectory { directory in
            let store = try FileParticipationStore.open(tenant: Fixtures.tenant, at: directory, clock: SystemClock())
            defer { store.close() }
            let h = try await Harness.make(participations: store)
            #expect(
                try await h.submit(Fixtures.fields(email: "secret.person@example.com", firstName: "Zéphyrine"))
                    .isAccepted)
            #expect(try await h.submit(Fixtures.fields(email: "kept@example.com")).isAccepted)
            let holder: any PersonalDataHolder = store
            #expect(try await holder.erase(.email("secret.person@example.com")).recordIDs.count == 1)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".kjl")
            {
                let bytes = try Data(contentsOf: directory.appendingPathComponent(name))
                #expect(bytes.range(of: Data("secret.person".utf8)) == nil)
                #expect(bytes.range(of: Data("Zéphyrine".utf8)) == nil)
                #expect(bytes.range(of: Data("kept@example.com".utf8)) != nil)
            }
        }
    }

    // SPEC P-3
    @Test("on file, a request finds exactly its subject: not an address containing it, and accents however written")
    func subjectSearchOnFile() async throws {
        try await withTemporaryDirectory { directory in
            let store = try FileParticipationStore.open(tenant: Fixtures.tenant, at: directory, clock: SystemClock())
            defer { store.close() }
            let h = try await Harness.make(participations: store)
            for email in ["ann@example.com", "joann@example.com", "élodie@example.com"] {
                #expect(try await h.submit(Fixtures.fields(email: email)).isAccepted)
            }
            let holder: any PersonalDataHolder = store
            #expect(try await holder.records(of: .email("ANN@example.com")).count == 1)
            // "é" decomposed (e + U+0301) in the request, precomposed in the store.
            #expect(try await holder.records(of: .email("e\u{301}lodie@example.com")).count == 1)
            #expect(try await holder.erase(.email("ann@example.com")).recordIDs.count == 1)
            #expect(try await holder.records(of: .email("joann@example.com")).count == 1)
            #expect(try await holder.records(of: .email("ann@example.com")).isEmpty)
            #expect(try await holder.records(of: .email("nobody@example.com")).isEmpty)
        }
    }
}
