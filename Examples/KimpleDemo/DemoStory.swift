import Foundation
import KimpleAvailability
import KimpleContracts
import KimpleCore
import KimpleGames
import KimplePrivacy

/// The campaign, step by step, on an opened ``DemoWorld``.
struct Story {
    let world: DemoWorld
    let files: DemoFiles
    let options: DemoOptions

    private var clock: ManualClock { world.clock }
    private let staff = Principal.user("alice")
    private let finance = Principal.host("finance")
    private let paris = FrenchCalendar.paris
    private let opensAt = DemoCampaign.at("2026-06-01T07:00:00Z")
    private let closesAt = DemoCampaign.at("2026-06-30T22:00:00Z")
    private let spot = DemoCampaign.at("2026-06-10T18:50:00Z")

    init(world: DemoWorld, files: DemoFiles, options: DemoOptions) {
        self.world = world
        self.files = files
        self.options = options
    }

    private func at(_ text: String) -> Date { DemoCampaign.at(text) }
    private func day(_ text: String) throws -> CivilDate { try CivilDate(text) }

    func play() async throws -> DemoSummary {
        try await setUpPrivacy()
        let (contract, licence) = try await signContract()
        try await recordInstruction()
        let operations = try await openOperations(licence: licence)
        let intake = try await runJune(operations)
        try await recordJuneService()
        let draw = try await closeAndDraw(operations)
        let prizes = try await instantWinPrizes(operations)
        try await exportParticipants()
        let erasure = try await eraseOnRequest()
        let availability = try await writeServiceReport()
        clock.set(at("2026-07-03T09:00:00Z"))
        let record = try await world.privacy.recordOfProcessing(at: clock.now, by: staff)
        try Data(record.markdown.utf8).write(to: files.recordOfProcessing)
        _ = try await world.outbox.deliverPending { _ in }

        var entries: [String: Int] = [:]
        for operation in [DemoWorld.instantWin, DemoWorld.sweepstakes] {
            entries[operation.rawValue] = try await world.participations.entryCount(of: operation)
        }
        let awards = try await world.ledger.awards(for: DemoWorld.instantWin)
        let evidence = try await world.evidence.verify()
        let head = evidence.head?.hash.hex ?? ""
        try Data(
            """
            Evidence log of tenant \(DemoWorld.tenant), verified \(ISO8601.string(clock.now))
            entries checked: \(evidence.entriesChecked)
            chain intact: \(evidence.isIntact)
            head index: \(evidence.head.map { String($0.index) } ?? "-")
            head hash: \(head)
            \(evidence.problem.map { "problem: \($0)" } ?? "problem: none")

            """.utf8
        ).write(to: files.evidenceVerification)

        let finishedAt = ISO8601.string(clock.now)
        let manifest = DemoManifest(
            format: 1, participants: options.participants, finishedAt: finishedAt, entries: entries,
            awards: awards.count, certificateSHA256: draw.certificateSHA256,
            evidenceEntries: Int(evidence.entriesChecked),
            evidenceHead: head)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temporary = files.manifest.appendingPathExtension("tmp")
        try encoder.encode(manifest).write(to: temporary)
        if FileManager.default.fileExists(atPath: files.manifest.path) {
            _ = try FileManager.default.replaceItemAt(files.manifest, withItemAt: temporary)
        } else {
            try FileManager.default.moveItem(at: temporary, to: files.manifest)
        }

        let folder = files.directory.relativePath
        func path(_ url: URL) -> String { folder + "/" + url.lastPathComponent }
        return DemoSummary(
            participants: options.participants, people: intake.people, submitted: intake.submitted,
            accepted: intake.accepted,
            refused: intake.refused, duplicates: intake.duplicates, entries: entries, robots: intake.robots,
            instantWinsTold: intake.won,
            prizes: prizes, awardedMoments: awards.map(\.momentIndex), awardedEntries: Set(awards.map(\.entryID)).count,
            receiptsGenuine: try await genuineReceipts(of: awards),
            firstReceipt: awards.first.map { world.brand.receipts.receipt(for: $0).code } ?? "-",
            contract: contract, draw: draw, erasure: erasure, availability: availability,
            evidenceEntries: Int(evidence.entriesChecked), evidenceIntact: evidence.isIntact, evidenceHead: head,
            artefacts: [
                DemoSummary.Artefact(path: path(files.certificate), what: "draw certificate"),
                DemoSummary.Artefact(path: path(files.entryList), what: "the draw's frozen entry list"),
                DemoSummary.Artefact(path: path(files.participantsCSV), what: "the sweepstakes' participants"),
                DemoSummary.Artefact(path: path(files.serviceReport), what: "June's service report"),
                DemoSummary.Artefact(path: path(files.recordOfProcessing), what: "record of processing activities"),
                DemoSummary.Artefact(path: path(files.evidenceVerification), what: "evidence log verification"),
            ], finishedAt: finishedAt)
    }

