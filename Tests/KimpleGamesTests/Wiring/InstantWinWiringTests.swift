import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

/// The instant win acting through the intake (G-6): `InstantWinOutcomeDecider` as the intake's
/// `ParticipationOutcomeDecider`, end to end through `IntakeService.submit`.
@Suite("Wiring: instant win in intake")
struct InstantWinWiringTests {
    /// An instant-win version of the fixture operation: one prize, "bike", of `quantity` units.
    static func operation(quantity: Int = 3) -> GameOperation {
        Fixtures.operation { operation in
            operation.kind = .instantWin
            operation.title = "Acme instant win"
            operation.prizes = [
                Prize(id: "bike", name: "A city bike", quantity: quantity, unitValue: Money(cents: 49_900))
            ]
        }
    }

    /// A schedule of `moments` (instants) for the prize "bike" of `quantity` units.
    static func schedule(
        quantity: Int, moments: [Date], policy: InstantWinPolicy = InstantWinPolicy()
    ) throws -> InstantWinSchedule {
        try InstantWinSchedule.importing(
            operation: Fixtures.operationID, opensAt: Fixtures.opensAt, closesAt: Fixtures.closesAt,
            prizes: [InstantWinPrize(code: "bike", quantity: quantity)], moments: moments.map { ($0, "bike") },
            policy: policy)
    }

    static func email(_ n: Int) -> String { "player\(n)@example.com" }

