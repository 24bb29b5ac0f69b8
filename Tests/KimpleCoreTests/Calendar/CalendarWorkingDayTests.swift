import Foundation
import KimpleCore
import KimpleTesting
import Testing

private let day = CalendarFixtures.day

// SPEC K-3: working days (jours ouvrables, Mon–Sat) and business days (jours ouvrés, Mon–Fri),
// public holidays excepted; the day of the event does not count.
@Suite("Working and business days")
struct CalendarWorkingDayTests {
    let calendar = FrenchCalendar.paris

    // SPEC K-3: a Saturday is ouvrable but not ouvré; a Sunday and a holiday are neither.
    @Test func kindsOfDays() throws {
        let tuesday = try day("2026-05-19")
        let saturday = try day("2026-05-23")
        let sunday = try day("2026-05-24")
        let whitMonday = try day("2026-05-25")
        let labourDayFriday = try day("2026-05-01")
        let assumptionSaturday = try day("2026-08-15")
        #expect(calendar.isWorkingDay(tuesday) && calendar.isBusinessDay(tuesday))
        #expect(calendar.isWorkingDay(saturday) && !calendar.isBusinessDay(saturday))
        #expect(!calendar.isWorkingDay(sunday) && !calendar.isBusinessDay(sunday))
        #expect(!calendar.isWorkingDay(whitMonday) && !calendar.isBusinessDay(whitMonday))
        #expect(!calendar.isWorkingDay(labourDayFriday) && !calendar.isBusinessDay(labourDayFriday))
        #expect(!calendar.isWorkingDay(assumptionSaturday))
    }

    // SPEC C-6 / K-3: 30 working days of cure after a notice received on Thursday 30 April 2026.
    @Test func thirtyWorkingDaysAcrossMayHolidays() throws {
        // Counting from Friday 1 May (the day of the notice does not count), Mon–Sat:
        //   1 May Fri holiday; 2 Sat = 1; 4–7 May = 2..5; 8 May Fri holiday; 9 Sat = 6;
        //   11–13 = 7..9; 14 Thu Ascension; 15–16 = 10, 11; 18–23 = 12..17;
        //   25 Mon Whit Monday; 26–30 = 18..22; 1–6 June = 23..28; 8 June = 29; 9 June = 30.
        // Without the four holidays it would have been Thursday 4 June.
        let notice = try day("2026-04-30")
        let end = try calendar.addingWorkingDays(30, to: notice)
        #expect(end == (try day("2026-06-09")))
        #expect(calendar.workingDays(after: notice, through: end) == 30)
        #expect(calendar.workingDays(after: notice, through: end.adding(days: -1)) == 29)
        // The deadline is the end of that day, midnight Paris time (UTC+2 in June).
        #expect(calendar.endOfDay(end) == (try CalendarFixtures.at("2026-06-10T00:00:00+02:00")))
    }

    // SPEC A-3 / K-3: 3 business days for a minor incident reported on Thursday 21 May 2026.
    @Test func threeBusinessDaysAcrossWhitMonday() throws {
        // Fri 22 = 1; Sat, Sun; Mon 25 Whit Monday; Tue 26 = 2; Wed 27 = 3.
        let reported = try day("2026-05-21")
        #expect(try calendar.addingBusinessDays(3, to: reported) == (try day("2026-05-27")))
        #expect(calendar.businessDays(after: reported, through: try day("2026-05-27")) == 3)
        // From a Saturday, Monday is the first business day after it.
        #expect(try calendar.addingBusinessDays(1, to: try day("2026-05-16")) == (try day("2026-05-18")))
    }

