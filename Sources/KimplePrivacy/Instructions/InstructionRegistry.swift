import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The controller's documented instructions of one tenant, versioned, and the processing
/// gate every SDK path asks before it touches personal data (P-1, P-2, P-6, P-8, P-10).
///
/// ## Recording
/// ``record(_:id:by:)`` stores a new version (1, 2, ...) of an instruction with one atomic
/// commit (insert-if-absent of the version, compare-and-set of the head), so two writers
/// never get the same version. Versions are never changed afterwards, except for the
/// processor's flag and the controller's revocation, which are set on the latest version.
///
/// ## Authorising
/// ``authorize(_:)`` applies ``ProcessingRules`` to the latest version of the named
/// instruction. A refusal is written to the tenant's evidence log, then thrown as a
/// `privacy.*` error. A grant is a lookup under a mutex (decisions are cached until the
/// instruction or the tenant's state changes); it is traced in the evidence log once per
/// (instruction version, purpose, subject) at its first use in this process, and counted:
/// ``recordGrantSummary(by:)`` writes the counts since the last summary. Subjects are
/// meant to be coarse (`operation:summer-2026`), never a person.
///
/// The cache reflects this handle's writes; call ``reload()`` to see versions recorded by
/// another process.
public final class InstructionRegistry: ProcessingGate {
    /// The tenant (controller) whose instructions these are.
    public let tenant: TenantID
    private let store: any DocumentStore
    private let evidence: EvidenceLog
    private let notifier: ControllerNotifier
    private let clock: any Clock
    /// The calendar of legal dates.
    public let calendar: FrenchCalendar
    /// The transfer rule's data.
    public let adequacy: AdequacyTable

    /// Everything a decision and its trace depend on.
    private struct RequestKey: Hashable {
        var instruction: InstructionID
        var purpose: ProcessingPurpose
        var categories: Set<DataCategory>
        var destination: TransferDestination?
        var subject: String
    }

    private struct TraceKey: Hashable {
        var instruction: InstructionID
        var version: Int
        var purpose: ProcessingPurpose
        var subject: String
    }

    private struct CachedGrant {
        var grant: ProcessingGrant
        var validUntil: Date?
        var trace: TraceKey
        /// Grants since the last summary.
        var count: Int
    }

    private struct State {
        var instructions: [InstructionID: ControllerInstruction] = [:]
        var contractEnd: ContractEndState?
        var agreedSubProcessors: [TransferRecipient]?
        var hostingProblem: String?
        /// Granted requests; one hash of the request finds the grant and its counter.
        var cache: [RequestKey: CachedGrant] = [:]
        /// (instruction version, purpose, subject) whose first use was traced.
        var traced: Set<TraceKey> = []
        /// Counts of grants whose cache entries were dropped since the last summary.
        var counts: [TraceKey: Int] = [:]

        /// Drops the cached decisions (the instruction or the tenant's state changed),
        /// keeping their counts for the next summary.
        mutating func invalidate() {
            for entry in cache.values where entry.count > 0 { counts[entry.trace, default: 0] += entry.count }
            cache = [:]
        }
    }

    private static let decisionCacheLimit = 4_096
    private let state = Mutex(State())

    struct Head: Codable, Sendable {
        var latest: Int
    }

    private enum Outcome {
        case granted(ProcessingGrant, firstUse: TraceKey?)
        case refused(KimpleError)
    }

    /// A registry over `store` (the tenant's `privacy` document store). Call ``reload()``
    /// (or use ``open(storage:evidence:transport:clock:calendar:adequacy:)``) to load what is stored.
    public init(
        tenant: TenantID, store: any DocumentStore, evidence: EvidenceLog, transport: any MessageTransport,
        clock: any Clock, calendar: FrenchCalendar = .paris, adequacy: AdequacyTable = .builtIn
    ) {
        self.tenant = tenant
        self.store = store
        self.evidence = evidence
        self.notifier = ControllerNotifier(tenant: tenant, transport: transport, clock: clock)
        self.clock = clock
        self.calendar = calendar
        self.adequacy = adequacy
    }

