import Foundation
import KimpleAvailability
import KimpleCore
import Testing

private let at = Fixtures.at

@Suite("Incident intervention delays")
struct IncidentTests {
    let policy = InterventionPolicy.contract

    func incident(_ declared: String, _ severity: IncidentSeverity, intervention: String? = nil) throws -> Incident {
        try Incident(
            id: "inc", declaredAt: try at(declared), severity: severity, description: "test",
            interventionAt: intervention.map { try at($0) })
    }

    // SPEC A-3: a critical incident declared at 17:00 on Friday 22 May 2026, before Whit Monday,
    // is due 3 business hours later: 1 h on Friday, none on the weekend and the holiday, 2 h on
    // Tuesday: Tuesday 26 May at 11:00. An intervention at 11:00 is on time, at 11:01 late by 60 s.
    @Test func criticalOnFridayBeforeHoliday() throws {
        let onTime = try IncidentResponse.evaluate(
            try incident("2026-05-22T17:00:00+02:00", .critical, intervention: "2026-05-26T11:00:00+02:00"),
            policy: policy, asOf: try at("2026-06-01T00:00:00Z"))
        #expect(onTime.deadline?.due == (try at("2026-05-26T11:00:00+02:00")))
        #expect(onTime.status == .onTime)
        #expect(onTime.responseSeconds == 324_000.0)  // 3 days 18 hours
        let late = try IncidentResponse.evaluate(
            try incident("2026-05-22T17:00:00+02:00", .critical, intervention: "2026-05-26T11:01:00+02:00"),
            policy: policy, asOf: try at("2026-06-01T00:00:00Z"))
        #expect(late.status == .late)
        #expect(late.lateSeconds == 60)
        #expect(late.lateBusinessSeconds == 60)
    }

    // SPEC A-3: business hours are configurable: with 08:00–20:00 the same incident is due at 20:00
    // on the Friday. Good Friday counts only in Alsace-Moselle.
    @Test func configurableBusinessHoursAndHolidays() throws {
        let hours = try BusinessHours(opening: LocalTime(hour: 8), closing: LocalTime(hour: 20))
        let long = try InterventionPolicy(calendar: FrenchCalendar(.init(businessHours: hours)))
        let due = try long.deadline(for: try incident("2026-05-22T17:00:00+02:00", .critical))?.due
        #expect(due == (try at("2026-05-22T20:00:00+02:00")))
        // Thursday 2 April 2026 17:00, before Good Friday (3 April) and Easter Monday (6 April).
        let thursday = try incident("2026-04-02T17:00:00+02:00", .critical)
        #expect(try policy.deadline(for: thursday)?.due == (try at("2026-04-03T11:00:00+02:00")))
        let alsace = try InterventionPolicy(calendar: FrenchCalendar(.init(alsaceMoselle: true)))
        #expect(try alsace.deadline(for: thursday)?.due == (try at("2026-04-07T11:00:00+02:00")))
    }

    // SPEC A-3 (decision): a minor incident declared on Saturday 7 March 2026 counts Monday 9,
    // Tuesday 10 and Wednesday 11: due at the end of Wednesday, Thursday 12 March 00:00 (UTC+1).
    @Test func minorOnSaturday() throws {
        let response = try IncidentResponse.evaluate(
            try incident("2026-03-07T10:00:00+01:00", .minor), policy: policy, asOf: try at("2026-03-11T23:59:59+01:00")
        )
        #expect(response.deadline?.due == (try at("2026-03-12T00:00:00+01:00")))
        #expect(response.status == .pending)
        let overdue = try IncidentResponse.evaluate(
            try incident("2026-03-07T10:00:00+01:00", .minor), policy: policy, asOf: try at("2026-03-12T09:00:00+01:00")
        )
        #expect(overdue.status == .overdue)
        #expect(overdue.lateSeconds == 32_400.0)  // 9 hours
        #expect(overdue.lateBusinessSeconds == 0)  // 00:00–09:00 is outside business hours
        // Saturday 23 May 2026, before Whit Monday: Tuesday 26, Wednesday 27, Thursday 28 count.
        #expect(
            try policy.deadline(for: try incident("2026-05-23T10:00:00+02:00", .minor))?.due
                == (try at("2026-05-29T00:00:00+02:00")))
    }

    // SPEC A-3 (decision): the day of the declaration never counts, whatever the hour: declared on
    // Monday 9 March 2026 at 08:00 or at 17:59, a minor incident is due at the end of Thursday 12.
    @Test func minorOnWeekdayStartsNextDay() throws {
        for declared in ["2026-03-09T08:00:00+01:00", "2026-03-09T17:59:00+01:00"] {
            #expect(
                try policy.deadline(for: try incident(declared, .minor))?.due == (try at("2026-03-13T00:00:00+01:00")))
        }
    }

    // SPEC A-3 (decision, §9.1): an incident that is an unavailability has no intervention delay
    // (it is counted in TxD); a policy can hold it to the critical delay anyway.
    @Test func unavailabilityHasNoDelayByDefault() throws {
        let outage = try Incident(
            id: "inc", declaredAt: try at("2026-05-22T17:00:00+02:00"), severity: .critical, description: "down",
            isUnavailability: true)
        let response = try IncidentResponse.evaluate(outage, policy: policy, asOf: try at("2026-06-01T00:00:00Z"))
        #expect(response.status == .noDeadline)
        #expect(!response.isLate)
        let strict = try InterventionPolicy(unavailabilityDelay: .critical)
        let held = try IncidentResponse.evaluate(outage, policy: strict, asOf: try at("2026-06-01T00:00:00Z"))
        #expect(held.status == .overdue)
        #expect(held.deadline?.due == (try at("2026-05-26T11:00:00+02:00")))
    }

    // SPEC A-3: instants before the declaration are refused.
    @Test func interventionBeforeDeclarationIsRefused() throws {
        do {
            _ = try incident("2026-05-22T17:00:00+02:00", .critical, intervention: "2026-05-22T16:00:00+02:00")
            Issue.record("expected an error")
        } catch let error as KimpleError {
            #expect(error.code == .availabilityInvalidInterval)
        }
        expectCode(.availabilityInvalidPolicy) { _ = try InterventionPolicy(criticalBusinessHours: -1) }
    }
}