    // MARK: - The processor's set-up

    private func setUpPrivacy() async throws {
        if let problem = try await world.privacy.refreshSubProcessors() {
            throw KimpleError(.invalidArgument, "The hosting is not acceptable: \(problem)")
        }
        try await world.privacy.setController(
            PartyProfile(name: "Brand SA", address: "1 rue de la Paix, 75002 Paris", contact: "dpo@brand.example"))
    }

    // MARK: - The contract (C-1, C-3, C-4)

    private func signContract() async throws -> (DemoSummary.Contract, GamesLicence) {
        let contracts = world.contracts
        let territory = try LicenceTerritory(countries: ["FR", "BE"])
        let quote = try await contracts.createQuote(
            QuoteContent(
                purpose: .newContract(ContractPlan(start: try day("2026-01-01"), months: 12)),
                provider: try Party(
                    legalName: "Cassiop SAS", registrationNumber: "527871842",
                    address: "75bis boulevard d'Armentières, 59100 Roubaix"),
                client: try Party(
                    legalName: "Brand SA", registrationNumber: "123456789", address: "1 rue de la Paix, 75002 Paris"),
                lines: [
                    ServiceLine(
                        id: "licence", kind: .licenceSubscription, label: "Licence Kimple", code: "kimple-licence",
                        unitPrice: try Money.eur("1000.00"), billing: .monthly)
                ], discount: nil, territory: territory, paymentTerms: PaymentTerms(daysToPay: 30),
                referenceConsent: .asInTheContract), by: finance)
        _ = try await contracts.signQuote(
            quote.id, as: .client, signatory: try Signatory(name: "A. Client", capacity: "Directrice marketing"),
            by: finance)
        let signing = try await contracts.signQuote(
            quote.id, as: .provider, signatory: try Signatory(name: "C. de Araujo", capacity: "Directrice générale"),
            by: finance)
        guard let contract = signing.contract else {
            throw KimpleError(.invalidArgument, "The quote was signed by both parties but no contract was created.")
        }
        let period = contract.schedule.period(0)
        let licence = GamesLicence(
            licensee: DemoWorld.brand, territory: territory.countries, validFrom: paris.startOfDay(period.first),
            validUntil: paris.startOfDay(period.last.adding(days: 1)))

        // Monthly invoices; January's paid on time, February's three weeks late.
        var invoices: [Invoice] = []
        for month in ["2026-01-01", "2026-02-01", "2026-03-01"] {
            clock.set(paris.instant(try day(month), try LocalTime(hour: 8)))
            invoices += try await contracts.runDueTasks(by: finance).invoices
            if month == "2026-01-01", let first = invoices.first {
                clock.set(at("2026-01-20T10:00:00Z"))
                try await contracts.recordPayment(
                    first.number, amount: first.totals.totalAmount, receivedOn: try day("2026-01-20"),
                    reference: "VIR-0120", by: finance)
            }
        }
        guard invoices.count >= 2 else {
            throw KimpleError(.invalidArgument, "The contract should have invoiced January and February.")
        }
        let late = invoices[1]
        clock.set(at("2026-03-24T10:00:00Z"))
        try await contracts.recordPayment(
            late.number, amount: late.totals.totalAmount, receivedOn: try day("2026-03-24"), reference: "VIR-0324",
            by: finance)
        let charges = try await contracts.lateChargesStatement(late.number, asOf: try day("2026-03-24"))
        return (
            DemoSummary.Contract(
                quote: quote.id.rawValue, contract: contract.id.rawValue,
                licence:
                    "licence 1,000.00 EUR excl. VAT a month, \(period.first) to \(period.last), territory FR and BE",
                invoices: invoices.count, lateInvoice: "\(late.number)", dueOn: "\(late.dueDate)",
                paidOn: "2026-03-24", interest: charges.interest.interest.formatted(.french),
                interestDetail: charges.interest.segments.map { "\($0.days) days at \($0.annualRate)" }
                    .joined(separator: ", "),
                indemnity: charges.indemnity.formatted(.french)),
            licence
        )
    }

