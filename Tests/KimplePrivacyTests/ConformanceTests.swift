import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting
import Synchronization
import Testing

@Suite("Holders and return sinks conform")
struct ConformanceTests {
    static func entries(_ seeds: [PersonalDataHolderConformance.Seed]) -> [SamplePersonalDataHolder.Entry] {
        seeds.map {
            SamplePersonalDataHolder.Entry(
                recordID: $0.participant.rawValue, participant: $0.participant, email: $0.email, phone: $0.phone,
                recordedAt: $0.recordedAt, fields: $0.fields)
        }
    }

    // SPEC P-3, P-9, K-6
    @Test("the sample holder over an in-memory log")
    func inMemoryHolder() async throws {
        let report = try await PersonalDataHolderConformance.run { seeds in
            let holder = SamplePersonalDataHolder(tenant: "sample", name: "sample", log: InMemoryRecordLog())
            try await holder.add(Self.entries(seeds))
            return holder
        }
        #expect(report.passed.count == 6)
    }

    // SPEC P-3, P-9, K-6, K-7
    @Test("the sample holder over a file journal")
    func fileHolder() async throws {
        try await withTemporaryDirectory { directory in
            let opened = OpenedStores()
            defer { opened.closeAll() }
            let report = try await PersonalDataHolderConformance.run { seeds in
                let journal = try FileJournal.open(
                    at: directory.appendingPathComponent(UUID().uuidString), options: .init(segmentSize: 4096))
                opened.add { journal.close() }
                let holder = SamplePersonalDataHolder(tenant: "sample", name: "sample", log: journal)
                try await holder.add(Self.entries(seeds))
                return holder
            }
            #expect(report.passed.count == 6)
        }
    }

    // SPEC P-3
    @Test("a holder that forgets a record fails the suite")
    func brokenHolderFails() async throws {
        struct Forgetful: PersonalDataHolder {
            let inner: SamplePersonalDataHolder
            var tenant: TenantID { inner.tenant }
            var holderName: String { inner.holderName }
            func records(of subject: SubjectLocator) async throws -> [PersonalDataRecord] {
                try await inner.records(of: subject)
            }
            // Erases only the first record found.
            func erase(_ subject: SubjectLocator) async throws -> ErasureOutcome {
                let first = try await inner.records(of: subject).first
                guard let first else {
                    return ErasureOutcome(holder: holderName, recordIDs: [], removed: true, completedAt: Date())
                }
                return try await inner.erase(.participant(ParticipantID(unchecked: first.fields["participant"] ?? "")))
            }
            func rectify(_ subject: SubjectLocator, field: String, value: String) async throws -> [String] {
                try await inner.rectify(subject, field: field, value: value)
            }
            func eraseRecorded(before cutoff: Date) async throws -> ErasureOutcome {
                try await inner.eraseRecorded(before: cutoff)
            }
            func eraseAll() async throws -> ErasureOutcome { try await inner.eraseAll() }
            func recordCount() async throws -> Int { try await inner.recordCount() }
        }
        await #expect(throws: ConformanceFailures.self) {
            try await PersonalDataHolderConformance.run { seeds in
                let inner = SamplePersonalDataHolder(tenant: "sample", name: "forgetful", log: InMemoryRecordLog())
                try await inner.add(Self.entries(seeds))
                return Forgetful(inner: inner)
            }
        }
    }

    // SPEC P-9
    @Test("the in-memory and file return sinks")
    func returnSinks() async throws {
        let memory = try await PersonalDataReturnSinkConformance.run(
            makeSink: { InMemoryReturnSink() }, contents: { $0.data })
        #expect(memory.passed.count == 3)
        try await withTemporaryDirectory { directory in
            let file = try await PersonalDataReturnSinkConformance.run(
                makeSink: { try FileReturnSink(url: directory.appendingPathComponent(UUID().uuidString + ".jsonl")) },
                contents: { try Data(contentsOf: $0.url) })
            #expect(file.passed.count == 3)
            let unfinished = try FileReturnSink(url: directory.appendingPathComponent("partial.jsonl"))
            try await unfinished.append(Data("{}\n".utf8))
            #expect(!FileManager.default.fileExists(atPath: unfinished.url.path))
        }
    }
}
