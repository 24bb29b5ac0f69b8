import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The tag of audit request ids.
public enum AuditTag {}
/// An audit request of a controller.
public typealias AuditRequestID = Identifier<AuditTag>

/// A person in charge of an audit (§11.3: "le nom et les références des personnes").
public struct Auditor: Sendable, Hashable, Codable {
    /// Name.
    public var name: String
    /// Organisation (the controller, or an independent firm).
    public var organisation: String
    /// References (qualifications, mandate).
    public var reference: String

    /// An auditor.
    public init(name: String, organisation: String, reference: String) {
        self.name = name
        self.organisation = organisation
        self.reference = reference
    }
}

/// A period on site or online during which the audit takes place.
public struct AuditSession: Sendable, Hashable, Codable {
    /// Start.
    public var start: Date
    /// End (exclusive).
    public var end: Date

    /// A session from `start` to `end` (exclusive).
    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }
}

/// What a controller asks for (P-11, §11.3).
public struct AuditProposal: Sendable, Hashable, Codable {
    /// When the request was received (the month of notice runs from it).
    public var receivedAt: Date
    /// The sessions, in order.
    public var sessions: [AuditSession]
    /// Who audits.
    public var auditors: [Auditor]
    /// What is audited (`hosting`, `access control`, `erasure`...): compared with the scope of
    /// third-party audits.
    public var scope: Set<String>
    /// Whether the auditor is a direct competitor of the processor (§11.3 excludes it).
    public var auditorIsDirectCompetitor: Bool
    /// Whether the controller invokes a proven and justified breach (§11.3: a third-party
    /// report may then not stand in).
    public var provenBreach: Bool

    /// A proposal as received.
    public init(
        receivedAt: Date, sessions: [AuditSession], auditors: [Auditor], scope: Set<String>,
        auditorIsDirectCompetitor: Bool = false, provenBreach: Bool = false
    ) {
        self.receivedAt = receivedAt
        self.sessions = sessions
        self.auditors = auditors
        self.scope = scope
        self.auditorIsDirectCompetitor = auditorIsDirectCompetitor
        self.provenBreach = provenBreach
    }
}

/// A report of an audit of the processor made by a third party.
public struct ThirdPartyAuditReport: Sendable, Hashable, Codable {
    /// Its id.
    public var id: String
    /// Who audited.
    public var auditor: String
    /// What it covered.
    public var scope: Set<String>
    /// When it was completed.
    public var completedOn: CivilDate
    /// SHA-256 of the report.
    public var digest: SHA256Digest

    /// A report.
    public init(id: String, auditor: String, scope: Set<String>, completedOn: CivilDate, digest: SHA256Digest) {
        self.id = id
        self.auditor = auditor
        self.scope = scope
        self.completedOn = completedOn
        self.digest = digest
    }
}

/// A rule an audit request breaks.
public struct AuditProblem: Sendable, Hashable, Codable {
    /// The rule.
    public enum Rule: String, Sendable, Hashable, Codable {
        /// Announced less than one month ahead.
        case noticeTooShort = "notice_too_short"
        /// A session outside business hours or on a day that is not a business day.
        case outsideBusinessHours = "outside_business_hours"
        /// Another audit took place (or was satisfied) less than 12 months before.
        case tooFrequent = "too_frequent"
        /// The auditor is a direct competitor of the processor.
        case competitorAuditor = "competitor_auditor"
        /// No session, no auditor, no scope, or a session ending before it starts.
        case incomplete
    }

    /// The rule broken.
    public var rule: Rule
    /// What was found, for a person.
    public var detail: String
}

/// The assessment of an audit proposal: a breakdown a person can check.
public struct AuditAssessment: Sendable, Hashable, Codable {
    /// The rules broken (empty: acceptable).
    public var problems: [AuditProblem]
    /// The earliest day an audit may take place given the notice (receipt + 1 month, Paris).
    public var earliestDay: CivilDate
    /// The last audit that counts against the yearly limit, if any.
    public var previousAuditDay: CivilDate?
    /// Third-party reports that may stand in (same scope, under 18 months old), unless a
    /// proven breach is invoked.
    public var substitutes: [ThirdPartyAuditReport]

    /// Whether the request can be accepted.
    public var isAcceptable: Bool { problems.isEmpty }
}