    /// The registry of `storage`'s tenant, loaded. Throws what the store throws.
    public static func open(
        storage: TenantStorage, evidence: EvidenceLog, transport: any MessageTransport, clock: any Clock,
        calendar: FrenchCalendar = .paris, adequacy: AdequacyTable = .builtIn
    ) async throws -> InstructionRegistry {
        let registry = InstructionRegistry(
            tenant: storage.tenant, store: try await storage.documentStore(PrivacyKeys.store), evidence: evidence,
            transport: transport, clock: clock, calendar: calendar, adequacy: adequacy)
        try await registry.reload()
        return registry
    }

    // MARK: - Reading

    /// Loads the latest version of every instruction from the store (and the tenant's
    /// contract-end state). Throws `storage.corrupted` when a document does not decode.
    public func reload() async throws {
        var latest: [InstructionID: ControllerInstruction] = [:]
        for document in try await store.documents(withPrefix: PrivacyKeys.instructionPrefix)
        where document.key.contains("/v/") {
            let instruction = try JSONCoding.decode(ControllerInstruction.self, from: document.value, key: document.key)
            if (latest[instruction.id]?.version ?? 0) < instruction.version { latest[instruction.id] = instruction }
        }
        let end = try await CodableDocuments<ContractEndRecord>(store).get(PrivacyKeys.contractEnd)?.value
        state.withLock { state in
            state.instructions = latest
            if let end { state.contractEnd = end.state }
            state.invalidate()
        }
    }

    /// The latest version of instruction `id`, or `nil`.
    public func current(_ id: InstructionID) -> ControllerInstruction? {
        state.withLock { $0.instructions[id] }
    }

    /// The latest version of every instruction, by id.
    public func currentInstructions() -> [ControllerInstruction] {
        state.withLock { $0.instructions.values.sorted { $0.id < $1.id } }
    }

    /// Every recorded version of instruction `id`, oldest first. Throws what the store throws.
    public func history(_ id: InstructionID) async throws -> [ControllerInstruction] {
        try await CodableDocuments<ControllerInstruction>(store).values(
            withPrefix: PrivacyKeys.instructionVersions(id)
        ).map(\.value)
    }

    /// The tenant's contract-end state, as the gate sees it.
    public var contractEnd: ContractEndState? { state.withLock { $0.contractEnd } }

    // MARK: - Recording

    /// Records `terms` as the next version of instruction `id` (version 1 when new) and
    /// writes `privacy.instruction.recorded` (the text's digest as payload) to the evidence
    /// log. A new version replaces the previous one for every later grant, and is not held
    /// by a flag of an earlier version.
    ///
    /// Throws `privacy.instruction.invalid` for invalid terms (nothing is written),
    /// `storage.conflict` after 16 lost races with other writers, or what the stores throw.
    @discardableResult
    public func record(
        _ terms: InstructionTerms, id: InstructionID, by principal: Principal
    ) async throws
        -> ControllerInstruction
    {
        try terms.validate()
        let heads = CodableDocuments<Head>(store)
        for _ in 0..<16 {
            let head = try await heads.get(PrivacyKeys.instructionHead(id))
            let version = (head?.value.latest ?? 0) + 1
            let instruction = ControllerInstruction(
                id: id, version: version, tenant: tenant, terms: terms, textDigest: SHA256.hash(terms.text),
                recordedAt: clock.now, recordedBy: principal, revocation: nil, flag: nil)
            let headValue = try JSONCoding.encode(Head(latest: version))
            let writes: [DocumentWrite] = [
                .insert(key: PrivacyKeys.instructionVersion(id, version), value: try JSONCoding.encode(instruction)),
                head.map {
                    .replace(key: PrivacyKeys.instructionHead(id), expectedVersion: $0.version, value: headValue)
                } ?? .insert(key: PrivacyKeys.instructionHead(id), value: headValue),
            ]
            do {
                try await store.commit(writes)
            } catch let error as KimpleError where error.code == .storageConflict {
                continue
            }
            install(instruction)
            try await evidence.record(
                principal, action: PrivacyEvidence.instructionRecorded, subject: "instruction:\(id)",
                details: Self.summary(of: instruction), payload: Data(terms.text.utf8))
            return instruction
        }
        throw KimpleError(
            .storageConflict, "Other writers kept recording versions of this instruction; try again.",
            context: ["instruction": id.rawValue])
    }

