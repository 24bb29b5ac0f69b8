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
    /// negative or not in EUR, or the VAT rate outside 0...100 %; `contract.amount.too_large` when
    /// quantity × unit price is above ``InvoicePricing/maximumLineAmount``.
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
        try checkAmountBound()
    }

    /// Throws `contract.amount.too_large` when quantity × unit price is above
    /// ``InvoicePricing/maximumLineAmount`` (SPEC C-1). Never overflows: the unit price is checked first.
    func checkAmountBound() throws {
        let maximum = InvoicePricing.maximumLineAmount
        func tooLarge(_ amount: String) -> KimpleError {
            KimpleError(
                .contractAmountTooLarge,
                "A service line is at most \(maximum) before VAT (quantity × unit price); split it across quotes.",
                context: ["line": id.rawValue, "amount": amount, "maximum": maximum.description])
        }
        guard unitPrice.cents <= maximum.cents else { throw tooLarge(unitPrice.description) }
        // Within the quantity's 1,000,000 the product fits in Int64; a stored line beyond it overflows,
        // which is reported as too large too.
        let (gross, overflow) = unitPrice.cents.multipliedReportingOverflow(by: Int64(max(quantity, 0)))
        guard !overflow, gross <= maximum.cents else {
            throw tooLarge(overflow ? "more than \(maximum)" : Money(cents: gross).description)
        }
    }
}
