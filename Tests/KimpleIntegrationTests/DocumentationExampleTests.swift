import Foundation
import Kimple
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
    static let readmeImports = "import Foundation\nimport Kimple\n\n"

    @Test func readmeShowsTheCompiledExample() throws {
        let blocks = try Self.swiftBlocks(in: "README.md")
        let example = Self.readmeImports + (try Self.region("README example"))
        #expect(blocks.contains(example), "README.md's integration example differs from runSweepstakes in this file")
        #expect(blocks.contains(try Self.region("README opening")), "README.md's opening differs from this file's")
        // The example fits in 25 lines, imports included (K-8: one entry point, little wiring).
        #expect(example.split(separator: "\n").count <= 25)
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
        // Markers of regions inside this one are not part of it.
        return lines[(begin + 1)..<end].filter { !$0.hasSuffix(": begin") && !$0.hasSuffix(": end") }
            .map { $0.count >= indent ? $0.dropFirst(indent) : $0 }.joined(separator: "\n") + "\n"
    }
}

/// `Documentation/GettingStarted.md`: from an empty directory to a drawn sweepstakes.
func gettingStarted(root: URL) async throws -> (DrawCertificate, EvidenceVerification) {
    // Getting started: begin
    let clock = ManualClock(try ISO8601.instant("2026-05-04T09:00:00Z"))
    // README opening: begin
    let kimple = try await Kimple.open(
        storage: .file(at: root), transport: .outbox(at: root.appendingPathComponent("outbox")), clock: clock,
        processor: PartyProfile(name: "Processor SAS", address: "Lille, France", contact: "dpo@processor.example"),
        hosting: [HostingSite(provider: "Example Cloud", country: "FR", activities: [.hosting, .collection])])
    let brand = try await kimple.tenant(
        "brand", identitySecret: try IdentitySecret(Array("32 random bytes kept by the host.".utf8)),
        instruction: "june")
    // README opening: end

    _ = try await brand.privacy.instructions.record(
        InstructionTerms(
            author: InstructionAuthor(name: "Jeanne Martin", role: "Marketing", contact: "jeanne@brand.example"),
            givenAt: clock.now, reference: "Quote 2026-014, annex 1", text: "Run the June sweepstakes.",
            purposes: [.participation, .fraudPrevention, .winnerSelection],
            categories: [.identity, .contact, .participation, .online],
            retention: .months(6), recipients: []),
        id: "june", by: .user("jeanne"))

    let sweepstakes = GameOperation(
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

    let certificate = try await runSweepstakes(sweepstakes, in: brand, clock: clock)
    let verification = try await brand.evidence.verify()
    try await kimple.close()
    // Getting started: end
    return (certificate, verification)
}

// README example: begin
/// A sweepstakes from creation to certificate; `brand` comes from `Kimple.open` (Documentation/GettingStarted.md).
func runSweepstakes(_ game: GameOperation, in brand: KimpleTenant, clock: ManualClock) async throws -> DrawCertificate {
    let staff = Principal.user("alice")
    try await brand.operations.create(game, by: staff)
    try await brand.operations.schedule(
        game.id, under: GamesLicence(licensee: game.advertiser, territory: ["FR"]), by: staff)
    let seed = DrawSeed.random()  // secret until the draw; its SHA-256 is published now, before closing
    try await brand.draws.commit(
        game, rules: DrawRules(winners: 1, reserves: 2), commitment: seed.commitment, by: staff)
    clock.set(game.opensAt.addingTimeInterval(3_600))  // the game is live: entries come in
    for email in ["ada@example.com", "alan@example.com", "grace@example.com"] {
        let fields: [String: FieldInput] = ["email": .text(email), "birth_date": "1990-04-12", "rules": true]
        try await brand.intake.submit(ParticipationSubmission(operation: game.id, fields: fields)).get()  // or throws
    }
    clock.set(game.closesAt)  // closed: freeze the entry list, then draw
    try await brand.operations.advance()
    let list = try await FrozenEntryList.freezing(try await DrawEntries.list(of: game.id, in: brand.participations))
    try await brand.draws.freeze(operation: game.id, entries: list, by: staff, instruction: game.instruction)
    return try await brand.draws.draw(
        operation: game.id, seed: seed, entries: list, by: staff, instruction: game.instruction)
}
// README example: end
