import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting
import Synchronization
import Testing

/// `KimpleGames.Operation`: Foundation has an `Operation` class too.
typealias GameOperation = KimpleGames.Operation

/// A processing gate for tests: grants or refuses, and records what it was asked.
final class TestGate: ProcessingGate {
    private struct State {
        var refuses = false
        var allowsSpecialCategories = false
        var requests: [ProcessingRequest] = []
    }

    private let state = Mutex(State())

    init(refuses: Bool = false, allowsSpecialCategories: Bool = false) {
        state.withLock {
            $0.refuses = refuses
            $0.allowsSpecialCategories = allowsSpecialCategories
        }
    }

    func set(refuses: Bool) { state.withLock { $0.refuses = refuses } }

    var requests: [ProcessingRequest] { state.withLock { $0.requests } }

    func authorize(_ request: ProcessingRequest) async throws -> ProcessingGrant {
        let (refuses, special) = state.withLock { state in
            state.requests.append(request)
            return (state.refuses, state.allowsSpecialCategories)
        }
        if refuses {
            throw KimpleError(
                "privacy.instruction_missing", "No instruction of the controller covers this processing.",
                context: ["purpose": request.purpose.rawValue])
        }
        return ProcessingGrant(
            instruction: request.instruction, instructionVersion: 1, purpose: request.purpose,
            allowsSpecialCategoriesInClear: special, grantedAt: Date(timeIntervalSince1970: 0))
    }
}

/// Values shared by the games tests.
enum Fixtures {
    static let tenant: TenantID = "acme"
    static let operationID: OperationID = "summer-2026"
    static let brand = Advertiser(name: "Acme", registration: "FR-SIREN-552100554")
    static let licence = GamesLicence(licensee: brand, territory: ["FR", "BE", "LU"])
    static let staff = Principal.user("alice")
    static let rulesText = Array("Règlement du jeu Acme été 2026".utf8)

    static func instant(_ text: String) -> Date {
        (try? ISO8601.instant(text)) ?? Date(timeIntervalSince1970: 0)
    }

    /// Opens 2026-06-01T08:00Z (10:00 in Paris), closes 2026-07-01T00:00Z.
    static let opensAt = instant("2026-06-01T08:00:00Z")
    static let closesAt = instant("2026-07-01T00:00:00Z")
    /// A moment while the operation is open: 2026-06-15T10:00Z.
    static let during = instant("2026-06-15T10:00:00Z")

    static let form = EntryForm(
        fields: [
            FormField(name: "email", label: "E-mail", type: .email),
            FormField(name: "first_name", label: "First name", type: .text, maximumLength: 50, category: .name),
            FormField(name: "birth_date", label: "Birth date", type: .birthDate),
            FormField(name: "phone", label: "Phone", type: .phone, required: false),
            FormField(name: "country", label: "Country", type: .country, required: false),
            FormField(name: "size", label: "T-shirt size", type: .choice, required: false, options: ["S", "M", "L"]),
            FormField(name: "story", label: "Your story", type: .multilineText, required: false),
        ],
        consents: [.rules(), .marketing(text: "I want news from Acme.")], honeypotField: "website")

    static func operation(
        id: OperationID = operationID, _ change: (inout GameOperation) -> Void = { _ in }
    ) -> GameOperation {
        var operation = GameOperation(
            id: id, tenant: tenant, advertiser: brand, kind: .randomDraw, title: "Acme summer draw",
            opensAt: opensAt, closesAt: closesAt, eligibleCountries: ["FR", "BE"], form: form,
            prizes: [Prize(id: "bike", name: "A city bike", quantity: 3, unitValue: Money(cents: 49_900))],
            rules: RulesDocument(title: "Règlement", bytes: rulesText), instruction: "acme-participations")
        change(&operation)
        return operation
    }

