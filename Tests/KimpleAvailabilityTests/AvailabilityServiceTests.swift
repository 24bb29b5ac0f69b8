import Foundation
import KimpleAvailability
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

private let at = Fixtures.at

@Suite("Availability service")
struct AvailabilityServiceTests {
    let clock: ManualClock
    let store = InMemoryAvailabilityStore(tenant: Fixtures.tenant)
    let service: AvailabilityService

    init() throws {
        clock = try ManualClock(iso8601: "2026-06-20T12:00:00+02:00")
        service = AvailabilityService(store: store, clock: clock)
    }

    func expectCode(_ code: KimpleError.Code, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(code)")
        } catch let error as KimpleError {
            #expect(error.code == code)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    // SPEC A-2: outages are recorded once; a retry of the same record is harmless, another record
    // with the same id, an instant in the future or a second end are refused and change nothing.
    @Test func outagesAreRecordedOnce() async throws {
        let outage = try Fixtures.outage("o1", "2026-06-10T10:00:00+02:00", nil)
        try await service.recordOutage(outage)
        try await service.recordOutage(outage)
        await expectCode(.availabilityDuplicate) {
            try await service.recordOutage(try Fixtures.outage("o1", "2026-06-10T11:00:00+02:00", nil))
        }
        await expectCode(.availabilityInvalidInterval) {
            try await service.recordOutage(try Fixtures.outage("o2", "2026-06-21T10:00:00+02:00", nil))
        }
        await expectCode(.availabilityInvalidInterval) {
            try await service.endOutage("o1", at: try at("2026-06-10T09:00:00+02:00"))
        }
        let ended = try await service.endOutage("o1", at: try at("2026-06-10T10:30:00+02:00"))
        #expect(ended.end == (try at("2026-06-10T10:30:00+02:00")))
        try await service.endOutage("o1", at: try at("2026-06-10T10:30:00+02:00"))
        await expectCode(.availabilityAlreadyRecorded) {
            try await service.endOutage("o1", at: try at("2026-06-10T10:45:00+02:00"))
        }
        await expectCode(.availabilityNotFound) {
            try await service.endOutage("nope", at: try at("2026-06-10T10:45:00+02:00"))
        }
        #expect(try await service.outages() == [ended])
        #expect(try await service.availability(of: Fixtures.month("2026-06")).unavailableMinutes == 30)
    }

    // SPEC A-3: interventions and resolutions are recorded once and evaluated against their delay.
    @Test func incidentLifecycle() async throws {
        let incident = try Incident(
            id: "inc-1", declaredAt: try at("2026-06-19T17:00:00+02:00"), severity: .critical, description: "No login")
        let declared = try await service.declareIncident(incident)
        #expect(declared.status == .pending)
        #expect(declared.deadline?.due == (try at("2026-06-22T11:00:00+02:00")))
        await expectCode(.availabilityInvalidInterval) {
            try await service.recordIntervention("inc-1", at: try at("2026-06-19T16:00:00+02:00"))
        }
        let response = try await service.recordIntervention("inc-1", at: try at("2026-06-19T17:30:00+02:00"))
        #expect(response.status == .onTime)
        await expectCode(.availabilityAlreadyRecorded) {
            try await service.recordIntervention("inc-1", at: try at("2026-06-19T17:45:00+02:00"))
        }
        try await service.resolveIncident("inc-1", at: try at("2026-06-19T18:00:00+02:00"))
        #expect(
            try await service.incidentResponses().map(\.incident.resolvedAt) == [try at("2026-06-19T18:00:00+02:00")])
    }

