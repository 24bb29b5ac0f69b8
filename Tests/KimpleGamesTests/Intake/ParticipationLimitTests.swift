import Foundation
import KimpleCore
import KimpleGames
import Testing

@Suite("Participation limits per period")
struct ParticipationLimitTests {
    /// An operation over the whole of 2026 with `limit`, in `timeZone`.
    private func harness(
        _ limit: ParticipationLimit, timeZone: String = "Europe/Paris", now: String
    ) async throws -> Harness {
        try await Harness.make(
            operation: Fixtures.operation {
                $0.limit = limit
                $0.timeZone = timeZone
                $0.opensAt = Fixtures.instant("2026-01-01T00:00:00Z")
                $0.closesAt = Fixtures.instant("2026-12-31T00:00:00Z")
            }, now: Fixtures.instant(now))
    }

    private func submitJane(_ h: Harness, at instant: String) async throws -> IntakeResult {
        h.clock.set(Fixtures.instant(instant))
        return try await h.submit(Fixtures.fields(email: "jane@example.com"))
    }

    // SPEC G-4
    @Test("once per day: a new day starts at local midnight in Paris, not at midnight UTC")
    func midnight() async throws {
        let h = try await harness(.oncePerDay, now: "2026-06-15T10:00:00Z")
        #expect(try await submitJane(h, at: "2026-06-15T10:00:00Z").isAccepted)
        // 23:59:59 in Paris (CEST, UTC+2): the same local day.
        expectRejected(try await submitJane(h, at: "2026-06-15T21:59:59Z"), .participationDuplicate)
        // 00:00:00 in Paris on 16 June, still 15 June in UTC: a new day.
        #expect(try await submitJane(h, at: "2026-06-15T22:00:00Z").isAccepted)
        expectRejected(try await submitJane(h, at: "2026-06-16T21:00:00Z"), .participationDuplicate)
    }

    // SPEC G-4
    @Test("the autumn change: 25 October 2026 lasts 25 hours in Paris and is one day for the limit")
    func autumnChange() async throws {
        let h = try await harness(.oncePerDay, now: "2026-10-24T22:00:00Z")
        // 00:00 on 25 October in Paris is 22:00Z (CEST); the day ends at 23:00Z (CET).
        #expect(try await submitJane(h, at: "2026-10-24T21:59:59Z").isAccepted)  // 23:59:59 on 24 October
        #expect(try await submitJane(h, at: "2026-10-24T22:00:00Z").isAccepted)
        // 02:30 CET, after the change.
        expectRejected(try await submitJane(h, at: "2026-10-25T01:30:00Z"), .participationDuplicate)
        expectRejected(try await submitJane(h, at: "2026-10-25T22:59:59Z"), .participationDuplicate)  // 23:59:59 CET
        #expect(try await submitJane(h, at: "2026-10-25T23:00:00Z").isAccepted)  // 00:00 on 26 October
        let periods = try ParticipationPeriods(
            of: Fixtures.operation { $0.closesAt = Fixtures.instant("2026-12-31T00:00:00Z") })
        let day = periods.day(of: Fixtures.instant("2026-10-25T12:00:00Z"))
        #expect(periods.day(of: Fixtures.instant("2026-10-24T22:00:00Z")) == day)
        #expect(periods.day(of: Fixtures.instant("2026-10-25T22:59:59Z")) == day)
        #expect(periods.day(of: Fixtures.instant("2026-10-25T23:00:00Z")) == day + 1)
        #expect(CivilDate(daysSinceEpoch: day).description == "2026-10-25")
    }

