// kimple-demo: one brand's year on the Kimple platform, end to end, on the embedded file
// store. A manual clock walks through the calendar, so the whole story runs in seconds:
//
//   contract signed → monthly invoices (one paid late) → the controller's instruction →
//   a June instant-win game and a sweepstakes → a TV spot: a traffic peak, robots refused,
//   an outage and an incident → instant wins → the draw and its certificate → exports →
//   an erasure request → the contract ends → the 45-day window → destruction → the June
//   service report → the evidence log verified.
//
//     swift run kimple-demo            the store goes to a temporary directory, removed at the end
//     swift run kimple-demo --keep     keeps it, to look at the files
import Foundation
import KimpleAvailability
import KimpleContracts
import KimpleCore
import KimpleGames
import KimplePrivacy

typealias GameOperation = KimpleGames.Operation

// MARK: - Story values

let tenant: TenantID = "brand"
let instruction: InstructionID = "campaigns-2026"
let staff = Principal.user("alice")
let finance = Principal.host("finance")
let brand = Advertiser(name: "Brand SA", registration: "123456789")
let paris = FrenchCalendar.paris

func at(_ text: String) -> Date { (try? ISO8601.instant(text)) ?? Date(timeIntervalSince1970: 0) }
func day(_ text: String) throws -> CivilDate { try CivilDate(text) }
func say(_ line: String = "") { print(line) }
func step(_ title: String) { print("\n## \(title)") }

let keep = CommandLine.arguments.contains("--keep")
let root = FileManager.default.temporaryDirectory.appendingPathComponent("kimple-demo-\(UUID().uuidString.prefix(8))")
let clock = ManualClock(at("2025-12-01T10:00:00Z"))

say("# Kimple SDK demo — Brand SA's campaigns of 2026")
say("File store: \(root.path)\(keep ? " (kept)" : " (removed at the end; --keep to keep it)")")

