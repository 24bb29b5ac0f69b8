import Foundation
import KimpleContracts
import KimpleCore
import Testing

/// Late interest, the recovery indemnity and the rate table (C-4, §4).
@Suite("Late payment")
struct LateInterestTests {
    let rates = LegalInterestRateTable.professionalCreditor

    // SPEC C-4: 1,000.00 EUR due 31 January 2026, paid 2 March 2026.
    @Test func interestOnOneThousandDueEndOfJanuary() throws {
        // Late days: 1 February .. 2 March 2026 = 28 + 2 = 30 days (the payment day bears interest).
        // 2026-S1 legal rate 2.62 % × 3 = 7.86 %; 2026 has 365 days.
        // 1,000.00 × 0.0786 × 30 / 365 = 2,358 / 365 = 6.46027... → 6.46 EUR.
        let breakdown = try LateInterest.compute(
            amountDue: try eur("1000.00"), dueDate: try day("2026-01-31"),
            payments: [(receivedOn: try day("2026-03-02"), amount: try eur("1000.00"))], asOf: try day("2026-04-30"),
            rates: rates)
        #expect(breakdown.lateDays == 30)
        #expect(breakdown.interest == (try eur("6.46")))
        #expect(breakdown.paidInFullOn == (try day("2026-03-02")))
        #expect(breakdown.through == (try day("2026-03-02")))
        let segment = try #require(breakdown.segments.first)
        #expect(breakdown.segments.count == 1)
        #expect(segment.from == (try day("2026-02-01")))
        #expect(segment.through == (try day("2026-03-02")))
        #expect(segment.legalRate == (try Percent("2.62")))
        #expect(segment.annualRate == (try Percent("7.86")))
        #expect(segment.yearDays == 365)
        #expect(isClose(segment.exactInterest, (try decimal("2358")) / 365))
    }

    // SPEC C-4: paid on the due date, nothing; one day late, one day of interest.
    @Test func dueDateBearsNoInterestTheNextDayDoes() throws {
        let onTime = try LateInterest.compute(
            amountDue: try eur("1000.00"), dueDate: try day("2026-01-31"),
            payments: [(try day("2026-01-31"), try eur("1000.00"))], asOf: try day("2026-03-31"), rates: rates)
        #expect(onTime.lateDays == 0)
        #expect(onTime.interest.isZero)
        // 10,000.00 × 0.0786 / 365 = 2.1534... → 2.15 EUR for the single day 1 February.
        let oneDay = try LateInterest.compute(
            amountDue: try eur("10000.00"), dueDate: try day("2026-01-31"),
            payments: [(try day("2026-02-01"), try eur("10000.00"))], asOf: try day("2026-03-31"), rates: rates)
        #expect(oneDay.lateDays == 1)
        #expect(oneDay.interest == (try eur("2.15")))
    }

    // SPEC C-4: across the half-year boundary of 1 July 2025, each day at its half-year's rate, and the
    // total rounded once.
    @Test func acrossHalfYearBoundary() throws {
        // Due 15 June 2025, paid 15 July 2025: 30 late days.
        // 16–30 June: 15 days at 3 × 3.71 % = 11.13 %: 1,000 × 0.1113 × 15 / 365 = 4.5739... (→ 4.57)
        // 1–15 July:  15 days at 3 × 2.76 % =  8.28 %: 1,000 × 0.0828 × 15 / 365 = 3.4027... (→ 3.40)
        // Exact total 2,911.5 / 365 = 7.9767... → 7.98 EUR. Rounding each line first would give 7.97.
        let breakdown = try LateInterest.compute(
            amountDue: try eur("1000.00"), dueDate: try day("2025-06-15"),
            payments: [(try day("2025-07-15"), try eur("1000.00"))], asOf: try day("2025-12-31"), rates: rates)
        #expect(breakdown.segments.map(\.days) == [15, 15])
        #expect(breakdown.segments.map(\.halfYear.description) == ["2025-S1", "2025-S2"])
        #expect(breakdown.segments.map(\.annualRate) == [try Percent("11.13"), try Percent("8.28")])
        #expect(breakdown.segments.map(\.roundedInterest) == [try eur("4.57"), try eur("3.40")])
        #expect(breakdown.interest == (try eur("7.98")))
        #expect(isClose(breakdown.exactInterest, (try decimal("2911.5")) / 365))
    }