/// An audit request as recorded, with its assessment and the processor's decision.
public struct AuditRequest: Sendable, Hashable, Codable {
    /// The processor's decision.
    public enum Status: String, Sendable, Hashable, Codable {
        /// The audit will take place.
        case accepted
        /// It breaks a rule of §11.3.
        case refused
        /// A third-party report stood in: the right of audit is satisfied (§11.3).
        case satisfiedByReport = "satisfied_by_report"
    }

    /// The request.
    public var id: AuditRequestID
    /// The controller.
    public var tenant: TenantID
    /// What was asked.
    public var proposal: AuditProposal
    /// The assessment.
    public var assessment: AuditAssessment
    /// The decision.
    public var status: Status
    /// When it was decided.
    public var decidedAt: Date
    /// The report that stood in, for ``Status/satisfiedByReport``.
    public var substitute: ThirdPartyAuditReport?

    /// The day that counts for the yearly limit: the first session's day for an accepted
    /// audit, the day the report stood in for a satisfied one; `nil` for a refused one.
    public func countingDay(calendar: FrenchCalendar = .paris) -> CivilDate? {
        switch status {
        case .refused: nil
        case .satisfiedByReport: calendar.civilDate(of: decidedAt)
        case .accepted: proposal.sessions.first.map { calendar.civilDate(of: $0.start) }
        }
    }
}

/// The rules of P-11 (§11.3) as a pure function.
public enum AuditPolicy {
    /// Months of notice.
    public static let noticeMonths = 1
    /// Months between two audits.
    public static let intervalMonths = 12
    /// The age under which a third-party report may stand in, in months.
    public static let substituteMonths = 18

    /// Assesses `proposal` given the audits already decided for the tenant and the available
    /// third-party reports, on `calendar` (business days and hours of the French calendar).
    public static func assess(
        _ proposal: AuditProposal, history: [AuditRequest], reports: [ThirdPartyAuditReport],
        calendar: FrenchCalendar = .paris
    ) -> AuditAssessment {
        var problems: [AuditProblem] = []
        let receivedDay = calendar.civilDate(of: proposal.receivedAt)
        let earliest = receivedDay.adding(months: noticeMonths)
        if proposal.sessions.isEmpty || proposal.auditors.isEmpty || proposal.scope.isEmpty {
            problems.append(AuditProblem(rule: .incomplete, detail: "An audit names its dates, auditors and scope."))
        }
        let sessions = proposal.sessions.sorted { $0.start < $1.start }
        for session in sessions {
            let day = calendar.civilDate(of: session.start)
            guard session.start < session.end else {
                problems.append(AuditProblem(rule: .incomplete, detail: "A session on \(day) ends before it starts."))
                continue
            }
            let window = calendar.businessWindow(on: day)
            if !calendar.isBusinessDay(day) || session.start < window.lowerBound || session.end > window.upperBound {
                problems.append(
                    AuditProblem(
                        rule: .outsideBusinessHours,
                        detail:
                            "The session of \(day) (\(calendar.localTime(of: session.start))–"
                            + "\(calendar.localTime(of: session.end.addingTimeInterval(-1)))) is outside business hours "
                            + "(\(calendar.options.businessHours) on business days)."))
            }
        }
        let firstDay = sessions.first.map { calendar.civilDate(of: $0.start) }
        if let firstDay, firstDay < earliest {
            problems.append(
                AuditProblem(
                    rule: .noticeTooShort,
                    detail:
                        "Received on \(receivedDay), the audit may start on \(earliest) at the earliest (one month)."))
        }
        let previous = history.compactMap { $0.countingDay(calendar: calendar) }.filter { day in
            firstDay.map { day <= $0 } ?? true
        }.max()
        if let previous, let firstDay, firstDay < previous.adding(months: intervalMonths) {
            problems.append(
                AuditProblem(
                    rule: .tooFrequent,
                    detail: "An audit counted on \(previous); the next may take place from "
                        + "\(previous.adding(months: intervalMonths)) (once a year)."))
        }
        if proposal.auditorIsDirectCompetitor {
            problems.append(
                AuditProblem(rule: .competitorAuditor, detail: "The auditor may not be a direct competitor (§11.3)."))
        }
        let oldest = receivedDay.adding(months: -substituteMonths)
        let substitutes =
            proposal.provenBreach
            ? []
            : reports.filter {
                $0.completedOn > oldest && $0.completedOn <= receivedDay && proposal.scope.isSubset(of: $0.scope)
            }
            .sorted { ($0.completedOn, $0.id) > ($1.completedOn, $1.id) }
        return AuditAssessment(
            problems: problems, earliestDay: earliest, previousAuditDay: previous, substitutes: substitutes)
    }
}
