import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Data subject requests received by the processor, for one tenant (P-3, §11.2.2).
///
/// - ``receive(_:subject:channel:statement:receivedAt:by:)`` records the request and
///   forwards it to the controller at once; the processor does not answer the person.
/// - Deadlines: one calendar month from receipt, extendable once by two months with a
///   reason given within the first month (``extend(_:reason:by:)``).
/// - ``decide(_:_:by:)`` records the controller's decision; ``execute(_:by:)`` carries it
///   out across every registered holder of the tenant and returns a proof chained into the
///   evidence log.
/// - ``answer(_:to:text:by:)`` is refused unless the controller authorised the processor to
///   answer.
///
/// Every state change is a compare-and-set on the request's document.
public struct DataSubjectRequestService: Sendable {
    /// The tenant.
    public let tenant: TenantID
    private let store: any DocumentStore
    private let evidence: EvidenceLog
    private let notifier: ControllerNotifier
    private let transport: any MessageTransport
    private let clock: any Clock
    private let calendar: FrenchCalendar
    private let gate: any ProcessingGate
    private let holders: PersonalDataHolders

    /// The service over `store` (the tenant's `privacy` document store).
    public init(
        tenant: TenantID, store: any DocumentStore, evidence: EvidenceLog, transport: any MessageTransport,
        clock: any Clock, calendar: FrenchCalendar = .paris, gate: any ProcessingGate, holders: PersonalDataHolders
    ) {
        self.tenant = tenant
        self.store = store
        self.evidence = evidence
        self.notifier = ControllerNotifier(tenant: tenant, transport: transport, clock: clock)
        self.transport = transport
        self.clock = clock
        self.calendar = calendar
        self.gate = gate
        self.holders = holders
    }

    private var documents: CodableDocuments<DataSubjectRequest> { CodableDocuments(store) }

    // MARK: - Receiving

    /// Records a request received at `receivedAt` (default: now) and forwards it to the
    /// controller at once (message `privacy.request.forwarded`, with the locator and the
    /// statement, which the controller needs to decide; the message names the person by
    /// ``OutboundMessage/dataSubject``, so the transport redacts it once delivered).
    ///
    /// Throws `privacy.request.invalid` for an empty channel or a receipt in the future
    /// (nothing is written). When the transport fails, the request stays recorded and the
    /// error is thrown with the request id in its context: call ``forward(_:)`` again.
    @discardableResult
    public func receive(
        _ right: DataSubjectRight, subject: SubjectLocator, channel: String, statement: String? = nil,
        receivedAt: Date? = nil, by principal: Principal
    ) async throws -> DataSubjectRequest {
        let now = clock.now
        let received = receivedAt ?? now
        try Text.require(channel, "The channel the request came through", limit: 500, code: .privacyRequestInvalid)
        guard received <= now else {
            throw KimpleError(
                .privacyRequestInvalid, "A request cannot be received in the future.",
                context: ["received_at": ISO8601.string(received)])
        }
        let request = DataSubjectRequest(
            id: .random(), tenant: tenant, right: right, subject: subject, subjectDigest: SubjectDigest.of(subject),
            receivedAt: received, channel: channel, statement: statement, recordedBy: principal, forwardedAt: nil,
            initialDeadline: RequestDeadlines.initialDeadline(receivedAt: received, calendar: calendar),
            deadline: RequestDeadlines.initialDeadline(receivedAt: received, calendar: calendar),
            deadlineExtension: nil, decision: nil, proof: nil, answeredAt: nil, closedAt: nil)
        try await documents.insert(PrivacyKeys.request(request.id.rawValue), request)
        try await evidence.record(
            principal, action: PrivacyEvidence.requestReceived, subject: "request:\(request.id)",
            details: "\(right.rawValue) request of subject \(request.subjectDigest.hex.prefix(16)), due "
                + ISO8601.string(request.deadline))
        do {
            return try await forward(request.id)
        } catch let error as KimpleError {
            var context = error.context
            context["request"] = request.id.rawValue
            throw KimpleError(error.code, error.message, context: context)
        }
    }

