// Foundation, not only FoundationEssentials: named time zones need Foundation's time-zone database.
import Foundation

/// The French calendar of the contract (SPEC K-3): public holidays, working days (jours ouvrables),
/// business days (jours ouvrés), business hours (heures ouvrées) and calendar arithmetic on
/// instants, read in Europe/Paris unless told otherwise (SPEC K-2).
///
/// ```swift
/// let calendar = FrenchCalendar.paris
/// let cureEnds = try calendar.addingWorkingDays(30, to: noticeReceived)        // C-6
/// let interventionDue = try calendar.addingBusinessHours(3, to: reportedAt)    // A-3
/// let covered = calendar.minutes(in: try CalendarMonth(year: 2024, month: 3))  // A-1: 44,580
/// ```
///
/// ## Counting days
/// French law counts a delay from the day after the event (the day of the notice does not
/// count) and ends it at the end of its last day (Code de procédure civile, art. 641). Every
/// day-counting method here follows that rule: ``addingWorkingDays(_:to:)`` returns the n-th
/// working day *after* the given date, and ``workingDays(after:through:)`` counts the days of
/// `(start, end]`. The deadline instant of a last day `d` is ``endOfDay(_:)``. This calendar
/// does not move a deadline that ends on a Sunday or a holiday (art. 642 is procedural); a
/// caller that needs it asks ``isWorkingDay(_:)``.
///
/// ## Dates and instants
/// Instants (`Date`) are read on the wall clock of ``Options/timeZone``. Conversions are exact
/// across daylight-saving changes: a local date and time that does not exist (the spring-forward
/// gap) moves forward by the length of the gap, and one that exists twice (the autumn overlap)
/// means its first occurrence; see ``instant(_:_:)``. Only the zone's UTC offsets come from
/// Foundation; the holiday and day rules are integer arithmetic on ``CivilDate``.
///
/// The supported range is the one of ``CivilDate``: years 1 to 9999. Conversions of instants
/// beyond it are clamped to its ends (so that no input traps); arithmetic whose result would
/// leave it throws `core.out_of_range`.
///
/// The holiday list is the one of the Code du travail (art. L3133-1) in force today, applied to
/// every year; Whit Monday stays a public holiday even where it is worked as the journée de
/// solidarité.
public struct FrenchCalendar: Sendable, Hashable {
    /// How a calendar is configured.
    public struct Options: Sendable, Hashable {
        /// Adds the two local public holidays of Alsace-Moselle (Haut-Rhin, Bas-Rhin, Moselle):
        /// Good Friday and 26 December (Code du travail, art. L3134-13).
        public var alsaceMoselle: Bool
        /// The daily window of business hours, applied on business days. Default 09:00–18:00.
        public var businessHours: BusinessHours
        /// The zone whose wall clock local dates and times are read on. `nil` (the default) means
        /// Europe/Paris.
        ///
        /// When this machine's time-zone database has no Europe/Paris (a minimal container without
        /// tzdata), the calendar falls back to the built-in rule that tzdata itself gives Paris
        /// since 1996: UTC+1, and UTC+2 from 01:00 UTC on the last Sunday of March to 01:00 UTC
        /// on the last Sunday of October (EU directive 2000/84/EC). Legal deadlines must not fail
        /// because a package is missing; the fallback differs from tzdata only before 1996.
        public var timeZone: TimeZone?

        /// Options with the given values; the defaults are metropolitan France in Europe/Paris
        /// with business hours 09:00–18:00.
        public init(alsaceMoselle: Bool = false, businessHours: BusinessHours = .standard, timeZone: TimeZone? = nil) {
            self.alsaceMoselle = alsaceMoselle
            self.businessHours = businessHours
            self.timeZone = timeZone
        }
    }

    /// The configuration of this calendar.
    public let options: Options
    let zone: Zone

    /// Metropolitan France in Europe/Paris, business hours 09:00–18:00: the calendar of the contract.
    public static let paris = FrenchCalendar()

    /// A calendar with `options` (by default: ``paris``).
    public init(_ options: Options = Options()) {
        self.options = options
        if let timeZone = options.timeZone {
            self.zone = .system(timeZone)
        } else if let paris = TimeZone(identifier: "Europe/Paris") {
            self.zone = .system(paris)
        } else {
            self.zone = .parisBuiltIn
        }
    }

    /// A calendar that uses the built-in Paris rule whatever the system has, so that tests can
    /// check the fallback against the time-zone database.
    package init(builtInParisRule options: Options) {
        self.options = options
        self.zone = .parisBuiltIn
    }

    /// Whether this calendar reads instants with the built-in Paris rule rather than the
    /// system's time-zone database (see ``Options/timeZone``).
    package var usesBuiltInParisRule: Bool { zone == .parisBuiltIn }
}

// MARK: - Public holidays

