import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting
import Testing

@Suite("Instructions and the processing gate")
struct InstructionGateTests {
    // SPEC P-1
    @Test("a processing call without an instruction is refused and the attempt is logged")
    func noInstructionRefusedAndLogged() async throws {
        let f = try await PrivacyFixture.make()
        let error = await kimpleError { _ = try await f.gate.authorize(f.request(instruction: "never-given")) }
        #expect(error?.code == .privacyInstructionMissing)
        let refused = try await f.entries(PrivacyEvidence.processingRefused)
        #expect(refused.count == 1)
        #expect(refused.first?.subject == "operation:summer-2026")
        #expect(refused.first?.principal == .system("games.intake"))
        #expect(refused.first?.details.hasPrefix("privacy.instruction.missing: instruction never-given") == true)
        #expect(try await f.privacy.evidence.verify().isIntact)
    }

    // SPEC P-1
    @Test("instructions are versioned: each record is a new version, the latest governs, history is kept")
    func versions() async throws {
        let f = try await PrivacyFixture.make()
        let first = try await f.record()
        let second = try await f.record(PrivacyFixture.terms(purposes: [.participation]))
        #expect(first.version == 1)
        #expect(second.version == 2)
        #expect(first.textDigest == SHA256.hash("Run the summer sweepstakes with these data."))
        let history = try await f.privacy.instructions.history("summer")
        #expect(history.map(\.version) == [1, 2])
        #expect(history[0].terms.purposes.contains(.export))
        // Version 2 dropped exports: refused now, granted under version 1 before.
        let error = await kimpleError { _ = try await f.gate.authorize(f.request(.export)) }
        #expect(error?.code == .privacyPurposeNotAllowed)
        let grant = try await f.gate.authorize(f.request(.participation))
        #expect(grant.instructionVersion == 2)
        let recorded = try await f.entries(PrivacyEvidence.instructionRecorded)
        #expect(recorded.count == 2)
        #expect(recorded[0].payloadDigest == first.textDigest)
    }

