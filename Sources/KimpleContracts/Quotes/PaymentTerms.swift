import Foundation
import KimpleCore

/// How the client pays (§4: "selon le mode de paiement défini dans le Devis").
public enum PaymentMethod: String, Hashable, Sendable, Codable, CaseIterable {
    /// Bank transfer (virement), direct debit (prélèvement SEPA), card, cheque; the raw value is stored.
    case bankTransfer, directDebit, card, cheque
}

/// The payment terms of a quote: how many calendar days after its issue an invoice is due, and how
/// it is paid.
public struct PaymentTerms: Hashable, Sendable, Codable {
    /// Calendar days from the invoice's issue date to its due date (§14.2: calendar days). At most 60,
    /// the legal maximum from the invoice date (Code de commerce, art. L441-10 I).
    public var daysToPay: Int
    /// How invoices are paid.
    public var method: PaymentMethod

    /// Payment terms; checked when the quote is created.
    public init(daysToPay: Int, method: PaymentMethod = .bankTransfer) {
        self.daysToPay = daysToPay
        self.method = method
    }

    /// Throws `code` unless `daysToPay` is 0...60.
    public func validate(as code: KimpleError.Code = .contractQuoteInvalid) throws {
        guard (0...60).contains(daysToPay) else {
            throw KimpleError(
                code,
                "An invoice is payable within 0 to 60 days of its date (Code de commerce, art. L441-10 I).",
                context: ["daysToPay": String(daysToPay)])
        }
    }

    /// The due date of an invoice issued on `issueDate`: `daysToPay` calendar days later, not moved off
    /// a weekend or holiday (§14.2 counts calendar days).
    public func dueDate(issuedOn issueDate: CivilDate) -> CivilDate {
        issueDate.adding(days: daysToPay)
    }
}
