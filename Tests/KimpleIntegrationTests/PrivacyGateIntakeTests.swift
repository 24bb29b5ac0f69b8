import Foundation
import KimpleCore
import KimpleGames
import KimplePrivacy
import KimpleTesting
import Testing

/// The privacy module's real gate in front of the games (P-1, P-2, P-6): intake and going live
/// ask `TenantPrivacy`'s instruction registry, and its refusals are in the tenant's evidence log.
@Suite("Integration: the privacy gate in front of intake")
struct PrivacyGateIntakeTests {
    // SPEC P-1, P-5: without any instruction of the controller, the intake refuses to process the
    // participation (the gate's error, thrown: a configuration problem, not the participant's),
    // the refusal is in the evidence log, and nothing is stored.
    @Test("without an instruction a participation is refused, logged and not stored")
    func noInstruction() async throws {
        let p = try await Platform.make()
        try await p.storeLive(Platform.operation())
        let error = await kimpleError { _ = try await p.submit("jane@example.com") }
        #expect(error?.code == .privacyInstructionMissing)
        let refused = try await p.entries("privacy.processing.refused")
        #expect(refused.count == 1)
        #expect(
            refused.first?.details.hasPrefix("privacy.instruction.missing: instruction summer, purpose participation")
                == true)
        #expect(refused.first?.subject == "operation:summer-2026")
        #expect(refused.first?.principal == .system("games.intake"))
        #expect(try await p.participations.entryCount(of: Platform.operationID) == 0)
        #expect(try await p.evidence.verify().isIntact)

        // Going live asks the same gate, for both purposes of the intake.
        let review = try await p.operations.review(Platform.operationID, under: Platform.licence, by: Platform.staff)
        #expect(review.problems.map(\.code).contains(.privacyInstructionMissing))
    }

    // SPEC P-1, P-2: an instruction naming participation but not fraud prevention lets a
    // participation without source or user agent in, refuses one that carries them (the
    // robot checks would process the IP address and user agent) and logs that refusal; once the
    // controller's next version adds fraud prevention, the same participation is accepted.
    @Test("fraud prevention needs its own purpose: refused and logged without it, accepted with it")
    func fraudPreventionPurpose() async throws {
        let p = try await Platform.make()
        try await p.instruct(Platform.terms(purposes: [.participation]))
        try await p.storeLive(Platform.operation())
        // Going live checks both purposes: this operation could not have been scheduled.
        let review = try await p.operations.review(Platform.operationID, under: Platform.licence, by: Platform.staff)
        #expect(review.problems.map(\.code) == [.privacyPurposeNotAllowed])

        let quiet = try await p.submit("quiet@example.com")
        #expect(quiet.isAccepted)
        let error = await kimpleError { _ = try await p.submit("jane@example.com", source: "203.0.113.7") }
        #expect(error?.code == .privacyPurposeNotAllowed)
        let refused = try await p.entries("privacy.processing.refused").map(\.details)
        #expect(
            refused.contains {
                $0.hasPrefix("privacy.purpose.not_allowed: instruction summer, purpose fraud_prevention")
            }, "\(refused)")
        #expect(try await p.participations.records(of: .email("jane@example.com")).isEmpty)

        try await p.instruct()
        p.clock.advance(by: 2)  // past the intake's grant reuse (1 s)
        let accepted = try await p.submit("jane@example.com", source: "203.0.113.7")
        #expect(accepted.isAccepted)
        #expect(try await p.participations.entryCount(of: Platform.operationID) == 2)
        let granted = try await p.entries("privacy.processing.granted").map(\.details)
        #expect(granted.contains { $0.contains("purpose fraud_prevention") })
        #expect(try await p.evidence.verify().isIntact)
    }

    // SPEC P-6, P-1: a form with a special-category field cannot go live unless the controller's
    // instruction names that category and allows it in clear (the intake stores it in clear);
    // each refusal of the gate is logged; with such an instruction the operation goes live and
    // the field is accepted.
    @Test("a special-category form field is refused at going live unless the instruction allows it")
    func specialCategoryField() async throws {
        let p = try await Platform.make()
        let operation = Platform.operation { operation in
            operation.form.fields.append(
                FormField(name: "allergies", label: "Allergies", type: .text, required: false, category: .health))
        }
        try await p.operations.create(operation, by: Platform.staff)

        try await p.instruct()
        let ordinary = await kimpleError {
            try await p.operations.schedule(Platform.operationID, under: Platform.licence, by: Platform.staff)
        }
        #expect(ordinary?.code == .privacySpecialCategoryNotAllowed)
        #expect(try await p.entries("privacy.processing.refused").contains { $0.details.contains("special.health") })

        try await p.instruct(Platform.terms(special: [.health], specialInClear: false))
        let notInClear = await kimpleError {
            try await p.operations.schedule(Platform.operationID, under: Platform.licence, by: Platform.staff)
        }
        #expect(notInClear?.code == .operationSpecialCategoryRefused)
        #expect(try await p.operations.operation(Platform.operationID).status == .draft)

        try await p.instruct(Platform.terms(special: [.health], specialInClear: true))
        try await p.operations.schedule(Platform.operationID, under: Platform.licence, by: Platform.staff)
        p.clock.set(Platform.during)
        let accepted = try await p.submit("jane@example.com", extra: ["allergies": "peanuts"])
        let acceptedEntry = try #require(accepted.accepted).entry
        let entry = try #require(try await p.participations.entry(acceptedEntry))
        #expect(entry[field: "allergies"] == "peanuts")
        #expect(entry.fields.first { $0.name == "allergies" }?.category == .health)
    }
}
