import Foundation
import KimpleCore

/// An invoice number: a per-tenant sequence without gaps (1, 2, 3...) and its printed form.
public struct InvoiceNumber: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The position in the tenant's sequence, from 1.
    public var sequence: Int
    /// The printed number (`F-000042`).
    public var text: String

    /// Number `sequence` printed as `prefix` followed by at least six digits.
    public init(sequence: Int, prefix: String) {
        self.sequence = sequence
        let digits = String(sequence)
        self.text = prefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// The printed number.
    public var description: String { text }

    /// Order of the sequence.
    public static func < (lhs: InvoiceNumber, rhs: InvoiceNumber) -> Bool { lhs.sequence < rhs.sequence }
}

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

/// What a payment pays.
public enum PaymentImputation: String, Hashable, Sendable, Codable {
    /// The invoice's amount including VAT.
    case principal
    /// The late interest and the recovery indemnity of the invoice (§4 (i), (iii)).
    case lateCharges
}

/// A payment received for an invoice (C-4): partial or full.
public struct Payment: Hashable, Sendable, Codable {
    /// The amount received.
    public var amount: Money
    /// The day the money was received (value date).
    public var receivedOn: CivilDate
    /// What it pays.
    public var imputation: PaymentImputation
    /// How it was paid.
    public var method: PaymentMethod
    /// The bank reference, if any.
    public var reference: String?
    /// When it was recorded.
    public var recordedAt: Date

    /// A payment.
    public init(
        amount: Money, receivedOn: CivilDate, imputation: PaymentImputation = .principal,
        method: PaymentMethod = .bankTransfer, reference: String? = nil, recordedAt: Date
    ) {
        self.amount = amount
        self.receivedOn = receivedOn
        self.imputation = imputation
        self.method = method
        self.reference = reference
        self.recordedAt = recordedAt
    }
}

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