    // MARK: - The controller's instruction (P-1, P-2)

    private func recordInstruction() async throws {
        clock.set(at("2026-05-04T09:00:00Z"))
        _ = try await world.privacy.instructions.record(
            InstructionTerms(
                author: InstructionAuthor(
                    name: "Jeanne Martin", role: "Head of marketing", contact: "jeanne@brand.example"),
                givenAt: clock.now, reference: "Contract annex 1",
                text: "Run the June instant win and sweepstakes; keep entries 6 months; exports to Brand SA only.",
                purposes: [.participation, .fraudPrevention, .winnerSelection, .export, .statistics],
                categories: [.identity, .contact, .participation, .online, .postalAddress], retention: .months(6),
                recipients: [TransferRecipient(name: "Brand SA", country: "FR", role: .controller)]),
            id: DemoWorld.instruction, by: .user("jeanne"))
    }

    // MARK: - Two operations (G-1, G-2, G-3, G-6, G-7, G-9)

    struct Operations {
        var instantSeed: DrawSeed
        var drawSeed: DrawSeed
    }

    private static let rules = Array(
        "Règlement des jeux Brand SA de juin 2026 : participation gratuite, sans obligation d'achat.".utf8)

    private func openOperations(licence: GamesLicence) async throws -> Operations {
        clock.set(at("2026-05-20T09:00:00Z"))
        let form = EntryForm(
            fields: [
                FormField(name: "email", label: "E-mail", type: .email),
                FormField(name: "first_name", label: "First name", type: .text, maximumLength: 50, category: .name),
                FormField(name: "birth_date", label: "Birth date", type: .birthDate),
                FormField(name: "country", label: "Country of residence", type: .country),
            ],
            consents: [.rules(), .marketing(text: "I want news from Brand SA.")], honeypotField: "website")
        let audience = AudienceDeclaration(expectedParticipants: max(150_000, options.participants * 2))
        let document = RulesDocument(title: "Règlement", bytes: Self.rules)
        func operation(_ id: OperationID, _ kind: OperationKind, _ title: String, _ prizes: [Prize]) -> GameOperation {
            GameOperation(
                id: id, tenant: DemoWorld.tenant, advertiser: DemoWorld.brand, kind: kind, title: title,
                opensAt: opensAt, closesAt: closesAt, eligibleCountries: ["FR", "BE"], form: form,
                emailFolding: .all, prizes: prizes, rules: document, audience: audience,
                instruction: DemoWorld.instruction)
        }
        let instant = operation(
            DemoWorld.instantWin, .instantWin, "June instant win",
            [
                Prize(id: "voucher", name: "A 20 EUR voucher", quantity: 40, unitValue: try Money.eur("20.00")),
                Prize(id: "headphones", name: "Wireless headphones", quantity: 5, unitValue: try Money.eur("89.00")),
            ])
        let sweepstakes = operation(
            DemoWorld.sweepstakes, .randomDraw, "June sweepstakes",
            [Prize(id: "bike", name: "An electric bike", quantity: 3, unitValue: try Money.eur("1899.00"))])

        // The instant-win moments, drawn from a secret seed and committed before opening (G-6).
        let instantSeed = DrawSeed.random()
        let schedule = try InstantWinSchedule.generate(
            operation: instant.id, opensAt: opensAt, closesAt: closesAt,
            prizes: [
                InstantWinPrize(code: "voucher", quantity: 40),
                InstantWinPrize(code: "headphones", quantity: 5, priority: 1),
            ],
            marginAtStart: 3_600, marginAtEnd: 3_600, seed: instantSeed)
        _ = try await world.instantWins.commit(schedule, by: staff)
        // The draw: SHA-256 of a secret seed published before closing (G-7).
        let drawSeed = DrawSeed.random()
        _ = try await world.draws.commit(
            operation: sweepstakes.id, rules: DrawRules(winners: 3, reserves: 5),
            rulesDocumentSHA256: SHA256.hash(Self.rules), commitment: drawSeed.commitment, closesAt: closesAt,
            by: staff)
        for operation in [instant, sweepstakes] {
            try await world.operations.create(operation, by: staff)
            try await world.operations.schedule(operation.id, under: licence, by: staff)
        }
        return Operations(instantSeed: instantSeed, drawSeed: drawSeed)
    }

