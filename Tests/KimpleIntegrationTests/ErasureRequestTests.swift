import Foundation
import KimpleCore
import KimpleGames
import KimplePrivacy
import KimpleTesting
import Testing

/// A data subject's erasure request carried out by the privacy module across the games'
/// stores on files (P-3, P-5, K-5).
@Suite("Integration: erasure requests reach the games' stores")
struct ErasureRequestTests {
    static let jane = "jane.doe@example.com"
    static let janeSource = "203.0.113.7"
    static let johnSource = "198.51.100.9"
    static let loadTester = "Apache-HttpClient/4.5 (Java/17) JMeter/5.6"

    func robot(_ p: Platform, from source: String) async throws {
        let result = try await p.intake.submit(
            ParticipationSubmission(
                operation: Platform.operationID, fields: ["email": "bot@example.com", "rules": true],
                context: SubmissionContext(
                    source: source, userAgent: Self.loadTester, formStartedAt: p.clock.now.addingTimeInterval(-30))))
        #expect(result.rejection?.code == "participation.robot.load_testing_agent")
    }

    // SPEC P-3, P-9, P-5, K-5, G-4, G-5: on files with the file outbox. The controller decides
    // to erase Jane's data; the privacy
    // module executes it in every holder the games registered: her participation is removed
    // (the bytes are gone from the journal files), the robot events from the source her entry
    // kept lose that source (the bytes gone too; counts kept for availability), John is
    // untouched, the proof is chained into the evidence log, which still verifies, and Jane
    // may take part again. The forwarded request that named her is redacted in the outbox, and
    // after delivery no file under the data root holds her address, name or source.
    @Test("an erasure request removes the person's bytes from the participation and robot-event files")
    func erasureOnFiles() async throws {
        try await withTemporaryDirectory { directory in
            let files = try FileStorage(root: directory)
            defer { files.close() }
            let p = try await Platform.make(
                backend: files, intake: IntakeConfiguration(keepsSource: true), outbox: true)
            let outbox = try #require(p.outbox)
            defer { outbox.close() }
            try await p.instruct()
            for holder in try ParticipantRobotEvents.holders(
                participations: p.participations, robotEvents: p.robotEvents)
            {
                try p.privacy.holders.register(holder, instruction: Platform.instruction)
            }
            #expect(p.privacy.holders.names == ["games.robot_events", "games.participations"])
            try await p.launch()

            #expect(try await p.submit(Self.jane, firstName: "Janeth", source: Self.janeSource).isAccepted)
            #expect(try await p.submit("john@example.com", firstName: "John", source: Self.johnSource).isAccepted)
            try await robot(p, from: Self.janeSource)
            try await robot(p, from: Self.johnSource)
            p.clock.advance(by: 120)
            try await p.intake.flushRobotEvents()
            let logs = directory.appendingPathComponent("tenants/brand/logs")
            let participationFiles = logs.appendingPathComponent("participations")
            let robotFiles = logs.appendingPathComponent("robot-events")
            #expect(!(try filesContain(Self.jane, under: participationFiles)).isEmpty)
            #expect(!(try filesContain(Self.janeSource, under: robotFiles)).isEmpty)

            let requests = p.privacy.requests
            let request = try await requests.receive(
                .erasure, subject: .email("Jane.Doe@example.com "), channel: "e-mail to the brand's DPO",
                statement: "Please delete everything about Jane Doe.", by: .host("dpo-desk"))
            // The forwarded request waits in the shared outbox, outside every tenant, naming her.
            let outboxFiles = directory.appendingPathComponent("outbox")
            #expect(!(try filesContain(Self.jane, under: outboxFiles)).isEmpty)
            #expect(
                try p.messages(of: .privacyRequestForwarded).first?.dataSubject == SubjectDigest.of(.email(Self.jane)))
            try await requests.decide(
                request.id,
                ControllerDecision(
                    outcome: .execute, actions: [.erase], decidedBy: "Jeanne Martin", decidedAt: p.clock.now),
                by: .user("jeanne"))
            let execution = try await requests.execute(request.id, by: .system("privacy.requests"))

            // The proof: each holder found and erased Jane's records, none remain.
            let holders = execution.proof.findings.holders
            #expect(holders.map(\.holder) == ["games.robot_events", "games.participations"])
            #expect(holders.map(\.foundRecordIDs.count) == [1, 1])
            #expect(holders.map(\.erasedRecordIDs.count) == [1, 1])
            #expect(holders.map(\.removed) == [false, true])
            #expect(execution.proof.erasureComplete)
            #expect(try execution.proof.findingsMatch())
            #expect(try await p.evidence.verify(against: execution.proof.evidenceHead).isIntact)

            // The stores: Jane is gone, John is not; her robot event keeps its signal and count.
            #expect(try await p.participations.records(of: .email(Self.jane)).isEmpty)
            #expect(try await p.participations.records(of: .email("john@example.com")).count == 1)
            let events = try await p.robotEvents.events(from: .distantPast, to: .distantFuture)
            #expect(events.map(\.source).sorted() == ["", Self.johnSource])
            #expect(events.allSatisfy { $0.signal == .loadTestingAgent })

            // The files: her e-mail, first name and source are gone from the games' journals,
            // and were never written to the evidence log.
            #expect(try filesContain(Self.jane, under: participationFiles).isEmpty)
            #expect(try filesContain("Janeth", under: participationFiles).isEmpty)
            #expect(try filesContain(Self.janeSource, under: participationFiles).isEmpty)
            #expect(try filesContain(Self.janeSource, under: robotFiles).isEmpty)
            #expect(!(try filesContain(Self.johnSource, under: robotFiles)).isEmpty)
            #expect(try filesContain(Self.jane, under: logs.appendingPathComponent("evidence")).isEmpty)
            #expect(try await p.evidence.verify().isIntact)
            // The request's locator ("Jane.Doe@example.com ") was dropped from the privacy
            // module's request document, and the store's history compacted with it: no file of
            // the tenant holds her e-mail or her source any more.
            // The outbox: the forwarded request was redacted while pending, and is delivered
            // redacted, its digest kept as the receipt. Then no file under the data root (every
            // tenant, the outbox) holds her e-mail, her name, her statement or her source.
            let run = try await outbox.deliverPending { _ in }
            #expect(run.delivered.contains("dsr-\(request.id)-forwarded"))
            let forwarded = try #require(try outbox.deliveredMessages().first { $0.kind == .privacyRequestForwarded })
            #expect(forwarded.isRedacted && forwarded.attributes["redacted_body_sha256"]?.count == 64)
            #expect(forwarded.recipient == "controller")
            for trace in [Self.jane, "Jane.Doe@example.com", "Janeth", "Jane Doe", Self.janeSource] {
                #expect(try filesContain(trace, under: directory).isEmpty, "\(trace) is still on disk")
            }
            #expect(!(try filesContain("john@example.com", under: directory)).isEmpty)

            // Erasure also forgot her identity key: she may take part again.
            #expect(try await p.submit(Self.jane, source: Self.janeSource).isAccepted)
        }
    }
}