    /// Records the controller's revocation of instruction `id`: every later processing under
    /// it is refused, except erasure and data subject requests. Throws
    /// `privacy.instruction.missing` for an unknown id.
    @discardableResult
    public func revoke(
        _ id: InstructionID, reason: String, by principal: Principal
    ) async throws
        -> ControllerInstruction
    {
        try Text.require(reason, "The reason", limit: 2_000, code: .privacyInstructionInvalid)
        let now = clock.now
        let updated = try await updateLatest(id) { instruction in
            if instruction.revocation == nil {
                instruction.revocation = InstructionRevocation(revokedAt: now, revokedBy: principal, reason: reason)
            }
        }
        try await evidence.record(
            principal, action: PrivacyEvidence.instructionRevoked, subject: "instruction:\(id)",
            details: "version \(updated.version) revoked", payload: Data(reason.utf8))
        return updated
    }

    /// Flags the latest version of instruction `id` as infringing the GDPR in the processor's
    /// view (§11.2.1, art. 28(3)): the flag is recorded, written to the evidence log, and a
    /// notice goes to the controller at once. With `holdsProcessing` (the default), processing
    /// under this version is refused (`privacy.instruction.on_hold`) until the flag is
    /// resolved or a new version is recorded.
    ///
    /// Throws `privacy.instruction.missing` for an unknown id, `privacy.instruction.invalid`
    /// for an empty reason, or what the store and the transport throw (the flag is then
    /// recorded and the notice can be sent again by flagging again: same idempotency key).
    @discardableResult
    public func flag(
        _ id: InstructionID, reason: String, holdsProcessing: Bool = true, by principal: Principal
    ) async throws -> ControllerInstruction {
        try Text.require(reason, "The reason", limit: 10_000, code: .privacyInstructionInvalid)
        let now = clock.now
        let updated = try await updateLatest(id) { instruction in
            if instruction.flag == nil || instruction.flag?.resolution != nil {
                instruction.flag = InstructionFlag(
                    reason: reason, flaggedAt: now, flaggedBy: principal, holdsProcessing: holdsProcessing)
            }
        }
        let flag = updated.flag
        try await evidence.record(
            principal, action: PrivacyEvidence.instructionFlagged, subject: "instruction:\(id)",
            details: "version \(updated.version) flagged as infringing; processing "
                + (updated.isHeld ? "held" : "continues"), payload: Data((flag?.reason ?? reason).utf8))
        try await notifier.send(
            .privacyInstructionFlagged,
            key: "instruction-\(id)-v\(updated.version)-flagged-\(Int((flag?.flaggedAt ?? now).timeIntervalSince1970))",
            subject: "Instruction \(id) (version \(updated.version)) may infringe data protection law",
            body: """
                In our view as processor, your instruction \(id) (version \(updated.version), \
                \(updated.terms.reference)) infringes the GDPR or other data protection provisions \
                (contract §11.2.1; GDPR art. 28(3)).

                Reason: \(flag?.reason ?? reason)

                \(updated.isHeld ? "Processing under this instruction is held until you confirm or amend it." : "Processing continues.")
                """,
            attributes: [
                "instruction": id.rawValue, "version": String(updated.version),
                "held": updated.isHeld ? "true" : "false",
            ])
        return updated
    }

