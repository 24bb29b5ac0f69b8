import Foundation
import KimpleContracts
import KimpleCore
import Testing

/// Amendments, assignment and the reference consent (C-12, C-15).
@Suite("Amendments, assignment, references")
struct ChangesTests {
    private func running() async throws -> (Fixture, Contract) {
        let f = try await Fixture.make(today: "2025-12-01")
        let contract = try await f.signedContract(try Fixture.content(start: "2026-01-01"))
        try f.set("2026-02-01")
        try await f.service.runDueTasks()  // January and February invoiced
        return (f, contract)
    }

    // SPEC C-12: an amendment binds only once signed by both parties, from its effective date, versioned.
    @Test func amendmentNeedsBothSignatures() async throws {
        let (f, contract) = try await running()
        try f.set("2026-02-10")
        let operations = ServiceLine(
            id: "operations", kind: .operations, label: "Pack opérations", unitPrice: try eur("300.00"),
            billing: .monthly)
        let proposed = try await f.service.proposeAmendment(
            contract.id, description: "Pack opérations et nouveau prix de licence",
            changes: [.addLine(operations), .setUnitPrice("licence", try eur("1100.00"))],
            effectiveFrom: try day("2026-04-01"), proposedBy: .client, by: Fixture.host)
        #expect(proposed.number == 1)
        try await f.service.signAmendment(
            contract.id, number: 1, as: .client, signatory: try Parties.signatory(.client), by: Fixture.host)
        await expectError(.contractAmendmentNotSigned) {
            try await f.service.requireSignedAmendment(contract.id, number: 1)
        }
        try f.set("2026-03-01")
        let march = try #require(try await f.service.runDueTasks().invoices.first)
        #expect(march.totals.netAmount == (try eur("1000.00")))  // one signature: old terms
        let signed = try await f.service.signAmendment(
            contract.id, number: 1, as: .provider, signatory: try Parties.signatory(.provider), by: Fixture.host)
        #expect(signed.isSigned)
        try await f.service.requireSignedAmendment(contract.id, number: 1)
        try f.set("2026-04-01")
        let april = try #require(try await f.service.runDueTasks().invoices.first)
        // 1,100.00 + 300.00 = 1,400.00 before VAT from April.
        #expect(april.totals.netAmount == (try eur("1400.00")))
        let stored = try await f.service.contract(contract.id)
        #expect(stored.revisions.map(\.origin) == [.amendment(1)])
        #expect(try stored.terms(on: try day("2026-03-31")).lines.count == 1)
        #expect(try stored.terms(on: try day("2026-04-01")).lines.count == 2)
        await expectError(.contractQuoteAlreadySigned) {
            try await f.service.signAmendment(
                contract.id, number: 1, as: .client, signatory: try Parties.signatory(.client), by: Fixture.host)
        }
    }

    // SPEC C-12, C-3: a one-off line added by amendment is billed once, on the first month that has it;
    // a user's action through the service is attributed to the client.
    @Test func oneOffLineByAmendment() async throws {
        let (f, contract) = try await running()
        try await f.service.createUser(
            "alice", displayName: "Alice", password: "correct horse battery", by: Fixture.host)
        let setup = ServiceLine(
            id: "setup", kind: .other, label: "Paramétrage", unitPrice: try eur("250.00"), billing: .once)
        try await f.service.proposeAmendment(
            contract.id, description: "Paramétrage", changes: [.addLine(setup)], effectiveFrom: try day("2026-03-01"),
            proposedBy: .client, by: .user("alice"))
        for party in PartyRole.allCases {
            try await f.service.signAmendment(
                contract.id, number: 1, as: party, signatory: try Parties.signatory(party), by: Fixture.host)
        }
        try f.set("2026-04-01")
        let invoices = try await f.service.runDueTasks().invoices
        #expect(invoices.map { $0.lines.map(\.sourceLine.rawValue) } == [["licence", "setup"], ["licence"]])
        let log = try await EvidenceLog.open(f.storage, clock: f.clock)
        let proposal = try #require(try await log.entries().first { $0.action == "contract.amendment.proposed" })
        #expect(proposal.principal == .user("alice"))
        #expect(proposal.details.hasPrefix("attributed to client brand; "))
    }

