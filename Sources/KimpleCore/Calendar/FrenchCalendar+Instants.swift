// Foundation, not only FoundationEssentials: named time zones need Foundation's time-zone database.
import Foundation

/// Floor division (rounds towards minus infinity, unlike `/`).
private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

extension FrenchCalendar {
    /// Where a calendar's UTC offsets come from.
    enum Zone: Sendable, Hashable {
        /// A zone of the system's time-zone database (or any `TimeZone` a caller gave).
        case system(TimeZone)
        /// Europe/Paris by the EU summer-time rule, for systems without a time-zone database.
        case parisBuiltIn

        /// Seconds to add to UTC to get the wall clock at the instant `unixSeconds`.
        func secondsFromUTC(at unixSeconds: Int64) -> Int {
            switch self {
            case .system(let timeZone):
                return timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unixSeconds)))
            case .parisBuiltIn:
                // Summer time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
                // Sunday of October (directive 2000/84/EC, applied in France since 1996).
                let year = CivilDate(daysSinceEpoch: floorDiv(unixSeconds, 86_400)).year
                let start = Self.lastSunday(year: year, month: 3) * 86_400 + 3_600
                let end = Self.lastSunday(year: year, month: 10) * 86_400 + 3_600
                return (start..<end).contains(unixSeconds) ? 7_200 : 3_600
            }
        }

        /// Days since 1970-01-01 of the last Sunday of `month`.
        private static func lastSunday(year: Int, month: Int) -> Int64 {
            let last = CivilDate(unchecked: year, month, CivilDate.daysInMonth(year: year, month: month))
            return last.daysSinceEpoch - Int64(last.weekday.rawValue % 7)
        }
    }
}

// MARK: - Instants and local dates

extension FrenchCalendar {
    /// First and last second of the supported range: 0001-01-01T00:00:00 and 9999-12-31T23:59:59.
    static let supportedSeconds: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// The UTC offset of the calendar's zone at `instant`, in seconds (3600 or 7200 in Paris).
    public func secondsFromUTC(at instant: Date) -> Int {
        zone.secondsFromUTC(at: split(instant).seconds)
    }

    /// The local date of `instant` in the calendar's zone (clamped to years 1...9999).
    public func civilDate(of instant: Date) -> CivilDate {
        wallClock(of: instant).date
    }

    /// The local wall-clock time of `instant` in the calendar's zone, truncated to the second.
    public func localTime(of instant: Date) -> LocalTime {
        wallClock(of: instant).time
    }

    /// The local date and time of `instant` (one offset lookup for both).
    func wallClock(of instant: Date) -> (date: CivilDate, time: LocalTime) {
        let local = localSeconds(of: instant)
        let days = floorDiv(local, 86_400)
        let second = Int(local - days * 86_400)
        return (CivilDate(daysSinceEpoch: days), LocalTime(unchecked: second / 3600, second % 3600 / 60, second % 60))
    }

    /// The calendar month that contains `instant` in the calendar's zone.
    public func month(of instant: Date) -> CalendarMonth {
        CalendarMonth(containing: civilDate(of: instant))
    }

    /// The instant at which `date` begins in the calendar's zone (00:00, or the first instant of
    /// the day in a zone whose clocks skip midnight).
    public func startOfDay(_ date: CivilDate) -> Date {
        instant(date, .midnight)
    }

    /// The instant at which `date` ends, which is the start of the next day (exclusive end).
    /// A deadline "at the end of the last day" is this instant: an act is in time when it happens
    /// strictly before it.
    public func endOfDay(_ date: CivilDate) -> Date {
        startOfDay(date.adding(days: 1))
    }

    /// The instant when the wall clock of the calendar's zone shows `time` on `date`.
    ///
    /// - In the spring-forward gap the local time does not exist: the result moves forward by
    ///   the length of the gap (02:30 on 31 March 2024 in Paris gives 03:30 CEST, 01:30 UTC).
    /// - In the autumn overlap the local time exists twice: the result is its first occurrence
    ///   (02:30 on 27 October 2024 in Paris gives 02:30 CEST, 00:30 UTC).
    public func instant(_ date: CivilDate, _ time: LocalTime) -> Date {
        Date(
            timeIntervalSince1970: TimeInterval(
                unixSeconds(local: date.daysSinceEpoch * 86_400 + Int64(time.secondOfDay))))
    }

