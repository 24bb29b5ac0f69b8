import Foundation
import KimpleCore
import KimpleGames

/// The checks every ``VoteStore`` must pass (G-21): the SDK's own ``InMemoryVoteStore`` and
/// ``FileVoteStore`` pass them, and a host runs them against its own implementation.
public enum VoteStoreConformance {
    /// Runs every check; `makeEmptyStore` is called once per check and must return an empty
    /// store. With `reopen` (which closes the store given and opens it again on the same
    /// storage), the restart check runs too. Throws ``ConformanceFailures`` listing every failed check.
    @discardableResult
    public static func run(
        _ makeEmptyStore: () async throws -> any VoteStore,
        reopen: ((any VoteStore) async throws -> any VoteStore)? = nil
    ) async throws -> ConformanceReport {
        var runner = ConformanceRunner(suite: "VoteStore")
        let r = runner
        let operation: OperationID = "conformance-vote"
        let instant = Date(timeIntervalSince1970: 1_780_272_000)
        func ballot(_ candidate: String, _ person: String, _ period: String = "all") -> Ballot {
            Ballot(operation: operation, candidate: candidate, personKey: person, period: period, castAt: instant)
        }

        await runner.check("one vote per person per candidate per period", rule: "G-21") {
            let store = try await makeEmptyStore()
            try r.expect(try await store.cast(ballot("c1", "alice")), "once", "the first vote was not counted")
            try r.expect(!(try await store.cast(ballot("c1", "alice"))), "once", "a second vote was counted")
            try r.expect(
                try await store.cast(ballot("c2", "alice")), "once", "a vote for another candidate was refused")
            try r.expect(try await store.cast(ballot("c1", "bob")), "once", "another person's vote was refused")
            try r.expect(
                try await store.cast(ballot("c1", "alice", "2026-06-02")), "once", "the next period was refused")
            let tally = try await store.tally(operation)
            try r.expect(tally == ["c1": 3, "c2": 1], "once", "tally \(tally)")
            try r.expect(try await store.tally("other-operation").isEmpty, "once", "another operation has votes")
        }

        await runner.check("a malformed ballot is refused and counts nothing", rule: "G-21") {
            let store = try await makeEmptyStore()
            try await r.expectError(.voteInvalid, "malformed") { _ = try await store.cast(ballot("", "alice")) }
            try await r.expectError(.voteInvalid, "malformed") { _ = try await store.cast(ballot("c1", "a\u{7}")) }
            try r.expect(try await store.tally(operation).isEmpty, "malformed", "a refused ballot was counted")
        }

        await runner.check("concurrent votes are counted atomically", rule: "G-21") {
            let store = try await makeEmptyStore()
            let counted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<80 {
                    // 40 casts of the same vote, and 40 distinct voters.
                    group.addTask { try await store.cast(ballot("c1", n < 40 ? "same" : "voter-\(n)")) }
                }
                var total = 0
                for try await ok in group where ok { total += 1 }
                return total
            }
            try r.expect(counted == 41, "concurrent", "\(counted) votes counted instead of 41")
            try r.expect(try await store.tally(operation) == ["c1": 41], "concurrent", "tally differs from the casts")
        }

        await runner.check("votes survive a restart and stay counted once", rule: "K-7", needs: reopen) { reopen in
            let store = try await makeEmptyStore()
            _ = try await store.cast(ballot("c1", "alice"))
            _ = try await store.cast(ballot("c2", "bob"))
            let reopened = try await reopen(store)
            try r.expect(
                try await reopened.tally(operation) == ["c1": 1, "c2": 1], "restart", "votes lost or repeated")
            try r.expect(!(try await reopened.cast(ballot("c1", "alice"))), "restart", "a vote counted twice")
        }
        return try runner.finish()
    }
}
