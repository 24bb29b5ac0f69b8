import Foundation
import KimpleContracts
import KimpleCore
import KimpleTesting
import Synchronization
import Testing

/// Payments, suspension, acceleration and invoice numbering (C-3, C-4).
@Suite("Billing")
struct BillingTests {
    /// A contract from 1 January 2026 (1,000.00 a month, 30 days to pay) with January invoiced.
    private func januaryInvoiced() async throws -> (Fixture, Contract, Invoice) {
        let f = try await Fixture.make(today: "2025-12-01")
        let contract = try await f.signedContract(try Fixture.content(start: "2026-01-01"))
        try f.set("2026-01-01")
        let invoice = try #require(try await f.service.runDueTasks().invoices.first)
        return (f, contract, invoice)
    }

    // SPEC C-4: payments are recorded against invoices; an invoice is paid when its balance is zero.
    @Test func paymentsAndBalance() async throws {
        let (f, _, invoice) = try await januaryInvoiced()
        try f.set("2026-01-20")
        await expectError(.contractPaymentInvalid) {
            try await f.service.recordPayment(
                invoice.number, amount: try eur("0.00"), receivedOn: try day("2026-01-20"), by: Fixture.host)
        }
        await expectError(.contractPaymentInvalid) {
            try await f.service.recordPayment(
                invoice.number, amount: try eur("1.00"), receivedOn: try day("2026-01-21"), by: Fixture.host)
        }
        let partial = try await f.service.recordPayment(
            invoice.number, amount: try eur("200.00"), receivedOn: try day("2026-01-20"), by: Fixture.host)
        #expect(partial.balance == (try eur("1000.00")))
        #expect(!partial.isPaid)
        await expectError(.contractPaymentExceedsBalance) {
            try await f.service.recordPayment(
                invoice.number, amount: try eur("1000.01"), receivedOn: try day("2026-01-20"), by: Fixture.host)
        }
        let paid = try await f.service.recordPayment(
            invoice.number, amount: try eur("1000.00"), receivedOn: try day("2026-01-20"), reference: "VIR-77",
            by: Fixture.host)
        #expect(paid.isPaid)
        // A retry with the same bank reference records nothing twice; the reference cannot be reused.
        let retried = try await f.service.recordPayment(
            invoice.number, amount: try eur("1000.00"), receivedOn: try day("2026-01-20"), reference: "VIR-77",
            by: Fixture.host)
        #expect(retried.payments.count == 2)
        await expectError(.contractPaymentInvalid) {
            try await f.service.recordPayment(
                invoice.number, amount: try eur("5.00"), receivedOn: try day("2026-01-20"), reference: "VIR-77",
                by: Fixture.host)
        }
        #expect(paid.paidOn == (try day("2026-01-20")))
        #expect(try await f.service.lateChargesStatement(invoice.number).totalOwed.isZero)
    }

    // SPEC C-4: suspension needs an overdue invoice, lasts until everything is paid — interest and
    // indemnity included — and its start and end are events with reasons.
    @Test func suspensionUntilEverythingIsPaid() async throws {
        let (f, contract, invoice) = try await januaryInvoiced()
        try f.set("2026-01-31")
        await expectError(.contractSuspensionNotAllowed) {
            try await f.service.suspendServices(contract.id, reason: "unpaid", by: Fixture.host)
        }
        try f.set("2026-02-10")
        let suspended = try await f.service.suspendServices(
            contract.id, reason: "Relance restée sans effet", by: Fixture.host)
        #expect(suspended.suspension?.reason == "Relance restée sans effet; overdue: F-000001")
        #expect(try await f.service.serviceState(of: contract.id) == .suspendedForNonPayment)
        try f.set("2026-03-02")
        try await f.service.recordPayment(
            invoice.number, amount: try eur("1200.00"), receivedOn: try day("2026-03-02"), by: Fixture.host)
        // The principal is paid, but not the late charges: still suspended.
        #expect(try await f.service.serviceState(of: contract.id) == .suspendedForNonPayment)
        // 1,200.00 × 7.86 % × 30 / 365 = 7.75 EUR + 40.00 EUR indemnity = 47.75 EUR.
        let statement = try await f.service.lateChargesStatement(invoice.number)
        #expect(statement.interest.interest == (try eur("7.75")))
        #expect(statement.lateChargesBalance == (try eur("47.75")))
        await expectError(.contractPaymentExceedsBalance) {
            try await f.service.recordPayment(
                invoice.number, amount: try eur("47.76"), receivedOn: try day("2026-03-02"), imputation: .lateCharges,
                by: Fixture.host)
        }
        try await f.service.recordPayment(
            invoice.number, amount: try eur("47.75"), receivedOn: try day("2026-03-02"), imputation: .lateCharges,
            by: Fixture.host)
        // Nothing else is owed (the scheduler has not issued February's invoice in this test).
        let lifted = try await f.service.contract(contract.id)
        #expect(lifted.suspension == nil)
        #expect(lifted.events.map(\.kind).suffix(2) == ["contract.suspended", "contract.suspension.lifted"])
        #expect(lifted.events.last?.detail == "everything paid, interest and indemnities included")
        #expect(try await f.service.serviceState(of: contract.id) == .active)
        await expectError(.contractNotSuspended) {
            try await f.service.liftSuspension(contract.id, reason: "x", by: Fixture.host)
        }
    }

