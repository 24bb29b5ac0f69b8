// Foundation, not only FoundationEssentials: named time zones need its time-zone database.
import Foundation
import KimpleCore

/// Day and week numbers of instants on an operation's wall clock (G-4): the periods of
/// participation limits, and "today" for ages.
///
/// Built once per operation: the start of every local day of the operation's window (and
/// two days around it) is computed with the time zone's real offsets, so a day across a
/// daylight-saving change lasts 23 or 25 hours; a lookup is then a binary search, with
/// no time-zone call on the intake's hot path. Instants outside the table fall back to a
/// direct computation.
public struct ParticipationPeriods: Sendable {
    private let calendar: FrenchCalendar
    private let firstDay: Int64
    /// Unix seconds of the start of `firstDay + i`, for every day of the table.
    private let dayStarts: [Double]

    /// The periods of `timeZone`, with a table covering `window`.
    public init(timeZone: TimeZone, covering window: Range<Date>) {
        let calendar = FrenchCalendar(.init(timeZone: timeZone))
        self.calendar = calendar
        let first = calendar.civilDate(of: window.lowerBound).daysSinceEpoch - 2
        let last = calendar.civilDate(of: window.upperBound).daysSinceEpoch + 2
        self.firstDay = first
        let count = Int(max(0, min(last - first + 2, 4_000)))
        self.dayStarts = (0..<count).map {
            calendar.startOfDay(CivilDate(daysSinceEpoch: first + Int64($0))).timeIntervalSince1970
        }
    }

    /// The periods of `operation` (its time zone and window). Throws `operation.invalid`
    /// for an unknown time zone.
    public init(of operation: Operation) throws {
        guard let zone = TimeZone(identifier: operation.timeZone) else {
            throw KimpleError(
                .operationInvalid, "The time zone must be an IANA identifier such as Europe/Paris.",
                context: ["field": "timeZone", "value": String(operation.timeZone.prefix(64))])
        }
        let end = max(operation.closesAt, operation.opensAt)
        self.init(timeZone: zone, covering: operation.opensAt..<end)
    }

    /// The local day of `instant`, as days since 1970-01-01.
    public func day(of instant: Date) -> Int64 {
        let t = instant.timeIntervalSince1970
        guard let firstStart = dayStarts.first, let lastStart = dayStarts.last, t >= firstStart, t < lastStart else {
            return calendar.civilDate(of: instant).daysSinceEpoch
        }
        var low = 0
        var high = dayStarts.count - 1
        // Invariant: dayStarts[low] <= t < dayStarts[high].
        while high - low > 1 {
            let middle = (low + high) / 2
            if dayStarts[middle] <= t { low = middle } else { high = middle }
        }
        return firstDay + Int64(low)
    }

    /// The local date of `instant`.
    public func date(of instant: Date) -> CivilDate {
        CivilDate(daysSinceEpoch: day(of: instant))
    }

    /// The ISO week of local day `day`: weeks start on Monday; week 0 starts Monday 1969-12-29.
    public static func week(ofDay day: Int64) -> Int64 {
        let shifted = day + 3
        return shifted >= 0 ? shifted / 7 : (shifted - 6) / 7
    }

    /// The number of the `period` containing `instant`: 0 for the whole operation, the
    /// local day number, or the ISO week number.
    public func period(of instant: Date, for period: ParticipationLimit.Period) -> Int64 {
        switch period {
        case .operation: 0
        case .day: day(of: instant)
        case .week: Self.week(ofDay: day(of: instant))
        }
    }

    /// Completed years of a person born on `birth` on the local date `today`. A person born
    /// on 29 February completes a year on 1 March in common years.
    public static func age(bornOn birth: CivilDate, on today: CivilDate) -> Int {
        var years = today.year - birth.year
        var birthday = (birth.month, birth.day)
        if birth.month == 2, birth.day == 29, !CivilDate.isLeapYear(today.year) { birthday = (3, 1) }
        if (today.month, today.day) < birthday { years -= 1 }
        return years
    }
}