    /// The instant that shows the local wall-clock second `local` (seconds since 1970-01-01T00:00
    /// on the wall clock), with the gap and overlap rules of ``instant(_:_:)``.
    func unixSeconds(local: Int64) -> Int64 {
        // At most one offset change in the two days around `local` (true of every real zone).
        let before = Int64(zone.secondsFromUTC(at: local - 86_400))
        let after = Int64(zone.secondsFromUTC(at: local + 86_400))
        guard before != after else { return local - before }
        let early = local - before
        let late = local - after
        let earlyValid = Int64(zone.secondsFromUTC(at: early)) == before
        let lateValid = Int64(zone.secondsFromUTC(at: late)) == after
        switch (earlyValid, lateValid) {
        case (true, true): return min(early, late)  // overlap: first occurrence
        case (false, true): return late
        default: return early  // valid, or a gap: read with the offset before it, which moves forward
        }
    }

    /// Whole seconds since 1970 (clamped to the supported range) and the fraction left over.
    func split(_ instant: Date) -> (seconds: Int64, fraction: TimeInterval) {
        let t = instant.timeIntervalSince1970
        guard !t.isNaN else { return (Self.supportedSeconds.lowerBound, 0) }
        let lower = TimeInterval(Self.supportedSeconds.lowerBound)
        let upper = TimeInterval(Self.supportedSeconds.upperBound)
        let clamped = min(max(t, lower), upper)
        let whole = clamped.rounded(.down)
        return (Int64(whole), clamped - whole)
    }

    /// Local wall-clock seconds since 1970-01-01T00:00 of `instant`, clamped to the supported range.
    func localSeconds(of instant: Date) -> Int64 {
        let seconds = split(instant).seconds
        let local = seconds + Int64(zone.secondsFromUTC(at: seconds))
        return min(max(local, Self.supportedSeconds.lowerBound), Self.supportedSeconds.upperBound)
    }
}

// MARK: - Calendar arithmetic on instants

extension FrenchCalendar {
    /// `instant` moved by `months` calendar months on the calendar's wall clock: same local time,
    /// date moved and clamped to the end of the target month (31 January + 1 month = 28 or 29
    /// February), converted back exactly across daylight-saving changes (a local time that falls
    /// in a gap or an overlap follows ``instant(_:_:)``). `months == 0` returns `instant`.
    ///
    /// Throws `core.out_of_range` when the result would leave years 1...9999.
    public func adding(months: Int, to instant: Date) throws -> Date {
        guard months != 0 else { return instant }
        guard months.magnitude <= 120_000 else { throw outOfRange("months", months) }
        return try moving(instant, "months", months) { $0.adding(months: months) }
    }

    /// `instant` moved by `days` calendar days on the calendar's wall clock: same local time on
    /// the date `days` later (a day across a daylight-saving change lasts 23 or 25 hours).
    /// `days == 0` returns `instant`. Throws `core.out_of_range` when the result would leave
    /// years 1...9999.
    public func adding(days: Int, to instant: Date) throws -> Date {
        guard days != 0 else { return instant }
        guard days.magnitude <= 3_700_000 else { throw outOfRange("days", days) }
        return try moving(instant, "days", days) { $0.adding(days: days) }
    }

    private func moving(
        _ instant: Date, _ unit: String, _ amount: Int, _ move: (CivilDate) -> CivilDate
    ) throws
        -> Date
    {
        let local = wallClock(of: instant)
        let target = move(local.date)
        guard (1...9999).contains(target.year) else { throw outOfRange(unit, amount) }
        return self.instant(target, local.time).addingTimeInterval(split(instant).fraction)
    }

    private func outOfRange(_ unit: String, _ amount: Int) -> KimpleError {
        KimpleError(
            .outOfRange, "The result is outside the years 1 to 9999; use a smaller number of \(unit).",
            context: [unit: String(amount)])
    }

    /// The instants `[start, end)` of `month` in the calendar's zone: from the start of its first
    /// day to the start of the next month's first day.
    public func interval(of month: CalendarMonth) -> Range<Date> {
        startOfDay(month.firstDay)..<endOfDay(month.lastDay)
    }

    /// The real minutes of `month` in the calendar's zone, daylight-saving changes included
    /// (March 2024 in Paris: 31 × 24 × 60 − 60 = 44,580): the covered period of an availability
    /// month before maintenance is removed (SPEC A-1).
    public func minutes(in month: CalendarMonth) -> Int {
        let range = interval(of: month)
        return Int((range.upperBound.timeIntervalSince(range.lowerBound) / 60).rounded(.down))
    }
}
