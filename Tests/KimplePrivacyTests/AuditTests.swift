import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting
import Testing

@Suite("Audits")
struct AuditTests {
    static let auditor = Auditor(name: "Paul Durand", organisation: "Audit & Co", reference: "CISA 12345")
    static let report = ThirdPartyAuditReport(
        id: "iso-2025", auditor: "Certif SAS", scope: ["hosting", "access control", "erasure"],
        completedOn: CivilDate(unchecked: 2025, 9, 15), digest: SHA256.hash("report"))

    /// Received on Monday 2 March 2026 at 10:00 Paris.
    func proposal(
        _ sessions: [(String, String)], received: String = "2026-03-02T09:00:00Z", scope: Set<String> = ["hosting"],
        competitor: Bool = false, provenBreach: Bool = false
    ) -> AuditProposal {
        AuditProposal(
            receivedAt: instant(received),
            sessions: sessions.map { AuditSession(start: instant($0.0), end: instant($0.1)) },
            auditors: [Self.auditor], scope: scope, auditorIsDirectCompetitor: competitor, provenBreach: provenBreach)
    }

    func rules(_ p: AuditProposal, history: [AuditRequest] = []) -> [AuditProblem.Rule] {
        AuditPolicy.assess(p, history: history, reports: [Self.report]).problems.map(\.rule)
    }

    // SPEC P-11
    @Test("at least one month ahead: from 2 March, the audit may start on 2 April")
    func notice() {
        #expect(rules(proposal([("2026-04-02T07:00:00Z", "2026-04-02T10:00:00Z")])) == [])
        #expect(rules(proposal([("2026-04-01T07:00:00Z", "2026-04-01T10:00:00Z")])) == [.noticeTooShort])
        #expect(
            AuditPolicy.assess(proposal([]), history: [], reports: []).earliestDay == CivilDate(unchecked: 2026, 4, 2))
    }

    // SPEC P-11, K-3
    @Test("in business hours of business days only (09:00–18:00 Paris, no weekend, no public holiday)")
    func businessHours() {
        // 9:00–18:00 Paris on Thursday 2 April is 07:00–16:00 UTC (summer time).
        #expect(rules(proposal([("2026-04-02T07:00:00Z", "2026-04-02T16:00:00Z")])) == [])
        #expect(rules(proposal([("2026-04-02T06:59:00Z", "2026-04-02T10:00:00Z")])) == [.outsideBusinessHours])
        #expect(rules(proposal([("2026-04-02T15:00:00Z", "2026-04-02T16:01:00Z")])) == [.outsideBusinessHours])
        // Saturday 4 April; Easter Monday 6 April.
        #expect(rules(proposal([("2026-04-04T08:00:00Z", "2026-04-04T10:00:00Z")])) == [.outsideBusinessHours])
        #expect(rules(proposal([("2026-04-06T08:00:00Z", "2026-04-06T10:00:00Z")])) == [.outsideBusinessHours])
        // Two days, each within its window.
        #expect(
            rules(
                proposal([
                    ("2026-04-02T07:00:00Z", "2026-04-02T16:00:00Z"), ("2026-04-03T07:00:00Z", "2026-04-03T12:00:00Z"),
                ])) == [])
        #expect(rules(proposal([("2026-04-02T10:00:00Z", "2026-04-02T09:00:00Z")])) == [.incomplete])
        #expect(rules(proposal([])) == [.incomplete])
    }

    // SPEC P-11
    @Test("once a year, and a third-party report under 18 months old may stand in")
    func frequencyAndSubstitution() async throws {
        let f = try await PrivacyFixture.make()
        let audits = f.privacy.audits
        let first = try await audits.request(
            proposal([("2026-04-02T07:00:00Z", "2026-04-02T10:00:00Z")]), by: .user("jeanne"))
        #expect(first.status == .accepted)
        #expect(first.assessment.substitutes.map(\.id) == ["iso-2025"])
        #expect(f.transport.messages(of: .privacyAuditDecision).last?.body.contains("may be offered instead") == true)

        f.clock.set(instant("2027-02-01T09:00:00Z"))
        let tooSoon = try await audits.request(
            proposal([("2027-04-01T07:00:00Z", "2027-04-01T10:00:00Z")], received: "2027-02-01T09:00:00Z"),
            by: .user("jeanne"))
        #expect(tooSoon.status == .refused)
        #expect(tooSoon.assessment.problems.map(\.rule) == [.tooFrequent])
        #expect(tooSoon.assessment.previousAuditDay == CivilDate(unchecked: 2026, 4, 2))
        #expect(f.transport.messages(of: .privacyAuditDecision).last?.body.contains("2027-04-02") == true)
        let inTime = try await audits.request(
            proposal([("2027-04-02T07:00:00Z", "2027-04-02T10:00:00Z")], received: "2027-02-01T09:00:00Z"),
            by: .user("jeanne"))
        #expect(inTime.status == .accepted)
        // The ISO report is from 15 September 2025: under 18 months on 1 February 2027.
        let satisfied = try await audits.substitute(inTime.id, report: "iso-2025", by: .user("dpo"))
        #expect(satisfied.status == .satisfiedByReport)
        #expect(satisfied.countingDay() == CivilDate(unchecked: 2027, 2, 1))
        #expect(
            await kimpleError { try await audits.substitute(tooSoon.id, report: "iso-2025", by: .user("dpo")) }?.code
                == .privacyAuditNotFound)
    }

    // SPEC P-11
    @Test("a report 18 months old, of another scope, or against a proven breach does not stand in")
    func substitutesLimits() {
        let exactly18 = AuditPolicy.assess(
            proposal([("2027-04-15T07:00:00Z", "2027-04-15T10:00:00Z")], received: "2027-03-15T09:00:00Z"), history: [],
            reports: [Self.report])
        #expect(exactly18.substitutes.isEmpty)
        let justUnder = AuditPolicy.assess(
            proposal([("2027-04-15T07:00:00Z", "2027-04-15T10:00:00Z")], received: "2027-03-14T09:00:00Z"), history: [],
            reports: [Self.report])
        #expect(justUnder.substitutes.map(\.id) == ["iso-2025"])
        #expect(
            AuditPolicy.assess(
                proposal([("2026-04-02T07:00:00Z", "2026-04-02T10:00:00Z")], scope: ["hosting", "payments"]),
                history: [],
                reports: [Self.report]
            ).substitutes.isEmpty)
        #expect(
            AuditPolicy.assess(
                proposal([("2026-04-02T07:00:00Z", "2026-04-02T10:00:00Z")], provenBreach: true), history: [],
                reports: [Self.report]
            ).substitutes.isEmpty)
        #expect(
            rules(proposal([("2026-04-02T07:00:00Z", "2026-04-02T10:00:00Z")], competitor: true)) == [
                .competitorAuditor
            ])
    }
}
