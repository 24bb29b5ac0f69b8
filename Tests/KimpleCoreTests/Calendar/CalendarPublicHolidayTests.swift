import Foundation
import KimpleCore
import Testing

private let day = CalendarFixtures.day

// SPEC K-3: the public holidays of metropolitan France and Alsace-Moselle.
@Suite("French public holidays")
struct CalendarPublicHolidayTests {
    let calendar = FrenchCalendar.paris
    let alsace = FrenchCalendar(.init(alsaceMoselle: true))

    // SPEC K-3: the eleven holidays, dates as published (service-public / official calendars).
    @Test(
        "all eleven holidays of 2024, 2025 and 2026",
        arguments: [
            (
                2024,
                [
                    "2024-01-01", "2024-04-01", "2024-05-01", "2024-05-08", "2024-05-09", "2024-05-20",
                    "2024-07-14", "2024-08-15", "2024-11-01", "2024-11-11", "2024-12-25",
                ]
            ),
            (
                2025,
                [
                    "2025-01-01", "2025-04-21", "2025-05-01", "2025-05-08", "2025-05-29", "2025-06-09",
                    "2025-07-14", "2025-08-15", "2025-11-01", "2025-11-11", "2025-12-25",
                ]
            ),
            (
                2026,
                [
                    "2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25",
                    "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25",
                ]
            ),
        ])
    func elevenHolidays(year: Int, expected: [String]) throws {
        let holidays = calendar.publicHolidays(in: year)
        #expect(holidays.map(\.date.description) == expected)
        #expect(
            holidays.map(\.kind) == [
                .newYearsDay, .easterMonday, .labourDay, .victoryInEurope, .ascension, .whitMonday,
                .nationalDay, .assumption, .allSaints, .armistice, .christmas,
            ])
    }

    // SPEC K-3: the movable holidays of other years (Easter Monday, Ascension, Whit Monday).
    @Test(
        "movable holidays of 2015, 2019 and 2027",
        arguments: [
            (2015, "2015-04-06", "2015-05-14", "2015-05-25"),
            (2019, "2019-04-22", "2019-05-30", "2019-06-10"),
            (2027, "2027-03-29", "2027-05-06", "2027-05-17"),
        ])
    func movableHolidays(year: Int, easterMonday: String, ascension: String, whitMonday: String) throws {
        let byKind = Dictionary(uniqueKeysWithValues: calendar.publicHolidays(in: year).map { ($0.kind, $0.date) })
        #expect(byKind[.easterMonday] == (try day(easterMonday)))
        #expect(byKind[.ascension] == (try day(ascension)))
        #expect(byKind[.whitMonday] == (try day(whitMonday)))
        #expect(byKind.count == 11)
        for date in [easterMonday, ascension, whitMonday] {
            #expect(calendar.isPublicHoliday(try day(date)))
            #expect(!calendar.isPublicHoliday(try day(date).adding(days: 1)))
            #expect(!calendar.isPublicHoliday(try day(date).adding(days: -1)))
        }
    }

    // SPEC K-3: French names.
    @Test func frenchNames() throws {
        let names = alsace.publicHolidays(in: 2026).map(\.name)
        #expect(
            names == [
                "Jour de l'an", "Vendredi saint", "Lundi de Pâques", "Fête du Travail", "Victoire 1945", "Ascension",
                "Lundi de Pentecôte", "Fête nationale", "Assomption", "Toussaint", "Armistice 1918", "Noël",
                "Saint-Étienne",
            ])
        #expect(calendar.publicHolidays(in: 2026)[1].description == "2026-04-06 Lundi de Pâques")
    }

    // SPEC K-3: Alsace-Moselle adds Good Friday and 26 December, and only with the option.
    @Test func alsaceMoselle() throws {
        let goodFriday = try day("2026-04-03")
        let saintStephen = try day("2026-12-26")
        #expect(!calendar.isPublicHoliday(goodFriday))
        #expect(!calendar.isPublicHoliday(saintStephen))
        #expect(alsace.isPublicHoliday(goodFriday))
        #expect(alsace.isPublicHoliday(saintStephen))
        #expect(!alsace.isBusinessDay(goodFriday))
        let extra = Set(alsace.publicHolidays(in: 2026)).subtracting(calendar.publicHolidays(in: 2026))
        #expect(
            extra == [
                PublicHoliday(date: goodFriday, kind: .goodFriday),
                PublicHoliday(date: saintStephen, kind: .saintStephen),
            ])
        #expect(extra.allSatisfy { $0.kind.isAlsaceMoselleOnly })
        // Good Friday 2019 and 2025: two days before Easter Sunday.
        #expect(alsace.isPublicHoliday(try day("2019-04-19")))
        #expect(alsace.isPublicHoliday(try day("2025-04-18")))
        #expect(!alsace.isPublicHoliday(try day("2025-04-19")))
    }

    // SPEC K-3: two holidays on one day (Ascension on 1 May 2008) are both listed, and the day is
    // one holiday.
    @Test func ascensionOnLabourDay() throws {
        let holidays = calendar.publicHolidays(in: 2008)
        #expect(holidays.count == 11)
        #expect(holidays.filter { $0.date == (try? day("2008-05-01")) }.map(\.kind) == [.labourDay, .ascension])
        // Thursday 1 May 2008 is lost once, not twice: April 30 to May 2 holds only Friday 2 May.
        #expect(calendar.businessDays(after: try day("2008-04-30"), through: try day("2008-05-02")) == 1)
    }

    // SPEC K-3: the per-date check and the yearly list are two implementations; they must agree
    // on every day of two centuries, with and without Alsace-Moselle.
    @Test func isPublicHolidayAgreesWithTheList() throws {
        for cal in [calendar, alsace] {
            for year in 1900...2100 {
                let listed = Set(cal.publicHolidays(in: year).map(\.date))
                var date = try CivilDate(year: year, month: 1, day: 1)
                while date.year == year {
                    #expect(cal.isPublicHoliday(date) == listed.contains(date), "\(date)")
                    date = date.adding(days: 1)
                }
            }
        }
        #expect(calendar.publicHolidays(in: 0).isEmpty)
        #expect(calendar.publicHolidays(in: 10_000).isEmpty)
    }

    // SPEC K-3: Easter against published dates, including the extremes of its range.
    @Test func easterPublishedDates() throws {
        let published = [
            "2000-04-23", "2001-04-15", "2002-03-31", "2003-04-20", "2004-04-11", "2005-03-27", "2006-04-16",
            "2007-04-08", "2008-03-23", "2009-04-12", "2010-04-04", "2011-04-24", "2012-04-08", "2013-03-31",
            "2014-04-20", "2015-04-05", "2016-03-27", "2017-04-16", "2018-04-01", "2019-04-21", "2020-04-12",
            "2021-04-04", "2022-04-17", "2023-04-09", "2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28",
            "2028-04-16", "2029-04-01", "2030-04-21",
            // Earliest (22 March) and latest (25 April) possible Easter.
            "1818-03-22", "2285-03-22", "1943-04-25", "2038-04-25",
            // The two exceptions of Gauss's rule: 1981 (d = 29, e = 6) and 1954 (d = 28).
            "1981-04-19", "1954-04-18",
        ]
        for text in published {
            let date = try day(text)
            #expect(try FrenchCalendar.easterSunday(year: date.year) == date)
        }
    }

    // SPEC K-3: Easter against a second, independent method (Gauss's algorithm with its two
    // exceptions) for every Gregorian year, and always a Sunday between 22 March and 25 April.
    @Test func easterAgainstGauss() throws {
        for year in 1583...9999 {
            let easter = try FrenchCalendar.easterSunday(year: year)
            #expect(easter == (try gaussEaster(year)), "\(year)")
            #expect(easter.weekday == .sunday)
            #expect(easter >= (try CivilDate(year: year, month: 3, day: 22)))
            #expect(easter <= (try CivilDate(year: year, month: 4, day: 25)))
        }
        expectCode(.outOfRange) { try FrenchCalendar.easterSunday(year: 0) }
        expectCode(.outOfRange) { try FrenchCalendar.easterSunday(year: 10_000) }
    }

    /// Carl Friedrich Gauss's Easter algorithm (Gregorian), independent of the computus used by
    /// the SDK.
    private func gaussEaster(_ year: Int) throws -> CivilDate {
        let a = year % 19
        let b = year % 4
        let c = year % 7
        let k = year / 100
        let p = (13 + 8 * k) / 25
        let q = k / 4
        let m = (15 - p + k - q) % 30
        let n = (4 + k - q) % 7
        let d = (19 * a + m) % 30
        let e = (2 * b + 4 * c + 6 * d + n) % 7
        if d == 29, e == 6 { return try CivilDate(year: year, month: 4, day: 19) }
        if d == 28, e == 6, (11 * m + 11) % 30 < 19 { return try CivilDate(year: year, month: 4, day: 18) }
        let march = 22 + d + e
        return march <= 31
            ? try CivilDate(year: year, month: 3, day: march) : try CivilDate(year: year, month: 4, day: march - 31)
    }
}