    // SPEC G-6: more moments due at once than prize units, 40 participants at the same time:
    // exactly the 3 units are awarded, each once, to 3 distinct entries; everyone else is told
    // a plain "not won".
    @Test("concurrent intake never awards a prize unit twice, even with more moments due than units")
    func concurrentIntake() async throws {
        let gate = TestGate()
        let ledger = InMemoryInstantWinLedger()
        try await ledger.install(try Self.schedule(quantity: 3, moments: Array(repeating: Fixtures.opensAt, count: 8)))
        let decider = InstantWinOutcomeDecider(tenant: Fixtures.tenant, ledger: ledger, gate: gate)
        let h = try await Harness.make(operation: Self.operation(quantity: 3), decider: decider, gate: gate)

        let results = try await withThrowingTaskGroup(of: IntakeResult.self) { group in
            for n in 0..<40 {
                group.addTask { try await h.submit(Fixtures.fields(email: Self.email(n)), source: nil) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let accepted = results.compactMap(\.accepted)
        #expect(accepted.count == 40)
        let awards = accepted.compactMap { participation -> (EntryID, PrizeAward)? in
            guard case .won(let award) = participation.outcome else { return nil }
            return (participation.entry, award)
        }
        #expect(awards.count == 3)
        #expect(awards.map(\.1.unit).sorted() == [1, 2, 3])
        #expect(Set(awards.map(\.1.awardID)).count == 3)
        #expect(awards.allSatisfy { $0.1.prize == "bike" && $0.1.prizeName == "A city bike" })
        #expect(accepted.filter { $0.outcome == .notWon }.count == 37)

        // The ledger holds the same three awards, on three distinct moments, keyed by the
        // entries' pseudonymous identity keys.
        let stored = try await ledger.awards(for: Fixtures.operationID)
        #expect(stored.count == 3)
        #expect(Set(stored.map(\.momentIndex)).count == 3)
        #expect(Set(stored.map(\.entryID)) == Set(awards.map(\.0.rawValue)))
        for award in stored {
            let entry = try #require(try await h.participations.entry(EntryID(award.entryID)))
            #expect(award.personKey == entry.identity.description)
            #expect(award.personKey.utf8.count == 32 && !award.personKey.contains("@"))
        }
        let report = try await ledger.report(for: Fixtures.operationID, at: h.clock.now)
        #expect(report.prizes == [InstantWinReport.PrizeLine(prize: "bike", stock: 3, awarded: 3, remaining: 0)])
        // Each claim passed the gate first, under the operation's instruction.
        let claims = h.gate.requests.filter { $0.purpose == .winnerSelection }
        #expect(claims.count == 40)
        #expect(claims.allSatisfy { $0.instruction == "acme-participations" && $0.subject == "operation:summer-2026" })
    }

    // SPEC G-6: a restart in the middle of the operation, on file stores: the award survives,
    // the moment already awarded is never awarded again, the winner asked again gets the same
    // award, and the next moment goes to the next participant.
    @Test("a restart on file stores keeps the awards and never awards a moment twice")
    func restartOnFileStores() async throws {
        try await withTemporaryDirectory { directory in
            let participationsDirectory = directory.appendingPathComponent("participations")
            let ledgerDirectory = directory.appendingPathComponent("instant-win")
            let moments = [
                Fixtures.instant("2026-06-10T10:00:00Z"), Fixtures.instant("2026-06-20T10:00:00Z"),
                Fixtures.instant("2026-06-25T10:00:00Z"),
            ]
            let schedule = try Self.schedule(quantity: 3, moments: moments)
            let gate = TestGate()

            // Before the restart: Ann wins the first moment, Bob (later the same day) does not.
            let store = try FileParticipationStore.open(
                tenant: Fixtures.tenant, at: participationsDirectory, clock: SystemClock())
            let ledger = try FileInstantWinLedger.open(at: ledgerDirectory)
            try await ledger.install(schedule)
            let h = try await Harness.make(
                operation: Self.operation(), now: Fixtures.instant("2026-06-10T12:00:00Z"), participations: store,
                decider: InstantWinOutcomeDecider(tenant: Fixtures.tenant, ledger: ledger, gate: gate), gate: gate)
            let ann = try #require(try await h.submit(Fixtures.fields(email: "ann@example.com"), source: nil).accepted)
            guard case .won(let annAward) = ann.outcome else {
                Issue.record("Ann should have won the first moment, got \(ann.outcome)")
                return
            }
            #expect(annAward.unit == 1)
            #expect(annAward.awardID == "summer-2026/0")
            #expect(annAward.awardedAt == Fixtures.instant("2026-06-10T12:00:00Z"))
            #expect(annAward.details["momentAt"] == "2026-06-10T10:00:00.000Z")
            h.clock.advance(by: 60)
            let bob = try #require(try await h.submit(Fixtures.fields(email: "bob@example.com"), source: nil).accepted)
            #expect(bob.outcome == .notWon)
            store.close()
            ledger.close()

            // After the restart, the same day: the moment is still Ann's.
            let reopenedStore = try FileParticipationStore.open(
                tenant: Fixtures.tenant, at: participationsDirectory, clock: SystemClock())
            let reopenedLedger = try FileInstantWinLedger.open(at: ledgerDirectory)
            let decider = InstantWinOutcomeDecider(tenant: Fixtures.tenant, ledger: reopenedLedger, gate: gate)
            let intake = try IntakeService(
                operations: h.operations, participations: reopenedStore, robotEvents: h.robotEvents, gate: gate,
                transport: h.transport, identitySecret: IdentitySecret(Array("a tenant secret of 32 bytes!!!!!".utf8)),
                clock: h.clock, decider: decider)
            h.clock.advance(by: 60)
            let carl = try #require(
                try await intake.submit(h.submission(Fixtures.fields(email: "carl@example.com"), source: nil)).accepted)
            #expect(carl.outcome == .notWon)
            // Ann's entry asked again (an intake retrying after a crash): the same award, no new one.
            let operation = try await h.service.operation(Fixtures.operationID)
            let annEntry = try #require(try await reopenedStore.entry(ann.entry))
            #expect(try await decider.decide(for: annEntry, in: operation) == .won(annAward))
            #expect(try await reopenedLedger.awards(for: Fixtures.operationID).map(\.entryID) == [ann.entry.rawValue])

            // The second moment goes to the next participant after it.
            h.clock.set(Fixtures.instant("2026-06-20T10:00:01Z"))
            let dee = try #require(
                try await intake.submit(h.submission(Fixtures.fields(email: "dee@example.com"), source: nil)).accepted)
            guard case .won(let deeAward) = dee.outcome else {
                Issue.record("Dee should have won the second moment, got \(dee.outcome)")
                return
            }
            #expect(deeAward.unit == 2)
            #expect(deeAward.awardID == "summer-2026/1")
            let awards = try await reopenedLedger.awards(for: Fixtures.operationID)
            #expect(awards.map(\.momentIndex) == [0, 1])
            #expect(awards.map(\.entryID) == [ann.entry.rawValue, dee.entry.rawValue])
            reopenedStore.close()
            reopenedLedger.close()
            // The journal holds exactly one award record per moment: nothing was written twice.
            #expect(try await awardRecords(in: ledgerDirectory).map(\.momentIndex) == [0, 1])
        }
    }

    // SPEC G-6: an imported schedule with more moments than units and a one-hour win window:
    // the moments nobody played at are lost, and the units of the prize are still numbered
    // 1 and 2 in the order they were won (not by the moments' rank, 2 and 4).
    @Test("prize units are numbered in award order when expired moments are skipped")
    func unitsWithExpiredMoments() async throws {
        let gate = TestGate()
        let ledger = InMemoryInstantWinLedger()
        let moments = ["2026-06-10T10:00:00Z", "2026-06-11T10:00:00Z", "2026-06-12T10:00:00Z", "2026-06-13T10:00:00Z"]
        try await ledger.install(
            try Self.schedule(
                quantity: 2, moments: moments.map(Fixtures.instant),
                policy: InstantWinPolicy(expiry: .winWindow(seconds: 3_600))))
        let h = try await Harness.make(
            operation: Self.operation(quantity: 2), now: Fixtures.instant("2026-06-11T10:30:00Z"),
            decider: InstantWinOutcomeDecider(tenant: Fixtures.tenant, ledger: ledger, gate: gate), gate: gate)
        let first = try #require(try await h.submit(Fixtures.fields(email: "first@example.com"), source: nil).accepted)
        h.clock.set(Fixtures.instant("2026-06-13T10:10:00Z"))
        let second = try #require(
            try await h.submit(Fixtures.fields(email: "second@example.com"), source: nil).accepted)
        let third = try #require(try await h.submit(Fixtures.fields(email: "third@example.com"), source: nil).accepted)
        guard case .won(let a) = first.outcome, case .won(let b) = second.outcome else {
            Issue.record("expected two wins, got \(first.outcome) and \(second.outcome)")
            return
        }
        #expect((a.unit, a.awardID) == (1, "summer-2026/1"))
        #expect((b.unit, b.awardID) == (2, "summer-2026/3"))
        #expect(third.outcome == .notWon)
    }

