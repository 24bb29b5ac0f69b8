// Foundation, not only FoundationEssentials: NSDecimalRound lives there.
import Foundation

/// The one rounding rule of the SDK (SPEC K-4). Every module that turns a computed `Decimal`
/// into money goes through ``halfUpToCent(_:)``, usually through ``Money/init(rounding:currency:)``.
public enum Rounding {
    /// `value` rounded to the cent (two decimals), half up: a value exactly halfway between two
    /// cents goes to the one farther from zero (0.005 → 0.01, 2.675 → 2.68, −0.005 → −0.01);
    /// anything else goes to the nearest cent (1.004999 → 1.00). Exact decimal arithmetic: no
    /// binary floating point is involved. NaN stays NaN.
    ///
    /// Round once, at the end of a computation: late interest of 3 × 5.07 % / 366 per day is
    /// computed in `Decimal` over all the days, then rounded here.
    public static func halfUpToCent(_ value: Decimal) -> Decimal {
        var input = value
        var result = Decimal()
        // `.plain` is half away from zero (the "commercial" rounding), unlike `.bankers`.
        NSDecimalRound(&result, &input, 2, .plain)
        return result
    }
}
