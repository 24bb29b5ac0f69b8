import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Synchronization
import Testing

@Suite("Instant-win ledgers")
struct InstantWinLedgerTests {
    let opens = ResultsFixtures.opening
    var closes: Date { opens.addingTimeInterval(86_400) }

    // SPEC G-6, K-6
    @Test("the in-memory ledger passes the conformance suite")
    func inMemoryConforms() async throws {
        let report = try await InstantWinLedgerConformance.run { InMemoryInstantWinLedger() }
        #expect(report.passed.count == 10)
    }

    // SPEC G-6, K-6, K-7
    @Test(
        "the file ledger passes the conformance suite, restart included",
        arguments: [
            FileJournal.Options.Durability.everyWrite, .grouped,
        ])
    func fileConforms(durability: FileJournal.Options.Durability) async throws {
        try await withTemporaryDirectory { root in
            let opened = OpenedStores()
            defer { opened.closeAll() }
            let options = FileJournal.Options(durability: durability)
            let report = try await InstantWinLedgerConformance.run(
                {
                    let ledger = try FileInstantWinLedger.open(
                        at: root.appendingPathComponent(UUID().uuidString), options: options)
                    opened.add { ledger.close() }
                    return ledger
                },
                reopen: { ledger in
                    let file = try #require(ledger as? FileInstantWinLedger)
                    file.close()
                    let again = try FileInstantWinLedger.open(at: file.directory, options: options)
                    opened.add { again.close() }
                    return again
                })
            #expect(report.passed.count == 11)
        }
    }