    // MARK: - June's participants (G-4, G-5, G-6, G-10)

    struct IntakeTally: Sendable {
        var submitted = 0
        var accepted = 0
        var won = 0
        var refused: [String: Int] = [:]
        var robots = 0
        var people = 0

        /// Duplicates refused, by the way the address was written again.
        var duplicates: [String: Int] = [:]

        mutating func add(_ result: IntakeResult, kind: DemoPopulation.Kind) {
            submitted += 1
            if let participation = result.accepted {
                accepted += 1
                if case .won = participation.outcome { won += 1 }
            } else if let error = result.rejection {
                refused[error.code.rawValue, default: 0] += 1
                if error.code == .participationDuplicate {
                    let variant: String
                    switch kind {
                    case .subAddress: variant = "+tag addresses"
                    case .gmailDots: variant = "Gmail dots moved"
                    case .secondTry: variant = "same address again"
                    default: variant = "other"
                    }
                    duplicates[variant, default: 0] += 1
                }
            }
        }

        mutating func merge(_ other: IntakeTally) {
            submitted += other.submitted
            accepted += other.accepted
            won += other.won
            refused.merge(other.refused, uniquingKeysWith: +)
            duplicates.merge(other.duplicates, uniquingKeysWith: +)
        }
    }

    private func runJune(_ operations: Operations) async throws -> IntakeTally {
        let population = try DemoPopulation(
            submissions: options.participants, instantWin: DemoWorld.instantWin, sweepstakes: DemoWorld.sweepstakes,
            opensAt: opensAt, closesAt: closesAt, spot: spot)
        let planned = population.planned
        let inFlight = max(1, options.concurrency)
        let batch = inFlight * 2
        var tally = IntakeTally()
        tally.robots = population.robots
        tally.people = population.people
        let intake = world.intake
        var start = 0
        while start < planned.count {
            // A batch never holds one person twice for one operation: their submissions keep
            // their order (a second try never overtakes the first entry).
            var end = start
            var seen = Set<Int>()
            while end < planned.count, end - start < batch,
                planned[end].operation != DemoWorld.instantWin || seen.insert(planned[end].person).inserted
            {
                end += 1
            }
            // The clock stands at the batch's last instant while its submissions run together.
            clock.set(max(clock.now, planned[end - 1].at))
            let now = clock.now
            let slice = planned[start..<end]
            let batchTally = try await withThrowingTaskGroup(of: IntakeTally.self) { group in
                for lane in 0..<inFlight {
                    group.addTask {
                        var local = IntakeTally()
                        var index = slice.startIndex + lane
                        while index < slice.endIndex {
                            let planned = slice[index]
                            local.add(
                                try await intake.submit(population.submission(planned, now: now)), kind: planned.kind)
                            index += inFlight
                        }
                        return local
                    }
                }
                var all = IntakeTally()
                for try await local in group { all.merge(local) }
                return all
            }
            tally.merge(batchTally)
            start = end
            options.progress?(DemoProgress(submitted: start, total: planned.count))
        }
        try await intake.flushRobotEvents()
        return tally
    }

