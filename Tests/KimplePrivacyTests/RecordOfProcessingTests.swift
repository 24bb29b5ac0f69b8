import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting
import Testing

@Suite("Record of processing activities")
struct RecordOfProcessingTests {
    // SPEC P-12
    @Test("the art. 30(2) record is generated from the configuration, as JSON and Markdown")
    func record() async throws {
        let f = try await PrivacyFixture.make()
        let dpf = RecipientCertification(scheme: .euUSDataPrivacyFramework, since: CivilDate(unchecked: 2025, 1, 1))
        try await f.record(
            PrivacyFixture.terms(
                special: [.health],
                recipients: [
                    TransferRecipient(name: "controller", country: "FR", role: .controller),
                    TransferRecipient(
                        name: "CRM Inc.", country: "US", role: .designatedRecipient, certifications: [dpf]),
                    TransferRecipient(name: "Microsoft Azure", country: "FR", role: .subProcessor),
                ]))
        try await f.record(PrivacyFixture.terms(purposes: [.fraudPrevention], categories: [.online]), id: "robots")
        try await f.privacy.instructions.revoke("robots", reason: "Replaced by the host's tool.", by: .user("jeanne"))

        let record = try await f.privacy.recordOfProcessing(at: f.clock.now, by: .host("dpo"))
        #expect(record.processor.name == "Cassiop")
        #expect(record.hosting.map(\.provider) == ["Microsoft Azure"])
        let section = try #require(record.controllers.first)
        #expect(section.controller.name == "Brand SA")
        #expect(section.processing.map(\.instruction) == ["robots", "summer"])
        #expect(section.processing.map(\.status) == ["revoked", "in force"])
        #expect(section.processing[1].specialCategories == ["special.health"])
        #expect(section.processing[1].retention == "6 months")
        let crm = try #require(section.transfers.first { $0.recipient == "CRM Inc." })
        #expect(crm.thirdCountry)
        #expect(crm.basis.contains("2023/1795"))
        let azure = try #require(section.transfers.first { $0.recipient == "Microsoft Azure" })
        #expect(!azure.thirdCountry)
        #expect(azure.guarantees.contains("ISO/IEC 27001"))
        #expect(record.subProcessors.map(\.recipient) == ["Microsoft Azure"])
        #expect(record.securityMeasures == SecurityMeasure.sdkMeasures)

        let json = String(decoding: try record.json(), as: UTF8.self)
        #expect(json.contains("\"generatedAt\" : \"2026-03-02T09:00:00Z\""))
        let decoded = try JSONDecoder().decode(ProcessingActivitiesRecord.self, from: try record.json())
        #expect(decoded == record)
        let markdown = record.markdown
        #expect(markdown.contains("# Record of processing activities (GDPR art. 30(2))"))
        #expect(markdown.contains("## Controller Brand SA (tenant brand)"))
        #expect(
            markdown.contains(
                "| CRM Inc. | US | designated_recipient | yes | Adequacy decision: Commission Implementing Decision (EU) 2023/1795"
            ))
        #expect(markdown.contains("- **Evidence log**"))
        let produced = try await f.entries(PrivacyEvidence.recordProduced)
        #expect(produced.first?.payloadDigest == SHA256.hash(try record.json()))
    }

    // SPEC P-12
    @Test("for an authority: every controller of the processor in one record")
    func forAuthority() async throws {
        let a = try await PrivacyFixture.make(tenant: "brand-a")
        let b = try await PrivacyFixture.make(tenant: "brand-b")
        try await a.record()
        try await b.record(PrivacyFixture.terms(purposes: [.participation]))
        let record = ProcessingActivitiesRecord.build(
            processor: PrivacyFixture.processor, hosting: a.privacy.configuration.hosting,
            controllers: [try await b.privacy.recordSource(), try await a.privacy.recordSource()], at: a.clock.now)
        #expect(record.controllers.map(\.tenant) == ["brand-a", "brand-b"])
        #expect(record.controllers[1].processing.first?.purposes == ["participation"])
    }
}
