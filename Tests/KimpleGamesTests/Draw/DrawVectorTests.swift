import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Testing

/// The published test vectors of draws and instant-win schedules
/// (`Tests/KimpleGamesTests/Vectors/draw-vectors.json`), checked against the Swift engine and
/// against the independent Python verifier (`Documentation/verify_draw.py`).
///
/// The inputs are defined below; the expected results are not the engine's: they are computed
/// by the independent verifier written from `Documentation/DrawAlgorithm.md`
/// (`verify_draw.py generate`), so the always-on Swift test compares the engine with another
/// implementation. To rewrite the file after a deliberate change of the inputs or the
/// algorithm (which also changes its version), run the tests with
/// `KIMPLE_REGENERATE_VECTORS=1`: the inputs are written without results, then the verifier
/// fills them in. Otherwise the file is only read.
@Suite("Draw test vectors")
struct DrawVectorTests {
    struct VectorFile: Codable {
        var format: String
        var description: String
        var draws: [DrawVector]
        var schedules: [ScheduleVector]
    }

    struct DrawVector: Codable {
        struct Expected: Codable, Equatable {
            var entryListSHA256: String
            var streamKey: String
            var method: String
            var winners: [String]
            var reserves: [String]
        }

        var name: String
        var seed: String
        var rules: DrawRules
        var entries: [DrawEntry]
        var expected: Expected?
    }

    struct ScheduleVector: Codable {
        struct Policy: Codable {
            var winWindowSeconds: Int?
            var maxWinsPerPerson: Int?
        }

        struct Moment: Codable, Equatable {
            var atMs: Int64
            var prize: String
        }

        struct Expected: Codable, Equatable {
            var moments: [Moment]
            var commitment: String
        }

        var name: String
        var seed: String
        var operation: String
        var opensAtMs: Int64
        var closesAtMs: Int64
        var marginStartMs: Int64
        var marginEndMs: Int64
        var spread: InstantWinSpread
        var prizes: [InstantWinPrize]
        var policy: Policy
        var expected: Expected?
    }

    static var vectorsURL: URL {
        ResultsFixtures.repositoryRoot.appendingPathComponent("Tests/KimpleGamesTests/Vectors/draw-vectors.json")
    }

    static var verifierPath: String {
        ResultsFixtures.repositoryRoot.appendingPathComponent("Documentation/verify_draw.py").path
    }

    // MARK: - Computing

    static func compute(_ vector: DrawVector) throws -> DrawVector.Expected {
        let list = try FrozenEntryList(vector.entries)
        let outcome = try RandomDraw.run(list, seed: try DrawSeed(hex: vector.seed), rules: vector.rules)
        return DrawVector.Expected(
            entryListSHA256: list.sha256.hex, streamKey: outcome.streamKey.hex, method: outcome.method.rawValue,
            winners: outcome.winners.map(\.entryID), reserves: outcome.reserves.map(\.entryID))
    }

    static func schedule(_ vector: ScheduleVector) throws -> InstantWinSchedule {
        let expiry: InstantWinPolicy.Expiry =
            vector.policy.winWindowSeconds.map { .winWindow(seconds: $0) } ?? .rollOver
        return try InstantWinSchedule.generate(
            operation: try OperationID(vector.operation),
            opensAt: Date(timeIntervalSince1970: Double(vector.opensAtMs) / 1000),
            closesAt: Date(timeIntervalSince1970: Double(vector.closesAtMs) / 1000), prizes: vector.prizes,
            spread: vector.spread, marginAtStart: Double(vector.marginStartMs) / 1000,
            marginAtEnd: Double(vector.marginEndMs) / 1000, seed: try DrawSeed(hex: vector.seed),
            policy: InstantWinPolicy(expiry: expiry, maxWinsPerPerson: vector.policy.maxWinsPerPerson))
    }

    static func compute(_ vector: ScheduleVector) throws -> ScheduleVector.Expected {
        let schedule = try schedule(vector)
        return ScheduleVector.Expected(
            moments: schedule.moments.map { ScheduleVector.Moment(atMs: $0.atMilliseconds, prize: $0.prize) },
            commitment: schedule.commitment.hex)
    }

    // MARK: - Inputs