/// A public holiday (jour férié) on a given date.
public struct PublicHoliday: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Which holiday it is.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// 1 January, Good Friday (Alsace-Moselle only), Easter Monday, 1 May, 8 May (Victoire 1945),
        /// Ascension Thursday, Whit Monday.
        case newYearsDay, goodFriday, easterMonday, labourDay, victoryInEurope, ascension, whitMonday
        /// 14 July, 15 August (Assomption), 1 November (Toussaint), 11 November, 25 December, and
        /// 26 December (Saint-Étienne, Alsace-Moselle only).
        case nationalDay, assumption, allSaints, armistice, christmas, saintStephen

        /// The French name, as on official calendars ("Lundi de Pâques").
        public var frenchName: String {
            switch self {
            case .newYearsDay: "Jour de l'an"
            case .goodFriday: "Vendredi saint"
            case .easterMonday: "Lundi de Pâques"
            case .labourDay: "Fête du Travail"
            case .victoryInEurope: "Victoire 1945"
            case .ascension: "Ascension"
            case .whitMonday: "Lundi de Pentecôte"
            case .nationalDay: "Fête nationale"
            case .assumption: "Assomption"
            case .allSaints: "Toussaint"
            case .armistice: "Armistice 1918"
            case .christmas: "Noël"
            case .saintStephen: "Saint-Étienne"
            }
        }

        /// Whether only the Alsace-Moselle option observes it (Good Friday, 26 December).
        public var isAlsaceMoselleOnly: Bool { self == .goodFriday || self == .saintStephen }
    }

    /// The day of the holiday.
    public let date: CivilDate
    /// Which holiday it is.
    public let kind: Kind

    /// A holiday of `kind` on `date` (no check that the rule gives that date).
    public init(date: CivilDate, kind: Kind) {
        self.date = date
        self.kind = kind
    }

    /// The French name of the holiday ("Lundi de Pâques").
    public var name: String { kind.frenchName }

    /// `2026-04-06 Lundi de Pâques`.
    public var description: String { "\(date) \(name)" }
}

extension FrenchCalendar {
    /// Easter Sunday of `year` on the Gregorian calendar (anonymous Gregorian algorithm, also
    /// known as Meeus/Jones/Butcher). Throws `core.out_of_range` outside years 1...9999.
    public static func easterSunday(year: Int) throws -> CivilDate {
        guard (1...9999).contains(year) else {
            throw KimpleError(
                .outOfRange, "Easter is computed for years 1 to 9999.", context: ["year": String(year)])
        }
        return easter(year)
    }

    /// Easter Sunday of a year in 1...9999 (unchecked).
    static func easter(_ year: Int) -> CivilDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CivilDate(unchecked: year, month, day)
    }

    /// The public holidays of `year` in date order (with the two Alsace-Moselle ones when the
    /// option is on). Two holidays can fall on the same day (Ascension was on 1 May in 2008):
    /// both are listed. Empty outside years 1...9999.
    public func publicHolidays(in year: Int) -> [PublicHoliday] {
        guard (1...9999).contains(year) else { return [] }
        let easter = Self.easter(year)
        var holidays: [PublicHoliday] = []
        holidays.reserveCapacity(13)
        func add(_ kind: PublicHoliday.Kind, _ month: Int, _ day: Int) {
            holidays.append(PublicHoliday(date: CivilDate(unchecked: year, month, day), kind: kind))
        }
        func add(_ kind: PublicHoliday.Kind, easterPlus days: Int) {
            holidays.append(PublicHoliday(date: easter.adding(days: days), kind: kind))
        }
        add(.newYearsDay, 1, 1)
        if options.alsaceMoselle { add(.goodFriday, easterPlus: -2) }
        add(.easterMonday, easterPlus: 1)
        add(.labourDay, 5, 1)
        add(.victoryInEurope, 5, 8)
        add(.ascension, easterPlus: 39)
        add(.whitMonday, easterPlus: 50)
        add(.nationalDay, 7, 14)
        add(.assumption, 8, 15)
        add(.allSaints, 11, 1)
        add(.armistice, 11, 11)
        add(.christmas, 12, 25)
        if options.alsaceMoselle { add(.saintStephen, 12, 26) }
        // Only the three Easter-based days can be out of order (Ascension: 30 April to 3 June).
        let order = PublicHoliday.Kind.allCases
        holidays.sort {
            $0.date != $1.date
                ? $0.date < $1.date : (order.firstIndex(of: $0.kind) ?? 0) < (order.firstIndex(of: $1.kind) ?? 0)
        }
        return holidays
    }

    /// Whether `date` is a public holiday (jour férié) of this calendar. Constant time, no allocation.
    public func isPublicHoliday(_ date: CivilDate) -> Bool {
        switch (date.month, date.day) {
        case (1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25): return true
        case (12, 26): return options.alsaceMoselle
        default: break
        }
        // Good Friday (20 March at the earliest) to Whit Monday (14 June at the latest).
        guard (3...6).contains(date.month) else { return false }
        switch Self.easter(date.year).days(to: date) {
        case 1, 39, 50: return true
        case -2: return options.alsaceMoselle
        default: return false
        }
    }

    /// Whether `date` is a working day (jour ouvrable): Monday to Saturday, public holidays excepted.
    public func isWorkingDay(_ date: CivilDate) -> Bool {
        date.weekday != .sunday && !isPublicHoliday(date)
    }

    /// Whether `date` is a business day (jour ouvré): Monday to Friday, public holidays excepted.
    public func isBusinessDay(_ date: CivilDate) -> Bool {
        date.weekday.rawValue <= Weekday.friday.rawValue && !isPublicHoliday(date)
    }
}

