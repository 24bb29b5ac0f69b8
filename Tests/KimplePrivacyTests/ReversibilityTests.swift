import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting
import Testing

/// A holder that cannot list its records (only Core's protocol).
struct OpaqueHolder: PersonalDataHolder {
    let inner: SamplePersonalDataHolder
    var tenant: TenantID { inner.tenant }
    var holderName: String { inner.holderName }
    func records(of subject: SubjectLocator) async throws -> [PersonalDataRecord] {
        try await inner.records(of: subject)
    }
    func erase(_ subject: SubjectLocator) async throws -> ErasureOutcome { try await inner.erase(subject) }
    func rectify(_ subject: SubjectLocator, field: String, value: String) async throws -> [String] {
        try await inner.rectify(subject, field: field, value: value)
    }
    func eraseRecorded(before cutoff: Date) async throws -> ErasureOutcome {
        try await inner.eraseRecorded(before: cutoff)
    }
    func eraseAll() async throws -> ErasureOutcome { try await inner.eraseAll() }
    func recordCount() async throws -> Int { try await inner.recordCount() }
}

@Suite("End of contract, reversibility and destruction")
struct ReversibilityTests {
    // The contract ends on 1 April 2026 at 00:00 in Paris; exports stay possible 45 days,
    // until 16 May at 24:00 Paris (22:00 UTC).
    static let end = instant("2026-03-31T22:00:00Z")
    static let windowEnd = instant("2026-05-16T22:00:00Z")

    static let statistics = StatisticsSpec.byField("operation", title: "Entries per operation", rowTitle: "Operation")

    struct Setup {
        let f: PrivacyFixture
        let participations: SamplePersonalDataHolder
        let exports: SamplePersonalDataHolder
    }

    /// The fixture with 100 participations in a file journal under `directory` and 4 export
    /// records; with `files`, the services run on that file storage with a file outbox, and
    /// the export records are in a file journal too.
    func setUp(_ directory: URL, files: FileStorage? = nil) async throws -> (Setup, FileJournal) {
        let f = try await PrivacyFixture.make(statistics: [Self.statistics], files: files)
        try await f.record(PrivacyFixture.terms(special: [.health]))
        let journal = try FileJournal.open(at: directory.appendingPathComponent("participations"))
        let participations = SamplePersonalDataHolder(
            tenant: f.tenant, name: "games.participations", log: journal, clock: f.clock)
        let exportLog: any RecordLog =
            try files.map { try FileJournal.open(at: $0.root.appendingPathComponent("holders/exports")) }
            ?? InMemoryRecordLog()
        let exports = SamplePersonalDataHolder(
            tenant: f.tenant, name: "games.exports", log: exportLog, clock: f.clock)
        try await participations.add(
            sampleEntries(people: 100, start: f.clock.now) { ["operation": $0 < 95 ? "summer" : "spring"] })
        try await exports.add(
            sampleEntries(people: 4, start: f.clock.now, categories: [.email, .health]) { _ in ["allergy": "nuts"] })
        try f.privacy.holders.register(participations, instruction: "summer")
        try f.privacy.holders.register(exports, instruction: "summer")
        return (Setup(f: f, participations: participations, exports: exports), journal)
    }

