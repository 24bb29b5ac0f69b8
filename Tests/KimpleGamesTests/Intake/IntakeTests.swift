import Foundation
import KimpleCore
import KimpleGames
import Synchronization
import Testing

@Suite("Intake")
struct IntakeTests {
    // SPEC G-4
    @Test("an accepted participation is durable, normalised, and read back as accepted")
    func accepted() async throws {
        let h = try await Harness.make()
        var fields = Fixtures.fields(email: "  Jane.DOE@Example.COM ", firstName: "  Ame\u{301}lie ")
        fields["phone"] = "06 12 34 56 78"
        fields["country"] = "be"
        fields["size"] = "M"
        fields["marketing"] = false
        fields["story"] = "Line one\nLine two\n"
        let result = try await h.submit(fields)
        let accepted = try #require(result.accepted)
        #expect(accepted.outcome == .noInstantWin)
        #expect(accepted.receivedAt == Fixtures.during)
        let entry = try #require(try await h.participations.entry(accepted.entry))
        #expect(entry.email == "jane.doe@example.com")
        #expect(entry[field: "first_name"] == "Amélie")
        #expect(entry[field: "first_name"]?.unicodeScalars.count == 6)  // NFC: é is one scalar
        #expect(entry.phone == "+33612345678")
        #expect(entry[field: "country"] == "BE")
        #expect(entry[field: "story"] == "Line one\nLine two")
        #expect(entry.consents == ["rules"])
        #expect(!entry.hasConsent("marketing"))
        #expect(entry.source == nil)  // not kept by default
        #expect(entry.fields.map(\.name) == ["email", "first_name", "birth_date", "phone", "country", "size", "story"])
        #expect(try await h.participations.entryCount(of: Fixtures.operationID) == 1)
    }

    // SPEC G-4
    @Test(
        "each refusal has its reason code and stores nothing",
        arguments: [
            (
                "missing e-mail", ["first_name": "Jane", "birth_date": "1990-04-12", "rules": true],
                "participation.missing_field"
            ),
            (
                "bad e-mail", ["email": "jane@", "first_name": "Jane", "birth_date": "1990-04-12", "rules": true],
                "participation.invalid_email"
            ),
            (
                "quoted local part",
                ["email": "\"jane\"@example.com", "first_name": "Jane", "birth_date": "1990-04-12", "rules": true],
                "participation.invalid_email"
            ),
            (
                "double dot",
                ["email": "jane..doe@example.com", "first_name": "Jane", "birth_date": "1990-04-12", "rules": true],
                "participation.invalid_email"
            ),
            (
                "numeric top-level domain",
                ["email": "jane@example.123", "first_name": "Jane", "birth_date": "1990-04-12", "rules": true],
                "participation.invalid_email"
            ),
            (
                "bad phone",
                [
                    "email": "jane@example.com", "first_name": "Jane", "birth_date": "1990-04-12", "phone": "06 12 AB",
                    "rules": true,
                ], "participation.invalid_phone"
            ),
            (
                "bad date",
                ["email": "jane@example.com", "first_name": "Jane", "birth_date": "1990-02-30", "rules": true],
                "participation.invalid_date"
            ),
            (
                "future birth",
                ["email": "jane@example.com", "first_name": "Jane", "birth_date": "2030-01-01", "rules": true],
                "participation.invalid_date"
            ),
            (
                "too young",
                ["email": "jane@example.com", "first_name": "Jane", "birth_date": "2010-01-01", "rules": true],
                "participation.ineligible_age"
            ),
            (
                "country",
                [
                    "email": "jane@example.com", "first_name": "Jane", "birth_date": "1990-04-12", "country": "DE",
                    "rules": true,
                ], "participation.ineligible_country"
            ),
            (
                "option",
                [
                    "email": "jane@example.com", "first_name": "Jane", "birth_date": "1990-04-12", "size": "XXL",
                    "rules": true,
                ], "participation.invalid_field"
            ),
            (
                "rules not accepted",
                ["email": "jane@example.com", "first_name": "Jane", "birth_date": "1990-04-12", "rules": false],
                "participation.consent_required"
            ),
            (
                "rules absent", ["email": "jane@example.com", "first_name": "Jane", "birth_date": "1990-04-12"],
                "participation.consent_required"
            ),
            (
                "too long",
                [
                    "email": "jane@example.com", "first_name": FieldInput.text(String(repeating: "é", count: 51)),
                    "birth_date": "1990-04-12", "rules": true,
                ], "participation.field_too_long"
            ),
            (
                "unknown field",
                [
                    "email": "jane@example.com", "first_name": "Jane", "birth_date": "1990-04-12", "rules": true,
                    "is_admin": true,
                ], "participation.unknown_field"
            ),
            (
                "blank required",
                ["email": "jane@example.com", "first_name": "   ", "birth_date": "1990-04-12", "rules": true],
                "participation.missing_field"
            ),
        ] as [(String, [String: FieldInput], String)])
    func refusals(_ name: String, _ fields: [String: FieldInput], _ code: String) async throws {
        let h = try await Harness.make()
        let result = try await h.submit(fields)
        expectRejected(result, KimpleError.Code(code))
        #expect(try await h.participations.recordCount() == 0, "\(name) stored something")
    }

