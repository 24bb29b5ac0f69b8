import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

/// The draw's entry list read from the intake's participation store (G-7).
@Suite("Wiring: draw input")
struct DrawWiringTests {
    static let seed = ResultsFixtures.seed(2026)
    static let rules = DrawRules(winners: 3, reserves: 2)

    /// Twelve people enter (Jane twice, on two days): the limit is once per day.
    static func enter(_ h: Harness) async throws -> [AcceptedParticipation] {
        var accepted: [AcceptedParticipation] = []
        for n in 0..<12 {
            accepted.append(
                try #require(try await h.submit(Fixtures.fields(email: "person\(n)@example.com"), source: nil).accepted)
            )
            h.clock.advance(by: 61)
        }
        h.clock.advance(by: 86_400)
        accepted.append(
            try #require(try await h.submit(Fixtures.fields(email: "person0@example.com"), source: nil).accepted))
        return accepted
    }

    static func operation() -> GameOperation {
        Fixtures.operation { $0.limit = .oncePerDay }
    }

    /// Intake, commitment before closing, then freeze and draw after closing from the store.
    static func drawFromStore(
        _ h: Harness, draws: DrawService
    ) async throws -> (DrawCertificate, FrozenEntryList) {
        let rulesDigest = try #require(Self.operation().rules).sha256
        try await draws.commit(
            operation: Fixtures.operationID, rules: rules, rulesDocumentSHA256: rulesDigest,
            commitment: .secretSeed(seedSHA256: seed.sha256), closesAt: Fixtures.closesAt, by: Fixtures.staff)
        h.clock.set(Fixtures.closesAt.addingTimeInterval(3_600))
        #expect(try await h.service.operation(Fixtures.operationID).status == .closed)
        let list = try await FrozenEntryList.freezing(
            try await DrawEntries.list(of: Fixtures.operationID, in: h.participations))
        try await draws.freeze(
            operation: Fixtures.operationID, entries: list, by: Fixtures.staff, instruction: "acme-participations")
        let certificate = try await draws.draw(
            operation: Fixtures.operationID, seed: seed, entries: list, by: Fixtures.staff,
            instruction: "acme-participations")
        return (certificate, list)
    }

    // SPEC G-7: the entry list is the store's entries, with pseudonymous person keys (the
    // identity key: the same for one person's two entries, no e-mail in clear), and the draw
    // made from it is reproduced from the reopened store, the seed and the algorithm.
    @Test("intake, close, commit, freeze and draw from a file store: the certificate is reproducible")
    func intakeToCertificate() async throws {
        try await withTemporaryDirectory { directory in
            let store = try FileParticipationStore.open(tenant: Fixtures.tenant, at: directory, clock: SystemClock())
            let h = try await Harness.make(operation: Self.operation(), participations: store)
            let accepted = try await Self.enter(h)
            let draws = DrawService(
                tenant: Fixtures.tenant, documents: InMemoryDocumentStore(), evidence: h.evidence, gate: h.gate,
                clock: h.clock)
            let (certificate, list) = try await Self.drawFromStore(h, draws: draws)

            #expect(certificate.entryList.count == 13)
            #expect(certificate.entryList.sha256 == list.sha256)
            #expect(list.entries.map(\.entryID) == accepted.map(\.entry.rawValue))
            #expect(
                list.entries.map(\.enteredAtMilliseconds) == accepted.map { DrawEntry.milliseconds(of: $0.receivedAt) })
            for drawEntry in list.entries {
                let entry = try #require(try await store.entry(EntryID(drawEntry.entryID)))
                #expect(drawEntry.personKey == entry.identity.description)
                #expect(drawEntry.weight == 1)
            }
            #expect(!certificate.winners.contains { $0.personKey.contains("@") })
            #expect(list.entries[0].personKey == list.entries[12].personKey)  // person0, two days
            #expect(Set(list.entries.map(\.personKey)).count == 12)
            #expect(certificate.winners.count == 3 && certificate.reserves.count == 2)
            #expect(Set((certificate.winners + certificate.reserves).map(\.personKey)).count == 5)
            store.close()

            // Anyone holding the seed and the list gets the same result: the list read again from
            // the reopened store hashes the same, and the algorithm picks the same entries.
            let reopened = try FileParticipationStore.open(tenant: Fixtures.tenant, at: directory, clock: SystemClock())
            defer { reopened.close() }
            let again = try FrozenEntryList(try await DrawEntries.list(of: Fixtures.operationID, in: reopened))
            #expect(again.sha256 == certificate.entryList.sha256)
            let outcome = try RandomDraw.run(again, seed: Self.seed, rules: Self.rules)
            #expect(outcome.winners == certificate.winners)
            #expect(outcome.reserves == certificate.reserves)
            #expect(outcome.streamKey == certificate.streamKey)
        }
    }

    // SPEC G-7: the independent verifier reproduces the draw from the exported entry list.
    @Test(
        "the Python verifier reproduces a draw made from the participation store")
    func verifierReproduces() async throws {
        let h = try await Harness.make(operation: Self.operation())
        _ = try await Self.enter(h)
        let draws = DrawService(
            tenant: Fixtures.tenant, documents: InMemoryDocumentStore(), evidence: h.evidence, gate: h.gate,
            clock: h.clock)
        let (certificate, list) = try await Self.drawFromStore(h, draws: draws)
        try await withTemporaryDirectory { directory in
            let exports = ExportService(tenant: Fixtures.tenant, gate: h.gate, evidence: h.evidence, clock: h.clock)
            let entriesFile = directory.appendingPathComponent("entries.txt")
            try await exports.exportEntryList(
                list, operation: Fixtures.operationID, to: try FileExportSink(url: entriesFile), by: Fixtures.staff,
                instruction: "acme-participations")
            let certificateFile = directory.appendingPathComponent("certificate.json")
            try certificate.jsonData().write(to: certificateFile)
            let result = try await ResultsFixtures.runPython([
                DrawVectorTests.verifierPath, "certificate", certificateFile.path, entriesFile.path,
            ])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("ok: 3 winner(s) and 2 reserve(s) among 13 entries reproduced"))
        }
    }

    // SPEC G-7: eligibility and extra chances are the caller's; the list keeps only what they give.
    @Test("the entry list keeps the eligible entries with the chances given")
    func eligibilityAndWeights() async throws {
        let h = try await Harness.make(operation: Self.operation())
        let accepted = try await Self.enter(h)
        let secondDay = accepted[12].receivedAt
        let list = try await DrawEntries.list(
            of: Fixtures.operationID, in: h.participations, where: { $0.receivedAt < secondDay },
            weight: { $0.id == accepted[3].entry ? 5 : ($0.id == accepted[4].entry ? 0 : 1) })
        #expect(list.count == 11)
        #expect(list.first { $0.entryID == accepted[3].entry.rawValue }?.weight == 5)
        #expect(!list.contains { $0.entryID == accepted[4].entry.rawValue })
        #expect(try await DrawEntries.list(of: "another-operation", in: h.participations).isEmpty)
    }
}