    // SPEC A-5, §7.3: a suspension decision is recorded with its reason before it is handed to the
    // lifecycle; a failure is kept and can be retried; the operation's traffic is refused.
    @Test func suspensionDecisions() async throws {
        let suspender = RecordingOperationSuspender()
        let controller = AdmissionController(policy: try AdmissionPolicy())
        let backend = InMemoryStorage()
        let evidence = try await EvidenceLog.open(backend.tenant(Fixtures.tenant), clock: clock)
        let service = AvailabilityService(
            store: store, clock: clock, suspender: suspender, admission: controller, evidence: evidence)
        await expectCode(.invalidArgument) {
            try await service.decideSuspension(id: "s0", operation: "flood", by: .host("ops"), reason: "  ")
        }
        suspender.fail(with: KimpleError("operation.illegal_transition", "draft operations cannot be suspended"))
        await expectCode("operation.illegal_transition") {
            try await service.decideSuspension(
                id: "s1", operation: "flood", by: .host("ops"), reason: "Undeclared TV spot saturating the platform")
        }
        let failed = try await service.suspensions()
        #expect(failed.map(\.status) == [.failed])
        #expect(failed.first?.failure?.contains("illegal_transition") == true)
        #expect(controller.lane(tenant: Fixtures.tenant, operation: "flood").isSuspended)
        suspender.fail(with: nil)
        let applied = try await service.retrySuspension("s1")
        #expect(applied.status == .applied)
        #expect(applied.appliedAt == clock.now)
        #expect(suspender.decisions.map(\.id) == ["s1"])
        #expect(suspender.decisions.first?.reason == "Undeclared TV spot saturating the platform")
        await expectCode(.availabilityDuplicate) {
            try await service.decideSuspension(id: "s1", operation: "flood", by: .host("ops"), reason: "again")
        }
        #expect(try await evidence.entries().map(\.action) == ["availability.suspension.decided"])
        #expect(controller.admit(tenant: Fixtures.tenant, operation: "flood").isAdmitted == false)
    }

    // SPEC A-5, K-1: declarations apply to the controller; another tenant's records are refused
    // or ignored.
    @Test func trafficDeclarationsAndSamples() async throws {
        let controller = AdmissionController(policy: try AdmissionPolicy())
        let service = AvailabilityService(store: store, clock: clock, admission: controller)
        let declaration = try TrafficDeclaration(
            tenant: Fixtures.tenant, operation: "summer", expectedParticipants: 120_000, declaredAt: clock.now)
        #expect(try await service.declareTraffic(declaration)?.ratePerSecond == 400)
        #expect(controller.lane(tenant: Fixtures.tenant, operation: "summer").isDeclared)
        let foreign = try TrafficDeclaration(
            tenant: "other", operation: "summer", expectedParticipants: 1, declaredAt: clock.now)
        await expectCode(.availabilityTenantMismatch) { try await service.declareTraffic(foreign) }
        let samples = [Fixtures.tenant, "other"].map { tenant in
            TrafficSample(
                tenant: tenant, operation: "summer", isDeclared: true, from: clock.now, to: clock.now, admitted: 1,
                refusedRate: 0, refusedPlatform: 0, refusedSuspended: 0)
        }
        #expect(try await service.recordTraffic(samples) == 1)
        #expect(try await service.trafficDeclarations() == [declaration])
    }
}

