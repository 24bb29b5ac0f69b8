import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The end of one tenant's contract (P-9, P-10, §11.2.11, §12): it opens the 45-day
/// reversibility window when KimpleContracts reports the end, records the controller's
/// choice, returns the data if asked, and after the window erases participant data from
/// every holder, keeping only anonymous statistics, with a destruction certificate.
///
/// The gate follows: after the end only exports (until the window closes), statistics,
/// requests and erasure are granted; after the destruction, only erasure and requests.
public struct ReversibilityService: ContractEndListener {
    /// The tenant.
    public let tenant: TenantID
    private let store: any DocumentStore
    private let evidence: EvidenceLog
    private let notifier: ControllerNotifier
    private let clock: any Clock
    private let calendar: FrenchCalendar
    private let registry: InstructionRegistry
    private let holders: PersonalDataHolders
    private let statistics: [StatisticsSpec]

    /// The process name written in destruction certificates.
    public static let processName = "KimplePrivacy.ReversibilityService.finalise (SDK privacy module 1)"

    /// The service over `store` (the tenant's `privacy` document store); `statistics` are the
    /// anonymous tables computed before destruction.
    public init(
        tenant: TenantID, store: any DocumentStore, evidence: EvidenceLog, transport: any MessageTransport,
        clock: any Clock, calendar: FrenchCalendar = .paris, registry: InstructionRegistry,
        holders: PersonalDataHolders, statistics: [StatisticsSpec] = []
    ) {
        self.tenant = tenant
        self.store = store
        self.evidence = evidence
        self.notifier = ControllerNotifier(tenant: tenant, transport: transport, clock: clock)
        self.clock = clock
        self.calendar = calendar
        self.registry = registry
        self.holders = holders
        self.statistics = statistics
    }

    private var documents: CodableDocuments<ContractEndRecord> { CodableDocuments(store) }

    /// The tenant's end-of-contract file, once the end was reported.
    public func record() async throws -> ContractEndRecord? {
        try await documents.get(PrivacyKeys.contractEnd)?.value
    }

    // MARK: - ContractEndListener

    /// Records that `contract` of `tenant` ends at `effectiveEnd`, opens the 45-day window in
    /// the gate, and asks the controller to choose return or destruction. Reporting again
    /// (a corrected date) moves the end; the choice is kept.
    ///
    /// Throws `privacy.tenant.mismatch` for another tenant, `privacy.reversibility.destroyed`
    /// once the data was destroyed, or what the stores and the transport throw.
    public func contractEnded(tenant: TenantID, contract: String, effectiveEnd: Date) async throws {
        guard tenant == self.tenant else {
            throw KimpleError(
                .privacyTenantMismatch, "This service serves another tenant.", context: ["tenant": tenant.rawValue])
        }
        try Text.require(contract, "The contract", limit: 200, code: .invalidArgument)
        let now = clock.now
        let windowEnd = Reversibility.windowEnd(effectiveEnd: effectiveEnd, calendar: calendar)
        let state = ContractEndState(contract: contract, effectiveEnd: effectiveEnd, reversibilityEnd: windowEnd)
        var stored: ContractEndRecord
        if let existing = try await documents.get(PrivacyKeys.contractEnd) {
            guard existing.value.state.destroyedAt == nil else {
                throw KimpleError(
                    .privacyAlreadyDestroyed, "The tenant's data was already destroyed after its contract ended.")
            }
            stored = existing.value
            stored.state = state
            try await documents.replace(PrivacyKeys.contractEnd, expectedVersion: existing.version, with: stored)
        } else {
            stored = ContractEndRecord(
                state: state, recordedAt: now, choice: nil, choiceRecordedAt: nil, returned: nil, statistics: [],
                certificate: nil)
            try await documents.insert(PrivacyKeys.contractEnd, stored)
        }
        registry.setContractEnd(state)
        try await evidence.record(
            .system("privacy.reversibility"), action: PrivacyEvidence.contractEnded, subject: "contract:\(contract)",
            details: "ends \(ISO8601.string(effectiveEnd)); exports possible until \(ISO8601.string(windowEnd))")
        try await notifier.send(
            .privacyContractEnded, key: "contract-end-\(contract)-\(Int(effectiveEnd.timeIntervalSince1970))",
            subject: "End of contract \(contract): return or destruction of personal data",
            body: """
                Your contract \(contract) ends on \(ISO8601.string(effectiveEnd)). You may export your data \
                until \(ISO8601.string(windowEnd)) (45 days, contract §12). Please tell us whether you want \
                the personal data we process for you returned or destroyed (§11.2.11). After the window, \
                participant data is erased and only anonymous statistics are kept; a destruction certificate \
                is sent to you.
                """,
            attributes: [
                "contract": contract, "effective_end": ISO8601.string(effectiveEnd),
                "reversibility_end": ISO8601.string(windowEnd),
            ])
    }

