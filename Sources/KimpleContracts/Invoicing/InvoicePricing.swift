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
///
/// Amounts are bounded where they enter (C-1, C-3): a line's quantity × unit price is at most
/// ``maximumLineAmount``, an invoice's total including VAT at most ``maximumInvoiceAmount``. Within these
/// bounds no sum of invoices, late interest or liability cap can come near the limit of `Money`'s
/// `Int64` cents (about 92 million billion euros).
public enum InvoicePricing {
    /// The largest amount of one line before VAT and discount (quantity × unit price), and so the largest
    /// unit price: 10,000,000.00 EUR. A quote, amendment, list price or price notification above it is
    /// refused with `contract.amount.too_large` (SPEC C-1).
    public static let maximumLineAmount = Money(cents: 1_000_000_000)

    /// The largest total including VAT of one invoice: 100,000,000.00 EUR. Terms whose lines together
    /// could bill more in one invoice are refused with `contract.amount.too_large` before they are signed,
    /// and no invoice above it is ever issued (SPEC C-3).
    public static let maximumInvoiceAmount = Money(cents: 10_000_000_000)

    /// Throws `contract.amount.too_large` when `price` is above ``maximumLineAmount``: a unit price larger
    /// than a whole line can be.
    static func checkUnitPrice(_ price: Money, context: [String: String]) throws {
        guard price <= maximumLineAmount else {
            var context = context
            context["amount"] = price.description
            context["maximum"] = maximumLineAmount.description
            throw KimpleError(
                .contractAmountTooLarge, "A unit price is at most \(maximumLineAmount) before VAT.", context: context)
        }
    }

    /// Throws `contract.amount.too_large` when `totals` is above ``maximumInvoiceAmount``; `context` says
    /// which contract or quote.
    public static func checkInvoiceBound(_ totals: InvoiceTotals, context: [String: String]) throws {
        guard totals.totalAmount <= maximumInvoiceAmount else {
            var context = context
            context["amount"] = totals.totalAmount.description
            context["maximum"] = maximumInvoiceAmount.description
            throw KimpleError(
                .contractAmountTooLarge,
                "An invoice is at most \(maximumInvoiceAmount) including VAT; split the order across contracts "
                    + "or quotes.", context: context)
        }
    }

    /// Checks the largest invoice `lines` can make with `vatRate` for lines without their own: every line
    /// billed at once, without discount. Throws `contract.amount.too_large` when a line is above
    /// ``maximumLineAmount`` or the invoice above ``maximumInvoiceAmount``.
    public static func checkLargestInvoice(
        of lines: [ServiceLine], vatRate: Percent, context: [String: String]
    ) throws {
        var invoiceLines: [InvoiceLine] = []
        for line in lines {
            try line.checkAmountBound()
            let gross = try line.unitPrice.multiplied(by: line.quantity)
            invoiceLines.append(
                InvoiceLine(
                    sourceLine: line.id, kind: line.kind, label: line.label, quantity: line.quantity,
                    unitPrice: line.unitPrice, grossAmount: gross, discountRate: nil, discountAmount: .zero,
                    netAmount: gross, vatRate: line.vatRate ?? vatRate))
        }
        let totals = try self.totals(of: invoiceLines)
        try checkInvoiceBound(totals, context: context)
    }

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
