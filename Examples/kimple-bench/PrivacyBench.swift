import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting

/// Bench suite `privacy`: the processing gate's hot path, an erasure request for one person
/// across a tenant with 1,000,000 entries on a file journal, and the anonymous statistics
/// over 1,000,000 entries.
func runPrivacyBenchmarks() async throws {
    try await Bench.inTemporaryDirectory { directory in
        let clock = ManualClock(Date(timeIntervalSince1970: 1_780_308_000))  // 2026-06-01T10:00:00Z
        let transport = InMemoryTransport(clock: clock)
        let storage = try FileStorage(root: directory.appendingPathComponent("stores"))
        defer { storage.close() }
        let tenant: TenantID = "brand"
        let processorEvidence = EvidenceLog(log: InMemoryRecordLog(), tenant: "processor", clock: clock)
        let registry = SubProcessorRegistry(
            store: InMemoryDocumentStore(), evidence: processorEvidence, transport: transport, clock: clock)
        try await registry.agreeInitialList(
            [
                SubProcessor(
                    recipient: TransferRecipient(name: "Microsoft Azure", country: "FR", role: .subProcessor),
                    processing: "Hosting and collection", activities: [.hosting, .collection], guarantees: ["DPA"])
            ], by: .host("bench"))
        let configuration = PrivacyConfiguration(
            processor: PartyProfile(name: "Cassiop", address: "Lille", contact: "privacy@cassiop.example"),
            hosting: [HostingSite(provider: "Microsoft Azure", country: "FR", activities: [.hosting, .collection])])
        let privacy = try await TenantPrivacy.open(
            storage: storage.tenant(tenant), transport: transport, clock: clock, configuration: configuration,
            subProcessors: registry)
        try await privacy.instructions.record(
            InstructionTerms(
                author: InstructionAuthor(name: "Jeanne Martin", role: "Marketing", contact: "jeanne@brand.example"),
                givenAt: clock.now, reference: "Quote 2026-014, annex 1", text: "Run the summer sweepstakes.",
                purposes: [.participation, .export, .statistics], categories: [.identity, .contact, .participation],
                retention: .months(6)), id: "summer", by: .user("jeanne"))

        try await gateBench(privacy: privacy, tenant: tenant)
        try await erasureBench(privacy: privacy, directory: directory, clock: clock)
    }
    try statisticsOnlyBench()
}

/// The gate, for a request it has already seen (one task, then 8 concurrent tasks).
private func gateBench(privacy: TenantPrivacy, tenant: TenantID) async throws {
    let gate = privacy.gate
    let request = ProcessingRequest(
        tenant: tenant, instruction: "summer", purpose: .participation, categories: [.email, .name, .birthDate],
        principal: .system("games.intake"), subject: "operation:summer-2026")
    _ = try await gate.authorize(request)
    let grants = 1_000_000
    let seconds = try await Bench.time {
        for _ in 0..<grants { _ = try await gate.authorize(request) }
    }
    Bench.report("gate authorize, seen request, 1 task", operations: grants, seconds: seconds, unit: "grants")
    print(String(format: "  %.0f ns per grant", seconds / Double(grants) * 1e9))
    let concurrent = try await Bench.time {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<(grants / 8) { _ = try await gate.authorize(request) } }
            }
            try await group.waitForAll()
        }
    }
    Bench.report("gate authorize, seen request, 8 tasks", operations: grants, seconds: concurrent, unit: "grants")
    fflush(nil)
}