    // MARK: - June's service: maintenance, outages, incidents (A-1 to A-4)

    private func recordJuneService() async throws {
        let availability = world.availability
        clock.set(at("2026-07-01T06:00:00Z"))
        try await availability.recordMaintenance(
            try MaintenanceWindow(
                id: "upgrade-0607", kind: .scheduled, start: at("2026-06-07T01:00:00Z"),
                end: at("2026-06-07T03:00:00Z"), announcedAt: at("2026-05-28T09:00:00Z"),
                summary: "Database upgrade"))
        try await availability.recordMaintenance(
            try MaintenanceWindow(
                id: "patch-0618", kind: .emergency, start: at("2026-06-18T04:00:00Z"),
                end: at("2026-06-18T04:30:00Z"), summary: "Security patch of the front servers"))
        try await availability.recordOutage(
            try Outage(
                id: "spot-0610", start: at("2026-06-10T19:02:00Z"), end: at("2026-06-10T19:24:00Z"),
                summary: "Front servers saturated during the TV spot"))
        try await availability.recordOutage(
            try Outage(
                id: "failover-0623", start: at("2026-06-23T13:10:00Z"), end: at("2026-06-23T13:17:00Z"),
                summary: "Storage fail-over"))
        // A critical incident on a Friday evening, answered on Monday morning (3 business hours).
        _ = try await availability.declareIncident(
            try Incident(
                id: "inc-0612", declaredAt: at("2026-06-12T15:00:00Z"), severity: .critical,
                description: "Participation pages return errors for every visitor"))
        _ = try await availability.recordIntervention("inc-0612", at: at("2026-06-15T08:40:00Z"))
        _ = try await availability.resolveIncident("inc-0612", at: at("2026-06-15T10:05:00Z"))
        // A minor one: one function unusable (3 business days).
        _ = try await availability.declareIncident(
            try Incident(
                id: "inc-0624", declaredAt: at("2026-06-24T09:30:00Z"), severity: .minor,
                description: "The CSV export of participants times out"))
        _ = try await availability.recordIntervention("inc-0624", at: at("2026-06-26T14:00:00Z"))
        _ = try await availability.resolveIncident("inc-0624", at: at("2026-06-26T16:00:00Z"))
    }

    // MARK: - Closing, the draw, the replacement (G-7)

    private func closeAndDraw(_ operations: Operations) async throws -> DemoSummary.Draw {
        clock.set(at("2026-07-01T08:00:00Z"))
        try await world.operations.advance()
        let entries = try await FrozenEntryList.freezing(
            try await DrawEntries.list(of: DemoWorld.sweepstakes, in: world.participations))
        _ = try await world.draws.freeze(
            operation: DemoWorld.sweepstakes, entries: entries, by: staff, instruction: DemoWorld.instruction)
        let drawn = try await world.draws.draw(
            operation: DemoWorld.sweepstakes, seed: operations.drawSeed, entries: entries, by: staff,
            instruction: DemoWorld.instruction)
        guard drawn.winners.count >= 2, let replacementReserve = drawn.reserves.first else {
            throw KimpleError(.drawOutOfOrder, "The draw has too few entries for the demo (two winners and a reserve).")
        }
        // Two days later: the second winner turns out to be ineligible.
        clock.set(at("2026-07-03T08:00:00Z"))
        let reason = "ineligible: employee of the brand's advertising agency"
        let replacement = try await world.draws.disqualify(
            operation: DemoWorld.sweepstakes, entryID: drawn.winners[1].entryID, reason: reason, by: staff)
        guard let certificate = try await world.draws.certificate(DemoWorld.sweepstakes) else {
            throw KimpleError(.drawNotFound, "The certificate was not stored.")
        }
        // Publish the certificate and the entry list: with them and Documentation/DrawAlgorithm.md,
        // anyone reproduces the draw.
        let json = try certificate.jsonData()
        try json.write(to: files.certificate)
        _ = try await world.exports.exportEntryList(
            entries, operation: DemoWorld.sweepstakes, to: try FileExportSink(url: files.entryList), by: staff,
            instruction: DemoWorld.instruction)
        let verified = try DemoCampaign.verifyPublishedDraw(files, stored: certificate)
        return DemoSummary.Draw(
            entries: certificate.entryList.count, entryListSHA256: certificate.entryList.sha256.hex,
            commitment: operations.drawSeed.sha256.hex, seed: certificate.seed.hex,
            certificateSHA256: SHA256.hash(json).hex, winners: drawn.winners.map(\.entryID),
            reserves: drawn.reserves.map(\.entryID), disqualified: replacement.disqualified.entryID, reason: reason,
            replacement: replacement.replacement?.entryID ?? replacementReserve.entryID,
            standingWinners: certificate.standingWinners.map { $0?.entryID ?? "vacant" }, verified: verified)
    }

