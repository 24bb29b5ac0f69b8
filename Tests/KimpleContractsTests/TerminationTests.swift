import Foundation
import KimpleContracts
import KimpleCore
import Testing

/// Termination for breach and for force majeure, and their consequences (C-6, C-7, C-10).
@Suite("Termination")
struct TerminationTests {
    private func running() async throws -> (Fixture, Contract) {
        let f = try await Fixture.make(today: "2025-12-01")
        let contract = try await f.signedContract(try Fixture.content(start: "2026-01-01"))
        try f.set("2026-04-01")
        try await f.service.runDueTasks()  // January to April invoiced
        return (f, contract)
    }

    private func termination(from: PartyRole, presented: String) throws -> Notice {
        Notice(
            kind: .termination, from: from, channel: .registeredLetter, sentOn: try day(presented),
            firstPresentedOn: try day(presented))
    }

    // SPEC C-6, C-7: after an uncured breach by the client, Cassiop terminates with immediate effect; the
    // client owes the whole current period, invoiced at once; the end is published.
    @Test func terminationForClientBreach() async throws {
        let (f, contract) = try await running()
        try f.set("2026-04-30")
        let breach = try await f.service.notifyBreach(
            contract.id,
            notice: Notice(
                kind: .breach, from: .provider, channel: .registeredLetter, sentOn: try day("2026-04-28"),
                firstPresentedOn: try day("2026-04-30")), description: "Invoices unpaid", by: Fixture.host)
        #expect(breach.cureDeadline == (try day("2026-06-09")))
        try f.set("2026-06-09")
        await expectError(.contractTerminationNotAllowed) {
            try await f.service.terminateForBreach(
                contract.id, breach: breach.id, notice: try termination(from: .provider, presented: "2026-06-09"),
                by: Fixture.host)
        }
        try f.set("2026-06-10")
        await expectError(.contractNoticeInvalid) {  // only the party that notified the breach terminates
            try await f.service.terminateForBreach(
                contract.id, breach: breach.id, notice: try termination(from: .client, presented: "2026-06-10"),
                by: Fixture.host)
        }
        let settlement = try await f.service.terminateForBreach(
            contract.id, breach: breach.id, notice: try termination(from: .provider, presented: "2026-06-10"),
            by: Fixture.host)
        #expect(settlement.ground == .breach(defaulting: .client))
        #expect(settlement.clientOwesWholePeriod)
        #expect(settlement.lastDay == (try day("2026-06-10")))
        #expect(settlement.effectiveEnd == (try noon("2026-06-10")))
        #expect(settlement.lastBilledMonth == 11)
        // May to December (months 4 ... 11) invoiced at once.
        #expect(settlement.monthsToInvoice.map(\.index) == Array(4...11))
        let invoices = try await f.service.invoices(of: contract.id)
        #expect(invoices.count == 12)
        #expect(invoices.suffix(8).allSatisfy { $0.issuedOn == (try? day("2026-06-10")) })
        #expect(f.listener.calls.map(\.effectiveEnd) == [try noon("2026-06-10")])
        #expect(try await f.service.serviceState(of: contract.id) == .ended)
        await expectError(.contractEnded) {
            try await f.service.suspendServices(contract.id, reason: "x", by: Fixture.host)
        }
        // Clause 4 survives: payments and late interest continue after the end.
        try f.set("2026-06-30")
        let first = try #require(invoices.first)
        try await f.service.recordPayment(
            first.number, amount: try eur("1200.00"), receivedOn: try day("2026-06-30"), by: Fixture.host)
        #expect(try await f.service.lateChargesStatement(first.number).isLate)
        #expect(try await f.service.runDueTasks().invoices.isEmpty)
    }

