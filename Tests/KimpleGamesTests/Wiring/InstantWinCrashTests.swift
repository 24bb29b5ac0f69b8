import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

@Suite("Wiring: instant-win durability")
struct InstantWinCrashTests {
    // SPEC G-6, K-7: an intake deciding instant wins is killed with SIGKILL while it awards
    // prizes; after reopening, every award it announced is in the ledger, on the moment
    // announced, for an entry that is in the participation store, and the journal never
    // holds two awards of one moment or two awards of one entry.
    @Test(
        "an instant-win intake killed with SIGKILL loses no announced award and never awards a moment twice",
        arguments: [("everyWrite", 2), ("grouped", 8)])
    func killedInstantWinIntake(durability: String, writers: Int) async throws {
        try await withTemporaryDirectory { directory in
            let acknowledged = try runAndKillChild(
                arguments: ["instant-win", directory.path, durability, String(writers)], killAfterAcks: 200)
            #expect(acknowledged.count >= 200)
            let announced = acknowledged.filter { $0.1 != "-" }
            // Every moment of the schedule is due: each participation wins until the stock runs out.
            #expect(announced.count == acknowledged.count)

            let records = try await awardRecords(in: directory.appendingPathComponent("instant-win"))
            #expect(Set(records.map(\.momentIndex)).count == records.count, "a moment was awarded twice")
            #expect(Set(records.map(\.entryID)).count == records.count, "an entry won twice")

            let ledger = try FileInstantWinLedger.open(at: directory.appendingPathComponent("instant-win"))
            let awards = try await ledger.awards(for: "crash-instant-win")
            ledger.close()
            #expect(awards.count == records.count)
            let byEntry = Dictionary(uniqueKeysWithValues: awards.map { ($0.entryID, $0) })
            for (entry, awardID) in announced {
                let award = byEntry[entry]
                #expect(
                    award.map { "crash-instant-win/\($0.momentIndex)" } == awardID,
                    "announced award \(awardID) of \(entry) lost")
            }

            let store = try FileParticipationStore.open(
                tenant: "crash-tenant", at: directory.appendingPathComponent("participations"), clock: SystemClock())
            defer { store.close() }
            let entries = Set(try await store.entries(of: "crash-instant-win").map(\.id.rawValue))
            for (entry, _) in acknowledged { #expect(entries.contains(entry), "acknowledged entry \(entry) lost") }
            for award in awards { #expect(entries.contains(award.entryID), "award for unknown entry \(award.entryID)") }
        }
    }
}
