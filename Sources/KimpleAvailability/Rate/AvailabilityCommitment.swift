import Foundation
import KimpleCore

/// The availability rate the provider commits to: TxD ≥ ``target`` every calendar month
/// (contract §9.1: "un taux de disponibilité ("TxD") de 99.9 %").
public struct AvailabilityCommitment: Sendable, Hashable, Codable {
    /// The committed rate in percent (99.9).
    public let target: Decimal

    /// The contract's commitment: 99.9 %.
    public static let contract = AvailabilityCommitment(unchecked: Decimal(string: "99.9") ?? 99)

    /// A commitment of `target` percent; throws `availability.invalid_policy` unless
    /// `0 < target <= 100`.
    public init(target: Decimal) throws {
        guard target > 0, target <= 100, !target.isNaN else {
            throw KimpleError(
                .availabilityInvalidPolicy, "An availability target is a percentage above 0 and at most 100.",
                context: ["target": "\(target)"])
        }
        self.target = target
    }

    private init(unchecked target: Decimal) { self.target = target }

    /// The share of the covered period that may be unavailable, in percent (0.1).
    public var allowancePercent: Decimal { 100 - target }

    /// The error budget of a covered period of `coveredMinutes`: `PC × (100 − target) / 100`
    /// minutes (43.2 for a 30-day month without maintenance). Exact.
    public func budgetMinutes(coveredMinutes: Int) -> Decimal {
        Decimal(coveredMinutes) * allowancePercent / 100
    }

    /// Whether `available` minutes out of `covered` meet the commitment, decided exactly:
    /// `DS × 100 ≥ target × PC`. A covered period of zero minutes meets it (nothing was owed).
    public func isMet(available: Int, covered: Int) -> Bool {
        guard covered > 0 else { return true }
        return Decimal(available) * 100 >= target * Decimal(covered)
    }

    /// TxD = DS × 100 / PC in percent, or `nil` when PC is zero.
    public static func rate(available: Int, covered: Int) -> Decimal? {
        guard covered > 0 else { return nil }
        return Decimal(available) * 100 / Decimal(covered)
    }
}

/// Text forms of the figures of a report.
public enum AvailabilityFormat {
    /// `value` rounded towards zero to `places` decimals, as plain text ("99.9074"). Rounding
    /// towards zero keeps the met/missed decision visible: a rate below 99.9 never prints as 99.9.
    public static func truncated(_ value: Decimal, places: Int = 4) -> String {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, places, .down)
        return output.description
    }

    /// `99.9074 %`, or `n/a` when there is no rate (nothing was covered).
    public static func percent(_ value: Decimal?, places: Int = 4) -> String {
        guard let value else { return "n/a" }
        return truncated(value, places: places) + " %"
    }

    /// An integer with its thousands grouped by commas, for reading ("43,200").
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }
}
