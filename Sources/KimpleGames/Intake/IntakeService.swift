import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The participation pipeline of one tenant (G-4, G-5, G-10): validates, normalises,
/// checks robots, deduplicates and stores each submission, and returns accepted (durable,
/// with the instant-win outcome) or rejected with a stable reason code.
///
/// ## Pipeline, cheapest refusals first
/// 1. Sizes: field count, name and value sizes, context sizes (`participation.payload_too_large`,
///    `participation.too_many_fields`, `participation.field_too_long`); the raw JSON entry
///    point checks the payload size before parsing.
/// 2. The operation (`participation.unknown_operation`), read through a per-operation plan
///    that is rebuilt whenever the stored operation's version changes: a pause or a
///    suspension takes effect on the next submission.
/// 3. Robots (G-5): honeypot, load-testing agent, completion time, burst rate per source.
///    Each detection refuses with `participation.robot.<signal>` and is written to the
///    tenant's ``RobotEventLog`` before the refusal is returned.
/// 4. The window: live and inside `[opensAt, closesAt)` (`participation.window_closed`).
/// 5. The processing gate (P-1): purpose `participation` for the form's categories, and
///    `fraud_prevention` when the submission carries a source or user agent. A grant is
///    reused for ``IntakeConfiguration/grantReuseSeconds``; a refusal is thrown (it is a
///    configuration problem, not the participant's), nothing is stored.
/// 6. The form and eligibility (``EntryValidation``): unknown fields, types, lengths,
///    e-mail, phone, dates, consents, country, age in the operation's time zone.
/// 7. The identity key (``IdentityHasher``) and the identity churn per source (G-5).
/// 8. The atomic limit-and-insert of the ``ParticipationStore`` (`participation.duplicate`).
/// 9. Traffic counters and the traffic alert (G-10), then the ``ParticipationOutcomeDecider``.
///
/// `submit` throws only when the infrastructure fails (storage, gate, robot log); a
/// refused participation is a ``IntakeResult/rejected(_:)`` value.
public final class IntakeService: Sendable {
    /// The categories of the fraud-prevention processing: sources and user agents.
    public static let fraudCategories: Set<DataCategory> = [.ipAddress, .deviceIdentifier, .userAgent]

    private final class Plan: Sendable {
        let operation: Operation
        let version: UInt64
        let periods: ParticipationPeriods
        let hasher: IdentityHasher
        let participationRequest: ProcessingRequest
        let fraudRequest: ProcessingRequest
        let special: Set<DataCategory>
        let categoryCodes: [UInt8]
        let traffic: OperationTraffic
        /// Expiry of the last grants (bit patterns of seconds since 2001), participation and
        /// fraud prevention. Atomics, not a lock: read by every submission, written once per
        /// reuse period, so concurrent submissions only share a read-only cache line.
        let participationGrantExpiry = Atomic<UInt64>((-Double.infinity).bitPattern)
        let fraudGrantExpiry = Atomic<UInt64>((-Double.infinity).bitPattern)

        func grantValid(_ expiry: borrowing Atomic<UInt64>, at t: Double) -> Bool {
            Double(bitPattern: expiry.load(ordering: .relaxed)) > t
        }

        init(
            _ stored: StoredOperation, secret: IdentitySecret, configuration: IntakeConfiguration,
            traffic: OperationTraffic
        ) throws {
            let operation = stored.operation
            self.operation = operation
            self.traffic = traffic
            self.version = stored.version
            self.periods = try ParticipationPeriods(of: operation)
            self.categoryCodes = operation.form.fields.map { EntryCoding.code(of: $0.category) }
            self.hasher = IdentityHasher(secret: secret, operation: operation.id)
            var categories = operation.form.dataCategories
            if configuration.keepsSource { categories.insert(.ipAddress) }
            self.special = categories.filter(\.isSpecial)
            let subject = OperationService.subject(operation.id)
            self.participationRequest = ProcessingRequest(
                tenant: operation.tenant, instruction: operation.instruction, purpose: .participation,
                categories: categories, principal: configuration.principal, subject: subject)
            self.fraudRequest = ProcessingRequest(
                tenant: operation.tenant, instruction: operation.instruction, purpose: .fraudPrevention,
                categories: IntakeService.fraudCategories, principal: configuration.principal, subject: subject)
        }
    }

