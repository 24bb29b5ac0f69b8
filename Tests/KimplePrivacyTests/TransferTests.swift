import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting
import Testing

@Suite("Transfers outside the EU")
struct TransferTests {
    static let day = CivilDate(unchecked: 2026, 3, 2)
    let table = AdequacyTable.builtIn

    func assess(_ country: String, _ recipient: TransferRecipient? = nil, on day: CivilDate = day) -> TransferAssessment
    {
        table.assess(
            destination: country,
            recipient: recipient ?? TransferRecipient(name: "x", country: country, role: .designatedRecipient), on: day)
    }

    // SPEC P-8
    @Test("EU and EEA countries are allowed")
    func europeanUnionAndEEA() {
        #expect(assess("FR").basis?.kind == .europeanUnion)
        #expect(assess("de").basis?.kind == .europeanUnion)
        #expect(assess("RE").basis?.kind == .europeanUnion)
        #expect(assess("NO").basis?.kind == .europeanEconomicArea)
        #expect(assess("IS").basis?.kind == .europeanEconomicArea)
        #expect(table.europeanUnion.count - 7 == 27)
    }

    // SPEC P-8
    @Test("the United States only for recipients certified under the Data Privacy Framework on the day")
    func unitedStates() {
        let certified = TransferRecipient(
            name: "Mailer Inc.", country: "US", role: .designatedRecipient,
            certifications: [
                RecipientCertification(
                    scheme: .euUSDataPrivacyFramework, since: CivilDate(unchecked: 2024, 5, 1),
                    until: CivilDate(unchecked: 2026, 4, 30))
            ])
        let allowed = assess("US", certified)
        #expect(allowed.isAllowed)
        #expect(allowed.basis?.decision?.reference.contains("2023/1795") == true)
        #expect(allowed.basis?.decision?.inForceFrom == CivilDate(unchecked: 2023, 7, 10))
        let uncertified = TransferRecipient(name: "Other Inc.", country: "US", role: .designatedRecipient)
        let refused = assess("US", uncertified)
        #expect(!refused.isAllowed)
        #expect(refused.explanation.contains("Data Privacy Framework"))
        // The certification lapsed on 30 April 2026; before the framework's decision, nothing.
        #expect(!assess("US", certified, on: CivilDate(unchecked: 2026, 5, 1)).isAllowed)
        #expect(!assess("US", certified, on: CivilDate(unchecked: 2023, 7, 9)).isAllowed)
    }

    // SPEC P-8
    @Test("Canada only for commercial organisations")
    func canada() {
        #expect(assess("CA", TransferRecipient(name: "Shop Ltd", country: "CA", role: .designatedRecipient)).isAllowed)
        let charity = TransferRecipient(
            name: "Charity", country: "CA", role: .designatedRecipient, organisationKind: .nonProfit)
        #expect(!assess("CA", charity).isAllowed)
        let agency = TransferRecipient(
            name: "Agency", country: "CA", role: .designatedRecipient, organisationKind: .publicAuthority)
        #expect(!assess("CA", agency).isAllowed)
    }

