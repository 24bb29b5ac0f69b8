import Foundation
import KimpleCore
import Testing

private let day = CalendarFixtures.day
private let at = CalendarFixtures.at
private func time(_ hour: Int, _ minute: Int = 0, _ second: Int = 0) throws -> LocalTime {
    try CalendarFixtures.time(hour, minute, second)
}

// SPEC K-2 / K-3: instants read in Europe/Paris, exact across daylight-saving changes.
@Suite("Paris time and calendar arithmetic on instants")
struct CalendarParisTimeTests {
    let calendar = FrenchCalendar.paris

    // SPEC K-2: the change days of 2024, 2025 and 2026 last 23 and 25 hours; their neighbours 24.
    @Test(
        "daylight-saving days",
        arguments: [
            ("2024-03-31", 23), ("2024-10-27", 25), ("2025-03-30", 23), ("2025-10-26", 25),
            ("2026-03-29", 23), ("2026-10-25", 25),
        ])
    func changeDays(date: String, hours: Int) throws {
        let change = try day(date)
        #expect(change.weekday == .sunday)
        #expect(calendar.endOfDay(change).timeIntervalSince(calendar.startOfDay(change)) == Double(hours) * 3600)
        for neighbour in [change.adding(days: -1), change.adding(days: 1)] {
            #expect(calendar.endOfDay(neighbour).timeIntervalSince(calendar.startOfDay(neighbour)) == 86_400)
        }
    }

    // SPEC K-2: offsets around the change at 01:00 UTC.
    @Test func offsets() throws {
        #expect(calendar.secondsFromUTC(at: try at("2024-03-31T00:59:59Z")) == 3600)
        #expect(calendar.secondsFromUTC(at: try at("2024-03-31T01:00:00Z")) == 7200)
        #expect(calendar.secondsFromUTC(at: try at("2024-10-27T00:59:59Z")) == 7200)
        #expect(calendar.secondsFromUTC(at: try at("2024-10-27T01:00:00Z")) == 3600)
        #expect(calendar.localTime(of: try at("2024-03-31T00:59:59Z")) == (try time(1, 59, 59)))
        #expect(calendar.localTime(of: try at("2024-03-31T01:00:00Z")) == (try time(3)))
        #expect(calendar.civilDate(of: try at("2024-12-31T23:30:00Z")) == (try day("2025-01-01")))
        #expect(calendar.civilDate(of: try at("2024-06-30T21:59:59Z")) == (try day("2024-06-30")))
        #expect(calendar.civilDate(of: try at("2024-06-30T22:00:00Z")) == (try day("2024-07-01")))
    }

    // SPEC K-2: a local time in the spring-forward gap moves forward by the gap (one hour).
    @Test func springForwardGap() throws {
        let gapDay = try day("2024-03-31")
        #expect(calendar.instant(gapDay, try time(2, 30)) == (try at("2024-03-31T03:30:00+02:00")))
        #expect(calendar.instant(gapDay, try time(2)) == (try at("2024-03-31T03:00:00+02:00")))
        #expect(calendar.instant(gapDay, try time(1, 59, 59)) == (try at("2024-03-31T01:59:59+01:00")))
        #expect(calendar.instant(gapDay, try time(3)) == (try at("2024-03-31T03:00:00+02:00")))
        #expect(calendar.localTime(of: calendar.instant(gapDay, try time(2, 30))) == (try time(3, 30)))
    }

    // SPEC K-2: a local time of the autumn overlap means its first occurrence (summer time).
    @Test func autumnOverlap() throws {
        let overlapDay = try day("2024-10-27")
        let first = calendar.instant(overlapDay, try time(2, 30))
        #expect(first == (try at("2024-10-27T02:30:00+02:00")))
        let second = try at("2024-10-27T02:30:00+01:00")
        #expect(second.timeIntervalSince(first) == 3600)
        #expect(calendar.localTime(of: second) == (try time(2, 30)))
        #expect(calendar.instant(overlapDay, try time(3)) == (try at("2024-10-27T03:00:00+01:00")))
    }

    // SPEC K-2: local date and time of an instant, and back, for every hour of 2024–2026; the only
    // instants that do not come back are the second occurrences of the overlap hours.
    @Test func roundTrips() throws {
        var instant = try at("2024-01-01T00:00:00+01:00")
        let end = try at("2027-01-01T00:00:00+01:00")
        var notBack = 0
        while instant < end {
            let date = calendar.civilDate(of: instant)
            let local = calendar.localTime(of: instant)
            if calendar.instant(date, local) != instant {
                notBack += 1
                #expect(calendar.instant(date, local) == instant.addingTimeInterval(-3600))
            }
            #expect(calendar.civilDate(of: calendar.startOfDay(date)) == date)
            #expect(calendar.localTime(of: calendar.startOfDay(date)) == .midnight)
            instant = instant.addingTimeInterval(1800)
        }
        #expect(notBack == 3 * 2)  // 02:00 and 02:30 of the three autumn changes
    }