/// The whole story, on a file store under `root`.
func story(root: URL) async throws {
    let storage = try FileStorage(root: root)
    defer { storage.close() }
    let tenantStorage = storage.tenant(tenant)
    let outbox = try FileOutbox(directory: root.appendingPathComponent("outbox"), clock: clock)

    // MARK: - Privacy: the processor's services for this controller

    let subProcessors = SubProcessorRegistry(
        store: try await storage.documentStore(tenant: "platform", name: "sub-processors"),
        evidence: try await EvidenceLog.open(storage.tenant("platform"), clock: clock), transport: outbox, clock: clock)
    let azure = SubProcessor(
        recipient: TransferRecipient(name: "Microsoft Azure", country: "FR", role: .subProcessor),
        processing: "Hosting and collection of participations", activities: [.hosting, .collection],
        guarantees: ["Data processing agreement with the obligations of §11.2", "ISO/IEC 27001"])
    try await subProcessors.agreeInitialList([azure], by: .host("setup"))
    let privacy = try await TenantPrivacy.open(
        storage: tenantStorage, transport: outbox, clock: clock,
        configuration: PrivacyConfiguration(
            processor: PartyProfile(name: "Cassiop", address: "Roubaix, France", contact: "privacy@cassiop.example"),
            hosting: [HostingSite(provider: "Microsoft Azure", country: "FR", activities: [.hosting, .collection])]),
        subProcessors: subProcessors)
    try await privacy.setController(
        PartyProfile(name: "Brand SA", address: "1 rue de la Paix, 75002 Paris", contact: "dpo@brand.example"))
    let evidence = privacy.evidence

    // MARK: - 1. The contract

    step("1. Contract (C-1, C-3)")
    let endOfContract = ContractEndRouter()
    endOfContract.register(privacy.reversibility)
    let contracts = try await ContractService(
        storage: tenantStorage, clock: clock, configuration: .init(loginPolicy: LoginPolicy(iterations: 10_000)),
        endListeners: [endOfContract])
    let quote = try await contracts.createQuote(
        QuoteContent(
            purpose: .newContract(ContractPlan(start: try day("2026-01-01"), months: 6)),
            provider: try Party(
                legalName: "Cassiop SAS", registrationNumber: "527871842",
                address: "75bis boulevard d'Armentières, 59100 Roubaix"),
            client: try Party(
                legalName: "Brand SA", registrationNumber: "123456789", address: "1 rue de la Paix, 75002 Paris"),
            lines: [
                ServiceLine(
                    id: "licence", kind: .licenceSubscription, label: "Licence Kimple", code: "kimple-licence",
                    unitPrice: try Money.eur("1000.00"), billing: .monthly)
            ], discount: nil, territory: try LicenceTerritory(countries: ["FR", "BE"]),
            paymentTerms: PaymentTerms(daysToPay: 30), referenceConsent: .asInTheContract), by: finance)
    _ = try await contracts.signQuote(
        quote.id, as: .client, signatory: try Signatory(name: "A. Client", capacity: "Directrice marketing"),
        by: finance)
    let signing = try await contracts.signQuote(
        quote.id, as: .provider, signatory: try Signatory(name: "C. de Araujo", capacity: "Directrice générale"),
        by: finance)
    guard let contract = signing.contract else {
        say("The quote was signed by both parties but no contract was created.")
        exit(1)
    }
    say("Quote \(quote.id) signed by both parties on \(paris.civilDate(of: clock.now)): contract \(contract.id)")
    say("Licence: 1,000.00 EUR excl. VAT a month, 6 months from 2026-01-01, territory FR and BE")

    var invoices: [Invoice] = []
    for month in ["2026-01-01", "2026-02-01", "2026-03-01"] {
        clock.set(paris.instant(try day(month), try LocalTime(hour: 8)))
        invoices += try await contracts.runDueTasks(by: finance).invoices
        if month == "2026-01-01" {
            clock.set(at("2026-01-20T10:00:00Z"))
            try await contracts.recordPayment(
                invoices[0].number, amount: invoices[0].totals.totalAmount, receivedOn: try day("2026-01-20"),
                reference: "VIR-0120", by: finance)
        }
    }
    for invoice in invoices {
        say(
            "Invoice \(invoice.number) issued \(invoice.issuedOn), due \(invoice.dueDate): "
                + "\(invoice.totals.netAmount.formatted(.french)) + VAT \(invoice.totals.vatAmount.formatted(.french)) "
                + "= \(invoice.totals.totalAmount.formatted(.french))")
    }

    step("2. Non-renewal (C-5, C-11)")
    clock.set(at("2026-03-02T09:00:00Z"))
    let nonRenewal = try await contracts.giveNonRenewal(
        contract.id,
        notice: Notice(
            kind: .nonRenewal, from: .client, channel: .registeredLetter, sentOn: try day("2026-02-27"),
            firstPresentedOn: try day("2026-03-02")), by: finance)
    say(
        "Registered letter first presented 2026-03-02: \(nonRenewal.inTime ? "in time" : "late"), "
            + "the contract ends after \(nonRenewal.lastDay)")

    step("3. A late payment (C-4)")
    clock.set(at("2026-03-22T10:00:00Z"))
    try await contracts.recordPayment(
        invoices[1].number, amount: invoices[1].totals.totalAmount, receivedOn: try day("2026-03-22"),
        reference: "VIR-0322", by: finance)
    let late = try await contracts.lateChargesStatement(invoices[1].number, asOf: try day("2026-03-22"))
    say(
        "Invoice \(invoices[1].number), due \(invoices[1].dueDate), paid 2026-03-22: late interest "
            + "\(late.interest.interest.formatted(.french)) ("
            + late.interest.segments.map { "\($0.days) days at \($0.annualRate)" }.joined(separator: ", ")
            + "), recovery indemnity \(late.indemnity.formatted(.french))")

    // MARK: - 3. The controller's instruction

    step("4. The controller's documented instruction (P-1, P-2)")
    clock.set(at("2026-05-04T09:00:00Z"))
    let instructionVersion = try await privacy.instructions.record(
        InstructionTerms(
            author: InstructionAuthor(
                name: "Jeanne Martin", role: "Head of marketing", contact: "jeanne@brand.example"),
            givenAt: clock.now, reference: "Quote \(quote.id), annex 1",
            text: "Run the June instant win and sweepstakes; keep entries 6 months; exports to Brand SA only.",
            purposes: [.participation, .fraudPrevention, .winnerSelection, .export, .statistics],
            categories: [.identity, .contact, .participation, .online], retention: .months(6),
            recipients: [TransferRecipient(name: "Brand SA", country: "FR", role: .controller)]),
        id: instruction, by: .user("jeanne"))
    say(
        "Instruction \(instruction) v\(instructionVersion.version) recorded: participation, fraud prevention, winner selection, export, statistics"
    )

    // MARK: - 4. The games

    step("5. Two operations go live (G-1, G-2, G-3, G-9)")
    let operationStore = try await DocumentOperationStore.open(tenantStorage)
    let operations = try OperationService(
        store: operationStore, evidence: evidence, gate: privacy.gate,
        contentCheck: TermListContentCheck(terms: ["casino"]), clock: clock)
    let participations = try FileParticipationStore.open(in: storage, tenant: tenant, clock: clock)
    let robotEvents = try await RobotEventJournal.open(tenantStorage, clock: clock)
    let ledger = try FileInstantWinLedger.open(storage, tenant: tenant)
    let instantWins = InstantWinService(ledger: ledger, evidence: evidence, clock: clock)
    let intake = try IntakeService(
        operations: operationStore, participations: participations, robotEvents: robotEvents, gate: privacy.gate,
        transport: outbox, identitySecret: IdentitySecret(Array("Brand SA's identity secret, 32 B".utf8)), clock: clock,
        decider: InstantWinOutcomeDecider(tenant: tenant, ledger: ledger, gate: privacy.gate),
        configuration: IntakeConfiguration(keepsSource: true))
    for holder in try ParticipantRobotEvents.holders(participations: participations, robotEvents: robotEvents) {
        try privacy.holders.register(holder, instruction: instruction)
    }

    let form = EntryForm(
        fields: [
            FormField(name: "email", label: "E-mail", type: .email),
            FormField(name: "first_name", label: "First name", type: .text, maximumLength: 50, category: .name),
            FormField(name: "birth_date", label: "Birth date", type: .birthDate),
        ],
        consents: [.rules(), .marketing(text: "I want news from Brand SA.")], honeypotField: "website")
    let licence = GamesLicence(licensee: brand, territory: ["FR", "BE"])
    let opensAt = at("2026-06-01T07:00:00Z")
    let closesAt = at("2026-06-30T22:00:00Z")
    let rules = Array(
        "Règlement des jeux Brand SA de juin 2026 : participation gratuite, sans obligation d'achat.".utf8)

    let instantGame = GameOperation(
        id: "june-instant-win", tenant: tenant, advertiser: brand, kind: .instantWin, title: "June instant win",
        opensAt: opensAt, closesAt: closesAt, eligibleCountries: ["FR", "BE"], form: form,
        prizes: [
            Prize(id: "voucher", name: "A 20 EUR voucher", quantity: 40, unitValue: try Money.eur("20.00")),
            Prize(id: "headphones", name: "Wireless headphones", quantity: 5, unitValue: try Money.eur("89.00")),
        ],
        rules: RulesDocument(title: "Règlement", bytes: rules),
        audience: AudienceDeclaration(expectedParticipants: 20_000),
        instruction: instruction)
    let sweepstakes = GameOperation(
        id: "june-sweepstakes", tenant: tenant, advertiser: brand, kind: .randomDraw, title: "June sweepstakes",
        opensAt: opensAt, closesAt: closesAt, eligibleCountries: ["FR", "BE"], form: form,
        prizes: [Prize(id: "bike", name: "An electric bike", quantity: 1, unitValue: try Money.eur("1899.00"))],
        rules: RulesDocument(title: "Règlement", bytes: rules),
        audience: AudienceDeclaration(expectedParticipants: 20_000),
        instruction: instruction)

    // The instant-win schedule: moments drawn from a secret seed, committed before opening (G-6).
    let instantSeed = DrawSeed.random()
    let schedule = try InstantWinSchedule.generate(
        operation: instantGame.id, opensAt: opensAt, closesAt: closesAt,
        prizes: [
            InstantWinPrize(code: "voucher", quantity: 40),
            InstantWinPrize(code: "headphones", quantity: 5, priority: 1),
        ],
        marginAtStart: 3_600, marginAtEnd: 3_600, seed: instantSeed)
    let scheduleCommitment = try await instantWins.commit(schedule, by: staff)
    say(
        "Instant-win schedule: \(schedule.moments.count) winning moments, commitment \(scheduleCommitment.hex.prefix(16))…"
    )

    // The sweepstakes' draw: SHA-256 of a secret seed published before closing (G-7).
    let draws = try await DrawService.open(tenantStorage, evidence: evidence, gate: privacy.gate, clock: clock)
    let drawSeed = DrawSeed.random()
    _ = try await draws.commit(
        operation: sweepstakes.id, rules: DrawRules(winners: 1, reserves: 3),
        rulesDocumentSHA256: SHA256.hash(rules), commitment: drawSeed.commitment, closesAt: closesAt, by: staff)
    say("Draw commitment published: SHA-256(seed) = \(drawSeed.sha256.hex.prefix(16))…")

    for operation in [instantGame, sweepstakes] {
        try await operations.create(operation, by: staff)
        try await operations.schedule(operation.id, under: licence, by: staff)
        say("\(operation.title): scheduled, opens \(ISO8601.string(opensAt)), closes \(ISO8601.string(closesAt))")
    }

    // MARK: - 5. The TV spot

    step("6. A TV spot on 10 June: the peak (G-4, G-5, G-10)")
    let spot = at("2026-06-10T18:50:00Z")
    clock.set(spot)
    let browser =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
    /// What the evening's submissions came to.
    struct Tally {
        var accepted = 0
        var won: [String: Int] = [:]
        var refused: [String: Int] = [:]

        mutating func add(_ result: IntakeResult) {
            if let participation = result.accepted {
                accepted += 1
                if case .won(let award) = participation.outcome { won[award.prizeName, default: 0] += 1 }
            } else if let error = result.rejection {
                refused[error.code.rawValue, default: 0] += 1
            }
        }
    }
    var evening = Tally()
    let people = 6_000
    for n in 0..<people {
        // Each minute of the evening brings about 100 people; some come back.
        clock.set(spot.addingTimeInterval(Double(n) * 0.6))
        let person = n % 10 == 9 ? n - 5 : n  // 10 % try a second time: refused as duplicates
        let fields: [String: FieldInput] = [
            "email": .text("Person.\(person)@Example.com"), "first_name": .text("Person \(person)"),
            "birth_date": .text("19\(60 + person % 40)-0\(1 + person % 9)-1\(person % 10)"), "rules": true,
        ]
        for operation in [instantGame.id, sweepstakes.id] where n % 2 == 0 || operation == instantGame.id {
            evening.add(
                try await intake.submit(
                    ParticipationSubmission(
                        operation: operation, fields: fields,
                        context: SubmissionContext(
                            source: "198.51.100.\(person % 250)", userAgent: browser,
                            formStartedAt: clock.now.addingTimeInterval(-25)))))
        }
        // The client's own load test, run against production during the spot.
        if n % 40 == 0 {
            evening.add(
                try await intake.submit(
                    ParticipationSubmission(
                        operation: instantGame.id, fields: fields,
                        context: SubmissionContext(
                            source: "192.0.2.10", userAgent: "Apache-JMeter/5.6.3", formStartedAt: clock.now))))
        }
    }
    try await intake.flushRobotEvents()
    say("Accepted: \(evening.accepted) participations")
    for (code, count) in evening.refused.sorted(by: { $0.key < $1.key }) { say("Refused \(code): \(count)") }
    for (prize, count) in evening.won.sorted(by: { $0.key < $1.key }) { say("Won at once: \(count) × \(prize)") }
    let traffic = try await intake.traffic(of: instantGame.id)
    say(
        "Traffic on the instant win: \(traffic.accepted) accepted, busiest minute \(traffic.minutes.map(\.accepted).max() ?? 0)"
    )

    // MARK: - 6. Availability

    step("7. An outage and a critical incident (A-1, A-3, A-4)")
    let availability = AvailabilityService(
        store: try await FileAvailabilityStore.open(tenantStorage), clock: clock, robotEvents: robotEvents,
        suspender: operations, evidence: evidence)
    clock.set(at("2026-06-12T16:00:00Z"))
    try await availability.recordMaintenance(
        try MaintenanceWindow(
            id: "upgrade-0607", kind: .scheduled, start: at("2026-06-07T01:00:00Z"), end: at("2026-06-07T03:00:00Z"),
            announcedAt: at("2026-05-28T09:00:00Z"), summary: "Database upgrade"))
    try await availability.recordOutage(
        try Outage(
            id: "spot-0610", start: at("2026-06-10T19:02:00Z"), end: at("2026-06-10T19:24:00Z"),
            summary: "Front servers saturated during the TV spot"))
    clock.set(at("2026-06-12T15:00:00Z"))  // Friday 17:00 in Paris
    _ = try await availability.declareIncident(
        try Incident(
            id: "inc-0612", declaredAt: clock.now, severity: .critical,
            description: "Participation pages return errors for every visitor"))
    clock.set(at("2026-06-15T08:40:00Z"))  // Monday 10:40 in Paris
    let response = try await availability.recordIntervention("inc-0612", at: clock.now)
    say(
        "Critical incident declared Friday 12 June 17:00 (Paris): intervention due "
            + "\(response.deadline.map { ISO8601.string($0.due) } ?? "-"), "
            + "done \(ISO8601.string(clock.now)): \(response.status)")

    // MARK: - 7. Closing, the draw, the exports

    step("8. Closing and the draw (G-7)")
    clock.set(at("2026-07-01T08:00:00Z"))
    try await operations.advance()
    let drawEntries = try await FrozenEntryList.freezing(
        try await DrawEntries.list(of: sweepstakes.id, in: participations))
    _ = try await draws.freeze(operation: sweepstakes.id, entries: drawEntries, by: staff, instruction: instruction)
    let certificate = try await draws.draw(
        operation: sweepstakes.id, seed: drawSeed, entries: drawEntries, by: staff, instruction: instruction)
    say(
        "Entry list frozen: \(certificate.entryList.count) entries, SHA-256 \(certificate.entryList.sha256.hex.prefix(16))…"
    )
    say(
        "Winner: entry \(certificate.winners.first?.entryID ?? "-"); reserves: "
            + certificate.reserves.map(\.entryID).joined(separator: ", "))
    // Publish the certificate and the entry list: with them and Documentation/DrawAlgorithm.md,
    // anyone reproduces the draw.
    let certificateFile = root.appendingPathComponent("june-sweepstakes-certificate.json")
    let entryListFile = root.appendingPathComponent("june-sweepstakes-entries.txt")
    try JSONCoding.encode(certificate).write(to: certificateFile)
    let exports = ExportService(tenant: tenant, gate: privacy.gate, evidence: evidence, clock: clock)
    _ = try await exports.exportEntryList(
        drawEntries, operation: sweepstakes.id, to: try FileExportSink(url: entryListFile), by: staff,
        instruction: instruction)
    say("Certificate and entry list published; check them without Swift:")
    say("  python3 Documentation/verify_draw.py certificate \(certificateFile.path) \(entryListFile.path)")
    let revealed = try await instantWins.reveal(instantGame.id, seed: instantSeed, by: staff)
    say("Instant-win seed revealed; the schedule matches its commitment: \(revealed.commitment == scheduleCommitment)")

    step("9. Exports to the brand (G-11, P-8)")
    let csv = root.appendingPathComponent("june-sweepstakes-participants.csv")
    let receipt = try await exports.exportParticipants(
        of: try await operations.operation(sweepstakes.id), from: participations, format: .csv, by: staff,
        destination: TransferDestination(country: "FR", recipient: "Brand SA"), to: try FileExportSink(url: csv))
    say("Participants CSV: \(receipt.rows) rows, \(receipt.bytes) bytes, SHA-256 \(receipt.sha256.hex.prefix(16))…")
    let abroad = await errorCode {
        _ = try await exports.exportParticipants(
            of: try await operations.operation(sweepstakes.id), from: participations, format: .jsonLines, by: staff,
            destination: TransferDestination(country: "CN", recipient: "Reseller"),
            to: InMemoryExportSink())
    }
    say("The same export to a reseller in China: refused (\(abroad ?? "accepted!"))")

    // MARK: - 9. A data subject's request

    step("10. An erasure request (P-3)")
    clock.set(at("2026-07-02T09:00:00Z"))
    let request = try await privacy.requests.receive(
        .erasure, subject: .email("person.42@example.com"), channel: "e-mail to Brand SA's DPO", by: .host("dpo-desk"))
    say(
        "Request \(request.id) received and forwarded to the controller; answer due \(ISO8601.string(request.deadline))"
    )
    try await privacy.requests.decide(
        request.id,
        ControllerDecision(outcome: .execute, actions: [.erase], decidedBy: "Jeanne Martin", decidedAt: clock.now),
        by: .user("jeanne"))
    let execution = try await privacy.requests.execute(request.id, by: .system("privacy.requests"))
    for holder in execution.proof.findings.holders {
        say("  \(holder.holder): found \(holder.foundRecordIDs.count), erased \(holder.erasedRecordIDs.count)")
    }
    say(
        "Erasure complete: \(execution.proof.erasureComplete); proof chained at evidence entry \(execution.proof.evidenceHead.index)"
    )

    // MARK: - 10. The June service report, early July

    step("11. June's service report (A-1, A-2, A-6)")
    let report = try await availability.monthlyReport(try CalendarMonth("2026-06"))
    print(report.markdown())

    // MARK: - 10. The end of the contract

    step("12. The contract ends; the 45-day reversibility window (C-7, P-10)")
    let due = try await contracts.runDueTasks(by: finance)
    say("Contract ended: \(due.ended.map(\.rawValue)); published to the privacy module: \(!due.published.isEmpty)")
    if let end = try await privacy.reversibility.record() {
        say("Exports stay possible until \(ISO8601.string(end.state.reversibilityEnd))")
    }
    clock.set(at("2026-08-16T08:00:00Z"))
    let afterWindow = await errorCode {
        _ = try await exports.exportParticipants(
            of: try await operations.operation(sweepstakes.id), from: participations, format: .csv, by: staff,
            destination: TransferDestination(country: "FR", recipient: "Brand SA"), to: InMemoryExportSink())
    }
    say("An export on 16 August: refused (\(afterWindow ?? "accepted!"))")
    try await privacy.reversibility.recordChoice(.destroy, by: .user("jeanne"))
    let destruction = try await privacy.reversibility.finalise(by: .system("privacy.reversibility"))
    say(
        "Destruction certificate: \(destruction.findings.totalRecordsErased) of \(destruction.findings.totalRecordsBefore) records erased "
            + "across \(destruction.findings.holders.map(\.holder).joined(separator: ", ")); digest \(destruction.findingsDigest.hex.prefix(16))…"
    )

    // MARK: - 12. Evidence

    step("13. The evidence log (K-5)")
    let verification = try await evidence.verify(against: destruction.evidenceHead)
    say(
        "\(verification.entriesChecked) entries, chain intact: \(verification.isIntact), head \(verification.head?.hash.hex.prefix(16) ?? "-")…"
    )
    let delivery = try await outbox.deliverPending { _ in }
    say(
        "Outbox: \(delivery.delivered.count) messages delivered to the controller and the host (notices, alerts, requests)"
    )
}

do {
    try await story(root: root)
    if !keep { try? FileManager.default.removeItem(at: root) }
} catch {
    say("\nThe demo stopped: \(error)")
    say("The store is left in \(root.path) to look at.")
    exit(1)
}

/// The stable code of the error `body` throws, or nil when it throws none.
func errorCode(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let error as KimpleError {
        return error.code.rawValue
    } catch {
        return String(describing: error)
    }
}