    // SPEC C-4: on acceleration, the remaining sums of the period become due at once.
    @Test func acceleration() async throws {
        let (f, contract, _) = try await januaryInvoiced()
        try f.set("2026-02-01")
        let february = try #require(try await f.service.runDueTasks().invoices.first)
        #expect(february.dueDate == (try day("2026-03-03")))
        try f.set("2026-01-31")
        await expectError(.contractAccelerationNotAllowed) {
            try await f.service.accelerate(contract.id, by: Fixture.host)
        }
        try f.set("2026-02-15")
        let (accelerated, issued) = try await f.service.accelerate(contract.id, by: Fixture.host)
        // March to December are invoiced today, due today; February's due date moves to today.
        #expect(issued.count == 10)
        #expect(issued.map(\.number.sequence) == Array(3...12))
        #expect(issued.allSatisfy { $0.issuedOn == (try? day("2026-02-15")) && $0.dueDate == (try? day("2026-02-15")) })
        #expect(accelerated.acceleratedOn == (try day("2026-02-15")))
        #expect(accelerated.invoicedMonths == 12)
        let moved = try await f.service.invoice(february.number)
        #expect(moved.dueDate == (try day("2026-02-15")))
        #expect(moved.originalDueDate == (try day("2026-03-03")))
        // The clock issues nothing more for this period.
        try f.set("2026-06-01")
        #expect(try await f.service.runDueTasks().invoices.isEmpty)
        // Interest on the accelerated sums runs from the day after the acceleration.
        let account = try await f.service.account(of: contract.id, asOf: try day("2026-02-16"))
        #expect(account.overdue.count == 12)
    }

    // SPEC C-3: invoice numbers have no gaps and no duplicates under concurrent issuing, in memory and on file.
    @Test(arguments: ["memory", "file"])
    func gapFreeNumbersUnderConcurrency(backendKind: String) async throws {
        try await withTemporaryDirectory { directory in
            let fileStorage = backendKind == "file" ? try FileStorage(root: directory) : nil
            defer { fileStorage?.close() }
            let backend: any StorageBackend = fileStorage ?? InMemoryStorage()
            let f = try await Fixture.make(today: "2025-12-01", backend: backend)
            var contracts: [ContractID] = []
            for _ in 0..<6 { contracts.append(try await f.signedContract(try Fixture.content(start: "2026-01-01")).id) }
            try f.set("2026-03-01")
            // Four schedulers run at once: each month of each contract is invoiced once (3 × 6 = 18).
            let issued = try await withThrowingTaskGroup(of: [Invoice].self) { group in
                for _ in 0..<4 { group.addTask { try await f.service.runDueTasks().invoices } }
                var all: [Invoice] = []
                for try await invoices in group { all += invoices }
                return all
            }
            #expect(issued.count == 18)
            let stored = try await f.service.invoices()
            #expect(stored.map(\.number.sequence) == Array(1...18))
            var months = Set<String>()
            for invoice in stored {
                guard case .month(let month) = invoice.subject else { continue }
                #expect(months.insert("\(invoice.contractID)/\(month.index)").inserted)
            }
            #expect(months.count == 18)
            // Concurrent supplementary quotes (invoiced on acceptance) continue the same sequence.
            let quotes = try await withThrowingTaskGroup(of: Quote.self) { group in
                for (n, contract) in contracts.enumerated() {
                    group.addTask {
                        let line = ServiceLine(
                            id: try ServiceLineID("creation-\(n)"), kind: .graphicCreation, label: "Visuel",
                            unitPrice: try eur("500.00"), billing: .once)
                        var content = try Fixture.content(start: "2026-01-01", lines: [line])
                        content.purpose = .supplement(contract)
                        return try await f.service.createQuote(content, by: Fixture.host)
                    }
                }
                var all: [Quote] = []
                for try await quote in group { all.append(quote) }
                return all
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for quote in quotes {
                    group.addTask {
                        _ = try await f.service.signQuote(
                            quote.id, as: .client, signatory: try Parties.signatory(.client), by: Fixture.host)
                        _ = try await f.service.signQuote(
                            quote.id, as: .provider, signatory: try Parties.signatory(.provider), by: Fixture.host)
                    }
                }
                group.addTask { _ = try await f.service.runDueTasks() }
                try await group.waitForAll()
            }
            #expect(try await f.service.invoices().map(\.number.sequence) == Array(1...24))
        }
    }

    // SPEC C-3: a refused change consumes no invoice number.
    @Test func refusedChangeConsumesNoNumber() async throws {
        let (f, contract, _) = try await januaryInvoiced()
        try f.set("2026-01-15")
        await expectError(.contractAccelerationNotAllowed) {
            try await f.service.accelerate(contract.id, by: Fixture.host)
        }
        try f.set("2026-02-01")
        #expect(try await f.service.runDueTasks().invoices.map(\.number.text) == ["F-000002"])
    }

    // SPEC C-4, K-5: every action is in the tenant's evidence log, whose chain verifies.
    @Test func actionsAreEvidenced() async throws {
        let (f, _, invoice) = try await januaryInvoiced()
        try f.set("2026-01-20")
        try await f.service.recordPayment(
            invoice.number, amount: try eur("1200.00"), receivedOn: try day("2026-01-20"), by: .host("accounting"))
        let log = try await EvidenceLog.open(f.storage, clock: f.clock)
        let entries = try await log.entries()
        #expect(
            entries.map(\.action) == [
                "contract.quote.created", "contract.quote.signed", "contract.quote.signed", "contract.created",
                "contract.invoice.issued", "contract.payment.recorded",
            ])
        #expect(entries.last?.principal == .host("accounting"))
        #expect(entries.last?.subject == "invoice:F-000001")
        #expect(try await log.verify().isIntact)
    }
}