    // SPEC C-4: across 29 February 2024, a leap year counts 366 days.
    @Test func acrossLeapDay() throws {
        // Due 15 February 2024, paid 15 March 2024: 16–29 February (14 days) + 1–15 March (15) = 29 days.
        // 2024-S1: 3 × 5.07 % = 15.21 %, over 366 days: 1,000 × 0.1521 × 29 / 366 = 12.0516... → 12.05 EUR.
        // (Over 365 days it would be 12.08; without 29 February, 28 days, 11.64.)
        let breakdown = try LateInterest.compute(
            amountDue: try eur("1000.00"), dueDate: try day("2024-02-15"),
            payments: [(try day("2024-03-15"), try eur("1000.00"))], asOf: try day("2024-12-31"), rates: rates)
        #expect(breakdown.lateDays == 29)
        #expect(breakdown.segments.map(\.yearDays) == [366])
        #expect(breakdown.interest == (try eur("12.05")))
    }

    // SPEC C-4: from a leap year to a common year, each day over the days of its own year.
    @Test func acrossYearEnd() throws {
        // Due 15 December 2024, paid 15 January 2025.
        // 16–31 Dec 2024: 16 days × 1,000 × 3 × 4.92 % / 366 = 2,361.6 / 366 = 6.4524...
        // 1–15 Jan 2025:  15 days × 1,000 × 3 × 3.71 % / 365 = 1,669.5 / 365 = 4.5739...
        // Total 11.0264... → 11.03 EUR.
        let breakdown = try LateInterest.compute(
            amountDue: try eur("1000.00"), dueDate: try day("2024-12-15"),
            payments: [(try day("2025-01-15"), try eur("1000.00"))], asOf: try day("2025-06-30"), rates: rates)
        #expect(breakdown.segments.map(\.days) == [16, 15])
        #expect(breakdown.segments.map(\.yearDays) == [366, 365])
        #expect(breakdown.interest == (try eur("11.03")))
    }

    // SPEC C-4: interest runs on the unpaid amount: a partial payment lowers it from the next day.
    @Test func partialPayment() throws {
        // 1,000.00 due 31 January 2026; 400.00 received 10 February; 600.00 received 2 March.
        // 1–10 Feb: 10 days on 1,000: 786 / 365;  11 Feb–2 Mar: 20 days on 600: 943.2 / 365.
        // Total 1,729.2 / 365 = 4.7375... → 4.74 EUR.
        let breakdown = try LateInterest.compute(
            amountDue: try eur("1000.00"), dueDate: try day("2026-01-31"),
            payments: [(try day("2026-03-02"), try eur("600.00")), (try day("2026-02-10"), try eur("400.00"))],
            asOf: try day("2026-06-30"), rates: rates)
        #expect(breakdown.segments.map(\.days) == [10, 20])
        #expect(breakdown.segments.map(\.balance) == [try eur("1000.00"), try eur("600.00")])
        #expect(breakdown.interest == (try eur("4.74")))
    }

    // SPEC C-4: an unpaid sum bears interest up to the statement date, included.
    @Test func unpaidUpToStatementDate() throws {
        let breakdown = try LateInterest.compute(
            amountDue: try eur("1000.00"), dueDate: try day("2026-01-31"), payments: [], asOf: try day("2026-03-02"),
            rates: rates)
        #expect(breakdown.paidInFullOn == nil)
        #expect(breakdown.interest == (try eur("6.46")))
    }

    // SPEC C-4: a day with no known rate is an error, never a guess; the host adds the half-year.
    @Test func unknownRateIsAnError() async throws {
        let compute = { (table: LegalInterestRateTable) in
            try LateInterest.compute(
                amountDue: try eur("1000.00"), dueDate: try day("2026-06-15"), payments: [],
                asOf: try day("2026-07-15"), rates: table)
        }
        await expectError(.contractInterestRateUnknown) { try compute(rates) }
        let extended = try rates.adding(try HalfYear(year: 2026, half: 2), rate: try Percent("3.00"))
        // 15 days at 7.86 % + 15 days at 9.00 %: (1,179 + 1,350) / 365 = 6.9287... → 6.93 EUR.
        #expect(try compute(extended).interest == (try eur("6.93")))
        await expectError(.contractInterestRateConflict) {
            try extended.adding(try HalfYear(year: 2026, half: 2), rate: try Percent("3.10"))
        }
        #expect(try extended.adding(try HalfYear(year: 2026, half: 2), rate: try Percent("3.00")) == extended)
    }

