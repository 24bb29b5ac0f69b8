import Foundation
import KimpleTesting
import Testing

@testable import KimpleCore
@testable import KimpleGames

/// Disk faults under the games' file stores, through the intake (G-4, G-6, K-7): the
/// participant's submission fails with a typed error, nothing half-done stays behind (no
/// entry, no prize unit, no place under the per-person limit), and once the disk is back the
/// same person takes part and wins the same moment, in the same handles and after reopening.
@Suite("Wiring: disk faults under intake")
struct StoreFaultTests {
    static let faults: [(FileFaults.Kind, KimpleError.Code)] = [
        (.partialWrite(bytes: 40), .storageIO), (.noSpace, .storageFull), (.syncFails, .storageIO),
    ]

    // SPEC G-4, G-6, K-7
    @Test(
        "a failed participation write: typed error, no entry, no award, and the same person takes part afterwards",
        arguments: faults)
    func participationWriteFault(fault: (FileFaults.Kind, KimpleError.Code)) async throws {
        try await withTemporaryDirectory { directory in
            let participations = directory.appendingPathComponent("participations")
            let ledgerDirectory = directory.appendingPathComponent("instant-win")
            let store = try FileParticipationStore.open(
                tenant: Fixtures.tenant, at: participations, clock: SystemClock())
            let ledger = try FileInstantWinLedger.open(at: ledgerDirectory)
            let moment = Fixtures.instant("2026-06-10T10:00:00Z")
            try await ledger.install(
                InstantWinWiringTests.schedule(quantity: 2, moments: [moment, moment.addingTimeInterval(60)]))
            let gate = TestGate()
            let h = try await Harness.make(
                operation: InstantWinWiringTests.operation(quantity: 2), now: Fixtures.instant("2026-06-10T12:00:00Z"),
                participations: store,
                decider: InstantWinOutcomeDecider(tenant: Fixtures.tenant, ledger: ledger, gate: gate),
                gate: gate)
            let ann = try #require(try await h.submit(Fixtures.fields(email: "ann@example.com"), source: nil).accepted)
            #expect(ann.outcome.isWin)

            // Bob's entry cannot be written.
            let arming = FileFaults.arm(fault.0, under: participations.path)
            await #expect {
                _ = try await h.submit(Fixtures.fields(email: "bob@example.com"), source: nil)
            } throws: { error in
                (error as? KimpleError)?.code == fault.1
            }
            #expect(arming.fired == 1)
            arming.disarm()
            #expect(try await store.entryCount(of: Fixtures.operationID) == 1)
            #expect(try await ledger.awards(for: Fixtures.operationID).count == 1)

            // Bob again, same handles: accepted (his place under the limit was given back), and
            // he wins the second moment, which nobody took.
            let bob = try #require(try await h.submit(Fixtures.fields(email: "bob@example.com"), source: nil).accepted)
            guard case .won(let bobAward) = bob.outcome else {
                Issue.record("Bob should win the second moment, got \(bob.outcome)")
                return
            }
            #expect(bobAward.awardID == "summer-2026/1")
            store.close()
            ledger.close()

            let reopenedStore = try FileParticipationStore.open(
                tenant: Fixtures.tenant, at: participations, clock: SystemClock())
            defer { reopenedStore.close() }
            #expect(reopenedStore.recovery.isClean)
            #expect(try await reopenedStore.entries(of: Fixtures.operationID).map(\.id) == [ann.entry, bob.entry])
            let reopenedLedger = try FileInstantWinLedger.open(at: ledgerDirectory)
            defer { reopenedLedger.close() }
            #expect(
                try await reopenedLedger.awards(for: Fixtures.operationID).map(\.entryID) == [
                    ann.entry.rawValue, bob.entry.rawValue,
                ])
        }
    }

    // SPEC G-6, K-7
    @Test(
        "a failed award write: no prize unit is lost or given twice, the moment goes to the next claim",
        arguments: faults)
    func awardWriteFault(fault: (FileFaults.Kind, KimpleError.Code)) async throws {
        try await withTemporaryDirectory { directory in
            let participations = directory.appendingPathComponent("participations")
            let ledgerDirectory = directory.appendingPathComponent("instant-win")
            let store = try FileParticipationStore.open(
                tenant: Fixtures.tenant, at: participations, clock: SystemClock())
            let ledger = try FileInstantWinLedger.open(at: ledgerDirectory)
            let moment = Fixtures.instant("2026-06-10T10:00:00Z")
            try await ledger.install(InstantWinWiringTests.schedule(quantity: 1, moments: [moment]))
            let gate = TestGate()
            let h = try await Harness.make(
                operation: InstantWinWiringTests.operation(quantity: 1), now: Fixtures.instant("2026-06-10T12:00:00Z"),
                participations: store,
                decider: InstantWinOutcomeDecider(tenant: Fixtures.tenant, ledger: ledger, gate: gate),
                gate: gate)

            // Ann's entry is stored; her award cannot be written: she is not told she won.
            let arming = FileFaults.arm(fault.0, under: ledgerDirectory.path)
            let ann = try #require(try await h.submit(Fixtures.fields(email: "ann@example.com"), source: nil).accepted)
            #expect(ann.outcome == .undecided(fault.1))
            #expect(arming.fired == 1)
            arming.disarm()
            #expect(try await ledger.awards(for: Fixtures.operationID).isEmpty)
            let report = try await ledger.report(for: Fixtures.operationID, at: h.clock.now)
            #expect(report.prizes.map(\.remaining) == [1])

            // The single unit goes to the next claim, once.
            h.clock.advance(by: 60)
            let bob = try #require(try await h.submit(Fixtures.fields(email: "bob@example.com"), source: nil).accepted)
            #expect(bob.outcome.isWin)
            h.clock.advance(by: 60)
            let carl = try #require(
                try await h.submit(Fixtures.fields(email: "carl@example.com"), source: nil).accepted)
            #expect(carl.outcome == .notWon)
            store.close()
            ledger.close()

            let reopenedLedger = try FileInstantWinLedger.open(at: ledgerDirectory)
            #expect(try await reopenedLedger.awards(for: Fixtures.operationID).map(\.entryID) == [bob.entry.rawValue])
            reopenedLedger.close()
            // One award record in the journal: the failed one left nothing behind.
            #expect(try await awardRecords(in: ledgerDirectory).count == 1)
        }
    }

    // SPEC K-7
    @Test("a failed ballot write is not counted and the same ballot can be cast again")
    func voteWriteFault() async throws {
        try await withTemporaryDirectory { directory in
            let votes = try FileVoteStore.open(at: directory)
            let ballot = Ballot(
                operation: "vote-1", candidate: "a", personKey: "voter-1", period: "all",
                castAt: Fixtures.instant("2026-06-10T12:00:00Z"))
            let arming = FileFaults.arm(.noSpace, under: directory.path)
            await #expect {
                try await votes.cast(ballot)
            } throws: { error in
                (error as? KimpleError)?.code == .storageFull
            }
            #expect(arming.fired == 1)
            arming.disarm()
            #expect(try await votes.tally("vote-1").isEmpty)
            #expect(try await votes.cast(ballot))
            #expect(try await votes.tally("vote-1") == ["a": 1])
            votes.close()
            let reopened = try FileVoteStore.open(at: directory)
            defer { reopened.close() }
            #expect(try await reopened.tally("vote-1") == ["a": 1])
        }
    }
}
