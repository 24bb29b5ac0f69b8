import Foundation
import KimpleCore

/// One line of an invoice, with every figure a reader checks: quantity × unit price, the discount,
/// the net amount and its VAT rate.
public struct InvoiceLine: Hashable, Sendable, Codable {
    /// The contract line billed.
    public var sourceLine: ServiceLineID
    /// Its kind.
    public var kind: ServiceLine.Kind
    /// The wording.
    public var label: String
    /// The quantity.
    public var quantity: Int
    /// The unit price before VAT.
    public var unitPrice: Money
    /// `quantity × unitPrice`, exact.
    public var grossAmount: Money
    /// The discount rate applied, if any (first period only, §4).
    public var discountRate: Percent?
    /// `grossAmount × discountRate`, rounded once to the cent (zero without discount).
    public var discountAmount: Money
    /// `grossAmount − discountAmount`: the amount before VAT.
    public var netAmount: Money
    /// The VAT rate of the line.
    public var vatRate: Percent
}

/// The VAT of one rate: computed once on the total before tax of the lines at that rate (C-3).
public struct VATSubtotal: Hashable, Sendable, Codable {
    /// The rate.
    public var rate: Percent
    /// The sum of the net amounts of the lines at that rate.
    public var netAmount: Money
    /// `netAmount × rate`, rounded once to the cent.
    public var vatAmount: Money
}

/// The totals of an invoice.
public struct InvoiceTotals: Hashable, Sendable, Codable {
    /// One subtotal per VAT rate, by increasing rate.
    public var byRate: [VATSubtotal]
    /// Total before tax.
    public var netAmount: Money
    /// Total VAT.
    public var vatAmount: Money
    /// Total including VAT: what the client pays, and what bears late interest.
    public var totalAmount: Money
}