    // SPEC P-10
    @Test("the window ends at the end of the 45th day after the day the contract ended")
    func windowArithmetic() {
        #expect(Reversibility.windowEnd(effectiveEnd: Self.end) == Self.windowEnd)
        #expect(
            Reversibility.windowEnd(effectiveEnd: instant("2026-03-31T21:59:59Z")) == instant("2026-05-15T22:00:00Z"))
    }

    // SPEC P-9, P-10, C-7: on the file backend with the file outbox; the destruction is proven
    // by the bytes: no file under the data root (stores, holders, outbox) holds any
    // participant's address or special-category value afterwards.
    @Test("after the end only exports remain, for 45 days; then data is destroyed with a certificate")
    func endToDestruction() async throws {
        try await withTemporaryDirectory { directory in
            let files = try FileStorage(root: directory)
            defer { files.close() }
            let (s, journal) = try await setUp(directory.appendingPathComponent("holders"), files: files)
            defer { journal.close() }
            let f = s.f
            defer { f.close() }
            let privacy = f.privacy
            let toController = TransferDestination(country: "FR", recipient: "controller")
            let pending = try await privacy.requests.receive(
                .access, subject: .email("person3@example.org"), channel: "form", by: .host("support"))

            try await privacy.reversibility.contractEnded(
                tenant: f.tenant, contract: "C-2025-007", effectiveEnd: Self.end)
            // Before: the bytes are there (the holders' files, the forwarded request in the outbox).
            for trace in ["person3@example.org", "person42@example.org", "nuts"] {
                #expect(!(try filesContain(trace, under: directory)).isEmpty, "\(trace) not found before")
            }
            let notice = try #require(try f.messages(of: .privacyContractEnded).first)
            #expect(notice.attributes["reversibility_end"] == "2026-05-16T22:00:00Z")
            _ = try await f.gate.authorize(f.request())  // before the end: intake goes on

            f.clock.set(instant("2026-04-02T08:00:00Z"))
            #expect(await kimpleError { _ = try await f.gate.authorize(f.request()) }?.code == .privacyContractEnded)
            _ = try await f.gate.authorize(f.request(.export, destination: toController))
            #expect(
                await kimpleError { try await privacy.reversibility.finalise(by: .system("privacy.reversibility")) }?
                    .code
                    == .privacyReversibilityOpen)

            f.clock.set(Self.windowEnd.addingTimeInterval(-1))
            _ = try await f.gate.authorize(f.request(.export, destination: toController))
            f.clock.set(Self.windowEnd)
            #expect(
                await kimpleError { _ = try await f.gate.authorize(f.request(.export, destination: toController)) }?
                    .code
                    == .privacyReversibilityClosed)

            let certificate = try await privacy.reversibility.finalise(by: .system("privacy.reversibility"))
            let findings = certificate.findings
            #expect(findings.holders.map(\.holder) == ["games.participations", "games.exports"])
            #expect(findings.holders.map(\.recordsBefore) == [100, 4])
            #expect(findings.holders.map(\.recordsErased) == [100, 4])
            #expect(findings.holders.map(\.recordsAfter) == [0, 0])
            #expect(findings.totalRecordsErased == 104)
            #expect(findings.choice == nil)
            #expect(findings.requestLocatorsDropped == 1)
            #expect(findings.process == ReversibilityService.processName)
            #expect(findings.statisticsKept == ["Entries per operation"])
            #expect(certificate.isComplete)
            #expect(try await s.participations.recordCount() == 0)
            #expect(try await privacy.requests.request(pending.id).subject == nil)
            // Delivered, the outbox's messages keep no person's data either.
            let outbox = try #require(f.outbox)
            _ = try await outbox.deliverPending { _ in }
            #expect(try outbox.pendingMessages().isEmpty)
            for n in 0..<100 {
                let address = "person\(n)@example.org"
                #expect(try filesContain(address, under: directory).isEmpty, "\(address) is still on disk")
            }
            #expect(try filesContain("nuts", under: directory).isEmpty)
            let forwarded = try #require(try f.messages(of: .privacyRequestForwarded).first)
            #expect(forwarded.isRedacted && forwarded.body == OutboundMessage.redactedText)

            // Sealed in the evidence log: the entry's payload is the findings, its hash the head.
            #expect(try certificate.findingsMatch())
            #expect(try await privacy.evidence.verify(against: certificate.evidenceHead).isIntact)
            let entry = try #require(try await privacy.evidence.entries().last)
            #expect(entry.action == PrivacyEvidence.dataDestroyed)
            #expect(entry.hash == certificate.evidenceHead.hash)
            #expect(entry.payloadDigest == certificate.findingsDigest)
            let sent = try #require(try f.messages(of: .privacyDestructionCertificate).first)
            #expect(sent.body.contains("| games.participations | 100 | 100 | yes | 0 |"))
            #expect(sent.body.contains(certificate.evidenceHead.hash.hex))

            // Only anonymous statistics remain: the 5 spring entries are withheld, and so is summer.
            let record = try #require(try await privacy.reversibility.record())
            let table = try #require(record.statistics.first)
            #expect(table.rows == ["spring", "summer"])
            #expect(table.cells == [[.suppressed], [.suppressed]])
            #expect(table.total == .value(100))
            #expect(record.certificate == certificate)

            // After destruction, nothing but erasure and requests.
            #expect(
                await kimpleError { _ = try await f.gate.authorize(f.request(.statistics, categories: [])) }?.code
                    == .privacyContractEnded)
            #expect(try await privacy.reversibility.finalise(by: .system("again")) == certificate)
            #expect(
                await kimpleError {
                    try await privacy.reversibility.contractEnded(
                        tenant: f.tenant, contract: "C-2025-007", effectiveEnd: Self.end)
                }?.code == .privacyAlreadyDestroyed)
        }
    }

    // SPEC P-9, K-5
    @Test("a tampered evidence log is detected against the certificate's head")
    func tamperingDetected() async throws {
        try await withTemporaryDirectory { directory in
            let (s, journal) = try await setUp(directory)
            defer { journal.close() }
            let f = s.f
            try await f.privacy.reversibility.contractEnded(tenant: f.tenant, contract: "C-1", effectiveEnd: Self.end)
            f.clock.set(Self.windowEnd)
            let certificate = try await f.privacy.reversibility.finalise(by: .system("privacy.reversibility"))
            #expect(try await f.privacy.evidence.verify(against: certificate.evidenceHead).isIntact)

            // Someone edits the record of the destruction's predecessor in the stored log.
            let log = try await f.storage.tenant(f.tenant).recordLog(EvidenceLog.storeName)
            let target = certificate.evidenceHead.index - 1
            _ = try await log.rewrite { record in
                guard record.sequence == target + 1 else { return record.payload }
                var bytes = [UInt8](record.payload)
                bytes[40] ^= 0x01
                return Data(bytes)
            }
            let reopened = EvidenceLog(log: log, tenant: f.tenant, clock: f.clock)
            let verification = try await reopened.verify(against: certificate.evidenceHead)
            #expect(!verification.isIntact)
            #expect(verification.problem?.index == target)

            // Removing the last entries is detected against the published head, too.
            let removed = InMemoryRecordLog()
            for record in try await log.allRecords().dropLast(2) { _ = try await removed.append(record.payload) }
            let truncated = try await EvidenceLog(log: removed, tenant: f.tenant, clock: f.clock).verify(
                against: certificate.evidenceHead)
            #expect(truncated.problem?.kind == .removed)
        }
    }

    // SPEC P-9
    @Test("the controller's choice of return: every listable record goes back, then destruction")
    func returnThenDestroy() async throws {
        try await withTemporaryDirectory { directory in
            let (s, journal) = try await setUp(directory)
            defer { journal.close() }
            let f = s.f
            let robots = SamplePersonalDataHolder(
                tenant: f.tenant, name: "games.robot_events", log: InMemoryRecordLog(), clock: f.clock)
            try await robots.add(sampleEntries(people: 2, start: f.clock.now))
            try f.privacy.holders.register(OpaqueHolder(inner: robots), instruction: "summer")
            let reversibility = f.privacy.reversibility
            #expect(
                await kimpleError { try await reversibility.recordChoice(.destroy, by: .user("jeanne")) }?.code
                    == .privacyContractNotEnded)
            try await reversibility.contractEnded(tenant: f.tenant, contract: "C-1", effectiveEnd: Self.end)
            try await reversibility.recordChoice(.returnThenDestroy, by: .user("jeanne"))
            f.clock.set(instant("2026-04-10T08:00:00Z"))

            let sink = InMemoryReturnSink(destination: TransferDestination(country: "FR", recipient: "controller"))
            let receipt = try await reversibility.returnData(to: sink, by: .user("jeanne"))
            #expect(receipt.recordsPerHolder == ["games.participations": 100, "games.exports": 4])
            #expect(receipt.withheldSpecialRecords == 4)
            #expect(receipt.holdersNotEnumerable == ["games.robot_events"])
            #expect(sink.isFinished)
            #expect(SHA256.hash(sink.data) == receipt.digest)
            let lines = String(decoding: sink.data, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 104)
            #expect(!lines.contains { $0.contains("nuts") })

            // To a destination the instruction does not name: refused.
            let elsewhere = InMemoryReturnSink(
                destination: TransferDestination(country: "US", recipient: "Backup Inc."))
            #expect(
                await kimpleError { try await reversibility.returnData(to: elsewhere, by: .user("jeanne")) }?.code
                    == .privacyTransferNotInstructed)

            f.clock.set(Self.windowEnd)
            let certificate = try await reversibility.finalise(by: .system("privacy.reversibility"))
            #expect(certificate.findings.choice == .returnThenDestroy)
            #expect(certificate.findings.returnDigest == receipt.digest)
            #expect(certificate.findings.holders.map(\.recordsErased) == [100, 4, 2])
            #expect(certificate.markdown.contains("Controller's choice: return_then_destroy"))
        }
    }

    // SPEC P-10, C-7
    @Test("KimpleContracts' single listener reaches each tenant's service")
    func router() async throws {
        let f = try await PrivacyFixture.make()
        let router = ContractEndRouter()
        router.register(f.privacy.reversibility)
        try await router.contractEnded(tenant: f.tenant, contract: "C-9", effectiveEnd: Self.end)
        #expect(f.privacy.instructions.contractEnd?.reversibilityEnd == Self.windowEnd)
        #expect(
            await kimpleError {
                try await router.contractEnded(tenant: "unknown", contract: "C", effectiveEnd: Self.end)
            }?
            .code == .privacyTenantMismatch)
        #expect(
            await kimpleError {
                try await f.privacy.reversibility.contractEnded(
                    tenant: "unknown", contract: "C", effectiveEnd: Self.end)
            }?.code == .privacyTenantMismatch)
        // A reopened registry sees the end.
        let reopened = try await InstructionRegistry.open(
            storage: f.storage.tenant(f.tenant), evidence: f.privacy.evidence, transport: f.transport, clock: f.clock)
        #expect(reopened.contractEnd?.contract == "C-9")
    }
}
