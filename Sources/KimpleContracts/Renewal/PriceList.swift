import Foundation
import KimpleCore

/// A price of the provider's public price list (§4: "tel que mentionné sur le site internet de
/// Kimple"): the unit price before VAT of a service code from a date on.
public struct PriceListEntry: Hashable, Sendable, Codable {
    /// The service code.
    public var code: ServiceCode
    /// The unit price before VAT (monthly for a subscription).
    public var unitPrice: Money
    /// The first day the price is in force.
    public var effectiveFrom: CivilDate

    /// An entry; checked when added to a ``PriceList``.
    public init(code: ServiceCode, unitPrice: Money, effectiveFrom: CivilDate) {
        self.code = code
        self.unitPrice = unitPrice
        self.effectiveFrom = effectiveFrom
    }
}

/// The provider's price list over time.
public struct PriceList: Hashable, Sendable, Codable {
    /// Every entry, ordered by code then date.
    public private(set) var entries: [PriceListEntry]

    /// An empty list.
    public init() { entries = [] }

    /// A list of `entries`; throws like ``adding(_:)``.
    public init(_ entries: [PriceListEntry]) throws {
        self.init()
        for entry in entries { self = try adding(entry) }
    }

    /// The list with `entry`. Adding an identical entry again changes nothing. Throws
    /// `contract.price.invalid` when the price is negative or not in EUR, or when the code already has
    /// another price from the same day; `contract.amount.too_large` when the price is above
    /// ``InvoicePricing/maximumLineAmount``.
    public func adding(_ entry: PriceListEntry) throws -> PriceList {
        guard entry.unitPrice.currency == .eur, !entry.unitPrice.isNegative else {
            throw KimpleError(
                .contractPriceInvalid, "A list price is a non-negative amount in euros.",
                context: ["code": entry.code.rawValue])
        }
        try InvoicePricing.checkUnitPrice(entry.unitPrice, context: ["code": entry.code.rawValue])
        if let existing = entries.first(where: { $0.code == entry.code && $0.effectiveFrom == entry.effectiveFrom }) {
            guard existing == entry else {
                throw KimpleError(
                    .contractPriceInvalid,
                    "The code already has another price from that day; publish the new price from another day.",
                    context: ["code": entry.code.rawValue, "effectiveFrom": entry.effectiveFrom.description])
            }
            return self
        }
        var list = self
        list.entries.append(entry)
        list.entries.sort { ($0.code, $0.effectiveFrom) < ($1.code, $1.effectiveFrom) }
        return list
    }

    /// The entry of `code` in force on `date` (the latest one effective on or before it), if any.
    public func entry(for code: ServiceCode, on date: CivilDate) -> PriceListEntry? {
        entries.last { $0.code == code && $0.effectiveFrom <= date }
    }
}

/// Cassiop's notification to the client of a new price, given before a renewal (§4, C-2).
public struct PriceChangeNotification: Hashable, Sendable, Codable {
    /// The service code whose price changes.
    public var code: ServiceCode
    /// The new unit price before VAT.
    public var newPrice: Money
    /// The first day of the new price in the price list.
    public var effectiveFrom: CivilDate
    /// How and when the client was notified: from the provider, in writing (§14.2).
    public var notice: Notice

    /// A notification.
    public init(code: ServiceCode, newPrice: Money, effectiveFrom: CivilDate, notice: Notice) {
        self.code = code
        self.newPrice = newPrice
        self.effectiveFrom = effectiveFrom
        self.notice = notice
    }
}
