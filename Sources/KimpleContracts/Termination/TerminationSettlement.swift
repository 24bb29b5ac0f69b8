import Foundation
import KimpleCore

/// Why a contract ends.
public enum TerminationGround: Hashable, Sendable, Codable {
    /// A party did not renew (§6.1): the contract ends at the end of a period.
    case nonRenewal(by: PartyRole)
    /// A party terminated after the other's uncured breach (§6.2).
    case breach(defaulting: PartyRole)
    /// A party terminated after a force majeure of more than a month (§14.3).
    case forceMajeure(requestedBy: PartyRole)

    /// Whether the contract ended because Cassiop was at fault: the only case in which the client does
    /// not owe the whole current period (§6.3 (iii)).
    public var isProviderFault: Bool { self == .breach(defaulting: .provider) }
}

/// The consequences of the end of a contract (§6.3, C-7), as values a person checks.
public struct TerminationSettlement: Hashable, Sendable, Codable {
    /// The clauses that survive the end (§6.3): payment (4), intellectual property (8), warranty (9),
    /// liability (10), personal data (11), reversibility (12), law and jurisdiction (15).
    public static let survivingClauses = [4, 8, 9, 10, 11, 12, 15]

    /// Why the contract ends.
    public var ground: TerminationGround
    /// The contract's last day.
    public var lastDay: CivilDate
    /// The instant services stop (§6.3 (i)): the end of the last day, or the instant of an immediate
    /// termination.
    public var effectiveEnd: Date
    /// The period running on the last day.
    public var currentPeriod: ContractPeriod
    /// Whether the client owes the whole current period (every ground but Cassiop's breach, §6.3 (iii)).
    public var clientOwesWholePeriod: Bool
    /// The last billing month owed: the current period's last month, or — on Cassiop's breach — the
    /// month of the last day.
    public var lastBilledMonth: Int
    /// The billing months owed but not invoiced yet: invoiced at once when the contract ends.
    public var monthsToInvoice: [BillingMonth]
    /// The clauses that survive.
    public var survivingClauses: [Int]

    /// Settles the end of a contract (C-7).
    ///
    /// - Parameters:
    ///   - ground: why it ends.
    ///   - lastDay: its last day.
    ///   - effectiveEnd: when services stop.
    ///   - schedule: its periods and months.
    ///   - invoicedMonths: how many billing months were invoiced already (months `0..<invoicedMonths`).
    public static func settle(
        ground: TerminationGround, lastDay: CivilDate, effectiveEnd: Date, schedule: ContractSchedule,
        invoicedMonths: Int
    ) -> TerminationSettlement {
        let period = schedule.period(containing: lastDay)
        let owesPeriod = !ground.isProviderFault
        let lastMonth =
            owesPeriod
            ? (period.index + 1) * schedule.periodMonths - 1 : max(0, schedule.monthIndex(containing: lastDay))
        let toInvoice = invoicedMonths <= lastMonth ? (invoicedMonths...lastMonth).map(schedule.billingMonth) : []
        return TerminationSettlement(
            ground: ground, lastDay: lastDay, effectiveEnd: effectiveEnd, currentPeriod: period,
            clientOwesWholePeriod: owesPeriod, lastBilledMonth: lastMonth, monthsToInvoice: toInvoice,
            survivingClauses: survivingClauses)
    }
}
