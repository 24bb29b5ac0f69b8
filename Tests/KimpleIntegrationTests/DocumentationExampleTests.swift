import Foundation
import KimpleCore
import KimpleGames
import KimplePrivacy
import KimpleTesting
import Testing

/// The Swift of `README.md` and `Documentation/GettingStarted.md` is code of this file: the tests
/// fail when the documents and this code drift apart, and they run the code.
@Suite("Documentation examples")
struct DocumentationExampleTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The imports the README's block shows above the function (this file has them at its top).
    static let readmeImports = "import Foundation\nimport KimpleCore\nimport KimpleGames\nimport KimplePrivacy\n\n"

    @Test func readmeShowsTheCompiledExample() throws {
        let blocks = try Self.swiftBlocks(in: "README.md")
        let example = Self.readmeImports + (try Self.region("README example"))
        #expect(blocks.contains(example), "README.md's integration example differs from runSweepstakes in this file")
    }

    @Test func gettingStartedShowsTheCompiledCode() throws {
        let blocks = try Self.swiftBlocks(in: "Documentation/GettingStarted.md")
        // The guide shows the function's body in steps, in order, and the README's function.
        let steps = try Self.region("Getting started")
        #expect(blocks.joined(separator: "\n") == steps, "GettingStarted.md's code differs from this file's")
    }

    // SPEC G-1, G-4, G-7, K-6
    @Test func theExampleRunsOnTheFileStore() async throws {
        try await withTemporaryDirectory { root in
            let (certificate, verification) = try await gettingStarted(root: root)
            #expect(certificate.entryList.count == 3)
            #expect(certificate.winners.count == 1)
            #expect(certificate.reserves.count == 2)
            #expect(verification.isIntact)
            // The layout GettingStarted.md shows.
            for directory in [
                "outbox/pending", "tenants/brand/logs/evidence", "tenants/brand/logs/participations",
                "tenants/brand/logs/robot-events", "tenants/brand/documents/operations",
                "tenants/brand/documents/privacy", "tenants/brand/documents/draws",
            ] {
                #expect(
                    FileManager.default.fileExists(atPath: root.appendingPathComponent(directory).path), "\(directory)")
            }
        }
    }

    /// The fenced Swift blocks of a Markdown file of the repository, each ending with a newline.
    static func swiftBlocks(in path: String) throws -> [String] {
        let text = try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```swift" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append((current ?? []).joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    /// The lines of this file between `// <name>: begin` and `// <name>: end`.
    static func region(_ name: String) throws -> String {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard let begin = lines.firstIndex(where: { $0.hasSuffix("// \(name): begin") }),
            let end = lines.firstIndex(where: { $0.hasSuffix("// \(name): end") }), begin < end
        else { return "" }
        // The getting-started steps are indented in the function: the guide shows them flush left.
        let indent = lines[begin].prefix(while: { $0 == " " }).count
        return lines[(begin + 1)..<end].map { $0.count >= indent ? $0.dropFirst(indent) : $0 }
            .joined(separator: "\n") + "\n"
    }
}

