import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Synchronization
import Testing

@Suite("Traffic")
struct TrafficTests {
    // SPEC G-10
    @Test("the alert rule of §7.3: 50,000 participants without a declaration covering them")
    func rule() {
        let none = AudienceDeclaration()
        #expect(!TrafficRules.needsAlert(accepted: 49_999, audience: none))
        #expect(TrafficRules.needsAlert(accepted: 50_000, audience: none))
        #expect(TrafficRules.needsAlert(accepted: 50_000, audience: AudienceDeclaration(expectedParticipants: 49_999)))
        #expect(!TrafficRules.needsAlert(accepted: 50_000, audience: AudienceDeclaration(expectedParticipants: 50_000)))
        let spot = Promotion(channel: .television, reach: 2_000_000)
        #expect(!TrafficRules.needsAlert(accepted: 80_000, audience: AudienceDeclaration(promotions: [spot])))
        let mailing = Promotion(channel: .email, reach: 100_000)
        #expect(TrafficRules.needsAlert(accepted: 50_000, audience: AudienceDeclaration(promotions: [mailing])))
    }

    // SPEC G-10
    @Test("live counters: accepted, refused by reason, per minute")
    func counters() async throws {
        let h = try await Harness.make()
        #expect(try await h.submit(Fixtures.fields(email: "a@example.com")).isAccepted)
        _ = try await h.submit(Fixtures.fields(email: "a@example.com"))
        _ = try await h.submit(Fixtures.fields(email: "b@example.com", birthDate: "2015-01-01"))
        h.clock.advance(by: 60)
        #expect(try await h.submit(Fixtures.fields(email: "c@example.com")).isAccepted)
        _ = try await h.intake.submit(operation: Fixtures.operationID, json: Array("{".utf8))
        let snapshot = try await h.intake.traffic(of: Fixtures.operationID)
        #expect(snapshot.accepted == 2)
        #expect(
            snapshot.refused
                == [.participationDuplicate: 1, .participationIneligibleAge: 1, .participationMalformed: 1])
        #expect(snapshot.refusedTotal == 3)
        #expect(
            snapshot.minutes == [
                TrafficMinute(start: Fixtures.during, accepted: 1, refused: 2),
                TrafficMinute(start: Fixtures.during.addingTimeInterval(60), accepted: 1, refused: 1),
            ])
        #expect(!snapshot.alertSent)
        #expect(await kimpleError { _ = try await h.intake.traffic(of: "nope") }?.code == .operationNotFound)
    }

    // SPEC G-10
    @Test("crossing the threshold without a declared audience sends one traffic alert, once")
    func alertOnce() async throws {
        let h = try await Harness.make(configuration: IntakeConfiguration(trafficAlertThreshold: 3))
        for n in 0..<2 { #expect(try await h.submit(Fixtures.fields(email: "p\(n)@example.com")).isAccepted) }
        #expect(h.transport.messages(of: .trafficAlert).isEmpty)
        for n in 2..<6 { #expect(try await h.submit(Fixtures.fields(email: "p\(n)@example.com")).isAccepted) }
        let alerts = h.transport.messages(of: .trafficAlert)
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.idempotencyKey == "games.traffic-alert/acme/summer-2026")
        #expect(alert.recipient == "provider")
        #expect(alert.attributes["accepted"] == "3")
        #expect(alert.attributes["expectedParticipants"] == "not declared")
        #expect(alert.tenant == Fixtures.tenant)
        #expect(try await h.intake.traffic(of: Fixtures.operationID).alertSent)
    }

    // SPEC G-10
    @Test("a declared audience covering the traffic sends no alert")
    func declared() async throws {
        let h = try await Harness.make(
            operation: Fixtures.operation {
                $0.audience = AudienceDeclaration(
                    expectedParticipants: 20_000, promotions: [Promotion(channel: .television, reach: 3_000_000)])
            }, configuration: IntakeConfiguration(trafficAlertThreshold: 2))
        for n in 0..<4 { #expect(try await h.submit(Fixtures.fields(email: "p\(n)@example.com")).isAccepted) }
        #expect(h.transport.messages(of: .trafficAlert).isEmpty)
    }

    // SPEC G-10
    @Test("a failed alert is sent with the next entry")
    func retry() async throws {
        final class FlakyTransport: MessageTransport {
            let failures = Mutex(1)
            let inner = InMemoryTransport()
            func send(_ message: OutboundMessage) async throws -> DeliveryReceipt {
                let fail = failures.withLock { count in
                    defer { count -= 1 }
                    return count > 0
                }
                if fail { throw KimpleError(.transportFailed, "down") }
                return try await inner.send(message)
            }
        }
        let clock = ManualClock(Fixtures.during)
        let transport = FlakyTransport()
        let storage = InMemoryStorage().tenant(Fixtures.tenant)
        let operations = try await DocumentOperationStore.open(storage)
        var operation = Fixtures.operation()
        operation.status = .live
        _ = try await operations.insert(operation)
        let intake = try IntakeService(
            operations: operations,
            participations: InMemoryParticipationStore(tenant: Fixtures.tenant, clock: SystemClock()),
            robotEvents: try await RobotEventJournal.open(storage, clock: SystemClock()), gate: TestGate(),
            transport: transport,
            identitySecret: IdentitySecret(Array(repeating: 1, count: 32)), clock: clock,
            configuration: IntakeConfiguration(trafficAlertThreshold: 1))
        let first = try await intake.submit(
            ParticipationSubmission(operation: Fixtures.operationID, fields: Fixtures.fields()))
        #expect(first.isAccepted)  // the entry stands even though the alert failed
        #expect(transport.inner.messages.isEmpty)
        _ = try await intake.submit(
            ParticipationSubmission(operation: Fixtures.operationID, fields: Fixtures.fields(email: "b@example.com")))
        #expect(transport.inner.messages(of: .trafficAlert).count == 1)
    }

    // SPEC G-10
    @Test("after a restart past the threshold the alert is not sent twice")
    func restart() async throws {
        try await withTemporaryDirectory { directory in
            let outbox = try FileOutbox(directory: directory.appendingPathComponent("outbox"))
            let storeDirectory = directory.appendingPathComponent("participations")
            let configuration = IntakeConfiguration(trafficAlertThreshold: 2)
            var store = try FileParticipationStore.open(
                tenant: Fixtures.tenant, at: storeDirectory, clock: SystemClock())
            let first = try await Harness.make(participations: store, configuration: configuration)
            for n in 0..<3 { #expect(try await first.submit(Fixtures.fields(email: "p\(n)@example.com")).isAccepted) }
            #expect(first.transport.messages(of: .trafficAlert).count == 1)
            // The alert went to the in-memory recorder of the first run; send it to the outbox as the
            // first run would have, then restart on the same files with the outbox.
            for message in first.transport.messages { try await outbox.send(message) }
            store.close()
            store = try FileParticipationStore.open(tenant: Fixtures.tenant, at: storeDirectory, clock: SystemClock())
            let second = try IntakeService(
                operations: first.operations, participations: store, robotEvents: first.robotEvents, gate: first.gate,
                transport: outbox, identitySecret: IdentitySecret(Array("a tenant secret of 32 bytes!!!!!".utf8)),
                clock: first.clock, configuration: configuration)
            #expect(try await second.traffic(of: Fixtures.operationID).accepted == 3)
            #expect(try await second.submit(first.submission(Fixtures.fields(email: "p9@example.com"))).isAccepted)
            #expect(try outbox.pendingMessages().filter { $0.kind == .trafficAlert }.count == 1)
            store.close()
        }
    }
}
