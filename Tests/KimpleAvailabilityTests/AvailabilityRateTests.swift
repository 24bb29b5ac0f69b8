import Foundation
import KimpleAvailability
import KimpleCore
import Testing

private let at = Fixtures.at
private let decimal = Fixtures.decimal

@Suite("Availability rate (TxD, DS, PC)")
struct AvailabilityRateTests {
    let june: CalendarMonth

    init() throws {
        june = try Fixtures.month("2026-06")
    }

    func monthly(
        _ month: CalendarMonth, _ outages: [Outage], _ windows: [MaintenanceWindow] = [], asOf: Date? = nil
    )
        throws -> MonthlyAvailability
    {
        let asOf = try asOf ?? at("2030-01-01T00:00:00Z")
        return AvailabilityCalculator.monthly(month: month, outages: outages, maintenance: windows, asOf: asOf)
    }

    // SPEC A-1: a 30-day month has 43,200 minutes and a budget of 43.2; 40 minutes of outage leave
    // DS = 43,160 and TxD = 4,316,000 / 43,200 = 99.9074 %: met, 3.2 minutes left.
    @Test func thirtyDayMonthWithFortyMinutesIsMet() throws {
        #expect(june.description == "2026-06")
        let result = try monthly(
            june, [try Fixtures.outage("o1", "2026-06-10T10:00:00+02:00", "2026-06-10T10:40:00+02:00")])
        #expect(result.monthMinutes == 43_200)
        #expect(result.coveredMinutes == 43_200)
        #expect(result.unavailableMinutes == 40)
        #expect(result.availableMinutes == 43_160)
        #expect(result.budgetMinutes == decimal("43.2"))
        #expect(result.remainingBudgetMinutes == decimal("3.2"))
        #expect(result.isMet)
        #expect(result.isFinal)
        #expect(AvailabilityFormat.percent(result.rate) == "99.9074 %")
        #expect(result.formula == "TxD = DS × 100 / PC = 43,160 × 100 / 43,200 = 99.9074 %")
    }

    // SPEC A-1: 50 minutes of outage: DS = 43,150, TxD = 99.8842 %: missed, budget overspent by 6.8.
    @Test func thirtyDayMonthWithFiftyMinutesIsMissed() throws {
        let result = try monthly(
            june, [try Fixtures.outage("o1", "2026-06-10T10:00:00+02:00", "2026-06-10T10:50:00+02:00")])
        #expect(result.availableMinutes == 43_150)
        #expect(!result.isMet)
        #expect(AvailabilityFormat.percent(result.rate) == "99.8842 %")
        #expect(result.remainingBudgetMinutes == decimal("-6.8"))
    }

    // SPEC A-1: the decision is exact at the edge: 43 minutes (TxD 99.90046 %) is met, 44 (99.89814 %) is not.
    @Test func edgeOfTheBudget() throws {
        let start = "2026-06-10T10:00:00+02:00"
        #expect(try monthly(june, [try Fixtures.outage("o", start, "2026-06-10T10:43:00+02:00")]).isMet)
        #expect(!(try monthly(june, [try Fixtures.outage("o", start, "2026-06-10T10:44:00+02:00")]).isMet))
        let commitment = AvailabilityCommitment.contract
        #expect(commitment.isMet(available: 999, covered: 1000))
        #expect(!commitment.isMet(available: 998_999, covered: 1_000_000))
    }

    // SPEC: PC excludes maintenance, and an outage minute inside maintenance is excluded
    // with it, never counted twice. Maintenance 02:00–04:00 (120 min), outage 03:30–04:30 (60 min):
    // PC = 43,080, unavailable = 30, DS = 43,050, budget 43.08.
    @Test func outageOverlappingScheduledMaintenance() throws {
        let result = try monthly(
            june, [try Fixtures.outage("o1", "2026-06-10T03:30:00+02:00", "2026-06-10T04:30:00+02:00")],
            [try Fixtures.maintenance("m1", .scheduled, "2026-06-10T02:00:00+02:00", "2026-06-10T04:00:00+02:00")])
        #expect(result.scheduledMaintenanceMinutes == 120)
        #expect(result.maintenanceMinutes == 120)
        #expect(result.coveredMinutes == 43_080)
        #expect(result.outageMinutes == 60)
        #expect(result.outageMinutesDuringMaintenance == 30)
        #expect(result.unavailableMinutes == 30)
        #expect(result.availableMinutes == 43_050)
        #expect(result.budgetMinutes == decimal("43.08"))
        #expect(AvailabilityFormat.percent(result.rate) == "99.9303 %")
    }