/// `Documentation/GettingStarted.md`: from an empty directory to a drawn sweepstakes.
func gettingStarted(root: URL) async throws -> (DrawCertificate, EvidenceVerification) {
    // Getting started: begin
    let clock = ManualClock(try ISO8601.instant("2026-05-04T09:00:00Z"))
    let files = try FileStorage(root: root)
    defer { files.close() }
    let storage = files.tenant("brand")
    let outbox = try FileOutbox(directory: root.appendingPathComponent("outbox"), clock: clock)

    // The processor's agreed sub-processors (the platform's own data, outside any tenant).
    let subProcessors = SubProcessorRegistry(
        store: try await files.documentStore(tenant: "platform", name: "sub-processors"),
        evidence: try await EvidenceLog.open(files.tenant("platform"), clock: clock), transport: outbox, clock: clock)
    let host = TransferRecipient(name: "Example Cloud", country: "FR", role: .subProcessor)
    try await subProcessors.agreeInitialList(
        [
            SubProcessor(
                recipient: host, processing: "Hosting", activities: [.hosting, .collection],
                guarantees: ["Data processing agreement (GDPR art. 28)"])
        ],
        by: .host("setup"))
    let privacy = try await TenantPrivacy.open(
        storage: storage, transport: outbox, clock: clock,
        configuration: PrivacyConfiguration(
            processor: PartyProfile(name: "Processor SAS", address: "Lille, France", contact: "dpo@processor.example"),
            hosting: [HostingSite(provider: "Example Cloud", country: "FR", activities: [.hosting, .collection])]),
        subProcessors: subProcessors)

    _ = try await privacy.instructions.record(
        InstructionTerms(
            author: InstructionAuthor(name: "Jeanne Martin", role: "Marketing", contact: "jeanne@brand.example"),
            givenAt: clock.now, reference: "Quote 2026-014, annex 1", text: "Run the June sweepstakes.",
            purposes: [.participation, .fraudPrevention, .winnerSelection],
            categories: [.identity, .contact, .participation, .online],
            retention: .months(6), recipients: []),
        id: "june", by: .user("jeanne"))

    let sweepstakes = KimpleGames.Operation(
        id: "june-sweepstakes", tenant: "brand", advertiser: Advertiser(name: "Brand SA", registration: "123456789"),
        kind: .randomDraw, title: "June sweepstakes", opensAt: try ISO8601.instant("2026-06-01T07:00:00Z"),
        closesAt: try ISO8601.instant("2026-06-30T22:00:00Z"),
        form: EntryForm(
            fields: [
                FormField(name: "email", label: "E-mail", type: .email),
                FormField(name: "birth_date", label: "Birth date", type: .birthDate),
            ],
            consents: [.rules()]),
        prizes: [Prize(id: "bike", name: "An electric bike", quantity: 1, unitValue: try Money.eur("1899.00"))],
        rules: RulesDocument(title: "Règlement", bytes: Array("Règlement du jeu, sans obligation d'achat.".utf8)),
        instruction: "june")

    let certificate = try await runSweepstakes(sweepstakes, files: files, privacy: privacy, clock: clock)
    let verification = try await privacy.evidence.verify()
    // Getting started: end
    return (certificate, verification)
}

// README example: begin
/// A sweepstakes from its creation to its draw certificate, on the file store. `privacy` holds the
/// controller's instruction for `game` (Documentation/GettingStarted.md sets it up).
func runSweepstakes(
    _ game: KimpleGames.Operation, files: FileStorage, privacy: TenantPrivacy, clock: ManualClock
) async throws -> DrawCertificate {
    let storage = files.tenant(game.tenant)
    let staff = Principal.user("alice")
    let operationStore = try await DocumentOperationStore.open(storage)
    let operations = try OperationService(
        store: operationStore, evidence: privacy.evidence, gate: privacy.gate,
        contentCheck: TermListContentCheck(terms: []), clock: clock)
    let entries = try FileParticipationStore.open(in: files, tenant: game.tenant, clock: clock)
    let intake = try IntakeService(
        operations: operationStore, participations: entries, robotEvents: try await RobotEventJournal.open(storage),
        gate: privacy.gate, transport: InMemoryTransport(),
        identitySecret: IdentitySecret(Array("32 random bytes kept by the host.".utf8)), clock: clock)
    let draws = try await DrawService.open(storage, evidence: privacy.evidence, gate: privacy.gate, clock: clock)

    try await operations.create(game, by: staff)
    try await operations.schedule(game.id, under: GamesLicence(licensee: game.advertiser, territory: ["FR"]), by: staff)
    let seed = DrawSeed.random()  // secret until the draw; its SHA-256 is published now, before closing
    guard let rules = game.rules else { throw KimpleError(.invalidArgument, "A sweepstakes has rules.") }
    try await draws.commit(
        operation: game.id, rules: DrawRules(winners: 1, reserves: 2), rulesDocumentSHA256: rules.sha256,
        commitment: seed.commitment, closesAt: game.closesAt, by: staff)

    clock.set(game.opensAt.addingTimeInterval(3_600))  // the game is live: entries come in
    for email in ["ada@example.com", "alan@example.com", "grace@example.com"] {
        let fields: [String: FieldInput] = ["email": .text(email), "birth_date": "1990-04-12", "rules": true]
        let result = try await intake.submit(ParticipationSubmission(operation: game.id, fields: fields))
        if let refusal = result.rejection { throw refusal }  // a stable code: participation.duplicate...
    }

    clock.set(game.closesAt)  // closed: freeze the entry list, then draw
    try await operations.advance()
    let list = try await FrozenEntryList.freezing(try await DrawEntries.list(of: game.id, in: entries))
    try await draws.freeze(operation: game.id, entries: list, by: staff, instruction: game.instruction)
    return try await draws.draw(operation: game.id, seed: seed, entries: list, by: staff, instruction: game.instruction)
}
// README example: end