@Suite("Monthly service report")
struct ServiceReportTests {
    /// June 2026 for tenant acme: a 25-minute outage with the client's load-testing robot active,
    /// a scheduled maintenance with an outage overlapping it, a late critical incident, an on-time
    /// minor one, a degraded outage, throttled traffic and a suspension.
    static func juneReport() async throws -> MonthlyServiceReport {
        let clock = try ManualClock(iso8601: "2026-06-01T00:00:00+02:00")
        let store = InMemoryAvailabilityStore(tenant: Fixtures.tenant)
        let robots = RobotEventList([
            try Fixtures.robot("summer", "203.0.113.7", .loadTestingAgent, "2026-06-10T09:55:00+02:00"),
            try Fixtures.robot("summer", "203.0.113.7", .loadTestingAgent, "2026-06-10T10:05:00+02:00"),
            try Fixtures.robot("summer", "203.0.113.7", .burstRate, "2026-06-10T10:10:00+02:00"),
            try Fixtures.robot("summer", "198.51.100.2", .honeypot, "2026-06-25T12:00:00+02:00"),
            try Fixtures.robot("theirs", "192.0.2.1", .loadTestingAgent, "2026-06-10T10:05:00+02:00", tenant: "other"),
        ])
        let service = AvailabilityService(
            store: store, clock: clock, robotEvents: robots, suspender: RecordingOperationSuspender())
        clock.set(try at("2026-07-02T09:00:00+02:00"))
        var announced = try Fixtures.maintenance(
            "m-0607", .scheduled, "2026-06-07T02:00:00+02:00", "2026-06-07T04:00:00+02:00")
        announced.announcedAt = try at("2026-06-01T09:00:00+02:00")
        announced.summary = "Database upgrade"
        try await service.recordMaintenance(announced)
        try await service.recordOutage(
            try Fixtures.outage(
                "o-0607", "2026-06-07T03:30:00+02:00", "2026-06-07T04:30:00+02:00", summary: "Upgrade overran"))
        var series = ProbeSeries(startingAt: try at("2026-06-10T09:00:00+02:00"))
        for minute in 0..<120 { series.append(up: !(60..<85).contains(minute)) }
        try await service.recordProbeOutages(series)
        try await service.recordOutage(
            try Outage(
                id: "d-0620", start: try at("2026-06-20T14:00:00+02:00"), end: try at("2026-06-20T15:00:00+02:00"),
                impact: .degraded, summary: "Exports failing", affectedFunctions: ["exports"]))
        try await service.declareIncident(
            try Incident(
                id: "inc-critical", declaredAt: try at("2026-06-12T17:00:00+02:00"), severity: .critical,
                description: "Dashboard unusable", interventionAt: try at("2026-06-15T12:00:00+02:00"),
                resolvedAt: try at("2026-06-15T15:00:00+02:00")))
        try await service.declareIncident(
            try Incident(
                id: "inc-minor", declaredAt: try at("2026-06-13T11:00:00+02:00"), severity: .minor,
                description: "CSV export fails", interventionAt: try at("2026-06-16T10:00:00+02:00"),
                resolvedAt: try at("2026-06-16T12:00:00+02:00")))
        try await service.recordTraffic([
            TrafficSample(
                tenant: Fixtures.tenant, operation: "summer", isDeclared: false,
                from: try at("2026-06-10T10:00:00+02:00"),
                to: try at("2026-06-10T10:01:00+02:00"), admitted: 1_000, refusedRate: 50, refusedPlatform: 200,
                refusedSuspended: 0)
        ])
        clock.set(try at("2026-06-10T10:20:00+02:00"))
        try await service.decideSuspension(
            id: "s-summer", operation: "summer", by: .host("ops"),
            reason: "Undeclared load test saturating the platform (§7.3)")
        clock.set(try at("2026-07-02T09:00:00+02:00"))
        return try await service.monthlyReport(try Fixtures.month("2026-06"))
    }

    // SPEC A-6: the report holds the rate with its inputs: PC = 43,200 − 120 = 43,080; 25 probe
    // minutes + 30 outage minutes outside maintenance = 55 unavailable; DS = 43,025;
    // TxD = 99.8723 %: missed (budget 43.08).
    @Test func figures() async throws {
        let report = try await Self.juneReport()
        let a = report.availability
        #expect(report.isFinal)
        #expect(a.coveredMinutes == 43_080)
        #expect(a.unavailableMinutes == 55)
        #expect(a.availableMinutes == 43_025)
        #expect(a.degradedMinutes == 60)
        #expect(!a.isMet)
        #expect(AvailabilityFormat.percent(a.rate) == "99.8723 %")
        // Probe outages are named after their first minute: 2026-06-10T08:00Z = 1,781,078,400 s / 60.
        #expect(report.outages.map(\.outage.id.rawValue) == ["o-0607", "probe-29684640", "d-0620"])
        #expect(report.outages.map(\.countedMinutes) == [30, 25, 0])
        #expect(report.maintenance.map(\.minutesInMonth) == [120])
        #expect(report.dailyBar == "██████▃██▄████████████████████")
    }

