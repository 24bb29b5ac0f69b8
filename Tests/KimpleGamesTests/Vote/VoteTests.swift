import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

@Suite("Votes")
struct VoteTests {
    // 2026-06-01 (Monday) 00:00 UTC; Paris is UTC+2 in June.
    let start = ResultsFixtures.opening
    var phases: VotePhases {
        VotePhases(
            entryOpensAt: start, entryClosesAt: start.addingTimeInterval(7 * 86_400),
            votingOpensAt: start.addingTimeInterval(7 * 86_400), votingClosesAt: start.addingTimeInterval(14 * 86_400))
    }
    var rules: VoteRules {
        VoteRules(
            phases: phases, period: .calendarDay(timeZone: "Europe/Paris"),
            candidates: ["photo-1", "photo-2", "photo-3"])
    }

    func setup(_ store: any VoteStore = InMemoryVoteStore()) -> (VoteService, ManualClock) {
        let clock = ManualClock(start.addingTimeInterval(7 * 86_400 + 3600))
        return (VoteService(tenant: ResultsFixtures.tenant, store: store, gate: ResultsGate(), clock: clock), clock)
    }

    func vote(_ service: VoteService, _ candidate: String, _ person: String) async throws -> VoteReceipt {
        try await service.vote(
            operation: ResultsFixtures.operation, rules: rules, candidate: candidate, personKey: person,
            by: .system("games.vote"), instruction: ResultsFixtures.instruction)
    }

    // SPEC G-21, K-6
    @Test("the in-memory vote store passes the conformance suite")
    func inMemoryConforms() async throws {
        #expect(try await VoteStoreConformance.run { InMemoryVoteStore() }.passed.count == 3)
    }

    // SPEC G-21, K-6, K-7
    @Test("the file vote store passes the conformance suite, restart included")
    func fileConforms() async throws {
        try await withTemporaryDirectory { root in
            let opened = OpenedStores()
            defer { opened.closeAll() }
            var directories: [ObjectIdentifier: URL] = [:]
            let report = try await VoteStoreConformance.run(
                {
                    let directory = root.appendingPathComponent(UUID().uuidString)
                    let store = try FileVoteStore.open(at: directory)
                    directories[ObjectIdentifier(store)] = directory
                    opened.add { store.close() }
                    return store
                },
                reopen: { store in
                    let file = try #require(store as? FileVoteStore)
                    let directory = try #require(directories[ObjectIdentifier(file)])
                    file.close()
                    let again = try FileVoteStore.open(at: directory)
                    opened.add { again.close() }
                    return again
                })
            #expect(report.passed.count == 4)
        }
    }

    // SPEC G-21
    @Test("one vote per person per candidate per day in the operation's time zone")
    func perDay() async throws {
        let (service, clock) = setup()
        #expect(try await vote(service, "photo-1", "ann") == .counted)
        #expect(try await vote(service, "photo-1", "ann") == .duplicate)
        #expect(try await vote(service, "photo-2", "ann") == .counted)
        // 21:59 UTC is 23:59 in Paris: still the same day.
        clock.set(start.addingTimeInterval(7 * 86_400 + 21 * 3600 + 59 * 60))
        #expect(try await vote(service, "photo-1", "ann") == .duplicate)
        // 22:00 UTC is midnight in Paris: a new day, a new vote.
        clock.set(start.addingTimeInterval(7 * 86_400 + 22 * 3600))
        #expect(try await vote(service, "photo-1", "ann") == .counted)
        let standings = try await service.results(
            operation: ResultsFixtures.operation, rules: rules,
            entries: [
                ContestEntry(entryID: "photo-1", enteredAt: start.addingTimeInterval(10)),
                ContestEntry(entryID: "photo-2", enteredAt: start.addingTimeInterval(5)),
                ContestEntry(entryID: "photo-3", enteredAt: start.addingTimeInterval(1)),
            ])
        #expect(standings.map(\.candidate) == ["photo-1", "photo-2", "photo-3"])
        #expect(standings.map(\.votes) == [2, 1, 0])
        #expect(try VotePeriod.calendarDay(timeZone: "Europe/Paris").key(for: start) == "2026-06-01")
        #expect(try VotePeriod.wholeVote.key(for: start) == "all")
    }

    // SPEC G-21
    @Test("votes only in the voting phase, which starts once entries are closed")
    func phases() async throws {
        let (service, clock) = setup()
        clock.set(start.addingTimeInterval(3600))  // entry phase
        await expectCode(.voteClosed) { try await vote(service, "photo-1", "ann") }
        clock.set(start.addingTimeInterval(14 * 86_400))  // voting closed
        await expectCode(.voteClosed) { try await vote(service, "photo-1", "ann") }
        #expect(phases.acceptsEntry(at: start) && !phases.acceptsEntry(at: start.addingTimeInterval(7 * 86_400)))
        let overlapping = VotePhases(
            entryOpensAt: start, entryClosesAt: start.addingTimeInterval(100),
            votingOpensAt: start.addingTimeInterval(50),
            votingClosesAt: start.addingTimeInterval(200))
        expectCode(.voteInvalid) { try overlapping.validate() }
        clock.set(start.addingTimeInterval(8 * 86_400))
        do {
            _ = try await vote(service, "photo-9", "ann")
            Issue.record("a vote for an unknown candidate was counted")
        } catch let error as KimpleError {
            #expect(error.code == .voteInvalid)
        }
        expectCode(.voteInvalid) { try VotePeriod.calendarDay(timeZone: "Mars/Olympus").key(for: start) }
    }

    // SPEC G-21
    @Test("concurrent votes of one person for one candidate count once (file store)")
    func concurrentFile() async throws {
        try await withTemporaryDirectory { directory in
            let store = try FileVoteStore.open(at: directory)
            let (service, _) = setup(store)
            let receipts = try await withThrowingTaskGroup(of: VoteReceipt.self) { group in
                for _ in 0..<30 { group.addTask { try await vote(service, "photo-3", "bob") } }
                var all: [VoteReceipt] = []
                for try await receipt in group { all.append(receipt) }
                return all
            }
            #expect(receipts.filter { $0 == .counted }.count == 1)
            store.close()
            let reopened = try FileVoteStore.open(at: directory)
            defer { reopened.close() }
            #expect(try await reopened.tally(ResultsFixtures.operation) == ["photo-3": 1])
        }
    }
}
