import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Creates operations and drives their lifecycle (G-1, G-2, G-3, G-9, G-10) for one tenant.
///
/// - **Commands** (`schedule`, `pause`, `suspend`...) follow ``OperationLifecycle``; an
///   illegal one throws `operation.illegal_transition` and changes nothing.
/// - **The clock** opens a scheduled operation at its opening instant and closes it at its
///   closing instant. Reads apply those transitions at once (``operation(_:)`` returns the
///   effective status); ``advance()`` and every command persist them, dated at the
///   instants themselves, by `system:games.clock`.
/// - **Going live** (``schedule(_:under:by:)``) runs every check and refuses with the first
///   problem, listing all of them: definition, rules document and its SHA-256, free route
///   when a purchase or payment is involved (G-2), advertiser is the licensee and
///   eligible countries lie in the licence territory (G-3), the content check (G-9), and
///   the processing gate for the form's data (P-1, P-6).
/// - Every change is a compare-and-set on the ``OperationStore`` (retried on a lost race)
///   and is then written to the tenant's evidence log with its author (K-5). A command
///   whose evidence entry fails to be written has happened; the error says so.
public final class OperationService: Sendable {
    /// The principal of clock-driven transitions.
    public static let clockPrincipal = Principal.system("games.clock")

    /// The tenant whose operations the service drives.
    public var tenant: TenantID { store.tenant }
    private let store: any OperationStore
    private let evidence: EvidenceLog
    private let gate: any ProcessingGate
    private let contentCheck: any ContentCheck
    private let clock: any Clock

    /// A service over `store`, writing to `evidence` (both of the same tenant), asking
    /// `gate` before going live and `contentCheck` for the content.
    /// Throws `core.invalid_argument` when the store and the evidence log belong to different tenants.
    public init(
        store: any OperationStore, evidence: EvidenceLog, gate: any ProcessingGate, contentCheck: any ContentCheck,
        clock: any Clock
    ) throws {
        guard evidence.tenant == store.tenant else {
            throw KimpleError(
                .invalidArgument, "The operation store and the evidence log must belong to the same tenant (K-1).",
                context: ["store": store.tenant.rawValue, "evidence": evidence.tenant.rawValue])
        }
        self.store = store
        self.evidence = evidence
        self.gate = gate
        self.contentCheck = contentCheck
        self.clock = clock
    }

    // MARK: Reading

    /// The operation `id` with its effective status (clock-driven transitions applied).
    /// Throws `operation.not_found`.
    public func operation(_ id: OperationID) async throws -> Operation {
        var operation = try await load(id).operation
        Self.settle(&operation, at: clock.now)
        return operation
    }

    /// Every operation of the tenant, with effective statuses, by id.
    public func operations() async throws -> [Operation] {
        let now = clock.now
        return try await store.operations().map { stored in
            var operation = stored.operation
            Self.settle(&operation, at: now)
            return operation
        }
    }

    // MARK: Editing

    /// Stores `operation` as a new draft (its status, history and suspension are reset).
    ///
    /// Throws `operation.invalid` (every definition problem listed in the context),
    /// `core.invalid_argument` for another tenant, `operation.already_exists`.
    @discardableResult
    public func create(_ operation: Operation, by principal: Principal) async throws -> Operation {
        var draft = operation
        draft.status = .draft
        draft.suspension = nil
        draft.history = []
        try GoLiveReview(operation: draft.id, problems: OperationRules.definitionProblems(of: draft)).requireReady()
        _ = try await store.insert(draft)
        try await evidence.record(
            principal, action: "operation.create", subject: Self.subject(draft.id), details: draft.title,
            payload: JSONCoding.encode(draft))
        return draft
    }

    /// Changes a draft with `change`. The id, tenant, status, history and suspension cannot
    /// be changed this way (they are restored); the result must be a valid definition.
    ///
    /// Throws `operation.not_found`, `operation.not_editable` when the operation is not a
    /// draft (unschedule it first), `operation.invalid`, or what `change` throws.
    @discardableResult
    public func update(
        _ id: OperationID, by principal: Principal, _ change: (inout Operation) throws -> Void
    ) async throws -> Operation {
        for _ in 0..<16 {
            let stored = try await load(id)
            var operation = stored.operation
            Self.settle(&operation, at: clock.now)
            guard operation.status == .draft else {
                throw KimpleError(
                    .operationNotEditable, "Only a draft can be edited; unschedule the operation first.",
                    context: ["operation": id.rawValue, "status": operation.status.rawValue])
            }
            let fixed = operation
            try change(&operation)
            operation.id = fixed.id
            operation.tenant = fixed.tenant
            operation.status = fixed.status
            operation.history = fixed.history
            operation.suspension = fixed.suspension
            try GoLiveReview(operation: id, problems: OperationRules.definitionProblems(of: operation)).requireReady()
            do {
                _ = try await store.replace(operation, expectedVersion: stored.version)
            } catch let error as KimpleError where error.code == .storageConflict {
                continue
            }
            try await evidence.record(
                principal, action: "operation.update", subject: Self.subject(id), payload: JSONCoding.encode(operation))
            return operation
        }
        throw Self.tooManyWriters(id)
    }

