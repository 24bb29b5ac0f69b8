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

/// The fixed recovery indemnity owed for each invoice paid late (§4 (iii); Code de commerce,
/// art. L441-10 II and D441-5): 40 EUR, configurable upwards, never below.
public struct RecoveryIndemnity: Hashable, Sendable, Codable {
    /// The legal minimum, 40.00 EUR.
    public static let legalMinimum = Money(cents: 4_000)

    /// The indemnity per late invoice.
    public let amount: Money

    /// An indemnity of `amount`; throws `contract.indemnity.below_minimum` below 40.00 EUR or in
    /// another currency.
    public init(amount: Money = RecoveryIndemnity.legalMinimum) throws {
        guard amount.currency == .eur, amount >= Self.legalMinimum else {
            throw KimpleError(
                .contractIndemnityBelowMinimum,
                "The recovery indemnity is at least 40.00 EUR (Code de commerce, art. D441-5; §4 (iii)).",
                context: ["amount": amount.description])
        }
        self.amount = amount
    }

    /// 40.00 EUR.
    public static let legal = RecoveryIndemnity(unchecked: legalMinimum)

    private init(unchecked amount: Money) { self.amount = amount }
}

/// Everything an invoice owes on a given day (C-4): its unpaid amount, the late interest with its
/// breakdown, the recovery indemnity, and what was paid towards those late charges.
public struct LateChargesStatement: Hashable, Sendable, Codable {
    /// The invoice.
    public var invoice: InvoiceNumber
    /// The day of the statement (payments received after it are ignored).
    public var asOf: CivilDate
    /// The amount including VAT still unpaid on `asOf`.
    public var principalBalance: Money
    /// The late interest, with its breakdown.
    public var interest: LateInterestBreakdown
    /// The recovery indemnity: owed once the invoice is late, zero otherwise.
    public var indemnity: Money
    /// Payments imputed to the late charges so far.
    public var lateChargesPaid: Money
    /// `interest + indemnity − lateChargesPaid`.
    public var lateChargesBalance: Money
    /// `principalBalance + lateChargesBalance`: what settles the invoice completely.
    public var totalOwed: Money

    /// Whether the invoice is late on `asOf` (some of it unpaid at the end of its due date).
    public var isLate: Bool { !indemnity.isZero }

    /// The statement of `invoice` on `asOf` (C-4). Throws like ``LateInterest/compute(amountDue:dueDate:payments:asOf:rates:multiplier:)``.
    public static func compute(
        invoice: Invoice, asOf: CivilDate, rates: LegalInterestRateTable, indemnity: RecoveryIndemnity
    ) throws -> LateChargesStatement {
        let known = invoice.payments.filter { $0.receivedOn <= asOf }
        let principal = known.filter { $0.imputation == .principal }.map { ($0.receivedOn, $0.amount) }
        let interest = try LateInterest.compute(
            amountDue: invoice.totals.totalAmount, dueDate: invoice.dueDate,
            payments: principal.map { (receivedOn: $0.0, amount: $0.1) }, asOf: asOf, rates: rates)
        // Late: something was still unpaid at the end of the due date.
        let paidByDueDate = try Money.sum(principal.filter { $0.0 <= invoice.dueDate }.map(\.1))
        let late = asOf > invoice.dueDate && paidByDueDate < invoice.totals.totalAmount
        let owedIndemnity = late ? indemnity.amount : Money(cents: 0)
        let paidCharges = try Money.sum(known.filter { $0.imputation == .lateCharges }.map(\.amount))
        let paidPrincipal = try Money.sum(principal.map(\.1))
        let principalBalance = try invoice.totals.totalAmount - paidPrincipal
        let chargesBalance = try interest.interest + owedIndemnity - paidCharges
        return LateChargesStatement(
            invoice: invoice.number, asOf: asOf, principalBalance: principalBalance, interest: interest,
            indemnity: owedIndemnity, lateChargesPaid: paidCharges, lateChargesBalance: chargesBalance,
            totalOwed: try principalBalance + chargesBalance)
    }
}
