import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting
import Testing

@Suite("Sub-processors")
struct SubProcessorTests {
    static let mailer = SubProcessor(
        recipient: TransferRecipient(name: "Mail Relay", country: "DE", role: .subProcessor),
        processing: "Sending winners' e-mails", guarantees: ["Contract with the obligations of §11.2.4 a"])

    // Announced on Monday 2 March 2026 at 10:00 in Paris: the window covers 3 March to 1 May
    // (60 days) and ends on 1 May at 24:00 Paris, 22:00 UTC.
    static let windowEnd = instant("2026-05-01T22:00:00Z")
    static let justBefore = instant("2026-05-01T21:59:59Z")

    // SPEC P-4
    @Test("the 60-day window ends at the end of the 60th day after the notice, in Paris")
    func windowArithmetic() {
        #expect(SubProcessorRules.windowEnd(noticeGivenAt: instant("2026-03-02T09:00:00Z")) == Self.windowEnd)
        // A notice late on 1 March in UTC is already 2 March in Paris.
        #expect(SubProcessorRules.windowEnd(noticeGivenAt: instant("2026-03-01T23:30:00Z")) == Self.windowEnd)
    }

    // SPEC P-4
    @Test("a change announced less than 60 days ahead is refused, at the boundary it is accepted")
    func noticeBoundary() async throws {
        let f = try await PrivacyFixture.make()
        let error = await kimpleError {
            try await f.subProcessors.announce(
                Self.mailer, effectiveAt: Self.justBefore, controllers: [f.tenant], by: .host("ops"))
        }
        #expect(error?.code == .privacySubProcessorNoticeTooShort)
        #expect(error?.context["earliest"] == "2026-05-01T22:00:00Z")
        #expect(try await f.subProcessors.allChanges().isEmpty)
        #expect(f.transport.messages(of: .privacySubProcessorChange).isEmpty)

        let change = try await f.subProcessors.announce(
            Self.mailer, effectiveAt: Self.windowEnd, controllers: [f.tenant, "other-brand"], by: .host("ops"))
        let notices = f.transport.messages(of: .privacySubProcessorChange)
        #expect(notices.map(\.tenant) == [f.tenant, "other-brand"])
        #expect(notices.first?.attributes["objection_until"] == "2026-05-01T22:00:00Z")
        #expect(notices.first?.body.contains("Mail Relay, DE") == true)
        #expect(change.notices.count == 2)
    }

    // SPEC P-4
    @Test("objections are received until the window's last second; activation waits for it; objectors keep their list")
    func objectionAndActivation() async throws {
        let f = try await PrivacyFixture.make()
        let change = try await f.subProcessors.announce(
            Self.mailer, effectiveAt: Self.windowEnd, controllers: [f.tenant, "other-brand", "late-brand"],
            by: .host("ops"))

        f.clock.set(Self.justBefore)
        try await f.subProcessors.object(
            change: change.id, tenant: f.tenant, reason: "Not in Germany, please.", by: .user("jeanne"))
        let early = await kimpleError { try await f.subProcessors.activate(change: change.id, by: .host("ops")) }
        #expect(early?.code == .privacySubProcessorWindowOpen)
        #expect(early?.context["earliest"] == "2026-05-01T22:00:00Z")

        f.clock.set(Self.windowEnd)
        let late = await kimpleError {
            try await f.subProcessors.object(
                change: change.id, tenant: "late-brand", reason: "Too late", by: .user("x"))
        }
        #expect(late?.code == .privacySubProcessorObjectionTooLate)
        let activated = try await f.subProcessors.activate(change: change.id, by: .host("ops"))
        #expect(activated.activatedAt == Self.windowEnd)
        #expect(activated.objectingTenants == [f.tenant])

        #expect(try await f.subProcessors.agreedList(for: f.tenant).map(\.name) == ["Microsoft Azure"])
        #expect(
            try await f.subProcessors.agreedList(for: "other-brand").map(\.name) == ["Microsoft Azure", "Mail Relay"])
        #expect(try await f.subProcessors.agreedList(for: "never-notified").map(\.name) == ["Microsoft Azure"])
        let log = try await f.processorEvidence.entries().map(\.action)
        #expect(
            log == [
                PrivacyEvidence.subProcessorListAgreed, PrivacyEvidence.subProcessorAnnounced,
                PrivacyEvidence.subProcessorObjected, PrivacyEvidence.subProcessorActivated,
            ])
    }

    // SPEC P-4
    @Test("a registered letter presented later moves that controller's window")
    func presentation() async throws {
        let f = try await PrivacyFixture.make()
        let change = try await f.subProcessors.announce(
            Self.mailer, effectiveAt: Self.windowEnd, controllers: [f.tenant], by: .host("ops"))
        try await f.subProcessors.recordPresentation(
            change: change.id, tenant: f.tenant, presentedAt: instant("2026-03-04T08:00:00Z"), by: .host("ops"))
        f.clock.set(Self.windowEnd)
        // Presented on 4 March: the window runs to 3 May at 24:00 Paris.
        try await f.subProcessors.object(change: change.id, tenant: f.tenant, reason: "Objection", by: .user("jeanne"))
        let error = await kimpleError { try await f.subProcessors.activate(change: change.id, by: .host("ops")) }
        #expect(error?.context["earliest"] == "2026-05-03T22:00:00Z")
    }

    // SPEC P-4
    @Test("a replacement takes the place of the replaced sub-processor, for controllers that did not object")
    func replacement() async throws {
        let f = try await PrivacyFixture.make()
        let newHost = SubProcessor(
            recipient: TransferRecipient(name: "OVHcloud", country: "FR", role: .subProcessor),
            processing: "Hosting and collection", activities: [.hosting, .collection], guarantees: ["SecNumCloud"])
        let change = try await f.subProcessors.announce(
            newHost, replacing: "Microsoft Azure", effectiveAt: Self.windowEnd, controllers: [f.tenant],
            by: .host("ops"))
        #expect(change.kind == .replacement)
        f.clock.set(Self.windowEnd)
        try await f.subProcessors.activate(change: change.id, by: .host("ops"))
        #expect(try await f.subProcessors.agreedList(for: f.tenant).map(\.name) == ["OVHcloud"])
        // The hosting declared (Azure) is no longer agreed: the gate stops processing.
        try await f.record()
        let problem = try await f.privacy.refreshSubProcessors()
        #expect(problem?.contains("Microsoft Azure in FR is not an agreed sub-processor") == true)
        #expect(await kimpleError { _ = try await f.gate.authorize(f.request()) }?.code == .privacyHostingNotAgreed)
        #expect(
            await kimpleError {
                try await f.subProcessors.announce(
                    Self.mailer, replacing: "Nobody", effectiveAt: instant("2027-01-01T00:00:00Z"),
                    controllers: [f.tenant], by: .host("ops"))
            }?.code == .privacySubProcessorUnknown)
    }
}
