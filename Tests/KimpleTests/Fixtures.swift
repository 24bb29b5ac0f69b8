import Foundation
import Kimple
import KimpleCore
import KimpleGames
import KimplePrivacy
import KimpleTesting

/// `KimpleGames.Operation`: Foundation has an `Operation` class too.
typealias GameOperation = KimpleGames.Operation

/// What the entry point's tests share: the processor, its host, two brands, one June operation.
enum Fixture {
    static func instant(_ text: String) -> Date { (try? ISO8601.instant(text)) ?? Date(timeIntervalSince1970: 0) }

    static let setupAt = instant("2026-05-04T09:00:00Z")
    static let during = instant("2026-06-15T10:00:00Z")
    static let processor = PartyProfile(name: "Cassiop", address: "Roubaix, France", contact: "privacy@cassiop.example")
    static let site = HostingSite(provider: "Microsoft Azure", country: "FR", activities: [.hosting, .collection])
    static let staff = Principal.user("alice")
    static let instruction: InstructionID = "summer"

    static func secret(_ text: String = "the tenant's identity secret, 32") throws -> IdentitySecret {
        try IdentitySecret(Array(text.utf8))
    }

    /// The controller's instruction for the games' data.
    static let terms = InstructionTerms(
        author: InstructionAuthor(name: "Jeanne Martin", role: "Head of marketing", contact: "jeanne@brand.example"),
        givenAt: instant("2026-05-01T09:00:00Z"), reference: "Quote 2026-014, annex 1", text: "Run the summer games.",
        purposes: [.participation, .fraudPrevention, .winnerSelection, .export, .statistics],
        categories: [.identity, .contact, .participation, .online], retention: .months(6),
        recipients: [TransferRecipient(name: "controller", country: "FR", role: .controller)])

    /// A June draw of `tenant` that asks an e-mail and a birth date.
    static func operation(_ id: OperationID = "summer-2026", tenant: TenantID) -> GameOperation {
        let brand = Advertiser(name: "Brand \(tenant)", registration: "FR-123456789")
        return GameOperation(
            id: id, tenant: tenant, advertiser: brand, kind: .randomDraw, title: "Summer draw",
            opensAt: instant("2026-06-01T00:00:00Z"), closesAt: instant("2026-07-01T00:00:00Z"),
            form: EntryForm(
                fields: [
                    FormField(name: "email", label: "E-mail", type: .email),
                    FormField(name: "birth_date", label: "Birth date", type: .birthDate),
                ], consents: [.rules()]),
            prizes: [Prize(id: "bike", name: "A city bike", quantity: 1, unitValue: Money(cents: 49_900))],
            rules: RulesDocument(title: "Règlement", bytes: Array("Règlement du jeu".utf8)), instruction: instruction)
    }

    /// Records the instruction, creates and schedules `operation`.
    static func launch(_ operation: GameOperation, in tenant: KimpleTenant) async throws {
        _ = try await tenant.privacy.instructions.record(terms, id: instruction, by: .user("jeanne"))
        try await tenant.operations.create(operation, by: staff)
        try await tenant.operations.schedule(
            operation.id, under: GamesLicence(licensee: operation.advertiser, territory: ["FR"]), by: staff)
    }

    /// `email`'s participation in `operation`.
    static func submission(_ email: String, _ operation: OperationID = "summer-2026") -> ParticipationSubmission {
        ParticipationSubmission(
            operation: operation, fields: ["email": .text(email), "birth_date": "1990-04-12", "rules": true])
    }

    /// The SDK on `storage`, on `clock`, with the processor's host.
    static func open(
        _ storage: some KimpleBackend, transport: KimpleTransport = .inMemory, clock: ManualClock
    )
        async throws -> Kimple
    {
        try await Kimple.open(
            storage: storage, transport: transport, clock: clock, processor: processor, hosting: [site])
    }
}
