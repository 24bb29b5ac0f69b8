import Foundation
import KimpleCore

/// A half-year of the calendar: the period for which the French legal interest rate is fixed
/// (Code monétaire et financier, art. L313-2: published each semester).
public struct HalfYear: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The year.
    public let year: Int
    /// 1 (January–June) or 2 (July–December).
    public let half: Int

    /// Half `half` of `year`; throws `core.invalid_argument` unless `half` is 1 or 2 and the year 1...9999.
    public init(year: Int, half: Int) throws {
        guard (1...9999).contains(year), half == 1 || half == 2 else {
            throw KimpleError(
                .invalidArgument, "A half-year is half 1 (January–June) or 2 (July–December) of a year 1...9999.",
                context: ["year": String(year), "half": String(half)])
        }
        self.year = year
        self.half = half
    }

    /// The half-year that contains `date`.
    public init(containing date: CivilDate) {
        self.year = date.year
        self.half = date.month <= 6 ? 1 : 2
    }

    /// 1 January or 1 July.
    public var firstDay: CivilDate { CivilDate(unchecked: year, half == 1 ? 1 : 7, 1) }
    /// 30 June or 31 December.
    public var lastDay: CivilDate { CivilDate(unchecked: year, half == 1 ? 6 : 12, half == 1 ? 30 : 31) }

    /// `2026-S1`.
    public var description: String { "\(year)-S\(half)" }

    /// Chronological order.
    public static func < (lhs: HalfYear, rhs: HalfYear) -> Bool { (lhs.year, lhs.half) < (rhs.year, rhs.half) }

    /// Parses `2026-S1`; throws `core.invalid_argument` otherwise.
    public init(_ text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[0].allSatisfy(\.isASCII), let year = Int(parts[0]),
            parts[1] == "S1" || parts[1] == "S2"
        else {
            throw KimpleError(
                .invalidArgument, "Expected a half-year written YYYY-S1 or YYYY-S2.",
                context: ["value": String(text.prefix(32))])
        }
        try self.init(year: year, half: parts[1] == "S1" ? 1 : 2)
    }

    /// Decodes `"2026-S1"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Invalid half-year '\(text)'")
        }
    }

    /// Encodes `"2026-S1"`.
    /// Encodes `{"rates":{"2026-S1":"2.62",...}}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension HalfYear {
    /// A half-year the SDK knows to be valid.
    init(unchecked year: Int, _ half: Int) {
        self.year = year
        self.half = half
    }
}
