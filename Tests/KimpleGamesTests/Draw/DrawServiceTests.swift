import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

@Suite("Draw service")
struct DrawServiceTests {
    struct Setup {
        let clock = ManualClock(ResultsFixtures.opening)
        let log = InMemoryRecordLog()
        let gate: ResultsGate
        let evidence: EvidenceLog
        let draws: DrawService
        let closing = ResultsFixtures.opening.addingTimeInterval(7 * 86_400)
        let seed = DrawSeed.random()

        init(gate: ResultsGate = ResultsGate(), documents: any DocumentStore = InMemoryDocumentStore()) {
            self.gate = gate
            evidence = EvidenceLog(log: log, tenant: ResultsFixtures.tenant, clock: clock)
            draws = DrawService(
                tenant: ResultsFixtures.tenant, documents: documents, evidence: evidence, gate: gate, clock: clock)
        }

        func commit(_ rules: DrawRules = DrawRules(winners: 2, reserves: 3)) async throws {
            try await draws.commit(
                operation: ResultsFixtures.operation, rules: rules, rulesDocumentSHA256: SHA256.hash("règlement v1"),
                commitment: seed.commitment, closesAt: closing, by: ResultsFixtures.organizer)
        }

        func freeze(_ list: FrozenEntryList) async throws {
            try await draws.freeze(
                operation: ResultsFixtures.operation, entries: list, by: ResultsFixtures.organizer,
                instruction: ResultsFixtures.instruction)
        }

        func draw(_ list: FrozenEntryList, seed: DrawSeed? = nil) async throws -> DrawCertificate {
            try await draws.draw(
                operation: ResultsFixtures.operation, seed: seed ?? self.seed, entries: list,
                by: ResultsFixtures.organizer, instruction: ResultsFixtures.instruction)
        }

        func disqualify(
            _ entryID: String, _ reason: String = "ineligible: employee of the brand"
        ) async throws
            -> DrawReplacement
        {
            try await draws.disqualify(
                operation: ResultsFixtures.operation, entryID: entryID, reason: reason, by: ResultsFixtures.organizer)
        }
    }

