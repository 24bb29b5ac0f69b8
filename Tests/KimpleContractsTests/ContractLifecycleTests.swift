import Foundation
import KimpleContracts
import KimpleCore
import KimpleTesting
import Testing

/// Quotes, contracts, monthly invoices, renewals and ends driven by the clock (C-1, C-2, C-3, C-5, C-7).
@Suite("Contract lifecycle")
struct ContractLifecycleTests {
    // SPEC C-1: a quote becomes a contract only when both parties have signed it.
    @Test func acceptanceNeedsBothSignatures() async throws {
        let f = try await Fixture.make(today: "2025-12-15")
        let quote = try await f.service.createQuote(try Fixture.content(start: "2026-01-01"), by: Fixture.host)
        let first = try await f.service.signQuote(
            quote.id, as: .client, signatory: try Parties.signatory(.client), by: Fixture.host)
        #expect(first.contract == nil)
        #expect(first.quote.missingSignatures == [.provider])
        #expect(try await f.service.contracts().isEmpty)
        await expectError(.contractQuoteAlreadySigned) {
            try await f.service.signQuote(
                quote.id, as: .client, signatory: try Parties.signatory(.client), by: Fixture.host)
        }
        try f.set("2025-12-16")
        let second = try await f.service.signQuote(
            quote.id, as: .provider, signatory: try Parties.signatory(.provider), by: Fixture.host)
        let contract = try #require(second.contract)
        #expect(contract.inForceSince == (try noon("2025-12-16")))  // §3: from the last signature
        #expect(contract.schedule.start == (try day("2026-01-01")))
        #expect(second.quote.isAccepted)
        #expect(second.quote.signatures.allSatisfy { $0.documentDigest == (try? quote.content.digest()) })
        #expect(try await f.service.contracts().map(\.id) == [contract.id])
    }

    // SPEC C-1: a quote past its validity or its period cannot be signed, and nothing changes.
    @Test func expiredQuote() async throws {
        let f = try await Fixture.make(today: "2026-01-10")
        var content = try Fixture.content(start: "2026-02-01")
        content.validUntil = try day("2026-01-31")
        let quote = try await f.service.createQuote(content, by: Fixture.host)
        try f.set("2026-02-01")
        await expectError(.contractQuoteExpired) {
            try await f.service.signQuote(
                quote.id, as: .client, signatory: try Parties.signatory(.client), by: Fixture.host)
        }
        #expect(try await f.service.quote(quote.id).signatures.isEmpty)
    }

    // SPEC C-3, C-2: one invoice per month with gap-free numbers; the discount holds for the first period only.
    @Test func monthlyInvoicesAndRenewal() async throws {
        let f = try await Fixture.make(today: "2025-12-01")
        try await f.service.publishPrice(
            PriceListEntry(code: "kimple-licence", unitPrice: try eur("1000.00"), effectiveFrom: try day("2025-01-01")),
            by: Fixture.host)
        let contract = try await f.signedContract(
            try Fixture.content(start: "2026-01-01", discount: Discount(rate: try Percent("10"))))
        #expect(try await f.service.runDueTasks().invoices.isEmpty)  // nothing starts before 1 January
        try f.set("2026-01-01")
        let january = try #require(try await f.service.runDueTasks().invoices.first)
        // 1,000.00 − 10 % = 900.00 + 20 % VAT = 1,080.00, due 30 days after 1 January.
        #expect(january.number.text == "F-000001")
        #expect(january.issuedOn == (try day("2026-01-01")))
        #expect(january.dueDate == (try day("2026-01-31")))
        #expect(january.totals.netAmount == (try eur("900.00")))
        #expect(january.totals.totalAmount == (try eur("1080.00")))
        #expect(try await f.service.runDueTasks().invoices.isEmpty)  // idempotent
        try f.set("2026-12-31")
        let rest = try await f.service.runDueTasks().invoices
        #expect(rest.map(\.number.sequence) == Array(2...12))
        #expect(rest.allSatisfy { $0.totals.totalAmount == (try? eur("1080.00")) })
        try f.set("2027-01-01")
        let report = try await f.service.runDueTasks()
        let renewal = try #require(report.renewals.first)
        #expect(renewal.pricing.discountDropped)
        #expect(renewal.pricing.decisions.first?.reason == .unchanged)
        // Renewed period: no discount: 1,000.00 + 200.00 VAT.
        #expect(report.invoices.map(\.number.sequence) == [13])
        #expect(report.invoices.first?.totals.totalAmount == (try eur("1200.00")))
        #expect(try await f.service.contract(contract.id).startedPeriods == 2)
    }

