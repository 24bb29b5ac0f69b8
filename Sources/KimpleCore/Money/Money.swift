// Foundation, not only FoundationEssentials: the rounding behind `init(rounding:)` needs it.
import Foundation

/// An exact amount of money (SPEC K-4): a whole number of cents and a currency, EUR by default.
///
/// - Amounts are integers (`Int64` cents, up to about ±92 million billion euros): adding,
///   subtracting and splitting never round. Computations with rates (VAT, late interest) run in
///   `Decimal` and come back through ``init(rounding:currency:)``, which rounds once with
///   ``Rounding/halfUpToCent(_:)``.
/// - Arithmetic between two amounts throws instead of trapping: `+`, `-` and their named forms
///   ``adding(_:)`` and ``subtracting(_:)`` throw `money.currency_mismatch` when the currencies
///   differ and `core.out_of_range` on overflow (`let total = try net + vat`). No exchange rate
///   is ever applied.
/// - Text: ``init(_:currency:)`` reads `1234.56`, `1 234,56`, `-0.5`, `1 234,56 €` and never
///   rounds; ``description`` writes `1234.56 EUR`; ``formatted(_:)`` writes `1 234,56 €`.
/// - JSON: `{"amount":"1234.56","currency":"EUR"}`, the amount a string, never a float.
public struct Money: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The amount in cents (hundredths of the currency unit); negative for a debt or a credit note.
    public let cents: Int64
    /// The currency of the amount.
    public let currency: Currency

    /// `cents` hundredths of `currency` (`Money(cents: 123_456)` is 1234.56 EUR).
    public init(cents: Int64, currency: Currency = .eur) {
        self.cents = cents
        self.currency = currency
    }

    /// 0.00 EUR.
    public static let zero = Money(cents: 0)

    /// `value` rounded once to the cent with ``Rounding/halfUpToCent(_:)`` (2.675 → 2.68,
    /// −0.005 → −0.01). Throws `core.invalid_argument` for NaN and `core.out_of_range` when the
    /// rounded amount does not fit in `Int64` cents.
    public init(rounding value: Decimal, currency: Currency = .eur) throws {
        guard !value.isNaN else {
            throw KimpleError(.invalidArgument, "An amount cannot be NaN; check the computation that produced it.")
        }
        self.init(cents: try AmountText.cents(ofRounded: Rounding.halfUpToCent(value)), currency: currency)
    }

    /// The exact amount in currency units (123456 cents → 1234.56).
    public var decimalValue: Decimal {
        Decimal(sign: cents < 0 ? .minus : .plus, exponent: -2, significand: Decimal(cents.magnitude))
    }

    /// Whether the amount is zero.
    public var isZero: Bool { cents == 0 }
    /// Whether the amount is below zero.
    public var isNegative: Bool { cents < 0 }

    // MARK: - Arithmetic

    /// `self + other`. Throws `money.currency_mismatch` when the currencies differ,
    /// `core.out_of_range` on overflow.
    public func adding(_ other: Money) throws -> Money {
        try sameCurrency(other, "add")
        let (sum, overflow) = cents.addingReportingOverflow(other.cents)
        guard !overflow else { throw Self.overflow("adding", self, other) }
        return Money(cents: sum, currency: currency)
    }

    /// `self - other`. Throws `money.currency_mismatch` when the currencies differ,
    /// `core.out_of_range` on overflow.
    public func subtracting(_ other: Money) throws -> Money {
        try sameCurrency(other, "subtract")
        let (difference, overflow) = cents.subtractingReportingOverflow(other.cents)
        guard !overflow else { throw Self.overflow("subtracting", self, other) }
        return Money(cents: difference, currency: currency)
    }

    /// `-self`. Throws `core.out_of_range` for the one amount whose opposite does not fit (`Int64.min` cents).
    public func negated() throws -> Money {
        guard cents != .min else { throw Self.overflow("negating", self, nil) }
        return Money(cents: -cents, currency: currency)
    }

    /// `self × factor`, exact (a quantity times a unit price). Throws `core.out_of_range` on overflow.
    public func multiplied(by factor: Int) throws -> Money {
        let (product, overflow) = cents.multipliedReportingOverflow(by: Int64(factor))
        guard !overflow else { throw Self.overflow("multiplying", self, nil) }
        return Money(cents: product, currency: currency)
    }

    /// `self × factor` rounded once to the cent by ``Rounding/halfUpToCent(_:)``.
    /// Throws like ``init(rounding:currency:)``.
    public func multiplied(by factor: Decimal) throws -> Money {
        try Money(rounding: decimalValue * factor, currency: currency)
    }

    /// `percent` % of the amount, rounded once to the cent: VAT at 20 % of 1234.56 EUR is
    /// `percentage(20)` = 246.91 EUR. Throws like ``init(rounding:currency:)``.
    public func percentage(_ percent: Decimal) throws -> Money {
        // Multiplying by an exact 0.01 gives the same value as dividing by 100, without
        // Decimal division, which is slow on Linux.
        try Money(rounding: decimalValue * percent * Self.hundredth, currency: currency)
    }

    private static let hundredth = Decimal(sign: .plus, exponent: -2, significand: 1)

    /// The sum of `amounts`, all in `currency` (zero for none). Throws `money.currency_mismatch`
    /// when one has another currency, `core.out_of_range` on overflow.
    public static func sum(_ amounts: some Sequence<Money>, currency: Currency = .eur) throws -> Money {
        try amounts.reduce(Money(cents: 0, currency: currency)) { try $0.adding($1) }
    }

    /// `lhs + rhs`, throwing like ``adding(_:)``: `let total = try net + vat`.
    public static func + (lhs: Money, rhs: Money) throws -> Money { try lhs.adding(rhs) }

    /// `lhs - rhs`, throwing like ``subtracting(_:)``.
    public static func - (lhs: Money, rhs: Money) throws -> Money { try lhs.subtracting(rhs) }

    /// `-amount`, throwing like ``negated()``.
    public static prefix func - (amount: Money) throws -> Money { try amount.negated() }

    /// `lhs = lhs + rhs`, throwing like ``adding(_:)`` (and leaving `lhs` unchanged then).
    public static func += (lhs: inout Money, rhs: Money) throws { lhs = try lhs.adding(rhs) }

    /// `lhs = lhs - rhs`, throwing like ``subtracting(_:)`` (and leaving `lhs` unchanged then).
    public static func -= (lhs: inout Money, rhs: Money) throws { lhs = try lhs.subtracting(rhs) }

    /// Orders by currency code, then by amount. Within one currency this is the order of the
    /// amounts; across currencies it only makes sorting possible and says nothing of their value.
    public static func < (lhs: Money, rhs: Money) -> Bool {
        (lhs.currency.code, lhs.cents) < (rhs.currency.code, rhs.cents)
    }

    private func sameCurrency(_ other: Money, _ verb: String) throws {
        guard currency == other.currency else {
            throw KimpleError(
                .currencyMismatch, "Cannot \(verb) amounts in different currencies; convert one of them first.",
                context: ["left": currency.code, "right": other.currency.code])
        }
    }

    static func overflow(_ operation: String, _ amount: Money, _ other: Money?) -> KimpleError {
        var context = ["operation": operation, "amount": amount.description]
        if let other { context["other"] = other.description }
        return KimpleError(.outOfRange, "The resulting amount is too large to represent.", context: context)
    }

    // MARK: - Codable

    private enum CodingKeys: String, CodingKey { case amount, currency }

    /// Decodes `{"amount":"1234.56","currency":"EUR"}`: the amount a string of digits with an
    /// optional `-` and at most two decimals after a `.`. Throws `DecodingError.dataCorrupted`
    /// for anything else (a number, grouping, three decimals).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let currency = try container.decode(Currency.self, forKey: .currency)
        let amount = try container.decode(String.self, forKey: .amount)
        do {
            self.init(cents: try AmountText.cents(amount, strict: true, currency: currency), currency: currency)
        } catch let error as KimpleError {
            throw DecodingError.dataCorruptedError(forKey: .amount, in: container, debugDescription: error.description)
        }
    }

    /// Encodes `{"amount":"1234.56","currency":"EUR"}` (always two decimals).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(formatted(.plainAmount), forKey: .amount)
        try container.encode(currency, forKey: .currency)
    }
}

extension KimpleError.Code {
    /// Two amounts in different currencies were combined (added, compared for a total...).
    public static let currencyMismatch: Self = "money.currency_mismatch"
}
