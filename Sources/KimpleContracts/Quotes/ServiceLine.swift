import Foundation
import KimpleCore

/// One service of a quote (§1, §4): a licence subscription, operations, a graphic creation
/// option, interoperability information...
///
/// Prices are before VAT. A `monthly` line is billed on every monthly invoice of the contract;
/// a `once` line is billed once, on the first invoice of the contract (or on the invoice of the
/// supplementary quote that orders it).
public struct ServiceLine: Hashable, Sendable, Codable, Identifiable {
    /// What kind of service a line is.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// The licence to use Kimple (§5), billed monthly.
        case licenceSubscription
        /// Operations run on the platform (§1 (i)).
        case operations
        /// A graphic creation option (§8.2): its rights pass to the client once it is paid (C-13).
        case graphicCreation
        /// The information needed for interoperability (§5 (iii)), paid by the client (C-14).
        case interoperabilityInformation
        /// Anything else the quote lists.
        case other
    }

    /// How often a line is billed.
    public enum Billing: String, Hashable, Sendable, Codable {
        /// On every monthly invoice.
        case monthly
        /// Once.
        case once
    }

    /// The line's id, unique within the contract.
    public var id: ServiceLineID
    /// What the service is.
    public var kind: Kind
    /// The wording printed on invoices.
    public var label: String
    /// The code of the service in the provider's price list. A line with a code is repriced from the
    /// price list at each renewal (C-2); a line without one keeps its price.
    public var code: ServiceCode?
    /// The quantity (at least 1).
    public var quantity: Int
    /// The unit price before VAT, in EUR (monthly for a monthly line).
    public var unitPrice: Money
    /// How often the line is billed.
    public var billing: Billing
    /// A VAT rate of its own; `nil` means the contract's rate.
    public var vatRate: Percent?

    /// A service line; checked when the quote is created.
    public init(
        id: ServiceLineID, kind: Kind, label: String, code: ServiceCode? = nil, quantity: Int = 1, unitPrice: Money,
        billing: Billing, vatRate: Percent? = nil
    ) {
        self.id = id
        self.kind = kind
        self.label = label
        self.code = code
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.billing = billing
        self.vatRate = vatRate
    }

    /// Throws `code` when the label is empty, the quantity below 1 or above 1,000,000, the price
    /// negative or not in EUR, or the VAT rate outside 0...100 %.
    public func validate(as code: KimpleError.Code = .contractQuoteInvalid) throws {
        func fail(_ message: String) -> KimpleError {
            KimpleError(code, message, context: ["line": id.rawValue])
        }
        guard !label.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw fail("A service line needs the label printed on invoices.")
        }
        guard (1...1_000_000).contains(quantity) else { throw fail("A service line's quantity is 1 to 1,000,000.") }
        guard unitPrice.currency == .eur else { throw fail("Prices are in euros (§4).") }
        guard !unitPrice.isNegative else { throw fail("A unit price cannot be negative; use a discount.") }
        if let vatRate, !(Percent.zero...Percent(100)).contains(vatRate) {
            throw fail("A VAT rate is between 0 and 100 %.")
        }
    }
}

/// How the client pays (§4: "selon le mode de paiement défini dans le Devis").
public enum PaymentMethod: String, Hashable, Sendable, Codable, CaseIterable {
    case bankTransfer, directDebit, card, cheque
}

/// The payment terms of a quote: how many calendar days after its issue an invoice is due, and how
/// it is paid.
public struct PaymentTerms: Hashable, Sendable, Codable {
    /// Calendar days from the invoice's issue date to its due date (§14.2: calendar days). At most 60,
    /// the legal maximum from the invoice date (Code de commerce, art. L441-10 II).
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
                "An invoice is payable within 0 to 60 days of its date (Code de commerce, art. L441-10 II).",
                context: ["daysToPay": String(daysToPay)])
        }
    }

    /// The due date of an invoice issued on `issueDate`: `daysToPay` calendar days later, not moved off
    /// a weekend or holiday (§14.2 counts calendar days).
    public func dueDate(issuedOn issueDate: CivilDate) -> CivilDate {
        issueDate.adding(days: daysToPay)
    }
}

/// A discount mentioned in the quote: a percentage of every line, valid for the first contractual
/// period only (§4, C-2).
public struct Discount: Hashable, Sendable, Codable {
    /// The percentage taken off each line's amount (0 < rate ≤ 100).
    public var rate: Percent
    /// The wording printed on invoices.
    public var label: String

    /// A discount of `rate` percent.
    public init(rate: Percent, label: String = "Remise") {
        self.rate = rate
        self.label = label
    }

    /// Throws `code` unless 0 < rate ≤ 100.
    public func validate(as code: KimpleError.Code = .contractQuoteInvalid) throws {
        guard rate > .zero, rate <= Percent(100) else {
            throw KimpleError(code, "A discount is more than 0 and at most 100 %.", context: ["rate": rate.description])
        }
    }
}

/// The geographic territory of the licence (§5), as ISO 3166-1 alpha-2 country codes.
public struct LicenceTerritory: Hashable, Sendable, Codable {
    /// The countries, in capitals (`FR`, `BE`), sorted and without repetition.
    public let countries: [String]

    /// A territory; throws `contract.quote.invalid` when it is empty or a code is not two capital letters.
    public init(countries: [String]) throws {
        let unique = Set(countries)
        guard !unique.isEmpty,
            unique.allSatisfy({ $0.utf8.count == 2 && $0.utf8.allSatisfy { (65...90).contains($0) } })
        else {
            throw KimpleError(
                .contractQuoteInvalid, "A licence territory lists ISO 3166-1 country codes such as FR or BE.",
                context: ["countries": countries.prefix(8).joined(separator: ",")])
        }
        self.countries = unique.sorted()
    }

    /// Whether `country` (an ISO 3166-1 alpha-2 code) lies in the territory.
    public func contains(_ country: String) -> Bool { countries.contains(country.uppercased()) }
}

/// The client's consent to appear in Cassiop's list of client references (§13.1, C-15).
public struct ReferenceConsent: Hashable, Sendable, Codable {
    /// What the client accepts to appear in.
    public enum Scope: String, Hashable, Sendable, Codable, CaseIterable {
        /// The list of client references.
        case referenceList
        /// Press releases and project explanations.
        case pressReleases
        /// The contract as a marketing example of a fruitful collaboration.
        case caseStudy
        /// Its operations shown as promotional examples.
        case operationsShowcase
    }

    /// The scopes consented to; empty when the client refused.
    public var scopes: Set<Scope>

    /// A consent to `scopes`.
    public init(scopes: Set<Scope>) {
        self.scopes = scopes
    }

    /// What §13.1 states by default: every scope.
    public static let asInTheContract = ReferenceConsent(scopes: Set(Scope.allCases))
    /// The client refused to appear anywhere (negotiated out of §13.1).
    public static let refused = ReferenceConsent(scopes: [])

    /// Whether the client consented to `scope`.
    public func allows(_ scope: Scope) -> Bool { scopes.contains(scope) }

    private enum CodingKeys: String, CodingKey { case scopes }

    /// Decodes `{"scopes":["caseStudy",...]}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.scopes = Set(try container.decode([Scope].self, forKey: .scopes))
    }

    /// Encodes the scopes sorted, so that the JSON (and the digest a signature binds to) is canonical.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scopes.map(\.rawValue).sorted(), forKey: .scopes)
    }
}
