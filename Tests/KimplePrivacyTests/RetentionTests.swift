import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting
import Testing

@Suite("Retention")
struct RetentionTests {
    // SPEC P-9
    @Test("cutoffs are calendar periods on the Paris wall clock")
    func cutoffs() throws {
        // 31 March minus one month is 28 February (clamped), same wall-clock time.
        #expect(
            try RetentionPeriod.months(1).cutoff(at: instant("2026-03-31T10:00:00Z"), calendar: .paris)
                == instant("2026-02-28T11:00:00Z"))
        #expect(
            try RetentionPeriod.days(30).cutoff(at: instant("2026-04-15T10:00:00Z"), calendar: .paris)
                == instant("2026-03-16T11:00:00Z"))
    }

    // SPEC P-9
    @Test("the sweep erases what is past the retention of each holder's instruction, and logs it")
    func sweep() async throws {
        let f = try await PrivacyFixture.make(start: "2026-01-01T09:00:00Z")
        try await f.record(PrivacyFixture.terms(retention: .months(3)))
        try await f.record(PrivacyFixture.terms(retention: .days(10)), id: "robots")
        let participations = SamplePersonalDataHolder(
            tenant: f.tenant,
            name: "games.participations", log: InMemoryRecordLog(), clock: f.clock)
        let robots = SamplePersonalDataHolder(
            tenant: f.tenant, name: "games.robot_events", log: InMemoryRecordLog(), clock: f.clock)
        // One entry a day from 1 January to 30 April (120 days).
        try await participations.add(sampleEntries(people: 1, perPerson: 120, start: f.clock.now))
        try await robots.add(sampleEntries(people: 1, perPerson: 120, start: f.clock.now))
        try f.privacy.holders.register(participations, instruction: "summer")
        try f.privacy.holders.register(robots, instruction: "robots")
        try f.privacy.holders.register(
            SamplePersonalDataHolder(tenant: f.tenant, name: "orphan", log: InMemoryRecordLog(), clock: f.clock),
            instruction: "never")

        f.clock.set(instant("2026-05-01T08:00:00Z"))
        let report = try await f.privacy.retention.run()
        #expect(report.skipped == ["orphan"])
        // 3 months before 1 May 10:00 Paris is 1 February 10:00 Paris: January's 31 entries go.
        #expect(report.outcomes.map(\.recordsErased) == [31, 110])
        #expect(report.outcomes[0].cutoff == instant("2026-02-01T09:00:00Z"))
        #expect(try await participations.recordCount() == 89)
        // 10 days before is 21 April 10:00 Paris (08:00 UTC): entries up to 20 April go, 21 to 30 April stay.
        #expect(try await robots.recordCount() == 10)
        let swept = try await f.entries(PrivacyEvidence.retentionSwept)
        #expect(swept.map(\.subject) == ["holder:games.participations", "holder:games.robot_events"])
        #expect(swept[0].details.contains("31 records recorded before 2026-02-01T09:00:00Z erased"))
    }
}
