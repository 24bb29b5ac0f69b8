import Foundation
import KimpleCore

/// The terms of a contract in force on a given day: parties, services and prices, territory,
/// payment terms, VAT, reference consent. The initial terms come from the quote; written amendments
/// (§14.6), renewals (§4) and assignments (§14.1) change them from a date on, as ``TermsChange``s.
public struct ContractTerms: Hashable, Sendable, Codable {
    /// Cassiop.
    public var provider: Party
    /// The client (changes only by an assignment with Cassiop's written consent).
    public var client: Party
    /// The subscribed services (the lines billed once stay listed after they were billed).
    public var lines: [ServiceLine]
    /// A discount, valid until the end of the period it was granted in (§4).
    public var discount: Discount?
    /// The licence territory (§5).
    public var territory: LicenceTerritory
    /// Days to pay and payment method.
    public var paymentTerms: PaymentTerms
    /// The VAT rate of lines without their own.
    public var vatRate: Percent
    /// The client's consent to appear as a reference (§13.1).
    public var referenceConsent: ReferenceConsent

    /// The terms of an accepted quote.
    public init(quote content: QuoteContent) {
        self.provider = content.provider
        self.client = content.client
        self.lines = content.lines
        self.discount = content.discount
        self.territory = content.territory
        self.paymentTerms = content.paymentTerms
        self.vatRate = content.vatRate
        self.referenceConsent = content.referenceConsent
    }

    /// The line `id`, if the terms have it.
    public func line(_ id: ServiceLineID) -> ServiceLine? { lines.first { $0.id == id } }

    /// The terms after `change`. Throws `code` when the change names an unknown line, adds a line
    /// whose id exists, or sets an invalid value.
    public func applying(
        _ change: TermsChange, as code: KimpleError.Code = .contractAmendmentInvalid
    ) throws
        -> ContractTerms
    {
        var terms = self
        func index(of id: ServiceLineID) throws -> Int {
            guard let index = terms.lines.firstIndex(where: { $0.id == id }) else {
                throw KimpleError(
                    code, "The contract has no service line with this id.", context: ["line": id.rawValue])
            }
            return index
        }
        switch change {
        case .addLine(let line):
            try line.validate(as: code)
            guard terms.line(line.id) == nil else {
                throw KimpleError(
                    code, "The contract already has a line with this id.", context: ["line": line.id.rawValue])
            }
            terms.lines.append(line)
        case .removeLine(let id):
            terms.lines.remove(at: try index(of: id))
        case .setUnitPrice(let id, let price):
            let i = try index(of: id)
            terms.lines[i].unitPrice = price
            try terms.lines[i].validate(as: code)
        case .setQuantity(let id, let quantity):
            let i = try index(of: id)
            terms.lines[i].quantity = quantity
            try terms.lines[i].validate(as: code)
        case .setTerritory(let territory):
            terms.territory = territory
        case .setPaymentTerms(let paymentTerms):
            try paymentTerms.validate(as: code)
            terms.paymentTerms = paymentTerms
        case .setVATRate(let rate):
            guard (Percent.zero...Percent(100)).contains(rate) else {
                throw KimpleError(code, "A VAT rate is between 0 and 100 %.")
            }
            terms.vatRate = rate
        case .setReferenceConsent(let consent):
            terms.referenceConsent = consent
        case .setDiscount(let discount):
            try discount?.validate(as: code)
            terms.discount = discount
        case .setClient(let party):
            terms.client = party
        }
        return terms
    }
}

/// One change of a contract's terms.
public enum TermsChange: Hashable, Sendable, Codable {
    /// A new service line.
    case addLine(ServiceLine)
    /// A service line removed.
    case removeLine(ServiceLineID)
    /// A new unit price before VAT for a line.
    case setUnitPrice(ServiceLineID, Money)
    /// A new quantity for a line.
    case setQuantity(ServiceLineID, Int)
    /// A new licence territory.
    case setTerritory(LicenceTerritory)
    /// New payment terms.
    case setPaymentTerms(PaymentTerms)
    /// A new default VAT rate.
    case setVATRate(Percent)
    /// A new reference consent (§13.1).
    case setReferenceConsent(ReferenceConsent)
    /// A new discount, or none (`nil`). A renewal sets none (§4).
    case setDiscount(Discount?)
    /// A new client: only through an assignment with Cassiop's written consent (§14.1).
    case setClient(Party)
}

/// A dated set of changes to the terms, and where it comes from.
public struct TermsRevision: Hashable, Sendable, Codable {
    /// Where a revision comes from.
    public enum Origin: Hashable, Sendable, Codable {
        /// Written amendment number `n`, signed by both parties (§14.6).
        case amendment(Int)
        /// The renewal that starts period `n` (§4): prices from the price list, discount dropped.
        case renewal(Int)
        /// An assignment with Cassiop's written consent (§14.1).
        case assignment
    }

    /// Order of recording (1, 2, ...): among revisions effective the same day, the later one wins.
    public var sequence: Int
    /// The first day the changes apply. A billing month is priced with the terms in force on its first day.
    public var effectiveFrom: CivilDate
    /// Where the revision comes from.
    public var origin: Origin
    /// The changes, applied in order.
    public var changes: [TermsChange]
}
