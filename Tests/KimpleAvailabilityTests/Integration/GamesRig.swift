import Foundation
import KimpleAvailability
import KimpleCore
import KimpleGames
import Synchronization

/// A processing gate that grants everything (the privacy rules are tested with the real gate
/// in the integration tests).
final class GrantingTestGate: ProcessingGate {
    func authorize(_ request: ProcessingRequest) async throws -> ProcessingGrant {
        ProcessingGrant(
            instruction: request.instruction, instructionVersion: 1, purpose: request.purpose,
            grantedAt: Date(timeIntervalSince1970: 0))
    }
}

/// One tenant's operations lifecycle and intake on in-memory stores, a manual clock and a
/// live operation `summer` (June 2026): what the availability module is wired to.
struct GamesRig {
    static let tenant: TenantID = Fixtures.tenant
    static let operationID: OperationID = "summer"
    static let brand = Advertiser(name: "Acme", registration: "FR-552100554")
    static let staff = Principal.user("alice")

    let clock: ManualClock
    let storage: TenantStorage
    let operations: OperationService
    let evidence: EvidenceLog
    let robotEvents: RobotEventJournal
    let intake: IntakeService

    /// The rig with the clock at `now` (the operation opens on 1 June 2026, closes on 1 July).
    static func make(now: Date) async throws -> GamesRig {
        let clock = ManualClock(try ISO8601.instant("2026-05-01T00:00:00Z"))
        let storage = InMemoryStorage().tenant(tenant)
        let store = try await DocumentOperationStore.open(storage)
        let evidence = try await EvidenceLog.open(storage, clock: clock)
        let gate = GrantingTestGate()
        let operations = try OperationService(
            store: store, evidence: evidence, gate: gate, contentCheck: TermListContentCheck(terms: []), clock: clock)
        let robotEvents = try await RobotEventJournal.open(storage, clock: clock)
        let intake = try IntakeService(
            operations: store, participations: InMemoryParticipationStore(tenant: tenant, clock: clock),
            robotEvents: robotEvents, gate: gate, transport: InMemoryTransport(clock: clock),
            identitySecret: IdentitySecret(Array("a tenant secret of 32 bytes!!!!!".utf8)), clock: clock)
        let operation = KimpleGames.Operation(
            id: operationID, tenant: tenant, advertiser: brand, kind: .randomDraw, title: "Acme summer draw",
            opensAt: try ISO8601.instant("2026-06-01T00:00:00Z"), closesAt: try ISO8601.instant("2026-07-01T00:00:00Z"),
            minimumAge: nil,
            form: EntryForm(fields: [FormField(name: "email", label: "E-mail", type: .email)], consents: [.rules()]),
            prizes: [Prize(id: "bike", name: "A city bike", quantity: 1, unitValue: Money(cents: 49_900))],
            rules: RulesDocument(title: "Règlement", bytes: Array("Règlement".utf8)), instruction: "acme")
        try await operations.create(operation, by: staff)
        try await operations.schedule(
            operationID, under: GamesLicence(licensee: brand, territory: ["FR"]), by: staff)
        clock.set(now)
        return GamesRig(
            clock: clock, storage: storage, operations: operations, evidence: evidence, robotEvents: robotEvents,
            intake: intake)
    }

    /// A participation of `email` from `source` with `userAgent`, the form served 30 s ago.
    func submit(
        _ email: String, source: String = "203.0.113.7",
        userAgent: String = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
    ) async throws -> IntakeResult {
        try await intake.submit(
            ParticipationSubmission(
                operation: Self.operationID, fields: ["email": .text(email), "rules": true],
                context: SubmissionContext(
                    source: source, userAgent: userAgent, formStartedAt: clock.now.addingTimeInterval(-30))))
    }
}
