import Foundation
import KimpleCore

/// A sum Cassiop actually received under the contract.
public struct Receipt: Hashable, Sendable, Codable {
    /// The invoice it paid.
    public var invoice: InvoiceNumber
    /// The day it was received.
    public var receivedOn: CivilDate
    /// The amount received (including VAT, and late charges when it paid them).
    public var amount: Money

    /// A receipt.
    public init(invoice: InvoiceNumber, receivedOn: CivilDate, amount: Money) {
        self.invoice = invoice
        self.receivedOn = receivedOn
        self.amount = amount
    }
}

/// Cassiop's liability cap (§10, C-9) with its breakdown.
public struct LiabilityCap: Hashable, Sendable, Codable {
    /// The day of the last damaging event.
    public var lastDamagingEvent: CivilDate
    /// The first day of the twelve months before it: `lastDamagingEvent − 12 months`.
    public var windowFrom: CivilDate
    /// The last day of the window: the day before the event.
    public var windowThrough: CivilDate
    /// The receipts inside the window, in date order.
    public var receipts: [Receipt]
    /// Their sum: the cap.
    public var cap: Money

    /// The cap for a last damaging event on `lastDamagingEvent` (§10): "les sommes effectivement perçues
    /// par Cassiop au titre du Contrat pendant les douze (12) mois précédant la survenance du dernier
    /// évènement dommageable".
    ///
    /// - The twelve months preceding the event are the days from `event − 12 months` to the day before
    ///   the event, both included (event on 15 March 2026: 15 March 2025 to 14 March 2026). A sum received
    ///   on the day of the event is not "before" it and is left out.
    /// - Sums actually received count, as received (VAT included, late charges included); invoiced but
    ///   unpaid sums do not.
    ///
    /// Throws `money.currency_mismatch` or `core.out_of_range` from the sum.
    public static func compute(receipts: [Receipt], lastDamagingEvent: CivilDate) throws -> LiabilityCap {
        let from = lastDamagingEvent.adding(months: -12)
        let through = lastDamagingEvent.adding(days: -1)
        let inside = receipts.filter { from <= $0.receivedOn && $0.receivedOn <= through }.sorted {
            ($0.receivedOn, $0.invoice) < ($1.receivedOn, $1.invoice)
        }
        return LiabilityCap(
            lastDamagingEvent: lastDamagingEvent, windowFrom: from, windowThrough: through, receipts: inside,
            cap: try Money.sum(inside.map(\.amount)))
    }
}