    // MARK: - Choice and return

    /// Records the controller's choice. Throws `privacy.contract.not_ended` before the end
    /// was reported, `privacy.reversibility.destroyed` after the destruction.
    @discardableResult
    public func recordChoice(
        _ choice: EndOfContractChoice, by principal: Principal
    ) async throws
        -> ContractEndRecord
    {
        let now = clock.now
        let updated = try await update { record in
            record.choice = choice
            record.choiceRecordedAt = now
        }
        try await evidence.record(
            principal, action: PrivacyEvidence.endChoice, subject: "contract:\(updated.state.contract)",
            details: "controller's choice: \(choice.rawValue)")
        return updated
    }

    /// Returns every record of every listable holder to `sink` as JSON Lines, each holder
    /// after the gate's grant for an export (so only within the 45-day window, and to a
    /// destination the instruction names). Special-category values are withheld unless the
    /// instruction allows them in clear. Holders that cannot list their records are named
    /// in the receipt.
    ///
    /// Throws `privacy.contract.not_ended` before the end was reported, the gate's errors
    /// (`privacy.reversibility.closed` after the window), or what the holders and the sink throw.
    @discardableResult
    public func returnData(
        to sink: any PersonalDataReturnSink, by principal: Principal
    ) async throws
        -> ReturnReceipt
    {
        guard let current = try await record() else { throw notEnded() }
        var hasher = SHA256()
        var perHolder: [String: Int] = [:]
        var withheld = 0
        var notEnumerable: [String] = []
        for registered in holders.all {
            guard let holder = registered.holder as? any PersonalDataEnumerating else {
                notEnumerable.append(registered.name)
                continue
            }
            let grant = try await registry.authorize(
                ProcessingRequest(
                    tenant: tenant, instruction: registered.instruction, purpose: .export, categories: [],
                    principal: principal, subject: "contract-return:\(current.state.contract)",
                    destination: sink.destination))
            var chunk = Data()
            var count = 0
            var encodingError: (any Error)?
            try await holder.forEachRecord { record in
                var record = record
                if record.categories.contains(where: \.isSpecial) && !grant.allowsSpecialCategoriesInClear {
                    record.fields = record.fields.mapValues { _ in SubjectDataPackage.withheldValue }
                    withheld += 1
                }
                do {
                    chunk.append(try JSONCoding.encode(record))
                } catch {
                    encodingError = error
                    return false
                }
                chunk.append(0x0A)
                count += 1
                return true
            }
            if let encodingError { throw encodingError }
            hasher.update(chunk)
            if !chunk.isEmpty { try await sink.append(chunk) }
            perHolder[registered.name] = count
        }
        try await sink.finish()
        let digest = hasher.finalize()
        let entry = try await evidence.record(
            principal, action: PrivacyEvidence.dataReturned, subject: "contract:\(current.state.contract)",
            details: "\(perHolder.values.reduce(0, +)) records returned, \(withheld) withheld (special categories)"
                + (notEnumerable.isEmpty ? "" : "; not listable: " + notEnumerable.joined(separator: ", ")))
        let receipt = ReturnReceipt(
            completedAt: clock.now, recordsPerHolder: perHolder, withheldSpecialRecords: withheld,
            holdersNotEnumerable: notEnumerable, digest: digest,
            evidenceHead: EvidenceHead(index: entry.index, hash: entry.hash))
        try await update { $0.returned = receipt }
        return receipt
    }