    /// The tenant.
    public let tenant: TenantID
    /// The settings.
    public let configuration: IntakeConfiguration
    private let operations: any OperationStore
    private let participations: any ParticipationStore
    private let gate: any ProcessingGate
    private let transport: any MessageTransport
    private let secret: IdentitySecret
    private let clock: any Clock
    private let decider: any ParticipationOutcomeDecider
    /// The default decider: its answer is known without calling it (and copying the operation).
    private let decidesNothing: Bool
    private let detector: RobotDetector
    private let recorder: RobotEventRecorder
    private let plans = Mutex<[OperationID: Plan]>([:])
    private let traffic = Mutex<[OperationID: OperationTraffic]>([:])
    private let secretBound = Atomic<Bool>(false)

    /// An intake over the tenant's stores.
    ///
    /// - Parameters:
    ///   - operations: the tenant's operations, read for every submission.
    ///   - participations: where accepted entries are stored, with the per-person limits.
    ///   - robotEvents: where refused robots are recorded.
    ///   - gate: the processing gate, asked before personal data is stored.
    ///   - transport: where the traffic alert goes.
    ///   - clock: the clock that dates every submission.
    ///   - configuration: limits and options of the pipeline.
    ///   - identitySecret: the tenant's identity secret (see ``IdentitySecret``); the
    ///     participation store refuses a secret other than the one it was first used with.
    ///   - decider: the instant-win hook; ``NoInstantWin`` by default.
    /// Throws `core.invalid_argument` when the stores belong to different tenants.
    public init(
        operations: any OperationStore, participations: any ParticipationStore, robotEvents: any RobotEventLog,
        gate: any ProcessingGate, transport: any MessageTransport, identitySecret: IdentitySecret, clock: any Clock,
        decider: any ParticipationOutcomeDecider = NoInstantWin(),
        configuration: IntakeConfiguration = IntakeConfiguration()
    ) throws {
        let tenant = operations.tenant
        guard participations.tenant == tenant, robotEvents.tenant == tenant else {
            throw KimpleError(
                .invalidArgument, "The intake's stores must all belong to the same tenant (K-1).",
                context: [
                    "operations": tenant.rawValue, "participations": participations.tenant.rawValue,
                    "robotEvents": robotEvents.tenant.rawValue,
                ])
        }
        self.tenant = tenant
        self.configuration = configuration
        self.operations = operations
        self.participations = participations
        self.gate = gate
        self.transport = transport
        self.secret = identitySecret
        self.clock = clock
        self.decider = decider
        self.decidesNothing = decider is NoInstantWin
        self.detector = RobotDetector(policy: configuration.robots)
        self.recorder = RobotEventRecorder(tenant: tenant, log: robotEvents)
    }

    // MARK: Submitting