    // SPEC C-12: anything else is a typed error: a stale, retroactive, empty or unknown amendment, a change
    // of client by amendment.
    @Test func amendmentErrors() async throws {
        let (f, contract) = try await running()
        await expectError(.contractAmendmentInvalid) {  // February is invoiced already
            try await f.service.proposeAmendment(
                contract.id, description: "x", changes: [.setQuantity("licence", 2)],
                effectiveFrom: try day("2026-02-15"),
                proposedBy: .client, by: Fixture.host)
        }
        await expectError(.contractAmendmentInvalid) {
            try await f.service.proposeAmendment(
                contract.id, description: "x", changes: [], effectiveFrom: try day("2026-04-01"), proposedBy: .client,
                by: Fixture.host)
        }
        await expectError(.contractAmendmentInvalid) {
            try await f.service.proposeAmendment(
                contract.id, description: "x", changes: [.removeLine("unknown")], effectiveFrom: try day("2026-04-01"),
                proposedBy: .client, by: Fixture.host)
        }
        await expectError(.contractAssignmentConsentRequired) {
            try await f.service.proposeAmendment(
                contract.id, description: "x", changes: [.setClient(try Parties.provider())],
                effectiveFrom: try day("2026-04-01"), proposedBy: .client, by: Fixture.host)
        }
        await expectError(.contractAmendmentNotFound) {
            try await f.service.signAmendment(
                contract.id, number: 9, as: .client, signatory: try Parties.signatory(.client), by: Fixture.host)
        }
        // Two amendments proposed on the same terms: once the first is in force, the second is stale.
        for n in 1...2 {
            try await f.service.proposeAmendment(
                contract.id, description: "Quantité \(n + 1)", changes: [.setQuantity("licence", n + 1)],
                effectiveFrom: try day("2026-04-01"), proposedBy: .client, by: Fixture.host)
        }
        try await f.service.signAmendment(
            contract.id, number: 2, as: .client, signatory: try Parties.signatory(.client), by: Fixture.host)
        for party in PartyRole.allCases {
            try await f.service.signAmendment(
                contract.id, number: 1, as: party, signatory: try Parties.signatory(party), by: Fixture.host)
        }
        await expectError(.contractAmendmentStale) {
            try await f.service.signAmendment(
                contract.id, number: 2, as: .provider, signatory: try Parties.signatory(.provider), by: Fixture.host)
        }
        await expectError(.contractSignatureInvalid) { try Signatory(name: " ", capacity: "Gérant") }
    }

    // SPEC C-12: assignment only with Cassiop's prior written consent.
    @Test func assignment() async throws {
        let (f, contract) = try await running()
        let assignee = try Party(legalName: "NewBrand SAS", address: "2 avenue de France, 75013 Paris")
        await expectError(.contractAssignmentConsentRequired) {
            try await f.service.assignContract(
                contract.id, to: assignee, effectiveFrom: try day("2026-03-01"), consent: nil, by: Fixture.host)
        }
        let late = WrittenConsent(signatory: try Parties.signatory(.provider), signedOn: try day("2026-03-02"))
        await expectError(.contractAssignmentConsentRequired) {
            try await f.service.assignContract(
                contract.id, to: assignee, effectiveFrom: try day("2026-03-01"), consent: late, by: Fixture.host)
        }
        let consent = WrittenConsent(
            signatory: try Parties.signatory(.provider), signedOn: try day("2026-02-01"), reference: "LRAR 1A0001")
        let assigned = try await f.service.assignContract(
            contract.id, to: assignee, effectiveFrom: try day("2026-03-01"), consent: consent, by: Fixture.host)
        #expect(assigned.assignments.first?.assignor.legalName == "Brand SA")
        try f.set("2026-03-01")
        let march = try #require(try await f.service.runDueTasks().invoices.first)
        #expect(march.client.legalName == "NewBrand SAS")
        #expect(try await f.service.invoices(of: contract.id).first?.client.legalName == "Brand SA")
    }

    // SPEC C-15: the client's reference consent is recorded with the quote, changes by amendment, and ends
    // with the contract (clause 13 does not survive).
    @Test func referenceConsent() async throws {
        let f = try await Fixture.make(today: "2025-12-01")
        let contract = try await f.signedContract(
            try Fixture.content(start: "2026-01-01", months: 1, consent: ReferenceConsent(scopes: [.referenceList])))
        let stored = try await f.service.contract(contract.id)
        #expect(try stored.terms(on: try day("2026-01-01")).referenceConsent.scopes == [.referenceList])
        #expect(stored.mayCiteAsReference(.referenceList, at: f.clock.now, on: try day("2025-12-01")))
        #expect(!stored.mayCiteAsReference(.pressReleases, at: f.clock.now, on: try day("2025-12-01")))
        // The stored form is canonical (sorted), so a signature's digest does not depend on set order.
        let json = String(decoding: try JSONCoding.encode(ReferenceConsent.asInTheContract), as: UTF8.self)
        #expect(json == #"{"scopes":["caseStudy","operationsShowcase","pressReleases","referenceList"]}"#)
        try await f.service.proposeAmendment(
            contract.id, description: "Retrait du consentement", changes: [.setReferenceConsent(.refused)],
            effectiveFrom: try day("2026-01-01"), proposedBy: .client, by: Fixture.host)
        for party in PartyRole.allCases {
            try await f.service.signAmendment(
                contract.id, number: 1, as: party, signatory: try Parties.signatory(party), by: Fixture.host)
        }
        try f.set("2026-01-05")
        let amended = try await f.service.contract(contract.id)
        #expect(!amended.mayCiteAsReference(.referenceList, at: f.clock.now, on: try day("2026-01-05")))
    }
}
