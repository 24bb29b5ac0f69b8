// Foundation, not only FoundationEssentials: `Decimal` printing is used with the rounding.
import Foundation

extension Money {
    /// Reads an amount written by a person, in `currency`, exactly (never rounding):
    /// `1234.56`, `1234,56`, `1 234,56`, `-0.5`, `+12`, `1 234,56 €`, `1234.56 EUR`.
    ///
    /// - An optional sign (`-`, `+`, or `−` U+2212), digits, optionally one decimal separator
    ///   (`.` or `,`) followed by one or two digits.
    /// - Thousands may be grouped with a space, a no-break space (U+00A0) or a narrow no-break
    ///   space (U+202F), in groups of three digits. `1,234.56` and `1.234,56` are refused: which
    ///   mark is the decimal one would be a guess.
    /// - It may end with the currency's code or symbol (`EUR`, `€`), not another one's.
    ///
    /// Throws `core.invalid_argument` for anything else, including a third decimal (`1.005`:
    /// round explicitly with ``init(rounding:currency:)``), and `core.out_of_range` when the
    /// amount does not fit in `Int64` cents.
    public init(_ text: String, currency: Currency = .eur) throws {
        self.init(cents: try AmountText.cents(text, strict: false, currency: currency), currency: currency)
    }

    /// Reads an amount in euros, as ``init(_:currency:)``: `try Money.eur("1 234,56")`.
    public static func eur(_ text: String) throws -> Money {
        try Money(text, currency: .eur)
    }

    /// How ``formatted(_:)`` writes an amount.
    public struct Format: Sendable, Hashable {
        let decimalSeparator: String
        let groupingSeparator: String?
        /// What follows the number: nothing, `" EUR"`, `"\u{A0}€"`.
        let currencyStyle: CurrencyStyle

        enum CurrencyStyle: Sendable, Hashable { case none, codeAfterSpace, symbolAfterNoBreakSpace }

        /// `1234.56 EUR`, `-0.50 EUR`: the ``Money/description``, for logs and machines.
        public static let plain = Format(decimalSeparator: ".", groupingSeparator: nil, currencyStyle: .codeAfterSpace)

        /// French typography: `1 234,56 €`, `-0,50 €`. Thousands are separated by a narrow
        /// no-break space (U+202F, the "espace fine insécable" of the Imprimerie nationale and of
        /// CLDR's French locale), the decimal mark is a comma, and the symbol follows after a
        /// no-break space (U+00A0), so that a line never breaks inside an amount. Currencies other
        /// than the euro show their code (`12,00 USD`).
        public static let french = Format(
            decimalSeparator: ",", groupingSeparator: "\u{202F}", currencyStyle: .symbolAfterNoBreakSpace)

        /// `1234.56`: the number alone, as in JSON.
        static let plainAmount = Format(decimalSeparator: ".", groupingSeparator: nil, currencyStyle: .none)
    }

    /// The amount written in `format`, always with two decimals.
    public func formatted(_ format: Format) -> String {
        let digits = String(cents.magnitude)
        let padded = String(repeating: "0", count: max(0, 3 - digits.count)) + digits
        let units = padded.dropLast(2)
        var text = cents < 0 ? "-" : ""
        if let grouping = format.groupingSeparator {
            for (offset, digit) in units.enumerated() {
                if offset > 0, (units.count - offset) % 3 == 0 { text += grouping }
                text.append(digit)
            }
        } else {
            text += units
        }
        text += format.decimalSeparator + padded.suffix(2)
        switch format.currencyStyle {
        case .none: return text
        case .codeAfterSpace: return text + " " + currency.code
        case .symbolAfterNoBreakSpace: return text + "\u{A0}" + currency.symbol
        }
    }

    /// `1234.56 EUR`: ``formatted(_:)`` with ``Format/plain``. ``init(_:currency:)`` reads it back.
    public var description: String { formatted(.plain) }
}

/// The parser of amounts shared by text input, JSON and `Decimal` conversion.
enum AmountText {
    /// Spaces that may group thousands: space, no-break space, narrow no-break space.
    private static let groupSeparators: Set<Unicode.Scalar> = [" ", "\u{A0}", "\u{202F}"]
    /// Spaces trimmed around a human-written amount.
    private static let spaces = groupSeparators.union(["\t"])

