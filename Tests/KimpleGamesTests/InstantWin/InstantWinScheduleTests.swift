import Foundation
import KimpleCore
import KimpleGames
import Testing

@Suite("Instant-win schedules")
struct InstantWinScheduleTests {
    let opens = ResultsFixtures.opening
    var closes: Date { opens.addingTimeInterval(7 * 86_400) }
    let prizes = [
        InstantWinPrize(code: "gold", quantity: 1, priority: 10),
        InstantWinPrize(code: "voucher", quantity: 200),
    ]

    // SPEC G-6
    @Test("moments come from the committed seed: same seed, same schedule; another seed, another commitment")
    func deterministic() throws {
        let seed = DrawSeed.random()
        let a = try InstantWinSchedule.generate(
            operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes, prizes: prizes, seed: seed)
        let b = try InstantWinSchedule.generate(
            operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes, prizes: prizes.reversed(),
            seed: seed)
        #expect(a == b)
        #expect(a.commitment == b.commitment)
        #expect(a.moments.count == 201)
        #expect(a.moments.filter { $0.prize == "gold" }.count == 1)
        #expect(a.moments.map(\.index) == Array(0..<201))
        #expect(a.moments == a.moments.sorted { $0.atMilliseconds < $1.atMilliseconds })
        let c = try InstantWinSchedule.generate(
            operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes, prizes: prizes,
            seed: DrawSeed.random())
        #expect(c.commitment != a.commitment)
        try a.verify(seed: seed)
        expectCode(.instantWinSeedMismatch) { try a.verify(seed: DrawSeed.random()) }
    }

    // SPEC G-6
    @Test("safety margins at start and end keep moments out of the first and last hours")
    func margins() throws {
        let schedule = try InstantWinSchedule.generate(
            operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes, prizes: prizes,
            marginAtStart: 3600, marginAtEnd: 7200, seed: ResultsFixtures.seed(3))
        let first = DrawEntry.milliseconds(of: opens) + 3_600_000
        let last = DrawEntry.milliseconds(of: closes) - 7_200_000
        #expect(schedule.moments.allSatisfy { $0.atMilliseconds >= first && $0.atMilliseconds < last })
        expectCode(.instantWinInvalidSchedule) {
            try InstantWinSchedule.generate(
                operation: ResultsFixtures.operation, opensAt: opens, closesAt: opens.addingTimeInterval(3600),
                prizes: prizes, marginAtStart: 1800, marginAtEnd: 1800, seed: ResultsFixtures.seed(3))
        }
    }

    // SPEC G-6
    @Test("evenly spread: one moment in each of N equal slots of the window")
    func evenSpread() throws {
        let units = 201
        let schedule = try InstantWinSchedule.generate(
            operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes, prizes: prizes, spread: .even,
            seed: ResultsFixtures.seed(4))
        let start = DrawEntry.milliseconds(of: opens)
        let span = DrawEntry.milliseconds(of: closes) - start
        var perSlot = [Int](repeating: 0, count: units)
        for moment in schedule.moments {
            perSlot[Int((moment.atMilliseconds - start) * Int64(units) / span)] += 1
        }
        #expect(perSlot.allSatisfy { $0 == 1 })
        // A uniform schedule of the same size leaves some slots empty (with this seed).
        let uniform = try InstantWinSchedule.generate(
            operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes, prizes: prizes, spread: .uniform,
            seed: ResultsFixtures.seed(4))
        var uniformSlots = Set<Int64>()
        for moment in uniform.moments { uniformSlots.insert((moment.atMilliseconds - start) * Int64(units) / span) }
        #expect(uniformSlots.count < units)
    }

    // SPEC G-6
    @Test("the commitment is SHA-256 of the documented canonical text")
    func canonicalText() throws {
        let schedule = try InstantWinSchedule.importing(
            operation: "op-1", opensAt: Date(timeIntervalSince1970: 1000), closesAt: Date(timeIntervalSince1970: 2000),
            prizes: [InstantWinPrize(code: "b", quantity: 1, priority: -1), InstantWinPrize(code: "a", quantity: 2)],
            moments: [
                (Date(timeIntervalSince1970: 1500), "a"), (Date(timeIntervalSince1970: 1200.5), "b"),
                (Date(timeIntervalSince1970: 1500), "a"),
            ],
            policy: InstantWinPolicy(expiry: .winWindow(seconds: 60), maxWinsPerPerson: 2))
        let text = """
            kimple-instant-win-schedule/1
            operation\top-1
            window\t1000000\t2000000
            expiry\twindow\t60
            max-wins-per-person\t2
            origin\timported
            prize\ta\t2\t0
            prize\tb\t1\t-1
            moment\t1200500\tb
            moment\t1500000\ta
            moment\t1500000\ta

            """
        #expect(schedule.canonicalText == text)
        #expect(schedule.commitment == SHA256.hash(text))
        expectCode(.instantWinSeedMismatch) { try schedule.verify(seed: ResultsFixtures.seed(1)) }
    }

