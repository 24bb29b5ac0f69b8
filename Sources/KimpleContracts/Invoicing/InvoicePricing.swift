import Foundation
import KimpleCore

/// The pure rules that turn contract terms into invoice lines and totals (C-3).
///
/// - A billing month is priced with the terms in force on its first day.
/// - Monthly lines are billed every month; a one-off line once, on the first month whose terms have it
///   (the contract's first month for the quote's lines), or on the invoice of the supplementary quote that
///   orders it.
/// - A line's discount is `quantity × unit price × rate`, rounded once to the cent.
/// - VAT is computed once per rate on the sum of the net amounts at that rate (not line by line),
///   rounded once to the cent: `Rounding.halfUpToCent`.
public enum InvoicePricing {
    /// The lines of billing month `month`, priced with `terms` (the terms in force on its first day),
    /// with the discount of `terms` if it has one: the quote's discount is in the terms of the first
    /// period only, since every renewal removes it (§4). One-off lines are billed unless they are in
    /// `alreadyBilled`. Throws `core.out_of_range` when an amount overflows.
    public static func lines(
        for month: BillingMonth, terms: ContractTerms, alreadyBilled: Set<ServiceLineID> = []
    ) throws -> [InvoiceLine] {
        try terms.lines.filter { $0.billing == .monthly || !alreadyBilled.contains($0.id) }.map { line in
            try invoiceLine(line, terms: terms, discount: terms.discount)
        }
    }

    /// The lines of a supplementary quote's one-off services (C-1, C-14), with the quote's discount.
    public static func lines(for content: QuoteContent, vatRate: Percent) throws -> [InvoiceLine] {
        let terms = ContractTerms(quote: content)
        var adjusted = terms
        adjusted.vatRate = vatRate
        return try content.lines.map { try invoiceLine($0, terms: adjusted, discount: content.discount) }
    }

    /// One line: gross = quantity × unit price; discount rounded once; net = gross − discount.
    public static func invoiceLine(
        _ line: ServiceLine, terms: ContractTerms, discount: Discount?
    ) throws
        -> InvoiceLine
    {
        let gross = try line.unitPrice.multiplied(by: line.quantity)
        let discountAmount = try discount.map { try $0.rate.of(gross) } ?? Money(cents: 0)
        return InvoiceLine(
            sourceLine: line.id, kind: line.kind, label: line.label, quantity: line.quantity,
            unitPrice: line.unitPrice, grossAmount: gross, discountRate: discount?.rate,
            discountAmount: discountAmount, netAmount: try gross - discountAmount,
            vatRate: line.vatRate ?? terms.vatRate)
    }

    /// The totals of `lines`: per VAT rate, the net sum and its VAT rounded once; then the grand totals.
    /// Throws `core.out_of_range` on overflow.
    public static func totals(of lines: [InvoiceLine]) throws -> InvoiceTotals {
        var byRate: [Percent: Money] = [:]
        for line in lines {
            byRate[line.vatRate] = try (byRate[line.vatRate] ?? Money(cents: 0)) + line.netAmount
        }
        let subtotals = try byRate.keys.sorted().map { rate -> VATSubtotal in
            let net = byRate[rate] ?? Money(cents: 0)
            return VATSubtotal(rate: rate, netAmount: net, vatAmount: try rate.of(net))
        }
        let net = try Money.sum(subtotals.map(\.netAmount))
        let vat = try Money.sum(subtotals.map(\.vatAmount))
        return InvoiceTotals(byRate: subtotals, netAmount: net, vatAmount: vat, totalAmount: try net + vat)
    }
}