    // MARK: - Destruction

    /// After the reversibility window: computes the anonymous statistics, erases every record
    /// of every holder, drops the locators kept in data subject requests and has the
    /// transport redact the messages that carry a person's data, records the
    /// destruction in the evidence log and sends the destruction certificate to the
    /// controller. Running it again returns the certificate already produced.
    ///
    /// Throws `privacy.contract.not_ended` before the end was reported,
    /// `privacy.reversibility.open` before the window's end, `privacy.erasure.incomplete`
    /// when a holder still holds records (the certificate, marked incomplete, is recorded
    /// first), or what the holders, stores and transport throw.
    @discardableResult
    public func finalise(by principal: Principal) async throws -> DestructionCertificate {
        guard let current = try await record() else { throw notEnded() }
        if let certificate = current.certificate { return certificate }
        let startedAt = clock.now
        guard startedAt >= current.state.reversibilityEnd else {
            throw KimpleError(
                .privacyReversibilityOpen, "The 45-day reversibility window is still open; exports remain possible.",
                context: ["window_end": ISO8601.string(current.state.reversibilityEnd)])
        }
        let registeredHolders = holders.all
        // Every holder is granted before any is touched.
        for registered in registeredHolders {
            _ = try await registry.authorize(
                ProcessingRequest(
                    tenant: tenant, instruction: registered.instruction, purpose: .erasure, categories: [],
                    principal: principal, subject: "contract-end:\(current.state.contract)"))
        }
        let tables = try await computeStatistics(principal: principal, contract: current.state.contract)
        var destructions: [HolderDestruction] = []
        for registered in registeredHolders {
            let holder = registered.holder
            let before = try await holder.recordCount()
            let outcome = try await holder.eraseAll()
            let after = try await holder.recordCount()
            destructions.append(
                HolderDestruction(
                    holder: holder.holderName, recordsBefore: before, recordsErased: outcome.recordIDs.count,
                    removed: outcome.removed, recordsAfter: after, completedAt: clock.now))
        }
        let dropped = try await dropRequestLocators()
        // The forwarded requests and answers the transport still keeps, pending or delivered.
        try await notifier.redactMessages(about: nil)
        let statisticsDigest = tables.isEmpty ? nil : SHA256.hash(try JSONCoding.encode(tables))
        let findings = DestructionFindings(
            tenant: tenant, contract: current.state.contract, contractEnd: current.state.effectiveEnd,
            reversibilityEnd: current.state.reversibilityEnd, choice: current.choice,
            returnedAt: current.returned?.completedAt, returnDigest: current.returned?.digest, holders: destructions,
            totalRecordsBefore: destructions.reduce(0) { $0 + $1.recordsBefore },
            totalRecordsErased: destructions.reduce(0) { $0 + $1.recordsErased }, requestLocatorsDropped: dropped,
            statisticsKept: tables.map(\.title), statisticsDigest: statisticsDigest, process: Self.processName,
            principal: principal, startedAt: startedAt, completedAt: clock.now)
        let payload = try JSONCoding.encode(findings)
        let entry = try await evidence.record(
            principal, action: PrivacyEvidence.dataDestroyed, subject: "contract:\(current.state.contract)",
            details: "\(findings.totalRecordsErased) of \(findings.totalRecordsBefore) records erased in "
                + "\(destructions.count) stores; \(tables.count) anonymous tables kept", payload: payload)
        let certificate = DestructionCertificate(
            findings: findings, findingsDigest: SHA256.hash(payload),
            evidenceHead: EvidenceHead(index: entry.index, hash: entry.hash))
        var destroyedState = current.state
        destroyedState.destroyedAt = findings.completedAt
        try await update { record in
            record.state = destroyedState
            record.statistics = tables
            record.certificate = certificate
        }
        registry.setContractEnd(destroyedState)
        try await notifier.send(
            .privacyDestructionCertificate, key: "destruction-\(current.state.contract)",
            subject: "Destruction certificate — contract \(current.state.contract)", body: certificate.markdown,
            attributes: [
                "contract": current.state.contract, "evidence_index": String(entry.index),
                "evidence_hash": entry.hash.hex, "findings_digest": certificate.findingsDigest.hex,
            ])
        guard certificate.isComplete else {
            throw KimpleError(
                .privacyErasureIncomplete, "A store still holds records after the destruction.",
                context: [
                    "holders": destructions.filter { $0.recordsAfter > 0 }.map(\.holder).joined(separator: ",")
                ])
        }
        return certificate
    }

