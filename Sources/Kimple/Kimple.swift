import KimpleAvailability
import KimpleContracts
import KimpleCore
import KimpleGames
import KimplePrivacy
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The SDK in one value (K-8): a storage and a transport chosen once, the platform's set-up
/// made, and every service of each tenant ready on one clock, one processing gate and one
/// evidence log per tenant.
///
/// ```swift
/// let kimple = try await Kimple.open(
///     storage: .file(at: root), transport: .outbox(at: outbox), clock: SystemClock(),
///     processor: processor, hosting: [site])
/// let brand = try await kimple.tenant("brand", identitySecret: secret, instruction: "campaigns-2026")
/// try await brand.operations.create(operation, by: .user("alice"))
/// // brand.intake, brand.instantWins, brand.draws, brand.votes, brand.exports, brand.privacy,
/// // brand.contracts, brand.availability...
/// try await kimple.close()
/// ```
///
/// - **The platform** (the processor's own data: the sub-processor list and its evidence log)
///   is set up by ``open(storage:transport:clock:processor:hosting:subProcessors:options:)``.
///   The set-up is idempotent: a restart on the same storage finds the list agreed and changes
///   nothing (changes to the list go through ``platform``'s `announce`).
/// - **Tenants** open lazily on first ``tenant(_:identitySecret:instruction:options:)`` and are
///   cached: asking again returns the same ``KimpleTenant``.
/// - **One close**: ``close()`` flushes every tenant's buffered robot events, closes the
///   transport and then the storage. Calling it twice does nothing more.
///
/// The services stay public for hosts that wire by hand; this type only composes them.
public final class Kimple: Sendable {
    /// The tenant that holds the processor's own data (the sub-processor list and its evidence
    /// log). Customer tenants cannot take this name: ``tenant(_:identitySecret:instruction:options:)``
    /// refuses identifiers that start with `_`.
    public static let platformTenant: TenantID = "_platform"

    private enum TenantSlot {
        case opening(Task<KimpleTenant, any Error>, SHA256Digest)
        case open(KimpleTenant)
    }

    private struct State {
        var tenants: [TenantID: TenantSlot] = [:]
        var closed = false
        var closing: Task<Void, any Error>?
    }

    /// The storage every store comes from.
    public let backend: any KimpleBackend
    /// Where messages go.
    public let transport: any MessageTransport
    /// The clock of every service.
    public let clock: any Clock
    /// The SDK-wide options.
    public let options: KimpleOptions
    /// The privacy configuration every tenant shares (processor, hosting, calendar...).
    public let privacyConfiguration: PrivacyConfiguration
    /// The processor's agreed sub-processors (P-4): announce changes here.
    public let platform: SubProcessorRegistry
    /// The platform's evidence log (sub-processor list changes).
    public let platformEvidence: EvidenceLog
    private let state = Mutex(State())

    private init(
        backend: any KimpleBackend, transport: any MessageTransport, clock: any Clock, options: KimpleOptions,
        privacyConfiguration: PrivacyConfiguration, platform: SubProcessorRegistry, platformEvidence: EvidenceLog
    ) {
        self.backend = backend
        self.transport = transport
        self.clock = clock
        self.options = options
        self.privacyConfiguration = privacyConfiguration
        self.platform = platform
        self.platformEvidence = platformEvidence
    }

    /// Opens the SDK on `storage` and `transport`, every rule timed by `clock`, for the processor
    /// `processor` whose stores and intake run at `hosting` (§14.4).
    ///
    /// The platform's set-up is made here, once: the sub-processor list agreed in the contract
    /// is `subProcessors`, or, when `nil`, one entry per hosting site (its provider, country and
    /// activities). A later start on the same storage keeps the recorded list as it is.
    ///
    /// - Throws: `kimple.invalid_configuration` when `hosting` is empty;
    ///   `privacy.subprocessor.invalid` for an invalid list; what opening the transport and the
    ///   platform's stores throws (`storage.locked` when another process holds the file store).
    ///   Nothing stays open when it throws.
    public static func open<Backend: KimpleBackend>(
        storage: Backend, transport: KimpleTransport = .inMemory, clock: any Clock, processor: PartyProfile,
        hosting: [HostingSite], subProcessors: [SubProcessor]? = nil, options: KimpleOptions = KimpleOptions()
    ) async throws -> Kimple {
        guard !hosting.isEmpty else {
            throw KimpleError(
                .kimpleInvalidConfiguration,
                "Declare at least one hosting site: where the SDK stores and collects personal data (§14.4).")
        }
        var messages: (any MessageTransport)?
        do {
            let transport = try transport.make(clock)
            messages = transport
            let platformStorage = storage.tenant(platformTenant)
            let evidence = try await EvidenceLog.open(platformStorage, clock: clock)
            let registry = SubProcessorRegistry(
                store: try await platformStorage.documentStore(Self.subProcessorsStore), evidence: evidence,
                transport: transport, clock: clock, calendar: options.calendar)
            try await registry.agreeInitialListIfAbsent(
                subProcessors ?? hosting.map(Self.subProcessor), by: .system("kimple.setup"))
            return Kimple(
                backend: storage, transport: transport, clock: clock, options: options,
                privacyConfiguration: PrivacyConfiguration(
                    processor: processor, hosting: hosting, calendar: options.calendar, adequacy: options.adequacy,
                    statistics: options.statistics, thirdPartyAuditReports: options.thirdPartyAuditReports,
                    breachNoticeTarget: options.breachNoticeTarget, securityMeasures: options.securityMeasures),
                platform: registry, platformEvidence: evidence)
        } catch {
            if let outbox = messages as? FileOutbox { outbox.close() }
            try? await storage.close()
            throw error
        }
    }

