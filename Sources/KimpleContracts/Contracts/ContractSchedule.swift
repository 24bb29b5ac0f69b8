import Foundation
import KimpleCore

/// One contractual period (§3 "Période Contractuelle"): its first and last days, both included.
public struct ContractPeriod: Hashable, Sendable, Codable {
    /// 0 for the first period, 1 for the first renewal...
    public var index: Int
    /// The first day.
    public var first: CivilDate
    /// The last day (the period ends at the end of it, Paris time).
    public var last: CivilDate

    /// The first day of the next period: the renewal date.
    public var renewalDate: CivilDate { last.adding(days: 1) }

    /// Whether `date` lies in the period.
    public func contains(_ date: CivilDate) -> Bool { first <= date && date <= last }
}

/// One month of billing (C-3): a month of the contract, counted from its first day.
public struct BillingMonth: Hashable, Sendable, Codable {
    /// 0 for the contract's first month, counting on across renewals.
    public var index: Int
    /// The contractual period it belongs to.
    public var periodIndex: Int
    /// The first day.
    public var first: CivilDate
    /// The last day, included.
    public var last: CivilDate
}

/// The calendar of a contract: its periods and billing months, all anchored on the first day of the
/// first period (C-1, C-2, C-3).
///
/// Month arithmetic follows ``CivilDate/adding(months:)``: the same day of the month, clamped to the
/// month's last day. Every boundary is computed from the anchor, never from the previous boundary, so
/// a contract starting on 31 January has months starting on 31 January, 28 (or 29) February, 31 March,
/// 30 April, 31 May... and never drifts to the 28th. Month `n` runs from `start + n months` to the day
/// before `start + (n + 1) months`.
public struct ContractSchedule: Hashable, Sendable, Codable {
    /// The first day of the first period.
    public let start: CivilDate
    /// The length of every period in months.
    public let periodMonths: Int

    /// A schedule; throws `contract.quote.invalid` unless `periodMonths` is 1...120 and the start year
    /// leaves room for the contract (before 9000).
    public init(start: CivilDate, periodMonths: Int) throws {
        guard (1...120).contains(periodMonths), start.year < 9000 else {
            throw KimpleError(
                .contractQuoteInvalid, "A contractual period lasts 1 to 120 months and starts before the year 9000.",
                context: ["start": start.description, "months": String(periodMonths)])
        }
        self.start = start
        self.periodMonths = periodMonths
    }

    /// The first day of billing month `index` (negative indexes count back from the start).
    public func firstDay(ofMonth index: Int) -> CivilDate { start.adding(months: index) }

    /// Billing month `index`.
    public func billingMonth(_ index: Int) -> BillingMonth {
        BillingMonth(
            index: index, periodIndex: floorDivide(index, periodMonths), first: firstDay(ofMonth: index),
            last: firstDay(ofMonth: index + 1).adding(days: -1))
    }

    /// Period `index` (0: the first).
    public func period(_ index: Int) -> ContractPeriod {
        ContractPeriod(
            index: index, first: firstDay(ofMonth: index * periodMonths),
            last: firstDay(ofMonth: (index + 1) * periodMonths).adding(days: -1))
    }

    /// The billing months of period `index`, in order.
    public func billingMonths(inPeriod index: Int) -> [BillingMonth] {
        (index * periodMonths..<(index + 1) * periodMonths).map(billingMonth)
    }

    /// The index of the billing month that contains `date` (negative before the start).
    public func monthIndex(containing date: CivilDate) -> Int {
        var index = (date.year - start.year) * 12 + (date.month - start.month)
        while firstDay(ofMonth: index) > date { index -= 1 }
        while firstDay(ofMonth: index + 1) <= date { index += 1 }
        return index
    }

    /// The period that contains `date` (period 0 for a date before the start).
    public func period(containing date: CivilDate) -> ContractPeriod {
        period(max(0, floorDivide(monthIndex(containing: date), periodMonths)))
    }

    private func floorDivide(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
