import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The processor's agreed list of sub-processors and its changes (P-4, §11.2.4, §14.4).
///
/// The list is the processor's, shared by its controllers: it lives in a document store the
/// host gives (an administrative store, outside any controller's data), with its own
/// evidence log. A change (addition or replacement) is announced in writing to every
/// controller at least 60 days before it takes effect; a controller may object until its
/// window ends; the change cannot be activated before every window has passed, and is not
/// applied to the controllers that objected (they keep their list).
///
/// Every write is a compare-and-set on the change's document.
public struct SubProcessorRegistry: Sendable {
    private let store: any DocumentStore
    private let evidence: EvidenceLog
    private let transport: any MessageTransport
    private let clock: any Clock
    /// The calendar of the notice periods.
    public let calendar: FrenchCalendar

    static let listKey = "subprocessors/agreed"
    static let changePrefix = "subprocessors/change/"

    /// A registry over `store`, writing its evidence to `evidence` (the processor's own log)
    /// and its notices through `transport`.
    public init(
        store: any DocumentStore, evidence: EvidenceLog, transport: any MessageTransport, clock: any Clock,
        calendar: FrenchCalendar = .paris
    ) {
        self.store = store
        self.evidence = evidence
        self.transport = transport
        self.clock = clock
        self.calendar = calendar
    }

    private var list: CodableDocuments<[SubProcessor]> { CodableDocuments(store) }
    private var changes: CodableDocuments<SubProcessorChange> { CodableDocuments(store) }

    /// Records the list agreed in the contract (§14.4 names the host). Only once: later
    /// changes go through ``announce(_:replacing:effectiveAt:controllers:by:)``. Throws
    /// `privacy.subprocessor.invalid` for an invalid entry or a list already agreed.
    public func agreeInitialList(_ subProcessors: [SubProcessor], by principal: Principal) async throws {
        for entry in subProcessors { try entry.validate() }
        guard Set(subProcessors.map(\.name)).count == subProcessors.count else {
            throw KimpleError(.privacySubProcessorInvalid, "A sub-processor is listed twice.")
        }
        do {
            try await list.insert(Self.listKey, subProcessors)
        } catch let error as KimpleError where error.code == .storageConflict {
            throw KimpleError(
                .privacySubProcessorInvalid, "The initial list was already agreed; announce changes instead.")
        }
        try await evidence.record(
            principal, action: PrivacyEvidence.subProcessorListAgreed, subject: "subprocessors",
            details: subProcessors.map { "\($0.name) (\($0.recipient.country))" }.joined(separator: ", "))
    }

    /// The list agreed in the contract, as recorded by ``agreeInitialList(_:by:)``, or `nil` before.
    public func initialList() async throws -> [SubProcessor]? {
        try await list.get(Self.listKey)?.value
    }

    /// Records `subProcessors` as the initial list unless one was recorded, which is then kept
    /// as it is (a start-up call, safe on every restart: later changes go through
    /// ``announce(_:replacing:effectiveAt:controllers:by:)``). Returns `true` when it recorded the
    /// list now. Throws `privacy.subprocessor.invalid` for an invalid entry, even when a list is kept.
    @discardableResult
    public func agreeInitialListIfAbsent(_ subProcessors: [SubProcessor], by principal: Principal) async throws -> Bool
    {
        for entry in subProcessors { try entry.validate() }
        if try await initialList() != nil { return false }
        do {
            try await agreeInitialList(subProcessors, by: principal)
            return true
        } catch let error as KimpleError where error.code == .privacySubProcessorInvalid {
            // Another instance recorded the list between the read and the insert.
            if try await initialList() != nil { return false }
            throw error
        }
    }

