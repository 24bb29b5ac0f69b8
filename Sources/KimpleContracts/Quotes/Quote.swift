import Foundation
import KimpleCore

/// The contractual period of a new contract as the quote defines it (§3, "Période Contractuelle"):
/// its first day and its length in months. Renewed periods have the same length.
public struct ContractPlan: Hashable, Sendable, Codable {
    /// The first day of the first period.
    public var start: CivilDate
    /// The length of each period in months (1...120).
    public var months: Int

    /// A plan starting on `start`, periods of `months` months.
    public init(start: CivilDate, months: Int) {
        self.start = start
        self.months = months
    }
}

/// What accepting a quote does.
public enum QuotePurpose: Hashable, Sendable, Codable {
    /// Starts a new contract for the plan's period (C-1).
    case newContract(ContractPlan)
    /// Orders one-off services under an existing contract (a graphic creation, interoperability
    /// information): the quote is one of the contract's "devis associés"; its lines are invoiced on
    /// acceptance.
    case supplement(ContractID)
}

/// What a quote says: everything both parties sign (C-1, C-15).
public struct QuoteContent: Hashable, Sendable, Codable {
    /// New contract or supplement to an existing one.
    public var purpose: QuotePurpose
    /// Cassiop.
    public var provider: Party
    /// The client.
    public var client: Party
    /// The services, with their prices before VAT.
    public var lines: [ServiceLine]
    /// A discount, valid for the first contractual period only (§4).
    public var discount: Discount?
    /// The territory of the licence (§5).
    public var territory: LicenceTerritory
    /// Days to pay and payment method (§4).
    public var paymentTerms: PaymentTerms
    /// The VAT rate of lines that do not carry their own (20 % by default).
    public var vatRate: Percent
    /// The client's consent to appear as a reference (§13.1).
    public var referenceConsent: ReferenceConsent
    /// The last day the quote can be signed, if it has one.
    public var validUntil: CivilDate?

    /// A quote's content; checked by ``validate()`` when the quote is created.
    public init(
        purpose: QuotePurpose, provider: Party, client: Party, lines: [ServiceLine], discount: Discount? = nil,
        territory: LicenceTerritory, paymentTerms: PaymentTerms, vatRate: Percent = Percent(20),
        referenceConsent: ReferenceConsent = .asInTheContract, validUntil: CivilDate? = nil
    ) {
        self.purpose = purpose
        self.provider = provider
        self.client = client
        self.lines = lines
        self.discount = discount
        self.territory = territory
        self.paymentTerms = paymentTerms
        self.vatRate = vatRate
        self.referenceConsent = referenceConsent
        self.validUntil = validUntil
    }

    /// Throws `contract.quote.invalid` when the quote has no line, two lines with one id, a bad line,
    /// discount, VAT rate or payment terms, a period outside 1...120 months, or (for a supplement) a
    /// monthly line; `contract.amount.too_large` when a line is above ``InvoicePricing/maximumLineAmount``
    /// or the lines together, with their VAT, above ``InvoicePricing/maximumInvoiceAmount`` (the first
    /// invoice bills them all).
    public func validate() throws {
        guard !lines.isEmpty else { throw KimpleError(.contractQuoteInvalid, "A quote lists at least one service.") }
        var seen = Set<ServiceLineID>()
        for line in lines {
            try line.validate()
            guard seen.insert(line.id).inserted else {
                throw KimpleError(
                    .contractQuoteInvalid, "Two lines of the quote have the same id.",
                    context: ["line": line.id.rawValue])
            }
        }
        try discount?.validate()
        try paymentTerms.validate()
        guard (Percent.zero...Percent(100)).contains(vatRate) else {
            throw KimpleError(.contractQuoteInvalid, "A VAT rate is between 0 and 100 %.")
        }
        // SPEC C-1, C-3: bounded before anyone signs.
        try InvoicePricing.checkLargestInvoice(of: lines, vatRate: vatRate, context: [:])
        switch purpose {
        case .newContract(let plan):
            guard (1...120).contains(plan.months) else {
                throw KimpleError(
                    .contractQuoteInvalid, "A contractual period lasts 1 to 120 months.",
                    context: ["months": String(plan.months)])
            }
        case .supplement:
            if let monthly = lines.first(where: { $0.billing == .monthly }) {
                throw KimpleError(
                    .contractQuoteInvalid,
                    "A supplementary quote orders one-off services; change a subscription by amendment (§14.6).",
                    context: ["line": monthly.id.rawValue])
            }
        }
    }

    /// SHA-256 of the canonical JSON of the content (sorted keys): what a signature binds to.
    public func digest() throws -> SHA256Digest {
        SHA256.hash(try JSONCoding.encode(self))
    }
}

/// A quote (devis) and its signatures. Accepting it — both parties signed — creates the contract
/// (§3, C-1) or, for a supplement, adds its services to the contract.
public struct Quote: Hashable, Sendable, Codable, Identifiable {
    /// The quote's id.
    public var id: QuoteID
    /// What the parties sign.
    public var content: QuoteContent
    /// When the quote was recorded.
    public var createdAt: Date
    /// The signatures so far, at most one per party.
    public var signatures: [PartySignature]
    /// When the last signature made the quote binding, or `nil`.
    public var acceptedAt: Date?
    /// The contract created (or supplemented) by the acceptance.
    public var contractID: ContractID?

    /// A quote as recorded, not yet signed.
    public init(id: QuoteID, content: QuoteContent, createdAt: Date) {
        self.id = id
        self.content = content
        self.createdAt = createdAt
        self.signatures = []
        self.acceptedAt = nil
        self.contractID = nil
    }

    /// Whether both parties signed.
    public var isAccepted: Bool { acceptedAt != nil }

    /// The party that still has to sign, if any.
    public var missingSignatures: [PartyRole] {
        PartyRole.allCases.filter { role in !signatures.contains { $0.party == role } }
    }
}