    static func hexSeed(_ count: Int, from start: UInt8) -> String {
        Hex.string((0..<count).map { start &+ UInt8(truncatingIfNeeded: $0) })
    }

    static func definitions() -> VectorFile {
        let base: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
        func entry(_ id: String, _ person: String, _ weight: UInt32, _ at: Int64) -> DrawEntry {
            DrawEntry(entryID: id, personKey: person, weight: weight, enteredAtMilliseconds: at)
        }
        let ten = (1...10).map {
            entry(String(format: "e%02d", $0), String(format: "p%02d", $0), 1, base + Int64($0) * 1000)
        }
        let twenty = (0..<20).map { entry("r\($0)", "person-\($0 % 4)", 1, base + Int64($0) * 250) }
        let weights: [UInt32] = [1, 1, 2, 3, 1, 5, 1, 1, 2, 1, 4, 1]
        let weighted = weights.enumerated().map {
            entry("w\($0.offset)", "k\($0.offset)", $0.element, base + Int64($0.offset))
        }
        let mixed = [
            entry("b-2", "Jean Dupont#7f3a", 1, base + 5000),
            entry("é-1", "k@example", 1, base + 5000),
            entry("B-3", "k 3", 1, base + 5000),
            entry("a-4", "k4", 1, base + 4000),
            entry("z-0", "k0", 1, -86_400_000),
            entry("A-5", "k5", 1, base + 5000),
        ]
        let thousand = (0..<1000).map { entry("t\($0)", "h\(($0 * 7) % 700)", 1, base + Int64($0) * 37) }
        let fiveHundred = (0..<500).map { entry("v\($0)", "g\($0 % 450)", UInt32(1 + $0 % 7), base + Int64($0) * 1000) }
        let draws: [DrawVector] = [
            DrawVector(
                name: "uniform: 3 winners and 2 reserves among 10", seed: hexSeed(32, from: 0),
                rules: DrawRules(winners: 3, reserves: 2), entries: ten, expected: nil),
            DrawVector(
                name: "uniform: repeated persons are passed over (4 persons)", seed: hexSeed(32, from: 0x40),
                rules: DrawRules(winners: 3, reserves: 2), entries: twenty, expected: nil),
            DrawVector(
                name: "uniform: repeat winners allowed", seed: hexSeed(32, from: 0x40),
                rules: DrawRules(winners: 3, reserves: 2, oneWinPerPerson: false), entries: twenty, expected: nil),
            DrawVector(
                name: "weighted (A-Res): extra chances", seed: hexSeed(32, from: 0x80),
                rules: DrawRules(winners: 3, reserves: 1), entries: weighted, expected: nil),
            DrawVector(
                name: "canonical order: shuffled input, same millisecond, UTF-8 ids, spaces in keys, before 1970",
                seed: hexSeed(32, from: 0xC0), rules: DrawRules(winners: 2, reserves: 2), entries: mixed,
                expected: nil),
            DrawVector(
                name: "fewer entries than winners and reserves", seed: hexSeed(16, from: 7),
                rules: DrawRules(winners: 2, reserves: 3), entries: Array(ten.prefix(3)), expected: nil),
            DrawVector(
                name: "empty list", seed: hexSeed(32, from: 1), rules: DrawRules(winners: 1, reserves: 1), entries: [],
                expected: nil),
            DrawVector(
                name: "uniform: 1,000 entries, 64-byte beacon value", seed: hexSeed(64, from: 0x11),
                rules: DrawRules(winners: 5, reserves: 5), entries: thousand, expected: nil),
            DrawVector(
                name: "weighted: 500 entries, weights 1 to 7, repeated persons", seed: hexSeed(32, from: 0x22),
                rules: DrawRules(winners: 10, reserves: 5), entries: fiveHundred, expected: nil),
        ]
        let prizes = [
            InstantWinPrize(code: "voucher-10", quantity: 12, priority: 0),
            InstantWinPrize(code: "gold", quantity: 1, priority: 10),
            InstantWinPrize(code: "silver", quantity: 3, priority: 5),
        ]
        let schedules = [
            ScheduleVector(
                name: "uniform over a week, margins of 1 h and 2 h, roll-over", seed: hexSeed(32, from: 0x33),
                operation: "summer-2026", opensAtMs: 1_780_272_000_000, closesAtMs: 1_780_876_800_000,
                marginStartMs: 3_600_000, marginEndMs: 7_200_000, spread: .uniform, prizes: prizes,
                policy: .init(winWindowSeconds: nil, maxWinsPerPerson: nil), expected: nil),
            ScheduleVector(
                name: "evenly spread over a day, 10-minute win window, one win per person",
                seed: hexSeed(32, from: 0x44), operation: "flash-day", opensAtMs: 1_780_272_000_000,
                closesAtMs: 1_780_358_400_000, marginStartMs: 0, marginEndMs: 0, spread: .even, prizes: prizes,
                policy: .init(winWindowSeconds: 600, maxWinsPerPerson: 1), expected: nil),
        ]
        return VectorFile(
            format: "kimple-draw-vectors/1",
            description:
                "Draws and instant-win schedules of Documentation/DrawAlgorithm.md with their expected results, computed by Documentation/verify_draw.py generate (the independent verifier, not the Swift engine). Entries are listed as given to the draw (not always in canonical order).",
            draws: draws, schedules: schedules)
    }

