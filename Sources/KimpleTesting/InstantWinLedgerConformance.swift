import Foundation
import KimpleCore
import KimpleGames

/// The checks every ``InstantWinLedger`` must pass (G-6): the SDK's own
/// ``InMemoryInstantWinLedger`` and ``FileInstantWinLedger`` pass them, and a host runs them
/// against its own implementation.
///
/// ```swift
/// @Test func myLedgerConforms() async throws {
///     try await InstantWinLedgerConformance.run({ try await MyLedger.makeEmpty() }, reopen: { try await $0.reopened() })
/// }
/// ```
public enum InstantWinLedgerConformance {
    /// Runs every check; `makeEmptyLedger` is called once per check and must return an empty
    /// ledger. With `reopen` (which closes the ledger given and opens it again on the same
    /// storage), the restart checks run too. Throws ``ConformanceFailures`` listing every failed check.
    @discardableResult
    public static func run(
        _ makeEmptyLedger: () async throws -> any InstantWinLedger,
        reopen: ((any InstantWinLedger) async throws -> any InstantWinLedger)? = nil
    ) async throws -> ConformanceReport {
        var runner = ConformanceRunner(suite: "InstantWinLedger")
        let r = runner
        let operation: OperationID = "conformance-op"
        let opens = Date(timeIntervalSince1970: 1_780_272_000)  // 2026-06-01T00:00:00Z
        let closes = opens.addingTimeInterval(86_400)
        func at(_ seconds: Double) -> Date { opens.addingTimeInterval(seconds) }
        func schedule(
            _ prizes: [InstantWinPrize], _ moments: [(Double, String)], policy: InstantWinPolicy = InstantWinPolicy()
        ) throws -> InstantWinSchedule {
            try InstantWinSchedule.importing(
                operation: operation, opensAt: opens, closesAt: closes, prizes: prizes,
                moments: moments.map { (at: at($0.0), prize: $0.1) }, policy: policy)
        }
        func claim(_ entry: String, _ person: String, _ seconds: Double) -> InstantWinClaim {
            InstantWinClaim(operation: operation, personKey: person, entryID: entry, at: at(seconds))
        }

        await runner.check("installing a schedule is insert-if-absent", rule: "G-6") {
            let ledger = try await makeEmptyLedger()
            let first = try schedule([InstantWinPrize(code: "p", quantity: 1)], [(60, "p")])
            try r.expect(try await ledger.install(first), "install", "the first install returned false")
            try r.expect(
                !(try await ledger.install(first)), "install", "installing the same schedule again returned true")
            let other = try schedule([InstantWinPrize(code: "p", quantity: 1)], [(61, "p")])
            try await r.expectError(.instantWinScheduleConflict, "install") { try await ledger.install(other) }
            try r.expect(
                try await ledger.schedule(for: operation)?.commitment == first.commitment, "install",
                "the installed schedule changed")
        }

        await runner.check("the first claim at or after a moment wins it, and only that one", rule: "G-6") {
            let ledger = try await makeEmptyLedger()
            try await ledger.install(schedule([InstantWinPrize(code: "p", quantity: 1)], [(60, "p")]))
            try r.expect(
                try await ledger.claim(claim("a", "pa", 59.999)) == nil, "first", "a claim before the moment won")
            let award = try await ledger.claim(claim("b", "pb", 60))
            try r.expect(award?.entryID == "b" && award?.momentIndex == 0, "first", "the claim at the moment lost")
            try r.expect(try await ledger.claim(claim("c", "pc", 61)) == nil, "first", "a moment was awarded twice")
            try r.expect(try await ledger.awards(for: operation).count == 1, "first", "awards() does not hold 1 award")
        }

        await runner.check("a moment nobody played at rolls over to the next player", rule: "G-6") {
            let ledger = try await makeEmptyLedger()
            try await ledger.install(schedule([InstantWinPrize(code: "p", quantity: 2)], [(60, "p"), (120, "p")]))
            let late = try await ledger.claim(claim("a", "pa", 7200))
            try r.expect(
                late?.momentIndex == 0, "roll-over", "the first due moment was not won: \(String(describing: late))")
            let next = try await ledger.claim(claim("b", "pb", 7201))
            try r.expect(next?.momentIndex == 1, "roll-over", "the second due moment was not won")
        }

        await runner.check("a win window lets a moment expire", rule: "G-6") {
            let ledger = try await makeEmptyLedger()
            try await ledger.install(
                schedule(
                    [InstantWinPrize(code: "p", quantity: 2)], [(60, "p"), (1000, "p")],
                    policy: InstantWinPolicy(expiry: .winWindow(seconds: 30))))
            try r.expect(try await ledger.claim(claim("a", "pa", 90)) == nil, "window", "an expired moment was won")
            try r.expect(
                try await ledger.claim(claim("b", "pb", 1029.999))?.momentIndex == 1, "window",
                "a moment within its window was not won")
            let report = try await ledger.report(for: operation, at: at(2000))
            try r.expect(report.awarded == 1 && report.lost == 1, "window", "report \(report)")
        }

        await runner.check("at most N wins per person", rule: "G-6") {
            let ledger = try await makeEmptyLedger()
            try await ledger.install(
                schedule(
                    [InstantWinPrize(code: "p", quantity: 3)], [(10, "p"), (20, "p"), (30, "p")],
                    policy: InstantWinPolicy(maxWinsPerPerson: 1)))
            try r.expect(
                try await ledger.claim(claim("a1", "same", 15)) != nil, "per person", "the first win was refused")
            try r.expect(try await ledger.claim(claim("a2", "same", 25)) == nil, "per person", "a person won twice")
            try r.expect(
                try await ledger.claim(claim("b1", "other", 26))?.momentIndex == 1, "per person",
                "the moment skipped by the capped person was not left for the next")
        }

        await runner.check("the highest priority goes first when several prizes are due", rule: "G-6") {
            let ledger = try await makeEmptyLedger()
            try await ledger.install(
                schedule(
                    [
                        InstantWinPrize(code: "small", quantity: 1, priority: 0),
                        InstantWinPrize(code: "big", quantity: 1, priority: 9),
                    ],
                    [(10, "small"), (20, "big")]))
            try r.expect(try await ledger.claim(claim("a", "pa", 30))?.prize == "big", "priority", "priority ignored")
            try r.expect(try await ledger.claim(claim("b", "pb", 31))?.prize == "small", "priority", "small prize lost")
        }

        await runner.check("an entry asking again gets the same award, never a second one", rule: "G-6") {
            let ledger = try await makeEmptyLedger()
            try await ledger.install(schedule([InstantWinPrize(code: "p", quantity: 2)], [(10, "p"), (20, "p")]))
            let first = try await ledger.claim(claim("a", "pa", 30))
            let again = try await ledger.claim(claim("a", "pa", 31))
            try r.expect(first != nil && first == again, "repeat", "a repeated claim got \(String(describing: again))")
            try r.expect(try await ledger.awards(for: operation).count == 1, "repeat", "a second award was made")
        }

        await runner.check("claims outside the window, malformed or for an unknown operation win nothing", rule: "G-6")
        {
            let ledger = try await makeEmptyLedger()
            try await ledger.install(schedule([InstantWinPrize(code: "p", quantity: 1)], [(10, "p")]))
            try r.expect(
                try await ledger.claim(claim("late", "pl", 86_400)) == nil, "outside", "a claim at closing won")
            try await r.expectError(.instantWinInvalidClaim, "malformed") {
                _ = try await ledger.claim(claim("", "p", 20))
            }
            try await r.expectError(.instantWinInvalidClaim, "malformed") {
                _ = try await ledger.claim(claim("x", "bad\nkey", 20))
            }
            try await r.expectError(.instantWinNotInstalled, "unknown") {
                _ = try await ledger.claim(
                    InstantWinClaim(operation: "nothing", personKey: "p", entryID: "e", at: at(20)))
            }
            try r.expect(
                try await ledger.claim(claim("ok", "po", 20)) != nil, "malformed", "a refused claim changed the book")
        }

        await runner.check("stock never goes negative: more moments than units award only the units", rule: "G-6") {
            let ledger = try await makeEmptyLedger()
            try await ledger.install(
                schedule([InstantWinPrize(code: "p", quantity: 2)], (1...5).map { (Double($0), "p") }))
            var won = 0
            for n in 0..<10 where try await ledger.claim(claim("e\(n)", "p\(n)", 10 + Double(n))) != nil { won += 1 }
            let report = try await ledger.report(for: operation, at: at(100))
            try r.expect(won == 2, "stock", "\(won) awards for 2 units")
            try r.expect(report.prizes.first?.remaining == 0 && report.prizes.first?.awarded == 2, "stock", "\(report)")
        }

        await runner.check("concurrent claims never share a moment nor exceed the stock", rule: "G-6") {
            let ledger = try await makeEmptyLedger()
            // Ten moments due at once for a prize of three units; 64 players at the same time.
            try await ledger.install(
                schedule(
                    [InstantWinPrize(code: "p", quantity: 3), InstantWinPrize(code: "q", quantity: 2)],
                    (0..<10).map { (100, $0 < 7 ? "p" : "q") }))
            let awards = try await withThrowingTaskGroup(of: InstantWinAward?.self) { group in
                for n in 0..<64 {
                    group.addTask { try await ledger.claim(claim("c\(n)", "person-\(n)", 100 + Double(n % 4) / 1000)) }
                }
                var all: [InstantWinAward] = []
                for try await award in group { if let award { all.append(award) } }
                return all
            }
            try r.expect(awards.count == 5, "concurrent", "\(awards.count) awards for 5 units")
            try r.expect(Set(awards.map(\.momentIndex)).count == 5, "concurrent", "a moment was awarded twice")
            try r.expect(Set(awards.map(\.entryID)).count == 5, "concurrent", "an entry won twice")
            try r.expect(awards.filter { $0.prize == "p" }.count == 3, "concurrent", "prize p over its stock")
            let stored = try await ledger.awards(for: operation)
            try r.expect(Set(stored) == Set(awards), "concurrent", "awards() differs from what claims returned")
        }

        await runner.check(
            "after a restart, awards read back and claims go on without repeating one", rule: "K-7", needs: reopen
        ) { reopen in
            let ledger = try await makeEmptyLedger()
            let plan = try schedule(
                [InstantWinPrize(code: "p", quantity: 4)], [(10, "p"), (20, "p"), (30, "p"), (40, "p")],
                policy: InstantWinPolicy(maxWinsPerPerson: 1))
            try await ledger.install(plan)
            let before = [
                try await ledger.claim(claim("a", "pa", 15)), try await ledger.claim(claim("b", "pb", 25)),
            ]
            let reopened = try await reopen(ledger)
            try r.expect(
                try await reopened.schedule(for: operation)?.commitment == plan.commitment, "restart",
                "the schedule changed")
            let after = try await reopened.awards(for: operation)
            try r.expect(after == before.compactMap { $0 }, "restart", "awards read back \(after)")
            try r.expect(
                try await reopened.claim(claim("a", "pa", 35)) == before[0], "restart",
                "a repeated claim after the restart got another answer")
            try r.expect(
                try await reopened.claim(claim("a2", "pa", 36)) == nil, "restart", "per-person cap forgotten")
            let third = try await reopened.claim(claim("c", "pc", 37))
            try r.expect(
                third?.momentIndex == 2, "restart",
                "the next moment after the restart was \(String(describing: third))")
            try r.expect(!(try await reopened.install(plan)), "restart", "the schedule was installed twice")
        }
        return try runner.finish()
    }
}