    // SPEC C-7: when Cassiop is the party in breach, the client does not owe the rest of the period.
    @Test func terminationForProviderBreach() async throws {
        let (f, contract) = try await running()
        try f.set("2026-04-02")
        let breach = try await f.service.notifyBreach(
            contract.id,
            notice: Notice(
                kind: .breach, from: .client, channel: .registeredLetter, sentOn: try day("2026-04-01"),
                firstPresentedOn: try day("2026-04-02")), description: "Platform unavailable", by: Fixture.host)
        try f.set("2026-05-20")
        let settlement = try await f.service.terminateForBreach(
            contract.id, breach: breach.id, notice: try termination(from: .client, presented: "2026-05-20"),
            by: Fixture.host)
        #expect(!settlement.clientOwesWholePeriod)
        #expect(settlement.ground.isProviderFault)
        // The month of the end (May, month 4) is owed; nothing after it.
        #expect(settlement.monthsToInvoice.map(\.index) == [4])
        #expect(try await f.service.invoices(of: contract.id).count == 5)
    }

    // SPEC C-6: a breach cured within the cure period gives no right to terminate.
    @Test func curedBreach() async throws {
        let (f, contract) = try await running()
        let breach = try await f.service.notifyBreach(
            contract.id,
            notice: Notice(
                kind: .breach, from: .provider, channel: .registeredLetter, sentOn: try day("2026-03-30"),
                firstPresentedOn: try day("2026-04-01")), description: "Invoices unpaid", by: Fixture.host)
        try f.set("2026-04-20")
        let cured = try await f.service.recordCure(
            contract.id, breach: breach.id, curedOn: try day("2026-04-20"), by: Fixture.host)
        #expect(cured.curedInTime)
        try f.set("2026-06-01")
        await expectError(.contractTerminationNotAllowed) {
            try await f.service.terminateForBreach(
                contract.id, breach: breach.id, notice: try termination(from: .provider, presented: "2026-06-01"),
                by: Fixture.host)
        }
        #expect(try await f.service.serviceState(of: contract.id) == .active)
    }

    // SPEC C-10: force majeure suspends services but not payment; after more than a month either party
    // may terminate.
    @Test func forceMajeure() async throws {
        let (f, contract) = try await running()
        let event = try ForceMajeureEvent(
            declaredBy: .provider, description: "Datacentre fire", startedOn: try day("2026-04-10"),
            declaredAt: try noon("2026-04-10"))
        try f.set("2026-04-10")
        try await f.service.declareForceMajeure(contract.id, event, by: Fixture.host)
        #expect(try await f.service.serviceState(of: contract.id) == .suspendedByForceMajeure)
        // Payment is not suspended: May is invoiced and bears interest if late.
        try f.set("2026-05-01")
        #expect(try await f.service.runDueTasks().invoices.count == 1)
        try f.set("2026-05-10")
        await expectError(.contractTerminationNotAllowed) {
            try await f.service.terminateForForceMajeure(
                contract.id, event: event.id, notice: try termination(from: .client, presented: "2026-05-10"),
                by: Fixture.host)
        }
        try f.set("2026-05-11")
        let settlement = try await f.service.terminateForForceMajeure(
            contract.id, event: event.id, notice: try termination(from: .client, presented: "2026-05-11"),
            by: Fixture.host)
        #expect(settlement.ground == .forceMajeure(requestedBy: .client))
        #expect(settlement.clientOwesWholePeriod)  // §6.3 (iii): only Cassiop's breach exempts
        #expect(f.listener.calls.count == 1)
    }

    // SPEC C-10: once the force majeure has ended, the contract resumes and that ground lapses.
    @Test func forceMajeureEnded() async throws {
        let (f, contract) = try await running()
        let event = try ForceMajeureEvent(
            declaredBy: .client, description: "Strike", startedOn: try day("2026-04-01"),
            declaredAt: try noon("2026-04-01"))
        try await f.service.declareForceMajeure(contract.id, event, by: Fixture.host)
        try f.set("2026-05-15")
        try await f.service.endForceMajeure(
            contract.id, event: event.id, endedOn: try day("2026-05-10"), by: Fixture.host)
        #expect(try await f.service.serviceState(of: contract.id) == .active)
        await expectError(.contractTerminationNotAllowed) {
            try await f.service.terminateForForceMajeure(
                contract.id, event: event.id, notice: try termination(from: .provider, presented: "2026-05-15"),
                by: Fixture.host)
        }
    }
}