    // SPEC A-2: overlapping scheduled and emergency windows are excluded once; each kind is shown.
    @Test func overlappingMaintenanceIsCountedOnce() throws {
        let result = try monthly(
            june, [],
            [
                try Fixtures.maintenance("m1", .scheduled, "2026-06-10T02:00:00+02:00", "2026-06-10T03:00:00+02:00"),
                try Fixtures.maintenance("m2", .emergency, "2026-06-10T02:30:00+02:00", "2026-06-10T03:30:00+02:00"),
                try Fixtures.maintenance("m3", .scheduled, "2026-06-10T02:10:00+02:00", "2026-06-10T02:20:00+02:00"),
            ])
        #expect(result.scheduledMaintenanceMinutes == 60)
        #expect(result.emergencyMaintenanceMinutes == 60)
        #expect(result.maintenanceMinutes == 90)
        #expect(result.coveredMinutes == 43_110)
    }

    // SPEC A-2: overlapping and adjacent outages merge: [10:00, 10:20) + [10:20, 10:40) + [10:10, 10:30) = 40 minutes.
    @Test func overlappingAndAdjacentOutagesMerge() throws {
        let result = try monthly(
            june,
            [
                try Fixtures.outage("a", "2026-06-10T10:00:00+02:00", "2026-06-10T10:20:00+02:00"),
                try Fixtures.outage("b", "2026-06-10T10:20:00+02:00", "2026-06-10T10:40:00+02:00"),
                try Fixtures.outage("c", "2026-06-10T10:10:00+02:00", "2026-06-10T10:30:00+02:00"),
            ])
        #expect(result.unavailableMinutes == 40)
    }