    /// Attaches the rules document `bytes` to a draft, recording its SHA-256 and size.
    /// Throws as ``update(_:by:_:)``.
    @discardableResult
    public func attachRules(
        _ id: OperationID, title: String, document bytes: some DataProtocol & Sendable, location: String? = nil,
        by principal: Principal
    ) async throws -> Operation {
        let rules = RulesDocument(title: title, bytes: bytes, location: location)
        return try await update(id, by: principal) { $0.rules = rules }
    }

    // MARK: Going live

    /// Every problem that keeps operation `id` from going live under `licence` now,
    /// without changing anything (a dry run of ``schedule(_:under:by:)``).
    public func review(
        _ id: OperationID, under licence: GamesLicence, by principal: Principal
    ) async throws
        -> GoLiveReview
    {
        var operation = try await load(id).operation
        Self.settle(&operation, at: clock.now)
        return try await review(operation, licence: licence, principal: principal)
    }

    private func review(
        _ operation: Operation, licence: GamesLicence, principal: Principal
    ) async throws
        -> GoLiveReview
    {
        var problems = OperationRules.goLiveProblems(of: operation, licence: licence, now: clock.now)
        for content in operation.reviewableContent {
            if case .refused(let reason) = try await contentCheck.review(content, of: operation) {
                problems.append(
                    GoLiveProblem(
                        .operationContentRefused, "The content check refused \(content.name): \(reason).",
                        context: ["content": content.name, "reason": reason]))
            }
        }
        let categories = operation.form.dataCategories
        do {
            let grant = try await gate.authorize(
                ProcessingRequest(
                    tenant: operation.tenant, instruction: operation.instruction, purpose: .participation,
                    categories: categories, principal: principal, subject: Self.subject(operation.id)))
            let special = categories.filter(\.isSpecial)
            if !special.isEmpty, !grant.allowsSpecialCategoriesInClear {
                problems.append(
                    GoLiveProblem(
                        .operationSpecialCategoryRefused,
                        "The form collects special-category data that the controller's instruction does not allow; "
                            + "remove those fields or obtain an instruction that allows them (P-6).",
                        context: ["categories": special.map(\.rawValue).sorted().joined(separator: ",")]))
            }
            _ = try await gate.authorize(
                ProcessingRequest(
                    tenant: operation.tenant, instruction: operation.instruction, purpose: .fraudPrevention,
                    categories: IntakeService.fraudCategories, principal: principal,
                    subject: Self.subject(operation.id)))
        } catch let error as KimpleError {
            problems.append(GoLiveProblem(error.code, error.message, context: error.context))
        }
        return GoLiveReview(operation: operation.id, problems: problems)
    }

    /// `draft -> scheduled` once every going-live check passes under `licence`.
    ///
    /// Throws the first problem of the review (`operation.rules_missing`,
    /// `operation.purchase_without_free_route`, `operation.advertiser_not_licensee`,
    /// `operation.territory_outside_licence`, `operation.content_refused`,
    /// `operation.special_category_refused`, a `privacy.` code of the gate...) with every
    /// problem's code in the context's `problems`; or `operation.illegal_transition`.
    @discardableResult
    public func schedule(
        _ id: OperationID, under licence: GamesLicence, by principal: Principal
    ) async throws
        -> Operation
    {
        try await apply(.schedule, to: id, by: principal, reason: nil) { operation in
            try await self.review(operation, licence: licence, principal: principal).requireReady()
        }
    }

    // MARK: Commands

    /// `scheduled -> draft`, before the opening instant.
    @discardableResult
    public func unschedule(_ id: OperationID, by principal: Principal, reason: String? = nil) async throws -> Operation
    {
        try await apply(.unschedule, to: id, by: principal, reason: reason)
    }

    /// `live -> paused`: participations are refused with `participation.window_closed` until resumed.
    @discardableResult
    public func pause(_ id: OperationID, by principal: Principal, reason: String? = nil) async throws -> Operation {
        try await apply(.pause, to: id, by: principal, reason: reason)
    }

    /// `paused -> live`, before the closing instant.
    @discardableResult
    public func resume(_ id: OperationID, by principal: Principal, reason: String? = nil) async throws -> Operation {
        try await apply(.resume, to: id, by: principal, reason: reason)
    }

    /// `live | paused -> suspended`, recording who decided it and why (G-10, A-5, §7.3: the
    /// provider may suspend an operation whose traffic threatens the platform).
    /// Throws `core.invalid_argument` for an empty reason.
    @discardableResult
    public func suspend(_ id: OperationID, by principal: Principal, reason: String) async throws -> Operation {
        guard !reason.trimmedText.isEmpty else {
            throw KimpleError(.invalidArgument, "A suspension states its reason.", context: ["operation": id.rawValue])
        }
        return try await apply(.suspend, to: id, by: principal, reason: reason)
    }

