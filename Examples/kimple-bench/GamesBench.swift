import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Synchronization

/// Bench suite `games`: KimpleGames part 2 (draws, instant win, exports).
///
/// `KIMPLE_GAMES_BENCH=draw,weighted,export,instant-win` runs only the parts named.
func runGamesBenchmarks() async throws {
    let only = ProcessInfo.processInfo.environment["KIMPLE_GAMES_BENCH"].map {
        Set($0.split(separator: ",").map(String.init))
    }
    func wanted(_ part: String) -> Bool { only?.contains(part) ?? true }
    if wanted("draw") { try await GamesBench.draw(entries: 10_000_000) }
    if wanted("weighted") { try await GamesBench.weightedDraw(entries: 1_000_000) }
    if wanted("export") { try await GamesBench.csvExport(participants: 1_000_000) }
    if wanted("instant-win") { try await GamesBench.instantWin(decisions: 800_000, submitters: 8) }
}

enum GamesBench {
    static let operation: OperationID = "bench-operation"
    static let tenant: TenantID = "bench-tenant"
    static let start: Int64 = 1_780_272_000_000  // 2026-06-01T00:00:00Z

    /// A gate that grants everything at once (the bench measures the games engine).
    struct OpenGate: ProcessingGate {
        func authorize(_ request: ProcessingRequest) async throws -> ProcessingGrant {
            ProcessingGrant(
                instruction: request.instruction, instructionVersion: 1, purpose: request.purpose, grantedAt: Date())
        }
    }

    /// A sink that only counts, so the figure is the export's own cost.
    final class CountingSink: ExportSink, Sendable {
        private let state = Mutex<(bytes: Int, largest: Int)>((0, 0))
        func write(_ chunk: [UInt8]) async throws {
            state.withLock {
                $0.bytes += chunk.count
                $0.largest = max($0.largest, chunk.count)
            }
        }
        func finish() async throws {}
        var bytes: Int { state.withLock { $0.bytes } }
        var largest: Int { state.withLock { $0.largest } }
    }

