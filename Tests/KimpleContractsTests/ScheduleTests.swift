import Foundation
import KimpleContracts
import KimpleCore
import Testing

/// Contract periods, billing months and invoice pricing (C-1, C-3).
@Suite("Schedule and invoice pricing")
struct ScheduleTests {
    // SPEC C-3: a contract starting on 31 January has monthly periods anchored on the 31st, clamped to
    // each month's end, never drifting to the 28th.
    @Test func thirtyFirstOfJanuaryStart() throws {
        let schedule = try ContractSchedule(start: try day("2026-01-31"), periodMonths: 12)
        let months = schedule.billingMonths(inPeriod: 0)
        #expect(
            months.map(\.first.description) == [
                "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30",
                "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31",
            ])
        #expect(
            months.map(\.last.description) == [
                "2026-02-27", "2026-03-30", "2026-04-29", "2026-05-30", "2026-06-29", "2026-07-30",
                "2026-08-30", "2026-09-29", "2026-10-30", "2026-11-29", "2026-12-30", "2027-01-30",
            ])
        // Contiguous, covering the 365 days of the period exactly.
        for (a, b) in zip(months, months.dropFirst()) { #expect(a.last.adding(days: 1) == b.first) }
        let period = schedule.period(0)
        #expect(period.first == (try day("2026-01-31")))
        #expect(period.last == (try day("2027-01-30")))
        #expect(period.first.days(to: period.last) + 1 == 365)
        // The renewed period starts on 31 January 2027 and its second month on 28 February 2027.
        #expect(schedule.period(1).first == (try day("2027-01-31")))
        #expect(schedule.billingMonth(13).first == (try day("2027-02-28")))
        #expect(schedule.monthIndex(containing: try day("2026-03-30")) == 1)
        #expect(schedule.monthIndex(containing: try day("2026-03-31")) == 2)
        #expect(schedule.period(containing: try day("2027-01-30")).index == 0)
        #expect(schedule.period(containing: try day("2027-01-31")).index == 1)
    }

    // SPEC C-3: a start on 29 February of a leap year.
    @Test func leapDayStart() throws {
        let schedule = try ContractSchedule(start: try day("2024-02-29"), periodMonths: 12)
        #expect(schedule.period(0).last == (try day("2025-02-27")))
        #expect(schedule.period(1).first == (try day("2025-02-28")))
        #expect(schedule.period(4).first == (try day("2028-02-29")))
    }

    // SPEC C-1: a quote with no line, a bad price or a period of 0 months is refused.
    @Test func quoteValidation() async throws {
        await expectError(.contractQuoteInvalid) { try Fixture.content(start: "2026-01-01", lines: []).validate() }
        await expectError(.contractQuoteInvalid) { try Fixture.content(start: "2026-01-01", months: 0).validate() }
        await expectError(.contractQuoteInvalid) {
            try Fixture.content(start: "2026-01-01", lines: [try Fixture.licence("-1.00")]).validate()
        }
        await expectError(.contractQuoteInvalid) { try Fixture.content(start: "2026-01-01", daysToPay: 61).validate() }
        await expectError(.contractQuoteInvalid) {
            try Fixture.content(start: "2026-01-01", discount: Discount(rate: try Percent("120"))).validate()
        }
        await expectError(.contractQuoteInvalid) {
            try Fixture.content(start: "2026-01-01", lines: [try Fixture.licence(), try Fixture.licence()]).validate()
        }
        await expectError(.contractQuoteInvalid) { try LicenceTerritory(countries: ["France"]) }
    }

    // SPEC C-3: VAT per rate on the total before tax, each line's discount rounded once.
    @Test func invoicePricing() throws {
        let lines = [
            ServiceLine(
                id: "a", kind: .operations, label: "Opération A", quantity: 3, unitPrice: try eur("333.33"),
                billing: .monthly),
            ServiceLine(
                id: "b", kind: .operations, label: "Opération B", unitPrice: try eur("0.05"), billing: .monthly),
            ServiceLine(
                id: "c", kind: .other, label: "Livre", unitPrice: try eur("10.00"), billing: .monthly,
                vatRate: try Percent("5.5")),
        ]
        let content = try Fixture.content(
            start: "2026-01-01", lines: lines, discount: Discount(rate: try Percent("10")))
        let terms = ContractTerms(quote: content)
        let month = try ContractSchedule(start: try day("2026-01-01"), periodMonths: 12).billingMonth(0)
        let invoiceLines = try InvoicePricing.lines(for: month, terms: terms)
        // a: 3 × 333.33 = 999.99; 10 % = 99.999 → 100.00; net 899.99.
        // b: 0.05; 10 % = 0.005 → 0.01 (half up); net 0.04.
        // c: 10.00; 10 % = 1.00; net 9.00 at 5.5 %.
        #expect(invoiceLines.map(\.grossAmount) == [try eur("999.99"), try eur("0.05"), try eur("10.00")])
        #expect(invoiceLines.map(\.discountAmount) == [try eur("100.00"), try eur("0.01"), try eur("1.00")])
        #expect(invoiceLines.map(\.netAmount) == [try eur("899.99"), try eur("0.04"), try eur("9.00")])
        let totals = try InvoicePricing.totals(of: invoiceLines)
        // 5.5 %: 9.00 × 0.055 = 0.495 → 0.50.   20 %: (899.99 + 0.04) × 0.2 = 180.006 → 180.01
        // (line by line it would be 180.00 + 0.01 = 180.01 here too, but rounded once on 900.03).
        #expect(totals.byRate.map(\.rate) == [try Percent("5.5"), try Percent("20")])
        #expect(totals.byRate.map(\.netAmount) == [try eur("9.00"), try eur("900.03")])
        #expect(totals.byRate.map(\.vatAmount) == [try eur("0.50"), try eur("180.01")])
        #expect(totals.netAmount == (try eur("909.03")))
        #expect(totals.vatAmount == (try eur("180.51")))
        #expect(totals.totalAmount == (try eur("1089.54")))
    }

    // SPEC C-3: VAT computed once on the total of a rate, not line by line.
    @Test func vatOnTotalNotPerLine() throws {
        // Three lines of 0.03 at 20 %: line by line 0.006 → 0.01 each, 0.03 in all; on the total 0.09 × 0.2 =
        // 0.018 → 0.02.
        let line = ServiceLine(id: "x", kind: .other, label: "x", unitPrice: try eur("0.03"), billing: .monthly)
        let terms = ContractTerms(quote: try Fixture.content(start: "2026-01-01", lines: [line]))
        let one = try InvoicePricing.invoiceLine(line, terms: terms, discount: nil)
        let totals = try InvoicePricing.totals(of: [one, one, one])
        #expect(totals.vatAmount == (try eur("0.02")))
    }
}
