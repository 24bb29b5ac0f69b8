import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The register of personal data breaches of one tenant (P-7, §11.2.8).
///
/// ``record(detectedAt:facts:by:)`` opens an entry; ``update(_:with:by:)`` adds what became
/// known; ``notifyController(_:by:)`` sends the notification produced from the register,
/// in phases: each phase restates everything known, says what is new and what is still to
/// come. ``timing(at:)`` tracks the 72-hour horizon and the processor's own target for
/// telling the controller ("dans les meilleurs délais"; 24 hours by default).
///
/// Entries carry no personal data: categories and approximate counts only.
public struct BreachRegister: Sendable {
    /// The tenant.
    public let tenant: TenantID
    private let store: any DocumentStore
    private let evidence: EvidenceLog
    private let notifier: ControllerNotifier
    private let clock: any Clock
    /// The processor's target between detection and the first notice to the controller.
    public let controllerNoticeTarget: Duration

    /// The controller's horizon towards the supervisory authority (art. 33(1)).
    public static let authorityHorizon: TimeInterval = 72 * 3_600

    /// The register over `store` (the tenant's `privacy` document store).
    public init(
        tenant: TenantID, store: any DocumentStore, evidence: EvidenceLog, transport: any MessageTransport,
        clock: any Clock, controllerNoticeTarget: Duration = .seconds(24 * 3_600)
    ) {
        self.tenant = tenant
        self.store = store
        self.evidence = evidence
        self.notifier = ControllerNotifier(tenant: tenant, transport: transport, clock: clock)
        self.clock = clock
        self.controllerNoticeTarget = controllerNoticeTarget
    }

    private var documents: CodableDocuments<PersonalDataBreach> { CodableDocuments(store) }

    /// Opens an entry for a breach detected at `detectedAt` with what is known. Throws
    /// `privacy.breach.invalid` for a detection in the future, negative counts or blank texts.
    @discardableResult
    public func record(
        detectedAt: Date, facts: BreachFacts, by principal: Principal
    ) async throws
        -> PersonalDataBreach
    {
        guard detectedAt <= clock.now else {
            throw KimpleError(.privacyBreachInvalid, "A breach cannot be detected in the future.")
        }
        try facts.validate(detectedAt: detectedAt)
        let breach = PersonalDataBreach(
            id: .random(), tenant: tenant, detectedAt: detectedAt, recordedBy: principal, facts: facts, phases: [],
            changedSinceLastPhase: [], closedAt: nil)
        try await documents.insert(PrivacyKeys.breach(breach.id.rawValue), breach)
        try await evidence.record(
            principal, action: PrivacyEvidence.breachRecorded, subject: "breach:\(breach.id)",
            details: "detected \(ISO8601.string(detectedAt)); missing: "
                + facts.missingItems.joined(separator: " "),
            payload: try JSONCoding.encode(facts))
        return breach
    }

    /// Adds what became known about breach `id`. Throws `privacy.breach.not_found`,
    /// `privacy.breach.invalid`.
    @discardableResult
    public func update(
        _ id: BreachID, with facts: BreachFacts, by principal: Principal
    ) async throws
        -> PersonalDataBreach
    {
        let current = try await load(id)
        try facts.validate(detectedAt: current.detectedAt)
        var changed: [String] = []
        let updated = try await documents.update(PrivacyKeys.breach(id.rawValue)) { breach in
            changed = breach.facts.merge(facts)
            for item in changed {
                let name = item.hasPrefix("measures") ? "measures" : item
                if !breach.changedSinceLastPhase.contains(name) { breach.changedSinceLastPhase.append(name) }
            }
        }
        try await evidence.record(
            principal, action: PrivacyEvidence.breachUpdated, subject: "breach:\(id)",
            details: "updated: " + changed.joined(separator: " "), payload: try JSONCoding.encode(updated.facts))
        return updated
    }