    /// Takes part in `submission.operation` (see the type's documentation for the pipeline).
    ///
    /// Returns ``IntakeResult/accepted(_:)`` once the entry is durable and its outcome
    /// decided, or ``IntakeResult/rejected(_:)`` with the reason (nothing stored).
    /// Throws when the stores fail (`storage.*`), when the processing gate refuses
    /// (`privacy.*`, or `operation.special_category_refused`), or when the identity secret
    /// does not match the store's (`participation.identity_secret_mismatch`).
    public func submit(_ submission: ParticipationSubmission) async throws -> IntakeResult {
        let now = clock.now
        if let error = checkSizes(submission) {
            refused(error.code, operation: submission.operation, at: now)
            return .rejected(error)
        }
        guard let plan = try await plan(for: submission.operation) else {
            return .rejected(
                KimpleError(
                    .participationUnknownOperation, "There is no such operation.",
                    context: ["operation": submission.operation.rawValue]))
        }
        let context = submission.context
        let source = context.source
        let sourceKey = source?.hashValue

        // Robots, stateless then per source.
        let honeypot = plan.operation.form.honeypotField.flatMap { submission.fields[$0] }
        if let detection = detector.inspect(
            honeypotValue: honeypot, userAgent: context.userAgent, formStartedAt: context.formStartedAt, now: now)
            ?? sourceKey.flatMap({ detector.consumeBurst(sourceKey: $0, now: now) })
        {
            return try await robot(detection, plan: plan, source: source, at: now)
        }

        // The window.
        let status = plan.operation.effectiveStatus(at: now)
        guard status == .live else {
            return refuse(Self.windowClosed(plan.operation, status: status, at: now), plan: plan, at: now)
        }

        // The gate: asked only when the reused grants expired (no suspension point otherwise).
        let fraud = source != nil || context.userAgent != nil
        let t = now.timeIntervalSinceReferenceDate
        if !plan.grantValid(plan.participationGrantExpiry, at: t)
            || (fraud && !plan.grantValid(plan.fraudGrantExpiry, at: t))
        {
            try await authorize(plan, fraud: fraud, at: now)
        }

        // The form and eligibility.
        let validated: ValidatedEntry
        do {
            validated = try EntryValidation.validate(
                submission.fields, for: plan.operation, categoryCodes: plan.categoryCodes,
                today: plan.periods.date(of: now))
        } catch {
            return refuse(error, plan: plan, at: now)
        }

        // The identity.
        let identityValue: String?
        switch plan.operation.identity {
        case .email:
            identityValue = validated.email.map { EmailAddress.identity(of: $0, folding: plan.operation.emailFolding) }
        case .phone: identityValue = validated.phone
        case .hostKey: identityValue = context.hostKey.flatMap { try? TextNormalizer.normalize($0, field: "hostKey") }
        }
        guard let identityValue, !identityValue.isEmpty else {
            return refuse(
                KimpleError(
                    .participationIdentityMissing, "The value identifying the participant is missing.",
                    context: ["identity": plan.operation.identity.rawValue]), plan: plan, at: now)
        }
        let identity = plan.hasher.key(for: identityValue, source: plan.operation.identity)
        if let sourceKey, let detection = detector.noteIdentity(identity, sourceKey: sourceKey, now: now) {
            return try await robot(detection, plan: plan, source: source, at: now)
        }

        // The limit and the insert, one atomic step.
        let draft = EntryDraft(
            operation: plan.operation.id, identity: identity,
            period: plan.periods.period(of: now, for: plan.operation.limit.period),
            receivedAt: now, participant: context.participant,
            hostKey: context.hostKey.flatMap { try? TextNormalizer.normalize($0, field: "hostKey") },
            source: configuration.keepsSource ? source : nil, fields: validated.fields, consents: validated.consents)
        let entry: ParticipationEntry
        switch try await participations.insert(draft, maximumPerPeriod: plan.operation.limit.maximum) {
        case .limitReached(let existing):
            return refuse(
                KimpleError(
                    .participationDuplicate,
                    plan.operation.limit.period == .operation
                        ? "You have already taken part in this operation."
                        : "You have already taken part the most times allowed for this period.",
                    context: [
                        "maximum": String(plan.operation.limit.maximum), "existing": String(existing),
                        "period": plan.operation.limit.period.rawValue,
                    ]), plan: plan, at: now)
        case .inserted(let inserted):
            entry = inserted
        }

        if plan.traffic.accepted(at: now, needsAlert: { self.needsAlert($0, plan.operation) }) {
            await sendAlert(plan.operation, counters: plan.traffic, at: now)
        }
        let outcome: ParticipationOutcome
        if decidesNothing {
            outcome = .noInstantWin
        } else {
            do {
                outcome = try await decider.decide(for: entry, in: plan.operation)
            } catch {
                outcome = .undecided((error as? KimpleError)?.code ?? "games.decider_failed")
            }
        }
        return .accepted(
            AcceptedParticipation(
                entry: entry.id, sequence: entry.sequence, operation: plan.operation.id, receivedAt: now,
                outcome: outcome))
    }