    // SPEC A-2: an outage across midnight at the end of a month is split: 23:40–00:25 gives 20
    // minutes to June and 25 to July.
    @Test func outageAcrossMidnightAtMonthEnd() throws {
        let crossing = try Fixtures.outage("o1", "2026-06-30T23:40:00+02:00", "2026-07-01T00:25:00+02:00")
        let july = try Fixtures.month("2026-07")
        #expect(try monthly(june, [crossing]).unavailableMinutes == 20)
        #expect(try monthly(july, [crossing]).unavailableMinutes == 25)
        #expect(try monthly(july, [crossing]).monthMinutes == 44_640)
        let pieces = AvailabilityCalculator.splitByMonth(
            try #require(crossing.interval(asOf: try at("2027-01-01T00:00:00Z"))))
        #expect(pieces.map(\.month) == [june, july])
        #expect(pieces.map { $0.interval.upperBound.timeIntervalSince($0.interval.lowerBound) } == [1_200, 1_500])
        let days = AvailabilityCalculator.daily(
            month: june, outages: [crossing], maintenance: [], asOf: try at("2027-01-01T00:00:00Z"))
        #expect(days.last?.date.description == "2026-06-30")
        #expect(days.last?.unavailableMinutes == 20)
    }

    // SPEC A-1: February of a leap year has 29 days = 41,760 minutes; budget 41.76: 41 minutes met, 42 missed.
    @Test func februaryOfLeapYear() throws {
        let february = try Fixtures.month("2024-02")
        let met = try monthly(
            february, [try Fixtures.outage("o", "2024-02-29T12:00:00+01:00", "2024-02-29T12:41:00+01:00")])
        #expect(met.monthMinutes == 41_760)
        #expect(met.budgetMinutes == decimal("41.76"))
        #expect(met.isMet)
        #expect(met.remainingBudgetMinutes == decimal("0.76"))
        let missed = try monthly(
            february, [try Fixtures.outage("o", "2024-02-29T12:00:00+01:00", "2024-02-29T12:42:00+01:00")])
        #expect(!missed.isMet)
        #expect(try monthly(try Fixtures.month("2026-02"), []).monthMinutes == 40_320)
    }

    // SPEC A-2: the spring change day (31 March 2024) has 23 hours; the month 44,580 minutes. An
    // outage from 01:30 CET to 03:30 CEST lasted 60 real minutes (the wall clock shows two hours).
    @Test func springDaylightSavingDay() throws {
        let march = try Fixtures.month("2024-03")
        let gap = try Fixtures.outage("o", "2024-03-31T01:30:00+01:00", "2024-03-31T03:30:00+02:00")
        let result = try monthly(march, [gap])
        #expect(result.monthMinutes == 44_580)
        #expect(result.unavailableMinutes == 60)
        #expect(result.budgetMinutes == decimal("44.58"))
        let days = AvailabilityCalculator.daily(
            month: march, outages: [gap], maintenance: [], asOf: try at("2025-01-01T00:00:00Z"))
        #expect(days.count == 31)
        #expect(days[30].minutes == 1_380)
        #expect(days[30].unavailableMinutes == 60)
        #expect(days[29].minutes == 1_440)
    }

    // SPEC A-2: the autumn change day (27 October 2024) has 25 hours; the month 44,700 minutes. An
    // outage from 02:30 CEST to 02:30 CET (the hour repeated) lasted 60 minutes.
    @Test func autumnDaylightSavingDay() throws {
        let october = try Fixtures.month("2024-10")
        let repeated = try Fixtures.outage("o", "2024-10-27T02:30:00+02:00", "2024-10-27T02:30:00+01:00")
        let result = try monthly(october, [repeated])
        #expect(result.monthMinutes == 44_700)
        #expect(result.unavailableMinutes == 60)
        let days = AvailabilityCalculator.daily(
            month: october, outages: [repeated], maintenance: [], asOf: try at("2025-01-01T00:00:00Z"))
        #expect(days[26].minutes == 1_500)
        #expect(days.reduce(0) { $0 + $1.minutes } == 44_700)
    }

    // SPEC A-1 (decision, §9.1): a degraded outage (functions unusable, Kimple accessible) is an
    // incident, not an unavailability: reported, never counted.
    @Test func degradedOutageIsNotCounted() throws {
        let result = try monthly(
            june,
            [try Fixtures.outage("d", "2026-06-10T10:00:00+02:00", "2026-06-10T12:00:00+02:00", impact: .degraded)])
        #expect(result.unavailableMinutes == 0)
        #expect(result.degradedMinutes == 120)
        #expect(result.isMet)
    }

    // SPEC A-2 (decision): an ongoing outage counts up to the instant of the computation; the month
    // is provisional until it is over.
    @Test func ongoingOutageCountsUpToNow() throws {
        let ongoing = try Fixtures.outage("o", "2026-06-10T10:00:00+02:00", nil)
        let result = try monthly(june, [ongoing], asOf: try at("2026-06-10T10:25:00+02:00"))
        #expect(result.unavailableMinutes == 25)
        #expect(!result.isFinal)
        let later = try monthly(june, [ongoing], asOf: try at("2026-06-10T11:00:00+02:00"))
        #expect(later.unavailableMinutes == 60)
        #expect(!later.isMet)
        // Still running at the end of the month: June counts it up to its end.
        let afterMonth = try monthly(june, [ongoing], asOf: try at("2026-07-02T00:00:00+02:00"))
        #expect(afterMonth.unavailableMinutes == 20 * 1440 + 14 * 60)
    }

    // SPEC A-2 (decision): an outage counts every minute it touches, a maintenance window only the
    // whole minutes inside it.
    @Test func partialMinutes() throws {
        let result = try monthly(
            june,
            [try Fixtures.outage("o", "2026-06-10T10:00:30+02:00", "2026-06-10T10:01:10+02:00")],
            [try Fixtures.maintenance("m", .scheduled, "2026-06-11T02:00:30+02:00", "2026-06-11T03:00:00+02:00")])
        #expect(result.unavailableMinutes == 2)
        #expect(result.maintenanceMinutes == 59)
    }

    // SPEC A-1 (decision): a month entirely under maintenance has no rate and meets the commitment.
    @Test func monthEntirelyUnderMaintenance() throws {
        let result = try monthly(
            june, [try Fixtures.outage("o", "2026-06-10T10:00:00+02:00", "2026-06-10T11:00:00+02:00")],
            [try Fixtures.maintenance("m", .emergency, "2026-05-31T00:00:00+02:00", "2026-07-02T00:00:00+02:00")])
        #expect(result.coveredMinutes == 0)
        #expect(result.rate == nil)
        #expect(result.isMet)
        #expect(result.unavailableMinutes == 0)
    }

    // SPEC A-2: an incident that is an unavailability feeds the rate; merged with the probe outage
    // of the same period it is not counted twice.
    @Test func unavailabilityIncidentFeedsTheRate() throws {
        let incident = try Incident(
            id: "inc-1", declaredAt: try at("2026-06-10T10:05:00+02:00"), severity: .critical,
            description: "Login page down", resolvedAt: try at("2026-06-10T10:30:00+02:00"), isUnavailability: true,
            unavailableSince: try at("2026-06-10T10:00:00+02:00"))
        let probe = try Fixtures.outage("probe-1", "2026-06-10T10:00:00+02:00", "2026-06-10T10:20:00+02:00")
        let outages = [probe] + [try #require(incident.outage)]
        #expect(try monthly(june, outages).unavailableMinutes == 30)
        let minor = try Incident(
            id: "inc-2", declaredAt: try at("2026-06-10T10:05:00+02:00"), severity: .minor, description: "Export fails")
        #expect(minor.outage == nil)
    }

    // SPEC A-1: invalid intervals are refused with a typed error.
    @Test func invalidIntervalsAreRefused() throws {
        expectCode(.availabilityInvalidInterval) {
            _ = try Fixtures.outage("o", "2026-06-10T10:00:00+02:00", "2026-06-10T10:00:00+02:00")
        }
        do {
            _ = try Fixtures.maintenance("m", .scheduled, "2026-06-10T10:00:00+02:00", "2026-06-10T09:00:00+02:00")
            Issue.record("expected an error")
        } catch let error as KimpleError {
            #expect(error.code == .availabilityInvalidInterval)
        }
        expectCode(.availabilityInvalidPolicy) { _ = try AvailabilityCommitment(target: 101) }
    }
}

@Suite("Minute sets and probes")
struct MinuteSetTests {
    // SPEC A-2: union merges overlapping and adjacent ranges; subtraction and intersection are exact.
    @Test func setOperations() {
        let a = MinuteSet([0..<10, 10..<20, 30..<40, 35..<50])
        #expect(a.ranges == [0..<20, 30..<50])
        #expect(a.count == 40)
        let b = MinuteSet([5..<8, 15..<35, 45..<60])
        #expect(a.union(b).ranges == [0..<60])
        #expect(a.intersection(b).ranges == [5..<8, 15..<20, 30..<35, 45..<50])
        #expect(a.subtracting(b).ranges == [0..<5, 8..<15, 35..<45])
        #expect(a.clipped(to: 12..<33).ranges == [12..<20, 30..<33])
        #expect(a.contains(19) && !a.contains(20) && a.contains(30))
        #expect(MinuteSet([5..<5]).isEmpty)
    }

    // SPEC A-2: consecutive failed probes form one outage; runs across 64-minute words are kept whole.
    @Test func probeSeriesRuns() throws {
        let start = try Fixtures.at("2026-06-01T00:00:00+02:00")
        var series = ProbeSeries(startingAt: start)
        var expectedDown: [Range<Int>] = [3..<5, 60..<70, 127..<129, 190..<200]
        for index in 0..<200 { series.append(up: !expectedDown.contains { $0.contains(index) }) }
        #expect(series.count == 200)
        #expect(series.failedCount == 2 + 10 + 2 + 10)
        let first = MinuteSet.minute(containing: start)
        #expect(
            series.downMinutes.ranges
                == expectedDown.map { first + Int64($0.lowerBound)..<first + Int64($0.upperBound) })
        let outages = series.outages()
        #expect(outages.count == 4)
        #expect(outages[1].start == start.addingTimeInterval(3600))
        #expect(outages[1].end == start.addingTimeInterval(70 * 60))
        #expect(outages[1].origin == .probe)
        expectedDown.removeAll()
        var allDown = ProbeSeries(startingAt: start)
        allDown.append(contentsOf: Array(repeating: false, count: 128))
        #expect(allDown.downMinutes.ranges == [first..<first + 128])
    }
}
