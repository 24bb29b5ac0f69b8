import Foundation
import KimpleCore
import KimpleGames
import Testing

@Suite("Random draw")
struct RandomDrawTests {
    // SPEC G-7
    @Test("the canonical form is the documented text, whatever the order entries are given in")
    func canonicalForm() throws {
        let entries = [
            DrawEntry(entryID: "b", personKey: "k 2", weight: 3, enteredAtMilliseconds: 2000),
            DrawEntry(entryID: "é", personKey: "k1", enteredAtMilliseconds: 1000),
            DrawEntry(entryID: "a", personKey: "k1", enteredAtMilliseconds: 2000),
            DrawEntry(entryID: "z", personKey: "old", enteredAtMilliseconds: -5),
        ]
        let list = try FrozenEntryList(entries)
        let expected = "kimple-draw-entries/1\nz\told\t1\t-5\né\tk1\t1\t1000\na\tk1\t1\t2000\nb\tk 2\t3\t2000\n"
        #expect(String(decoding: list.canonicalBytes, as: UTF8.self) == expected)
        #expect(list.sha256 == SHA256.hash(expected))
        #expect(list.entries.map(\.entryID) == ["z", "é", "a", "b"])
        #expect(list.usesWeights)
        #expect(try FrozenEntryList(entries.reversed()).sha256 == list.sha256)
    }

    // SPEC G-7
    @Test("same seed, same entries, same rules: same winners and reserves, in the same order")
    func reproducible() throws {
        let entries = ResultsFixtures.entries(5_000, persons: 4_000)
        let seed = ResultsFixtures.seed(42)
        let rules = DrawRules(winners: 10, reserves: 10)
        let first = try RandomDraw.run(FrozenEntryList(entries), seed: seed, rules: rules)
        let second = try RandomDraw.run(FrozenEntryList(entries.shuffled()), seed: seed, rules: rules)
        #expect(first == second)
        #expect(first.winners.count == 10 && first.reserves.count == 10)
        let other = try RandomDraw.run(FrozenEntryList(entries), seed: ResultsFixtures.seed(43), rules: rules)
        #expect(other.winners != first.winners)
    }

