import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the privacy services of every tenant share: the processor's identity, where data
/// is hosted and collected, the calendar, the transfer rule's data, the statistics kept at
/// the end of contracts, the processor's third-party audit reports.
public struct PrivacyConfiguration: Sendable {
    /// The processor (art. 30(2)(a)).
    public var processor: PartyProfile
    /// Where the SDK's stores and intake run (§14.4: only the listed host).
    public var hosting: [HostingSite]
    /// The calendar of legal dates.
    public var calendar: FrenchCalendar
    /// The transfer rule's data.
    public var adequacy: AdequacyTable
    /// The anonymous tables computed before destruction at the end of a contract.
    public var statistics: [StatisticsSpec]
    /// The processor's third-party audit reports (§11.3).
    public var thirdPartyAuditReports: [ThirdPartyAuditReport]
    /// The processor's target between detecting a breach and telling the controller.
    public var breachNoticeTarget: Duration
    /// The security measures described in the record of processing activities.
    public var securityMeasures: [SecurityMeasure]

    /// A configuration; by default the Paris calendar, the shipped adequacy table, no
    /// statistics, no third-party report, a 24-hour breach notice target and the SDK's
    /// security measures.
    public init(
        processor: PartyProfile, hosting: [HostingSite], calendar: FrenchCalendar = .paris,
        adequacy: AdequacyTable = .builtIn, statistics: [StatisticsSpec] = [],
        thirdPartyAuditReports: [ThirdPartyAuditReport] = [], breachNoticeTarget: Duration = .seconds(24 * 3_600),
        securityMeasures: [SecurityMeasure] = SecurityMeasure.sdkMeasures
    ) {
        self.processor = processor
        self.hosting = hosting
        self.calendar = calendar
        self.adequacy = adequacy
        self.statistics = statistics
        self.thirdPartyAuditReports = thirdPartyAuditReports
        self.breachNoticeTarget = breachNoticeTarget
        self.securityMeasures = securityMeasures
    }
}