    // SPEC G-6
    @Test("bad schedules are refused with instant_win.invalid_schedule")
    func invalid() throws {
        func code(_ body: () throws -> InstantWinSchedule) -> KimpleError.Code? {
            do {
                _ = try body()
                return nil
            } catch {
                return (error as? KimpleError)?.code
            }
        }
        let op = ResultsFixtures.operation
        #expect(
            code { try .generate(operation: op, opensAt: closes, closesAt: opens, prizes: prizes, seed: .random()) }
                == .instantWinInvalidSchedule)
        #expect(
            code { try .generate(operation: op, opensAt: opens, closesAt: closes, prizes: [], seed: .random()) }
                == .instantWinInvalidSchedule)
        #expect(
            code {
                try .generate(
                    operation: op, opensAt: opens, closesAt: closes,
                    prizes: [InstantWinPrize(code: "bad code", quantity: 1)], seed: .random())
            } == .instantWinInvalidSchedule)
        #expect(
            code {
                try .generate(
                    operation: op, opensAt: opens, closesAt: closes,
                    prizes: [InstantWinPrize(code: "a", quantity: 1), InstantWinPrize(code: "a", quantity: 2)],
                    seed: .random())
            } == .instantWinInvalidSchedule)
        #expect(
            code {
                try .generate(
                    operation: op, opensAt: opens, closesAt: closes, prizes: [InstantWinPrize(code: "a", quantity: -1)],
                    seed: .random())
            } == .instantWinInvalidSchedule)
        #expect(
            code {
                try .generate(
                    operation: op, opensAt: opens, closesAt: opens.addingTimeInterval(0.1), prizes: prizes,
                    spread: .even, seed: .random())
            } == .instantWinInvalidSchedule)
        #expect(
            code {
                try .generate(
                    operation: op, opensAt: opens, closesAt: closes, prizes: prizes, seed: .random(),
                    policy: InstantWinPolicy(expiry: .winWindow(seconds: 0)))
            } == .instantWinInvalidSchedule)
        #expect(
            code {
                try .generate(
                    operation: op, opensAt: opens, closesAt: closes, prizes: prizes, seed: .random(),
                    policy: InstantWinPolicy(maxWinsPerPerson: 0))
            } == .instantWinInvalidSchedule)
        #expect(
            code {
                try .importing(
                    operation: op, opensAt: opens, closesAt: closes, prizes: prizes, moments: [(closes, "gold")])
            } == .instantWinInvalidSchedule)
        #expect(
            code {
                try .importing(
                    operation: op, opensAt: opens, closesAt: closes, prizes: prizes, moments: [(opens, "silver")])
            } == .instantWinInvalidSchedule)
        #expect(
            code { try .importing(operation: op, opensAt: opens, closesAt: closes, prizes: prizes, moments: []) }
                == .instantWinInvalidSchedule)
    }

    // SPEC G-6
    @Test("a schedule decoded from outside is checked before a ledger installs it")
    func decodedSchedule() async throws {
        let schedule = try InstantWinSchedule.generate(
            operation: ResultsFixtures.operation, opensAt: opens, closesAt: closes, prizes: prizes, seed: .random())
        try schedule.validate()
        var object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(schedule)) as? [String: Any])
        var moments = try #require(object["moments"] as? [[String: Any]])
        moments[0]["atMilliseconds"] = DrawEntry.milliseconds(of: closes) - 1  // out of order
        object["moments"] = moments
        let tampered = try JSONDecoder().decode(
            InstantWinSchedule.self, from: JSONSerialization.data(withJSONObject: object))
        expectCode(.instantWinInvalidSchedule) { try tampered.validate() }
        let ledger = InMemoryInstantWinLedger()
        await expectCode(.instantWinInvalidSchedule) { try await ledger.install(tampered) }
        #expect(try await ledger.schedule(for: ResultsFixtures.operation) == nil)
        #expect(try await ledger.install(schedule))
    }
}