    // SPEC C-2: a price change notified three months minus one day before renewal does not apply at that
    // renewal; notified in time, it does; the late one applies at the following renewal.
    @Test func priceChangeNotifiedLate() async throws {
        for (presented, expected2027, reason) in [
            ("2026-10-01", "1200.00", RenewalPriceDecision.Reason.increaseNotifiedInTime),
            ("2026-10-02", "1000.00", .increaseNotifiedLate),
        ] {
            let f = try await Fixture.make(today: "2025-12-01")
            for (price, from) in [("1000.00", "2025-01-01"), ("1200.00", "2027-01-01")] {
                try await f.service.publishPrice(
                    PriceListEntry(code: "kimple-licence", unitPrice: try eur(price), effectiveFrom: try day(from)),
                    by: Fixture.host)
            }
            let contract = try await f.signedContract(try Fixture.content(start: "2026-01-01"))
            try f.set(presented)
            let notice = Notice(
                kind: .priceChange, from: .provider, channel: .registeredLetter, sentOn: try day("2026-09-28"),
                firstPresentedOn: try day(presented))
            try await f.service.notifyPriceChange(
                contract.id,
                PriceChangeNotification(
                    code: "kimple-licence", newPrice: try eur("1200.00"), effectiveFrom: try day("2027-01-01"),
                    notice: notice), by: Fixture.host)
            try f.set("2027-01-01")
            let report = try await f.service.runDueTasks()
            let decision = try #require(report.renewals.first?.pricing.decisions.first)
            // Renewal on 1 January 2027: the notice had to be presented by 1 October 2026.
            #expect(report.renewals.first?.pricing.notificationDeadline == (try day("2026-10-01")))
            #expect(decision.reason == reason)
            #expect(decision.appliedPrice == (try eur(expected2027)))
            #expect(report.invoices.last?.totals.netAmount == (try eur(expected2027)))
            // At the next renewal the same letter is more than three months old: the list price applies.
            try f.set("2028-01-01")
            let next = try await f.service.runDueTasks()
            #expect(next.renewals.first?.pricing.decisions.first?.appliedPrice == (try eur("1200.00")))
            #expect(next.invoices.last?.totals.netAmount == (try eur("1200.00")))
        }
    }

    // SPEC C-2: a decrease applies without notice; an e-mail notification is refused.
    @Test func priceDecreaseAndEmailNotification() async throws {
        let f = try await Fixture.make(today: "2025-12-01")
        try await f.service.publishPrice(
            PriceListEntry(code: "kimple-licence", unitPrice: try eur("900.00"), effectiveFrom: try day("2026-06-01")),
            by: Fixture.host)
        let contract = try await f.signedContract(try Fixture.content(start: "2026-01-01"))
        let email = Notice(
            kind: .priceChange, from: .provider, channel: .email, sentOn: try day("2025-12-01"),
            firstPresentedOn: try day("2025-12-01"))
        await expectError(.contractNoticeChannelNotAllowed) {
            try await f.service.notifyPriceChange(
                contract.id,
                PriceChangeNotification(
                    code: "kimple-licence", newPrice: try eur("900.00"), effectiveFrom: try day("2026-06-01"),
                    notice: email), by: Fixture.host)
        }
        #expect(try await f.service.contract(contract.id).notices.isEmpty)
        try f.set("2027-01-01")
        let decision = try #require(try await f.service.runDueTasks().renewals.first?.pricing.decisions.first)
        #expect(decision.reason == .decrease)
        #expect(decision.appliedPrice == (try eur("900.00")))
    }