    /// Announces the addition of `subProcessor` (or its replacing `replacing`) taking effect at
    /// `effectiveAt`, to every controller in `controllers`: a written notice to each, then the
    /// change is recorded with the notices.
    ///
    /// Throws `privacy.subprocessor.notice_too_short` when `effectiveAt` is before the end of
    /// the 60-day window counted from now, `privacy.subprocessor.unknown` when `replacing` is
    /// not on the list, `privacy.subprocessor.invalid` for an invalid entry or no controller.
    /// Nothing is recorded when it throws.
    @discardableResult
    public func announce(
        _ subProcessor: SubProcessor, replacing: String? = nil, effectiveAt: Date, controllers: [TenantID],
        by principal: Principal
    ) async throws -> SubProcessorChange {
        try subProcessor.validate()
        guard !controllers.isEmpty, Set(controllers).count == controllers.count else {
            throw KimpleError(
                .privacySubProcessorInvalid, "A change is announced to every controller, each once.")
        }
        let now = clock.now
        let windowEnd = SubProcessorRules.windowEnd(noticeGivenAt: now, calendar: calendar)
        guard effectiveAt >= windowEnd else {
            throw KimpleError(
                .privacySubProcessorNoticeTooShort,
                "A change of sub-processor is announced at least 60 days before it takes effect.",
                context: ["earliest": ISO8601.string(windowEnd), "requested": ISO8601.string(effectiveAt)])
        }
        let current = try await fullList()
        if let replacing, !current.contains(where: { $0.name == replacing }) {
            throw KimpleError(
                .privacySubProcessorUnknown, "The sub-processor to replace is not on the list.",
                context: ["replaces": replacing])
        }
        let id = Identifier<SubProcessorChangeTag>.random().rawValue
        let change = SubProcessorChange(
            id: id, kind: replacing == nil ? .addition : .replacement, subProcessor: subProcessor,
            replaces: replacing, announcedAt: now, effectiveAt: effectiveAt,
            notices: controllers.map { SubProcessorNotice(tenant: $0, sentAt: now, presentedAt: nil) },
            objections: [], activatedAt: nil)
        // Recorded before the notices go, so that a failed send can be repeated with
        // ``sendNotices(change:)`` under the same idempotency keys.
        try await changes.insert(Self.changePrefix + id, change)
        try await sendNotices(change)
        try await evidence.record(
            principal, action: PrivacyEvidence.subProcessorAnnounced, subject: "subprocessor-change:\(id)",
            details: "\(change.kind.rawValue) of \(subProcessor.name) (\(subProcessor.recipient.country))"
                + (replacing.map { " replacing \($0)" } ?? "") + ", effective \(ISO8601.string(effectiveAt)), "
                + "\(controllers.count) controllers notified")
        return change
    }

    /// Sends (again) the written notice of change `id` to every controller notified; the
    /// transport's idempotency keys make a repeat harmless. Throws
    /// `privacy.subprocessor.unknown` for an unknown change, or what the transport throws.
    public func sendNotices(change id: String) async throws {
        guard let change = try await changes.get(Self.changePrefix + id)?.value else {
            throw KimpleError(.privacySubProcessorUnknown, "No change has this id.", context: ["change": id])
        }
        try await sendNotices(change)
    }

    private func sendNotices(_ change: SubProcessorChange) async throws {
        let entry = change.subProcessor
        for notice in change.notices {
            let windowEnd = SubProcessorRules.windowEnd(noticeGivenAt: notice.noticeGivenAt, calendar: calendar)
            try await transport.send(
                OutboundMessage(
                    idempotencyKey: "subprocessor-change-\(change.id)-\(notice.tenant)", tenant: notice.tenant,
                    kind: .privacySubProcessorChange, recipient: "controller", channel: .email,
                    subject: "Planned change of sub-processor: \(entry.name)",
                    body: Self.noticeText(change, windowEnd: windowEnd),
                    attributes: [
                        "change": change.id, "sub_processor": entry.name, "country": entry.recipient.country,
                        "effective_at": ISO8601.string(change.effectiveAt),
                        "objection_until": ISO8601.string(windowEnd),
                    ], createdAt: notice.sentAt))
        }
    }

    /// Records that the registered letter carrying the notice to `tenant` was first presented
    /// at `presentedAt` (§14.2): that controller's window then runs from it. Throws
    /// `privacy.subprocessor.unknown` for an unknown change or controller.
    @discardableResult
    public func recordPresentation(
        change id: String, tenant: TenantID, presentedAt: Date, by principal: Principal
    ) async throws -> SubProcessorChange {
        let updated = try await update(id) { change in
            guard let index = change.notices.firstIndex(where: { $0.tenant == tenant }) else {
                throw KimpleError(
                    .privacySubProcessorUnknown, "This controller was not notified of this change.",
                    context: ["change": id, "tenant": tenant.rawValue])
            }
            change.notices[index].presentedAt = presentedAt
        }
        try await evidence.record(
            principal, action: PrivacyEvidence.subProcessorNoticePresented, subject: "subprocessor-change:\(id)",
            details: "notice to \(tenant) presented at \(ISO8601.string(presentedAt))")
        return updated
    }