    // SPEC K-2: the built-in Paris rule (for systems without tzdata) matches the time-zone database
    // from 1996 to 2037, change instants included.
    @Test func builtInParisRuleMatchesTheDatabase() throws {
        #expect(!calendar.usesBuiltInParisRule)
        let builtIn = FrenchCalendar(builtInParisRule: .init())
        #expect(builtIn.usesBuiltInParisRule)
        var instant = try at("1996-01-01T00:00:00Z")
        let end = try at("2038-01-01T00:00:00Z")
        while instant < end {
            #expect(builtIn.secondsFromUTC(at: instant) == calendar.secondsFromUTC(at: instant), "\(instant)")
            #expect(
                builtIn.secondsFromUTC(at: instant.addingTimeInterval(-1))
                    == calendar.secondsFromUTC(at: instant.addingTimeInterval(-1)))
            instant = instant.addingTimeInterval(3600)
        }
        #expect(
            builtIn.instant(try day("2024-03-31"), try time(2, 30))
                == calendar.instant(try day("2024-03-31"), try time(2, 30)))
        #expect(
            builtIn.instant(try day("2024-10-27"), try time(2, 30))
                == calendar.instant(try day("2024-10-27"), try time(2, 30)))
    }

    // SPEC K-3: adding a day keeps the wall time across a change (23 or 25 hours later).
    @Test func addingDaysKeepsWallTime() throws {
        let spring = try calendar.adding(days: 1, to: try at("2024-03-30T12:00:00+01:00"))
        #expect(spring == (try at("2024-03-31T12:00:00+02:00")))
        let autumn = try calendar.adding(days: 1, to: try at("2024-10-26T12:00:00+02:00"))
        #expect(autumn == (try at("2024-10-27T12:00:00+01:00")))
        #expect(try calendar.adding(days: -1, to: autumn) == (try at("2024-10-26T12:00:00+02:00")))
        // Landing in the gap follows instant(_:_:): forward by the gap.
        #expect(
            try calendar.adding(days: 1, to: try at("2024-03-30T02:30:00+01:00"))
                == (try at("2024-03-31T03:30:00+02:00")))
        // Fractions of a second are kept.
        #expect(
            try calendar.adding(days: 7, to: try at("2024-03-28T10:00:00.250+01:00"))
                == (try at("2024-04-04T10:00:00.250+02:00")))
        // Zero is the instant itself, even the second occurrence of an overlap hour.
        let second = try at("2024-10-27T02:30:00+01:00")
        #expect(try calendar.adding(days: 0, to: second) == second)
    }

    // SPEC K-3: calendar months on instants: same wall time, clamped to the end of the month.
    @Test func addingMonths() throws {
        #expect(
            try calendar.adding(months: 1, to: try at("2026-01-31T10:00:00+01:00"))
                == (try at("2026-02-28T10:00:00+01:00")))
        #expect(
            try calendar.adding(months: 1, to: try at("2024-01-31T10:00:00+01:00"))
                == (try at("2024-02-29T10:00:00+01:00")))
        #expect(
            try calendar.adding(months: -1, to: try at("2026-03-31T10:00:00+02:00"))
                == (try at("2026-02-28T10:00:00+01:00")))
        #expect(
            try calendar.adding(months: -1, to: try at("2024-03-31T10:00:00+02:00"))
                == (try at("2024-02-29T10:00:00+01:00")))
        // Across the March change: one calendar month is 30 days minus an hour here.
        let march = try at("2024-03-15T12:00:00+01:00")
        let april = try calendar.adding(months: 1, to: march)
        #expect(april == (try at("2024-04-15T12:00:00+02:00")))
        #expect(april.timeIntervalSince(march) == 31 * 86_400 - 3600)
        // P-3 style: one month after 31 January 2025 at 16:00 is 28 February at 16:00.
        #expect(
            try calendar.adding(months: 1, to: try at("2025-01-31T16:00:00+01:00"))
                == (try at("2025-02-28T16:00:00+01:00")))
        // Into the gap: 31 January 02:30 + 2 months = 31 March 03:30 (CEST).
        #expect(
            try calendar.adding(months: 2, to: try at("2024-01-31T02:30:00+01:00"))
                == (try at("2024-03-31T03:30:00+02:00")))
        expectCode(.outOfRange) { try calendar.adding(months: 12, to: try at("9999-06-01T00:00:00Z")) }
        expectCode(.outOfRange) { try calendar.adding(months: Int.min, to: march) }
        expectCode(.outOfRange) { try calendar.adding(days: Int.max, to: march) }
    }

    // SPEC A-1 / K-3: a month's real minutes in Paris (the availability covered period).
    @Test(
        "minutes of a month",
        arguments: [
            (2024, 3, 31 * 1440 - 60), (2024, 10, 31 * 1440 + 60), (2025, 3, 44_580), (2025, 10, 44_700),
            (2026, 3, 44_580), (2026, 10, 44_700), (2024, 2, 29 * 1440), (2026, 2, 28 * 1440), (2024, 4, 30 * 1440),
        ])
    func monthMinutes(year: Int, month: Int, minutes: Int) throws {
        let calendarMonth = try CalendarMonth(year: year, month: month)
        #expect(calendar.minutes(in: calendarMonth) == minutes)
        let range = calendar.interval(of: calendarMonth)
        #expect(calendar.civilDate(of: range.lowerBound) == calendarMonth.firstDay)
        #expect(calendar.localTime(of: range.lowerBound) == .midnight)
        #expect(calendar.civilDate(of: range.upperBound.addingTimeInterval(-1)) == calendarMonth.lastDay)
        #expect(calendar.month(of: range.upperBound) == (try calendarMonth.adding(months: 1)))
    }

    // SPEC K-3: another zone can be chosen; the rules stay French.
    @Test func otherZone() throws {
        let zone: TimeZone = try #require(TimeZone(identifier: "Indian/Reunion"))
        let reunion = FrenchCalendar(.init(timeZone: zone))
        #expect(reunion.startOfDay(try day("2024-03-31")) == (try at("2024-03-31T00:00:00+04:00")))
        #expect(reunion.minutes(in: try CalendarMonth(year: 2024, month: 3)) == 31 * 1440)
        #expect(reunion.isPublicHoliday(try day("2024-05-08")))
    }

    // SPEC K-2: absurd instants are clamped, never trap.
    @Test func extremeInstants() throws {
        #expect(calendar.civilDate(of: Date(timeIntervalSince1970: 1e300)) == (try day("9999-12-31")))
        #expect(calendar.civilDate(of: Date(timeIntervalSince1970: -1e300)) == (try day("0001-01-01")))
        #expect(calendar.civilDate(of: Date(timeIntervalSince1970: .nan)) == (try day("0001-01-01")))
        #expect(calendar.civilDate(of: .distantFuture).year == 4001)
    }

    // SPEC K-3: dates and times from outside are validated, also when decoded.
    @Test func malformedDatesAndTimes() throws {
        for bad in ["2026-+1-01", "+026-01-01", "2026-01-+1", "2026-1-01", "2026-02-30"] {
            expectCode(.invalidArgument, "\(bad)") { try CivilDate(bad) }
        }
        let json = #"{"hour":25,"minute":0,"second":0}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LocalTime.self, from: Data(json.utf8)) }
        let nine = try time(9, 30)
        #expect(try JSONDecoder().decode(LocalTime.self, from: JSONEncoder().encode(nine)) == nine)
    }

    // SPEC K-3: calendar months as values.
    @Test func calendarMonths() throws {
        let month = try CalendarMonth("2024-02")
        #expect(month.numberOfDays == 29)
        #expect(month.lastDay == (try day("2024-02-29")))
        #expect(month.description == "2024-02")
        #expect(try month.adding(months: -2) == (try CalendarMonth(year: 2023, month: 12)))
        #expect(month < (try CalendarMonth("2024-10")))
        #expect(month.contains(try day("2024-02-29")))
        #expect(!month.contains(try day("2024-03-01")))
        for bad in ["2024-13", "2024-00", "24-02", "2024-2", "2024-+2", "2024/02", "0000-01"] {
            expectCode(.invalidArgument, "\(bad)") { try CalendarMonth(bad) }
        }
        let json = try JSONEncoder().encode([month])
        #expect(String(decoding: json, as: UTF8.self) == #"["2024-02"]"#)
        #expect(try JSONDecoder().decode([CalendarMonth].self, from: json) == [month])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CalendarMonth].self, from: Data(#"["2024-13"]"#.utf8))
        }
    }
}