    // SPEC G-4
    @Test("the window: not before the opening, not while paused or suspended, not from the closing instant")
    func window() async throws {
        let h = try await Harness.make(now: Fixtures.opensAt.addingTimeInterval(-1))
        let early = try await h.submit()
        expectRejected(early, .participationWindowClosed)
        #expect(early.rejection?.context["status"] == "scheduled")
        h.clock.set(Fixtures.opensAt)
        #expect(try await h.submit(Fixtures.fields(email: "a@example.com")).isAccepted)
        try await h.service.pause(Fixtures.operationID, by: Fixtures.staff)
        let paused = try await h.submit(Fixtures.fields(email: "b@example.com"))
        #expect(paused.rejection?.context["status"] == "paused")
        try await h.service.suspend(Fixtures.operationID, by: .host("ops"), reason: "platform load")
        #expect(try await h.submit(Fixtures.fields(email: "b@example.com")).rejection?.context["status"] == "suspended")
        try await h.service.liftSuspension(Fixtures.operationID, by: .host("ops"))
        try await h.service.resume(Fixtures.operationID, by: Fixtures.staff)
        h.clock.set(Fixtures.closesAt.addingTimeInterval(-0.001))
        #expect(try await h.submit(Fixtures.fields(email: "b@example.com")).isAccepted)
        h.clock.set(Fixtures.closesAt)
        let late = try await h.submit(Fixtures.fields(email: "c@example.com"))
        #expect(late.rejection?.context["status"] == "closed")
        #expect(try await h.participations.recordCount() == 2)
    }

    // SPEC G-4
    @Test("the age is counted on the operation's wall clock: 18 at 00:30 in Paris, still 17 at 23:30 the day before")
    func ageInTimeZone() async throws {
        // Born 2008-06-15: 18 years old from 2026-06-15 00:00 in Paris (2026-06-14T22:00Z, CEST).
        let h = try await Harness.make(now: Fixtures.instant("2026-06-14T21:30:00Z"))
        let before = try await h.submit(Fixtures.fields(birthDate: "2008-06-15"))
        expectRejected(before, .participationIneligibleAge)
        h.clock.set(Fixtures.instant("2026-06-14T22:30:00Z"))  // still 14 June in UTC
        #expect(try await h.submit(Fixtures.fields(birthDate: "2008-06-15")).isAccepted)
    }

    // SPEC G-4
    @Test("ages: completed years, 29 February birthdays on 1 March in common years")
    func ages() throws {
        let birth = try CivilDate("2008-02-29")
        #expect(ParticipationPeriods.age(bornOn: birth, on: try CivilDate("2026-02-28")) == 17)
        #expect(ParticipationPeriods.age(bornOn: birth, on: try CivilDate("2026-03-01")) == 18)
        #expect(ParticipationPeriods.age(bornOn: birth, on: try CivilDate("2028-02-29")) == 20)
        #expect(ParticipationPeriods.age(bornOn: try CivilDate("1990-12-31"), on: try CivilDate("2026-12-30")) == 35)
    }

    // SPEC G-4
    @Test("once per operation: the same person is refused, whatever the case and spaces of the address")
    func duplicate() async throws {
        let h = try await Harness.make()
        #expect(try await h.submit(Fixtures.fields(email: "jane@example.com")).isAccepted)
        let again = try await h.submit(Fixtures.fields(email: " JANE@example.com"))
        expectRejected(again, .participationDuplicate)
        #expect(again.rejection?.context["existing"] == "1")
        #expect(try await h.submit(Fixtures.fields(email: "john@example.com")).isAccepted)
        #expect(try await h.participations.recordCount() == 2)
    }

