import Foundation
import KimpleCore

/// An invoice (C-3): one per month of the contract, or one per accepted supplementary quote.
public struct Invoice: Hashable, Sendable, Codable, Identifiable {
    /// What an invoice bills.
    public enum Subject: Hashable, Sendable, Codable {
        /// A month of the contract.
        case month(BillingMonth)
        /// The one-off services of an accepted supplementary quote.
        case supplement(QuoteID)
    }

    /// The number, gap-free per tenant.
    public var number: InvoiceNumber
    /// The contract billed.
    public var contractID: ContractID
    /// What it bills.
    public var subject: Subject
    /// The seller.
    public var provider: Party
    /// The buyer.
    public var client: Party
    /// The day it was issued.
    public var issuedOn: CivilDate
    /// The last day to pay without being late (moved to the acceleration day if §4 (iv) was invoked).
    public var dueDate: CivilDate
    /// The due date before an acceleration moved it, if one did.
    public var originalDueDate: CivilDate?
    /// Payment terms printed on the invoice.
    public var paymentTerms: PaymentTerms
    /// The lines.
    public var lines: [InvoiceLine]
    /// The totals.
    public var totals: InvoiceTotals
    /// Payments received, in order of recording.
    public var payments: [Payment]

    /// An invoice. The service builds them; hosts build their own to compute statements of invoices kept
    /// elsewhere.
    public init(
        number: InvoiceNumber, contractID: ContractID, subject: Subject, provider: Party, client: Party,
        issuedOn: CivilDate, dueDate: CivilDate, originalDueDate: CivilDate? = nil, paymentTerms: PaymentTerms,
        lines: [InvoiceLine], totals: InvoiceTotals, payments: [Payment] = []
    ) {
        self.number = number
        self.contractID = contractID
        self.subject = subject
        self.provider = provider
        self.client = client
        self.issuedOn = issuedOn
        self.dueDate = dueDate
        self.originalDueDate = originalDueDate
        self.paymentTerms = paymentTerms
        self.lines = lines
        self.totals = totals
        self.payments = payments
    }

    /// The invoice's id: its number.
    public var id: InvoiceNumber { number }

    /// Payments of the principal (the amount including VAT).
    public var principalPayments: [Payment] { payments.filter { $0.imputation == .principal } }

    /// The amount including VAT still unpaid.
    public var balance: Money {
        let paid = principalPayments.reduce(Int64(0)) { $0 + $1.amount.cents }
        return Money(cents: totals.totalAmount.cents - paid, currency: totals.totalAmount.currency)
    }

    /// Whether the balance is zero.
    public var isPaid: Bool { balance.cents <= 0 }

    /// The day the last principal payment brought the balance to zero, if it did (the issue day for an
    /// invoice of zero).
    public var paidOn: CivilDate? {
        var remaining = totals.totalAmount.cents
        if remaining <= 0 { return issuedOn }
        for payment in principalPayments.sorted(by: { $0.receivedOn < $1.receivedOn }) {
            remaining -= payment.amount.cents
            if remaining <= 0 { return payment.receivedOn }
        }
        return nil
    }

    /// Whether the invoice is late on `date`: some of it was still unpaid at the end of its due date,
    /// and `date` is after the due date.
    public func isLate(on date: CivilDate) -> Bool {
        guard date > dueDate else { return false }
        guard let paidOn else { return true }
        return paidOn > dueDate
    }

    /// Whether the invoice is overdue on `date`: past its due date with a balance left.
    public func isOverdue(on date: CivilDate) -> Bool { date > dueDate && !isPaid }
}
