import Foundation
import KimpleAvailability
import KimpleCore
import KimpleGames
import KimplePrivacy
import KimpleTesting

/// `kimple-bench soak`: a mixed workload on the file store for a given time, with a restart
/// of every store between two simulated weeks, checking the invariants as it goes.
///
/// Each simulated week (an *epoch*): an instant-win operation and a random-draw operation
/// open on Monday and close on Friday; the week's people enter both, with duplicates,
/// sub-address and Gmail-dot variants of earlier addresses and a robot burst; then the
/// draw is committed (before opening), frozen, drawn, checked by recomputation and one
/// winner disqualified; the participants are exported; one person's erasure request is
/// executed; the retention sweep runs (entries are kept one month); outages, maintenance
/// and an incident feed the month's service report. Then every store is closed and opened
/// again, and the checks run on what was read back.
///
/// It stops at the first broken invariant with exit code 1 and prints what broke.
enum Soak {
    struct Options {
        var minutes = 10.0
        var peoplePerWeek = 20_000
        var inFlight = 64
        var data: URL?

        static let usage = """
            usage: kimple-bench soak [--minutes N] [--people N] [--in-flight N] [--data DIR]
              --minutes N    how long to run (default 10)
              --people N     people entering each simulated week (default 20000)
              --in-flight N  concurrent submissions (default 64)
              --data DIR     keep the store in DIR (default: a temporary directory, removed at the end)
            """

        init(arguments: [String]) throws {
            var rest = arguments[...]
            func value(_ name: String) throws -> String {
                guard let next = rest.popFirst() else { throw SoakError.usage("\(name) needs a value") }
                return next
            }
            while let argument = rest.popFirst() {
                switch argument {
                case "--minutes":
                    guard let n = Double(try value(argument)), n > 0 else { throw SoakError.usage("bad --minutes") }
                    minutes = n
                case "--people":
                    guard let n = Int(try value(argument)), n >= 100 else { throw SoakError.usage("bad --people") }
                    peoplePerWeek = n
                case "--in-flight":
                    guard let n = Int(try value(argument)), n >= 1 else { throw SoakError.usage("bad --in-flight") }
                    inFlight = n
                case "--data": data = URL(fileURLWithPath: try value(argument))
                default: throw SoakError.usage("unknown option \(argument)")
                }
            }
        }
    }

    enum SoakError: Error, CustomStringConvertible {
        case usage(String)
        case invariant(String)

        var description: String {
            switch self {
            case .usage(let message): "\(message)\n\(Options.usage)"
            case .invariant(let message): "INVARIANT BROKEN: \(message)"
            }
        }
    }

    /// What the soak expects of one week's operations, kept until retention erases them.
    struct Week {
        var number: Int
        var start: Date
        var end: Date
        var operations: [OperationID]
        /// Accepted and not erased by a subject request.
        var expected: Int
    }

    /// Running totals of the whole soak.
    struct Totals {
        var submissions = 0
        var accepted = 0
        var refused: [String: Int] = [:]
        var awards = 0
        var draws = 0
        var disqualifications = 0
        var exportedRows = 0
        var erasureRequests = 0
        var erasedByRequests = 0
        var erasedByRetention = 0
        var serviceReports = 0
        var restarts = 0
        var evidenceEntries: UInt64 = 0
        var checks = 0
    }

    static let tenant: TenantID = "soak"
    static let instruction: InstructionID = "soak-campaigns"
    static let staff = Principal.user("soak")
    static let brand = Advertiser(name: "Soak SA", registration: "FR-SOAK-1")
    static let firstMonday = Date(timeIntervalSince1970: 1_767_571_200)  // 2026-01-05T00:00:00Z
    static let browser =
        "Mozilla/5.0 (Linux; Android 14; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Mobile Safari/537.36"

