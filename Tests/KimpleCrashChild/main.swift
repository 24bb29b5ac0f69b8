// A child process for durability tests: it writes to a store and prints, one line per
// acknowledged write, what it was told is durable. The parent test kills it with SIGKILL
// at a random moment, reopens the store and checks that every acknowledged write is there.
//
// Usage: kimple-crash-child journal <directory> <durability> <writers>
//        kimple-crash-child intake <directory> <durability> <writers>
//        kimple-crash-child instant-win <directory> <durability> <writers>
//        kimple-crash-child mixed <directory> <durability> <writers> [<prize units>]
//        kimple-crash-child hold <directory> <durability> <records>
import Foundation
import KimpleCore
import KimpleGames

/// One unbuffered write per line: a line printed is a line the parent can read, even if
/// this process is killed right after.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let arguments = CommandLine.arguments
guard arguments.count >= 5 else {
    FileHandle.standardError.write(
        Data("usage: kimple-crash-child journal|intake|instant-win|mixed|hold <directory> <durability> <n>\n".utf8))
    exit(2)
}
let directory = URL(fileURLWithPath: arguments[2])
let durability = FileJournal.Options.Durability(rawValue: arguments[3]) ?? .everyWrite
let writers = Int(arguments[4]) ?? 1

switch arguments[1] {
case "journal":
    let journal = try FileJournal.open(at: directory, options: .init(durability: durability, segmentSize: 64 << 10))
    say("ready \(journal.recovery.records)")
    await withTaskGroup(of: Void.self) { group in
        for writer in 0..<writers {
            group.addTask {
                var counter = 0
                while true {
                    counter += 1
                    // Records of 200 bytes whose content can be checked after the crash.
                    let text = "w\(writer)-\(counter)-"
                    let payload = Data((text + String(repeating: "x", count: max(0, 200 - text.utf8.count))).utf8)
                    do {
                        let sequence = try await journal.append(payload)
                        say("ack \(sequence) \(text)")
                    } catch {
                        say("error \(error)")
                        return
                    }
                }
            }
        }
    }
case "intake":
    // A file-backed intake: each writer submits distinct people and prints the entry id
    // and the e-mail of every accepted participation.
    let tenant: TenantID = "crash-tenant"
    let store = try FileParticipationStore.open(
        tenant: tenant, at: directory, options: .init(durability: durability, segmentSize: 64 << 10),
        clock: SystemClock())
    let operations = DocumentOperationStore(tenant: tenant, documents: InMemoryDocumentStore())
    var operation = KimpleGames.Operation(
        id: "crash-operation", tenant: tenant, advertiser: Advertiser(name: "Brand", registration: "FR-1"),
        kind: .randomDraw, title: "Crash test", opensAt: Date(timeIntervalSince1970: 946_684_800),
        closesAt: Date(timeIntervalSince1970: 4_102_444_800), minimumAge: nil,
        form: EntryForm(fields: [FormField(name: "email", label: "E-mail", type: .email)], consents: [.rules()]),
        prizes: [Prize(id: "prize", name: "Prize", quantity: 1, unitValue: Money(cents: 100))],
        instruction: "crash-instruction")
    operation.status = .live
    _ = try await operations.insert(operation)
    let intake = try IntakeService(
        operations: operations, participations: store,
        robotEvents: RobotEventJournal(tenant: tenant, log: InMemoryRecordLog(), clock: SystemClock()),
        gate: GrantingGate(),
        transport: InMemoryTransport(), identitySecret: IdentitySecret(Array(repeating: UInt8(7), count: 32)),
        clock: SystemClock())
    say("ready \(try await store.recordCount())")
    await submitUntilKilled(intake, writers: writers, operation: { _, _ in "crash-operation" }) { accepted, email in
        "\(accepted.entry.rawValue) \(email)"
    }
case "instant-win":
    // A file-backed intake on an instant-win operation whose moments are all due: every
    // accepted participation claims a moment through the intake's decider, until the stock
    // runs out. Each writer prints the entry id and the award id (`-` for "not won") of every
    // accepted participation; the award is durable in the ledger when the line is printed.
    let tenant: TenantID = "crash-tenant"
    let options = FileJournal.Options(durability: durability, segmentSize: 64 << 10)
    let store = try FileParticipationStore.open(
        tenant: tenant, at: directory.appendingPathComponent("participations"), options: options, clock: SystemClock())
    let ledger = try FileInstantWinLedger.open(at: directory.appendingPathComponent("instant-win"), options: options)
    let opensAt = Date(timeIntervalSince1970: 946_684_800)
    let closesAt = Date(timeIntervalSince1970: 4_102_444_800)
    let units = 5_000
    // One moment per second from the opening: all in the past, so every claim finds one due.
    let schedule = try InstantWinSchedule.importing(
        operation: "crash-instant-win", opensAt: opensAt, closesAt: closesAt,
        prizes: [InstantWinPrize(code: "gift", quantity: units)],
        moments: (0..<units).map { (at: opensAt.addingTimeInterval(Double($0)), prize: "gift") })
    try await ledger.install(schedule)
    let operations = DocumentOperationStore(tenant: tenant, documents: InMemoryDocumentStore())
    var operation = KimpleGames.Operation(
        id: "crash-instant-win", tenant: tenant, advertiser: Advertiser(name: "Brand", registration: "FR-1"),
        kind: .instantWin, title: "Crash test", opensAt: opensAt, closesAt: closesAt, minimumAge: nil,
        form: EntryForm(fields: [FormField(name: "email", label: "E-mail", type: .email)], consents: [.rules()]),
        prizes: [Prize(id: "gift", name: "Gift", quantity: units, unitValue: Money(cents: 100))],
        instruction: "crash-instruction")
    operation.status = .live
    _ = try await operations.insert(operation)
    let gate = GrantingGate()
    let intake = try IntakeService(
        operations: operations, participations: store,
        robotEvents: RobotEventJournal(tenant: tenant, log: InMemoryRecordLog(), clock: SystemClock()), gate: gate,
        transport: InMemoryTransport(), identitySecret: IdentitySecret(Array(repeating: UInt8(7), count: 32)),
        clock: SystemClock(), decider: InstantWinOutcomeDecider(tenant: tenant, ledger: ledger, gate: gate))
    say("ready \(try await ledger.awards(for: "crash-instant-win").count)")
    await submitUntilKilled(intake, writers: writers, operation: { _, _ in "crash-instant-win" }) { accepted, _ in
        switch accepted.outcome {
        case .won(let award): "\(accepted.entry.rawValue) \(award.awardID)"
        case .notWon: "\(accepted.entry.rawValue) -"
        default: nil
        }
    }
case "mixed":
    // Intake on two operations at once, on one FileStorage: an instant-win operation (the
    // intake's instant-win decider, prizes of limited stock, more moments than units, all
    // due) and a random-draw operation. Writers alternate between them; each announced
    // award is written to the evidence log before it is acknowledged. Lines:
    // `ack <entry id> iw:<award id>`, `ack <entry id> iw:-` (not won), `ack <entry id> draw:-`.
    let tenant: TenantID = "crash-tenant"
    let prizes = MixedCrash.prizes(units: arguments.count > 5 ? Int(arguments[5]) ?? 100 : 100)
    let storage = try FileStorage(root: directory, options: .init(durability: durability, segmentSize: 64 << 10))
    let tenantStorage = storage.tenant(tenant)
    let store = try FileParticipationStore.open(in: storage, tenant: tenant, clock: SystemClock())
    let ledger = try FileInstantWinLedger.open(storage, tenant: tenant)
    let evidence = try await EvidenceLog.open(tenantStorage, clock: SystemClock())
    let opensAt = Date(timeIntervalSince1970: 946_684_800)
    let closesAt = Date(timeIntervalSince1970: 4_102_444_800)
    let gate = GrantingGate()
    if try await ledger.schedule(for: MixedCrash.instantWin) == nil {
        // Committed before the opening, as the service requires: the commitment is evidence.
        let service = InstantWinService(
            ledger: ledger, evidence: evidence, clock: ManualClock(opensAt.addingTimeInterval(-3600)))
        try await service.commit(
            MixedCrash.schedule(prizes, opensAt: opensAt, closesAt: closesAt), by: .system("crash-child"))
    }
    let operations = DocumentOperationStore(tenant: tenant, documents: InMemoryDocumentStore())
    for (id, kind) in [(MixedCrash.instantWin, OperationKind.instantWin), (MixedCrash.draw, .randomDraw)] {
        var operation = KimpleGames.Operation(
            id: id, tenant: tenant, advertiser: Advertiser(name: "Brand", registration: "FR-1"), kind: kind,
            title: "Crash test", opensAt: opensAt, closesAt: closesAt, minimumAge: nil,
            form: EntryForm(fields: [FormField(name: "email", label: "E-mail", type: .email)], consents: [.rules()]),
            prizes: try prizes.map {
                Prize(id: try PrizeID($0.code), name: $0.code, quantity: $0.quantity, unitValue: Money(cents: 100))
            },
            instruction: "crash-instruction")
        operation.status = .live
        _ = try await operations.insert(operation)
    }
    let intake = try IntakeService(
        operations: operations, participations: store,
        robotEvents: RobotEventJournal(tenant: tenant, log: InMemoryRecordLog(), clock: SystemClock()), gate: gate,
        transport: InMemoryTransport(), identitySecret: IdentitySecret(Array(repeating: UInt8(7), count: 32)),
        clock: SystemClock(), decider: InstantWinOutcomeDecider(tenant: tenant, ledger: ledger, gate: gate))
    say("ready \(try await store.recordCount())")
    // Writers alternate between the two operations.
    await submitUntilKilled(
        intake, writers: writers,
        operation: { writer, counter in (writer + counter) % 2 == 0 ? MixedCrash.instantWin : MixedCrash.draw }
    ) { accepted, _ in
        switch accepted.outcome {
        case .won(let award):
            try await evidence.record(
                .system("crash-child"), action: "host.instant_win.announce", subject: "award:\(award.awardID)",
                details: "entry \(accepted.entry.rawValue)")
            return "\(accepted.entry.rawValue) iw:\(award.awardID)"
        case .notWon: return "\(accepted.entry.rawValue) iw:-"
        case .noInstantWin: return "\(accepted.entry.rawValue) draw:-"
        default: return nil
        }
    }
case "hold":
    // Opens a FileStorage (a journal and a document store) and a FileOutbox under
    // <directory>, writes <records> records to each, prints `ack` lines and `ready`, then
    // holds the stores open until killed.
    let tenant: TenantID = "crash-tenant"
    let records = writers
    let storage = try FileStorage(
        root: directory.appendingPathComponent("storage"), options: .init(durability: durability))
    let journal = try storage.journal(tenant: tenant, name: "held")
    let documents = try await storage.documentStore(tenant: tenant, name: "held")
    let outbox = try FileOutbox(directory: directory.appendingPathComponent("outbox"))
    for n in 0..<records {
        let sequence = try await journal.append(Data("record-\(n)".utf8))
        say("ack journal-\(sequence) record-\(n)")
        try await documents.upsert("key-\(n)", Data("value-\(n)".utf8))
        say("ack document-key-\(n) value-\(n)")
        try await outbox.send(
            OutboundMessage(
                idempotencyKey: "message-\(n)", tenant: tenant, kind: MessageKind(rawValue: "held"), recipient: "ops",
                subject: "held \(n)", body: "body", createdAt: Date()))
        say("ack outbox-message-\(n) sent")
    }
    say("ready")
    while true { pause() }
default:
    exit(2)
}

