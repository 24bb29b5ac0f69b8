import Foundation
import KimpleAvailability
import KimpleContracts
import KimpleCore
import KimpleGames
import KimplePrivacy

/// The services of the demo's platform, wired on the file store of a data directory. Opened
/// by a first run to play the campaign and by a later run to read what it left.
struct DemoWorld {
    static let tenant: TenantID = "brand"
    static let instruction: InstructionID = "campaigns-2026"
    static let instantWin: OperationID = "june-instant-win"
    static let sweepstakes: OperationID = "june-sweepstakes"
    static let brand = Advertiser(name: "Brand SA", registration: "123456789")
    static let identitySecret = Array("Brand SA's identity secret, 32 B".utf8)

    let clock: ManualClock
    let storage: FileStorage
    let outbox: FileOutbox
    let subProcessors: SubProcessorRegistry
    let privacy: TenantPrivacy
    let contracts: ContractService
    let operationStore: DocumentOperationStore
    let operations: OperationService
    let participations: FileParticipationStore
    let robotEvents: RobotEventJournal
    let ledger: FileInstantWinLedger
    let instantWins: InstantWinService
    let intake: IntakeService
    let draws: DrawService
    let availability: AvailabilityService
    let exports: ExportService

    var evidence: EvidenceLog { privacy.evidence }

    /// Opens every store under `files.store` (taking the store's lock) and wires the services.
    static func open(_ files: DemoFiles, clock: ManualClock) async throws -> DemoWorld {
        let storage = try FileStorage(root: files.store)
        do {
            return try await wire(storage, files: files, clock: clock)
        } catch {
            storage.close()
            throw error
        }
    }

    private static func wire(_ storage: FileStorage, files: DemoFiles, clock: ManualClock) async throws -> DemoWorld {
        let tenantStorage = storage.tenant(tenant)
        let outbox = try FileOutbox(directory: files.outbox, clock: clock)
        let subProcessors = SubProcessorRegistry(
            store: try await storage.documentStore(tenant: "platform", name: "sub-processors"),
            evidence: try await EvidenceLog.open(storage.tenant("platform"), clock: clock), transport: outbox,
            clock: clock)
        let privacy = try await TenantPrivacy.open(
            storage: tenantStorage, transport: outbox, clock: clock,
            configuration: PrivacyConfiguration(
                processor: PartyProfile(
                    name: "Cassiop", address: "Roubaix, France", contact: "privacy@cassiop.example"),
                hosting: [HostingSite(provider: "Microsoft Azure", country: "FR", activities: [.hosting, .collection])]
            ),
            subProcessors: subProcessors)
        let contracts = try await ContractService(
            storage: tenantStorage, clock: clock, configuration: .init(loginPolicy: LoginPolicy(iterations: 10_000)))
        let operationStore = try await DocumentOperationStore.open(tenantStorage)
        let operations = try OperationService(
            store: operationStore, evidence: privacy.evidence, gate: privacy.gate,
            contentCheck: TermListContentCheck(terms: ["casino"]), clock: clock)
        let participations = try FileParticipationStore.open(in: storage, tenant: tenant, clock: clock)
        let robotEvents = try await RobotEventJournal.open(tenantStorage, clock: clock)
        let ledger = try FileInstantWinLedger.open(storage, tenant: tenant)
        let intake = try IntakeService(
            operations: operationStore, participations: participations, robotEvents: robotEvents, gate: privacy.gate,
            transport: outbox, identitySecret: try IdentitySecret(identitySecret), clock: clock,
            decider: InstantWinOutcomeDecider(tenant: tenant, ledger: ledger, gate: privacy.gate),
            configuration: IntakeConfiguration(keepsSource: true))
        for holder in try ParticipantRobotEvents.holders(participations: participations, robotEvents: robotEvents) {
            try privacy.holders.register(holder, instruction: instruction)
        }
        return DemoWorld(
            clock: clock, storage: storage, outbox: outbox, subProcessors: subProcessors, privacy: privacy,
            contracts: contracts, operationStore: operationStore, operations: operations,
            participations: participations, robotEvents: robotEvents, ledger: ledger,
            instantWins: InstantWinService(ledger: ledger, evidence: privacy.evidence, clock: clock), intake: intake,
            draws: try await DrawService.open(
                tenantStorage, evidence: privacy.evidence, gate: privacy.gate, clock: clock),
            availability: AvailabilityService(
                store: try await FileAvailabilityStore.open(tenantStorage), clock: clock, robotEvents: robotEvents,
                suspender: operations, evidence: privacy.evidence),
            exports: ExportService(tenant: tenant, gate: privacy.gate, evidence: privacy.evidence, clock: clock))
    }

    /// Closes the stores (and releases the lock).
    func close() {
        participations.close()
        ledger.close()
        storage.close()
    }
}

/// Where the demo keeps its files inside the data directory.
public struct DemoFiles: Sendable {
    /// The data directory.
    public let directory: URL

    /// The files of the demo in `directory`.
    public init(directory: URL) { self.directory = directory }

    /// The marker that says the directory belongs to the demo, written before anything else.
    public var marker: URL { directory.appendingPathComponent(".kimple-demo") }
    /// The manifest of a completed campaign, written last.
    public var manifest: URL { directory.appendingPathComponent("campaign.json") }
    /// The embedded file store.
    public var store: URL { directory.appendingPathComponent("store") }
    /// The outbox of messages to the controller and the host.
    public var outbox: URL { directory.appendingPathComponent("outbox") }
    /// The draw certificate (JSON), replacements included.
    public var certificate: URL { directory.appendingPathComponent("june-sweepstakes-certificate.json") }
    /// The sweepstakes' frozen entry list, in its canonical form.
    public var entryList: URL { directory.appendingPathComponent("june-sweepstakes-entries.txt") }
    /// The sweepstakes' participants, CSV.
    public var participantsCSV: URL { directory.appendingPathComponent("june-sweepstakes-participants.csv") }
    /// June's service report, Markdown.
    public var serviceReport: URL { directory.appendingPathComponent("service-report-2026-06.md") }
    /// The record of processing activities, Markdown.
    public var recordOfProcessing: URL { directory.appendingPathComponent("record-of-processing.md") }
    /// The result of the evidence log's verification, text.
    public var evidenceVerification: URL { directory.appendingPathComponent("evidence-verification.txt") }
}
