import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting
import Testing

@Suite("Breach register")
struct BreachRegisterTests {
    // SPEC P-7
    @Test("the notification is produced from the register, in phases, each adding what became known")
    func phasedNotification() async throws {
        let f = try await PrivacyFixture.make(start: "2026-03-02T09:00:00Z")
        let register = f.privacy.breaches
        let breach = try await register.record(
            detectedAt: instant("2026-03-02T08:00:00Z"),
            facts: BreachFacts(nature: "An export file was sent to the wrong recipient."), by: .user("soc"))
        let first = try await register.notifyController(breach.id, by: .user("soc"))
        #expect(first.phases.map(\.number) == [1])
        #expect(first.phases[0].newItems == ["nature"])
        #expect(
            first.phases[0].missingItems == [
                "categories", "approximate_persons", "approximate_records", "contact_point", "likely_consequences",
                "measures",
            ])
        let message = try #require(f.transport.messages(of: .privacyBreachNotification).first)
        #expect(message.subject.hasSuffix("(to be completed)"))
        #expect(message.body.contains("- Nature: An export file was sent to the wrong recipient."))
        #expect(message.body.contains("- Approximate number of persons: to follow"))
        #expect(message.body.contains("Still to follow: categories, approximate_persons"))
        #expect(message.recipient == "controller")

        // Nothing new: no second phase.
        #expect(
            await kimpleError { try await register.notifyController(breach.id, by: .user("soc")) }?.code
                == .privacyBreachInvalid)

        f.clock.advance(by: 5 * 3_600)
        try await register.update(
            breach.id,
            with: BreachFacts(
                categories: [.email, .name], approximatePersons: 1_200, approximateRecords: 3_400,
                contactPoint: "dpo@cassiop.example", likelyConsequences: "Unsolicited e-mails.",
                measuresTaken: "Recipient asked to delete the file; deletion confirmed.",
                measuresProposed: "Exports encrypted with a key sent separately."), by: .user("soc"))
        let second = try await register.notifyController(breach.id, by: .user("soc"))
        #expect(second.phases.map(\.number) == [1, 2])
        #expect(
            second.phases[1].newItems == [
                "approximate_persons", "approximate_records", "categories", "contact_point", "likely_consequences",
                "measures",
            ])
        #expect(second.phases[1].missingItems.isEmpty)
        let complete = try #require(f.transport.messages(of: .privacyBreachNotification).last)
        #expect(complete.subject.hasSuffix("(complete)"))
        #expect(complete.body.contains("- Categories of data: contact.email, identity.name"))
        #expect(complete.body.contains("- Approximate number of persons: 1200"))
        #expect(complete.body.contains("due by 2026-03-05T09:00:00Z"))
        #expect(complete.body.contains("New in this notification: approximate_persons"))
        let log = try await f.privacy.evidence.entries().map(\.action)
        #expect(
            log == [
                PrivacyEvidence.breachRecorded, PrivacyEvidence.breachNotified, PrivacyEvidence.breachUpdated,
                PrivacyEvidence.breachNotified,
            ])
    }

    // SPEC P-7
    @Test("the register tracks the 72-hour horizon and the processor's own notice target")
    func timing() async throws {
        let f = try await PrivacyFixture.make(start: "2026-03-02T09:00:00Z")
        let register = f.privacy.breaches
        let notified = try await register.record(
            detectedAt: instant("2026-03-02T08:00:00Z"), facts: BreachFacts(nature: "Lost laptop"), by: .user("soc"))
        try await register.notifyController(notified.id, by: .user("soc"))
        let silent = try await register.record(
            detectedAt: instant("2026-03-01T03:00:00Z"), facts: BreachFacts(nature: "Misconfigured bucket"),
            by: .user("soc"))
        f.clock.set(instant("2026-03-03T09:00:00Z"))
        let timings = try await register.timing()
        let a = try #require(timings.first { $0.id == notified.id })
        #expect(a.controllerNotifiedAt == instant("2026-03-02T09:00:00Z"))
        #expect(a.authorityHorizon == instant("2026-03-05T09:00:00Z"))
        #expect(a.secondsLeft == 48 * 3_600)
        #expect(a.hoursToNotifyController == 1)
        #expect(!a.controllerNoticeLate)
        let b = try #require(timings.first { $0.id == silent.id })
        #expect(b.controllerNotifiedAt == nil)
        #expect(b.authorityHorizon == instant("2026-03-04T03:00:00Z"))
        #expect(b.hoursToNotifyController == 54)
        #expect(b.controllerNoticeLate)
        try await register.close(silent.id, by: .user("soc"))
        #expect(try await register.timing().map(\.id) == [notified.id])
    }

    // SPEC P-7
    @Test("invalid entries are refused and nothing is recorded")
    func invalid() async throws {
        let f = try await PrivacyFixture.make()
        let register = f.privacy.breaches
        #expect(
            await kimpleError {
                try await register.record(
                    detectedAt: f.clock.now, facts: BreachFacts(approximatePersons: -1), by: .user("soc"))
            }?.code == .privacyBreachInvalid)
        #expect(
            await kimpleError {
                try await register.record(
                    detectedAt: f.clock.now.addingTimeInterval(10), facts: BreachFacts(), by: .user("soc"))
            }?.code == .privacyBreachInvalid)
        #expect(
            await kimpleError {
                try await register.record(
                    detectedAt: f.clock.now, facts: BreachFacts(occurredAt: f.clock.now.addingTimeInterval(1)),
                    by: .user("soc"))
            }?.code == .privacyBreachInvalid)
        #expect(try await register.all().isEmpty)
        #expect(
            await kimpleError { try await register.notifyController("nope", by: .user("soc")) }?.code
                == .privacyBreachNotFound)
    }
}