    // SPEC G-6, K-7
    @Test("a restart in the middle of an operation: awards are kept, none is repeated, the next moments go on")
    func restartMidOperation() async throws {
        try await withTemporaryDirectory { directory in
            let schedule = try InstantWinSchedule.generate(
                operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes,
                prizes: [InstantWinPrize(code: "voucher", quantity: 40)], spread: .even, seed: ResultsFixtures.seed(8))
            var ledger = try FileInstantWinLedger.open(at: directory)
            try await ledger.install(schedule)
            // One participation a minute for the first half of the day.
            var wonBefore: [InstantWinAward] = []
            for minute in 0..<720 {
                let claim = InstantWinClaim(
                    operation: ResultsFixtures.operation, personKey: "p\(minute)", entryID: "m\(minute)",
                    at: opens.addingTimeInterval(Double(minute) * 60 + 30))
                if let award = try await ledger.claim(claim) { wonBefore.append(award) }
            }
            #expect(wonBefore.count == 20)  // 40 evenly spread moments, half the day
            ledger.close()

            ledger = try FileInstantWinLedger.open(at: directory)
            defer { ledger.close() }
            #expect(try await ledger.awards(for: ResultsFixtures.operation) == wonBefore)
            #expect(try await ledger.install(schedule) == false)
            var wonAfter: [InstantWinAward] = []
            for minute in 720..<1440 {
                let claim = InstantWinClaim(
                    operation: ResultsFixtures.operation, personKey: "p\(minute)", entryID: "m\(minute)",
                    at: opens.addingTimeInterval(Double(minute) * 60 + 30))
                if let award = try await ledger.claim(claim) { wonAfter.append(award) }
            }
            let all = wonBefore + wonAfter
            #expect(all.count == 40)
            #expect(Set(all.map(\.momentIndex)) == Set(0..<40))
            let report = try await ledger.report(for: ResultsFixtures.operation, at: closes)
            #expect(
                report.awarded == 40 && report.prizes == [.init(prize: "voucher", stock: 40, awarded: 40, remaining: 0)]
            )
        }
    }

    // SPEC G-6
    @Test("8 concurrent submitters, fewer units than moments due at once: no unit awarded twice (file, grouped)")
    func concurrentIntake() async throws {
        try await withTemporaryDirectory { directory in
            // 30 moments at the same instant for 12 units.
            let schedule = try InstantWinSchedule.importing(
                operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes,
                prizes: [
                    InstantWinPrize(code: "tv", quantity: 2, priority: 5), InstantWinPrize(code: "mug", quantity: 10),
                ],
                moments: (0..<30).map { (at: opens.addingTimeInterval(600), prize: $0 < 10 ? "tv" : "mug") })
            let ledger = try FileInstantWinLedger.open(at: directory)
            defer { ledger.close() }
            try await ledger.install(schedule)
            let decider = InstantWinDecider(
                tenant: ResultsFixtures.tenant, ledger: ledger, gate: ResultsGate(),
                instruction: ResultsFixtures.instruction)
            let outcomes = try await withThrowingTaskGroup(of: [InstantWinOutcome].self) { group in
                for submitter in 0..<8 {
                    group.addTask {
                        var mine: [InstantWinOutcome] = []
                        for n in 0..<50 {
                            mine.append(
                                try await decider.decide(
                                    operation: ResultsFixtures.operation, personKey: "s\(submitter)-\(n)",
                                    entryID: "s\(submitter)-\(n)", at: opens.addingTimeInterval(600 + Double(n))))
                        }
                        return mine
                    }
                }
                var all: [InstantWinOutcome] = []
                for try await batch in group { all += batch }
                return all
            }
            let won = outcomes.compactMap { outcome -> InstantWinMoment? in
                if case .won(_, let moment) = outcome { return moment }
                return nil
            }
            #expect(won.count == 12)
            #expect(Set(won.map(\.index)).count == 12)
            #expect(won.filter { $0.prize == "tv" }.count == 2)
            #expect(outcomes.filter { $0 == .notWon }.count == 388)
            let awards = try await ledger.awards(for: ResultsFixtures.operation)
            #expect(awards.count == 12)
            // Moments of one instant are ordered by prize code: mugs are 0-19, TVs 20-29. The TVs
            // (higher priority) went first, from their earliest moments.
            #expect(awards.filter { $0.prize == "tv" }.map(\.momentIndex).sorted() == [20, 21])
            #expect(awards.filter { $0.prize == "mug" }.map(\.momentIndex).sorted() == Array(0..<10))
        }
    }

    // SPEC G-6
    @Test("the book's rule on a hand-checked day: roll-over, priority, per-person cap, late claims")
    func handCheckedDay() throws {
        let schedule = try InstantWinSchedule.importing(
            operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes,
            prizes: [
                InstantWinPrize(code: "car", quantity: 1, priority: 100), InstantWinPrize(code: "cap", quantity: 3),
            ],
            moments: [
                (opens.addingTimeInterval(3600), "cap"),  // 01:00
                (opens.addingTimeInterval(3600 * 2), "cap"),  // 02:00
                (opens.addingTimeInterval(3600 * 3), "car"),  // 03:00
                (opens.addingTimeInterval(3600 * 4), "cap"),  // 04:00
            ],
            policy: InstantWinPolicy(maxWinsPerPerson: 1))
        var book = InstantWinBook(schedule: schedule)
        func claim(_ entry: String, _ person: String, _ hours: Double) -> InstantWinBook.Decision {
            book.claim(
                InstantWinClaim(
                    operation: ResultsFixtures.operation, personKey: person, entryID: entry,
                    at: opens.addingTimeInterval(hours * 3600)))
        }
        #expect(claim("e1", "ann", 0.5) == .notWon)  // before any moment
        guard case .won(let first) = claim("e2", "ann", 1.0) else { Issue.record("01:00 was not won"); return }
        #expect(first.momentIndex == 0 && first.prize == "cap")
        #expect(claim("e3", "ann", 2.5) == .notWon)  // ann already won once
        // Nobody else came until 03:30: 02:00 (cap) and 03:00 (car) are both due; the car first.
        guard case .won(let car) = claim("e4", "bob", 3.5) else { Issue.record("car not won"); return }
        #expect(car.prize == "car" && car.momentIndex == 2)
        guard case .won(let cap) = claim("e5", "cid", 3.6) else { Issue.record("cap not won"); return }
        #expect(cap.momentIndex == 1)
        // Before 04:00 nothing is due any more.
        #expect(claim("e6", "dan", 3.9) == .notWon)
        // A repeated claim gets its award again, even processed after 04:00...
        #expect(claim("e4", "bob", 4.5) == .alreadyWon(car))
        // ...and a claim stamped 04:00 but processed after it still wins the 04:00 moment.
        guard case .won(let last) = claim("e7", "eve", 4.0) else {
            Issue.record("04:00 not won")
            return
        }
        #expect(last.momentIndex == 3)
        #expect(book.remaining("cap") == 0 && book.remaining("car") == 0)
        #expect(claim("e8", "fay", 5) == .notWon)
        let report = InstantWinReport(book: book, at: closes)
        #expect(report.awarded == 4 && report.lost == 0 && report.pending == 0)
    }

    // SPEC G-6, P-1
    @Test("the decider answers won or a plain not won, and a refused processing awards nothing")
    func decider() async throws {
        let ledger = InMemoryInstantWinLedger()
        try await ledger.install(
            InstantWinSchedule.importing(
                operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes,
                prizes: [InstantWinPrize(code: "cap", quantity: 1)], moments: [(opens.addingTimeInterval(60), "cap")]))
        let refused = InstantWinDecider(
            tenant: ResultsFixtures.tenant, ledger: ledger, gate: ResultsGate(refuse: true),
            instruction: ResultsFixtures.instruction)
        await expectCode("privacy.processing_refused") {  // the code ResultsGate throws
            try await refused.decide(
                operation: ResultsFixtures.operation, personKey: "k", entryID: "e0", at: opens.addingTimeInterval(61))
        }
        #expect(try await ledger.awards(for: ResultsFixtures.operation).isEmpty)
        let gate = ResultsGate()
        let decider = InstantWinDecider(
            tenant: ResultsFixtures.tenant, ledger: ledger, gate: gate, instruction: ResultsFixtures.instruction)
        let early = try await decider.decide(
            operation: ResultsFixtures.operation, personKey: "k0", entryID: "e1", at: opens.addingTimeInterval(59))
        #expect(early == .notWon)
        let won = try await decider.decide(
            operation: ResultsFixtures.operation, personKey: "k1", entryID: "e2", at: opens.addingTimeInterval(62))
        #expect(
            won
                == .won(
                    prize: "cap",
                    moment: InstantWinMoment(
                        index: 0, atMilliseconds: DrawEntry.milliseconds(of: opens) + 60_000, prize: "cap")))
        #expect(gate.requests.allSatisfy { $0.purpose == .winnerSelection && $0.tenant == ResultsFixtures.tenant })
    }

    // SPEC G-6, K-5
    @Test("the schedule is committed before going live and revealed after closing, both in evidence")
    func commitAndReveal() async throws {
        let clock = ManualClock(opens.addingTimeInterval(-3600))
        let evidence = ResultsFixtures.evidence(clock: clock)
        let ledger = InMemoryInstantWinLedger()
        let service = InstantWinService(ledger: ledger, evidence: evidence, clock: clock)
        let seed = DrawSeed.random()
        let schedule = try InstantWinSchedule.generate(
            operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes,
            prizes: [InstantWinPrize(code: "cap", quantity: 5)], seed: seed)
        let commitment = try await service.commit(schedule, by: ResultsFixtures.organizer)
        #expect(commitment == schedule.commitment)
        #expect(try await service.commit(schedule, by: ResultsFixtures.organizer) == commitment)
        await expectCode(.instantWinOutOfOrder) {
            try await service.reveal(ResultsFixtures.operation, seed: seed, by: .host("x"))
        }
        clock.set(closes)
        await expectCode(.instantWinSeedMismatch) {
            try await service.reveal(ResultsFixtures.operation, seed: DrawSeed.random(), by: .host("x"))
        }
        let revealed = try await service.reveal(ResultsFixtures.operation, seed: seed, by: ResultsFixtures.organizer)
        #expect(revealed == schedule)
        let entries = try await evidence.entries()
        #expect(entries.map(\.action) == ["games.instant_win.commit", "games.instant_win.reveal"])
        #expect(entries[0].payloadDigest == commitment)
        #expect(entries[0].details.contains(commitment.hex))
        #expect(try await service.report(ResultsFixtures.operation).lost == 5)

        // Too late: another operation already live cannot be committed any more.
        let late = try InstantWinSchedule.generate(
            operation: "late-op", opensAt: opens, closesAt: closes, prizes: [InstantWinPrize(code: "cap", quantity: 1)],
            seed: seed)
        do {
            try await service.commit(late, by: ResultsFixtures.organizer)
            Issue.record("a schedule was committed after opening")
        } catch let error as KimpleError {
            #expect(error.code == .instantWinOutOfOrder)
        }
        #expect(try await ledger.schedule(for: "late-op") == nil)
    }

    // SPEC G-6, K-7
    @Test("a stored schedule altered outside the SDK is refused at opening, not played")
    func alteredScheduleIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            let schedule = try InstantWinSchedule.generate(
                operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes,
                prizes: [InstantWinPrize(code: "cap", quantity: 3)], seed: DrawSeed.random())
            // The ledger's record of the schedule, with the window closed before it opens.
            var fields = try #require(
                try JSONSerialization.jsonObject(with: JSONCoding.encode(schedule)) as? [String: Any])
            fields["closesAtMilliseconds"] = schedule.opensAtMilliseconds - 1
            let record = try JSONSerialization.data(withJSONObject: ["schedule": ["_0": fields]])
            let journal = try FileJournal.open(at: directory)
            _ = try await journal.append(contentsOf: [record], condition: .none)
            journal.close()
            do {
                let ledger = try FileInstantWinLedger.open(at: directory)
                ledger.close()
                Issue.record("a schedule that breaks its invariants was read back")
            } catch let error as KimpleError {
                #expect(error.code == .storageCorrupted)
                #expect(error.context["key"] == "instant-win/1")
            }
        }
    }

    // SPEC G-6, K-5
    @Test("a commit interrupted after installing the schedule is recorded when committed again, once")
    func interruptedCommitIsRepaired() async throws {
        let clock = ManualClock(opens.addingTimeInterval(-3600))
        let evidence = ResultsFixtures.evidence(clock: clock)
        let ledger = InMemoryInstantWinLedger()
        let service = InstantWinService(ledger: ledger, evidence: evidence, clock: clock)
        let schedule = try InstantWinSchedule.generate(
            operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes,
            prizes: [InstantWinPrize(code: "cap", quantity: 5)], seed: DrawSeed.random())
        // The first call stopped between the ledger and the evidence log.
        #expect(try await ledger.install(schedule))
        #expect(try await evidence.entries().isEmpty)

        #expect(try await service.commit(schedule, by: ResultsFixtures.organizer) == schedule.commitment)
        #expect(try await service.commit(schedule, by: ResultsFixtures.organizer) == schedule.commitment)
        let commits = try await evidence.entries().filter { $0.action == "games.instant_win.commit" }
        #expect(commits.count == 1)
        #expect(commits.first?.payloadDigest == schedule.commitment)
    }
}