/// Every privacy service of one tenant (controller), wired together: the entry point a host
/// opens at start-up. Hand ``gate`` to the modules that process personal data, register
/// their stores in ``holders``, and give ``reversibility`` (or a ``ContractEndRouter``) to
/// KimpleContracts.
///
/// The gate refuses everything but erasure and requests while the hosting is not an agreed
/// sub-processor located in the EU, the EEA or an adequate country (§14.4, §11.2.10); call
/// ``refreshSubProcessors()`` after a change of the sub-processor list is activated.
public final class TenantPrivacy: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// The shared configuration.
    public let configuration: PrivacyConfiguration
    /// The tenant's evidence log.
    public let evidence: EvidenceLog
    /// The instructions, and the gate.
    public let instructions: InstructionRegistry
    /// The stores holding the tenant's personal data.
    public let holders: PersonalDataHolders
    /// Data subject requests.
    public let requests: DataSubjectRequestService
    /// The breach register.
    public let breaches: BreachRegister
    /// The retention sweep.
    public let retention: RetentionSweep
    /// End of contract, return and destruction.
    public let reversibility: ReversibilityService
    /// Audit requests.
    public let audits: AuditService
    /// Traced reads of personal data.
    public let reader: PersonalDataReader
    private let subProcessors: SubProcessorRegistry?
    private let store: any DocumentStore
    private let clock: any Clock

    /// The gate every SDK path asks before processing the tenant's personal data.
    public var gate: any ProcessingGate { instructions }

    private init(
        storage: TenantStorage, store: any DocumentStore, evidence: EvidenceLog, instructions: InstructionRegistry,
        transport: any MessageTransport, clock: any Clock, configuration: PrivacyConfiguration,
        subProcessors: SubProcessorRegistry?
    ) {
        let tenant = storage.tenant
        let holders = PersonalDataHolders(tenant: tenant)
        self.tenant = tenant
        self.configuration = configuration
        self.evidence = evidence
        self.instructions = instructions
        self.holders = holders
        self.store = store
        self.subProcessors = subProcessors
        self.clock = clock
        self.requests = DataSubjectRequestService(
            tenant: tenant, store: store, evidence: evidence, transport: transport, clock: clock,
            calendar: configuration.calendar, gate: instructions, holders: holders)
        self.breaches = BreachRegister(
            tenant: tenant, store: store, evidence: evidence, transport: transport, clock: clock,
            controllerNoticeTarget: configuration.breachNoticeTarget)
        self.retention = RetentionSweep(registry: instructions, holders: holders, evidence: evidence, clock: clock)
        self.reversibility = ReversibilityService(
            tenant: tenant, store: store, evidence: evidence, transport: transport, clock: clock,
            calendar: configuration.calendar, registry: instructions, holders: holders,
            statistics: configuration.statistics)
        self.audits = AuditService(
            tenant: tenant, store: store, evidence: evidence, transport: transport, clock: clock,
            calendar: configuration.calendar, reports: configuration.thirdPartyAuditReports)
        self.reader = PersonalDataReader(gate: instructions, holders: holders, evidence: evidence)
    }

    /// Opens the privacy services of `storage`'s tenant: its `privacy` document store, its
    /// evidence log (or `evidence`, when the host already opened it: one log per tenant and
    /// process), the instructions recorded, the end-of-contract state, and the agreed
    /// sub-processors from `subProcessors` (none when `nil`: the hosting is then refused).
    ///
    /// Throws what the stores throw.
    public static func open(
        storage: TenantStorage, transport: any MessageTransport, clock: any Clock,
        configuration: PrivacyConfiguration, subProcessors: SubProcessorRegistry? = nil, evidence: EvidenceLog? = nil
    ) async throws -> TenantPrivacy {
        let store = try await storage.documentStore(PrivacyKeys.store)
        let log: EvidenceLog
        if let evidence {
            log = evidence
        } else {
            log = try await EvidenceLog.open(storage, clock: clock)
        }
        let registry = InstructionRegistry(
            tenant: storage.tenant, store: store, evidence: log, transport: transport, clock: clock,
            calendar: configuration.calendar, adequacy: configuration.adequacy)
        try await registry.reload()
        let privacy = TenantPrivacy(
            storage: storage, store: store, evidence: log, instructions: registry, transport: transport, clock: clock,
            configuration: configuration, subProcessors: subProcessors)
        try await privacy.refreshSubProcessors()
        return privacy
    }

    /// Reads the sub-processors the tenant agreed to and checks the hosting against them:
    /// every hosting site must be an agreed sub-processor, in the same country, doing that
    /// activity, in the EU, the EEA or an adequate destination. Returns the problem found
    /// (also set in the gate), or `nil` when the hosting is acceptable.
    @discardableResult
    public func refreshSubProcessors() async throws -> String? {
        let agreed = try await subProcessors?.agreedList(for: tenant)
        instructions.setAgreedSubProcessors(agreed?.map(\.recipient))
        let problem = Self.hostingProblem(
            configuration.hosting, agreed: agreed, adequacy: configuration.adequacy,
            on: configuration.calendar.civilDate(of: clock.now))
        instructions.setHostingProblem(problem)
        return problem
    }

    /// Why `hosting` is not acceptable given the `agreed` sub-processors on `day`, or `nil`.
    public static func hostingProblem(
        _ hosting: [HostingSite], agreed: [SubProcessor]?, adequacy: AdequacyTable, on day: CivilDate
    ) -> String? {
        guard !hosting.isEmpty else {
            return "No hosting site is declared: declare where the SDK stores and collects personal data."
        }
        guard let agreed else {
            return "No agreed list of sub-processors is configured: hosting and collection use only the listed host."
        }
        for site in hosting {
            guard
                let entry = agreed.first(where: {
                    $0.name == site.provider && $0.recipient.country == site.country
                        && site.activities.isSubset(of: $0.activities)
                })
            else {
                return "\(site.provider) in \(site.country) is not an agreed sub-processor for "
                    + site.activities.map(\.rawValue).sorted().joined(separator: " and ") + "."
            }
            let assessment = adequacy.assess(destination: site.country, recipient: entry.recipient, on: day)
            guard assessment.isAllowed else { return assessment.explanation }
        }
        return nil
    }

    // MARK: - Controller profile and record of processing

    /// Records the controller's identity and contacts (for the record of processing
    /// activities). Throws `core.invalid_argument` for a blank name or contact.
    public func setController(_ profile: PartyProfile) async throws {
        try Text.require(profile.name, "The controller's name", limit: 500, code: .invalidArgument)
        try Text.require(profile.contact, "The controller's contact", limit: 500, code: .invalidArgument)
        try await CodableDocuments<PartyProfile>(store).upsert(PrivacyKeys.controller, profile)
    }

    /// The controller's identity and contacts, once recorded.
    public func controllerProfile() async throws -> PartyProfile? {
        try await CodableDocuments<PartyProfile>(store).get(PrivacyKeys.controller)?.value
    }

    /// What the record of processing activities needs about this controller.
    public func recordSource() async throws -> ProcessingActivitiesRecord.ControllerSource {
        let profile =
            try await controllerProfile()
            ?? PartyProfile(name: "(controller \(tenant) not described)", address: "", contact: "")
        return ProcessingActivitiesRecord.ControllerSource(
            tenant: tenant, profile: profile, instructions: instructions.currentInstructions(),
            subProcessors: try await subProcessors?.agreedList(for: tenant) ?? [])
    }

    /// The record of processing activities for this controller (P-12), generated now and
    /// written to the evidence log (its JSON's digest).
    public func recordOfProcessing(at date: Date, by principal: Principal) async throws -> ProcessingActivitiesRecord {
        let record = ProcessingActivitiesRecord.build(
            processor: configuration.processor, hosting: configuration.hosting, controllers: [try await recordSource()],
            securityMeasures: configuration.securityMeasures, adequacy: configuration.adequacy, at: date,
            calendar: configuration.calendar)
        try await evidence.record(
            principal, action: PrivacyEvidence.recordProduced, subject: "record-of-processing",
            details: "art. 30(2) record for the controller", payload: try record.json())
        return record
    }
}
