import Foundation
import KimpleContracts
import KimpleCore
import KimpleTesting
import Testing

/// Amounts are bounded where they enter the SDK, and the billing run isolates a contract that cannot be
/// invoiced (C-1, C-3).
@Suite("Amount bounds and billing isolation")
struct AmountBoundsTests {
    /// A monthly line of `cents` cents, `quantity` times.
    private func line(
        _ id: ServiceLineID, cents: Int64, quantity: Int = 1, billing: ServiceLine.Billing = .monthly
    ) -> ServiceLine {
        ServiceLine(
            id: id, kind: .operations, label: "Opérations", quantity: quantity, unitPrice: Money(cents: cents),
            billing: billing)
    }

    // SPEC C-1: a quote's line above the maximum per line (quantity × unit price) is refused with
    // `contract.amount.too_large` when the quote is created, before anyone can sign it; the maximum
    // itself is accepted.
    @Test func aLineAboveTheMaximumIsRefusedBeforeSigning() async throws {
        let f = try await Fixture.make(today: "2025-12-01")
        let maximum = InvoicePricing.maximumLineAmount
        for tooLarge in [
            line("huge", cents: Int64.max / 2),
            line("huge", cents: maximum.cents + 1),
            line("huge", cents: maximum.cents / 2 + 1, quantity: 2),
            line("huge", cents: 1_000_000_000, quantity: 1_000_000),
        ] {
            await expectError(.contractAmountTooLarge) {
                try await f.service.createQuote(
                    try Fixture.content(start: "2026-01-01", lines: [tooLarge]), by: Fixture.host)
            }
        }
        #expect(try await f.service.quotes().isEmpty)
        _ = try await f.service.createQuote(
            try Fixture.content(start: "2026-01-01", lines: [line("max", cents: maximum.cents)]), by: Fixture.host)
    }

    // SPEC C-3: the lines of a quote together cannot make an invoice above the maximum per invoice
    // (total including VAT): its first invoice bills every line.
    @Test func aQuoteWhoseFirstInvoiceWouldExceedTheMaximumIsRefused() async throws {
        let f = try await Fixture.make(today: "2025-12-01")
        let perLine = InvoicePricing.maximumLineAmount.cents
        // 10 lines at the maximum, plus 20 % of VAT: 120 % of 10 maximum lines, above the invoice maximum.
        let lines = try (0..<10).map { line(try ServiceLineID("l\($0)"), cents: perLine, billing: .once) }
        await expectError(.contractAmountTooLarge) {
            try await f.service.createQuote(try Fixture.content(start: "2026-01-01", lines: lines), by: Fixture.host)
        }
        // Without VAT the same lines fit exactly.
        var content = try Fixture.content(start: "2026-01-01", lines: lines)
        content.vatRate = .zero
        _ = try await f.service.createQuote(content, by: Fixture.host)
    }

    // SPEC C-1, C-2: list prices, price notifications and amendments are bounded the same way.
    @Test func listPricesNotificationsAndAmendmentsAreBounded() async throws {
        let f = try await Fixture.make(today: "2025-12-01")
        let tooLarge = Money(cents: InvoicePricing.maximumLineAmount.cents + 1)
        await expectError(.contractAmountTooLarge) {
            try await f.service.publishPrice(
                PriceListEntry(code: "kimple-licence", unitPrice: tooLarge, effectiveFrom: try day("2027-01-01")),
                by: Fixture.host)
        }
        #expect(try await f.service.priceList().entries.isEmpty)
        let contract = try await f.signedContract(try Fixture.content(start: "2026-01-01"))
        let changes: [[TermsChange]] = [
            [.setUnitPrice("licence", tooLarge)],
            [.setQuantity("licence", 1_000_000)],
            [.addLine(line("huge", cents: Int64.max / 2))],
        ]
        for change in changes {
            await expectError(.contractAmountTooLarge) {
                try await f.service.proposeAmendment(
                    contract.id, description: "Larger order", changes: change, effectiveFrom: try day("2026-02-01"),
                    proposedBy: .client, by: Fixture.host)
            }
        }
    }

    // SPEC C-3: a contract that cannot be invoiced (here one stored before amounts were bounded, with a
    // line of Int64.max / 2 cents) never stops nor corrupts the billing of the tenant's other contracts:
    // the run invoices the others, reports it with its id and code, and changes nothing of it; every run
    // reports it again, and invoice numbers stay gap-free.
    @Test func aContractThatCannotBeInvoicedIsReportedAndTheOthersAreBilled() async throws {
        let f = try await Fixture.make(today: "2025-12-01")
        let normal = try await f.signedContract(try Fixture.content(start: "2026-01-01"))
        let broken = try await f.signedContract(try Fixture.content(start: "2026-01-01"))
        // What a contract signed before the bounds looks like: its line priced Int64.max / 2 cents.
        let store = try await f.storage.documentStore(ContractService.storeName)
        let key = "contract/\(broken.id.rawValue)"
        let document = try #require(try await store.get(key))
        let text = try #require(String(data: document.value, encoding: .utf8))
        let huge = String(Money(cents: Int64.max / 2).description.prefix { $0 != " " })
        #expect(text.contains("\"1000.00\""))
        _ = try await store.replace(
            key, expectedVersion: document.version,
            with: Data(text.replacingOccurrences(of: "\"1000.00\"", with: "\"\(huge)\"").utf8))
        let before = try #require(try await store.get(key))

        for (month, expected) in [("2026-01-01", "F-000001"), ("2026-02-01", "F-000002")] {
            try f.set(month)
            let report = try await f.service.runDueTasks()
            #expect(report.invoices.map(\.contractID) == [normal.id])
            #expect(report.invoices.map(\.number.text) == [expected])
            #expect(report.failures.map(\.contract) == [broken.id])
            #expect(report.failures.map(\.code) == [.contractAmountTooLarge])
            #expect(try await store.get(key) == before)
        }
        let invoices = try await f.service.invoices()
        #expect(invoices.map(\.contractID) == [normal.id, normal.id])
        #expect(invoices.allSatisfy { $0.totals.totalAmount == (try? eur("1200.00")) })
    }
}