    /// Takes part with a raw JSON submission (a flat object of field names and values):
    /// its size is checked before it is parsed, then it goes through ``submit(_:)``.
    /// Returns ``IntakeResult/rejected(_:)`` for a payload that does not decode
    /// (`participation.payload_too_large`, `participation.malformed`,
    /// `participation.too_deep`, `participation.invalid_utf8`...).
    public func submit(
        operation: OperationID, json: some Collection<UInt8>, context: SubmissionContext = SubmissionContext()
    ) async throws -> IntakeResult {
        let fields: [String: FieldInput]
        do {
            fields = try SubmissionDecoder.decode(json, limits: configuration.limits)
        } catch {
            refused(error.code, operation: operation, at: clock.now)
            return .rejected(error)
        }
        return try await submit(ParticipationSubmission(operation: operation, fields: fields, context: context))
    }

    // MARK: Observing

    /// The live counters of `operation` (G-10). Throws `operation.not_found`.
    public func traffic(of operation: OperationID) async throws -> TrafficSnapshot {
        guard try await operations.version(of: operation) != nil else {
            throw KimpleError(.operationNotFound, "No such operation.", context: ["operation": operation.rawValue])
        }
        return try await trafficCounters(operation).snapshot(at: clock.now)
    }

    /// Writes the robot detections counted but not yet written (see ``RobotEventLog``).
    /// Hosts call it from a timer (each minute) and before shutting down.
    public func flushRobotEvents() async throws {
        try await recorder.flush(upTo: nil)
    }

    // MARK: Internals

    private func checkSizes(_ submission: ParticipationSubmission) -> KimpleError? {
        let limits = configuration.limits
        guard submission.fields.count <= limits.maximumFields else {
            return KimpleError(
                .participationTooManyFields, "The submission has more fields than the intake accepts.",
                context: ["limit": String(limits.maximumFields)])
        }
        for (name, value) in submission.fields {
            if name.utf8.count > limits.maximumFieldNameBytes {
                return KimpleError(
                    .participationFieldTooLong, "A field name is longer than the intake accepts.",
                    context: ["limit": String(limits.maximumFieldNameBytes)])
            }
            if value.byteCount > limits.maximumFieldBytes {
                return KimpleError(
                    .participationFieldTooLong, "A value is longer than the intake accepts.",
                    context: ["field": String(name.prefix(64)), "limit": String(limits.maximumFieldBytes)])
            }
        }
        let context = submission.context
        let longest = max(
            context.source?.utf8.count ?? 0, context.userAgent?.utf8.count ?? 0, context.hostKey?.utf8.count ?? 0)
        if longest > limits.maximumContextBytes {
            return KimpleError(
                .participationPayloadTooLarge,
                "A context value (source, user agent, host key) is longer than the intake accepts.",
                context: ["limit": String(limits.maximumContextBytes)])
        }
        return nil
    }

    private func plan(for id: OperationID) async throws -> Plan? {
        guard let version = try await operations.version(of: id) else { return nil }
        if let plan = plans.withLock({ $0[id] }), plan.version == version { return plan }
        guard let stored = try await operations.operation(id) else { return nil }
        if !secretBound.load(ordering: .acquiring) {
            try await participations.bindIdentitySecret(secret.fingerprint)
            secretBound.store(true, ordering: .releasing)
        }
        let counters = try await trafficCounters(id)
        let plan = try Plan(stored, secret: secret, configuration: configuration, traffic: counters)
        let kept = plans.withLock { plans in
            if let existing = plans[id], existing.version >= plan.version { return existing }
            plans[id] = plan
            return plan
        }
        if counters.claimPendingAlert(needsAlert: { self.needsAlert($0, kept.operation) }) {
            await sendAlert(kept.operation, counters: counters, at: clock.now)
        }
        return kept
    }

    private func trafficCounters(_ id: OperationID) async throws -> OperationTraffic {
        if let existing = traffic.withLock({ $0[id] }) { return existing }
        let stored = try await participations.entryCount(of: id)
        return traffic.withLock { traffic in
            if let existing = traffic[id] { return existing }
            let created = OperationTraffic(operation: id, accepted: stored)
            traffic[id] = created
            return created
        }
    }

