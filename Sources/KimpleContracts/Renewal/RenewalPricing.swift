import Foundation
import KimpleCore

/// How one line is priced at a renewal, and why (C-2): what a person checks against the price list
/// and the notification letters.
public struct RenewalPriceDecision: Hashable, Sendable, Codable {
    /// Why the line has its renewal price.
    public enum Reason: String, Hashable, Sendable, Codable {
        /// The line has no price list code: it keeps its price.
        case noPriceListCode
        /// The price list has no price for the code on the renewal date: the line keeps its price.
        case notInPriceList
        /// The list price is the previous price.
        case unchanged
        /// The list price is lower: it applies without notice (the notice protects the client from increases).
        case decrease
        /// The increase was notified in time: the list price applies.
        case increaseNotifiedInTime
        /// The increase was notified too late for this renewal: the previous price holds for the period.
        case increaseNotifiedLate
        /// The increase was never validly notified: the previous price holds for the period.
        case increaseNotNotified
    }

    /// The line.
    public var line: ServiceLineID
    /// Its price list code, if any.
    public var code: ServiceCode?
    /// The unit price before the renewal.
    public var previousPrice: Money
    /// The list price in force on the renewal date, if any.
    public var listPrice: Money?
    /// The first day of that list price.
    public var listPriceEffectiveFrom: CivilDate?
    /// The first presentation of the earliest valid notification of that price, if any.
    public var notifiedOn: CivilDate?
    /// The unit price of the renewed period.
    public var appliedPrice: Money
    /// Why.
    public var reason: Reason
}

/// The prices of a renewed period (C-2) with their breakdown.
public struct RenewalPricing: Hashable, Sendable, Codable {
    /// The period that starts at the renewal.
    public var periodIndex: Int
    /// Its first day.
    public var renewalDate: CivilDate
    /// The last day a price increase could be notified for it (see ``NoticePeriod``).
    public var notificationDeadline: CivilDate
    /// One decision per line.
    public var decisions: [RenewalPriceDecision]
    /// Whether the previous period had a discount, which the renewal drops (§4).
    public var discountDropped: Bool

    /// The changes the renewal makes to the terms: the new unit prices, and no discount.
    public var changes: [TermsChange] {
        var changes = decisions.filter { $0.appliedPrice != $0.previousPrice }.map {
            TermsChange.setUnitPrice($0.line, $0.appliedPrice)
        }
        if discountDropped { changes.append(.setDiscount(nil)) }
        return changes
    }

    /// Prices `terms` for the period `periodIndex` starting on `renewalDate` (C-2, §4):
    ///
    /// - a line with a price list code takes the list price in force on the renewal date;
    /// - an increase applies only if Cassiop notified it in writing (§14.2) with a first presentation
    ///   on or before ``notificationDeadline``, three months before the renewal date counted backwards
    ///   (``NoticePeriod``: renewal on 1 January, deadline 1 October); otherwise the previous price holds
    ///   for the whole renewed period, and the list price is looked at again at the next renewal;
    /// - a decrease applies without notice;
    /// - the discount of the previous period is dropped (§4: the quote's discount is valid for the first
    ///   period only).
    ///
    /// Notifications by e-mail or phone, from the client, or without a date of presentation do not count.
    public static func price(
        terms: ContractTerms, periodIndex: Int, renewalDate: CivilDate, priceList: PriceList,
        notifications: [PriceChangeNotification]
    ) -> RenewalPricing {
        let deadline = NoticePeriod.latestPresentation(months: 3, before: renewalDate)
        var decisions: [RenewalPriceDecision] = []
        for line in terms.lines where line.billing == .monthly {
            var decision = RenewalPriceDecision(
                line: line.id, code: line.code, previousPrice: line.unitPrice, listPrice: nil,
                listPriceEffectiveFrom: nil, notifiedOn: nil, appliedPrice: line.unitPrice, reason: .noPriceListCode)
            defer { decisions.append(decision) }
            guard let code = line.code else { continue }
            guard let entry = priceList.entry(for: code, on: renewalDate) else {
                decision.reason = .notInPriceList
                continue
            }
            decision.listPrice = entry.unitPrice
            decision.listPriceEffectiveFrom = entry.effectiveFrom
            if entry.unitPrice == line.unitPrice {
                decision.reason = .unchanged
                continue
            }
            if entry.unitPrice < line.unitPrice {
                decision.reason = .decrease
                decision.appliedPrice = entry.unitPrice
                continue
            }
            let presentations = notifications.compactMap { notification -> CivilDate? in
                guard notification.code == code, notification.newPrice == entry.unitPrice,
                    notification.notice.from == .provider
                else { return nil }
                return try? notification.notice.delayStart()
            }
            guard let earliest = presentations.min() else {
                decision.reason = .increaseNotNotified
                continue
            }
            decision.notifiedOn = earliest
            if earliest <= deadline {
                decision.reason = .increaseNotifiedInTime
                decision.appliedPrice = entry.unitPrice
            } else {
                decision.reason = .increaseNotifiedLate
            }
        }
        return RenewalPricing(
            periodIndex: periodIndex, renewalDate: renewalDate, notificationDeadline: deadline, decisions: decisions,
            discountDropped: terms.discount != nil)
    }
}