    // SPEC G-4
    @Test("e-mail folding: sub-addresses and Gmail dots per operation policy, other providers' dots kept")
    func folding() async throws {
        let plain = try await Harness.make()
        #expect(try await plain.submit(Fixtures.fields(email: "jane@gmail.com")).isAccepted)
        #expect(try await plain.submit(Fixtures.fields(email: "j.ane+promo@gmail.com")).isAccepted)

        let folded = try await Harness.make(operation: Fixtures.operation { $0.emailFolding = .all })
        #expect(try await folded.submit(Fixtures.fields(email: "jane.doe@gmail.com")).isAccepted)
        for variant in ["janedoe@gmail.com", "J.a.n.e.doe@googlemail.com", "jane.doe+summer@gmail.com"] {
            expectRejected(try await folded.submit(Fixtures.fields(email: variant)), .participationDuplicate)
        }
        #expect(try await folded.submit(Fixtures.fields(email: "jane.doe@example.com")).isAccepted)
        expectRejected(
            try await folded.submit(Fixtures.fields(email: "jane.doe+news@example.com")), .participationDuplicate)
        // Dots are significant outside Gmail.
        #expect(try await folded.submit(Fixtures.fields(email: "janedoe@example.com")).isAccepted)
        // The stored address is the one given; folding only shapes the identity.
        let stored = try await folded.participations.entries(of: Fixtures.operationID).map(\.email)
        #expect(stored == ["jane.doe@gmail.com", "jane.doe@example.com", "janedoe@example.com"])

        #expect(EmailAddress.identity(of: "+tag@gmail.com", folding: .all) == "+tag@gmail.com")
        #expect(
            EmailAddress.identity(of: "a.b+c@googlemail.com", folding: EmailFolding(gmailDots: true))
                == "ab+c@gmail.com")
    }

    // SPEC G-4
    @Test("identity by phone number or by host key")
    func otherIdentities() async throws {
        let phone = try await Harness.make(
            operation: Fixtures.operation {
                $0.identity = .phone
                $0.form.fields[3].required = true
            })
        var fields = Fixtures.fields(email: "a@example.com")
        fields["phone"] = "+33 (0)6 12 34 56 78"
        #expect(try await phone.submit(fields).isAccepted)
        fields["email"] = "b@example.com"
        fields["phone"] = "0033 612 345 678"
        expectRejected(try await phone.submit(fields), .participationDuplicate)

        let host = try await Harness.make(operation: Fixtures.operation { $0.identity = .hostKey })
        #expect(try await host.intake.submit(host.submission(hostKey: "account-1")).isAccepted)
        expectRejected(
            try await host.intake.submit(
                host.submission(Fixtures.fields(email: "x@example.com"), hostKey: " account-1 ")),
            .participationDuplicate)
        expectRejected(try await host.intake.submit(host.submission(hostKey: nil)), .participationIdentityMissing)
        let entry = try #require(try await host.participations.entries(of: Fixtures.operationID).first)
        #expect(entry.hostKey == "account-1")
    }

    // SPEC G-4
    @Test("hundreds of concurrent submissions of one person: exactly one is accepted")
    func concurrentDuplicates() async throws {
        let h = try await Harness.make()
        let results = try await withThrowingTaskGroup(of: IntakeResult.self) { group in
            for n in 0..<300 {
                group.addTask {
                    try await h.intake.submit(
                        h.submission(
                            Fixtures.fields(email: n % 2 == 0 ? "jane@example.com" : "JANE@example.com"),
                            source: "10.0.\(n / 250).\(n % 250)"))
                }
            }
            var results: [IntakeResult] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(results.filter(\.isAccepted).count == 1)
        #expect(results.filter { $0.rejection?.code == .participationDuplicate }.count == 299)
        #expect(try await h.participations.recordCount() == 1)
    }

    // SPEC P-1
    @Test(
        "intake refuses when the processing gate refuses, stores nothing, and sees a withdrawal within the reuse delay")
    func gate() async throws {
        let gate = TestGate()
        let h = try await Harness.make(gate: gate)
        #expect(try await h.submit(Fixtures.fields(email: "a@example.com")).isAccepted)
        let request = try #require(gate.requests.last { $0.purpose == .participation })
        #expect(
            request.categories == [
                .email, .name, .birthDate, .phone, .postalAddress, .answers, .submittedContent, .consents,
            ])
        #expect(request.instruction == "acme-participations")
        #expect(gate.requests.contains { $0.purpose == .fraudPrevention })

        gate.set(refuses: true)
        // Within the reuse delay (1 s) the grant stands.
        h.clock.advance(by: 0.5)
        #expect(try await h.submit(Fixtures.fields(email: "b@example.com")).isAccepted)
        h.clock.advance(by: 1)
        let error = await kimpleError { _ = try await h.submit(Fixtures.fields(email: "c@example.com")) }
        #expect(error?.code == "privacy.instruction_missing")
        #expect(try await h.participations.recordCount() == 2)
    }

    // SPEC P-1
    @Test("with no reuse delay the gate is asked for every submission")
    func gateEveryTime() async throws {
        let gate = TestGate()
        let h = try await Harness.make(configuration: IntakeConfiguration(grantReuseSeconds: 0), gate: gate)
        let before = gate.requests.count
        for n in 0..<3 { _ = try await h.submit(Fixtures.fields(email: "p\(n)@example.com")) }
        let asked = gate.requests.dropFirst(before)
        #expect(asked.filter { $0.purpose == .participation }.count == 3)
        #expect(asked.filter { $0.purpose == .fraudPrevention }.count == 3)
    }

    // SPEC G-4
    @Test("a store first used with one identity secret refuses another")
    func secretMismatch() async throws {
        let store = InMemoryParticipationStore(tenant: Fixtures.tenant, clock: SystemClock())
        let h = try await Harness.make(participations: store)
        #expect(try await h.submit().isAccepted)
        let other = try IntakeService(
            operations: h.operations, participations: store, robotEvents: h.robotEvents, gate: h.gate,
            transport: h.transport, identitySecret: IdentitySecret(Array("another secret of 32 bytes......".utf8)),
            clock: h.clock)
        let error = await kimpleError { _ = try await other.submit(h.submission()) }
        #expect(error?.code == .participationIdentitySecretMismatch)
        #expect(await kimpleError { _ = try IdentitySecret(Array("short".utf8)) }?.code == .invalidArgument)
    }

    // SPEC G-4, G-6 (the hook instant win implements)
    @Test("the outcome decider sees the durable entry; its failure leaves the entry accepted and undecided")
    func outcomeHook() async throws {
        final class Decider: ParticipationOutcomeDecider {
            let seen = Mutex<[EntryID]>([])
            let store: any ParticipationStore
            init(store: any ParticipationStore) { self.store = store }
            func decide(for entry: ParticipationEntry, in operation: GameOperation) async throws -> ParticipationOutcome
            {
                #expect(try await store.entry(entry.id) == entry)  // durable before the decision
                let count = seen.withLock {
                    $0.append(entry.id)
                    return $0.count
                }
                if count == 2 { throw KimpleError("instant_win.storage", "The award store is down.") }
                return .won(
                    PrizeAward(
                        prize: "bike", prizeName: "A city bike", unit: count, awardID: "award-\(count)",
                        awardedAt: entry.receivedAt))
            }
        }
        let store = InMemoryParticipationStore(tenant: Fixtures.tenant, clock: SystemClock())
        let decider = Decider(store: store)
        let h = try await Harness.make(participations: store, decider: decider)
        let won = try #require(try await h.submit(Fixtures.fields(email: "a@example.com")).accepted)
        #expect(won.outcome.isWin)
        #expect(
            won.outcome
                == .won(
                    PrizeAward(
                        prize: "bike", prizeName: "A city bike", unit: 1, awardID: "award-1", awardedAt: Fixtures.during
                    )))
        let failed = try #require(try await h.submit(Fixtures.fields(email: "b@example.com")).accepted)
        #expect(failed.outcome == .undecided("instant_win.storage"))
        #expect(try await store.entry(failed.entry) != nil)
        // Refused participations never reach the decider.
        _ = try await h.submit(Fixtures.fields(email: "a@example.com"))
        #expect(decider.seen.withLock { $0.count } == 2)
    }

    // SPEC G-4 (data minimisation)
    @Test("the source is kept only when configured, and the gate is then asked for it")
    func keepsSource() async throws {
        let gate = TestGate()
        let h = try await Harness.make(configuration: IntakeConfiguration(keepsSource: true), gate: gate)
        let accepted = try #require(try await h.submit().accepted)
        #expect(try await h.participations.entry(accepted.entry)?.source == "203.0.113.7")
        #expect(gate.requests.last { $0.purpose == .participation }?.categories.contains(.ipAddress) == true)
    }

    // SPEC G-4
    @Test("an unknown operation is refused")
    func unknownOperation() async throws {
        let h = try await Harness.make()
        expectRejected(
            try await h.intake.submit(h.submission(operation: "winter-2026")), .participationUnknownOperation)
    }
}
