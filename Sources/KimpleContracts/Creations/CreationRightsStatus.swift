import Foundation
import KimpleCore

/// Where the rights in a creation stand (C-13).
public struct CreationRightsStatus: Hashable, Sendable, Codable {
    /// One paying line and the invoice that billed it.
    public struct LineStatus: Hashable, Sendable, Codable {
        /// The line.
        public var line: ServiceLineID
        /// The invoice that billed it, once billed.
        public var invoice: InvoiceNumber?
        /// The invoice's unpaid amount including VAT.
        public var invoiceBalance: Money?
        /// The day that invoice was paid in full.
        public var paidOn: CivilDate?
    }

    /// The creation.
    public var creation: CreationID
    /// Each paying line.
    public var lines: [LineStatus]
    /// The day the rights passed to the client: the day the last paying invoice was paid in full; `nil`
    /// while some price is unpaid.
    public var transferredOn: CivilDate?

    /// Whether the rights belong to the client.
    public var isTransferred: Bool { transferredOn != nil }

    /// The status of `creation` given the contract's invoices (§8.2: "cédés au Client sous réserve du
    /// complet paiement du prix correspondant").
    ///
    /// A partial payment of an invoice is not imputed to one line rather than another, so a paying line
    /// is paid when the invoice that billed it is paid in full (its balance including VAT is zero). Late
    /// charges are not part of the price. The rights pass for the legal duration of copyright and for
    /// the whole world, on the day the last paying invoice is paid.
    public static func evaluate(_ creation: Creation, invoices: [Invoice]) -> CreationRightsStatus {
        var statuses: [LineStatus] = []
        var lastPaid: CivilDate?
        var allPaid = !creation.paidBy.isEmpty
        for line in creation.paidBy {
            guard let invoice = invoices.first(where: { $0.lines.contains { $0.sourceLine == line } }) else {
                statuses.append(LineStatus(line: line, invoice: nil, invoiceBalance: nil, paidOn: nil))
                allPaid = false
                continue
            }
            let paidOn = invoice.paidOn
            statuses.append(
                LineStatus(line: line, invoice: invoice.number, invoiceBalance: invoice.balance, paidOn: paidOn))
            if let paidOn {
                lastPaid = max(lastPaid ?? paidOn, paidOn)
            } else {
                allPaid = false
            }
        }
        return CreationRightsStatus(creation: creation.id, lines: statuses, transferredOn: allPaid ? lastPaid : nil)
    }
}