    // SPEC G-7
    @Test("changing one entry in any field changes the entry-list hash, and so the draw's key")
    func oneChangedEntry() throws {
        let entries = ResultsFixtures.entries(1_000)
        let original = try FrozenEntryList(entries)
        let changes: [(inout DrawEntry) -> Void] = [
            { $0.entryID = "e500x" },
            { $0.personKey = "someone-else" },
            { $0.weight = 2 },
            { $0.enteredAtMilliseconds += 1 },
        ]
        var hashes = Set([original.sha256])
        for change in changes {
            var changed = entries
            change(&changed[500])
            let list = try FrozenEntryList(changed)
            #expect(list.sha256 != original.sha256)
            hashes.insert(list.sha256)
            #expect(
                RandomDraw.streamKey(entryListHash: list.sha256, seed: ResultsFixtures.seed(1))
                    != RandomDraw.streamKey(entryListHash: original.sha256, seed: ResultsFixtures.seed(1)))
        }
        #expect(hashes.count == 5)
        // Removing an entry changes it too.
        #expect(try FrozenEntryList(Array(entries.dropLast())).sha256 != original.sha256)
    }

    // SPEC G-7
    @Test("the stream key is SHA-256 of the algorithm name, a zero byte, the list hash and the seed")
    func streamKeyLayout() throws {
        let list = try FrozenEntryList(ResultsFixtures.entries(3))
        let seed = try DrawSeed(hex: "00ff10")
        var bytes = Array("kimple-draw/1".utf8) + [0]
        bytes += list.sha256.bytes + [0x00, 0xFF, 0x10]
        #expect(RandomDraw.streamKey(entryListHash: list.sha256, seed: seed) == SHA256.hash(bytes))
    }

    /// Chi-square statistic of `counts` against equal expected counts.
    private func chiSquare(_ counts: [Int], expected: [Double]) -> Double {
        zip(counts, expected).reduce(0) { $0 + (Double($1.0) - $1.1) * (Double($1.0) - $1.1) / $1.1 }
    }

    // SPEC G-7
    @Test("uniformity: over 10,000 draws with fixed seeds, each of 10 entries wins about as often (chi-square)")
    func uniformWinner() throws {
        let list = try FrozenEntryList(ResultsFixtures.entries(10))
        var winners = [Int](repeating: 0, count: 10)
        var reserves = [Int](repeating: 0, count: 10)
        for number in 0..<10_000 {
            let outcome = try RandomDraw.run(
                list, seed: ResultsFixtures.seed(number), rules: DrawRules(winners: 1, reserves: 1))
            winners[outcome.winners[0].index] += 1
            reserves[outcome.reserves[0].index] += 1
            #expect(outcome.winners[0].index != outcome.reserves[0].index)
        }
        let expected = [Double](repeating: 1_000, count: 10)
        // 9 degrees of freedom: the statistic exceeds 27.88 with probability 0.001.
        #expect(chiSquare(winners, expected: expected) < 27.88, "winners \(winners)")
        #expect(chiSquare(reserves, expected: expected) < 27.88, "reserves \(reserves)")
    }

    // SPEC G-7
    @Test("uniformity of ordered pairs: 2 winners among 5 give each of the 20 ordered pairs about equally")
    func uniformPairs() throws {
        let list = try FrozenEntryList(ResultsFixtures.entries(5))
        var counts = [Int](repeating: 0, count: 25)
        for number in 0..<8_000 {
            let outcome = try RandomDraw.run(
                list, seed: ResultsFixtures.seed(100_000 + number), rules: DrawRules(winners: 2))
            counts[outcome.winners[0].index * 5 + outcome.winners[1].index] += 1
        }
        let pairs = (0..<25).filter { $0 / 5 != $0 % 5 }
        #expect((0..<5).allSatisfy { counts[$0 * 5 + $0] == 0 })
        // 19 degrees of freedom: exceeds 43.82 with probability 0.001.
        #expect(chiSquare(pairs.map { counts[$0] }, expected: [Double](repeating: 400, count: 20)) < 43.82, "\(counts)")
    }

    // SPEC G-7
    @Test("weighted draw: entries of weights 1, 2, 3, 4 win in proportion 1:2:3:4 (chi-square over 20,000 draws)")
    func weightedBias() throws {
        let list = try FrozenEntryList(ResultsFixtures.entries(4, weight: { UInt32($0 + 1) }))
        var counts = [Int](repeating: 0, count: 4)
        for number in 0..<20_000 {
            let outcome = try RandomDraw.run(list, seed: ResultsFixtures.seed(number), rules: DrawRules(winners: 1))
            #expect(outcome.method == .weighted)
            counts[outcome.winners[0].index] += 1
        }
        // 3 degrees of freedom: exceeds 16.27 with probability 0.001. A uniform draw (5,000 each)
        // would give a statistic of about 5,000.
        #expect(chiSquare(counts, expected: [2_000, 4_000, 6_000, 8_000]) < 16.27, "\(counts)")
        #expect(counts[3] > counts[2] && counts[2] > counts[1] && counts[1] > counts[0])
    }

    // SPEC G-7
    @Test("weighted draw without replacement: the second place follows successive sampling")
    func weightedSecondPlace() throws {
        // Weights 1 and 3 (and 1 more of weight 1): P(first = heavy) = 3/5; given the heavy one
        // first, the two light ones share second place evenly.
        let list = try FrozenEntryList(ResultsFixtures.entries(3, weight: { $0 == 0 ? 3 : 1 }))
        var heavyFirst = 0
        var heavySecond = 0
        for number in 0..<10_000 {
            let outcome = try RandomDraw.run(list, seed: ResultsFixtures.seed(number), rules: DrawRules(winners: 2))
            if outcome.winners[0].index == 0 { heavyFirst += 1 }
            if outcome.winners[1].index == 0 { heavySecond += 1 }
        }
        // P(heavy first) = 0.6 (6,000 ± 150 at 3 sigma); P(heavy second) = 2 × (1/5 × 3/4) = 0.3.
        #expect(abs(heavyFirst - 6_000) < 150, "\(heavyFirst)")
        #expect(abs(heavySecond - 3_000) < 140, "\(heavySecond)")
    }

    // SPEC G-7
    @Test("one person never wins twice, unless the rules allow it")
    func onePersonOnce() throws {
        let list = try FrozenEntryList(ResultsFixtures.entries(60, persons: 6))
        var repeatsWhenAllowed = 0
        for number in 0..<300 {
            let seed = ResultsFixtures.seed(number)
            let outcome = try RandomDraw.run(list, seed: seed, rules: DrawRules(winners: 3, reserves: 3))
            let persons = (outcome.winners + outcome.reserves).map(\.personKey)
            #expect(Set(persons).count == 6 && persons.count == 6)
            let free = try RandomDraw.run(
                list, seed: seed, rules: DrawRules(winners: 3, reserves: 3, oneWinPerPerson: false))
            let freePersons = (free.winners + free.reserves).map(\.personKey)
            if Set(freePersons).count < freePersons.count { repeatsWhenAllowed += 1 }
        }
        #expect(repeatsWhenAllowed > 200)
        // Weighted draws follow the same rule.
        let weighted = try FrozenEntryList(ResultsFixtures.entries(60, persons: 5, weight: { UInt32(1 + $0 % 4) }))
        let outcome = try RandomDraw.run(
            weighted, seed: ResultsFixtures.seed(9), rules: DrawRules(winners: 4, reserves: 4))
        #expect((outcome.winners + outcome.reserves).count == 5)
        #expect(Set((outcome.winners + outcome.reserves).map(\.personKey)).count == 5)
    }

    // SPEC G-7
    @Test(
        "entries breaking a rule are refused with draw.invalid_entry",
        arguments: [
            DrawEntry(entryID: "", personKey: "k", enteredAtMilliseconds: 0),
            DrawEntry(entryID: "has space", personKey: "k", enteredAtMilliseconds: 0),
            DrawEntry(entryID: String(repeating: "x", count: 129), personKey: "k", enteredAtMilliseconds: 0),
            DrawEntry(entryID: "ok", personKey: "line\nbreak", enteredAtMilliseconds: 0),
            DrawEntry(entryID: "ok", personKey: "tab\tkey", enteredAtMilliseconds: 0),
            DrawEntry(entryID: "ok", personKey: "", enteredAtMilliseconds: 0),
            DrawEntry(entryID: "ok", personKey: "k", weight: 0, enteredAtMilliseconds: 0),
            DrawEntry(entryID: "e3", personKey: "k", enteredAtMilliseconds: 99_000),
        ])
    func invalidEntries(_ bad: DrawEntry) throws {
        var entries = ResultsFixtures.entries(5)
        entries.append(bad)
        expectCode(.drawInvalidEntry) { try FrozenEntryList(entries) }
        do {
            _ = try FrozenEntryList(entries)
        } catch let error as KimpleError {
            #expect(error.code == .drawInvalidEntry)
        }
    }

    // SPEC G-7
    @Test("a large list (hashed on two threads) catches a repeated id or a bad entry anywhere, and hashes the same")
    func largeListChecks() throws {
        var entries = ResultsFixtures.entries(120_000)
        let list = try FrozenEntryList(entries)
        // Computed outside the SDK (Python's hashlib over the canonical form of
        // DrawAlgorithm.md section 1: the header line, then "e<i>\tp<i>\t1\t<ms>\n" in order).
        #expect(list.sha256.hex == "759805624ce2eb5402fbadd575aacfafe5eea70db8ef0fbbcfb13ebd6053cff2")
        var repeated = entries
        repeated[110_000].entryID = "e3"  // the id of an entry 107,000 places earlier, another instant
        do {
            _ = try FrozenEntryList(repeated)
            Issue.record("a repeated id was accepted")
        } catch let error as KimpleError {
            #expect(error.code == .drawInvalidEntry && error.context["index"] == "110000")
        }
        entries[77_777].personKey = "bad\u{0}key"
        do {
            _ = try FrozenEntryList(entries)
            Issue.record("a person key with a control character was accepted")
        } catch let error as KimpleError {
            #expect(error.code == .drawInvalidEntry && error.context["index"] == "77777")
        }
    }

    // SPEC G-7
    @Test("invalid rules and seeds are refused")
    func invalidRulesAndSeeds() throws {
        let list = try FrozenEntryList(ResultsFixtures.entries(3))
        for rules in [
            DrawRules(winners: 0), DrawRules(winners: 1, reserves: -1), DrawRules(winners: 1_000_000, reserves: 1),
        ] {
            expectCode(.drawInvalidRules) { try RandomDraw.run(list, seed: ResultsFixtures.seed(1), rules: rules) }
        }
        expectCode(.drawInvalidSeed) { try DrawSeed(hex: "abc") }
        expectCode(.drawInvalidSeed) { try DrawSeed(hex: "zz") }
        expectCode(.drawInvalidSeed) { try DrawSeed(bytes: []) }
        expectCode(.drawInvalidSeed) { try DrawSeed(bytes: [UInt8](repeating: 1, count: 1025)) }
        #expect(DrawSeed.random().bytes.count == 32)
    }

    // SPEC G-7
    @Test("a large list is frozen off the cooperative pool and drawn from the whole range")
    func largeList() async throws {
        let entries = ResultsFixtures.entries(200_000)
        let list = try await FrozenEntryList.freezing(entries)
        #expect(list.count == 200_000)
        // Computed outside the SDK, as in `largeListChecks`.
        #expect(list.sha256.hex == "8b4756abcc25edf672dc8ee744f826263365279fed3d3b32feaee098749b8d40")
        let outcome = try RandomDraw.run(
            list, seed: ResultsFixtures.seed(5), rules: DrawRules(winners: 50, reserves: 50))
        let indexes = (outcome.winners + outcome.reserves).map(\.index)
        #expect(Set(indexes).count == 100)
        #expect(indexes.contains { $0 >= 100_000 } && indexes.contains { $0 < 100_000 })
    }
}