    private func computeStatistics(principal: Principal, contract: String) async throws -> [AnonymousStatistics] {
        guard !statistics.isEmpty else { return [] }
        var accumulators = statistics.map { StatisticsAccumulator(spec: $0) }
        for registered in holders.all {
            guard let holder = registered.holder as? any PersonalDataEnumerating else { continue }
            _ = try await registry.authorize(
                ProcessingRequest(
                    tenant: tenant, instruction: registered.instruction, purpose: .statistics, categories: [],
                    principal: principal, subject: "contract-end-statistics:\(contract)"))
            try await holder.forEachRecord { record in
                for index in accumulators.indices { accumulators[index].add(record) }
                return true
            }
        }
        return try accumulators.map { try $0.table() }
    }

    private func dropRequestLocators() async throws -> Int {
        let requests = CodableDocuments<DataSubjectRequest>(store)
        var dropped = 0
        for versioned in try await requests.values(withPrefix: PrivacyKeys.requestPrefix)
        where versioned.value.subject != nil || versioned.value.statement != nil {
            try await requests.update(PrivacyKeys.request(versioned.value.id.rawValue)) { request in
                request.subject = nil
                request.statement = nil
            }
            dropped += 1
        }
        for document in try await store.documents(withPrefix: PrivacyKeys.restrictionPrefix) {
            try await store.delete(document.key)
        }
        // The earlier versions of the requests still hold the locators in the store's history
        // (the file store's journal): drop it, as an erasure does.
        if dropped > 0, let compacting = store as? any HistoryCompactingDocumentStore {
            try await compacting.compactHistory()
        }
        return dropped
    }

    @discardableResult
    private func update(_ change: (inout ContractEndRecord) throws -> Void) async throws -> ContractEndRecord {
        guard let existing = try await record() else { throw notEnded() }
        if existing.state.destroyedAt != nil, existing.certificate != nil {
            throw KimpleError(
                .privacyAlreadyDestroyed, "The tenant's data was already destroyed after its contract ended.")
        }
        return try await documents.update(PrivacyKeys.contractEnd, change)
    }

    private func notEnded() -> KimpleError {
        KimpleError(
            .privacyContractNotEnded, "No end of contract was reported for this tenant.",
            context: ["tenant": tenant.rawValue])
    }
}

/// Routes the contract-end reports of KimpleContracts (one listener for every tenant) to
/// each tenant's ``ReversibilityService``.
public final class ContractEndRouter: ContractEndListener {
    private let services = Mutex<[TenantID: ReversibilityService]>([:])

    /// An empty router.
    public init() {}

    /// Routes `tenant`'s reports to `service` (replacing an earlier one).
    public func register(_ service: ReversibilityService) {
        services.withLock { $0[service.tenant] = service }
    }

    /// Forwards to the tenant's service. Throws `privacy.tenant.mismatch` when none is
    /// registered, or what the service throws.
    public func contractEnded(tenant: TenantID, contract: String, effectiveEnd: Date) async throws {
        guard let service = services.withLock({ $0[tenant] }) else {
            throw KimpleError(
                .privacyTenantMismatch, "No privacy services are registered for this tenant.",
                context: ["tenant": tenant.rawValue])
        }
        try await service.contractEnded(tenant: tenant, contract: contract, effectiveEnd: effectiveEnd)
    }
}