    /// Cents of `text`. `strict` (JSON, `Decimal` output) accepts only `-?digits(.d{1,2})?`;
    /// otherwise the human forms of ``Money/init(_:currency:)`` are accepted too.
    static func cents(_ text: String, strict: Bool, currency: Currency) throws -> Int64 {
        var scalars = Substring(text).unicodeScalars[...]
        if !strict {
            trim(&scalars)
            for suffix in [currency.code, currency.symbol] {
                let tail = suffix.unicodeScalars
                if scalars.count > tail.count, scalars.suffix(tail.count).elementsEqual(tail) {
                    scalars = scalars.dropLast(tail.count)
                    trim(&scalars)
                    break
                }
            }
        }
        var negative = false
        if let sign = scalars.first, sign == "-" || (!strict && (sign == "\u{2212}" || sign == "+")) {
            negative = sign != "+"
            scalars = scalars.dropFirst()
        }
        var magnitude: UInt64 = 0
        var groups = [0]  // digits per group of the integer part
        var fractionDigits = 0
        var inFraction = false
        var previousWasDigit = false
        var malformed = false
        var overflow = false  // reported after the syntax, which comes first
        for scalar in scalars {
            if let digit = digitValue(scalar) {
                if inFraction { fractionDigits += 1 } else { groups[groups.count - 1] += 1 }
                if !overflow, !inFraction || fractionDigits <= 2 {
                    let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                    let (next, o2) = times10.addingReportingOverflow(UInt64(digit))
                    overflow = o1 || o2
                    magnitude = next
                }
                previousWasDigit = true
            } else if !inFraction, previousWasDigit, scalar == "." || (!strict && scalar == ",") {
                inFraction = true
                previousWasDigit = false
            } else if !strict, !inFraction, previousWasDigit, groupSeparators.contains(scalar) {
                groups.append(0)
                previousWasDigit = false
            } else {
                malformed = true
                break
            }
        }
        let wellGrouped = groups.count == 1 || (groups[0] <= 3 && groups.dropFirst().allSatisfy { $0 == 3 })
        guard !malformed, previousWasDigit, groups[0] > 0, wellGrouped else {
            throw KimpleError(
                .invalidArgument,
                strict
                    ? "Expected an amount written like 1234.56 or -0.50 (digits, '.', at most two decimals)."
                    : "Expected an amount such as 1234.56, 1 234,56 or -0,50 €.",
                context: ["value": String(text.prefix(64))])
        }
        guard fractionDigits <= 2 else {
            throw KimpleError(
                .invalidArgument,
                "An amount has at most two decimals; round the value explicitly with Money(rounding:) if that is intended.",
                context: ["value": String(text.prefix(64))])
        }
        for _ in fractionDigits..<2 where !overflow {
            (magnitude, overflow) = magnitude.multipliedReportingOverflow(by: 10)
        }
        guard !overflow else { throw outOfRange(text) }
        return try signed(magnitude, negative: negative, text: text)
    }

    /// Cents of a `Decimal` already rounded to the cent.
    static func cents(ofRounded value: Decimal) throws -> Int64 {
        // `Decimal.description` is locale-independent ("-1234.5"), and may carry trailing zeros.
        var text = value.description
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return try cents(text, strict: true, currency: .eur)
    }

    /// `magnitude` with its sign, if it fits in `Int64` (down to `Int64.min`).
    private static func signed(_ magnitude: UInt64, negative: Bool, text: String) throws -> Int64 {
        if negative {
            guard magnitude <= Int64.min.magnitude else { throw outOfRange(text) }
            return Int64(bitPattern: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw outOfRange(text) }
        return Int64(magnitude)
    }

    private static func digitValue(_ scalar: Unicode.Scalar) -> UInt32? {
        ("0"..."9").contains(scalar) ? scalar.value - 48 : nil
    }

    private static func trim(_ scalars: inout Substring.UnicodeScalarView.SubSequence) {
        while let first = scalars.first, spaces.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, spaces.contains(last) { scalars = scalars.dropLast() }
    }

    private static func outOfRange(_ text: String) -> KimpleError {
        KimpleError(
            .outOfRange, "The amount is too large to represent (more than 92 million billion).",
            context: ["value": String(text.prefix(64))])
    }
}