    // SPEC: incidents with due and actual response; the late one is listed and breached.
    @Test func incidentsAndBreaches() async throws {
        let report = try await Self.juneReport()
        let statuses = report.incidents.map { ($0.response.incident.id.rawValue, $0.response.status) }
        #expect(statuses.map(\.0) == ["inc-critical", "inc-minor"])
        #expect(statuses.map(\.1) == [.late, .onTime])
        #expect(report.incidents[0].response.deadline?.due == (try at("2026-06-15T11:00:00+02:00")))
        #expect(report.incidents[1].response.deadline?.due == (try at("2026-06-18T00:00:00+02:00")))
        #expect(report.lateInterventions == ["inc-critical"])
        #expect(report.breaches.map(\.kind) == [.availability, .lateIntervention])
    }

    // SPEC A-4, K-1: the client's robot detections overlapping the outage are attached to it (with
    // the 15-minute lookback), by operation and source; another client's never appear.
    @Test func robotActivity() async throws {
        let report = try await Self.juneReport()
        let probe = try #require(report.outages.first { $0.outage.origin == .probe })
        #expect(probe.robotActivity.count == 1)
        let activity = try #require(probe.robotActivity.first)
        #expect(activity.tenant == Fixtures.tenant)
        #expect(activity.operation == "summer")
        #expect(activity.source == "203.0.113.7")
        #expect(activity.detections == 3)
        #expect(activity.signals == ["load_testing_agent": 2, "burst_rate": 1])
        #expect(report.robotActivity.map(\.source) == ["203.0.113.7", "198.51.100.2"])
        #expect(report.robotActivity.allSatisfy { $0.tenant == Fixtures.tenant })
        #expect(report.outages[0].robotActivity.isEmpty)
    }

    // SPEC: throttling and suspensions of the month.
    @Test func trafficAndSuspensions() async throws {
        let report = try await Self.juneReport()
        #expect(report.traffic.count == 1)
        #expect(report.traffic.first?.refused == 250)
        #expect(report.traffic.first?.firstThrottled == (try at("2026-06-10T10:00:00+02:00")))
        #expect(report.suspensions.map(\.status) == [.applied])
    }

    // SPEC A-6: the JSON form round-trips; the Markdown page shows the formula, the bar and the tables.
    @Test func renderings() async throws {
        let report = try await Self.juneReport()
        let json = try report.jsonData()
        #expect(try MonthlyServiceReport.decode(json: json) == report)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"generatedAt\" : \"2026-07-02T07:00:00Z\""))
        #expect(text.contains("\"month\" : \"2026-06\""))
        let markdown = report.markdown()
        #expect(
            markdown.contains(
                "**TxD = DS × 100 / PC = 43,025 × 100 / 43,080 = 99.8723 %** — commitment 99.9 %: **missed**."))
        #expect(markdown.contains("     ██████▃██▄████████████████████"))
        #expect(
            markdown.contains(
                "| inc-critical | 2026-06-12 17:00 (UTC+02:00) | critical | 2026-06-15 11:00 (UTC+02:00) |"))
        #expect(markdown.contains("**late** by 1 h 00 min"))
        #expect(markdown.contains("source `203.0.113.7`: 3 detection(s)"))
        #expect(!markdown.contains("192.0.2.1"))
    }

    // SPEC A-6: a provisional report counts an ongoing outage up to now and leaves the future blank;
    // the running day is measured on its whole length (1,380 / 1,440 = 95.8 %: `▃`).
    @Test func provisionalReport() throws {
        let report = try MonthlyServiceReport.build(
            ServiceReportInputs(
                tenant: Fixtures.tenant, month: try Fixtures.month("2026-06"),
                asOf: try at("2026-06-03T12:00:00+02:00"),
                outages: [try Fixtures.outage("o", "2026-06-03T11:00:00+02:00", nil)]))
        #expect(!report.isFinal)
        #expect(report.availability.unavailableMinutes == 60)
        #expect(report.dailyBar == "██▃" + String(repeating: " ", count: 27))
        #expect(report.markdown().contains("Provisional report as of 2026-06-03 12:00 (UTC+02:00)"))
    }
}
