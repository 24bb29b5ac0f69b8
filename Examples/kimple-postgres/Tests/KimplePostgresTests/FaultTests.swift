import Foundation
import Kimple
import KimpleCore
import KimpleGames
import KimplePostgres
import KimpleTesting
import Synchronization
import Testing

/// Real faults on the throwaway server: an immediate restart during intake, and SIGKILL of a host
/// process mid-intake (K-7's promise, kept by PostgreSQL's transactions, K-9).
@Suite(.serialized) struct FaultTests {
    static func draft(_ person: Int) -> EntryDraft {
        EntryDraft(
            operation: "daily", identity: IdentityKey(high: 7, low: UInt64(person)), period: 20_000, receivedAt: Date(),
            fields: [EntryField(name: "email", value: "p\(person)@example.com", category: .email)], consents: ["rules"])
    }

    /// What the submitters saw.
    final class Outcomes: Sendable {
        struct State {
            var acknowledged: [String: Int] = [:]
            var errors: [String] = []
            var failed: [Int] = []
        }
        let state = Mutex(State())
        private let next = Mutex(0)

        func take() -> Int {
            next.withLock { value in
                defer { value += 1 }
                return value
            }
        }
    }

    // SPEC K-9, K-7, G-4: `pg_ctl restart -m immediate` while 32 submissions are in flight: the
    // callers in between get typed `storage.*` errors, every acknowledged entry is there after the
    // restart, none is duplicated, and intake resumes on the same handles without reconnecting.
    @Test func immediateRestartDuringIntake() async throws {
        let storage = try await TestServer.fresh(connections: 8, deadline: .seconds(2))
        let store = try await storage.participationStore(storage.tenant("brand"), clock: SystemClock())
        let persons = 3_000
        let outcomes = Outcomes()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    while true {
                        let person = outcomes.take()
                        guard person < persons else { return }
                        do {
                            if case .inserted(let entry) = try await store.insert(
                                Self.draft(person), maximumPerPeriod: 1)
                            {
                                outcomes.state.withLock { $0.acknowledged[entry.id.rawValue] = person }
                            }
                        } catch let error as KimpleError {
                            outcomes.state.withLock {
                                $0.errors.append(error.code.rawValue)
                                $0.failed.append(person)
                            }
                        }
                    }
                }
            }
            group.addTask {
                // Restart once a few hundred entries are in, while the submitters keep going.
                for _ in 0..<3_000 where outcomes.state.withLock({ $0.acknowledged.count }) < 300 {
                    try await Task.sleep(for: .milliseconds(5))
                }
                try TestServer.pgCtl(["restart", "-m", "immediate", "-w"])
            }
            try await group.waitForAll()
        }
        let (errors, failed) = outcomes.state.withLock { ($0.errors, $0.failed) }
        #expect(!errors.isEmpty, "the restart was seen by no caller: the test did not test anything")
        #expect(errors.allSatisfy { $0.hasPrefix("storage.") }, "\(Set(errors))")
        // The callers who got an error retry on the same store handle (bounded), as a host would.
        // The server is back (pg_ctl -w returned); allow the pool a bounded 400 × 25 ms in all.
        var budget = 400
        for person in failed {
            var settled = false
            while !settled, budget > 0 {
                do {
                    _ = try await store.insert(Self.draft(person), maximumPerPeriod: 1)
                    settled = true
                } catch let error as KimpleError where error.code.rawValue.hasPrefix("storage.") {
                    budget -= 1
                    try await Task.sleep(for: .milliseconds(25))
                }
            }
            #expect(settled, "intake did not resume for person \(person)")
            if !settled { break }
        }
        let acknowledged = outcomes.state.withLock { $0.acknowledged }
        for (id, person) in acknowledged {
            let entry = try await store.entry(try EntryID(id))
            #expect(entry?.identity == IdentityKey(high: 7, low: UInt64(person)), "acknowledged \(id) is missing")
        }
        let entries = try await store.entries(of: "daily")
        #expect(entries.count == persons)
        #expect(Set(entries.map(\.identity)).count == persons, "an entry was duplicated")
        for person in stride(from: 0, to: persons, by: 97) {
            #expect(
                try await store.entryCount(
                    of: IdentityKey(high: 7, low: UInt64(person)), operation: "daily", period: 20_000)
                    == 1)
        }
        try await storage.close()
    }

    // SPEC K-9, K-7, G-6, K-5: SIGKILL of a host process mid-intake leaves nothing partial: every
    // entry it acknowledged is there, every limit row matches its entries, the award count matches
    // the awards, and the evidence chain verifies.
    @Test func sigkillOfAHostProcessLeavesNothingPartial() async throws {
        let (storage, handle) = try await SeveralInstancesTests.prepared()
        let persons = 5_000
        let acknowledged = try CrashTest.runAndKill(
            CrashTest.executableNextToTests(named: "kimple-postgres-child"),
            arguments: [
                try TestServer.socketPath(), try TestServer.environment("KIMPLE_PG_USER"), storage.schema, "brand",
                String(persons), "16",
            ], killAfter: 400)
        #expect(acknowledged.count >= 400)
        let store = try await storage.participationStore(handle, clock: SystemClock())
        // The server ends the killed client's sessions by itself: a transaction whose COMMIT was
        // already sent may still land, whole. Poll (bounded) until entries and limit rows agree.
        var entries: [ParticipationEntry] = []
        var mismatches: [Int] = []
        for _ in 0..<50 {
            entries = try await store.entries(of: "daily")
            let withEntry = Set(entries.map(\.identity))
            mismatches = []
            for person in 0..<min(persons, 2_000) {
                let identity = IdentityKey(high: 7, low: UInt64(person))
                let counted = try await store.entryCount(of: identity, operation: "daily", period: 20_000)
                if counted != (withEntry.contains(identity) ? 1 : 0) { mismatches.append(person) }
            }
            if mismatches.isEmpty, entries.count == (try await store.entries(of: "daily")).count { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(mismatches.isEmpty, "limit rows without their entry: \(mismatches.prefix(10))")
        #expect(entries.count < persons, "the child finished before the kill: nothing was tested")
        let stored = Set(entries.map(\.id.rawValue))
        #expect(acknowledged.allSatisfy { stored.contains($0.key) }, "an acknowledged entry is missing")
        #expect(Set(entries.map(\.identity)).count == entries.count)
        let ledger = try await storage.instantWinLedger(handle)
        let awards = try await ledger.awards(for: "instant")
        #expect(awards.count <= SeveralInstancesTests.stock)
        #expect(Set(awards.map(\.entryID)).isSubset(of: stored))
        let verification = try await EvidenceLog.open(handle, clock: SystemClock()).verify()
        #expect(verification.problem == nil)
        // The store takes new entries after the kill.
        let after = try await store.insert(Self.draft(persons + 1), maximumPerPeriod: 1)
        #expect(after != .limitReached(existing: 0))
        try await storage.close()
    }
}
