import Foundation
import KimpleCore

/// The French legal interest rate by half-year, for the case the contract needs (C-4): the rate for
/// claims of creditors other than private persons ("créances des personnes autres que les personnes
/// physiques n'agissant pas pour des besoins professionnels").
///
/// The rates are fixed each half-year by an arrêté of the Minister of the Economy published in the
/// Journal officiel (Code monétaire et financier, art. L313-2 and D313-1-A), and listed by the Banque de
/// France. The SDK ships the rates it knows (``professionalCreditor``); a host keeps the table in a JSON
/// file it updates each half-year (``load(contentsOf:)``, format `kimple-legal-interest-rates/1`,
/// schema `Documentation/Schemas/legal-interest-rates.schema.json`), or adds a half-year in code
/// (``adding(_:rate:)``). A day whose half-year is missing is an error
/// (`contract.interest.rate_unknown`, naming the half-year and the file to change), never a guess.
public struct LegalInterestRateTable: Hashable, Sendable, Codable {
    /// The rates by half-year.
    public private(set) var rates: [HalfYear: Percent]
    /// Where the rates were read from: the file given to ``load(contentsOf:)``, or `nil` for a table built
    /// in code. Named by the errors of a missing half-year; not part of equality.
    public private(set) var source: String?

    /// A table with `rates`.
    public init(rates: [HalfYear: Percent] = [:]) {
        self.rates = rates
        self.source = nil
    }

    /// The published legal rates for professional creditors known to this version of the SDK:
    /// 2024-S1 5.07 %, 2024-S2 4.92 %, 2025-S1 3.71 %, 2025-S2 2.76 %, 2026-S1 2.62 %. Later half-years are
    /// not in it: load a maintained table with ``load(contentsOf:)``.
    public static let professionalCreditor = LegalInterestRateTable(rates: [
        HalfYear(unchecked: 2024, 1): Percent(Decimal(507) / 100),
        HalfYear(unchecked: 2024, 2): Percent(Decimal(492) / 100),
        HalfYear(unchecked: 2025, 1): Percent(Decimal(371) / 100),
        HalfYear(unchecked: 2025, 2): Percent(Decimal(276) / 100),
        HalfYear(unchecked: 2026, 1): Percent(Decimal(262) / 100),
    ])

    /// The latest half-year of the table, if it has any.
    public var latestHalfYear: HalfYear? { rates.keys.max() }

    /// Two tables are equal when they have the same rates, wherever they were read from.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rates == rhs.rates }

    /// Hashes the rates only, like ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) { hasher.combine(rates) }

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

    /// The rate of `halfYear`; throws `contract.interest.rate_unknown` when the table does not have it, with
    /// the half-year, the file to change (``source``) and the latest half-year known in the context.
    public func rate(for halfYear: HalfYear) throws -> Percent {
        guard let rate = rates[halfYear] else {
            // SPEC C-4: never a guess; say which half-year is missing and where to add it.
            let latest = latestHalfYear.map { " (it ends at \($0))" } ?? ""
            let whereToAdd =
                source.map { "add \"\(halfYear)\" to the \"rates\" of \($0) and load it again" }
                ?? "keep the rates in a JSON file loaded with LegalInterestRateTable.load(contentsOf:) and add it there"
            throw KimpleError(
                .contractInterestRateUnknown,
                "The legal interest rate of \(halfYear) is not in the \(source == nil ? "built-in " : "")table\(latest): "
                    + "\(whereToAdd), with the rate for professional creditors fixed by the arrêté published in the "
                    + "Journal officiel for that half-year (listed by the Banque de France).",
                context: [
                    "halfYear": halfYear.description, "file": source ?? "none (built-in table)",
                    "latestKnown": latestHalfYear?.description ?? "none",
                ])
        }
        return rate
    }

    // MARK: - The rate file

    /// The format name of the rate file.
    public static let fileFormat = "kimple-legal-interest-rates/1"

    /// The rate file: `{"format":"kimple-legal-interest-rates/1","creditor":"professional",
    /// "rates":{"2026-S1":"2.62",...},"sources":{"2026-S1":"..."}}` (`sources` optional).
    private struct RateFile: Codable {
        var format: String
        var creditor: String
        var rates: [String: String]
        var sources: [String: String]?
    }

    /// Reads the table from the JSON rate file at `url` (format `kimple-legal-interest-rates/1`, see
    /// `Documentation/Contracts.md`), the file a host updates each half-year. The table is exactly the
    /// file's rates; its ``source`` is the file's path. Throws `contract.interest.table_invalid` when the
    /// file cannot be read, is not that format, is not the professional creditors' table, or has a
    /// half-year or rate that does not parse or a rate outside 0...100 %; nothing is loaded then.
    public static func load(contentsOf url: URL) throws -> LegalInterestRateTable {
        let file = url.path
        func invalid(_ reason: String) -> KimpleError {
            KimpleError(
                .contractInterestTableInvalid, "The legal interest rate file \(file) cannot be used: \(reason)",
                context: ["file": file])
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw invalid("it cannot be read (\(error.localizedDescription)).")
        }
        let parsed: RateFile
        do {
            parsed = try JSONDecoder().decode(RateFile.self, from: data)
        } catch {
            throw invalid(
                "it is not a JSON object with \"format\", \"creditor\" and \"rates\" (half-year to decimal text).")
        }
        guard parsed.format == fileFormat else {
            throw invalid("its format is \"\(parsed.format.prefix(64))\", expected \"\(fileFormat)\".")
        }
        guard parsed.creditor == "professional" else {
            throw invalid(
                "it is the table of \"\(parsed.creditor.prefix(64))\" creditors; the contract needs \"professional\".")
        }
        var table = LegalInterestRateTable()
        for (key, text) in parsed.rates.sorted(by: { $0.key < $1.key }) {
            guard let halfYear = try? HalfYear(key) else {
                throw invalid("\"\(key.prefix(32))\" is not a half-year written YYYY-S1 or YYYY-S2.")
            }
            guard let rate = try? Percent(text), rate >= .zero, rate <= Percent(100) else {
                throw invalid("the rate of \(halfYear), \"\(text.prefix(32))\", is not a decimal from 0 to 100.")
            }
            table.rates[halfYear] = rate
        }
        table.source = file
        return table
    }

    /// The table as a rate file (format `kimple-legal-interest-rates/1`, keys sorted, one rate a line),
    /// the form ``load(contentsOf:)`` reads: write the built-in table once to start a host's file.
    public func fileData() throws -> Data {
        let file = RateFile(
            format: Self.fileFormat, creditor: "professional",
            rates: Dictionary(uniqueKeysWithValues: rates.map { ($0.key.description, $0.value.value.description) }),
            sources: nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(file)
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
        self.source = nil
    }

    /// Encodes `{"rates":{"2026-S1":"2.62",...}}`, the form ``init(from:)`` reads.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(
            Dictionary(uniqueKeysWithValues: rates.map { ($0.key.description, $0.value) }), forKey: .rates)
    }
}