    /// Forwards request `id` to the controller (again: the idempotency key makes a repeat
    /// harmless) and records when. Throws `privacy.request.not_found`, or what the transport
    /// throws.
    @discardableResult
    public func forward(_ id: DataSubjectRequestID) async throws -> DataSubjectRequest {
        let request = try await load(id)
        var body = """
            A data subject exercised the right of \(request.right.rawValue) with us, your processor \
            (contract §11.2.2). We will not answer the person unless you authorise us to.

            - Received: \(ISO8601.string(request.receivedAt)) via \(request.channel)
            - Person: \(request.subject.map(SubjectDigest.canonical) ?? "(no longer held)")
            - Deadline: \(ISO8601.string(request.deadline)) (one month, extendable by two with a reason)
            """
        if let statement = request.statement { body += "\n\nTheir request, as received:\n\(statement)" }
        let receipt = try await notifier.send(
            .privacyRequestForwarded, key: "dsr-\(id)-forwarded",
            subject:
                "Data subject request (\(request.right.rawValue)) to decide by \(ISO8601.string(request.deadline))",
            body: body,
            attributes: [
                "request": id.rawValue, "right": request.right.rawValue,
                "deadline": ISO8601.string(request.deadline),
            ], dataSubject: request.subjectDigest)
        guard request.forwardedAt == nil else { return request }
        let updated = try await documents.update(PrivacyKeys.request(id.rawValue)) { value in
            if value.forwardedAt == nil { value.forwardedAt = receipt.acceptedAt }
        }
        try await evidence.record(
            .system("privacy.requests"), action: PrivacyEvidence.requestForwarded, subject: "request:\(id)",
            details: "forwarded to the controller at \(ISO8601.string(receipt.acceptedAt))")
        return updated
    }

    // MARK: - Deadlines

    /// Extends the deadline of request `id` by two months, for `reason`, and tells the
    /// controller. Throws `privacy.request.extension_refused` after the first month, when
    /// already extended or without a reason; `privacy.request.state` once closed.
    @discardableResult
    public func extend(
        _ id: DataSubjectRequestID, reason: String, by principal: Principal
    ) async throws
        -> DataSubjectRequest
    {
        let now = clock.now
        let calendar = self.calendar
        guard !Text.isBlank(reason), reason.utf8.count <= 5_000 else {
            throw KimpleError(
                .privacyRequestExtensionRefused, "An extension is given with its reason (art. 12(3)).",
                context: ["request": id.rawValue])
        }
        _ = try await load(id)
        let updated = try await documents.update(PrivacyKeys.request(id.rawValue)) { request in
            guard request.closedAt == nil else {
                throw KimpleError(.privacyRequestState, "The request is closed.", context: ["request": id.rawValue])
            }
            guard request.deadlineExtension == nil else {
                throw KimpleError(
                    .privacyRequestExtensionRefused, "The deadline was already extended once.",
                    context: ["request": id.rawValue])
            }
            guard now < request.initialDeadline else {
                throw KimpleError(
                    .privacyRequestExtensionRefused, "An extension is given within the first month only.",
                    context: ["request": id.rawValue, "first_month_end": ISO8601.string(request.initialDeadline)])
            }
            request.deadlineExtension = DeadlineExtension(reason: reason, recordedAt: now, recordedBy: principal)
            request.deadline = RequestDeadlines.extendedDeadline(receivedAt: request.receivedAt, calendar: calendar)
        }
        try await evidence.record(
            principal, action: PrivacyEvidence.requestExtended, subject: "request:\(id)",
            details: "deadline extended to \(ISO8601.string(updated.deadline))", payload: Data(reason.utf8))
        try await notifier.send(
            .privacyRequestExtended, key: "dsr-\(id)-extended",
            subject: "Data subject request \(id): deadline extended to \(ISO8601.string(updated.deadline))",
            body: "The deadline is extended by two months, to \(ISO8601.string(updated.deadline)). Reason: \(reason)",
            attributes: ["request": id.rawValue, "deadline": ISO8601.string(updated.deadline)])
        return updated
    }