    /// CPU seconds used by the whole process so far (every thread): on a shared machine, the
    /// work done, whatever the other processes take.
    static func cpuSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Resident memory of the process in MiB (Linux; 0 elsewhere).
    static func residentMiB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * 4096 / 1_048_576
    }

    // MARK: - Draws

    static func draw(entries count: Int) async throws {
        print("generating \(count) entries (not timed)...")
        var entries: [DrawEntry] = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            // Ids and keys of up to 15 bytes, one entry every 10 ms, 1 person in 10 entered twice.
            entries.append(
                DrawEntry(
                    entryID: "e\(index)", personKey: "p\(index < count / 10 ? index : index - count / 10)",
                    enteredAtMilliseconds: start + Int64(index) * 10))
        }
        // Reference: this machine's single-stream SHA-256 speed right now (the freeze's floor).
        let block = [UInt8](repeating: 0x61, count: 64 << 20)
        let shaSeconds = await Bench.time { _ = SHA256.hash(block) }
        print(String(format: "reference: SHA-256 of 64 MiB in %.3f s (%.0f MB/s)", shaSeconds, 67.108864 / shaSeconds))
        var list: FrozenEntryList?
        let cpuBefore = cpuSeconds()
        let freezing = try await Bench.time { list = try await FrozenEntryList.freezing(entries) }
        let cpu = cpuSeconds() - cpuBefore
        guard let list else { return }
        let seed = DrawSeed.random()
        var outcome: DrawOutcome?
        let drawing = try await Bench.time {
            outcome = try RandomDraw.run(list, seed: seed, rules: DrawRules(winners: 100, reserves: 100))
        }
        Bench.report(
            "draw: freeze \(count) entries (validate, order check, duplicate check, SHA-256 of \(list.canonicalByteCount / 1_048_576) MiB)",
            seconds: freezing)
        print(String(format: "  CPU time of the freeze, both threads: %.3f s", cpu))
        Bench.report("draw: 100 winners + 100 reserves (uniform)", seconds: drawing)
        Bench.report("draw: total for \(count) entries, entry-list hash included", seconds: freezing + drawing)
        print("  picked \((outcome?.winners.count ?? 0) + (outcome?.reserves.count ?? 0)) entries")
        let shuffled = Array(entries.prefix(1_000_000)).shuffled()
        let unsorted = try await Bench.time { _ = try await FrozenEntryList.freezing(shuffled) }
        Bench.report("draw: freeze 1000000 entries given in random order (sorted first)", seconds: unsorted)
    }

    static func weightedDraw(entries count: Int) async throws {
        let entries = (0..<count).map { index in
            DrawEntry(
                entryID: "w\(index)", personKey: "k\(index)", weight: UInt32(1 + index % 5),
                enteredAtMilliseconds: start + Int64(index))
        }
        var list: FrozenEntryList?
        let freezing = try await Bench.time { list = try await FrozenEntryList.freezing(entries) }
        guard let list else { return }
        let seed = DrawSeed.random()
        let drawing = try await Bench.time {
            _ = try RandomDraw.run(list, seed: seed, rules: DrawRules(winners: 100, reserves: 100))
        }
        Bench.report("weighted draw: freeze \(count) entries", seconds: freezing)
        Bench.report("weighted draw: 100 winners + 100 reserves (A-Res keys for every entry)", seconds: drawing)
        Bench.report("weighted draw: total for \(count) entries", seconds: freezing + drawing)
    }

    // MARK: - Exports

    static func csvExport(participants count: Int) async throws {
        let schema = try ExportSchema.participants(fields: [
            ExportColumn("email", category: .email), ExportColumn("first_name", category: .name),
            ExportColumn("postcode", category: .postalAddress), ExportColumn("optin", category: .consents),
        ])
        let evidence = EvidenceLog(log: InMemoryRecordLog(), tenant: tenant, clock: SystemClock())
        let exports = ExportService(tenant: tenant, gate: OpenGate(), evidence: evidence, clock: SystemClock())
        let request = ExportRequest(
            schema: schema, format: .csv, operation: operation, principal: .host("bench"), instruction: "bench")
        // The participation store is simulated by pages of 4,096 rows made on demand.
        let store = PagedExportRows(start: 0) { (first: Int) in
            let end = min(count, first + 4096)
            var rows: [ExportRow] = []
            rows.reserveCapacity(end - first)
            for n in first..<end {
                let enteredAt = Date(timeIntervalSince1970: Double(start + Int64(n) * 37) / 1000)
                let values: [ExportValue] = [
                    .text("bench-operation"), .text("entry-\(n)"), .instant(enteredAt),
                    .text("participant.\(n)@example.fr"), .text("Camille"), .text(String(75_000 + n % 1000)),
                    .boolean(n % 3 == 0),
                ]
                rows.append(ExportRow(values))
            }
            return (rows, end < count ? end : nil)
        }
        let before = residentMiB()
        let sink = CountingSink()
        var receipt: ExportReceipt?
        let seconds = try await Bench.time { receipt = try await exports.export(request, pages: store.pages, to: sink) }
        let after = residentMiB()
        Bench.report(
            "export: CSV of \(count) participants (7 columns, \(sink.bytes / 1_048_576) MiB)",
            operations: receipt?.rows ?? 0, seconds: seconds, unit: "rows")
        print(
            String(
                format: "  largest chunk %d bytes; resident memory %.0f MiB before, %.0f MiB after", sink.largest,
                before, after))

        let jsonRequest = ExportRequest(
            schema: schema, format: .jsonLines, operation: operation, principal: .host("bench"), instruction: "bench")
        let jsonSink = CountingSink()
        let jsonSeconds = try await Bench.time {
            _ = try await exports.export(jsonRequest, pages: store.pages, to: jsonSink)
        }
        Bench.report(
            "export: JSON Lines of \(count) participants (\(jsonSink.bytes / 1_048_576) MiB)", operations: count,
            seconds: jsonSeconds, unit: "rows")

        try await Bench.inTemporaryDirectory { directory in
            let file = try FileExportSink(url: directory.appendingPathComponent("participants.csv"))
            let fileSeconds = try await Bench.time {
                _ = try await exports.export(request, pages: store.pages, to: file)
            }
            Bench.report(
                "export: CSV of \(count) participants to a file (fsync at the end)", operations: count,
                seconds: fileSeconds, unit: "rows")
        }
    }

    // MARK: - Instant win

    static func instantWin(decisions: Int, submitters: Int) async throws {
        let opens = Date(timeIntervalSince1970: Double(start) / 1000)
        let schedule = try InstantWinSchedule.generate(
            operation: operation, opensAt: opens, closesAt: opens.addingTimeInterval(86_400),
            prizes: [
                InstantWinPrize(code: "tv", quantity: 10, priority: 10),
                InstantWinPrize(code: "voucher", quantity: 5_000),
            ],
            spread: .even, seed: DrawSeed.random())
        try await intake(
            InMemoryInstantWinLedger(), schedule: schedule, label: "in-memory ledger", decisions: decisions,
            submitters: submitters)
        try await Bench.inTemporaryDirectory { directory in
            let ledger = try FileInstantWinLedger.open(at: directory, options: .init(durability: .grouped))
            defer { ledger.close() }
            try await intake(
                ledger, schedule: schedule, label: "file ledger, grouped fsync", decisions: decisions,
                submitters: submitters)
        }
    }

    static func intake(
        _ ledger: any InstantWinLedger, schedule: InstantWinSchedule, label: String, decisions: Int, submitters: Int
    ) async throws {
        try await ledger.install(schedule)
        let decider = InstantWinDecider(tenant: tenant, ledger: ledger, gate: OpenGate(), instruction: "bench")
        let perSubmitter = decisions / submitters
        // Participations spread evenly over the day, interleaved between submitters.
        let stepMs = 86_400_000.0 / Double(decisions)
        var latencies = Latencies(capacity: decisions)
        var wins = 0
        let seconds = try await Bench.time {
            try await withThrowingTaskGroup(of: (Latencies, Int).self) { group in
                for submitter in 0..<submitters {
                    group.addTask {
                        var mine = Latencies(capacity: perSubmitter)
                        var won = 0
                        let clock = ContinuousClock()
                        for n in 0..<perSubmitter {
                            let sequence = n * submitters + submitter
                            let at = Date(timeIntervalSince1970: (Double(start) + Double(sequence) * stepMs) / 1000)
                            let begin = clock.now
                            let outcome = try await decider.decide(
                                operation: operation, personKey: "person-\(sequence)", entryID: "entry-\(sequence)",
                                at: at)
                            mine.add(clock.now - begin)
                            if case .won = outcome { won += 1 }
                        }
                        return (mine, won)
                    }
                }
                for try await (part, won) in group {
                    latencies.merge(part)
                    wins += won
                }
            }
        }
        Bench.report(
            "instant win (\(label)): \(submitters) submitters, \(wins) wins", operations: perSubmitter * submitters,
            seconds: seconds, unit: "decisions")
        print("  latency \(latencies.summary)")
    }
}

extension FrozenEntryList {
    /// The size of the canonical form: header plus one line per entry.
    fileprivate var canonicalByteCount: Int {
        entries.reduce(FrozenEntryList.header.utf8.count + 1) {
            $0 + $1.entryID.utf8.count + $1.personKey.utf8.count + String($1.weight).utf8.count
                + String($1.enteredAtMilliseconds).utf8.count + 4
        }
    }
}
