import Foundation
import Kimple
import KimpleCore
import KimpleGames
import KimplePostgres
import KimpleTesting
import Synchronization
import Testing

/// Two host processes, each with its own pool, on one schema (K-9).
@Suite struct SeveralInstancesTests {
    static let tenant: TenantID = "brand"
    static let persons = 300
    static let stock = 5

    /// A schema with the instant-win operation `instant` installed: 40 moments already due,
    /// 5 units of stock, so most moments go unawarded once the stock runs out.
    static func prepared() async throws -> (PostgresStorage, TenantStorage) {
        let storage = try await TestServer.fresh()
        let handle = storage.tenant(tenant)
        let opens = Date().addingTimeInterval(-3_600)
        let schedule = try InstantWinSchedule.importing(
            operation: "instant", opensAt: opens, closesAt: opens.addingTimeInterval(86_400),
            prizes: [InstantWinPrize(code: "voucher", quantity: stock)],
            moments: (0..<40).map { (at: opens.addingTimeInterval(Double($0) * 10 + 1), prize: "voucher") })
        try await storage.instantWinLedger(handle).install(schedule)
        return (storage, handle)
    }

    /// Runs the child on `schema` and returns its output lines once it ends.
    static func child(_ schema: String, persons: Int, inFlight: Int) throws -> Process.Output {
        try Process.Output.run(
            CrashTest.executableNextToTests(named: "kimple-postgres-child"),
            [
                try TestServer.socketPath(), try TestServer.environment("KIMPLE_PG_USER"), schema, tenant.rawValue,
                String(persons), String(inFlight),
            ])
    }

    // SPEC K-9, G-4, G-6, K-5, G-7: two processes submit the same 300 people concurrently to a
    // once-per-day game and claim scarce instant wins: nobody is over the limit, each entry is
    // acknowledged by exactly one process, each prize unit goes once and within stock, the one
    // evidence chain of the tenant verifies, and a draw over the entries reproduces with the
    // independent verifier.
    @Test func twoProcessesKeepEveryAtomicRule() async throws {
        let (storage, handle) = try await Self.prepared()
        let schema = storage.schema
        let outputs = try await withThrowingTaskGroup(of: Process.Output.self) { group in
            for _ in 0..<2 {
                group.addTask { try Self.child(schema, persons: Self.persons, inFlight: 16) }
            }
            var outputs: [Process.Output] = []
            for try await output in group { outputs.append(output) }
            return outputs
        }
        for output in outputs { #expect(output.status == 0, "\(output.lines.suffix(5))") }
        let acknowledged = outputs.flatMap { $0.words("ack") }.map { $0[0] }
        let wins = outputs.flatMap { $0.words("win") }
        #expect(outputs.allSatisfy { !$0.words("ack").isEmpty }, "both processes took part")

        let participations = try await storage.participationStore(handle, clock: SystemClock())
        let entries = try await participations.entries(of: "daily")
        #expect(entries.count == Self.persons)
        #expect(Set(entries.map(\.identity)).count == Self.persons, "a person has two entries")
        #expect(acknowledged.count == Self.persons && Set(acknowledged) == Set(entries.map(\.id.rawValue)))

        let awards = try await storage.instantWinLedger(handle).awards(for: "instant")
        #expect(awards.count == Self.stock, "every unit goes once the claims outnumber it")
        #expect(Set(awards.map(\.momentIndex)).count == awards.count)
        #expect(Set(awards.map(\.entryID)).count == awards.count)
        #expect(Set(awards.map(\.entryID)).isSubset(of: Set(entries.map(\.id.rawValue))))
        #expect(wins.count == awards.count && Set(wins.map { $0[0] }) == Set(awards.map(\.entryID)))

        let evidence = try await EvidenceLog.open(handle, clock: SystemClock())
        let verification = try await evidence.verify()
        #expect(verification.problem == nil)
        #expect(verification.entriesChecked == Self.persons)

        try await Self.drawReproduces(storage, handle, participations)
        try await storage.close()
    }

    /// Commits, freezes and draws over `daily`'s entries, exports the list and checks the
    /// certificate with `Documentation/verify_draw.py`.
    static func drawReproduces(
        _ storage: PostgresStorage, _ handle: TenantStorage, _ participations: any ParticipationStore
    ) async throws {
        let clock = ManualClock(Date())
        let evidence = try await EvidenceLog.open(handle, clock: clock)
        let gate = GrantingGate()
        let draws = DrawService(
            tenant: tenant, documents: try await handle.documentStore("draws"), evidence: evidence, gate: gate,
            clock: clock)
        let seed = try DrawSeed(bytes: Array(repeating: 7, count: 32))
        let staff = Principal.user("alice")
        try await draws.commit(
            operation: "daily", rules: DrawRules(winners: 3, reserves: 2),
            rulesDocumentSHA256: SHA256.hash(Data("rules".utf8)),
            commitment: .secretSeed(seedSHA256: seed.sha256), closesAt: clock.now.addingTimeInterval(60), by: staff)
        clock.advance(by: 120)
        let list = try await FrozenEntryList.freezing(try await DrawEntries.list(of: "daily", in: participations))
        try await draws.freeze(operation: "daily", entries: list, by: staff, instruction: "draw")
        let certificate = try await draws.draw(
            operation: "daily", seed: seed, entries: list, by: staff, instruction: "draw")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kimple-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let entriesFile = directory.appendingPathComponent("entries.txt")
        let exports = ExportService(tenant: tenant, gate: gate, evidence: evidence, clock: clock)
        try await exports.exportEntryList(
            list, operation: "daily", to: try FileExportSink(url: entriesFile), by: staff, instruction: "draw")
        let certificateFile = directory.appendingPathComponent("certificate.json")
        try certificate.jsonData().write(to: certificateFile)
        let verifier = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../../../Documentation/verify_draw.py"
        ).standardizedFileURL.path
        let result = try Process.Output.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", verifier, "certificate", certificateFile.path, entriesFile.path])
        #expect(result.status == 0, "\(result.lines)")
        #expect(
            result.lines.contains { $0.contains("3 winner(s) and 2 reserve(s) among \(persons) entries reproduced") })
    }
}

/// Grants every processing request (the privacy module is not under test here).
struct GrantingGate: ProcessingGate {
    func authorize(_ request: ProcessingRequest) async throws -> ProcessingGrant {
        ProcessingGrant(
            instruction: request.instruction, instructionVersion: 1, purpose: request.purpose, grantedAt: Date())
    }
}

extension Process {
    /// A finished process's exit status and output lines.
    struct Output: Sendable {
        var status: Int32
        var lines: [String]

        /// The words after `tag` of each line that starts with it.
        func words(_ tag: String) -> [[String]] {
            lines.compactMap { line in
                let parts = line.split(separator: " ").map(String.init)
                return parts.first == tag ? Array(parts.dropFirst()) : nil
            }
        }

        /// Runs `executable` to its end (standard error merged into the lines).
        static func run(_ executable: URL, _ arguments: [String]) throws -> Output {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Output(
                status: process.terminationStatus,
                lines: String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
        }
    }
}