    static func run(arguments: [String]) async throws {
        let options = try Options(arguments: arguments)
        let root =
            options.data
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "kimple-soak-\(UUID().uuidString.prefix(8))")
        defer { if options.data == nil { try? FileManager.default.removeItem(at: root) } }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        print(
            "soak: \(options.minutes) min, \(options.peoplePerWeek) people a week, \(options.inFlight) in flight, store \(root.path)"
        )
        let wall = ContinuousClock()
        let started = wall.now
        let deadline = started.advanced(by: .seconds(options.minutes * 60))
        let clock = ManualClock(firstMonday)
        var totals = Totals()
        var weeks: [Week] = []
        var anchor: EvidenceHead?
        let rssAtStart = GamesBench.residentMiB()
        var rssAfterFirstWeeks = 0.0
        var rssPeak = rssAtStart
        var week = 0
        while wall.now < deadline {
            let weekStart = firstMonday.addingTimeInterval(Double(week) * 7 * 86_400)
            clock.set(weekStart)
            let session = try await Session.open(root: root, clock: clock, first: week == 0)
            do {
                // After a restart: everything acknowledged before is read back.
                if week > 0 {
                    totals.restarts += 1
                    try await session.checkAfterRestart(weeks: weeks, anchor: anchor, totals: &totals)
                }
                let result = try await session.runWeek(week, start: weekStart, options: options, totals: &totals)
                weeks.append(result)
                try await session.sweepRetention(weeks: &weeks, totals: &totals)
                try await session.serviceReport(week: week, start: weekStart, totals: &totals)
                let verification = try await session.privacy.evidence.verify(against: anchor)
                try expect(verification.isIntact, "evidence log: \(verification.problem.map(\.detail) ?? "")")
                totals.checks += 1
                anchor = verification.head
                totals.evidenceEntries = verification.entriesChecked
                _ = try await session.outbox.deliverPending { _ in }
            } catch {
                session.close()
                throw error
            }
            session.close()
            week += 1
            let rss = GamesBench.residentMiB()
            rssPeak = max(rssPeak, rss)
            if week == 8 { rssAfterFirstWeeks = rss }
            let elapsed = Bench.seconds(wall.now - started)
            print(
                String(
                    format: "week %3d  %6.0f s  submissions %9d  accepted %9d  awards %5d  evidence %7d  RSS %6.1f MiB",
                    week, elapsed, totals.submissions, totals.accepted, totals.awards, totals.evidenceEntries, rss))
        }
        // A last restart, and the checks on what a new process would read.
        let final = try await Session.open(root: root, clock: clock, first: false)
        do {
            try await final.checkAfterRestart(weeks: weeks, anchor: anchor, totals: &totals)
            totals.restarts += 1
        } catch {
            final.close()
            throw error
        }
        final.close()
        let seconds = Bench.seconds(wall.now - started)
        let rssAtEnd = GamesBench.residentMiB()
        print("\nsoak finished: \(String(format: "%.1f", seconds / 60)) min, \(week) simulated weeks")
        print("  submissions \(totals.submissions), accepted \(totals.accepted)")
        print(
            "  refused: "
                + totals.refused.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print(
            "  instant-win awards \(totals.awards), draws \(totals.draws) (each recomputed), disqualifications \(totals.disqualifications)"
        )
        print(
            "  exported rows \(totals.exportedRows), erasure requests \(totals.erasureRequests) "
                + "(\(totals.erasedByRequests) entries), erased by retention \(totals.erasedByRetention), "
                + "service reports \(totals.serviceReports)")
        print(
            "  restarts \(totals.restarts), evidence entries \(totals.evidenceEntries), invariant checks \(totals.checks)"
        )
        print("  records lost: 0 (every check passed)")
        let warm = week >= 8 ? String(format: ", after 8 weeks (retention steady) %.1f MiB", rssAfterFirstWeeks) : ""
        print(
            String(format: "  RSS: start %.1f MiB", rssAtStart) + warm
                + String(format: ", end %.1f MiB, peak %.1f MiB", rssAtEnd, rssPeak))
    }

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw SoakError.invariant(message()) }
    }

    /// Every store and service of the soak's tenant, opened on the file store.
    final class Session {
        let storage: FileStorage
        let outbox: FileOutbox
        let clock: ManualClock
        let privacy: TenantPrivacy
        let operations: OperationService
        let operationStore: DocumentOperationStore
        let participations: FileParticipationStore
        let ledger: FileInstantWinLedger
        let instantWins: InstantWinService
        let draws: DrawService
        let intake: IntakeService
        let exports: ExportService
        let availability: AvailabilityService

        private init(
            storage: FileStorage, outbox: FileOutbox, clock: ManualClock, privacy: TenantPrivacy,
            operations: OperationService, operationStore: DocumentOperationStore,
            participations: FileParticipationStore, ledger: FileInstantWinLedger, instantWins: InstantWinService,
            draws: DrawService, intake: IntakeService, exports: ExportService, availability: AvailabilityService
        ) {
            self.storage = storage
            self.outbox = outbox
            self.clock = clock
            self.privacy = privacy
            self.operations = operations
            self.operationStore = operationStore
            self.participations = participations
            self.ledger = ledger
            self.instantWins = instantWins
            self.draws = draws
            self.intake = intake
            self.exports = exports
            self.availability = availability
        }

        static func open(root: URL, clock: ManualClock, first: Bool) async throws -> Session {
            let storage = try FileStorage(root: root)
            do {
                let outbox = try FileOutbox(directory: root.appendingPathComponent("outbox"), clock: clock)
                let tenantStorage = storage.tenant(Soak.tenant)
                let subProcessors = SubProcessorRegistry(
                    store: try await storage.documentStore(tenant: "platform", name: "sub-processors"),
                    evidence: try await EvidenceLog.open(storage.tenant("platform"), clock: clock), transport: outbox,
                    clock: clock)
                let hosting = SubProcessor(
                    recipient: TransferRecipient(name: "Hosting", country: "FR", role: .subProcessor),
                    processing: "Hosting", activities: [.hosting, .collection],
                    guarantees: ["Data processing agreement"])
                if first { try await subProcessors.agreeInitialList([hosting], by: .host("soak")) }
                let privacy = try await TenantPrivacy.open(
                    storage: tenantStorage, transport: outbox, clock: clock,
                    configuration: PrivacyConfiguration(
                        processor: PartyProfile(
                            name: "Processor", address: "Roubaix, France", contact: "dpo@p.example"),
                        hosting: [HostingSite(provider: "Hosting", country: "FR", activities: [.hosting, .collection])]),
                    subProcessors: subProcessors)
                if first {
                    try await privacy.setController(
                        PartyProfile(name: "Soak SA", address: "Paris", contact: "dpo@soak.example"))
                    _ = try await privacy.instructions.record(
                        InstructionTerms(
                            author: InstructionAuthor(name: "Soak", role: "Marketing", contact: "m@soak.example"),
                            givenAt: clock.now, reference: "soak", text: "Weekly games; keep entries one month.",
                            purposes: [.participation, .fraudPrevention, .winnerSelection, .export, .statistics],
                            categories: [.identity, .contact, .participation, .online], retention: .months(1),
                            recipients: [TransferRecipient(name: "Soak SA", country: "FR", role: .controller)]),
                        id: Soak.instruction, by: Soak.staff)
                }
                let operationStore = try await DocumentOperationStore.open(tenantStorage)
                let operations = try OperationService(
                    store: operationStore, evidence: privacy.evidence, gate: privacy.gate,
                    contentCheck: TermListContentCheck(terms: ["casino"]), clock: clock)
                let participations = try FileParticipationStore.open(in: storage, tenant: Soak.tenant, clock: clock)
                let robotEvents = try await RobotEventJournal.open(tenantStorage, clock: clock)
                let ledger = try FileInstantWinLedger.open(storage, tenant: Soak.tenant)
                let intake = try IntakeService(
                    operations: operationStore, participations: participations, robotEvents: robotEvents,
                    gate: privacy.gate, transport: outbox,
                    identitySecret: IdentitySecret(Array("the soak's identity secret, 32 B".utf8)), clock: clock,
                    decider: InstantWinOutcomeDecider(tenant: Soak.tenant, ledger: ledger, gate: privacy.gate),
                    configuration: IntakeConfiguration(keepsSource: true))
                for holder in try ParticipantRobotEvents.holders(
                    participations: participations, robotEvents: robotEvents)
                {
                    try privacy.holders.register(holder, instruction: Soak.instruction)
                }
                return Session(
                    storage: storage, outbox: outbox, clock: clock, privacy: privacy, operations: operations,
                    operationStore: operationStore, participations: participations, ledger: ledger,
                    instantWins: InstantWinService(ledger: ledger, evidence: privacy.evidence, clock: clock),
                    draws: try await DrawService.open(
                        tenantStorage, evidence: privacy.evidence, gate: privacy.gate, clock: clock),
                    intake: intake,
                    exports: ExportService(
                        tenant: Soak.tenant, gate: privacy.gate, evidence: privacy.evidence, clock: clock),
                    availability: AvailabilityService(
                        store: try await FileAvailabilityStore.open(tenantStorage), clock: clock,
                        robotEvents: robotEvents, evidence: privacy.evidence))
            } catch {
                storage.close()
                throw error
            }
        }

        func close() {
            outbox.close()
            storage.close()
        }

        /// Reads back what earlier weeks left: entries (minus erasures), uniqueness of people.
        func checkAfterRestart(weeks: [Week], anchor: EvidenceHead?, totals: inout Totals) async throws {
            let verification = try await privacy.evidence.verify(against: anchor)
            try expect(verification.isIntact, "evidence log after restart: \(verification.problem.map(\.detail) ?? "")")
            try expect(
                verification.head?.index ?? 0 >= anchor?.index ?? 0, "evidence log shorter after restart")
            totals.checks += 1
            for week in weeks {
                var stored = 0
                for operation in week.operations {
                    stored += try await participations.entryCount(of: operation)
                }
                try expect(
                    stored == week.expected,
                    "week \(week.number): \(stored) entries read back after restart, \(week.expected) acknowledged and not erased"
                )
                totals.checks += 1
            }
        }

        /// One simulated week of both operations.
        func runWeek(_ number: Int, start: Date, options: Options, totals: inout Totals) async throws -> Week {
            let opensAt = start.addingTimeInterval(8 * 3_600)
            let closesAt = start.addingTimeInterval(4 * 86_400 + 20 * 3_600)
            let form = EntryForm(
                fields: [
                    FormField(name: "email", label: "E-mail", type: .email),
                    FormField(name: "first_name", label: "First name", type: .text, maximumLength: 50, category: .name),
                    FormField(name: "birth_date", label: "Birth date", type: .birthDate),
                ], consents: [.rules()], honeypotField: "website")
            let rules = RulesDocument(title: "Règlement", bytes: Array("Règlement de la semaine \(number)".utf8))
            let folding = EmailFolding(subAddresses: true, gmailDots: true)
            let instant = KimpleGames.Operation(
                id: OperationID(rawValue: "w\(number)-instant") ?? "instant", tenant: Soak.tenant,
                advertiser: Soak.brand, kind: .instantWin, title: "Week \(number) instant win", opensAt: opensAt,
                closesAt: closesAt, form: form, emailFolding: folding,
                prizes: [
                    Prize(id: "voucher", name: "Voucher", quantity: 40, unitValue: Money(cents: 2_000)),
                    Prize(id: "phone", name: "Phone", quantity: 3, unitValue: Money(cents: 69_900)),
                ], rules: rules, instruction: Soak.instruction)
            var sweepstakes = instant
            sweepstakes.id = OperationID(rawValue: "w\(number)-draw") ?? "draw"
            sweepstakes.kind = .randomDraw
            sweepstakes.title = "Week \(number) sweepstakes"
            sweepstakes.prizes = [Prize(id: "trip", name: "A trip", quantity: 2, unitValue: Money(cents: 300_000))]

            let seed = DrawSeed.random()
            let schedule = try InstantWinSchedule.generate(
                operation: instant.id, opensAt: opensAt, closesAt: closesAt,
                prizes: [
                    InstantWinPrize(code: "voucher", quantity: 40),
                    InstantWinPrize(code: "phone", quantity: 3, priority: 1),
                ], marginAtStart: 600, marginAtEnd: 600, seed: seed)
            _ = try await instantWins.commit(schedule, by: Soak.staff)
            let drawSeed = DrawSeed.random()
            _ = try await draws.commit(
                operation: sweepstakes.id, rules: DrawRules(winners: 2, reserves: 5),
                rulesDocumentSHA256: rules.sha256, commitment: drawSeed.commitment, closesAt: closesAt, by: Soak.staff)
            let licence = GamesLicence(licensee: Soak.brand, territory: ["FR"])
            for operation in [instant, sweepstakes] {
                try await operations.create(operation, by: Soak.staff)
                try await operations.schedule(operation.id, under: licence, by: Soak.staff)
            }
            clock.set(opensAt)
            try await operations.advance()

            // The week's stream: every person enters both operations; 1 in 10 comes back, 1 in
            // 30 comes back under a sub-address or Gmail-dot variant, 1 in 100 is a robot.
            let people = options.peoplePerWeek
            var submissions: [ParticipationSubmission] = []
            submissions.reserveCapacity(people * 2 + people / 5)
            let formStarted = opensAt.addingTimeInterval(-60)
            // A robot burst at opening: one source, new addresses, forms filled in no time.
            for n in 0..<max(50, people / 100) {
                submissions.append(
                    ParticipationSubmission(
                        operation: instant.id,
                        fields: [
                            "email": .text("bot\(n).w\(number)@example.net"), "first_name": .text("Bot"),
                            "birth_date": .text("1990-01-01"), "rules": true,
                        ],
                        context: SubmissionContext(
                            source: "203.0.113.66", userAgent: Soak.browser, formStartedAt: opensAt)))
            }
            for n in 0..<people {
                // People n ≡ 7 (mod 30) use a Gmail address with dots; n ≡ 28 comes back as
                // person n − 21 without the dots, n ≡ 29 as person n − 29 with a sub-address.
                let email: String
                switch n % 30 {
                case 7: email = "jean.dupont.w\(number)n\(n)@gmail.com"
                case 28 where n > 30: email = "jeandupontw\(number)n\(n - 21)@gmail.com"
                case 29 where n > 30: email = "p\(number).\(n - 29)+promo@example.com"
                case _ where n % 10 == 9 && n > 20: email = "p\(number).\(n - 9)@example.com"
                default: email = "p\(number).\(n)@example.com"
                }
                var fields: [String: FieldInput] = [
                    "email": .text(email), "first_name": .text("Person \(n)"),
                    "birth_date": .text("19\(60 + n % 40)-0\(1 + n % 9)-1\(n % 10)"), "rules": true,
                ]
                var agent = Soak.browser
                if n % 100 == 50 {
                    if n % 200 == 50 {
                        fields["website"] = "http://spam.example"
                    } else {
                        agent = "Apache-JMeter/5.6.3"
                    }
                }
                let context = SubmissionContext(
                    source: "10.\(number % 200).\(n / 256 % 256).\(n % 256)", userAgent: agent,
                    formStartedAt: formStarted)
                submissions.append(ParticipationSubmission(operation: instant.id, fields: fields, context: context))
                submissions.append(ParticipationSubmission(operation: sweepstakes.id, fields: fields, context: context))
            }
            let window = closesAt.timeIntervalSince(opensAt) - 60
            let tally = try await submitAll(
                submissions, inFlight: options.inFlight, from: opensAt, over: window)
            totals.submissions += submissions.count
            totals.accepted += tally.accepted
            for (code, count) in tally.refused { totals.refused[code, default: 0] += count }
            try await intake.flushRobotEvents()

            // accepted = stored, and each person at most once per operation.
            var stored = 0
            for operation in [instant.id, sweepstakes.id] {
                var people = Set<IdentityKey>()
                var count = 0
                try await participations.forEachEntry(of: operation) { (entry: ParticipationEntry) -> Void in
                    people.insert(entry.identity)
                    count += 1
                }
                try expect(count == people.count, "\(operation): \(count - people.count) people entered twice")
                stored += count
            }
            try expect(stored == tally.accepted, "week \(number): \(tally.accepted) accepted but \(stored) stored")
            totals.checks += 2

            // Instant wins: awards ≤ stock, one per entry and moment, every announced win kept.
            let awards = try await ledger.awards(for: instant.id)
            let byPrize = Dictionary(grouping: awards, by: \.prize).mapValues(\.count)
            try expect((byPrize["voucher"] ?? 0) <= 40 && (byPrize["phone"] ?? 0) <= 3, "awards over stock: \(byPrize)")
            try expect(Set(awards.map(\.entryID)).count == awards.count, "an entry won twice")
            try expect(Set(awards.map(\.momentIndex)).count == awards.count, "a moment was awarded twice")
            try expect(
                tally.wins.isSubset(of: Set(awards.map(\.entryID))) && tally.wins.count == awards.count,
                "\(tally.wins.count) wins announced, \(awards.count) in the ledger")
            totals.awards += awards.count
            totals.checks += 4

            // Close; the draw: freeze, draw, recompute, disqualify the first winner.
            clock.set(closesAt.addingTimeInterval(3_600))
            try await operations.advance()
            let entries = try await FrozenEntryList.freezing(
                try await DrawEntries.list(of: sweepstakes.id, in: participations))
            _ = try await draws.freeze(
                operation: sweepstakes.id, entries: entries, by: Soak.staff, instruction: Soak.instruction)
            let certificate = try await draws.draw(
                operation: sweepstakes.id, seed: drawSeed, entries: entries, by: Soak.staff,
                instruction: Soak.instruction)
            if let first = certificate.winners.first {
                let replacement = try await draws.disqualify(
                    operation: sweepstakes.id, entryID: first.entryID, reason: "Soak check: rules broken",
                    by: Soak.staff)
                try expect(
                    replacement.replacement?.entryID == certificate.reserves.first?.entryID,
                    "the first reserve was not promoted")
                totals.disqualifications += 1
            }
            // Anyone holding the certificate and the entry list recomputes the draw and its replacements.
            guard let published = try await draws.certificate(sweepstakes.id) else {
                throw SoakError.invariant("the certificate of week \(number) is not stored")
            }
            do {
                try published.verify(entries: entries)
            } catch {
                throw SoakError.invariant("the draw of week \(number) does not recompute: \(error)")
            }
            _ = try await instantWins.reveal(instant.id, seed: seed, by: Soak.staff)
            totals.draws += 1
            totals.checks += 2

            // The export reads back exactly what is stored.
            let exportFile = storage.root.appendingPathComponent("week-export.csv")
            let receipt = try await exports.exportParticipants(
                of: try await operations.operation(sweepstakes.id), from: participations, format: .csv,
                by: Soak.staff, destination: TransferDestination(country: "FR", recipient: "Soak SA"),
                to: try FileExportSink(url: exportFile))
            let drawEntries = try await participations.entryCount(of: sweepstakes.id)
            try expect(receipt.rows == drawEntries, "export: \(receipt.rows) rows for \(drawEntries) entries")
            try? FileManager.default.removeItem(at: exportFile)
            totals.exportedRows += receipt.rows
            totals.checks += 1

            // One person asks for erasure.
            let subject = "p\(number).\(people / 2)@example.com"
            let request = try await privacy.requests.receive(
                .erasure, subject: .email(subject), channel: "e-mail", by: .host("dpo-desk"))
            try await privacy.requests.decide(
                request.id,
                ControllerDecision(outcome: .execute, actions: [.erase], decidedBy: "DPO", decidedAt: clock.now),
                by: .user("dpo"))
            let execution = try await privacy.requests.execute(request.id, by: .system("privacy.requests"))
            try expect(execution.proof.erasureComplete, "erasure of \(subject) incomplete")
            let erased =
                execution.proof.findings.holders.first { $0.holder == "games.participations" }?.erasedRecordIDs.count
                ?? 0
            try expect(erased == 2, "erasure of \(subject): \(erased) entries erased, 2 expected")
            totals.erasureRequests += 1
            totals.erasedByRequests += erased
            totals.checks += 2
            return Week(
                number: number, start: start, end: closesAt, operations: [instant.id, sweepstakes.id],
                expected: stored - erased)
        }

        /// What the submitters of one week were told.
        struct Tally {
            var accepted = 0
            var refused: [String: Int] = [:]
            var wins = Set<String>()
        }

        /// Submits in order with `inFlight` concurrent submitters, moving the clock across the
        /// window as the stream goes.
        private func submitAll(
            _ submissions: [ParticipationSubmission], inFlight: Int, from opensAt: Date, over window: Double
        ) async throws -> Tally {
            var tally = Tally()
            let batch = inFlight * 8
            var first = 0
            while first < submissions.count {
                let end = min(submissions.count, first + batch)
                clock.set(opensAt.addingTimeInterval(window * Double(first) / Double(submissions.count)))
                let slice = submissions[first..<end]
                let intake = self.intake
                try await withThrowingTaskGroup(of: Tally.self) { group in
                    for worker in 0..<inFlight {
                        group.addTask {
                            var local = Tally()
                            var index = slice.startIndex + worker
                            while index < slice.endIndex {
                                let result = try await intake.submit(slice[index])
                                if let accepted = result.accepted {
                                    local.accepted += 1
                                    if case .won = accepted.outcome { local.wins.insert(accepted.entry.rawValue) }
                                } else if let error = result.rejection {
                                    local.refused[error.code.rawValue, default: 0] += 1
                                }
                                index += inFlight
                            }
                            return local
                        }
                    }
                    for try await local in group {
                        tally.accepted += local.accepted
                        tally.wins.formUnion(local.wins)
                        for (code, count) in local.refused { tally.refused[code, default: 0] += count }
                    }
                }
                first = end
            }
            return tally
        }

        /// Runs the retention sweep at the end of the week, then checks it: no entry recorded
        /// before the cutoff is left, weeks wholly before it are empty and forgotten, and a
        /// week the cutoff cuts through is counted again.
        func sweepRetention(weeks: inout [Week], totals: inout Totals) async throws {
            clock.advance(by: 2 * 86_400)
            let report = try await privacy.retention.run()
            guard let outcome = report.outcomes.first(where: { $0.holder == "games.participations" }) else {
                throw SoakError.invariant("the retention sweep skipped the participations")
            }
            totals.erasedByRetention += outcome.recordsErased
            var kept: [Week] = []
            for var week in weeks {
                var count = 0
                var early = 0
                for operation in week.operations {
                    try await participations.forEachEntry(of: operation) { (entry: ParticipationEntry) -> Void in
                        count += 1
                        if entry.receivedAt < outcome.cutoff { early += 1 }
                    }
                }
                try expect(early == 0, "week \(week.number): \(early) entries older than the retention cutoff kept")
                try expect(count <= week.expected, "week \(week.number): more entries after the sweep than before")
                totals.checks += 2
                if week.end < outcome.cutoff {
                    try expect(count == 0, "week \(week.number) is past retention but \(count) entries remain")
                    continue
                }
                week.expected = count
                kept.append(week)
            }
            weeks = kept
        }

        /// Outages, maintenance and an incident of the week, and the month's service report.
        func serviceReport(week: Int, start: Date, totals: inout Totals) async throws {
            let outageStart = start.addingTimeInterval(2 * 86_400 + Double(week % 7) * 3_600)
            try await availability.recordOutage(
                try Outage(
                    id: OutageID(rawValue: "outage-w\(week)") ?? "outage", start: outageStart,
                    end: outageStart.addingTimeInterval(Double(60 + week % 5 * 120)), summary: "Soak outage"))
            let maintenanceStart = start.addingTimeInterval(6 * 86_400 + 3_600)
            try await availability.recordMaintenance(
                try MaintenanceWindow(
                    id: MaintenanceID(rawValue: "maintenance-w\(week)") ?? "maintenance", kind: .scheduled,
                    start: maintenanceStart, end: maintenanceStart.addingTimeInterval(3_600),
                    announcedAt: start.addingTimeInterval(-7 * 86_400), summary: "Weekly maintenance"))
            if week % 4 == 0 {
                let incident = try await availability.declareIncident(
                    try Incident(
                        id: IncidentID(rawValue: "incident-w\(week)") ?? "incident", declaredAt: clock.now,
                        severity: .minor, description: "Slow pages"))
                _ = try await availability.recordIntervention(incident.incident.id, at: clock.now)
            }
            let month = CalendarMonth(containing: FrenchCalendar.paris.civilDate(of: start))
            let report = try await availability.monthlyReport(month)
            if let rate = report.availability.rate {
                try expect(rate >= 0 && rate <= 100, "availability rate \(rate) % out of range")
            }
            totals.serviceReports += 1
            totals.checks += 1
        }
    }
}