/// One person's erasure across a tenant holding 1,000,000 entries in a file journal.
private func erasureBench(privacy: TenantPrivacy, directory: URL, clock: ManualClock) async throws {
    let people = 250_000
    let perPerson = 4
    let journal = try FileJournal.open(
        at: directory.appendingPathComponent("participations"), options: .init(durability: .grouped))
    defer { journal.close() }
    let participations = SamplePersonalDataHolder(
        tenant: privacy.tenant, name: "games.participations", log: journal, clock: clock)
    let exports = SamplePersonalDataHolder(
        tenant: privacy.tenant, name: "games.exports", log: InMemoryRecordLog(), clock: clock)
    let start = clock.now.addingTimeInterval(-90 * 86_400)
    let operations = (0..<20).map { "operation-\($0)" }
    // Four writers appending batches of 100 entries, as intake does with small grouped commits.
    let fill = try await Bench.time {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    var batch: [SamplePersonalDataHolder.Entry] = []
                    batch.reserveCapacity(100)
                    for person in stride(from: writer, to: people, by: 4) {
                        for n in 0..<perPerson {
                            let index = person * perPerson + n
                            batch.append(
                                SamplePersonalDataHolder.Entry(
                                    recordID: "e\(index)", participant: ParticipantID(unchecked: "p\(person)"),
                                    email: "person\(person)@example.org",
                                    recordedAt: start.addingTimeInterval(Double(index % 7_776_000)),
                                    categories: [.email, .name],
                                    fields: [
                                        "operation": operations[index % operations.count],
                                        "age_band": "\(18 + (person % 6) * 10)",
                                    ]))
                        }
                        if batch.count >= 100 {
                            try await participations.add(batch)
                            batch.removeAll(keepingCapacity: true)
                        }
                    }
                    try await participations.add(batch)
                }
            }
            try await group.waitForAll()
        }
    }
    let total = try await participations.recordCount()
    Bench.report(
        "fill: file journal holder (grouped fsync, 4 writers, batches of 100)", operations: total,
        seconds: fill,
        unit: "entries")
    try await exports.add(
        (0..<1_000).map {
            SamplePersonalDataHolder.Entry(
                recordID: "x\($0)", participant: ParticipantID(unchecked: "p\($0)"), email: "person\($0)@example.org",
                recordedAt: start)
        })
    try privacy.holders.register(participations, instruction: "summer")
    try privacy.holders.register(exports, instruction: "summer")

    let subject = SubjectLocator.email("person123456@example.org")
    let request = try await privacy.requests.receive(.erasure, subject: subject, channel: "e-mail", by: .host("bench"))
    try await privacy.requests.decide(
        request.id, ControllerDecision(outcome: .execute, actions: [.erase], decidedBy: "DPO", decidedAt: clock.now),
        by: .user("dpo"))
    var execution: DataSubjectExecution?
    let seconds = try await Bench.time {
        execution = try await privacy.requests.execute(request.id, by: .host("bench"))
    }
    let erased = execution?.proof.findings.holders.reduce(0) { $0 + $1.erasedRecordIDs.count } ?? 0
    Bench.report(
        "erasure request for one person (\(erased) entries erased) across \(total + 1_000) entries, proof included",
        seconds: seconds)
    print("  (find, rewrite of the journal, re-check of every holder, proof chained into the evidence log)")
    let verify = try await Bench.time {
        let result = try await privacy.evidence.verify(against: execution?.proof.evidenceHead)
        precondition(result.isIntact)
    }
    Bench.report("evidence log verification after the erasure", seconds: verify)

    // Anonymous statistics over the 999,996 remaining entries, read from the file journal.
    let spec = StatisticsSpec(
        title: "Entries per operation and age band", rowTitle: "Operation", columnTitle: "Age band",
        classify: { record in
            guard let operation = record.fields["operation"], let band = record.fields["age_band"] else { return nil }
            return (row: operation, column: band)
        })
    var table: AnonymousStatistics?
    let statistics = try await Bench.time {
        var accumulator = StatisticsAccumulator(spec: spec)
        try await participations.forEachRecord { record in
            accumulator.add(record)
            return true
        }
        table = try accumulator.table()
    }
    Bench.report(
        "anonymous statistics from the file journal (decode, classify, protect)", operations: total - erased,
        seconds: statistics, unit: "entries")
    print("  table \(table?.rows.count ?? 0) x \(table?.columns.count ?? 0), total \(table?.total.description ?? "-")")
}

/// Counting and protection alone: 1,000,000 classified entries into a 200 x 24 table whose
/// late months hold small cells, then the disclosure control.
private func statisticsOnlyBench() throws {
    let spec = StatisticsSpec(title: "t", rowTitle: "r", columnTitle: "c", classify: { _ in nil })
    var accumulator = StatisticsAccumulator(spec: spec)
    let rows = (0..<200).map { "operation-\($0)" }
    let columns = (0..<24).map { "month-\($0)" }
    var table: AnonymousStatistics?
    let seconds = try Bench.timeSync {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<1_000_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let row = Int((state >> 33) % 200)
            // Late months hold few entries: month k gets about 2^-(k+1) of them.
            let column = min(23, (state & 0xFF_FFFF).trailingZeroBitCount)
            accumulator.add(row: rows[row], column: columns[column])
        }
        table = try accumulator.table()
    }
    Bench.report(
        "anonymous statistics, counting + protection", operations: 1_000_000, seconds: seconds, unit: "entries")
    print(
        "  table 200 x 24: \(table?.primarySuppressions ?? 0) counts withheld below 10, "
            + "\(table?.secondarySuppressions ?? 0) withheld to protect them")
}

extension Bench {
    /// Seconds taken by a synchronous `body`.
    static func timeSync(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return seconds(clock.now - start)
    }
}
