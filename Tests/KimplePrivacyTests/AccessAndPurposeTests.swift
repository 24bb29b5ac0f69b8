import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting
import Testing

@Suite("Purposes of the quote's annex and need-to-know access")
struct AccessAndPurposeTests {
    /// The annex of the quote (§11.2.3 "finalités ... détaillées dans les devis"): the purposes
    /// the controller listed for the summer operation.
    static let annexPurposes: Set<ProcessingPurpose> = [.participation, .winnerSelection, .export]

    /// The tenant's privacy services with the annex's instruction and one holder with Ann's
    /// two records (e-mail and name; e-mail and health data) and Bob's one.
    func fixture() async throws -> (PrivacyFixture, SamplePersonalDataHolder) {
        let f = try await PrivacyFixture.make()
        try await f.record(PrivacyFixture.terms(purposes: Self.annexPurposes))
        let holder = SamplePersonalDataHolder(
            tenant: f.tenant, name: "games.participations", log: InMemoryRecordLog(), clock: f.clock)
        try await holder.add([
            .init(
                recordID: "r1", participant: "p1", email: "ann@example.org", recordedAt: f.clock.now,
                categories: [.email, .name], fields: ["first_name": "Ann"]),
            .init(
                recordID: "r2", participant: "p2", email: "bob@example.org", recordedAt: f.clock.now,
                categories: [.email], fields: [:]),
        ])
        try f.privacy.holders.register(holder, instruction: "summer")
        return (f, holder)
    }

    // SPEC P-2: the purposes are those of the quote's annex, as the instruction records them:
    // each listed purpose is granted under it (naming the instruction's version), each other
    // purpose the SDK knows is refused with `privacy.purpose.not_allowed`, and the refusal is
    // written to the evidence log; the instruction keeps the annex as its reference.
    @Test("processing is granted for the purposes of the quote's annex and refused for every other")
    func purposesOfTheAnnex() async throws {
        let (f, _) = try await fixture()
        let instruction = try #require(f.privacy.instructions.current("summer"))
        #expect(instruction.terms.reference == "Quote 2026-014, annex 1")
        #expect(instruction.terms.purposes == Self.annexPurposes)
        for purpose in Self.annexPurposes.sorted(by: { $0.rawValue < $1.rawValue }) {
            let grant = try await f.gate.authorize(f.request(purpose, categories: [.email]))
            #expect(grant.purpose == purpose)
            #expect(grant.instructionVersion == instruction.version)
        }
        let others: [ProcessingPurpose] = [.statistics, .fraudPrevention, ProcessingPurpose(rawValue: "marketing")]
        for purpose in others {
            let error = await kimpleError { _ = try await f.gate.authorize(f.request(purpose, categories: [.email])) }
            #expect(error?.code == .privacyPurposeNotAllowed, "\(purpose)")
        }
        #expect(try await f.entries(PrivacyEvidence.processingRefused).count == others.count)
    }

    // SPEC P-5: need-to-know access. A read of a person's data is granted only for a purpose
    // the instruction lists and categories it covers; a read for another purpose returns
    // nothing, is refused with the gate's code and leaves no read trace; each granted read
    // writes a `privacy.access.read` entry naming the principal and the purpose, never the
    // person in clear; and a read about Ann returns Ann's records only.
    @Test("a read is granted only for a listed purpose, returns only the person's records, and is traced")
    func needToKnowReads() async throws {
        let (f, _) = try await fixture()
        let reader = f.privacy.reader
        let records = try await reader.records(
            of: .email("ann@example.org"), purpose: .winnerSelection, instruction: "summer", by: .user("jeanne"))
        #expect(records.map(\.recordID) == ["r1"])
        var reads = try await f.entries(PrivacyEvidence.accessRead)
        #expect(reads.count == 1)
        #expect(reads.first?.principal == .user("jeanne"))
        #expect(reads.first?.details.contains("winner_selection") == true)
        #expect(reads.first?.subject == "subject:" + SubjectDigest.of(.email("ann@example.org")).hex)
        #expect(try await f.privacy.evidence.entries().allSatisfy { !$0.details.contains("ann@example.org") })

        // Support has no need to know for fraud prevention under this instruction.
        let refused = await kimpleError {
            _ = try await reader.records(
                of: .email("ann@example.org"), purpose: .fraudPrevention, instruction: "summer",
                by: .user("support"))
        }
        #expect(refused?.code == .privacyPurposeNotAllowed)
        // Nor under an instruction the controller never gave.
        let unknown = await kimpleError {
            _ = try await reader.records(
                of: .email("ann@example.org"), purpose: .winnerSelection, instruction: "winter", by: .user("support"))
        }
        #expect(unknown?.code == .privacyInstructionMissing)
        reads = try await f.entries(PrivacyEvidence.accessRead)
        #expect(reads.count == 1)
        #expect(try await f.entries(PrivacyEvidence.processingRefused).count == 2)
    }

    // SPEC P-5, P-6: data of a category the instruction does not cover is not read, even for
    // a listed purpose: the whole read is refused, nothing is returned.
    @Test("a read that would return a category the instruction does not cover is refused")
    func readBeyondTheCategories() async throws {
        let (f, holder) = try await fixture()
        try await holder.add([
            .init(
                recordID: "r3", participant: "p1", email: "ann@example.org", recordedAt: f.clock.now,
                categories: [.email, .health], fields: ["allergy": "peanuts"])
        ])
        let error = await kimpleError {
            _ = try await f.privacy.reader.records(
                of: .email("ann@example.org"), purpose: .winnerSelection, instruction: "summer", by: .user("jeanne"))
        }
        #expect(error?.code == .privacySpecialCategoryNotAllowed)
        #expect(try await f.entries(PrivacyEvidence.accessRead).isEmpty)
    }
}