    /// The platform's document store of the sub-processor list.
    static let subProcessorsStore: StoreName = "sub-processors"

    /// The sub-processor entry a hosting site stands for when the host gives no list.
    static func subProcessor(_ site: HostingSite) -> SubProcessor {
        SubProcessor(
            recipient: TransferRecipient(name: site.provider, country: site.country, role: .subProcessor),
            processing: site.activities.map(\.rawValue).sorted().joined(separator: " and ") + " of the platform",
            activities: site.activities,
            guarantees: ["Data processing agreement with the obligations of §11.2 (§11.2.4 a)"])
    }

    /// The services of `id`, opened on first request and the same afterwards.
    ///
    /// - Parameters:
    ///   - identitySecret: the tenant's secret behind identity keys (G-4); the same on every start.
    ///   - instruction: the tenant's default instruction for the games' personal data
    ///     (participations and the robot events linked to them). Each operation's data is kept
    ///     by the retention of the operation's own ``KimpleGames/Operation/instruction``, read
    ///     on every sweep; this one governs records of operations that no longer exist (P-1, P-9).
    ///   - options: the tenant's settings; used on the first request only.
    /// - Throws: `kimple.tenant_reserved` for an identifier starting with `_`;
    ///   `kimple.tenant_mismatch` when the tenant is already open with another identity secret;
    ///   `storage.closed` after ``close()``; what opening the stores throws (then nothing is cached,
    ///   and the next request tries again).
    public func tenant(
        _ id: TenantID, identitySecret: IdentitySecret, instruction: InstructionID,
        options: TenantOptions = TenantOptions()
    ) async throws -> KimpleTenant {
        guard !id.rawValue.hasPrefix("_") else {
            throw KimpleError(
                .kimpleTenantReserved, "Tenant identifiers starting with '_' are reserved for the platform.",
                context: ["tenant": id.rawValue])
        }
        let fingerprint = identitySecret.fingerprint
        let task: Task<KimpleTenant, any Error> = try state.withLock { state in
            if state.closed { throw Self.closedError() }
            switch state.tenants[id] {
            case .open(let tenant):
                guard tenant.identityFingerprint == fingerprint else { throw Self.mismatch(id) }
                return Task { tenant }
            case .opening(let task, let opening):
                guard opening == fingerprint else { throw Self.mismatch(id) }
                return task
            case nil:
                let task = Task {
                    try await KimpleTenant.open(
                        id, in: self, identitySecret: identitySecret, instruction: instruction, options: options)
                }
                state.tenants[id] = .opening(task, fingerprint)
                return task
            }
        }
        do {
            let tenant = try await task.value
            state.withLock { state in
                if case .opening = state.tenants[id] { state.tenants[id] = .open(tenant) }
            }
            return tenant
        } catch {
            state.withLock { state in
                if case .opening = state.tenants[id] { state.tenants[id] = nil }
            }
            throw error
        }
    }

    /// The tenants opened in this process, sorted.
    public var openTenants: [TenantID] {
        state.withLock { $0.tenants.keys.sorted() }
    }

    /// Every customer tenant the storage holds data for (the platform's own data excluded): an
    /// administration path (K-1).
    public func storedTenants() async throws -> [TenantID] {
        try await backend.tenants().filter { $0 != Self.platformTenant }
    }

