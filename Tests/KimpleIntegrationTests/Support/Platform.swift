import Foundation
import KimpleCore
import KimpleGames
import KimplePrivacy
import KimpleTesting

/// `KimpleGames.Operation`: Foundation has an `Operation` class too.
typealias GameOperation = KimpleGames.Operation

/// One tenant of the whole SDK wired as a host would: the privacy module's real gate
/// (`TenantPrivacy`, an instruction registry, Microsoft Azure in France as the agreed host),
/// the games' operations and intake behind it, one evidence log for the tenant, a manual clock,
/// on in-memory storage or on files.
struct Platform {
    static let tenant: TenantID = "brand"
    static let instruction: InstructionID = "summer"
    static let operationID: OperationID = "summer-2026"
    static let brand = Advertiser(name: "Brand SA", registration: "FR-123456789")
    static let licence = GamesLicence(licensee: brand, territory: ["FR"])
    static let staff = Principal.user("alice")
    static let secret = Array("the tenant's identity secret, 32".utf8)

    static func instant(_ text: String) -> Date { (try? ISO8601.instant(text)) ?? Date(timeIntervalSince1970: 0) }

    /// Setup happens on 2026-05-04; the operation runs in June 2026.
    static let setupAt = instant("2026-05-04T09:00:00Z")
    static let opensAt = instant("2026-06-01T00:00:00Z")
    static let closesAt = instant("2026-07-01T00:00:00Z")
    static let during = instant("2026-06-15T10:00:00Z")

    static let azure = SubProcessor(
        recipient: TransferRecipient(name: "Microsoft Azure", country: "FR", role: .subProcessor),
        processing: "Hosting and collection of participations", activities: [.hosting, .collection],
        guarantees: ["Data processing agreement with the obligations of §11.2"])

    let clock: ManualClock
    let backend: any StorageBackend
    let storage: TenantStorage
    let transport: InMemoryTransport
    /// The file outbox the services send through when the platform was made with one (then
    /// ``transport`` receives nothing).
    let outbox: FileOutbox?
    let privacy: TenantPrivacy
    let operationStore: DocumentOperationStore
    let operations: OperationService
    let participations: any ParticipationStore
    let robotEvents: RobotEventJournal
    let intake: IntakeService
    let exports: ExportService

    var evidence: EvidenceLog { privacy.evidence }
    var gate: any ProcessingGate { privacy.gate }

    /// The platform on `backend` (in memory by default), the clock at `start`. With a
    /// `FileStorage`, the participations are a `FileParticipationStore` in it, and with
    /// `outbox` every message goes to a `FileOutbox` in `<root>/outbox` (closed by the caller).
    static func make(
        backend: any StorageBackend = InMemoryStorage(),
        intake configuration: IntakeConfiguration = IntakeConfiguration(),
        start: Date = Platform.setupAt, outbox withOutbox: Bool = false
    ) async throws -> Platform {
        let clock = ManualClock(start)
        let recorder = InMemoryTransport(clock: clock)
        var outbox: FileOutbox?
        if withOutbox, let files = backend as? FileStorage {
            outbox = try FileOutbox(directory: files.root.appendingPathComponent("outbox"), clock: clock)
        }
        let transport: any MessageTransport = outbox ?? recorder
        let storage = backend.tenant(tenant)
        let subProcessors = SubProcessorRegistry(
            store: InMemoryDocumentStore(),
            evidence: EvidenceLog(log: InMemoryRecordLog(), tenant: "processor", clock: clock),
            transport: transport, clock: clock)
        try await subProcessors.agreeInitialList([azure], by: .host("setup"))
        let privacy = try await TenantPrivacy.open(
            storage: storage, transport: transport, clock: clock,
            configuration: PrivacyConfiguration(
                processor: PartyProfile(
                    name: "Cassiop", address: "Roubaix, France", contact: "privacy@cassiop.example"),
                hosting: [HostingSite(provider: "Microsoft Azure", country: "FR", activities: [.hosting, .collection])]),
            subProcessors: subProcessors)
        let operationStore = try await DocumentOperationStore.open(storage)
        let operations = try OperationService(
            store: operationStore, evidence: privacy.evidence, gate: privacy.gate,
            contentCheck: TermListContentCheck(terms: []), clock: clock)
        let participations: any ParticipationStore
        if let files = backend as? FileStorage {
            participations = try FileParticipationStore.open(in: files, tenant: tenant, clock: clock)
        } else {
            participations = InMemoryParticipationStore(tenant: tenant, clock: clock)
        }
        let robotEvents = try await RobotEventJournal.open(storage, clock: clock)
        let intake = try IntakeService(
            operations: operationStore, participations: participations, robotEvents: robotEvents, gate: privacy.gate,
            transport: transport, identitySecret: IdentitySecret(secret), clock: clock, configuration: configuration)
        let exports = ExportService(tenant: tenant, gate: privacy.gate, evidence: privacy.evidence, clock: clock)
        return Platform(
            clock: clock, backend: backend, storage: storage, transport: recorder, outbox: outbox, privacy: privacy,
            operationStore: operationStore, operations: operations, participations: participations,
            robotEvents: robotEvents, intake: intake, exports: exports)
    }

