import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The number of a tie-break estimate field (``FieldType/estimate``, G-8): read at intake,
/// stored in a canonical form, read back for the ranking.
///
/// Accepted: an optional `+` or `-`, 1 to ``FieldType/estimateIntegerDigits`` ASCII digits,
/// optionally a decimal separator (`.` or `,`) and 1 to ``FieldType/estimateFractionDigits``
/// digits; spaces (U+0020, U+00A0, U+202F) between digits are group separators. The
/// canonical form has no `+`, no group separator, no leading zero (but one before the
/// separator), a `.` separator, no trailing zero after it, and no `-` for zero:
/// ` 1 234,50 ` is `1234.5`, `-0` is `0`, `007` is `7`.
public enum EstimateNumber {
    /// The canonical form of `text` (already trimmed). Throws `participation.invalid_number`
    /// (context `field`) for anything else, including numbers beyond the bounds.
    public static func canonical(_ text: String, field: String = "estimate") throws(KimpleError) -> String {
        guard let parts = parse(text) else {
            throw KimpleError(
                .participationInvalidNumber,
                "Enter a number such as 1234 or 1234,5: at most \(FieldType.estimateIntegerDigits) digits, and "
                    + "\(FieldType.estimateFractionDigits) after the decimal separator.",
                context: ["field": field])
        }
        return parts.canonical
    }

    /// The value of a canonical (or any accepted) estimate; `nil` for text that is not one.
    public static func decimal(_ text: String) -> Decimal? {
        guard let parts = parse(text) else { return nil }
        return Decimal(
            sign: parts.negative ? .minus : .plus, exponent: -parts.fraction.count,
            significand: Decimal(parts.significand))
    }

    private struct Parts {
        var negative: Bool
        var integer: [UInt8]
        var fraction: [UInt8]
        /// The digits as one integer (at most 18 digits: fits in a `UInt64`).
        var significand: UInt64

        var canonical: String {
            var bytes: [UInt8] = []
            if negative { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: integer)
            if !fraction.isEmpty {
                bytes.append(UInt8(ascii: "."))
                bytes.append(contentsOf: fraction)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func parse(_ text: String) -> Parts? {
        var scalars = text.unicodeScalars[...]
        guard scalars.count <= 64 else { return nil }
        var negative = false
        if let first = scalars.first, first == "-" || first == "+" {
            negative = first == "-"
            scalars = scalars.dropFirst()
        }
        var integer: [UInt8] = []
        var fraction: [UInt8] = []
        var inFraction = false
        var previousDigit = false
        for scalar in scalars {
            switch scalar {
            case "0"..."9":
                let digit = UInt8(truncatingIfNeeded: scalar.value)
                if inFraction { fraction.append(digit) } else { integer.append(digit) }
                previousDigit = true
            case " ", "\u{A0}", "\u{202F}":
                // A group separator stands between two digits of the integer part.
                guard previousDigit, !inFraction else { return nil }
                previousDigit = false
            case ".", ",":
                guard !inFraction, previousDigit else { return nil }
                inFraction = true
                previousDigit = false
            default:
                return nil
            }
        }
        // Ends with a digit: no dangling sign, separator or group space.
        guard previousDigit, !integer.isEmpty else { return nil }
        while integer.count > 1, integer.first == UInt8(ascii: "0") { integer.removeFirst() }
        while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        guard integer.count <= FieldType.estimateIntegerDigits, fraction.count <= FieldType.estimateFractionDigits
        else { return nil }
        var significand: UInt64 = 0
        for digit in integer + fraction { significand = significand * 10 + UInt64(digit - UInt8(ascii: "0")) }
        if significand == 0 { negative = false }
        return Parts(negative: negative, integer: integer, fraction: fraction, significand: significand)
    }
}