    /// Ends the flag of the latest version of `id`: the controller confirmed the instruction
    /// (processing resumes; §11.2.13 lets the processor terminate the processing part of the
    /// contract) or the processor withdrew its flag. Throws `privacy.instruction.missing`
    /// when there is no unresolved flag.
    @discardableResult
    public func resolveFlag(
        _ id: InstructionID, _ resolution: InstructionFlag.Resolution, note: String, by principal: Principal
    ) async throws -> ControllerInstruction {
        let now = clock.now
        let updated = try await updateLatest(id) { instruction in
            guard var flag = instruction.flag, flag.resolution == nil else {
                throw KimpleError(
                    .privacyInstructionMissing, "This instruction has no open flag.",
                    context: ["instruction": id.rawValue])
            }
            flag.resolution = resolution
            flag.resolvedAt = now
            flag.resolvedBy = principal
            flag.resolutionNote = note
            instruction.flag = flag
        }
        try await evidence.record(
            principal, action: PrivacyEvidence.instructionFlagResolved, subject: "instruction:\(id)",
            details: "version \(updated.version): \(resolution.rawValue)", payload: Data(note.utf8))
        return updated
    }

    private func updateLatest(
        _ id: InstructionID, _ change: (inout ControllerInstruction) throws -> Void
    ) async throws -> ControllerInstruction {
        guard let head = try await CodableDocuments<Head>(store).get(PrivacyKeys.instructionHead(id)) else {
            throw KimpleError(
                .privacyInstructionMissing, "No instruction of the controller has this id.",
                context: ["instruction": id.rawValue])
        }
        let updated = try await CodableDocuments<ControllerInstruction>(store).update(
            PrivacyKeys.instructionVersion(id, head.value.latest), change)
        install(updated)
        return updated
    }

    private func install(_ instruction: ControllerInstruction) {
        state.withLock { state in
            let known = state.instructions[instruction.id]
            guard (known?.version ?? 0) <= instruction.version else { return }
            state.instructions[instruction.id] = instruction
            state.invalidate()
        }
    }

    // MARK: - Context set by the other services

    func setContractEnd(_ end: ContractEndState?) {
        state.withLock { state in
            state.contractEnd = end
            state.invalidate()
        }
    }

    /// Sets the sub-processors this tenant agreed to (from a ``SubProcessorRegistry``), used
    /// for destinations whose recipient is a sub-processor. `nil`: none may receive data.
    public func setAgreedSubProcessors(_ recipients: [TransferRecipient]?) {
        state.withLock { state in
            state.agreedSubProcessors = recipients
            state.invalidate()
        }
    }

    /// Sets why the SDK's hosting is not acceptable (`nil`: it is); while set, everything but
    /// erasure and data subject requests is refused with `privacy.hosting.not_agreed`.
    public func setHostingProblem(_ problem: String?) {
        state.withLock { state in
            state.hostingProblem = problem
            state.invalidate()
        }
    }

    /// The context the gate decides in at `now`.
    public func context(at now: Date) -> GateContext {
        state.withLock { context(now, $0) }
    }

    private func context(_ now: Date, _ state: State) -> GateContext {
        GateContext(
            tenant: tenant, now: now, calendar: calendar, adequacy: adequacy, contractEnd: state.contractEnd,
            agreedSubProcessors: state.agreedSubProcessors, hostingProblem: state.hostingProblem)
    }

    // MARK: - ProcessingGate

