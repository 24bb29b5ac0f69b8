import Foundation
import KimpleCore

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
