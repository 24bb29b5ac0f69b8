import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Audit requests of one controller (P-11, §11.3, §11.2.5): assessed by ``AuditPolicy``,
/// recorded with the decision, told to the controller; a third-party report under 18 months
/// old on the same scope may stand in unless a proven breach is invoked.
public struct AuditService: Sendable {
    /// The tenant.
    public let tenant: TenantID
    private let store: any DocumentStore
    private let evidence: EvidenceLog
    private let notifier: ControllerNotifier
    private let clock: any Clock
    private let calendar: FrenchCalendar
    /// The third-party audit reports the processor holds.
    public let reports: [ThirdPartyAuditReport]

    /// The service over `store` (the tenant's `privacy` document store).
    public init(
        tenant: TenantID, store: any DocumentStore, evidence: EvidenceLog, transport: any MessageTransport,
        clock: any Clock, calendar: FrenchCalendar = .paris, reports: [ThirdPartyAuditReport] = []
    ) {
        self.tenant = tenant
        self.store = store
        self.evidence = evidence
        self.notifier = ControllerNotifier(tenant: tenant, transport: transport, clock: clock)
        self.clock = clock
        self.calendar = calendar
        self.reports = reports
    }

    private var documents: CodableDocuments<AuditRequest> { CodableDocuments(store) }

    /// Records `proposal`, accepted when it follows every rule and refused otherwise (with
    /// the rules broken), and tells the controller. Throws `privacy.audit.invalid` for a
    /// receipt in the future or texts out of bounds (nothing is written).
    public func request(_ proposal: AuditProposal, by principal: Principal) async throws -> AuditRequest {
        let now = clock.now
        guard proposal.receivedAt <= now else {
            throw KimpleError(.privacyAuditInvalid, "A request cannot be received in the future.")
        }
        for auditor in proposal.auditors {
            try Text.require(auditor.name, "An auditor's name", limit: 200, code: .privacyAuditInvalid)
        }
        let assessment = AuditPolicy.assess(proposal, history: try await all(), reports: reports, calendar: calendar)
        let request = AuditRequest(
            id: .random(), tenant: tenant, proposal: proposal, assessment: assessment,
            status: assessment.isAcceptable ? .accepted : .refused, decidedAt: now, substitute: nil)
        try await documents.insert(PrivacyKeys.audit(request.id.rawValue), request)
        try await evidence.record(
            principal, action: PrivacyEvidence.auditRequested, subject: "audit:\(request.id)",
            details: "\(request.status.rawValue)"
                + (assessment.problems.isEmpty
                    ? "" : ": " + assessment.problems.map(\.rule.rawValue).joined(separator: " "))
                + "; \(assessment.substitutes.count) third-party reports could stand in")
        try await tell(request)
        return request
    }

    /// Has third-party report `reportID` stand in for accepted audit `id` (§11.3): the
    /// controller's right of audit is then satisfied. Throws `privacy.audit.not_found` for an
    /// unknown or not accepted request, or a report that may not stand in (other scope, 18
    /// months or older, proven breach invoked).
    @discardableResult
    public func substitute(
        _ id: AuditRequestID, report reportID: String, by principal: Principal
    ) async throws
        -> AuditRequest
    {
        let now = clock.now
        guard try await documents.get(PrivacyKeys.audit(id.rawValue)) != nil else {
            throw KimpleError(.privacyAuditNotFound, "No audit request has this id.", context: ["audit": id.rawValue])
        }
        let updated = try await documents.update(PrivacyKeys.audit(id.rawValue)) { request in
            guard request.status == .accepted,
                let report = request.assessment.substitutes.first(where: { $0.id == reportID })
            else {
                throw KimpleError(
                    .privacyAuditNotFound, "This report may not stand in for this audit.",
                    context: ["audit": id.rawValue, "report": reportID])
            }
            request.status = .satisfiedByReport
            request.substitute = report
            request.decidedAt = now
        }
        try await evidence.record(
            principal, action: PrivacyEvidence.auditDecided, subject: "audit:\(id)",
            details: "satisfied by third-party report \(reportID)")
        try await tell(updated)
        return updated
    }

    /// Every audit request, oldest first.
    public func all() async throws -> [AuditRequest] {
        try await documents.values(withPrefix: PrivacyKeys.auditPrefix).map(\.value).sorted {
            ($0.proposal.receivedAt, $0.id) < ($1.proposal.receivedAt, $1.id)
        }
    }

    private func tell(_ request: AuditRequest) async throws {
        var body: String
        switch request.status {
        case .accepted:
            body = "Your audit request is accepted (contract §11.3)."
            if !request.assessment.substitutes.isEmpty {
                body += " A third-party audit of the same scope under 18 months old exists and may be offered instead."
            }
        case .refused:
            body =
                "Your audit request cannot be accepted as is (contract §11.3):\n"
                + request.assessment.problems.map { "- \($0.detail)" }.joined(separator: "\n")
        case .satisfiedByReport:
            body =
                "Under §11.3, the report of the third-party audit \(request.substitute?.id ?? "") "
                + "(\(request.substitute?.auditor ?? ""), completed \(request.substitute.map { "\($0.completedOn)" } ?? "")) "
                + "stands in for the audit you requested."
        }
        try await notifier.send(
            .privacyAuditDecision, key: "audit-\(request.id)-\(request.status.rawValue)",
            subject: "Your audit request: \(request.status.rawValue.replacingOccurrences(of: "_", with: " "))",
            body: body, attributes: ["audit": request.id.rawValue, "status": request.status.rawValue])
    }
}