    // SPEC C-5, C-7: a non-renewal in time ends the contract at the end of the period; the end is published
    // so that the reversibility window opens; nothing is invoiced after it.
    @Test func nonRenewalEndsAndPublishes() async throws {
        let f = try await Fixture.make(today: "2025-12-01")
        let contract = try await f.signedContract(try Fixture.content(start: "2026-01-01"))
        try f.set("2026-09-30")
        let email = Notice(
            kind: .nonRenewal, from: .client, channel: .email, sentOn: try day("2026-09-30"),
            firstPresentedOn: try day("2026-09-30"))
        await expectError(.contractNoticeChannelNotAllowed) {
            try await f.service.giveNonRenewal(contract.id, notice: email, by: Fixture.host)
        }
        #expect(try await f.service.contract(contract.id).nonRenewal == nil)  // refused: nothing recorded
        let letter = Notice(
            kind: .nonRenewal, from: .client, channel: .registeredLetter, sentOn: try day("2026-09-28"),
            firstPresentedOn: try day("2026-09-30"))
        let decision = try await f.service.giveNonRenewal(contract.id, notice: letter, by: Fixture.host)
        #expect(decision.inTime)
        await expectError(.contractNonRenewalAlreadyGiven) {
            try await f.service.giveNonRenewal(contract.id, notice: letter, by: Fixture.host)
        }
        try f.set("2026-12-31")
        let before = try await f.service.runDueTasks()
        #expect(before.ended.isEmpty)
        #expect(before.invoices.count == 12)
        #expect(try await f.service.serviceState(of: contract.id) == .active)
        try f.set("2027-01-01")
        let report = try await f.service.runDueTasks()
        #expect(report.ended == [contract.id])
        #expect(report.renewals.isEmpty)
        #expect(report.invoices.isEmpty)
        #expect(report.published == [contract.id])
        // Effective end: midnight at the end of 31 December 2026 in Paris = 23:00 UTC.
        #expect(
            f.listener.calls == [
                .init(
                    tenant: "brand", contract: contract.id.rawValue,
                    effectiveEnd: try ISO8601.instant("2026-12-31T23:00:00Z"))
            ])
        #expect(try await f.service.serviceState(of: contract.id) == .ended)
        let end = try #require(try await f.service.contract(contract.id).end)
        #expect(end.settlement.survivingClauses == [4, 8, 9, 10, 11, 12, 15])
        #expect(end.published)
        try f.set("2027-03-01")
        #expect(try await f.service.runDueTasks().invoices.isEmpty)
        #expect(f.listener.calls.count == 1)
    }

    // SPEC C-7: a failed publication is retried at the next run.
    @Test func endPublicationIsRetried() async throws {
        let f = try await Fixture.make(today: "2025-12-01")
        let contract = try await f.signedContract(try Fixture.content(start: "2026-01-01", months: 1))
        try f.set("2026-01-05")
        try await f.service.giveNonRenewal(
            contract.id,
            notice: Notice(
                kind: .nonRenewal, from: .provider, channel: .registeredLetter, sentOn: try day("2025-10-01"),
                firstPresentedOn: try day("2025-10-01")), by: Fixture.host)
        f.listener.fail(next: 1)
        try f.set("2026-02-01")
        let first = try await f.service.runDueTasks()
        #expect(first.ended == [contract.id])
        #expect(first.publicationFailures[contract.id] != nil)
        #expect(f.listener.calls.isEmpty)
        let second = try await f.service.runDueTasks()
        #expect(second.published == [contract.id])
        #expect(f.listener.calls.count == 1)
    }
}
