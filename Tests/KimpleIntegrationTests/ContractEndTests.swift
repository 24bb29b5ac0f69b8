import Foundation
import KimpleContracts
import KimpleCore
import KimpleGames
import KimplePrivacy
import KimpleTesting
import Testing

/// The end of a contract in KimpleContracts opening the privacy module's reversibility window
/// in front of the games' exports, then the destruction (C-7, P-9, P-10).
@Suite("Integration: end of contract, reversibility and destruction")
struct ContractEndTests {
    static let host = Principal.host("finance")

    static func day(_ text: String) throws -> CivilDate { try CivilDate(text) }

    /// A six-month licence from 1 January 2026, quoted and signed by both parties.
    static func signedContract(_ contracts: ContractService) async throws -> Contract {
        let content = QuoteContent(
            purpose: .newContract(ContractPlan(start: try day("2026-01-01"), months: 6)),
            provider: try Party(legalName: "Cassiop SAS", registrationNumber: "527871842", address: "Roubaix, France"),
            client: try Party(legalName: "Brand SA", registrationNumber: "123456789", address: "Paris, France"),
            lines: [
                ServiceLine(
                    id: "licence", kind: .licenceSubscription, label: "Licence Kimple", code: "kimple-licence",
                    unitPrice: try Money.eur("1000.00"), billing: .monthly)
            ], territory: try LicenceTerritory(countries: ["FR"]), paymentTerms: PaymentTerms(daysToPay: 30))
        let quote = try await contracts.createQuote(content, by: host)
        _ = try await contracts.signQuote(
            quote.id, as: .client, signatory: try Signatory(name: "A. Client", capacity: "CEO"), by: host)
        let signing = try await contracts.signQuote(
            quote.id, as: .provider, signatory: try Signatory(name: "C. Provider", capacity: "CEO"), by: host)
        return try #require(signing.contract)
    }

    func exportParticipants(_ p: Platform) async throws -> ExportReceipt {
        try await p.exports.exportParticipants(
            of: try await p.operations.operation(Platform.operationID), from: p.participations, format: .jsonLines,
            by: .user("jeanne"), destination: TransferDestination(country: "FR", recipient: "controller"),
            to: InMemoryExportSink())
    }

    // SPEC C-5, C-7, P-9, P-10, G-11, K-5: the client's non-renewal ends the contract on 30 June
    // 2026; KimpleContracts tells the privacy module through its ContractEndListener (the
    // router); the 45-day window runs to the end of 15 August in Paris: the participants
    // export through the games' ExportService is granted inside it, a new participation is
    // not, and the export is refused after it; then every games holder is erased with a
    // destruction certificate chained into the evidence log.
    // On the file backend with the file outbox, the destruction is proven by the bytes: no
    // file under the data root holds a participant's address or source afterwards.
    @Test("a contract's end opens the 45-day window: exports inside, refused after, then destruction")
    func reversibilityWindow() async throws {
        try await withTemporaryDirectory { directory in
            let files = try FileStorage(root: directory)
            defer { files.close() }
            let p = try await Platform.make(
                backend: files, start: Platform.instant("2025-12-01T11:00:00Z"), outbox: true)
            let outbox = try #require(p.outbox)
            defer { outbox.close() }
            try await reversibilityWindow(p, directory: directory)
        }
    }

    func reversibilityWindow(_ p: Platform, directory: URL) async throws {
        let router = ContractEndRouter()
        router.register(p.privacy.reversibility)
        let contracts = try await ContractService(storage: p.storage, clock: p.clock, endListeners: [router])
        let contract = try await Self.signedContract(contracts)
        p.clock.set(Platform.instant("2026-03-02T11:00:00Z"))
        let decision = try await contracts.giveNonRenewal(
            contract.id,
            notice: Notice(
                kind: .nonRenewal, from: .client, channel: .registeredLetter, sentOn: try Self.day("2026-02-27"),
                firstPresentedOn: try Self.day("2026-03-02")), by: Self.host)
        let lastDay = try Self.day("2026-06-30")
        #expect(decision.inTime)
        #expect(decision.lastDay == lastDay)

        // The campaign of June, as usual.
        p.clock.set(Platform.setupAt)
        try await p.instruct()
        for holder in try ParticipantRobotEvents.holders(participations: p.participations, robotEvents: p.robotEvents) {
            try p.privacy.holders.register(holder, instruction: Platform.instruction)
        }
        try await p.launch()
        for n in 0..<3 {
            #expect(try await p.submit("person\(n)@example.com", source: "203.0.113.\(n + 1)").isAccepted)
        }
        #expect(!(try filesContain("person0@example.com", under: directory)).isEmpty)

        // The day after the last day: the contract ends and its end is published to privacy.
        p.clock.set(Platform.instant("2026-07-01T10:00:00Z"))
        let due = try await contracts.runDueTasks(by: Self.host)
        #expect(due.ended == [contract.id] && due.published == [contract.id])
        let end = try #require(try await p.privacy.reversibility.record())
        #expect(end.state.effectiveEnd == Platform.instant("2026-06-30T22:00:00Z"))
        #expect(end.state.reversibilityEnd == Platform.instant("2026-08-15T22:00:00Z"))
        #expect(!(try p.messages(of: .privacyContractEnded)).isEmpty)

        // Inside the window: exports yes, new processing no.
        p.clock.set(Platform.instant("2026-08-15T21:59:59Z"))
        let receipt = try await exportParticipants(p)
        #expect(receipt.rows == 3)
        let participation = await kimpleError {
            _ = try await p.gate.authorize(
                ProcessingRequest(
                    tenant: Platform.tenant, instruction: Platform.instruction, purpose: .participation,
                    categories: [.email], principal: .system("games.intake"), subject: "operation:summer-2026"))
        }
        #expect(participation?.code == .privacyContractEnded)

        // After the window: the export is refused before anything is written, and logged.
        p.clock.set(Platform.instant("2026-08-15T22:00:00Z"))
        let exportsBefore = try await p.entries("games.export").count
        let late = await kimpleError { _ = try await exportParticipants(p) }
        #expect(late?.code == .privacyReversibilityClosed)
        #expect(try await p.entries("games.export").count == exportsBefore)
        #expect(try await p.entries("privacy.processing.refused").contains { $0.details.contains("purpose export") })

        // Destruction: every registered games holder is emptied, with a certificate.
        try await p.privacy.reversibility.recordChoice(.destroy, by: .user("jeanne"))
        let certificate = try await p.privacy.reversibility.finalise(by: .system("privacy.reversibility"))
        #expect(certificate.isComplete)
        let holders = certificate.findings.holders
        #expect(holders.map(\.holder) == ["games.robot_events", "games.participations"])
        #expect(holders.map(\.recordsAfter) == [0, 0])
        #expect(holders.last?.recordsBefore == 3 && holders.last?.recordsErased == 3)
        #expect(try certificate.findingsMatch())
        #expect(try await p.evidence.verify(against: certificate.evidenceHead).isIntact)
        #expect(try await p.participations.recordCount() == 0)
        #expect(try await p.participations.records(of: .email("person0@example.com")).isEmpty)
        #expect(!(try p.messages(of: .privacyDestructionCertificate)).isEmpty)
        _ = try await p.outbox?.deliverPending { _ in }
        for n in 0..<3 {
            for trace in ["person\(n)@example.com", "203.0.113.\(n + 1)"] {
                #expect(try filesContain(trace, under: directory).isEmpty, "\(trace) is still on disk")
            }
        }
        // From then on, even the window's exports are over for good.
        #expect(await kimpleError { _ = try await exportParticipants(p) } != nil)
    }
}
