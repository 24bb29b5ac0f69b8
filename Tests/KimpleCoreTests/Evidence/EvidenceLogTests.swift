import Foundation
import KimpleTesting
import Testing

@testable import KimpleCore

@Suite("Evidence log")
struct EvidenceLogTests {
    let tenant: TenantID = "acme"
    let clock = ManualClock(Date(timeIntervalSince1970: 1_780_000_000))

    private func filledLog(_ count: Int) async throws -> (InMemoryRecordLog, EvidenceLog) {
        let records = InMemoryRecordLog()
        let evidence = EvidenceLog(log: records, tenant: tenant, clock: clock)
        for n in 0..<count {
            clock.advance(by: 1.5)
            try await evidence.record(
                .user("alice"), action: "operation.update", subject: "operation:op-\(n)", details: "change \(n)",
                payload: Data("payload \(n)".utf8))
        }
        return (records, evidence)
    }

    /// Rewrites the stored entry at `index` with `change` applied; with `rehash`, the
    /// attacker also recomputes the entry's own hash.
    private func tamper(
        _ records: InMemoryRecordLog, index: UInt64, rehash: Bool, _ change: (inout String) -> Void
    ) async throws {
        _ = try await records.rewrite { record in
            guard let entry = try? EvidenceCoding.decode(record.payload, tenant: tenant), entry.index == index else {
                return record.payload
            }
            var details = entry.details
            change(&details)
            var forged = EvidenceEntry(
                index: entry.index, time: entry.time, tenant: entry.tenant, principal: entry.principal,
                action: entry.action, subject: entry.subject, details: details, payloadDigest: entry.payloadDigest,
                previousHash: entry.previousHash, hash: entry.hash)
            if rehash {
                forged = EvidenceEntry(
                    index: forged.index, time: forged.time, tenant: forged.tenant, principal: forged.principal,
                    action: forged.action, subject: forged.subject, details: forged.details,
                    payloadDigest: forged.payloadDigest, previousHash: forged.previousHash,
                    hash: EvidenceCoding.hash(of: forged))
            }
            return EvidenceCoding.encode(forged)
        }
    }

    // SPEC K-5
    @Test("entries chain to each other and an untouched log verifies")
    func intactChain() async throws {
        let (_, evidence) = try await filledLog(20)
        let entries = try await evidence.entries()
        #expect(entries.map(\.index) == Array(0..<20))
        #expect(entries.first?.previousHash == SHA256Digest(bytes: [UInt8](repeating: 0, count: 32)))
        for (previous, entry) in zip(entries, entries.dropFirst()) {
            #expect(entry.previousHash == previous.hash)
        }
        #expect(entries[3].payloadDigest == SHA256.hash(Data("payload 3".utf8)))
        #expect(entries[3].time == Date(timeIntervalSince1970: 1_780_000_000 + 4 * 1.5))
        let verification = try await evidence.verify()
        #expect(verification.isIntact)
        #expect(verification.entriesChecked == 20)
        #expect(verification.head == EvidenceHead(index: 19, hash: entries[19].hash))
        #expect(try await evidence.currentHead() == verification.head)
    }

    // SPEC K-5
    @Test("a changed entry is reported at its index")
    func changedEntry() async throws {
        let (records, evidence) = try await filledLog(10)
        try await tamper(records, index: 4, rehash: false) { $0 = "nothing happened" }
        let problem = try #require(try await evidence.verify().problem)
        #expect(problem.kind == .changed)
        #expect(problem.index == 4)
    }

    // SPEC K-5
    @Test("a changed entry whose hash was recomputed is still reported at its index")
    func changedAndRehashed() async throws {
        let (records, evidence) = try await filledLog(10)
        try await tamper(records, index: 6, rehash: true) { $0 += " (edited)" }
        let problem = try #require(try await evidence.verify().problem)
        #expect(problem.kind == .changed)
        #expect(problem.index == 6)
    }

    // SPEC K-5
    @Test("a removed entry is reported as removed")
    func removedEntry() async throws {
        let (records, evidence) = try await filledLog(10)
        _ = try await records.rewrite { record in
            (try? EvidenceCoding.decode(record.payload, tenant: tenant))?.index == 5 ? nil : record.payload
        }
        let problem = try #require(try await evidence.verify().problem)
        #expect(problem.kind == .removed)
        #expect(problem.index == 5)
    }

    // SPEC K-5
    @Test("two swapped entries are reported as reordered")
    func reorderedEntries() async throws {
        let (records, evidence) = try await filledLog(10)
        let all = try await records.allRecords()
        _ = try await records.rewrite { record in
            if record.sequence == all[2].sequence { return all[3].payload }
            if record.sequence == all[3].sequence { return all[2].payload }
            return record.payload
        }
        let problem = try #require(try await evidence.verify().problem)
        #expect(problem.kind == .reordered)
        #expect(problem.index == 2)
    }

    // SPEC K-5
    @Test("entries cut from the end are caught against a published head")
    func truncatedEnd() async throws {
        let (records, evidence) = try await filledLog(10)
        let published = try #require(try await evidence.currentHead())
        _ = try await records.rewrite { record in
            ((try? EvidenceCoding.decode(record.payload, tenant: tenant))?.index ?? 0) >= 8 ? nil : record.payload
        }
        #expect(try await evidence.verify().isIntact, "without an anchor a cut end is undetectable")
        let problem = try #require(try await evidence.verify(against: published).problem)
        #expect(problem.kind == .removed)
        #expect(problem.index == 8)
    }

    // SPEC K-5
    @Test("concurrent records are chained in one order, none lost")
    func concurrentRecords() async throws {
        let records = InMemoryRecordLog()
        let evidence = EvidenceLog(log: records, tenant: tenant, clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<200 {
                group.addTask {
                    try await evidence.record(.system("test"), action: "test.concurrent", subject: "item:\(n)")
                }
            }
            try await group.waitForAll()
        }
        let entries = try await evidence.entries()
        #expect(entries.count == 200)
        #expect(Set(entries.map(\.subject)).count == 200)
        #expect(try await evidence.verify().isIntact)
        #expect(try await records.count() == 200)
    }

    // SPEC K-5
    @Test("two handles on one log keep a single linear chain")
    func twoHandles() async throws {
        let records = InMemoryRecordLog()
        let first = EvidenceLog(log: records, tenant: tenant, clock: clock)
        let second = EvidenceLog(log: records, tenant: tenant, clock: clock)
        for n in 0..<10 {
            try await first.record(.host("a"), action: "test.a", subject: "a:\(n)")
            try await second.record(.host("b"), action: "test.b", subject: "b:\(n)")
        }
        let verification = try await first.verify()
        #expect(verification.isIntact)
        #expect(verification.entriesChecked == 20)
    }

    // SPEC K-5, K-7
    @Test("a file-backed log reopens and continues its chain")
    func fileBacked() async throws {
        try await withTemporaryDirectory { directory in
            let storage = try FileStorage(root: directory)
            let evidence = try await EvidenceLog.open(storage.tenant(tenant), clock: clock)
            for n in 0..<5 { try await evidence.record(.user("bob"), action: "test.file", subject: "s:\(n)") }
            storage.close()

            let reopenedStorage = try FileStorage(root: directory)
            defer { reopenedStorage.close() }
            let reopened = try await EvidenceLog.open(reopenedStorage.tenant(tenant), clock: clock)
            let entry = try await reopened.record(.user("bob"), action: "test.file", subject: "s:5")
            #expect(entry.index == 5)
            let verification = try await reopened.verify()
            #expect(verification.isIntact)
            #expect(verification.entriesChecked == 6)
        }
    }
}