    /// The controller's instruction: the purposes given, identity, contact, participation and
    /// online data, 6 months, exports to the controller in France.
    static func terms(
        purposes: Set<ProcessingPurpose> = [
            .participation, .fraudPrevention, .winnerSelection, .export, .statistics,
        ], special: Set<DataCategory> = [], specialInClear: Bool = false
    ) -> InstructionTerms {
        InstructionTerms(
            author: InstructionAuthor(
                name: "Jeanne Martin", role: "Head of marketing", contact: "jeanne@brand.example"),
            givenAt: instant("2026-05-01T09:00:00Z"), reference: "Quote 2026-014, annex 1",
            text: "Run the summer sweepstakes with these data.", purposes: purposes,
            categories: [.identity, .contact, .participation, .online], specialCategories: special,
            specialCategoriesInClear: specialInClear, retention: .months(6),
            recipients: [TransferRecipient(name: "controller", country: "FR", role: .controller)])
    }

    /// Records `terms` as the next version of the operation's instruction.
    @discardableResult
    func instruct(_ terms: InstructionTerms = Platform.terms()) async throws -> ControllerInstruction {
        try await privacy.instructions.record(terms, id: Self.instruction, by: .user("jeanne"))
    }

    /// A draw operation of June 2026 whose form asks an e-mail, a first name and a birth date,
    /// processed under `instruction`.
    static func operation(
        instruction: InstructionID = Platform.instruction, _ change: (inout GameOperation) -> Void = { _ in }
    ) -> GameOperation {
        var operation = GameOperation(
            id: operationID, tenant: tenant, advertiser: brand, kind: .randomDraw, title: "Brand summer draw",
            opensAt: opensAt, closesAt: closesAt,
            form: EntryForm(
                fields: [
                    FormField(name: "email", label: "E-mail", type: .email),
                    FormField(name: "first_name", label: "First name", type: .text, category: .name),
                    FormField(name: "birth_date", label: "Birth date", type: .birthDate),
                ], consents: [.rules()]),
            prizes: [Prize(id: "bike", name: "A city bike", quantity: 1, unitValue: Money(cents: 49_900))],
            rules: RulesDocument(title: "Règlement", bytes: Array("Règlement du jeu".utf8)), instruction: instruction)
        change(&operation)
        return operation
    }

    /// Creates and schedules `operation` (the going-live checks ask the gate), then sets the
    /// clock to ``during``.
    func launch(_ operation: GameOperation = Platform.operation()) async throws {
        try await operations.create(operation, by: Self.staff)
        try await operations.schedule(operation.id, under: Self.licence, by: Self.staff)
        clock.set(Self.during)
    }

    /// Stores `operation` as live without the going-live checks (to reach the intake's own
    /// gate calls), then sets the clock to ``during``.
    func storeLive(_ operation: GameOperation) async throws {
        var live = operation
        live.status = .live
        _ = try await operationStore.insert(live)
        clock.set(Self.during)
    }

    /// A participation of `email` (from `source` with a browser's user agent, when given).
    func submit(
        _ email: String, firstName: String = "Jane", source: String? = nil, extra: [String: FieldInput] = [:]
    ) async throws -> IntakeResult {
        var fields: [String: FieldInput] = [
            "email": .text(email), "first_name": .text(firstName), "birth_date": "1990-04-12", "rules": true,
        ]
        fields.merge(extra) { $1 }
        return try await intake.submit(
            ParticipationSubmission(
                operation: Self.operationID, fields: fields,
                context: SubmissionContext(
                    source: source, userAgent: source.map { _ in "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0" },
                    formStartedAt: clock.now.addingTimeInterval(-30))))
    }

    /// The messages of `kind` sent: the outbox's (pending and delivered) when there is one,
    /// else the recorder's.
    func messages(of kind: MessageKind) throws -> [OutboundMessage] {
        guard let outbox else { return transport.messages(of: kind) }
        return try (outbox.pendingMessages() + outbox.deliveredMessages()).filter { $0.kind == kind }
    }

    /// The evidence entries with `action`.
    func entries(_ action: String) async throws -> [EvidenceEntry] {
        try await evidence.entries().filter { $0.action == action }
    }
}

/// Runs `body` and returns the `KimpleError` it throws (or `nil`).
func kimpleError(_ body: () async throws -> Void) async -> KimpleError? {
    do {
        try await body()
        return nil
    } catch let error as KimpleError {
        return error
    } catch {
        return KimpleError("test.unexpected", "\(error)")
    }
}

/// Whether any file under `directory` contains `text`'s UTF-8 bytes.
func filesContain(_ text: String, under directory: URL) throws -> [String] {
    let needle = Data(text.utf8)
    var found: [String] = []
    let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
    while let url = enumerator?.nextObject() as? URL {
        guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
        if try Data(contentsOf: url).range(of: needle) != nil { found.append(url.path) }
    }
    return found
}