    /// Grants `request` or throws a `privacy.*` error after writing the refused attempt to the
    /// evidence log (see the type's documentation). When the evidence log cannot be written,
    /// a refusal is still thrown (its context then says `evidence: not_recorded`), and a
    /// first grant is not given (the log's error is thrown).
    public func authorize(_ request: ProcessingRequest) async throws -> ProcessingGrant {
        let now = clock.now
        let outcome = state.withLock { state -> Outcome in
            let key = RequestKey(
                instruction: request.instruction, purpose: request.purpose, categories: request.categories,
                destination: request.destination, subject: request.subject)
            if request.tenant == tenant, let index = state.cache.index(forKey: key) {
                let cached = state.cache.values[index]
                if cached.validUntil.map({ now < $0 }) ?? true {
                    state.cache.values[index].count += 1
                    var grant = cached.grant
                    grant.grantedAt = now
                    return .granted(grant, firstUse: nil)
                }
            }
            switch ProcessingRules.decide(
                request, instruction: state.instructions[request.instruction], context: context(now, state))
            {
            case .refused(let error):
                return .refused(error)
            case .granted(let grant, let validUntil):
                let trace = TraceKey(
                    instruction: grant.instruction, version: grant.instructionVersion, purpose: grant.purpose,
                    subject: request.subject)
                if state.cache.count >= Self.decisionCacheLimit { state.invalidate() }
                if let previous = state.cache[key], previous.count > 0 {
                    state.counts[previous.trace, default: 0] += previous.count
                }
                state.cache[key] = CachedGrant(grant: grant, validUntil: validUntil, trace: trace, count: 1)
                return .granted(grant, firstUse: state.traced.insert(trace).inserted ? trace : nil)
            }
        }
        switch outcome {
        case .granted(let grant, nil):
            return grant
        case .granted(let grant, let trace?):
            do {
                try await evidence.record(
                    request.principal, action: PrivacyEvidence.processingGranted, subject: request.subject,
                    details: Self.describe(request, version: grant.instructionVersion))
            } catch {
                _ = state.withLock { $0.traced.remove(trace) }
                throw error
            }
            return grant
        case .refused(let refusal):
            do {
                try await evidence.record(
                    request.principal, action: PrivacyEvidence.processingRefused, subject: request.subject,
                    details: "\(refusal.code): " + Self.describe(request, version: nil))
            } catch {
                var context = refusal.context
                context["evidence"] = "not_recorded"
                throw KimpleError(refusal.code, refusal.message, context: context)
            }
            throw refusal
        }
    }

    /// Writes one `privacy.processing.summary` entry per (instruction version, purpose,
    /// subject) granted since the last summary, with the number of grants, and resets the
    /// counts. Returns the number of entries written. The host runs it on its schedule (every
    /// hour, at the end of a campaign). Throws what the evidence log throws (the counts are
    /// then kept for the next summary).
    @discardableResult
    public func recordGrantSummary(by principal: Principal = .system("privacy.gate")) async throws -> Int {
        let counts = state.withLock { state -> [(TraceKey, Int)] in
            var taken = state.counts
            state.counts = [:]
            for index in state.cache.indices where state.cache.values[index].count > 0 {
                taken[state.cache.values[index].trace, default: 0] += state.cache.values[index].count
                state.cache.values[index].count = 0
            }
            return taken.map { ($0.key, $0.value) }
        }
        let sorted = counts.sorted {
            ($0.0.subject, $0.0.purpose.rawValue, $0.0.version) < ($1.0.subject, $1.0.purpose.rawValue, $1.0.version)
        }
        var written = 0
        do {
            for (key, count) in sorted {
                try await evidence.record(
                    principal, action: PrivacyEvidence.processingSummary, subject: key.subject,
                    details: "instruction \(key.instruction) v\(key.version), purpose \(key.purpose): "
                        + (count == 1 ? "1 grant" : "\(count) grants"))
                written += 1
            }
        } catch {
            state.withLock { state in
                for (key, count) in sorted.dropFirst(written) { state.counts[key, default: 0] += count }
            }
            throw error
        }
        return written
    }

    static func describe(_ request: ProcessingRequest, version: Int?) -> String {
        var text = "instruction \(request.instruction)"
        if let version { text += " v\(version)" }
        text += ", purpose \(request.purpose)"
        if !request.categories.isEmpty {
            text += ", categories " + request.categories.map(\.rawValue).sorted().joined(separator: " ")
        }
        if let destination = request.destination {
            text += ", destination \(destination.country)/\(destination.recipient)"
        }
        return text
    }

    static func summary(of instruction: ControllerInstruction) -> String {
        let terms = instruction.terms
        var text = "version \(instruction.version) (\(terms.reference)); purposes "
        text += terms.purposes.map(\.rawValue).sorted().joined(separator: " ")
        text += "; categories " + terms.categories.map(\.rawValue).sorted().joined(separator: " ")
        if !terms.specialCategories.isEmpty {
            text += "; special " + terms.specialCategories.map(\.rawValue).sorted().joined(separator: " ")
        }
        text += "; retention \(terms.retention); \(terms.recipients.count) recipients"
        return text
    }
}
