import Foundation
import KimpleCore
import KimpleTesting
import Testing

private let day = CalendarFixtures.day
private let at = CalendarFixtures.at
private func time(_ hour: Int, _ minute: Int = 0, _ second: Int = 0) throws -> LocalTime {
    try CalendarFixtures.time(hour, minute, second)
}

// SPEC K-3 / A-3: business hours (heures ouvrées), 09:00–18:00 on business days by default.
@Suite("Business hours")
struct CalendarBusinessHoursTests {
    let calendar = FrenchCalendar.paris

    // SPEC A-3: 3 business hours from Friday 17:00 before Whit Monday (25 May 2026) lands on
    // Tuesday 11:00: one hour on Friday, none on the weekend and the holiday, two on Tuesday.
    @Test func criticalIncidentBeforeWhitMonday() throws {
        #expect(calendar.isPublicHoliday(try day("2026-05-25")))
        let reported = try at("2026-05-22T17:00:00+02:00")
        let due = try calendar.addingBusinessHours(3, to: reported)
        #expect(due == (try at("2026-05-26T11:00:00+02:00")))
        #expect(calendar.businessTime(from: reported, to: due) == .seconds(3 * 3600))
        #expect(calendar.businessTime(from: due, to: reported) == .seconds(-3 * 3600))
    }

    // SPEC K-3: an instant outside business hours starts counting at the next opening.
    @Test func outsideBusinessHours() throws {
        // Saturday 7 March 2026 -> Monday 9 March 09:00 (UTC+1).
        let saturday = try at("2026-03-07T10:00:00+01:00")
        #expect(try calendar.addingBusinessTime(.zero, to: saturday) == (try at("2026-03-09T09:00:00+01:00")))
        #expect(try calendar.addingBusinessHours(1, to: saturday) == (try at("2026-03-09T10:00:00+01:00")))
        // Saturday 4 April 2026, before Easter Monday -> Tuesday 7 April.
        #expect(
            try calendar.addingBusinessHours(1, to: try at("2026-04-04T10:00:00+02:00"))
                == (try at("2026-04-07T10:00:00+02:00")))
        // Before opening and after closing on a weekday.
        #expect(
            try calendar.addingBusinessHours(1, to: try at("2026-03-10T07:00:00+01:00"))
                == (try at("2026-03-10T10:00:00+01:00")))
        #expect(
            try calendar.addingBusinessHours(1, to: try at("2026-03-10T18:00:00+01:00"))
                == (try at("2026-03-11T10:00:00+01:00")))
        // Ending exactly at closing stays on that day; 9 hours is one whole day.
        #expect(
            try calendar.addingBusinessHours(3, to: try at("2026-03-13T15:00:00+01:00"))
                == (try at("2026-03-13T18:00:00+01:00")))
        #expect(
            try calendar.addingBusinessHours(9, to: try at("2026-03-10T09:00:00+01:00"))
                == (try at("2026-03-10T18:00:00+01:00")))
        #expect(
            try calendar.addingBusinessHours(10, to: try at("2026-03-10T09:00:00+01:00"))
                == (try at("2026-03-11T10:00:00+01:00")))
        // Minutes and seconds.
        #expect(
            try calendar.addingBusinessTime(.seconds(90 * 60 + 30), to: try at("2026-03-10T17:00:00+01:00"))
                == (try at("2026-03-11T09:30:30+01:00")))
    }

    // SPEC K-3: business hours are configurable.
    @Test func configurableHours() throws {
        let hours = try BusinessHours(opening: try time(8, 30), closing: try time(12, 30))
        let mornings = FrenchCalendar(.init(businessHours: hours))
        // Friday 12:00 + 1 hour: 30 minutes on Friday, 30 on Monday from 08:30.
        #expect(
            try mornings.addingBusinessHours(1, to: try at("2026-03-13T12:00:00+01:00"))
                == (try at("2026-03-16T09:00:00+01:00")))
        #expect(
            mornings.businessTime(from: try at("2026-03-09T00:00:00+01:00"), to: try at("2026-03-16T00:00:00+01:00"))
                == .seconds(5 * 4 * 3600))
        #expect(BusinessHours.standard.description == "09:00–18:00")
        expectCode(.invalidArgument) { try BusinessHours(opening: try time(18), closing: try time(9)) }
        expectCode(.invalidArgument) { try BusinessHours(opening: try time(9), closing: try time(9)) }
        let json = try JSONEncoder().encode(hours)
        #expect(try JSONDecoder().decode(BusinessHours.self, from: json) == hours)
        let reversed = #"{"opening":{"hour":18,"minute":0,"second":0},"closing":{"hour":9,"minute":0,"second":0}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(BusinessHours.self, from: Data(reversed.utf8)) }
        let invalidTime = #"{"opening":{"hour":25,"minute":0,"second":0},"closing":{"hour":26,"minute":0,"second":0}}"#
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(BusinessHours.self, from: Data(invalidTime.utf8))
        }
    }

    // SPEC K-3: a week of business time: 5 × 9 hours, minus a holiday.
    @Test func businessTimeOverWeeks() throws {
        let monday = try at("2026-03-09T00:00:00+01:00")
        #expect(
            calendar.businessTime(from: monday, to: try calendar.adding(days: 7, to: monday)) == .seconds(45 * 3600))
        // The week of Ascension 2026 (Thursday 14 May).
        let ascensionWeek = try at("2026-05-11T00:00:00+02:00")
        #expect(
            calendar.businessTime(from: ascensionWeek, to: try calendar.adding(days: 7, to: ascensionWeek))
                == .seconds(36 * 3600))
        // Across the spring change the windows stay 09:00–18:00 local time.
        let march = try at("2026-03-23T00:00:00+01:00")
        #expect(calendar.businessTime(from: march, to: try calendar.adding(days: 14, to: march)) == .seconds(90 * 3600))
        #expect(calendar.businessWindow(on: try day("2026-03-30")).lowerBound == (try at("2026-03-30T09:00:00+02:00")))
    }

    // SPEC K-3: adding then measuring business time gives back the duration, from any instant.
    @Test func addingAndMeasuringAreInverse() throws {
        var random = SeededRandom(seed: 0xB0B)
        let start = try at("2024-01-01T00:00:00+01:00")
        for _ in 0..<500 {
            let instant = start.addingTimeInterval(Double(Int.random(in: 0..<(3 * 365 * 86_400), using: &random)))
            let seconds = Int64.random(in: 0...(200 * 3600), using: &random)
            let due = try calendar.addingBusinessTime(.seconds(seconds), to: instant)
            #expect(calendar.businessTime(from: instant, to: due) == .seconds(seconds), "\(instant) + \(seconds)")
            #expect(due >= instant)
        }
    }

    // SPEC K-3: bad durations are typed errors.
    @Test func badDurations() throws {
        let instant = try at("2026-03-10T10:00:00+01:00")
        do {
            _ = try calendar.addingBusinessTime(.seconds(-1), to: instant)
            Issue.record("expected core.invalid_argument")
        } catch let error as KimpleError {
            #expect(error.code == .invalidArgument)
        }
        do {
            _ = try calendar.addingBusinessHours(Int.max, to: instant)
            Issue.record("expected core.out_of_range")
        } catch let error as KimpleError {
            #expect(error.code == .outOfRange)
        }
        expectCode(.outOfRange) { try calendar.addingBusinessHours(1, to: try at("9999-12-31T20:00:00Z")) }
    }
}