    /// Form values of a valid adult participant.
    static func fields(
        email: String = "jane.doe@example.com", firstName: String = "Jane", birthDate: String = "1990-04-12"
    ) -> [String: FieldInput] {
        ["email": .text(email), "first_name": .text(firstName), "birth_date": .text(birthDate), "rules": true]
    }
}

/// A tenant's operations and intake on in-memory stores (or a given participation store),
/// with a manual clock.
struct Harness {
    let clock: ManualClock
    let operations: DocumentOperationStore
    let participations: any ParticipationStore
    let robotEvents: RobotEventJournal
    let gate: TestGate
    let transport: InMemoryTransport
    let evidence: EvidenceLog
    let service: OperationService
    let intake: IntakeService

    /// Creates and schedules `operation` (if given), the clock at `now`.
    static func make(
        operation: GameOperation? = Fixtures.operation(), now: Date = Fixtures.during,
        participations: (any ParticipationStore)? = nil, configuration: IntakeConfiguration = IntakeConfiguration(),
        decider: any ParticipationOutcomeDecider = NoInstantWin(), gate: TestGate = TestGate(),
        transport: InMemoryTransport? = nil, contentCheck: any ContentCheck = TermListContentCheck(terms: [])
    ) async throws -> Harness {
        let clock = ManualClock(Fixtures.instant("2026-05-01T00:00:00Z"))
        let storage = InMemoryStorage().tenant(Fixtures.tenant)
        let operations = try await DocumentOperationStore.open(storage)
        let evidence = try await EvidenceLog.open(storage, clock: clock)
        let service = try OperationService(
            store: operations, evidence: evidence, gate: gate, contentCheck: contentCheck, clock: clock)
        let participations = participations ?? InMemoryParticipationStore(tenant: Fixtures.tenant, clock: clock)
        let robotEvents = try await RobotEventJournal.open(storage, clock: clock)
        let transport = transport ?? InMemoryTransport(clock: clock)
        let intake = try IntakeService(
            operations: operations, participations: participations, robotEvents: robotEvents, gate: gate,
            transport: transport, identitySecret: IdentitySecret(Array("a tenant secret of 32 bytes!!!!!".utf8)),
            clock: clock, decider: decider, configuration: configuration)
        if let operation {
            try await service.create(operation, by: Fixtures.staff)
            try await service.schedule(operation.id, under: Fixtures.licence, by: Fixtures.staff)
        }
        clock.set(now)
        return Harness(
            clock: clock, operations: operations, participations: participations, robotEvents: robotEvents,
            gate: gate, transport: transport, evidence: evidence, service: service, intake: intake)
    }

    /// A browser-like submission to the fixture operation, form served 30 s ago.
    func submission(
        _ fields: [String: FieldInput] = Fixtures.fields(), operation: OperationID = Fixtures.operationID,
        source: String? = "203.0.113.7",
        userAgent: String? =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
        hostKey: String? = nil
    ) -> ParticipationSubmission {
        ParticipationSubmission(
            operation: operation, fields: fields,
            context: SubmissionContext(
                hostKey: hostKey, source: source, userAgent: userAgent, formStartedAt: clock.now.addingTimeInterval(-30)
            ))
    }

    /// Submits and returns the result.
    func submit(
        _ fields: [String: FieldInput] = Fixtures.fields(), source: String? = "203.0.113.7"
    ) async throws
        -> IntakeResult
    {
        try await intake.submit(submission(fields, source: source))
    }
}

/// Fails the test unless `result` is a rejection with `code`.
func expectRejected(
    _ result: IntakeResult, _ code: KimpleError.Code, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.rejection?.code == code, "expected \(code), got \(result)", sourceLocation: sourceLocation)
}

/// Runs `body` and returns the `KimpleError` it threw (nil when it threw none or another error).
func kimpleError(_ body: () async throws -> Void) async -> KimpleError? {
    do {
        try await body()
        return nil
    } catch let error as KimpleError {
        return error
    } catch {
        return nil
    }
}