    /// Records `tenant`'s objection to change `id`, received now. Throws
    /// `privacy.subprocessor.objection_too_late` once that controller's window has ended,
    /// `privacy.subprocessor.unknown` for an unknown change, a controller not notified, or a
    /// change already activated.
    @discardableResult
    public func object(
        change id: String, tenant: TenantID, reason: String, by principal: Principal
    ) async throws -> SubProcessorChange {
        try Text.require(reason, "The objection's reason", limit: 10_000, code: .privacySubProcessorInvalid)
        let now = clock.now
        let calendar = self.calendar
        let updated = try await update(id) { change in
            guard change.activatedAt == nil else {
                throw KimpleError(
                    .privacySubProcessorUnknown, "This change was already activated.", context: ["change": id])
            }
            guard let notice = change.notices.first(where: { $0.tenant == tenant }) else {
                throw KimpleError(
                    .privacySubProcessorUnknown, "This controller was not notified of this change.",
                    context: ["change": id, "tenant": tenant.rawValue])
            }
            let end = SubProcessorRules.windowEnd(noticeGivenAt: notice.noticeGivenAt, calendar: calendar)
            guard now < end else {
                throw KimpleError(
                    .privacySubProcessorObjectionTooLate, "The 60-day objection window has ended.",
                    context: ["window_end": ISO8601.string(end)])
            }
            if !change.objections.contains(where: { $0.tenant == tenant }) {
                change.objections.append(SubProcessorObjection(tenant: tenant, receivedAt: now, reason: reason))
            }
        }
        try await evidence.record(
            principal, action: PrivacyEvidence.subProcessorObjected, subject: "subprocessor-change:\(id)",
            details: "objection of \(tenant)", payload: Data(reason.utf8))
        return updated
    }

    /// Activates change `id`: from now on it is part of the agreed list of every notified
    /// controller that did not object. Throws `privacy.subprocessor.window_open` before the
    /// effective date or before every controller's window has passed (nothing changes),
    /// `privacy.subprocessor.unknown` for an unknown change.
    @discardableResult
    public func activate(change id: String, by principal: Principal) async throws -> SubProcessorChange {
        let now = clock.now
        let calendar = self.calendar
        let updated = try await update(id) { change in
            guard change.activatedAt == nil else { return }
            let earliest = SubProcessorRules.earliestActivation(of: change, calendar: calendar)
            guard now >= earliest else {
                throw KimpleError(
                    .privacySubProcessorWindowOpen,
                    "The change cannot be activated before its effective date and the end of every objection window.",
                    context: ["earliest": ISO8601.string(earliest), "change": id])
            }
            change.activatedAt = now
        }
        try await evidence.record(
            principal, action: PrivacyEvidence.subProcessorActivated, subject: "subprocessor-change:\(id)",
            details: "\(updated.subProcessor.name) active; objected by "
                + (updated.objectingTenants.isEmpty
                    ? "none" : updated.objectingTenants.map(\.rawValue).sorted().joined(separator: ", ")))
        return updated
    }

    /// Every change, in announcement order.
    public func allChanges() async throws -> [SubProcessorChange] {
        try await changes.values(withPrefix: Self.changePrefix).map(\.value).sorted {
            ($0.announcedAt, $0.id) < ($1.announcedAt, $1.id)
        }
    }

    /// The list `tenant` agreed to now: the initial list with every activated change it did
    /// not object to (and was notified of), in activation order.
    public func agreedList(for tenant: TenantID) async throws -> [SubProcessor] {
        var result = try await list.get(Self.listKey)?.value ?? []
        let activated = try await allChanges().filter { $0.activatedAt != nil }.sorted {
            ($0.activatedAt ?? $0.announcedAt) < ($1.activatedAt ?? $1.announcedAt)
        }
        for change in activated
        where change.notices.contains(where: { $0.tenant == tenant }) && !change.objectingTenants.contains(tenant) {
            if let replaced = change.replaces { result.removeAll { $0.name == replaced } }
            result.removeAll { $0.name == change.subProcessor.name }
            result.append(change.subProcessor)
        }
        return result
    }

    /// The initial list with every activated change (what the processor uses for someone).
    private func fullList() async throws -> [SubProcessor] {
        var result = try await list.get(Self.listKey)?.value ?? []
        for change in try await allChanges() where change.activatedAt != nil {
            result.removeAll { $0.name == change.subProcessor.name }
            result.append(change.subProcessor)
        }
        return result
    }

    private func update(
        _ id: String, _ change: (inout SubProcessorChange) throws -> Void
    ) async throws -> SubProcessorChange {
        guard try await changes.get(Self.changePrefix + id) != nil else {
            throw KimpleError(.privacySubProcessorUnknown, "No change has this id.", context: ["change": id])
        }
        return try await changes.update(Self.changePrefix + id, change)
    }

    static func noticeText(_ change: SubProcessorChange, windowEnd: Date) -> String {
        let entry = change.subProcessor
        var text = """
            Under clause 11.2.4 of the contract, we inform you of a planned \(change.kind.rawValue) \
            to the list of sub-processors:

            - Sub-processor: \(entry.name), \(entry.recipient.country)
            - Processing: \(entry.processing)
            - Guarantees: \(entry.guarantees.joined(separator: "; "))
            """
        if let replaced = change.replaces { text += "\n- Replaces: \(replaced)" }
        text += """


            It is to take effect on \(ISO8601.string(change.effectiveAt)). You may object until \
            \(ISO8601.string(windowEnd)) (60 days from this notice).
            """
        return text
    }
}

/// The tag of sub-processor change ids.
public enum SubProcessorChangeTag {}
