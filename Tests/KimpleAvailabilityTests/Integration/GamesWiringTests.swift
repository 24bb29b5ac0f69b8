import Foundation
import KimpleAvailability
import KimpleCore
import KimpleGames
import Testing

/// The availability module wired to the games: robot events recorded by the intake attributed
/// to incidents, suspension decisions applied through the operations lifecycle.
@Suite("Integration: availability and games")
struct GamesWiringTests {
    static func at(_ text: String) throws -> Date { try ISO8601.instant(text) }

    // SPEC A-4, G-5: a load-testing tool hits the intake; the intake records one event for the
    // first detection and one for the rest of the minute (count 4); the monthly report attaches
    // every detection that may have fallen within the incident's window (with its 15-minute
    // lookback) — the four counted ones and the next minute's — and not the earlier one.
    @Test("robot events recorded by the intake are attached, with their counts, to an overlapping incident")
    func robotEventsInTheReport() async throws {
        let rig = try await GamesRig.make(now: try Self.at("2026-06-10T10:00:00Z"))
        let jmeter = "Apache-HttpClient/4.5 (Java/17) JMeter/5.6"
        for n in 0..<5 {  // 10:00:00 ... 10:00:04
            let result = try await rig.submit("bot\(n)@example.com", userAgent: jmeter)
            #expect(result.rejection?.code == "participation.robot.load_testing_agent")
            rig.clock.advance(by: 1)
        }
        rig.clock.set(try Self.at("2026-06-10T10:01:10Z"))
        _ = try await rig.submit("bot5@example.com", userAgent: jmeter)
        rig.clock.set(try Self.at("2026-06-10T12:00:00Z"))
        let human = try await rig.submit("jane@example.com", source: "198.51.100.2")
        #expect(human.isAccepted)
        try await rig.intake.flushRobotEvents()

        let recorded = try await rig.robotEvents.events(from: .distantPast, to: .distantFuture)
        #expect(recorded.map(\.count) == [1, 4, 1])
        #expect(
            recorded.map(\.time) == [
                try Self.at("2026-06-10T10:00:00Z"), try Self.at("2026-06-10T10:00:01Z"),
                try Self.at("2026-06-10T10:01:10Z"),
            ])

        rig.clock.set(try Self.at("2026-06-10T13:00:00Z"))
        let availability = AvailabilityService(
            store: InMemoryAvailabilityStore(tenant: GamesRig.tenant), clock: rig.clock,
            robotEvents: RobotEventReaderSource(rig.robotEvents))
        // Declared at 10:15:30: the lookback reaches back to 10:00:30.
        try await availability.declareIncident(
            try Incident(
                id: "inc-1", declaredAt: try Self.at("2026-06-10T10:15:30Z"), severity: .critical,
                description: "Participation pages time out", resolvedAt: try Self.at("2026-06-10T10:40:00Z")))
        let report = try await availability.monthlyReport(try CalendarMonth("2026-06"))
        let incident = try #require(report.incidents.first)
        let activity = try #require(incident.robotActivity.first)
        #expect(incident.robotActivity.count == 1)
        #expect(activity.tenant == GamesRig.tenant && activity.operation == GamesRig.operationID)
        #expect(activity.source == "203.0.113.7")
        #expect(activity.detections == 5)
        #expect(activity.signals == ["load_testing_agent": 5])
        #expect(activity.first == (try Self.at("2026-06-10T10:00:01Z")))
        #expect(report.robotActivity.map(\.detections) == [6])
        #expect(report.markdown().contains("5 detection(s) (load_testing_agent × 5)"))

        // The journal itself serves as the source too, and never for another tenant (K-1).
        let june = try Self.at("2026-06-01T00:00:00Z")..<(try Self.at("2026-07-01T00:00:00Z"))
        #expect(try await rig.robotEvents.robotEvents(of: GamesRig.tenant, in: june).count == 3)
        #expect(try await rig.robotEvents.robotEvents(of: "someone-else", in: june).isEmpty)
    }

    // SPEC A-5, G-10, G-1: a suspension decision recorded by the availability service suspends the
    // operation through its lifecycle, with the decision's reason and author; the intake then
    // refuses with the suspended status; applying the same decision again changes nothing, even
    // after the suspension was lifted.
    @Test("a suspension decision suspends the operation; intake refuses; the same decision is applied once")
    func suspensionThroughTheLifecycle() async throws {
        let rig = try await GamesRig.make(now: try Self.at("2026-06-10T10:00:00Z"))
        #expect(try await rig.submit("before@example.com").isAccepted)
        let availability = AvailabilityService(
            store: InMemoryAvailabilityStore(tenant: GamesRig.tenant), clock: rig.clock, suspender: rig.operations,
            evidence: rig.evidence)
        let reason = "Undeclared load test saturating the platform (§7.3)"
        let decision = try await availability.decideSuspension(
            id: "s-1", operation: GamesRig.operationID, by: .host("ops"), reason: reason)
        #expect(decision.status == .applied)

        let operation = try await rig.operations.operation(GamesRig.operationID)
        #expect(operation.status == .suspended)
        #expect(operation.suspension?.reason == "\(reason) [suspension decision s-1]")
        #expect(operation.suspension?.by == .host("ops"))
        let refused = try await rig.submit("during@example.com")
        #expect(refused.rejection?.code == "participation.window_closed")
        #expect(refused.rejection?.context["status"] == "suspended")
        let logged = try await rig.evidence.entries().map(\.action)
        #expect(logged.contains("availability.suspension.decided") && logged.contains("operation.suspend"))

        // The same decision again: nothing changes, also once the suspension was lifted.
        try await rig.operations.suspend(decision)
        try await rig.operations.liftSuspension(GamesRig.operationID, by: .host("ops"), reason: "traffic declared")
        try await rig.operations.suspend(decision)
        #expect(try await availability.retrySuspension("s-1").status == .applied)
        let after = try await rig.operations.operation(GamesRig.operationID)
        #expect(after.status == .live)
        #expect(after.history.filter { $0.command == .suspend }.count == 1)
        #expect(try await rig.submit("after@example.com").isAccepted)
    }

    // SPEC A-5, K-1: a decision the lifecycle cannot apply stays recorded as failed, and another
    // tenant's decision is refused.
    @Test("an unknown operation leaves the decision failed; another tenant's decision is refused")
    func failedDecisions() async throws {
        let rig = try await GamesRig.make(now: try Self.at("2026-06-10T10:00:00Z"))
        let availability = AvailabilityService(
            store: InMemoryAvailabilityStore(tenant: GamesRig.tenant), clock: rig.clock, suspender: rig.operations)
        await expectCode(.operationNotFound) {
            try await availability.decideSuspension(id: "s-2", operation: "no-such", by: .host("ops"), reason: "x")
        }
        let stored = try await availability.suspensions()
        #expect(stored.map(\.status) == [.failed])
        #expect(stored.first?.failure?.contains("operation.not_found") == true)

        let foreign = try SuspensionDecision(
            id: "s-3", tenant: "someone-else", operation: GamesRig.operationID, decidedAt: rig.clock.now,
            decidedBy: .host("ops"), reason: "x")
        do {
            try await rig.operations.suspend(foreign)
            Issue.record("another tenant's decision was applied")
        } catch let error as KimpleError {
            #expect(error.code == .invalidArgument)
        }
        #expect(try await rig.operations.operation(GamesRig.operationID).status == .live)
    }
}