    private func expectCode(_ code: KimpleError.Code, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(code), got no error")
        } catch let error as KimpleError {
            #expect(error.code == code, "\(error)")
        } catch {
            Issue.record("expected \(code), got \(error)")
        }
    }

    // SPEC G-7, K-5
    @Test("commit before closing, freeze at closing, reveal and draw: the certificate holds everything, in evidence")
    func fullLifecycle() async throws {
        let setup = Setup()
        try await setup.commit()
        #expect(try await setup.draws.record(ResultsFixtures.operation)?.stage == .committed)
        setup.clock.set(setup.closing)
        let list = try FrozenEntryList(ResultsFixtures.entries(1_000, persons: 900))
        try await setup.freeze(list)
        #expect(try await setup.draws.record(ResultsFixtures.operation)?.stage == .frozen)
        setup.clock.advance(by: 3600)
        let certificate = try await setup.draw(list)

        let expected = try RandomDraw.run(list, seed: setup.seed, rules: DrawRules(winners: 2, reserves: 3))
        #expect(certificate.winners == expected.winners)
        #expect(certificate.reserves == expected.reserves)
        #expect(certificate.seed == setup.seed)
        #expect(certificate.commitment == .secretSeed(seedSHA256: SHA256.hash(setup.seed.bytes)))
        #expect(certificate.entryList.sha256 == list.sha256 && certificate.entryList.count == 1_000)
        #expect(certificate.entryList.frozenAt == setup.closing)
        #expect(certificate.algorithm == "kimple-draw/1" && certificate.method == .uniform)
        #expect(certificate.rulesDocumentSHA256 == SHA256.hash("règlement v1"))
        #expect(certificate.drawnAt == setup.closing.addingTimeInterval(3600))
        #expect(try await setup.draws.certificate(ResultsFixtures.operation) == certificate)

        // The published JSON reads back to the same certificate and names its fields plainly.
        let json = try certificate.jsonData()
        #expect(try DrawCertificate.decode(json: json) == certificate)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"seedSHA256\" : \"\(setup.seed.sha256.hex)\""))
        #expect(text.contains("\"drawnAt\" : \"2026-06-08T01:00:00.000Z\""))

        let entries = try await setup.evidence.entries()
        #expect(entries.map(\.action) == ["games.draw.commit", "games.draw.freeze", "games.draw.run"])
        #expect(entries[2].payloadDigest == SHA256.hash(json))
        #expect(try await setup.evidence.verify().isIntact)
        // Freezing and drawing processed participants' data under the gate.
        #expect(setup.gate.requests.map(\.purpose) == [.winnerSelection, .winnerSelection])
    }

    // SPEC G-7
    @Test("disqualifying a winner promotes the next reserve; the draw is never run again")
    func reservePromotion() async throws {
        let setup = Setup()
        try await setup.commit()
        setup.clock.set(setup.closing)
        let list = try FrozenEntryList(ResultsFixtures.entries(100))
        try await setup.freeze(list)
        let certificate = try await setup.draw(list)
        let (w1, w2) = (certificate.winners[0], certificate.winners[1])
        let (r1, r2, r3) = (certificate.reserves[0], certificate.reserves[1], certificate.reserves[2])

        let first = try await setup.disqualify(w2.entryID)
        #expect(first.position == 2 && first.disqualified == w2 && first.replacement == r1)
        // A reserve not yet promoted can be set aside too: the queue moves on.
        let second = try await setup.disqualify(r2.entryID, "duplicate account")
        #expect(second.position == nil && second.replacement == nil)
        // The promoted reserve is now a winner: disqualifying it promotes the next one left (r3).
        let third = try await setup.disqualify(r1.entryID)
        #expect(third.position == 2 && third.replacement == r3)
        // No reserve left: the place stays vacant.
        let fourth = try await setup.disqualify(w1.entryID)
        #expect(fourth.position == 1 && fourth.replacement == nil)

        let stored = try #require(try await setup.draws.certificate(ResultsFixtures.operation))
        #expect(stored.winners == certificate.winners && stored.reserves == certificate.reserves)
        #expect(stored.standingWinners == [nil, r3])
        #expect(stored.remainingReserves.isEmpty)
        #expect(
            stored.replacements.map(\.reason) == [
                "ineligible: employee of the brand", "duplicate account", "ineligible: employee of the brand",
                "ineligible: employee of the brand",
            ])
        await expectCode(.drawEntryNotSelected) { _ = try await setup.disqualify(w2.entryID) }
        await expectCode(.drawEntryNotSelected) { _ = try await setup.disqualify("e-unknown") }
        await expectCode(.invalidArgument) { _ = try await setup.disqualify(r3.entryID, "") }
        await expectCode(.drawAlreadyDrawn) { _ = try await setup.draw(list) }
        let actions = try await setup.evidence.entries().map(\.action)
        #expect(actions.filter { $0 == "games.draw.disqualify" }.count == 4)
        #expect(actions.filter { $0 == "games.draw.run" }.count == 1)
    }

    // SPEC G-7
    @Test("steps out of order, a wrong seed or another list are refused and change nothing")
    func outOfOrder() async throws {
        let setup = Setup()
        let list = try FrozenEntryList(ResultsFixtures.entries(20))
        await expectCode(.drawNotFound) { try await setup.freeze(list) }
        await expectCode(.drawNotFound) { _ = try await setup.draw(list) }
        try await setup.commit()
        await expectCode(.drawAlreadyCommitted) { try await setup.commit(DrawRules(winners: 5)) }
        await expectCode(.drawOutOfOrder) { try await setup.freeze(list) }  // not closed yet
        await expectCode(.drawOutOfOrder) { _ = try await setup.draw(list) }  // not frozen
        await expectCode(.drawOutOfOrder) { _ = try await setup.disqualify("e1") }  // not drawn
        setup.clock.set(setup.closing)
        try await setup.freeze(list)
        await expectCode(.drawOutOfOrder) { try await setup.freeze(list) }
        let other = try FrozenEntryList(ResultsFixtures.entries(21))
        await expectCode(.drawEntryListMismatch) { _ = try await setup.draw(other) }
        await expectCode(.drawSeedMismatch) { _ = try await setup.draw(list, seed: DrawSeed.random()) }
        #expect(try await setup.draws.record(ResultsFixtures.operation)?.stage == .frozen)
        _ = try await setup.draw(list)
        #expect(try await setup.evidence.entries().count == 3)
    }

    // SPEC G-7
    @Test("a commitment is made before closing, never after")
    func commitAfterClosing() async throws {
        let setup = Setup()
        setup.clock.set(setup.closing)
        await expectCode(.drawOutOfOrder) { try await setup.commit() }
        #expect(try await setup.draws.record(ResultsFixtures.operation) == nil)
        await expectCode(.drawInvalidRules) {
            try await setup.draws.commit(
                operation: ResultsFixtures.operation, rules: DrawRules(winners: 0),
                rulesDocumentSHA256: SHA256.hash(""),
                commitment: setup.seed.commitment, closesAt: setup.closing.addingTimeInterval(1), by: .host("x"))
        }
    }

    // SPEC G-7
    @Test("a public beacon value named in advance is accepted as the seed and printed with its source and round")
    func beaconCommitment() async throws {
        let setup = Setup()
        try await setup.draws.commit(
            operation: ResultsFixtures.operation, rules: DrawRules(winners: 1, reserves: 1),
            rulesDocumentSHA256: SHA256.hash("r"),
            commitment: .publicBeacon(source: "drand quicknet", round: "9876543"),
            closesAt: setup.closing, by: ResultsFixtures.organizer)
        setup.clock.set(setup.closing)
        let list = try FrozenEntryList(ResultsFixtures.entries(10))
        try await setup.freeze(list)
        let beacon = try DrawSeed(hex: String(repeating: "ab", count: 32))
        let certificate = try await setup.draw(list, seed: beacon)
        #expect(certificate.commitment.text == "drand quicknet#9876543")
        #expect(certificate.seed == beacon)
        let row = try WinnerRows.certificate(certificate)
        #expect(row.values[4] == "public-beacon" && row.values[5] == "drand quicknet#9876543")
        await expectCode(.drawInvalidSeed) {
            try await setup.draws.commit(
                operation: "other", rules: DrawRules(winners: 1), rulesDocumentSHA256: SHA256.hash("r"),
                commitment: .publicBeacon(source: "", round: "1"), closesAt: setup.closing.addingTimeInterval(9),
                by: ResultsFixtures.organizer)
        }
    }

    // SPEC G-7, P-1
    @Test("a refused processing stops the freeze and the draw before anything is written")
    func gateRefusal() async throws {
        let gate = ResultsGate(refuse: true)
        let setup = Setup(gate: gate)
        try await setup.commit()
        setup.clock.set(setup.closing)
        let list = try FrozenEntryList(ResultsFixtures.entries(10))
        await expectCode("privacy.processing_refused") { try await setup.freeze(list) }
        #expect(try await setup.draws.record(ResultsFixtures.operation)?.stage == .committed)
        #expect(try await setup.evidence.entries().map(\.action) == ["games.draw.commit"])
    }

    // SPEC G-7, K-7
    @Test("a draw's state survives in the file document store")
    func fileStore() async throws {
        try await withTemporaryDirectory { directory in
            let storage = try FileStorage(root: directory)
            let clock = ManualClock(ResultsFixtures.opening)
            let evidence = try await EvidenceLog.open(storage.tenant(ResultsFixtures.tenant), clock: clock)
            let draws = try await DrawService.open(
                storage.tenant(ResultsFixtures.tenant), evidence: evidence, gate: ResultsGate(), clock: clock)
            let seed = DrawSeed.random()
            let closing = ResultsFixtures.opening.addingTimeInterval(60)
            try await draws.commit(
                operation: ResultsFixtures.operation, rules: DrawRules(winners: 1, reserves: 1),
                rulesDocumentSHA256: SHA256.hash("r"), commitment: seed.commitment, closesAt: closing,
                by: ResultsFixtures.organizer)
            clock.set(closing)
            let list = try FrozenEntryList(ResultsFixtures.entries(50))
            try await draws.freeze(
                operation: ResultsFixtures.operation, entries: list, by: ResultsFixtures.organizer,
                instruction: ResultsFixtures.instruction)
            let certificate = try await draws.draw(
                operation: ResultsFixtures.operation, seed: seed, entries: list, by: ResultsFixtures.organizer,
                instruction: ResultsFixtures.instruction)
            storage.close()

            let reopened = try FileStorage(root: directory)
            defer { reopened.close() }
            let again = try await DrawService.open(
                reopened.tenant(ResultsFixtures.tenant),
                evidence: try await EvidenceLog.open(reopened.tenant(ResultsFixtures.tenant), clock: clock),
                gate: ResultsGate(), clock: clock)
            #expect(try await again.certificate(ResultsFixtures.operation) == certificate)
        }
    }
}