    // SPEC G-4
    @Test("the spring change: 29 March 2026 lasts 23 hours in Paris")
    func springChange() async throws {
        let h = try await harness(.oncePerDay, now: "2026-03-28T23:00:00Z")
        // 00:00 on 29 March in Paris is 23:00Z on the 28th (CET); the day ends at 22:00Z (CEST).
        #expect(try await submitJane(h, at: "2026-03-28T23:00:00Z").isAccepted)
        expectRejected(try await submitJane(h, at: "2026-03-29T01:00:00Z"), .participationDuplicate)  // 03:00 CEST
        expectRejected(try await submitJane(h, at: "2026-03-29T21:59:59Z"), .participationDuplicate)  // 23:59:59 CEST
        #expect(try await submitJane(h, at: "2026-03-29T22:00:00Z").isAccepted)  // 00:00 on 30 March
    }

    // SPEC G-4
    @Test("at most 3 per ISO week in New York: the week starts Monday 00:00 local time")
    func weekInNewYork() async throws {
        let h = try await harness(.atMost(3, per: .week), timeZone: "America/New_York", now: "2026-11-09T05:00:00Z")
        // Monday 9 November 2026 00:00 in New York (EST, UTC-5) is 05:00Z.
        for hour in ["2026-11-09T05:00:00Z", "2026-11-11T12:00:00Z", "2026-11-16T04:59:59Z"] {
            #expect(try await submitJane(h, at: hour).isAccepted, "\(hour)")
        }
        let fourth = try await submitJane(h, at: "2026-11-16T04:59:59Z")  // Sunday 23:59:59 local
        expectRejected(fourth, .participationDuplicate)
        #expect(fourth.rejection?.context["existing"] == "3")
        #expect(try await submitJane(h, at: "2026-11-16T05:00:00Z").isAccepted)  // Monday 00:00 local
        #expect(
            ParticipationPeriods.week(ofDay: try CivilDate("2026-11-09").daysSinceEpoch)
                == ParticipationPeriods.week(ofDay: try CivilDate("2026-11-15").daysSinceEpoch))
        #expect(
            ParticipationPeriods.week(ofDay: try CivilDate("2026-11-16").daysSinceEpoch) == ParticipationPeriods.week(
                ofDay: try CivilDate("2026-11-15").daysSinceEpoch) + 1)
        // Week 0 starts Monday 1969-12-29.
        #expect(ParticipationPeriods.week(ofDay: try CivilDate("1969-12-29").daysSinceEpoch) == 0)
        #expect(ParticipationPeriods.week(ofDay: try CivilDate("1969-12-28").daysSinceEpoch) == -1)
    }

    // SPEC G-4
    @Test("at most 2 per day")
    func twicePerDay() async throws {
        let h = try await harness(.atMost(2, per: .day), now: "2026-06-15T06:00:00Z")
        #expect(try await submitJane(h, at: "2026-06-15T06:00:00Z").isAccepted)
        #expect(try await submitJane(h, at: "2026-06-15T07:00:00Z").isAccepted)
        expectRejected(try await submitJane(h, at: "2026-06-15T08:00:00Z"), .participationDuplicate)
        #expect(try await h.participations.recordCount() == 2)
    }

    // SPEC G-4
    @Test("the period table agrees with the time zone's own offsets on every day of a year, both ways round")
    func periodTable() throws {
        for zone in ["Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Kolkata"] {
            let timeZone = try #require(TimeZone(identifier: zone))
            let periods = ParticipationPeriods(
                timeZone: timeZone,
                covering: Fixtures.instant("2026-01-01T00:00:00Z")..<Fixtures.instant("2027-01-01T00:00:00Z"))
            var t = Fixtures.instant("2025-12-30T00:00:00Z").timeIntervalSince1970
            while t < Fixtures.instant("2027-01-03T00:00:00Z").timeIntervalSince1970 {
                let instant = Date(timeIntervalSince1970: t)
                let local = t + Double(timeZone.secondsFromGMT(for: instant))
                let expected = Int64((local / 86_400).rounded(.down))
                #expect(periods.day(of: instant) == expected, "\(zone) \(instant)")
                t += 1_799  // every half hour or so, drifting through every minute of the day
            }
        }
    }
}