    // SPEC P-8
    @Test("the United Kingdom under its 2021 decision, then its renewal, not after 27 December 2031")
    func unitedKingdom() {
        #expect(
            assess("GB", on: CivilDate(unchecked: 2024, 1, 1)).basis?.decision?.reference.contains("2021/1772") == true)
        #expect(
            assess("GB", on: CivilDate(unchecked: 2026, 3, 2)).basis?.decision?.inForceFrom
                == CivilDate(unchecked: 2025, 12, 19))
        #expect(assess("GB", on: CivilDate(unchecked: 2031, 12, 27)).isAllowed)
        #expect(!assess("GB", on: CivilDate(unchecked: 2031, 12, 28)).isAllowed)
    }

    // SPEC P-8
    @Test("the other adequate destinations, Brazil from 26 January 2026, and the European Patent Organisation")
    func otherAdequate() {
        for country in ["AD", "AR", "FO", "GG", "IL", "IM", "JE", "NZ", "KR", "CH", "UY", "JP"] {
            #expect(assess(country).isAllowed, "\(country)")
        }
        #expect(!assess("BR", on: CivilDate(unchecked: 2026, 1, 25)).isAllowed)
        #expect(assess("BR", on: CivilDate(unchecked: 2026, 1, 26)).isAllowed)
        let epo = TransferRecipient(
            name: "European Patent Office", country: "ORG:EPO", role: .designatedRecipient,
            organisationKind: .internationalOrganisation)
        #expect(assess("ORG:EPO", epo).isAllowed)
        #expect(table.decisions.map(\.destination).filter { $0 != "GB" }.count == 16)
    }

    // SPEC P-8
    @Test("a country without an adequacy decision is refused")
    func notAdequate() {
        for country in ["IN", "CN", "RU", "AU", "SG", "ZA"] {
            let assessment = assess(country)
            #expect(!assessment.isAllowed, "\(country)")
            #expect(assessment.explanation.contains("no adequacy decision"))
        }
        #expect(!AdequacyTable.isValidDestinationCode("FRA"))
        #expect(!AdequacyTable.isValidDestinationCode("ORG:"))
    }

    // SPEC P-8
    @Test("the gate checks each destination: named by the instruction, then EU/EEA or adequate on the day")
    func gateDestinations() async throws {
        let f = try await PrivacyFixture.make()
        let dpf = RecipientCertification(
            scheme: .euUSDataPrivacyFramework, since: CivilDate(unchecked: 2025, 1, 1),
            until: CivilDate(unchecked: 2027, 1, 1))
        try await f.record(
            PrivacyFixture.terms(recipients: [
                TransferRecipient(name: "controller", country: "FR", role: .controller),
                TransferRecipient(name: "CRM Inc.", country: "US", role: .designatedRecipient, certifications: [dpf]),
                TransferRecipient(name: "Leads Inc.", country: "US", role: .designatedRecipient),
                TransferRecipient(name: "Shop Ltd", country: "CA", role: .designatedRecipient),
                TransferRecipient(
                    name: "Charity", country: "CA", role: .designatedRecipient, organisationKind: .nonProfit),
                TransferRecipient(name: "Agency Ltd", country: "GB", role: .designatedRecipient),
                TransferRecipient(name: "Outsourcer", country: "IN", role: .designatedRecipient),
            ]))
        func export(_ country: String, _ recipient: String) async -> KimpleError? {
            await kimpleError {
                _ = try await f.gate.authorize(
                    f.request(.export, destination: TransferDestination(country: country, recipient: recipient)))
            }
        }
        #expect(await export("FR", "controller") == nil)
        #expect(await export("US", "CRM Inc.") == nil)
        #expect(await export("US", "Leads Inc.")?.code == .privacyTransferNotAdequate)
        #expect(await export("CA", "Shop Ltd") == nil)
        #expect(await export("CA", "Charity")?.code == .privacyTransferNotAdequate)
        #expect(await export("GB", "Agency Ltd") == nil)
        #expect(await export("IN", "Outsourcer")?.code == .privacyTransferNotAdequate)
        #expect(await export("DE", "controller")?.code == .privacyTransferNotInstructed)
        #expect(await export("US", "Unknown Inc.")?.code == .privacyTransferNotInstructed)
        #expect(try await f.entries(PrivacyEvidence.processingRefused).count == 5)
        // The DPF certification lapses on 1 January 2027: the cached grant does not outlive the day.
        f.clock.set(instant("2027-01-02T09:00:00Z"))
        #expect(await export("US", "CRM Inc.")?.code == .privacyTransferNotAdequate)
    }

    // SPEC P-4, P-8
    @Test("a sub-processor recipient must be on the controller's agreed list")
    func subProcessorRecipient() async throws {
        let f = try await PrivacyFixture.make()
        try await f.record(
            PrivacyFixture.terms(recipients: [
                TransferRecipient(name: "Microsoft Azure", country: "FR", role: .subProcessor),
                TransferRecipient(name: "Mail Relay", country: "DE", role: .subProcessor),
            ]))
        _ = try await f.gate.authorize(
            f.request(.export, destination: TransferDestination(country: "FR", recipient: "Microsoft Azure")))
        let error = await kimpleError {
            _ = try await f.gate.authorize(
                f.request(.export, destination: TransferDestination(country: "DE", recipient: "Mail Relay")))
        }
        #expect(error?.code == .privacySubProcessorNotAgreed)
    }

    // SPEC P-8
    @Test("the table is data: it round-trips through JSON and an updated table changes the rule")
    func tableAsData() throws {
        let json = try table.json()
        let decoded = try AdequacyTable(json: json)
        #expect(decoded == table)
        #expect(String(decoding: json, as: UTF8.self).contains("\"inForceFrom\":\"2023-07-10\""))
        var updated = table
        updated.decisions.removeAll { $0.destination == "US" }
        let reloaded = try AdequacyTable(json: try updated.json())
        let certified = TransferRecipient(
            name: "CRM Inc.", country: "US", role: .designatedRecipient,
            certifications: [
                RecipientCertification(scheme: .euUSDataPrivacyFramework, since: CivilDate(unchecked: 2024, 1, 1))
            ])
        #expect(table.assess(destination: "US", recipient: certified, on: Self.day).isAllowed)
        #expect(!reloaded.assess(destination: "US", recipient: certified, on: Self.day).isAllowed)
        expectCode(.invalidArgument) { try AdequacyTable(json: Data("{\"broken\":true}".utf8)) }
        var bad = table
        bad.europeanUnion["France"] = "France"
        expectCode(.invalidArgument) { try AdequacyTable(json: try bad.json()) }
    }
}
