// Foundation, not only FoundationEssentials: named time zones need Foundation's time-zone database.
import Foundation

/// The daily window of business hours (heures ouvrées), `opening ..< closing` on the wall clock,
/// applied on business days (SPEC K-3). Default 09:00–18:00.
public struct BusinessHours: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The first instant of the window, on the wall clock.
    public let opening: LocalTime
    /// The end of the window (excluded), on the wall clock.
    public let closing: LocalTime

    /// The window `opening ..< closing`; throws `core.invalid_argument` unless `opening < closing`
    /// (a window across midnight is not supported).
    public init(opening: LocalTime, closing: LocalTime) throws {
        guard opening < closing else {
            throw KimpleError(
                .invalidArgument, "Business hours open before they close, within one day (for example 09:00–18:00).",
                context: ["opening": opening.description, "closing": closing.description])
        }
        self.opening = opening
        self.closing = closing
    }

    /// 09:00–18:00.
    public static let standard = BusinessHours(unchecked: LocalTime(unchecked: 9, 0), LocalTime(unchecked: 18, 0))

    private init(unchecked opening: LocalTime, _ closing: LocalTime) {
        self.opening = opening
        self.closing = closing
    }

    /// `09:00–18:00`.
    public var description: String { "\(opening)–\(closing)" }

    private enum CodingKeys: String, CodingKey { case opening, closing }

    /// Decodes `{"opening":{...},"closing":{...}}`; throws `DecodingError.dataCorrupted` unless
    /// `opening < closing`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let opening = try container.decode(LocalTime.self, forKey: .opening)
        let closing = try container.decode(LocalTime.self, forKey: .closing)
        guard opening < closing else {
            throw DecodingError.dataCorruptedError(
                forKey: .closing, in: container, debugDescription: "Business hours must open before they close.")
        }
        self.init(unchecked: opening, closing)
    }
}

// MARK: - Business-hours arithmetic

extension FrenchCalendar {
    /// The instant `duration` of business time after `instant`: only the windows of
    /// ``Options/businessHours`` on business days count. An instant outside business hours
    /// starts counting at the next opening; a count that ends exactly at a closing time returns
    /// that closing time (Friday 15:00 + 3 h = Friday 18:00). A zero duration returns the first
    /// instant at or after `instant` inside business hours.
    ///
    /// Example (SPEC A-3): a critical incident reported on Friday 22 May 2026 at 17:00 in Paris,
    /// before Whit Monday, is due 3 business hours later on Tuesday 26 May at 11:00.
    ///
    /// Throws `core.invalid_argument` when `duration` is negative, `core.out_of_range` when the
    /// result would leave years 1...9999.
    public func addingBusinessTime(_ duration: Duration, to instant: Date) throws -> Date {
        let (seconds, attoseconds) = duration.components
        guard duration >= .zero else {
            throw KimpleError(
                .invalidArgument, "Business time to add cannot be negative.", context: ["duration": "\(duration)"])
        }
        // 10,000 years of 24-hour days bound any result inside the supported range.
        guard seconds < 315_360_000_000 else { throw businessTimeOutOfRange(duration) }
        var remaining = TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
        var day = civilDate(of: instant)
        while true {
            if isBusinessDay(day) {
                let window = businessWindow(on: day)
                let start = max(instant, window.lowerBound)
                if start < window.upperBound {
                    let available = window.upperBound.timeIntervalSince(start)
                    if remaining <= available { return start.addingTimeInterval(remaining) }
                    remaining -= available
                }
            }
            day = day.adding(days: 1)
            guard day.year <= 9999 else { throw businessTimeOutOfRange(duration) }
        }
    }

    /// `hours` business hours after `instant`, as ``addingBusinessTime(_:to:)``: the deadline of
    /// an intervention due "dans un délai de trois (3) heures ouvrées" is
    /// `addingBusinessHours(3, to: reportedAt)`. Throws like ``addingBusinessTime(_:to:)``.
    public func addingBusinessHours(_ hours: Int, to instant: Date) throws -> Date {
        let (seconds, overflow) = Int64(hours).multipliedReportingOverflow(by: 3_600)
        guard !overflow else { throw businessTimeOutOfRange(.seconds(Int64.max)) }
        return try addingBusinessTime(.seconds(seconds), to: instant)
    }

    /// The business time between `start` and `end`: the length of `[start, end)` that falls in
    /// business hours on business days. Negative when `end` is before `start` (minus the business
    /// time of `[end, start)`).
    public func businessTime(from start: Date, to end: Date) -> Duration {
        guard start <= end else { return .zero - businessTime(from: end, to: start) }
        var total: TimeInterval = 0
        var day = civilDate(of: start)
        let last = civilDate(of: end)
        while day <= last {
            if isBusinessDay(day) {
                let window = businessWindow(on: day)
                let overlap = min(end, window.upperBound).timeIntervalSince(max(start, window.lowerBound))
                if overlap > 0 { total += overlap }
            }
            day = day.adding(days: 1)
        }
        return .seconds(total)
    }

    /// The instants of the business-hours window on `day` (whether or not it is a business day).
    /// Empty when a daylight-saving gap swallows it (an opening in the gap moves past the closing).
    public func businessWindow(on day: CivilDate) -> Range<Date> {
        let opening = instant(day, options.businessHours.opening)
        return opening..<max(opening, instant(day, options.businessHours.closing))
    }

    private func businessTimeOutOfRange(_ duration: Duration) -> KimpleError {
        KimpleError(
            .outOfRange, "The result is outside the years 1 to 9999; use a shorter duration.",
            context: ["duration": "\(duration)"])
    }
}