    /// Sends the next phase of the notification of breach `id` to the controller and
    /// records it. The first phase may be incomplete (it lists what is to follow); a later
    /// phase is sent only when something was added since. Returns the breach with the phase.
    ///
    /// Throws `privacy.breach.not_found`, `privacy.breach.invalid` when nothing new is
    /// known since the last phase, or what the transport throws (then nothing is recorded
    /// and the same phase can be sent again).
    @discardableResult
    public func notifyController(_ id: BreachID, by principal: Principal) async throws -> PersonalDataBreach {
        let breach = try await load(id)
        let previous = breach.phases.last
        let number = (previous?.number ?? 0) + 1
        let newItems = itemsSinceLastPhase(breach)
        guard previous == nil || !newItems.isEmpty else {
            throw KimpleError(
                .privacyBreachInvalid, "Nothing new is known since the last phase; update the entry first.",
                context: ["breach": id.rawValue])
        }
        let text = BreachNotification.text(breach, phase: number, newItems: newItems)
        let receipt = try await notifier.send(
            .privacyBreachNotification, key: "breach-\(id)-phase-\(number)",
            subject: "Personal data breach \(id) — notification \(number)"
                + (breach.facts.missingItems.isEmpty ? " (complete)" : " (to be completed)"),
            body: text,
            attributes: [
                "breach": id.rawValue, "phase": String(number), "detected_at": ISO8601.string(breach.detectedAt),
                "missing": breach.facts.missingItems.joined(separator: ","),
            ])
        let phase = BreachNotificationPhase(
            number: number, sentAt: receipt.acceptedAt, newItems: newItems, missingItems: breach.facts.missingItems,
            digest: SHA256.hash(text))
        let updated = try await documents.update(PrivacyKeys.breach(id.rawValue)) { value in
            if !value.phases.contains(where: { $0.number == number }) {
                value.phases.append(phase)
                value.changedSinceLastPhase = []
            }
        }
        try await evidence.record(
            principal, action: PrivacyEvidence.breachNotified, subject: "breach:\(id)",
            details: "phase \(number) sent at \(ISO8601.string(receipt.acceptedAt)); new: "
                + newItems.joined(separator: " ") + "; missing: " + breach.facts.missingItems.joined(separator: " "),
            payload: Data(text.utf8))
        return updated
    }

    /// Closes breach `id`: no further phase is expected.
    @discardableResult
    public func close(_ id: BreachID, by principal: Principal) async throws -> PersonalDataBreach {
        _ = try await load(id)
        let now = clock.now
        return try await documents.update(PrivacyKeys.breach(id.rawValue)) { value in
            if value.closedAt == nil { value.closedAt = now }
        }
    }

    /// Breach `id`. Throws `privacy.breach.not_found`.
    public func breach(_ id: BreachID) async throws -> PersonalDataBreach { try await load(id) }

    /// Every breach, oldest detection first.
    public func all() async throws -> [PersonalDataBreach] {
        try await documents.values(withPrefix: PrivacyKeys.breachPrefix).map(\.value).sorted {
            ($0.detectedAt, $0.id) < ($1.detectedAt, $1.id)
        }
    }

    /// The timing of every open breach at `now` (default: the clock's).
    public func timing(at now: Date? = nil) async throws -> [BreachTiming] {
        let now = now ?? clock.now
        return try await all().filter { $0.closedAt == nil }.map {
            Self.timing(of: $0, at: now, target: controllerNoticeTarget)
        }
    }

    /// The timing of `breach` at `now`, a pure function.
    public static func timing(of breach: PersonalDataBreach, at now: Date, target: Duration) -> BreachTiming {
        let notified = breach.controllerNotifiedAt
        let horizon = (notified ?? breach.detectedAt).addingTimeInterval(authorityHorizon)
        let elapsed = (notified ?? now).timeIntervalSince(breach.detectedAt)
        let (seconds, attoseconds) = target.components
        let targetSeconds = Double(seconds) + Double(attoseconds) / 1e18
        return BreachTiming(
            id: breach.id, detectedAt: breach.detectedAt, controllerNotifiedAt: notified, authorityHorizon: horizon,
            secondsLeft: horizon.timeIntervalSince(now), hoursToNotifyController: elapsed / 3_600,
            controllerNoticeLate: elapsed > targetSeconds, missingItems: breach.facts.missingItems)
    }

    private func load(_ id: BreachID) async throws -> PersonalDataBreach {
        guard let breach = try await documents.get(PrivacyKeys.breach(id.rawValue))?.value else {
            throw KimpleError(.privacyBreachNotFound, "No breach has this id.", context: ["breach": id.rawValue])
        }
        return breach
    }

    /// The items known now that the last phase did not carry (every known item for the first).
    private func itemsSinceLastPhase(_ breach: PersonalDataBreach) -> [String] {
        guard breach.phases.isEmpty else { return breach.changedSinceLastPhase.sorted() }
        var items = Set(BreachFacts.requiredItems).subtracting(breach.facts.missingItems)
        if breach.facts.occurredAt != nil { items.insert("occurred_at") }
        return items.sorted()
    }
}
