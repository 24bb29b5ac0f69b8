import Foundation
import Kimple
import KimpleTesting

/// Bench case `intake facade`: the same durable intake (file store, grouped fsync, the privacy
/// module's real gate, robot events and operations on files, the instant-win decider) wired by
/// hand and opened through `Kimple.open`, alternated in one run: the cost of the entry point (K-8).
func runFacadeIntakeBenchmarks(pool: IntakeStream.Pool) async throws {
    let count = min(pool.submissions.count, 200_000)
    for round in 1...2 {
        for wiring in ["by hand", "Kimple.open"] {
            try await Bench.inTemporaryDirectory { directory in
                let clock = SystemClock()
                let (intake, close) =
                    wiring == "by hand"
                    ? try await FacadeBench.wiredByHand(directory, clock: clock)
                    : try await FacadeBench.throughTheFacade(directory, clock: clock)
                let submissions = pool.submissions.prefix(count)
                let tasks = 8 * 32
                let seconds = try await Bench.time {
                    try await withThrowingTaskGroup(of: Int.self) { group in
                        for task in 0..<tasks {
                            group.addTask {
                                var accepted = 0
                                var index = submissions.startIndex + task
                                while index < submissions.endIndex {
                                    if try await intake.submit(submissions[index]).isAccepted { accepted += 1 }
                                    index += tasks
                                }
                                return accepted
                            }
                        }
                        for try await _ in group {}
                    }
                }
                try await close()
                Bench.report(
                    "intake file grouped, 8 x 32 in flight, real gate, wired \(wiring) (round \(round))",
                    operations: count, seconds: seconds, unit: "submissions")
            }
        }
    }
}

enum FacadeBench {
    static let tenant: TenantID = "bench"
    static let processor = PartyProfile(name: "Processor", address: "France", contact: "privacy@processor.example")
    static let site = HostingSite(provider: "Host", country: "FR", activities: [.hosting, .collection])
    static let host = SubProcessor(
        recipient: TransferRecipient(name: "Host", country: "FR", role: .subProcessor), processing: "Hosting",
        activities: [.hosting, .collection], guarantees: ["DPA"])
    static let terms = InstructionTerms(
        author: InstructionAuthor(name: "Jeanne Martin", role: "Marketing", contact: "jeanne@brand.example"),
        givenAt: Date().addingTimeInterval(-7_200), reference: "Bench", text: "Bench intake.",
        purposes: [.participation, .fraudPrevention],
        categories: [.identity, .contact, .participation, .online, .postalAddress],
        retention: .months(6), recipients: [])

    /// The services as `KimpleTenant` composes them, wired by hand on a `FileStorage`.
    static func wiredByHand(
        _ directory: URL, clock: any Clock
    ) async throws
        -> (IntakeService, () async throws -> Void)
    {
        let files = try FileStorage(root: directory, options: .init(durability: .grouped))
        let transport = InMemoryTransport(clock: clock)
        let platform = files.tenant("_platform")
        let registry = SubProcessorRegistry(
            store: try await platform.documentStore("sub-processors"),
            evidence: try await EvidenceLog.open(platform, clock: clock), transport: transport, clock: clock)
        try await registry.agreeInitialList([host], by: .host("bench"))
        let storage = files.tenant(tenant)
        let privacy = try await TenantPrivacy.open(
            storage: storage, transport: transport, clock: clock,
            configuration: PrivacyConfiguration(processor: processor, hosting: [site]), subProcessors: registry)
        let operations = try await DocumentOperationStore.open(storage)
        let participations = try await FileParticipationStore.open(storage, clock: clock)
        let robotEvents = try await RobotEventJournal.open(storage, clock: clock)
        let ledger = try await FileInstantWinLedger.open(storage)
        let intake = try IntakeService(
            operations: operations, participations: participations, robotEvents: robotEvents, gate: privacy.gate,
            transport: transport, identitySecret: IdentitySecret(Array(repeating: 42, count: 32)), clock: clock,
            decider: InstantWinOutcomeDecider(tenant: tenant, ledger: ledger, gate: privacy.gate))
        for holder in try ParticipantRobotEvents.holders(participations: participations, robotEvents: robotEvents) {
            try privacy.holders.register(holder, instruction: "bench")
        }
        try await prepare(privacy: privacy, operations: operations)
        return (
            intake,
            {
                try await intake.flushRobotEvents()
                files.close()
            }
        )
    }

    /// The same through the entry point.
    static func throughTheFacade(
        _ directory: URL, clock: any Clock
    ) async throws
        -> (IntakeService, () async throws -> Void)
    {
        let kimple = try await Kimple.open(
            storage: .file(at: directory, options: .init(durability: .grouped)), clock: clock, processor: processor,
            hosting: [site], subProcessors: [host])
        let brand = try await kimple.tenant(
            tenant, identitySecret: try IdentitySecret(Array(repeating: 42, count: 32)), instruction: "bench")
        try await prepare(privacy: brand.privacy, operations: brand.operationStore)
        return (brand.intake, { try await kimple.close() })
    }

    /// The instruction, and the bench's live operation.
    static func prepare(privacy: TenantPrivacy, operations: any OperationStore) async throws {
        _ = try await privacy.instructions.record(terms, id: "bench", by: .host("bench"))
        _ = try await operations.insert(IntakeStream.liveOperation(tenant: tenant))
    }
}