    private func authorize(_ plan: Plan, fraud: Bool, at now: Date) async throws {
        let t = now.timeIntervalSinceReferenceDate
        let participationValid = plan.grantValid(plan.participationGrantExpiry, at: t)
        let fraudValid = plan.grantValid(plan.fraudGrantExpiry, at: t)
        let reuse = max(0, configuration.grantReuseSeconds)
        if !participationValid {
            let grant = try await gate.authorize(plan.participationRequest)
            if !plan.special.isEmpty, !grant.allowsSpecialCategoriesInClear {
                throw KimpleError(
                    .operationSpecialCategoryRefused,
                    "The form collects special-category data that the controller's instruction does not allow (P-6).",
                    context: ["categories": plan.special.map(\.rawValue).sorted().joined(separator: ",")])
            }
            plan.participationGrantExpiry.store((t + reuse).bitPattern, ordering: .relaxed)
        }
        if fraud, !fraudValid {
            _ = try await gate.authorize(plan.fraudRequest)
            plan.fraudGrantExpiry.store((t + reuse).bitPattern, ordering: .relaxed)
        }
    }

    private func robot(
        _ detection: RobotDetection, plan: Plan, source: String?, at now: Date
    ) async throws -> IntakeResult {
        try await recorder.record(detection, operation: plan.operation.id, source: source ?? "", at: now)
        return refuse(detection.error, plan: plan, at: now)
    }

    private func refuse(_ error: KimpleError, plan: Plan, at now: Date) -> IntakeResult {
        plan.traffic.refused(error.code, at: now)
        return .rejected(error)
    }

    private func refused(_ code: KimpleError.Code, operation: OperationID, at now: Date) {
        traffic.withLock { $0[operation] }?.refused(code, at: now)
    }

    private func needsAlert(_ accepted: Int, _ operation: Operation) -> Bool {
        TrafficRules.needsAlert(
            accepted: accepted, audience: operation.audience, threshold: configuration.trafficAlertThreshold)
    }

    /// Sends the traffic alert; a failed send is retried with the next accepted entry
    /// (the idempotency key keeps it to one message, also across restarts).
    private func sendAlert(_ operation: Operation, counters: OperationTraffic, at now: Date) async {
        let accepted = counters.snapshot(at: now).accepted
        let expected = operation.audience.expectedParticipants.map(String.init) ?? "not declared"
        let message = OutboundMessage(
            idempotencyKey: TrafficRules.alertKey(tenant: tenant, operation: operation.id), tenant: tenant,
            kind: .trafficAlert, recipient: configuration.trafficAlertRecipient, channel: .event,
            subject:
                "Traffic alert: operation \(operation.id) passed \(configuration.trafficAlertThreshold) participants",
            body: "Operation \(operation.id) (\(operation.title)) has \(accepted) accepted participants, beyond "
                + "\(configuration.trafficAlertThreshold), without a declared audience covering it (expected "
                + "participants: \(expected); no promotion over \(AudienceDeclaration.largePromotionReach) people "
                + "declared). §7.3 of the contract asks the client to announce such traffic; the provider may "
                + "suspend the operation if it threatens the platform.",
            attributes: [
                "operation": operation.id.rawValue, "accepted": String(accepted),
                "threshold": String(configuration.trafficAlertThreshold), "expectedParticipants": expected,
            ], createdAt: now)
        do {
            try await transport.send(message)
            counters.alertFinished(sent: true)
        } catch {
            counters.alertFinished(sent: false)
        }
    }

    private static func windowClosed(_ operation: Operation, status: OperationStatus, at now: Date) -> KimpleError {
        let message: String
        switch status {
        case .draft, .scheduled: message = "This operation is not open yet."
        case .paused: message = "This operation is paused; try again later."
        case .suspended: message = "This operation is suspended."
        default: message = "This operation is closed."
        }
        return KimpleError(
            .participationWindowClosed, message,
            context: [
                "status": status.rawValue, "opensAt": ISO8601.string(operation.opensAt),
                "closesAt": ISO8601.string(operation.closesAt),
            ])
    }
}