    // SPEC G-6: the loser is told "not won", nothing else; an operation of another kind decides
    // nothing; without an installed schedule the entry stays accepted and the outcome is
    // undecided (never "won").
    @Test("losers get a plain not-won; other kinds and missing schedules never claim a win")
    func plainOutcomes() async throws {
        let gate = TestGate()
        let ledger = InMemoryInstantWinLedger()
        let decider = InstantWinOutcomeDecider(tenant: Fixtures.tenant, ledger: ledger, gate: gate)

        let draw = try await Harness.make(decider: decider, gate: gate)
        let drawEntry = try #require(try await draw.submit(source: nil).accepted)
        #expect(drawEntry.outcome == .noInstantWin)

        let missing = try await Harness.make(operation: Self.operation(), decider: decider, gate: gate)
        let undecided = try #require(try await missing.submit(source: nil).accepted)
        #expect(undecided.outcome == .undecided("instant_win.not_installed"))
        #expect(try await missing.participations.entry(undecided.entry) != nil)

        let moment = Fixtures.instant("2026-06-20T00:00:00Z")
        try await ledger.install(try Self.schedule(quantity: 1, moments: [moment]))
        let early = try #require(
            try await missing.submit(Fixtures.fields(email: "early@example.com"), source: nil).accepted)
        #expect(early.outcome == .notWon)
        missing.clock.set(moment)
        let winner = try #require(
            try await missing.submit(Fixtures.fields(email: "win@example.com"), source: nil).accepted)
        #expect(winner.outcome.isWin)
        let late = try #require(
            try await missing.submit(Fixtures.fields(email: "late@example.com"), source: nil).accepted)
        #expect(late.outcome == .notWon)
        // The entry that was undecided can be decided again: the moment was not due at its instant.
        let operation = try await missing.service.operation(Fixtures.operationID)
        let first = try #require(try await missing.participations.entry(undecided.entry))
        #expect(try await decider.decide(for: first, in: operation) == .notWon)
    }
}

/// The award records of a file instant-win ledger's journal, in order, decoded from the
/// documented record format (`{"award": {"_0": ...}}`).
func awardRecords(in directory: URL) async throws -> [InstantWinAward] {
    enum Record: Codable {
        case schedule(InstantWinSchedule)
        case award(InstantWinAward)
    }
    let journal = try FileJournal.open(at: directory)
    defer { journal.close() }
    var awards: [InstantWinAward] = []
    try await journal.forEach { record in
        if case .award(let award) = try JSONCoding.decode(Record.self, from: record.payload, key: "instant-win") {
            awards.append(award)
        }
    }
    return awards
}