    // SPEC K-3: zero and negative counts.
    @Test func zeroAndBackwards() throws {
        let sunday = try day("2026-05-03")
        #expect(try calendar.addingWorkingDays(0, to: sunday) == sunday)
        #expect(calendar.workingDays(after: sunday, through: sunday) == 0)
        // The working day before Monday 4 May 2026 is Saturday 2 May (1 May is a holiday).
        let monday = try day("2026-05-04")
        #expect(try calendar.addingWorkingDays(-1, to: monday) == (try day("2026-05-02")))
        #expect(try calendar.addingBusinessDays(-1, to: monday) == (try day("2026-04-30")))
        #expect(calendar.workingDays(after: monday, through: try day("2026-05-02")) == -1)
        #expect(calendar.businessDays(after: monday, through: try day("2026-04-30")) == -1)
    }

    // SPEC K-3: adding and counting are inverse, forwards and backwards, from any day.
    @Test func addingAndCountingAreInverse() throws {
        var random = SeededRandom(seed: 0x4B33)
        let alsace = FrenchCalendar(.init(alsaceMoselle: true))
        for _ in 0..<2_000 {
            let start = try day("2000-01-01").adding(days: Int.random(in: 0..<12_000, using: &random))
            let n = Int.random(in: -120...120, using: &random)
            for cal in [calendar, alsace] {
                let working = try cal.addingWorkingDays(n, to: start)
                #expect(cal.workingDays(after: start, through: working) == n, "\(start) \(n)")
                #expect(n == 0 || cal.isWorkingDay(working))
                let business = try cal.addingBusinessDays(n, to: start)
                #expect(cal.businessDays(after: start, through: business) == n, "\(start) \(n)")
                #expect(n == 0 || cal.isBusinessDay(business))
            }
        }
    }

    // SPEC K-3: the counting shortcut (whole weeks, then holidays) equals a day-by-day count.
    @Test func countingMatchesDayByDay() throws {
        var random = SeededRandom(seed: 0xC0DE)
        let alsace = FrenchCalendar(.init(alsaceMoselle: true))
        for _ in 0..<1_000 {
            let start = try day("1995-01-01").adding(days: Int.random(in: 0..<15_000, using: &random))
            let end = start.adding(days: Int.random(in: -1_200...1_200, using: &random))
            for cal in [calendar, alsace] {
                var working = 0
                var business = 0
                // Forwards: (start, end]; backwards: [end, start), negated.
                let (from, to) = start <= end ? (start.adding(days: 1), end) : (end, start.adding(days: -1))
                var date = from
                while date <= to {
                    if cal.isWorkingDay(date) { working += 1 }
                    if cal.isBusinessDay(date) { business += 1 }
                    date = date.adding(days: 1)
                }
                let sign = start <= end ? 1 : -1
                #expect(cal.workingDays(after: start, through: end) == sign * working, "\(start) \(end)")
                #expect(cal.businessDays(after: start, through: end) == sign * business, "\(start) \(end)")
            }
        }
    }

    // SPEC K-3: the working and business days of the whole year 2026, counted by hand.
    @Test func wholeYear2026() throws {
        // 2026: 52 Sundays; of its 11 holidays, 1 Nov is a Sunday and 15 Aug a Saturday.
        // Working days: 365 − 52 − 10 = 303. Business days: 261 weekdays − 9 = 252.
        let lastDay2025 = try day("2025-12-31")
        let lastDay2026 = try day("2026-12-31")
        #expect(calendar.workingDays(after: lastDay2025, through: lastDay2026) == 303)
        #expect(calendar.businessDays(after: lastDay2025, through: lastDay2026) == 252)
    }

    // SPEC K-3: a count that would leave the supported years throws a typed error.
    @Test func outOfRange() throws {
        expectCode(.outOfRange) { try calendar.addingWorkingDays(10, to: try day("9999-12-28")) }
        expectCode(.outOfRange) { try calendar.addingBusinessDays(-10, to: try day("0001-01-03")) }
        do {
            _ = try calendar.addingWorkingDays(Int.max, to: try day("2026-01-01"))
            Issue.record("expected core.out_of_range")
        } catch let error as KimpleError {
            #expect(error.code == .outOfRange)
        }
    }
}
