import Foundation
import KimpleCore

/// The French legal interest rate by half-year, for the case the contract needs (C-4): the rate for
/// claims of creditors other than private persons ("créances des personnes autres que les personnes
/// physiques n'agissant pas pour des besoins professionnels").
///
/// The SDK ships the rates it knows as data (``professionalCreditor``); the host adds each new half-year
/// when the arrêté is published (``adding(_:rate:)``). A day whose half-year is missing is an error
/// (`contract.interest.rate_unknown`), never a guess.
public struct LegalInterestRateTable: Hashable, Sendable, Codable {
    /// The rates by half-year.
    public private(set) var rates: [HalfYear: Percent]

    /// A table with `rates`.
    public init(rates: [HalfYear: Percent] = [:]) {
        self.rates = rates
    }

    /// The published legal rates for professional creditors known to this version of the SDK:
    /// 2024-S1 5.07 %, 2024-S2 4.92 %, 2025-S1 3.71 %, 2025-S2 2.76 %, 2026-S1 2.62 %.
    public static let professionalCreditor = LegalInterestRateTable(rates: [
        HalfYear(unchecked: 2024, 1): Percent(Decimal(507) / 100),
        HalfYear(unchecked: 2024, 2): Percent(Decimal(492) / 100),
        HalfYear(unchecked: 2025, 1): Percent(Decimal(371) / 100),
        HalfYear(unchecked: 2025, 2): Percent(Decimal(276) / 100),
        HalfYear(unchecked: 2026, 1): Percent(Decimal(262) / 100),
    ])

    /// The table with `rate` for `halfYear`. Adding the same rate again changes nothing. Throws
    /// `contract.interest.rate_conflict` when the half-year has another rate, `core.invalid_argument`
    /// when the rate is negative or above 100 %.
    public func adding(_ halfYear: HalfYear, rate: Percent) throws -> LegalInterestRateTable {
        guard rate >= .zero, rate <= Percent(100) else {
            throw KimpleError(
                .invalidArgument, "A legal interest rate is between 0 and 100 %.",
                context: ["halfYear": halfYear.description, "rate": rate.description])
        }
        if let existing = rates[halfYear] {
            guard existing == rate else {
                throw KimpleError(
                    .contractInterestRateConflict,
                    "The table already has another rate for this half-year; published rates do not change.",
                    context: [
                        "halfYear": halfYear.description, "existing": existing.description, "new": rate.description,
                    ])
            }
            return self
        }
        var table = self
        table.rates[halfYear] = rate
        return table
    }

    /// The rate of `halfYear`; throws `contract.interest.rate_unknown` when the table does not have it.
    public func rate(for halfYear: HalfYear) throws -> Percent {
        guard let rate = rates[halfYear] else {
            throw KimpleError(
                .contractInterestRateUnknown,
                "The legal interest rate of \(halfYear) is not in the table; add it from the published arrêté.",
                context: ["halfYear": halfYear.description])
        }
        return rate
    }

    private enum CodingKeys: String, CodingKey { case rates }

    /// Decodes `{"rates":{"2026-S1":"2.62",...}}`; throws `DecodingError.dataCorrupted` for a bad half-year.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode([String: Percent].self, forKey: .rates)
        var rates: [HalfYear: Percent] = [:]
        for (key, rate) in text {
            do {
                rates[try HalfYear(key)] = rate
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .rates, in: container, debugDescription: "Invalid half-year '\(key)'")
            }
        }
        self.rates = rates
    }

    /// Encodes `{"rates":{"2026-S1":"2.62",...}}`, the form ``init(from:)`` reads.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(
            Dictionary(uniqueKeysWithValues: rates.map { ($0.key.description, $0.value) }), forKey: .rates)
    }
}
