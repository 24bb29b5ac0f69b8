import Foundation
import KimpleCore

/// A run of late days with the same unpaid balance and the same rate: one line of the breakdown.
public struct LateInterestSegment: Hashable, Sendable, Codable {
    /// The first late day of the run.
    public var from: CivilDate
    /// The last late day of the run, included.
    public var through: CivilDate
    /// The number of days, `from` and `through` included.
    public var days: Int
    /// The unpaid amount including VAT on each of these days.
    public var balance: Money
    /// The half-year of these days.
    public var halfYear: HalfYear
    /// The legal interest rate of that half-year.
    public var legalRate: Percent
    /// The contractual multiplier (3, §4 (i)).
    public var multiplier: Int
    /// `multiplier × legalRate`: the annual rate applied.
    public var annualRate: Percent
    /// The days of the year these days belong to (365, or 366 in a leap year).
    public var yearDays: Int
    /// `balance × annualRate × days / yearDays`, exact (before any rounding).
    public var exactInterest: Decimal

    /// ``exactInterest`` rounded to the cent, for reading. The total is rounded once from the exact sum,
    /// so the rounded lines can differ from it by a cent.
    public var roundedInterest: Money { (try? Money(rounding: exactInterest)) ?? Money(cents: 0) }
}

/// Late interest on one sum, with the breakdown a person checks by hand (C-4).
public struct LateInterestBreakdown: Hashable, Sendable, Codable {
    /// The sum that fell due, including VAT.
    public var amountDue: Money
    /// Its due date: the last day to pay without interest.
    public var dueDate: CivilDate
    /// The day the computation stops: the day of full payment, or the statement date if still unpaid.
    public var through: CivilDate
    /// The day the sum was paid in full, if it was by `through`.
    public var paidInFullOn: CivilDate?
    /// The runs of days, in order.
    public var segments: [LateInterestSegment]
    /// The exact sum of the segments.
    public var exactInterest: Decimal
    /// ``exactInterest`` rounded once to the cent (`Rounding.halfUpToCent`).
    public var interest: Money

    /// The number of late days counted.
    public var lateDays: Int { segments.reduce(0) { $0 + $1.days } }
}

/// The late interest rule of the contract (§4 (i), C-4), as a pure function.
///
/// - Interest runs day by day on the unpaid amount including VAT, from the day after the due date up to
///   and including the day of payment: a sum paid `n` days late bears `n` days of interest (paid on
///   2 March for a due date of 31 January: 30 days). A payment on day `P` reduces the balance from
///   `P + 1`.
/// - Simple interest (no interest on interest).
/// - Each day bears `balance × 3 × legal rate of the day's half-year / days of the day's year` (365 or
///   366). The legal rate is the one for professional creditors (``LegalInterestRateTable``); a day
///   whose half-year is not in the table throws `contract.interest.rate_unknown`.
/// - The day amounts are summed exactly; the total is rounded once to the cent with
///   `Rounding.halfUpToCent`. Internally the total is one division: the numerators of the 365-day and
///   366-day years are brought to the common denominator 365 × 366.
public enum LateInterest {
    /// The contractual multiplier of the legal rate (§4 (i): "trois (3) fois le taux d'intérêt légal").
    public static let contractualMultiplier = 3

    /// The interest on `amountDue` falling due on `dueDate`, given the payments received (dates and
    /// amounts of principal payments), counted up to `asOf` or the day of full payment if earlier.
    ///
    /// Throws `contract.interest.rate_unknown` for a day with no known rate, `core.out_of_range` on
    /// overflow, `money.currency_mismatch` when a payment is in another currency.
    public static func compute(
        amountDue: Money, dueDate: CivilDate, payments: [(receivedOn: CivilDate, amount: Money)], asOf: CivilDate,
        rates: LegalInterestRateTable, multiplier: Int = contractualMultiplier
    ) throws -> LateInterestBreakdown {
        let sorted = payments.filter { $0.receivedOn <= asOf }.sorted { $0.receivedOn < $1.receivedOn }
        var paidInFullOn: CivilDate?
        var cumulative = Money(cents: 0, currency: amountDue.currency)
        for payment in sorted {
            cumulative = try cumulative + payment.amount
            if cumulative >= amountDue {
                paidInFullOn = payment.receivedOn
                break
            }
        }
        let through = min(asOf, paidInFullOn ?? asOf)
        var segments: [LateInterestSegment] = []
        // Numerators in cents × percent, by year length.
        var numerator365 = Decimal(0)
        var numerator366 = Decimal(0)
        var start = dueDate.adding(days: 1)
        var paymentIndex = 0
        var paidBefore = Money(cents: 0, currency: amountDue.currency)
        while start <= through {
            // Payments received before `start` reduce the balance of `start`.
            while paymentIndex < sorted.count, sorted[paymentIndex].receivedOn < start {
                paidBefore = try paidBefore + sorted[paymentIndex].amount
                paymentIndex += 1
            }
            let balance = try amountDue - paidBefore
            guard balance.cents > 0 else { break }
            let halfYear = HalfYear(containing: start)
            var end = min(through, halfYear.lastDay)
            if paymentIndex < sorted.count, sorted[paymentIndex].receivedOn < end {
                // The payment day still bears the old balance; the new one starts the day after.
                end = sorted[paymentIndex].receivedOn
            }
            let days = start.days(to: end) + 1
            let legalRate = try rates.rate(for: halfYear)
            let yearDays = CivilDate.isLeapYear(start.year) ? 366 : 365
            let numerator = Decimal(balance.cents) * Decimal(multiplier) * legalRate.value * Decimal(days)
            if yearDays == 366 { numerator366 += numerator } else { numerator365 += numerator }
            segments.append(
                LateInterestSegment(
                    from: start, through: end, days: days, balance: balance, halfYear: halfYear, legalRate: legalRate,
                    multiplier: multiplier, annualRate: Percent(legalRate.value * Decimal(multiplier)),
                    yearDays: yearDays, exactInterest: numerator / Decimal(yearDays * 10_000)))
            start = end.adding(days: 1)
        }
        // cents → euros (/100) and percent → fraction (/100): one division for the whole total.
        let exact = (numerator365 * 366 + numerator366 * 365) / Decimal(365 * 366 * 10_000)
        return LateInterestBreakdown(
            amountDue: amountDue, dueDate: dueDate, through: through, paidInFullOn: paidInFullOn, segments: segments,
            exactInterest: exact, interest: try Money(rounding: exact, currency: amountDue.currency))
    }
}