    // MARK: - The instant win's prizes

    private func instantWinPrizes(_ operations: Operations) async throws -> [DemoSummary.PrizeLine] {
        _ = try await world.instantWins.reveal(DemoWorld.instantWin, seed: operations.instantSeed, by: staff)
        let report = try await world.instantWins.report(DemoWorld.instantWin)
        return report.prizes.map { DemoSummary.PrizeLine(prize: $0.prize, stock: $0.stock, awarded: $0.awarded) }
    }

    /// How many of `awards` have a receipt that support's one call finds genuine (G-14).
    private func genuineReceipts(of awards: [InstantWinAward]) async throws -> Int {
        var genuine = 0
        for award in awards {
            let receipt = world.brand.receipts.receipt(for: award)
            if case .genuine = try await world.brand.receipts.verify(receipt.code) { genuine += 1 }
        }
        return genuine
    }

    // MARK: - Exports (G-11, P-8)

    private func exportParticipants() async throws {
        let operation = try await world.operations.operation(DemoWorld.sweepstakes)
        _ = try await world.exports.exportParticipants(
            of: operation, from: world.participations, format: .csv, by: staff,
            destination: TransferDestination(country: "FR", recipient: "Brand SA"),
            to: try FileExportSink(url: files.participantsCSV))
    }

    // MARK: - A data subject's erasure request (P-3)

    private func eraseOnRequest() async throws -> DemoSummary.Erasure {
        clock.set(at("2026-07-02T09:00:00Z"))
        // Person 17 played the instant win only (and came back), so no draw result depends on them.
        let requests = world.privacy.requests
        let request = try await requests.receive(
            .erasure, subject: .email(DemoPopulation.email(of: 17)), channel: "e-mail to Brand SA's DPO",
            by: .host("dpo-desk"))
        try await requests.decide(
            request.id,
            ControllerDecision(outcome: .execute, actions: [.erase], decidedBy: "Jeanne Martin", decidedAt: clock.now),
            by: .user("jeanne"))
        let execution = try await requests.execute(request.id, by: .system("privacy.requests"))
        let holders = execution.proof.findings.holders
        return DemoSummary.Erasure(
            request: request.id.rawValue, found: holders.map(\.foundRecordIDs.count).reduce(0, +),
            erased: holders.map(\.erasedRecordIDs.count).reduce(0, +), complete: execution.proof.erasureComplete)
    }

    // MARK: - June's service report (A-1, A-2, A-6)

    private func writeServiceReport() async throws -> DemoSummary.Availability {
        let report = try await world.availability.monthlyReport(try CalendarMonth("2026-06"))
        try Data(report.markdown().utf8).write(to: files.serviceReport)
        let month = report.availability
        return DemoSummary.Availability(
            rate: month.formula.components(separatedBy: " = ").last ?? month.formula, formula: month.formula,
            met: month.isMet, outages: report.outages.count,
            maintenanceWindows: report.maintenance.count,
            incidents: report.incidents.map {
                "\($0.response.incident.id) (\($0.response.incident.severity.rawValue), "
                    + "\($0.response.status.rawValue.map { $0.isUppercase ? " " + $0.lowercased() : String($0) }.joined()))"
            })
    }
}