    static func load() throws -> VectorFile {
        try JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: vectorsURL))
    }

    // MARK: - Tests

    // SPEC G-7, G-6
    @Test("the Swift engine reproduces every vector, whose results the independent verifier computed")
    func swiftMatchesVectors() async throws {
        if ProcessInfo.processInfo.environment["KIMPLE_REGENERATE_VECTORS"] == "1" {
            // The inputs only; the expected results come from the independent verifier.
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(Self.definitions()).write(to: Self.vectorsURL)
            let (status, output) = try await ResultsFixtures.runPython([
                Self.verifierPath, "generate", Self.vectorsURL.path,
            ])
            try #require(status == 0, "\(output)")
        }
        let file = try Self.load()
        #expect(file.draws.count == 9)
        #expect(file.schedules.count == 2)
        for vector in file.draws {
            let expected = try #require(vector.expected, "\(vector.name) has no expected result")
            #expect(try Self.compute(vector) == expected, "\(vector.name)")
        }
        for vector in file.schedules {
            let expected = try #require(vector.expected, "\(vector.name) has no expected result")
            #expect(try Self.compute(vector) == expected, "\(vector.name)")
        }
        // The vectors are the documented inputs: nobody edited an input without its result.
        let defined = Self.definitions()
        #expect(file.draws.map(\.entries) == defined.draws.map(\.entries))
        #expect(file.draws.map(\.seed) == defined.draws.map(\.seed))
    }

    // SPEC G-7
    @Test("hand-checkable facts of the vectors")
    func vectorFacts() throws {
        let file = try Self.load()
        // Four persons only: one person never wins twice, so 3 winners and 1 reserve.
        let repeated = try #require(file.draws[1].expected)
        #expect(repeated.winners.count == 3 && repeated.reserves.count == 1)
        let allowed = try #require(file.draws[2].expected)
        #expect(allowed.winners.count == 3 && allowed.reserves.count == 2)
        #expect(try #require(file.draws[3].expected).method == "weighted")
        #expect(try #require(file.draws[5].expected).reserves.count == 1)
        #expect(try #require(file.draws[6].expected).winners.isEmpty)
        // The canonical form of the empty list is the header line alone.
        #expect(
            try #require(file.draws[6].expected).entryListSHA256 == SHA256.hash("kimple-draw-entries/1\n").hex)
        // Every schedule has one moment per prize unit.
        for vector in file.schedules {
            #expect(try #require(vector.expected).moments.count == 16)
        }
    }

    // SPEC G-7, G-6
    @Test(
        "the independent Python verifier agrees with every vector")
    func pythonAgrees() async throws {
        let (status, output) = try await ResultsFixtures.runPython([Self.verifierPath, "vectors", Self.vectorsURL.path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("11 vector(s), 0 mismatch(es)"), "\(output)")
    }

    // SPEC G-7
    @Test(
        "the Python verifier reproduces a real certificate from the published entry list, and catches a changed list")
    func pythonChecksCertificate() async throws {
        let clock = ManualClock(ResultsFixtures.opening)
        let evidence = ResultsFixtures.evidence(clock: clock)
        let gate = ResultsGate()
        let draws = DrawService(
            tenant: ResultsFixtures.tenant, documents: InMemoryDocumentStore(), evidence: evidence, gate: gate,
            clock: clock)
        let seed = DrawSeed.random()
        let closing = ResultsFixtures.opening.addingTimeInterval(86_400)
        try await draws.commit(
            operation: ResultsFixtures.operation, rules: DrawRules(winners: 3, reserves: 3),
            rulesDocumentSHA256: SHA256.hash("règlement"), commitment: seed.commitment, closesAt: closing,
            by: ResultsFixtures.organizer)
        clock.set(closing)
        let list = try FrozenEntryList(ResultsFixtures.entries(300, persons: 250, weight: { UInt32(1 + $0 % 3) }))
        try await draws.freeze(
            operation: ResultsFixtures.operation, entries: list, by: ResultsFixtures.organizer,
            instruction: ResultsFixtures.instruction)
        let certificate = try await draws.draw(
            operation: ResultsFixtures.operation, seed: seed, entries: list, by: ResultsFixtures.organizer,
            instruction: ResultsFixtures.instruction)
        _ = try await draws.disqualify(
            operation: ResultsFixtures.operation, entryID: certificate.winners[0].entryID, reason: "not eligible",
            by: ResultsFixtures.organizer)
        try await withTemporaryDirectory { directory in
            let exports = ExportService(
                tenant: ResultsFixtures.tenant, gate: gate, evidence: evidence, clock: clock)
            let entriesFile = directory.appendingPathComponent("entries.txt")
            try await exports.exportEntryList(
                list, operation: ResultsFixtures.operation, to: try FileExportSink(url: entriesFile),
                by: ResultsFixtures.organizer, instruction: ResultsFixtures.instruction)
            let certificateFile = directory.appendingPathComponent("certificate.json")
            let stored = try #require(try await draws.certificate(ResultsFixtures.operation))
            try stored.jsonData().write(to: certificateFile)

            let good = try await ResultsFixtures.runPython([
                Self.verifierPath, "certificate", certificateFile.path, entriesFile.path,
            ])
            #expect(good.status == 0, "\(good.output)")
            #expect(good.output.contains("ok: 3 winner(s) and 3 reserve(s) among 300 entries reproduced"))
            #expect(good.output.contains("disqualified (not eligible)"))

            // One entry's weight changed in the published file: the hash no longer matches.
            var text = try String(contentsOf: entriesFile, encoding: .utf8)
            text = text.replacingOccurrences(of: "e7\tp7\t2\t", with: "e7\tp7\t9\t")
            try text.write(to: entriesFile, atomically: true, encoding: .utf8)
            let bad = try await ResultsFixtures.runPython([
                Self.verifierPath, "certificate", certificateFile.path, entriesFile.path,
            ])
            #expect(bad.status == 1, "\(bad.output)")
            #expect(bad.output.contains("MISMATCH the entry list file hashes to"))
        }
    }

    // SPEC G-6
    @Test(
        "the Python verifier regenerates a revealed instant-win schedule from its seed")
    func pythonChecksSchedule() async throws {
        let seed = DrawSeed.random()
        let schedule = try InstantWinSchedule.generate(
            operation: ResultsFixtures.operation, opensAt: ResultsFixtures.opening,
            closesAt: ResultsFixtures.opening.addingTimeInterval(3 * 86_400),
            prizes: [
                InstantWinPrize(code: "cap", quantity: 40), InstantWinPrize(code: "tv", quantity: 2, priority: 3),
            ],
            spread: .even, marginAtStart: 600, marginAtEnd: 1200, seed: seed,
            policy: InstantWinPolicy(expiry: .winWindow(seconds: 300), maxWinsPerPerson: 2))
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("schedule.txt")
            try Data(schedule.canonicalText.utf8).write(to: file)
            let good = try await ResultsFixtures.runPython([Self.verifierPath, "schedule", file.path, seed.hex])
            #expect(good.status == 0, "\(good.output)")
            #expect(
                good.output.contains(
                    "ok: 42 moment(s) regenerated from the seed; commitment \(schedule.commitment.hex)"))
            let bad = try await ResultsFixtures.runPython([
                Self.verifierPath, "schedule", file.path, DrawSeed.random().hex,
            ])
            #expect(bad.status == 1, "\(bad.output)")
        }
    }
}
