import Foundation
import KimpleCore

/// A rate written in percent, exact (`Decimal`): a VAT rate of 20 %, the legal interest rate of
/// 5.07 %, a discount of 10 %.
///
/// JSON: the decimal text as a string (`"5.07"`), never a binary float, so a stored rate reads
/// back exactly.
public struct Percent: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The rate in percent (5.07 for 5.07 %).
    public let value: Decimal

    /// `value` percent.
    public init(_ value: Decimal) {
        self.value = value
    }

    /// `value` percent, from an integer (`Percent(20)`).
    public init(_ value: Int) {
        self.value = Decimal(value)
    }

    /// Parses a decimal written with a dot (`"5.07"`, `"20"`); throws `core.invalid_argument`
    /// for anything else (a comma, an exponent, a sign other than `-`, NaN).
    public init(_ text: String) throws {
        let utf8 = Array(text.utf8)
        var index = 0
        if index < utf8.count, utf8[index] == UInt8(ascii: "-") { index += 1 }
        var digits = 0
        var dots = 0
        for byte in utf8[index...] {
            if byte == UInt8(ascii: ".") {
                dots += 1
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                digits += 1
            } else {
                digits = -1_000
                break
            }
        }
        guard digits > 0, digits <= 30, dots <= 1, utf8.last != UInt8(ascii: "."),
            let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        else {
            throw KimpleError(
                .invalidArgument, "Expected a rate in percent written like 5.07 or 20.",
                context: ["value": String(text.prefix(32))])
        }
        self.value = value
    }

    /// The rate as a fraction (5.07 % is 0.0507).
    public var fraction: Decimal { value * Self.hundredth }

    /// `amount × rate / 100`, rounded once to the cent (`Money.percentage`): 20 % of
    /// 1234.56 EUR is 246.91 EUR. Throws `core.out_of_range` on overflow.
    public func of(_ amount: Money) throws -> Money {
        try amount.percentage(value)
    }

    /// 0.01, exactly.
    static let hundredth = Decimal(sign: .plus, exponent: -2, significand: 1)

    /// `value` as decimal text followed by ` %` (`5.07 %`).
    public var description: String { "\(value) %" }

    /// Zero percent.
    public static let zero = Percent(0)

    /// Numeric order.
    public static func < (lhs: Percent, rhs: Percent) -> Bool { lhs.value < rhs.value }

    /// Decodes the string form (`"5.07"`); throws `DecodingError.dataCorrupted` otherwise.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Invalid percentage '\(text)'")
        }
    }

    /// Encodes the string form (`"5.07"`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode("\(value)")
    }
}