    /// Every open request against its deadline at `now` (default: the clock's), soonest first.
    public func deadlines(at now: Date? = nil) async throws -> [RequestDeadlineStatus] {
        let now = now ?? clock.now
        let today = calendar.civilDate(of: now)
        return try await all().filter { $0.closedAt == nil }.map { request in
            let dueDay = calendar.civilDate(of: request.deadline.addingTimeInterval(-1))
            return RequestDeadlineStatus(
                id: request.id, right: request.right, receivedAt: request.receivedAt, deadline: request.deadline,
                extended: request.deadlineExtension != nil,
                extensionPossible: request.deadlineExtension == nil && now < request.initialDeadline,
                daysLeft: today.days(to: dueDay), overdue: now >= request.deadline)
        }.sorted { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
    }

    // MARK: - Decision and execution

    /// Records the controller's decision on request `id`. Throws `privacy.request.state` when
    /// a decision was already recorded or the request is closed, `privacy.request.invalid`
    /// for an execution without actions or a rectification without a field.
    @discardableResult
    public func decide(
        _ id: DataSubjectRequestID, _ decision: ControllerDecision, by principal: Principal
    ) async throws -> DataSubjectRequest {
        if decision.outcome == .execute, decision.actions.isEmpty {
            throw KimpleError(
                .privacyRequestInvalid, "An execution names its actions.", context: ["request": id.rawValue])
        }
        for case .rectify(let field, _) in decision.actions where Text.isBlank(field) {
            throw KimpleError(
                .privacyRequestInvalid, "A rectification names its field.", context: ["request": id.rawValue])
        }
        try Text.require(decision.decidedBy, "Who decided", limit: 200, code: .privacyRequestInvalid)
        _ = try await load(id)
        let updated = try await documents.update(PrivacyKeys.request(id.rawValue)) { request in
            guard request.decision == nil, request.closedAt == nil else {
                throw KimpleError(
                    .privacyRequestState, "The controller's decision was already recorded.",
                    context: ["request": id.rawValue])
            }
            request.decision = decision
        }
        try await evidence.record(
            principal, action: PrivacyEvidence.requestDecided, subject: "request:\(id)",
            details: "\(decision.outcome.rawValue): " + decision.actions.map(\.description).joined(separator: ", ")
                + "; processor may answer: \(decision.processorMayAnswer)")
        return updated
    }

    /// Executes the controller's decision on request `id` across every registered holder of
    /// the tenant, in registration order, each after the gate's grant under the holder's
    /// instruction (purpose `erasure` for an erasure, `data_subject_request` otherwise), and
    /// returns the proof. After an erasure every holder is asked again; the person's locator
    /// and statement are dropped from this and every other request of the same person, and the
    /// transport redacts the messages it keeps about the person, pending or delivered (when it
    /// is a `PersonalDataRedactingTransport`, as `FileOutbox` is).
    ///
    /// Throws `privacy.request.state` without an execution decision or when already executed;
    /// the gate's errors; `privacy.erasure.incomplete` when a holder still finds records after
    /// erasing (the proof is then recorded in the request and the log first).
    public func execute(_ id: DataSubjectRequestID, by principal: Principal) async throws -> DataSubjectExecution {
        let request = try await load(id)
        guard let decision = request.decision, decision.outcome == .execute, request.proof == nil,
            request.closedAt == nil
        else {
            throw KimpleError(
                .privacyRequestState, "Only a request the controller decided to execute, not yet executed, can be.",
                context: ["request": id.rawValue, "status": request.status.rawValue])
        }
        guard let subject = request.subject else {
            throw KimpleError(
                .privacyRequestState, "The person's locator is no longer held.", context: ["request": id.rawValue])
        }
        let startedAt = clock.now
        var results: [HolderExecution] = []
        var exported: [PersonalDataRecord] = []
        var withheld = 0
        // Every holder is granted before any is touched: a refusal leaves all of them as they were.
        let registeredHolders = holders.all
        var grants: [ProcessingGrant] = []
        for registered in registeredHolders {
            grants.append(
                try await gate.authorize(
                    ProcessingRequest(
                        tenant: tenant, instruction: registered.instruction,
                        purpose: decision.actions.contains(.erase) ? .erasure : .dataSubjectRequest, categories: [],
                        principal: principal, subject: "request:\(id)")))
        }
        for (registered, grant) in zip(registeredHolders, grants) {
            let holder = registered.holder
            let found = try await holder.records(of: subject)
            var execution = HolderExecution(
                holder: holder.holderName, foundRecordIDs: found.map(\.recordID),
                categories: Array(found.reduce(into: Set<DataCategory>()) { $0.formUnion($1.categories) }).sorted(),
                changedRecordIDs: [], erasedRecordIDs: [], removed: nil, remainingAfterErasure: 0,
                completedAt: startedAt)
            for action in decision.actions {
                switch action {
                case .export:
                    for record in found {
                        if record.categories.contains(where: \.isSpecial) && !grant.allowsSpecialCategoriesInClear {
                            var masked = record
                            masked.fields = record.fields.mapValues { _ in SubjectDataPackage.withheldValue }
                            exported.append(masked)
                            withheld += 1
                        } else {
                            exported.append(record)
                        }
                    }
                case .rectify(let field, let value):
                    execution.changedRecordIDs += try await holder.rectify(subject, field: field, value: value)
                case .erase:
                    let outcome = try await holder.erase(subject)
                    execution.erasedRecordIDs += outcome.recordIDs
                    execution.removed = outcome.removed
                    execution.remainingAfterErasure = try await holder.records(of: subject).count
                case .restrict, .liftRestriction:
                    break
                }
            }
            execution.completedAt = clock.now
            results.append(execution)
        }
        for action in decision.actions {
            if action == .restrict {
                try await store.upsert(
                    PrivacyKeys.restriction(request.subjectDigest),
                    try JSONCoding.encode(Restriction(requestID: id, since: clock.now)))
            } else if action == .liftRestriction,
                try await store.get(PrivacyKeys.restriction(request.subjectDigest)) != nil
            {
                try await store.delete(PrivacyKeys.restriction(request.subjectDigest))
            }
        }
        var package: SubjectDataPackage?
        if decision.actions.contains(.export) {
            package = SubjectDataPackage(
                requestID: id, producedAt: clock.now, records: exported, withheldRecords: withheld)
        }
        let findings = ExecutionFindings(
            requestID: id, tenant: tenant, subjectDigest: request.subjectDigest,
            actions: decision.actions.map(\.description), startedAt: startedAt, completedAt: clock.now,
            holders: results, exportDigest: try package.map { SHA256.hash(try JSONCoding.encode($0)) })
        let payload = try JSONCoding.encode(findings)
        let erased = results.reduce(0) { $0 + $1.erasedRecordIDs.count }
        let entry = try await evidence.record(
            principal, action: PrivacyEvidence.requestExecuted, subject: "request:\(id)",
            details: decision.actions.map(\.description).joined(separator: ", ")
                + "; \(results.count) holders, \(results.reduce(0) { $0 + $1.foundRecordIDs.count }) records found, "
                + "\(erased) erased", payload: payload)
        let proof = ExecutionProof(
            findings: findings, findingsDigest: SHA256.hash(payload),
            evidenceHead: EvidenceHead(index: entry.index, hash: entry.hash))
        let erases = decision.actions.contains(.erase)
        let updated = try await documents.update(PrivacyKeys.request(id.rawValue)) { value in
            value.proof = proof
            if erases {
                value.subject = nil
                value.statement = nil
            }
        }
        if erases {
            try await dropLocators(of: request.subjectDigest)
            // The forwarded requests and answers about the person, pending or delivered.
            try await notifier.redactMessages(about: request.subjectDigest)
        }
        try await notifier.send(
            .privacyRequestExecuted, key: "dsr-\(id)-executed",
            subject: "Data subject request \(id) executed",
            body: "Your decision (\(findings.actions.joined(separator: ", "))) was executed across "
                + "\(results.count) stores at \(ISO8601.string(findings.completedAt)). Proof: evidence entry "
                + "\(entry.index), hash \(entry.hash.hex); findings digest \(proof.findingsDigest.hex).",
            attributes: [
                "request": id.rawValue, "evidence_index": String(entry.index), "evidence_hash": entry.hash.hex,
            ])
        if !proof.erasureComplete {
            throw KimpleError(
                .privacyErasureIncomplete, "A store still holds records of the person after the erasure.",
                context: [
                    "request": id.rawValue,
                    "holders": results.filter { $0.remainingAfterErasure > 0 }.map(\.holder).joined(separator: ","),
                ])
        }
        return DataSubjectExecution(request: updated, proof: proof, package: package)
    }

    // MARK: - Answering and closing

    /// Sends the processor's answer to the person at `address`, which only the controller's
    /// authorisation allows (§11.2.2 a). Throws `privacy.request.not_authorised` otherwise
    /// (the refused attempt is written to the evidence log), `privacy.request.invalid` for
    /// an empty address or text.
    @discardableResult
    public func answer(
        _ id: DataSubjectRequestID, to address: String, text: String, by principal: Principal
    ) async throws -> DataSubjectRequest {
        try Text.require(address, "The address", limit: 500, code: .privacyRequestInvalid)
        try Text.require(text, "The answer", limit: 100_000, code: .privacyRequestInvalid)
        let request = try await load(id)
        guard request.decision?.processorMayAnswer == true else {
            try await evidence.record(
                principal, action: PrivacyEvidence.requestAnswered, subject: "request:\(id)",
                details: "refused: the controller has not authorised the processor to answer")
            throw KimpleError(
                .privacyRequestNotAuthorised,
                "The processor does not answer the person unless the controller authorised it; the controller answers.",
                context: ["request": id.rawValue])
        }
        let receipt = try await transport.send(
            OutboundMessage(
                idempotencyKey: "dsr-\(id)-answer", tenant: tenant, kind: .privacyRequestAnswer, recipient: address,
                channel: .email, subject: "Your request (\(request.right.rawValue))", body: text,
                attributes: ["request": id.rawValue], createdAt: clock.now, dataSubject: request.subjectDigest))
        let updated = try await documents.update(PrivacyKeys.request(id.rawValue)) { value in
            if value.answeredAt == nil { value.answeredAt = receipt.acceptedAt }
        }
        try await evidence.record(
            principal, action: PrivacyEvidence.requestAnswered, subject: "request:\(id)",
            details: "answered with the controller's authorisation", payload: Data(text.utf8))
        return updated
    }

    /// Closes request `id` (answered by the controller, or refused) and drops the person's
    /// locator and statement. Closing twice changes nothing.
    @discardableResult
    public func close(_ id: DataSubjectRequestID, by principal: Principal) async throws -> DataSubjectRequest {
        _ = try await load(id)
        let now = clock.now
        let updated = try await documents.update(PrivacyKeys.request(id.rawValue)) { request in
            if request.closedAt == nil { request.closedAt = now }
            request.subject = nil
            request.statement = nil
        }
        return updated
    }

    // MARK: - Reading

    /// Request `id`. Throws `privacy.request.not_found`.
    public func request(_ id: DataSubjectRequestID) async throws -> DataSubjectRequest {
        try await load(id)
    }

    /// Every request, oldest first.
    public func all() async throws -> [DataSubjectRequest] {
        try await documents.values(withPrefix: PrivacyKeys.requestPrefix).map(\.value).sorted {
            ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id)
        }
    }

    /// Whether the controller decided to restrict the processing of `subject`'s data (art. 18).
    public func isRestricted(_ subject: SubjectLocator) async throws -> Bool {
        try await store.get(PrivacyKeys.restriction(SubjectDigest.of(subject))) != nil
    }

    private func load(_ id: DataSubjectRequestID) async throws -> DataSubjectRequest {
        guard let request = try await documents.get(PrivacyKeys.request(id.rawValue))?.value else {
            throw KimpleError(.privacyRequestNotFound, "No request has this id.", context: ["request": id.rawValue])
        }
        return request
    }

    /// Forgets the person's locator and statement in every request about them, and drops
    /// the store's history so the earlier versions holding them are gone from the disk too.
    private func dropLocators(of digest: SHA256Digest) async throws {
        for request in try await all() where request.subjectDigest == digest && request.subject != nil {
            try await documents.update(PrivacyKeys.request(request.id.rawValue)) { value in
                value.subject = nil
                value.statement = nil
            }
        }
        if let compacting = store as? any HistoryCompactingDocumentStore {
            try await compacting.compactHistory()
        }
    }
}

/// A restriction of processing decided by the controller (art. 18).
struct Restriction: Codable, Sendable {
    var requestID: DataSubjectRequestID
    var since: Date
}