/// The operations and prizes of the `mixed` mode.
enum MixedCrash {
    static let instantWin: OperationID = "crash-instant-win"
    static let draw: OperationID = "crash-draw"
    /// `units` split between two prizes: "gift" (40 %) and "voucher" (the rest).
    static func prizes(units: Int) -> [InstantWinPrize] {
        let gift = max(1, units * 2 / 5)
        return [
            InstantWinPrize(code: "gift", quantity: gift),
            InstantWinPrize(code: "voucher", quantity: max(1, units - gift)),
        ]
    }

    /// Three moments per unit (more moments than stock), all in the first hours of the
    /// window: every claim finds one due until the stock runs out.
    static func schedule(_ prizes: [InstantWinPrize], opensAt: Date, closesAt: Date) throws -> InstantWinSchedule {
        var moments: [(at: Date, prize: String)] = []
        for prize in prizes {
            for n in 0..<(3 * prize.quantity) { moments.append((opensAt.addingTimeInterval(Double(n)), prize.code)) }
        }
        return try InstantWinSchedule.importing(
            operation: instantWin, opensAt: opensAt, closesAt: closesAt, prizes: prizes, moments: moments)
    }
}

/// Submits new participants from `writers` concurrent tasks until the process is killed,
/// each to the operation `operation(writer, counter)` names, printing `ack <what acknowledge
/// returns>` for each accepted one. A writer stops at the first refusal, error, or
/// participation `acknowledge` cannot describe (it returns nil).
func submitUntilKilled(
    _ intake: IntakeService, writers: Int,
    operation: @escaping @Sendable (_ writer: Int, _ counter: Int) -> OperationID,
    acknowledge: @escaping @Sendable (AcceptedParticipation, String) async throws -> String?
) async {
    let run = Identifier<TenantTag>.random().rawValue.prefix(8)
    await withTaskGroup(of: Void.self) { group in
        for writer in 0..<writers {
            group.addTask {
                var counter = 0
                while true {
                    counter += 1
                    let email = "w\(writer)-\(counter)-\(run)@example.com"
                    do {
                        let result = try await intake.submit(
                            ParticipationSubmission(
                                operation: operation(writer, counter), fields: ["email": .text(email), "rules": true]))
                        guard let accepted = result.accepted else {
                            say("rejected \(result.rejection?.code.rawValue ?? "?")")
                            return
                        }
                        guard let line = try await acknowledge(accepted, email) else {
                            say("undecided \(accepted.entry.rawValue) \(accepted.outcome)")
                            return
                        }
                        say("ack \(line)")
                    } catch {
                        say("error \(error)")
                        return
                    }
                }
            }
        }
    }
}

/// The child's processing gate: grants everything (the privacy checks are tested elsewhere).
struct GrantingGate: ProcessingGate {
    func authorize(_ request: ProcessingRequest) async throws -> ProcessingGrant {
        ProcessingGrant(
            instruction: request.instruction, instructionVersion: 1, purpose: request.purpose, grantedAt: Date())
    }
}