    // SPEC P-1
    @Test("concurrent recordings of one instruction get distinct consecutive versions")
    func concurrentVersions() async throws {
        let f = try await PrivacyFixture.make()
        let versions = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try await f.record().version } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(versions.sorted() == Array(1...8))
        #expect(f.privacy.instructions.current("summer")?.version == 8)
    }

    // SPEC P-2
    @Test("a purpose or a category the instruction does not name is refused")
    func purposeAndCategory() async throws {
        let f = try await PrivacyFixture.make()
        try await f.record(PrivacyFixture.terms(purposes: [.participation], categories: [.email, .name]))
        _ = try await f.gate.authorize(f.request(.participation, categories: [.email, .name]))
        let purpose = await kimpleError { _ = try await f.gate.authorize(f.request(.winnerSelection)) }
        #expect(purpose?.code == .privacyPurposeNotAllowed)
        let category = await kimpleError { _ = try await f.gate.authorize(f.request(categories: [.email, .phone])) }
        #expect(category?.code == .privacyCategoryNotAllowed)
        #expect(category?.context["category"] == "contact.phone")
        // A parent category covers what lies within it.
        try await f.record(PrivacyFixture.terms(purposes: [.participation], categories: [.contact]))
        _ = try await f.gate.authorize(f.request(categories: [.email, .phone, .postalAddress]))
        #expect(try await f.entries(PrivacyEvidence.processingRefused).count == 2)
    }

    // SPEC P-1
    @Test("an invalid instruction is refused and nothing is recorded")
    func invalidInstruction() async throws {
        let f = try await PrivacyFixture.make()
        var blank = PrivacyFixture.terms()
        blank.text = "  "
        #expect(await kimpleError { try await f.record(blank) }?.code == .privacyInstructionInvalid)
        #expect(
            await kimpleError { try await f.record(PrivacyFixture.terms(purposes: [])) }?.code
                == .privacyInstructionInvalid)
        #expect(
            await kimpleError { try await f.record(PrivacyFixture.terms(retention: .months(0))) }?.code
                == .privacyInstructionInvalid)
        #expect(f.privacy.instructions.current("summer") == nil)
        #expect(try await f.privacy.instructions.history("summer").isEmpty)
    }

    // SPEC P-1
    @Test("a flagged instruction is recorded, the controller is told, processing waits; a new version resumes it")
    func flagInfringing() async throws {
        let f = try await PrivacyFixture.make()
        try await f.record()
        _ = try await f.gate.authorize(f.request())
        let flagged = try await f.privacy.instructions.flag(
            "summer", reason: "Collecting the birth date of minors without parental consent.", by: .user("dpo"))
        #expect(flagged.isHeld)
        let notices = f.transport.messages(of: .privacyInstructionFlagged)
        #expect(notices.count == 1)
        #expect(notices.first?.recipient == "controller")
        #expect(notices.first?.tenant == f.tenant)
        #expect(notices.first?.body.contains("parental consent") == true)
        #expect(try await f.entries(PrivacyEvidence.instructionFlagged).count == 1)
        // The cached grant does not survive the flag.
        #expect(await kimpleError { _ = try await f.gate.authorize(f.request()) }?.code == .privacyInstructionOnHold)
        // Erasure stays possible.
        _ = try await f.gate.authorize(f.request(.erasure, categories: []))
        // The controller amends the instruction: version 2 is not held.
        try await f.record()
        #expect(try await f.gate.authorize(f.request()).instructionVersion == 2)
    }

    // SPEC P-1
    @Test("a flag resolved by the controller's confirmation lets processing resume")
    func flagResolved() async throws {
        let f = try await PrivacyFixture.make()
        try await f.record()
        try await f.privacy.instructions.flag("summer", reason: "Doubt on the legal basis.", by: .user("dpo"))
        #expect(await kimpleError { _ = try await f.gate.authorize(f.request()) }?.code == .privacyInstructionOnHold)
        let resolved = try await f.privacy.instructions.resolveFlag(
            "summer", .controllerConfirmed, note: "Legitimate interest, assessment attached.", by: .user("jeanne"))
        #expect(!resolved.isHeld)
        #expect(resolved.flag?.resolution == .controllerConfirmed)
        _ = try await f.gate.authorize(f.request())
    }

    // SPEC P-1
    @Test("a revoked instruction refuses processing but not erasure")
    func revoked() async throws {
        let f = try await PrivacyFixture.make()
        try await f.record()
        try await f.privacy.instructions.revoke("summer", reason: "Campaign cancelled.", by: .user("jeanne"))
        #expect(await kimpleError { _ = try await f.gate.authorize(f.request()) }?.code == .privacyInstructionRevoked)
        _ = try await f.gate.authorize(f.request(.erasure, categories: []))
        _ = try await f.gate.authorize(f.request(.dataSubjectRequest, categories: []))
    }

    // SPEC P-5, K-1
    @Test("a request of another tenant is refused")
    func tenantMismatch() async throws {
        let f = try await PrivacyFixture.make()
        try await f.record()
        let error = await kimpleError { _ = try await f.gate.authorize(f.request(tenant: "other-brand")) }
        #expect(error?.code == .privacyTenantMismatch)
    }

    // SPEC P-5
    @Test("grants are traced once per (instruction version, purpose, subject), then counted in summaries")
    func grantTracing() async throws {
        let f = try await PrivacyFixture.make()
        try await f.record()
        for _ in 0..<1_000 { _ = try await f.gate.authorize(f.request()) }
        for _ in 0..<3 { _ = try await f.gate.authorize(f.request(subject: "operation:winter-2026")) }
        _ = try await f.gate.authorize(f.request(.winnerSelection))
        let granted = try await f.entries(PrivacyEvidence.processingGranted)
        #expect(
            granted.map(\.subject).sorted() == [
                "operation:summer-2026", "operation:summer-2026", "operation:winter-2026",
            ])
        #expect(
            granted.first?.details
                == "instruction summer v1, purpose participation, categories contact.email identity.name")
        let written = try await f.privacy.instructions.recordGrantSummary()
        #expect(written == 3)
        let summaries = try await f.entries(PrivacyEvidence.processingSummary).map(\.details).sorted()
        #expect(
            summaries == [
                "instruction summer v1, purpose participation: 1000 grants",
                "instruction summer v1, purpose participation: 3 grants",
                "instruction summer v1, purpose winner_selection: 1 grant",
            ])
        // Nothing new: nothing written.
        #expect(try await f.privacy.instructions.recordGrantSummary() == 0)
        // A new version is traced again at its first use.
        try await f.record()
        _ = try await f.gate.authorize(f.request())
        #expect(try await f.entries(PrivacyEvidence.processingGranted).count == 4)
        #expect(try await f.privacy.evidence.verify().isIntact)
    }

    // SPEC P-1, P-4
    @Test("while the hosting is not an agreed sub-processor, nothing but erasure is granted")
    func hostingNotAgreed() async throws {
        let f = try await PrivacyFixture.make(agreeHost: false)
        try await f.record()
        let error = await kimpleError { _ = try await f.gate.authorize(f.request()) }
        #expect(error?.code == .privacyHostingNotAgreed)
        _ = try await f.gate.authorize(f.request(.erasure, categories: []))
        try await f.subProcessors.agreeInitialList([PrivacyFixture.azure], by: .host("setup"))
        #expect(try await f.privacy.refreshSubProcessors() == nil)
        _ = try await f.gate.authorize(f.request())
    }

    // SPEC P-4, P-8
    @Test("a host outside the EU, the EEA and adequate destinations is refused even when listed")
    func hostingOutsideAdequacy() {
        let host = SubProcessor(
            recipient: TransferRecipient(name: "Cheap Cloud", country: "IN", role: .subProcessor),
            processing: "Hosting", activities: [.hosting], guarantees: ["Contract"])
        let problem = TenantPrivacy.hostingProblem(
            [HostingSite(provider: "Cheap Cloud", country: "IN", activities: [.hosting])], agreed: [host],
            adequacy: .builtIn, on: CivilDate(unchecked: 2026, 3, 2))
        #expect(problem?.contains("no adequacy decision") == true)
        let other = TenantPrivacy.hostingProblem(
            [HostingSite(provider: "Microsoft Azure", country: "FR", activities: [.hosting, .collection])],
            agreed: [host], adequacy: .builtIn, on: CivilDate(unchecked: 2026, 3, 2))
        #expect(other == "Microsoft Azure in FR is not an agreed sub-processor for collection and hosting.")
    }

    // SPEC P-5
    @Test("a read of a person's data by a login is granted, then traced with its purpose")
    func tracedRead() async throws {
        let f = try await PrivacyFixture.make()
        try await f.record(PrivacyFixture.terms(purposes: [.participation, .dataSubjectRequest]))
        let holder = SamplePersonalDataHolder(
            tenant: f.tenant, name: "games.participations", log: InMemoryRecordLog(), clock: f.clock)
        try await holder.add(sampleEntries(people: 3, perPerson: 2, start: f.clock.now))
        try f.privacy.holders.register(holder, instruction: "summer")
        let records = try await f.privacy.reader.records(
            of: .email("person1@example.org"), purpose: .participation, instruction: "summer", by: .user("agent-7"))
        #expect(records.count == 2)
        let reads = try await f.entries(PrivacyEvidence.accessRead)
        #expect(reads.count == 1)
        #expect(reads.first?.principal == .user("agent-7"))
        #expect(reads.first?.details == "purpose participation, 2 records in games.participations")
        #expect(reads.first?.subject == "subject:" + SubjectDigest.of(.email("person1@example.org")).hex)
        #expect(reads.first?.subject.contains("person1") == false)
    }
}