    /// Closes everything, in order: each open tenant's buffered robot events are written, then
    /// the transport (a file outbox) and the storage are closed. Later requests throw
    /// `storage.closed`; a second call waits for the first and does nothing more.
    ///
    /// - Throws: the first error met; every step is still attempted.
    public func close() async throws {
        let task: Task<Void, any Error> = state.withLock { state in
            if let closing = state.closing { return closing }
            state.closed = true
            let tenants = state.tenants
            let closing = Task { [transport, backend] in
                var firstError: (any Error)?
                for (_, slot) in tenants.sorted(by: { $0.key < $1.key }) {
                    let tenant: KimpleTenant?
                    switch slot {
                    case .open(let open): tenant = open
                    case .opening(let task, _): tenant = try? await task.value
                    }
                    do {
                        try await tenant?.intake.flushRobotEvents()
                    } catch {
                        firstError = firstError ?? error
                    }
                }
                if let outbox = transport as? FileOutbox { outbox.close() }
                do {
                    try await backend.close()
                } catch {
                    firstError = firstError ?? error
                }
                if let firstError { throw firstError }
            }
            state.closing = closing
            return closing
        }
        try await task.value
    }

    static func closedError() -> KimpleError {
        KimpleError(.storageClosed, "This Kimple was closed; open a new one.")
    }

    private static func mismatch(_ id: TenantID) -> KimpleError {
        KimpleError(
            .kimpleTenantMismatch,
            "This tenant is already open with another identity secret; use the tenant's one secret.",
            context: ["tenant": id.rawValue])
    }
}

/// The SDK-wide settings of ``Kimple``; every one has a default.
public struct KimpleOptions: Sendable {
    /// The calendar of legal dates (Europe/Paris, French public holidays).
    public var calendar: FrenchCalendar
    /// The transfer rule's data (P-8).
    public var adequacy: AdequacyTable
    /// The anonymous tables computed before destruction at the end of a contract (P-10).
    public var statistics: [StatisticsSpec]
    /// The processor's third-party audit reports (§11.3).
    public var thirdPartyAuditReports: [ThirdPartyAuditReport]
    /// The processor's target between detecting a breach and telling the controller.
    public var breachNoticeTarget: Duration
    /// The security measures described in the record of processing activities.
    public var securityMeasures: [SecurityMeasure]

    /// Options; the defaults are those of ``KimplePrivacy/PrivacyConfiguration``.
    public init(
        calendar: FrenchCalendar = .paris, adequacy: AdequacyTable = .builtIn, statistics: [StatisticsSpec] = [],
        thirdPartyAuditReports: [ThirdPartyAuditReport] = [], breachNoticeTarget: Duration = .seconds(24 * 3_600),
        securityMeasures: [SecurityMeasure] = SecurityMeasure.sdkMeasures
    ) {
        self.calendar = calendar
        self.adequacy = adequacy
        self.statistics = statistics
        self.thirdPartyAuditReports = thirdPartyAuditReports
        self.breachNoticeTarget = breachNoticeTarget
        self.securityMeasures = securityMeasures
    }
}

/// The settings of one tenant's services; every one has a default.
public struct TenantOptions: Sendable {
    /// Intake limits, robot thresholds and what a participation keeps.
    public var intake: IntakeConfiguration
    /// The check tenant content passes before an operation goes live (G-9).
    public var contentCheck: any ContentCheck
    /// Contracts: rate table, indemnity, invoice prefix, login policy.
    public var contracts: ContractService.Configuration
    /// How the monthly service report is computed.
    public var serviceReport: ServiceReportSettings
    /// The admission controller in front of intake, if the host uses one.
    public var admission: AdmissionController?

    /// Options; by default the intake's defaults, no banned term, the contracts' defaults, the
    /// contract's availability commitment, no admission controller.
    public init(
        intake: IntakeConfiguration = IntakeConfiguration(),
        contentCheck: any ContentCheck = TermListContentCheck(terms: []),
        contracts: ContractService.Configuration = ContractService.Configuration(),
        serviceReport: ServiceReportSettings = ServiceReportSettings(), admission: AdmissionController? = nil
    ) {
        self.intake = intake
        self.contentCheck = contentCheck
        self.contracts = contracts
        self.serviceReport = serviceReport
        self.admission = admission
    }
}

extension KimpleError.Code {
    /// The SDK was opened with a configuration it cannot run (no hosting site, say).
    public static let kimpleInvalidConfiguration: Self = "kimple.invalid_configuration"
    /// A tenant identifier is reserved for the platform (it starts with `_`).
    public static let kimpleTenantReserved: Self = "kimple.tenant_reserved"
    /// A tenant is already open with another identity secret.
    public static let kimpleTenantMismatch: Self = "kimple.tenant_mismatch"
}
