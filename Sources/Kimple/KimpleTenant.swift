import KimpleAvailability
import KimpleContracts
import KimpleCore
import KimpleGames
import KimplePrivacy

/// Every service of one tenant (a brand), composed by ``Kimple/tenant(_:identitySecret:instruction:options:)``
/// on the SDK's storage, transport and clock: one evidence log, one processing gate (the
/// privacy module's instructions), the games' personal-data holders registered with the
/// privacy services in the order erasure needs (K-8, K-1).
public final class KimpleTenant: Sendable {
    /// The tenant.
    public let id: TenantID
    /// The handle on the tenant's stores, and only them (K-1).
    public let storage: TenantStorage
    /// The clock of every service.
    public let clock: any Clock
    /// The privacy services: instructions (and the gate), data-subject requests, breaches,
    /// retention, reversibility, audits, the record of processing.
    public let privacy: TenantPrivacy
    /// Operations and their lifecycle (G-1, G-9).
    public let operations: OperationService
    /// The store of operations the services share.
    public let operationStore: any OperationStore
    /// The accepted participations.
    public let participations: any ParticipationStore
    /// The robot detections (G-5).
    public let robotEvents: RobotEventJournal
    /// Participation intake (G-4, G-5), deciding instant wins on the tenant's ledger (G-6).
    public let intake: IntakeService
    /// The instant-win ledger: schedules and awards.
    public let instantWinLedger: any InstantWinLedger
    /// Instant-win schedules: generate, commit, reveal, report (G-6).
    public let instantWins: InstantWinService
    /// The receipts of the tenant's instant wins (G-14): `receipt(of: accepted)` for the winner's
    /// page, `verify(code)` for support.
    public let receipts: WinReceipts
    /// Verifiable draws (G-7).
    public let draws: DrawService
    /// Votes (one vote per person, candidate and period).
    public let votes: VoteService
    /// Participants, winners and entry-list exports (G-11).
    public let exports: ExportService
    /// Quotes, contracts, invoices, notices, authorised users (C-).
    public let contracts: ContractService
    /// Availability, incidents, traffic and the monthly service report (A-).
    public let availability: AvailabilityService
    /// The instruction given when the tenant was opened: the games' personal-data holders
    /// (robot events linked to participations, then participations) are registered under it,
    /// scoped by operation, so that each operation's own instruction governs its records'
    /// retention and this one the records of operations no longer stored (P-1, P-9).
    public let instruction: InstructionID
    let identityFingerprint: SHA256Digest

    /// The tenant's evidence log (K-5), shared by every service.
    public var evidence: EvidenceLog { privacy.evidence }
    /// The gate every path that processes personal data asks (P-1).
    public var gate: any ProcessingGate { privacy.gate }

    private init(
        id: TenantID, storage: TenantStorage, clock: any Clock, privacy: TenantPrivacy, operations: OperationService,
        operationStore: any OperationStore, participations: any ParticipationStore, robotEvents: RobotEventJournal,
        intake: IntakeService, instantWinLedger: any InstantWinLedger, draws: DrawService, votes: VoteService,
        exports: ExportService, contracts: ContractService, availability: AvailabilityService,
        receipts: WinReceipts, instruction: InstructionID, identityFingerprint: SHA256Digest
    ) {
        self.id = id
        self.storage = storage
        self.clock = clock
        self.privacy = privacy
        self.operations = operations
        self.operationStore = operationStore
        self.participations = participations
        self.robotEvents = robotEvents
        self.intake = intake
        self.instantWinLedger = instantWinLedger
        self.instantWins = InstantWinService(ledger: instantWinLedger, evidence: privacy.evidence, clock: clock)
        self.draws = draws
        self.votes = votes
        self.exports = exports
        self.contracts = contracts
        self.availability = availability
        self.receipts = receipts
        self.instruction = instruction
        self.identityFingerprint = identityFingerprint
    }

    /// Opens every store of `id` on `kimple`'s backend and composes the services.
    static func open(
        _ id: TenantID, in kimple: Kimple, identitySecret: IdentitySecret, instruction: InstructionID,
        options: TenantOptions
    ) async throws -> KimpleTenant {
        let backend = kimple.backend
        let clock = kimple.clock
        let storage = backend.tenant(id)
        let privacy = try await TenantPrivacy.open(
            storage: storage, transport: kimple.transport, clock: clock, configuration: kimple.privacyConfiguration,
            subProcessors: kimple.platform)
        let evidence = privacy.evidence
        let gate = privacy.gate
        let operationStore = try await backend.operationStore(storage)
        let operations = try OperationService(
            store: operationStore, evidence: evidence, gate: gate, contentCheck: options.contentCheck, clock: clock)
        let participations = try await backend.participationStore(storage, clock: clock)
        let robotEvents = try await RobotEventJournal.open(storage, clock: clock)
        let ledger = try await backend.instantWinLedger(storage)
        let intake = try IntakeService(
            operations: operationStore, participations: participations, robotEvents: robotEvents, gate: gate,
            transport: kimple.transport, identitySecret: identitySecret, clock: clock,
            decider: InstantWinOutcomeDecider(tenant: id, ledger: ledger, gate: gate), configuration: options.intake)
        for holder in try ParticipantRobotEvents.holders(participations: participations, robotEvents: robotEvents) {
            try privacy.holders.register(
                holder, instruction: instruction, scopes: OperationInstructions(operationStore))
        }
        let contracts = try await ContractService(
            storage: storage, clock: clock, configuration: options.contracts, endListeners: [privacy.reversibility],
            evidence: evidence)
        let availability = AvailabilityService(
            store: try await backend.availabilityStore(storage, calendar: options.serviceReport.calendar),
            clock: clock, settings: options.serviceReport, robotEvents: robotEvents, suspender: operations,
            admission: options.admission, evidence: evidence)
        return KimpleTenant(
            id: id, storage: storage, clock: clock, privacy: privacy, operations: operations,
            operationStore: operationStore, participations: participations, robotEvents: robotEvents, intake: intake,
            instantWinLedger: ledger,
            draws: try await DrawService.open(storage, evidence: evidence, gate: gate, clock: clock),
            votes: VoteService(tenant: id, store: try await backend.voteStore(storage), gate: gate, clock: clock),
            exports: ExportService(tenant: id, gate: gate, evidence: evidence, clock: clock), contracts: contracts,
            availability: availability,
            receipts: WinReceipts(tenant: id, secret: identitySecret, operations: operationStore, ledger: ledger),
            instruction: instruction, identityFingerprint: identitySecret.fingerprint)
    }
}