    // SPEC C-4: the shipped table, as data, round-trips through JSON.
    @Test func rateTableIsData() throws {
        let table = LegalInterestRateTable.professionalCreditor
        #expect(try table.rate(for: try HalfYear(year: 2024, half: 1)) == (try Percent("5.07")))
        #expect(try table.rate(for: try HalfYear(year: 2024, half: 2)) == (try Percent("4.92")))
        #expect(try table.rate(for: try HalfYear(year: 2025, half: 1)) == (try Percent("3.71")))
        #expect(try table.rate(for: try HalfYear(year: 2025, half: 2)) == (try Percent("2.76")))
        #expect(try table.rate(for: try HalfYear(year: 2026, half: 1)) == (try Percent("2.62")))
        let json = try JSONCoding.encode(table)
        #expect(String(decoding: json, as: UTF8.self).contains(#""2026-S1":"2.62""#))
        #expect(try JSONCoding.decode(LegalInterestRateTable.self, from: json) == table)
    }

    // SPEC C-4: the recovery indemnity is at least 40 EUR.
    @Test func recoveryIndemnityFloor() async throws {
        #expect(RecoveryIndemnity.legal.amount == (try eur("40.00")))
        #expect(try RecoveryIndemnity(amount: try eur("55.00")).amount == (try eur("55.00")))
        await expectError(.contractIndemnityBelowMinimum) { try RecoveryIndemnity(amount: try eur("39.99")) }
    }

    // SPEC C-4: the statement of an invoice adds the indemnity once it is late and subtracts late charges paid.
    @Test func statementOfALateInvoice() throws {
        let lines = [
            try InvoicePricing.invoiceLine(try Fixture.licence("1000.00"), terms: terms(), discount: nil)
        ]
        var invoice = Invoice(
            number: InvoiceNumber(sequence: 7, prefix: "F-"), contractID: "c1",
            subject: .supplement("q1"), provider: try Parties.provider(), client: try Parties.client(),
            issuedOn: try day("2026-01-01"), dueDate: try day("2026-01-31"), originalDueDate: nil,
            paymentTerms: PaymentTerms(daysToPay: 30), lines: lines, totals: try InvoicePricing.totals(of: lines),
            payments: [])
        // 1,000.00 + 20 % VAT = 1,200.00 EUR.
        #expect(invoice.totals.totalAmount == (try eur("1200.00")))
        let onDueDate = try LateChargesStatement.compute(
            invoice: invoice, asOf: try day("2026-01-31"), rates: rates, indemnity: .legal)
        #expect(!onDueDate.isLate)
        #expect(onDueDate.totalOwed == (try eur("1200.00")))
        invoice.payments.append(
            Payment(amount: try eur("1200.00"), receivedOn: try day("2026-03-02"), recordedAt: try noon("2026-03-02")))
        // 1,200 × 0.0786 × 30 / 365 = 7.7523... → 7.75 EUR, + 40.00 indemnity.
        let late = try LateChargesStatement.compute(
            invoice: invoice, asOf: try day("2026-03-10"), rates: rates, indemnity: .legal)
        #expect(late.principalBalance.isZero)
        #expect(late.interest.interest == (try eur("7.75")))
        #expect(late.indemnity == (try eur("40.00")))
        #expect(late.totalOwed == (try eur("47.75")))
        invoice.payments.append(
            Payment(
                amount: try eur("47.75"), receivedOn: try day("2026-03-10"), imputation: .lateCharges,
                recordedAt: try noon("2026-03-10")))
        let settled = try LateChargesStatement.compute(
            invoice: invoice, asOf: try day("2026-03-10"), rates: rates, indemnity: .legal)
        #expect(settled.totalOwed.isZero)
    }

    // SPEC C-4: an invoice of zero is never late.
    @Test func zeroInvoiceIsNeverLate() throws {
        let free = ServiceLine(id: "free", kind: .other, label: "Offert", unitPrice: Money(cents: 0), billing: .once)
        let lines = [try InvoicePricing.invoiceLine(free, terms: terms(), discount: nil)]
        let invoice = Invoice(
            number: InvoiceNumber(sequence: 1, prefix: "F-"), contractID: "c1", subject: .supplement("q1"),
            provider: try Parties.provider(), client: try Parties.client(), issuedOn: try day("2026-01-01"),
            dueDate: try day("2026-01-31"), paymentTerms: PaymentTerms(daysToPay: 30), lines: lines,
            totals: try InvoicePricing.totals(of: lines))
        let statement = try LateChargesStatement.compute(
            invoice: invoice, asOf: try day("2026-03-01"), rates: rates, indemnity: .legal)
        #expect(!statement.isLate)
        #expect(statement.totalOwed.isZero)
        #expect(!invoice.isLate(on: try day("2026-03-01")))
    }

    private func terms() throws -> ContractTerms {
        ContractTerms(quote: try Fixture.content(start: "2026-01-01"))
    }
}