// MARK: - Counting days

extension FrenchCalendar {
    /// The `n`-th working day (jour ouvrable) after `date`; `date` itself never counts, whatever
    /// it is (French rule: a delay runs from the next day). `n == 0` returns `date`; a negative
    /// `n` counts backwards (the `|n|`-th working day before `date`). The deadline instant is
    /// ``endOfDay(_:)`` of the result.
    ///
    /// Always `workingDays(after: date, through: addingWorkingDays(n, to: date)) == n`.
    /// Throws `core.out_of_range` when the result would leave years 1...9999.
    public func addingWorkingDays(_ n: Int, to date: CivilDate) throws -> CivilDate {
        try advance(n, from: date, counting: isWorkingDay)
    }

    /// The `n`-th business day (jour ouvré) after `date`, with the conventions of
    /// ``addingWorkingDays(_:to:)``. Throws `core.out_of_range` when the result would leave
    /// years 1...9999.
    public func addingBusinessDays(_ n: Int, to date: CivilDate) throws -> CivilDate {
        try advance(n, from: date, counting: isBusinessDay)
    }

    /// The number of working days (jours ouvrables) in `(start, end]`: `start` does not count,
    /// `end` does. When `end` is before `start` the result is negative: minus the working days of
    /// `[end, start)`, so that it inverts ``addingWorkingDays(_:to:)``. Runs in time proportional
    /// to the number of years crossed, not days.
    public func workingDays(after start: CivilDate, through end: CivilDate) -> Int {
        count(after: start, through: end, daysPerWeek: 6) { $0 != .sunday }
    }

    /// The number of business days (jours ouvrés) in `(start, end]`, with the conventions of
    /// ``workingDays(after:through:)``.
    public func businessDays(after start: CivilDate, through end: CivilDate) -> Int {
        count(after: start, through: end, daysPerWeek: 5) { $0.rawValue <= Weekday.friday.rawValue }
    }

    private func advance(_ n: Int, from date: CivilDate, counting: (CivilDate) -> Bool) throws -> CivilDate {
        func outOfRange() -> KimpleError {
            KimpleError(
                .outOfRange, "The date is outside the years 1 to 9999; use a smaller number of days.",
                context: ["from": date.description, "days": String(n)])
        }
        // The supported range holds fewer than 3,700,000 days: a larger `n` cannot end inside it.
        guard n.magnitude < 3_700_000 else { throw outOfRange() }
        var remaining = n.magnitude
        let step = n < 0 ? -1 : 1
        var day = date
        while remaining > 0 {
            day = day.adding(days: step)
            guard (1...9999).contains(day.year) else { throw outOfRange() }
            if counting(day) { remaining -= 1 }
        }
        return day
    }

    /// Days of `(start, end]` on a counted weekday that are not public holidays: whole weeks by
    /// multiplication, then the holidays of each year crossed.
    private func count(
        after start: CivilDate, through end: CivilDate, daysPerWeek: Int, weekdayCounts: (Weekday) -> Bool
    ) -> Int {
        if end < start {
            // [end, start) == (end - 1, start - 1]
            return -count(
                after: end.adding(days: -1), through: start.adding(days: -1), daysPerWeek: daysPerWeek,
                weekdayCounts: weekdayCounts)
        }
        let days = start.days(to: end)
        guard days > 0 else { return 0 }
        var total = days / 7 * daysPerWeek
        var day = start.adding(days: days / 7 * 7)
        while day < end {
            day = day.adding(days: 1)
            if weekdayCounts(day.weekday) { total += 1 }
        }
        // Remove the holidays that fell on a counted weekday, each date once (Ascension can be 1 May).
        for year in start.adding(days: 1).year...end.year {
            var previous: CivilDate?
            for holiday in publicHolidays(in: year) where holiday.date != previous {
                previous = holiday.date
                if start < holiday.date, holiday.date <= end, weekdayCounts(holiday.date.weekday) { total -= 1 }
            }
        }
        return total
    }
}