    /// `suspended -> ` the status before the suspension.
    @discardableResult
    public func liftSuspension(
        _ id: OperationID, by principal: Principal, reason: String? = nil
    ) async throws
        -> Operation
    {
        try await apply(.liftSuspension, to: id, by: principal, reason: reason)
    }

    /// `live | paused | suspended -> closed` before the closing instant.
    @discardableResult
    public func close(_ id: OperationID, by principal: Principal, reason: String? = nil) async throws -> Operation {
        try await apply(.close, to: id, by: principal, reason: reason)
    }

    /// `closed -> drawn`: the results are fixed.
    @discardableResult
    public func markDrawn(_ id: OperationID, by principal: Principal, reason: String? = nil) async throws -> Operation {
        try await apply(.markDrawn, to: id, by: principal, reason: reason)
    }

    /// `drawn -> archived`.
    @discardableResult
    public func archive(_ id: OperationID, by principal: Principal, reason: String? = nil) async throws -> Operation {
        try await apply(.archive, to: id, by: principal, reason: reason)
    }

    /// Persists the clock-driven transitions due now (openings and closings) of every
    /// operation, each written to the evidence log by `system:games.clock`; returns the
    /// operations that changed. Hosts call it from a timer; reads never need it.
    @discardableResult
    public func advance() async throws -> [Operation] {
        let now = clock.now
        var changed: [Operation] = []
        for stored in try await store.operations() {
            var operation = stored.operation
            let before = operation.history.count
            Self.settle(&operation, at: now)
            guard operation.history.count > before else { continue }
            do {
                _ = try await store.replace(operation, expectedVersion: stored.version)
            } catch let error as KimpleError where error.code == .storageConflict {
                continue  // A command ran meanwhile; it persisted the same transitions.
            }
            for change in operation.history[before...] {
                try await evidence.record(
                    Self.clockPrincipal, action: "operation.clock", subject: Self.subject(operation.id),
                    details: "\(change.from.rawValue) -> \(change.to.rawValue)")
            }
            changed.append(operation)
        }
        return changed
    }

    // MARK: Internals

    private func apply(
        _ command: LifecycleCommand, to id: OperationID, by principal: Principal, reason: String?,
        check: ((Operation) async throws -> Void)? = nil
    ) async throws -> Operation {
        for _ in 0..<16 {
            let stored = try await load(id)
            var operation = stored.operation
            let now = clock.now
            Self.settle(&operation, at: now)
            let from = operation.status
            let target = try OperationLifecycle.target(
                of: command, from: from, beforeSuspension: operation.suspension?.previousStatus)
            try await check?(operation)
            switch command {
            case .suspend:
                operation.suspension = Suspension(by: principal, reason: reason ?? "", at: now, previousStatus: from)
            case .liftSuspension, .close:
                operation.suspension = nil
            default:
                break
            }
            operation.history.append(
                StatusChange(from: from, to: target, at: now, by: principal, command: command, reason: reason))
            operation.status = target
            do {
                _ = try await store.replace(operation, expectedVersion: stored.version)
            } catch let error as KimpleError where error.code == .storageConflict {
                continue
            }
            try await evidence.record(
                principal, action: "operation.\(command.rawValue)", subject: Self.subject(id),
                details: "\(from.rawValue) -> \(target.rawValue)" + (reason.map { ": \($0)" } ?? ""),
                payload: JSONCoding.encode(operation))
            return operation
        }
        throw Self.tooManyWriters(id)
    }

    /// Applies the clock-driven transitions due at `now` to `operation`, recording each in
    /// its history at the instant it took effect.
    static func settle(_ operation: inout Operation, at now: Date) {
        if operation.status == .scheduled, now >= operation.opensAt {
            operation.history.append(
                StatusChange(from: .scheduled, to: .live, at: operation.opensAt, by: clockPrincipal, command: nil))
            operation.status = .live
        }
        if [.live, .paused, .suspended].contains(operation.status), now >= operation.closesAt {
            operation.history.append(
                StatusChange(
                    from: operation.status, to: .closed, at: operation.closesAt, by: clockPrincipal, command: nil))
            operation.status = .closed
            operation.suspension = nil
        }
    }

    private func load(_ id: OperationID) async throws -> StoredOperation {
        guard let stored = try await store.operation(id) else {
            throw KimpleError(.operationNotFound, "No such operation.", context: ["operation": id.rawValue])
        }
        return stored
    }

    static func subject(_ id: OperationID) -> String { "operation:" + id.rawValue }

    private static func tooManyWriters(_ id: OperationID) -> KimpleError {
        KimpleError(
            .storageConflict, "The operation kept changing while this command ran; try again.",
            context: ["operation": id.rawValue])
    }
}
