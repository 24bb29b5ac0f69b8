import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting
import Testing

@Suite("Requests of data subjects")
struct SubjectRequestTests {
    // SPEC P-3
    @Test(
        "one calendar month from receipt, in Paris, clamped to the month's end",
        arguments: [
            ("2026-01-31T10:00:00Z", "2026-02-28T23:00:00Z"),  // 31 Jan → end of 28 Feb
            ("2028-01-31T10:00:00Z", "2028-02-29T23:00:00Z"),  // leap year → end of 29 Feb
            ("2026-01-30T10:00:00Z", "2026-02-28T23:00:00Z"),  // 30 Jan → end of 28 Feb
            ("2026-03-31T10:00:00Z", "2026-04-30T22:00:00Z"),  // 31 Mar → end of 30 Apr (summer time)
            ("2026-01-15T10:00:00Z", "2026-02-15T23:00:00Z"),  // same day number
            ("2026-01-31T23:30:00Z", "2026-03-01T23:00:00Z"),  // already 1 Feb in Paris → end of 1 Mar
        ])
    func initialDeadline(received: String, due: String) {
        #expect(RequestDeadlines.initialDeadline(receivedAt: instant(received)) == instant(due))
    }

    // SPEC P-3
    @Test(
        "an extension adds two months to the first deadline's day",
        arguments: [
            ("2026-01-31T10:00:00Z", "2026-04-28T22:00:00Z"),  // 28 Feb + 2 months = 28 Apr
            ("2025-12-31T10:00:00Z", "2026-03-31T22:00:00Z"),  // 31 Jan + 2 months = 31 Mar
            ("2025-11-30T10:00:00Z", "2026-02-28T23:00:00Z"),  // 30 Dec + 2 months = 28 Feb
        ])
    func extendedDeadline(received: String, due: String) {
        #expect(RequestDeadlines.extendedDeadline(receivedAt: instant(received)) == instant(due))
    }

    // SPEC P-3
    @Test("a request is recorded and forwarded to the controller at once; the person gets nothing")
    func forwardedAtOnce() async throws {
        let f = try await PrivacyFixture.make(start: "2026-01-31T10:00:00Z")
        let request = try await f.privacy.requests.receive(
            .erasure, subject: .email("ann@example.org"), channel: "e-mail to privacy@cassiop.example",
            statement: "Please delete everything about me.", by: .host("support"))
        #expect(request.forwardedAt == f.clock.now)
        #expect(request.deadline == instant("2026-02-28T23:00:00Z"))
        #expect(request.status == .forwarded)
        let messages = f.transport.messages
        #expect(messages.count == 1)
        let forwarded = try #require(messages.first)
        #expect(forwarded.kind == .privacyRequestForwarded)
        #expect(forwarded.recipient == "controller")
        #expect(forwarded.body.contains("email:ann@example.org"))
        #expect(forwarded.body.contains("Please delete everything about me."))
        #expect(forwarded.attributes["deadline"] == "2026-02-28T23:00:00Z")
        let actions = try await f.privacy.evidence.entries().map(\.action)
        #expect(actions == [PrivacyEvidence.requestReceived, PrivacyEvidence.requestForwarded])
        // The log names the person by digest only.
        let log = try await f.privacy.evidence.entries()
        #expect(log.allSatisfy { !$0.details.contains("ann@") && !$0.subject.contains("ann@") })
    }

    // SPEC P-3
    @Test("the processor does not answer the person unless the controller authorised it")
    func answerOnlyIfAuthorised() async throws {
        let f = try await PrivacyFixture.make()
        let privacy = f.privacy
        let request = try await privacy.requests.receive(
            .access, subject: .email("ann@example.org"), channel: "form", by: .host("support"))
        let refused = await kimpleError {
            try await privacy.requests.answer(
                request.id, to: "ann@example.org", text: "Here you are", by: .host("support"))
        }
        #expect(refused?.code == .privacyRequestNotAuthorised)
        #expect(f.transport.messages(of: .privacyRequestAnswer).isEmpty)
        try await privacy.requests.decide(
            request.id,
            ControllerDecision(
                outcome: .refuse, reason: "Manifestly unfounded.", processorMayAnswer: false, decidedBy: "DPO",
                decidedAt: f.clock.now), by: .user("jeanne"))
        #expect(
            await kimpleError {
                try await privacy.requests.answer(request.id, to: "ann@example.org", text: "No", by: .host("support"))
            }?.code == .privacyRequestNotAuthorised)

        let second = try await privacy.requests.receive(
            .access, subject: .email("bob@example.org"), channel: "form", by: .host("support"))
        try await privacy.requests.decide(
            second.id,
            ControllerDecision(
                outcome: .execute, actions: [.export], processorMayAnswer: true, decidedBy: "DPO",
                decidedAt: f.clock.now), by: .user("jeanne"))
        let answered = try await privacy.requests.answer(
            second.id, to: "bob@example.org", text: "Your data is attached.", by: .host("support"))
        #expect(answered.answeredAt == f.clock.now)
        #expect(f.transport.messages(of: .privacyRequestAnswer).map(\.recipient) == ["bob@example.org"])
    }

    // SPEC P-3
    @Test("an extension is given once, with a reason, before the first month ends")
    func extensionRules() async throws {
        let f = try await PrivacyFixture.make(start: "2026-01-31T10:00:00Z")
        let privacy = f.privacy
        let request = try await privacy.requests.receive(
            .portability, subject: .email("ann@example.org"), channel: "letter", by: .host("support"))
        #expect(
            await kimpleError { try await privacy.requests.extend(request.id, reason: " ", by: .user("jeanne")) }?.code
                == .privacyRequestExtensionRefused)
        f.clock.set(instant("2026-02-28T22:59:59Z"))
        let extended = try await privacy.requests.extend(
            request.id, reason: "Many stores to search.", by: .user("jeanne"))
        #expect(extended.deadline == instant("2026-04-28T22:00:00Z"))
        #expect(f.transport.messages(of: .privacyRequestExtended).count == 1)
        #expect(
            await kimpleError { try await privacy.requests.extend(request.id, reason: "Again", by: .user("jeanne")) }?
                .code == .privacyRequestExtensionRefused)

        f.clock.set(instant("2026-01-31T10:00:00Z"))
        let other = try await privacy.requests.receive(
            .access, subject: .email("bob@example.org"), channel: "letter", by: .host("support"))
        f.clock.set(instant("2026-02-28T23:00:00Z"))
        #expect(
            await kimpleError { try await privacy.requests.extend(other.id, reason: "Late", by: .user("jeanne")) }?.code
                == .privacyRequestExtensionRefused)
        let statuses = try await privacy.requests.deadlines()
        let overdue = try #require(statuses.first { $0.id == other.id })
        #expect(overdue.overdue)
        #expect(!overdue.extensionPossible)
        #expect(overdue.daysLeft == -1)  // it is 1 March in Paris; the last day was 28 February
        let running = try #require(statuses.first { $0.id == request.id })
        #expect(!running.overdue && running.extended)
        #expect(running.daysLeft == 58)  // 1 March to 28 April
    }

    // SPEC P-3, P-5, K-5
    @Test("an erasure reaches every store of the tenant, is proven, and leaves the evidence log verifiable")
    func erasureEverywhere() async throws {
        try await withTemporaryDirectory { directory in
            let f = try await PrivacyFixture.make()
            let privacy = f.privacy
            try await f.record()
            let journal = try FileJournal.open(at: directory.appendingPathComponent("participations"))
            defer { journal.close() }
            let participations = SamplePersonalDataHolder(
                tenant: f.tenant, name: "games.participations", log: journal, clock: f.clock)
            let exports = SamplePersonalDataHolder(
                tenant: f.tenant, name: "games.exports", log: InMemoryRecordLog(), clock: f.clock)
            let robots = SamplePersonalDataHolder(
                tenant: f.tenant, name: "games.robot_events", log: InMemoryRecordLog(), clock: f.clock)
            try await participations.add(sampleEntries(people: 50, perPerson: 3, start: f.clock.now))
            try await exports.add(sampleEntries(people: 10, start: f.clock.now))
            try await robots.add(
                sampleEntries(people: 5, start: f.clock.now).filter { $0.participant.rawValue != "p7" })
            for holder in [participations, exports, robots] {
                try privacy.holders.register(holder, instruction: "summer")
            }
            expectCode(.privacyHolderDuplicate, "a second holder with the same name is refused") {
                try privacy.holders.register(exports, instruction: "summer")
            }

            // Before the erasure, the journal's files hold both people's bytes.
            #expect(!(try filesContain("person7@example.org", under: journal.directory)).isEmpty)
            #expect(!(try filesContain("person8@example.org", under: journal.directory)).isEmpty)

            let request = try await privacy.requests.receive(
                .erasure, subject: .email("Person7@Example.org"), channel: "e-mail", by: .host("support"))
            try await privacy.requests.decide(
                request.id,
                ControllerDecision(outcome: .execute, actions: [.erase], decidedBy: "DPO", decidedAt: f.clock.now),
                by: .user("jeanne"))
            f.clock.advance(by: 60)
            let execution = try await privacy.requests.execute(request.id, by: .host("support"))
            let proof = execution.proof

            #expect(
                proof.findings.holders.map(\.holder) == ["games.participations", "games.exports", "games.robot_events"])
            #expect(proof.findings.holders.map(\.erasedRecordIDs) == [["p7-0", "p7-1", "p7-2"], ["p7-0"], []])
            #expect(proof.findings.holders.map(\.foundRecordIDs.count) == [3, 1, 0])
            #expect(proof.findings.holders.allSatisfy { $0.remainingAfterErasure == 0 })
            #expect(proof.erasureComplete)
            #expect(proof.findings.subjectDigest == SubjectDigest.of(.email("Person7@Example.org")))
            #expect(try await participations.recordCount() == 147)
            #expect(try await participations.records(of: .email("person6@example.org")).count == 3)

            // The proof is chained into the evidence log.
            let verification = try await privacy.evidence.verify(against: proof.evidenceHead)
            #expect(verification.isIntact)
            #expect(try proof.findingsMatch())
            let entry = try #require(
                try await privacy.evidence.entries().first { $0.index == proof.evidenceHead.index })
            #expect(entry.action == PrivacyEvidence.requestExecuted)
            #expect(entry.payloadDigest == proof.findingsDigest)
            #expect(entry.hash == proof.evidenceHead.hash)

            // The person's bytes are gone from every file of the store, other people's remain,
            // and the request no longer names the person.
            #expect(try filesContain("person7@example.org", under: journal.directory).isEmpty)
            #expect(!(try filesContain("person8@example.org", under: journal.directory)).isEmpty)
            #expect(!(try filesContain("person6@example.org", under: journal.directory)).isEmpty)
            let stored = try await privacy.requests.request(request.id)
            #expect(stored.subject == nil && stored.statement == nil)
            #expect(stored.status == .executed)
            #expect(
                f.transport.messages(of: .privacyRequestExecuted).first?.attributes["evidence_hash"]
                    == proof.evidenceHead.hash.hex)
            // Executing twice is refused.
            #expect(
                await kimpleError { _ = try await privacy.requests.execute(request.id, by: .host("support")) }?.code
                    == .privacyRequestState)
        }
    }

    // SPEC P-1, P-3
    @Test("an execution the gate refuses for one holder touches none")
    func refusedForOneHolder() async throws {
        let f = try await PrivacyFixture.make()
        try await f.record()
        let a = SamplePersonalDataHolder(tenant: f.tenant, name: "a", log: InMemoryRecordLog(), clock: f.clock)
        let b = SamplePersonalDataHolder(tenant: f.tenant, name: "b", log: InMemoryRecordLog(), clock: f.clock)
        try await a.add(sampleEntries(people: 2, start: f.clock.now))
        try await b.add(sampleEntries(people: 2, start: f.clock.now))
        try f.privacy.holders.register(a, instruction: "summer")
        try f.privacy.holders.register(b, instruction: "never-recorded")
        let request = try await f.privacy.requests.receive(
            .erasure, subject: .participant("p1"), channel: "form", by: .host("support"))
        try await f.privacy.requests.decide(
            request.id,
            ControllerDecision(outcome: .execute, actions: [.erase], decidedBy: "DPO", decidedAt: f.clock.now),
            by: .user("jeanne"))
        let error = await kimpleError { _ = try await f.privacy.requests.execute(request.id, by: .host("support")) }
        #expect(error?.code == .privacyInstructionMissing)
        #expect(try await a.recordCount() == 2)
        #expect(try await b.recordCount() == 2)
        #expect(try await f.privacy.requests.request(request.id).proof == nil)
    }

    // SPEC P-3
    @Test("a rectification changes every record of the person in every store")
    func rectification() async throws {
        let f = try await PrivacyFixture.make()
        try await f.record()
        let a = SamplePersonalDataHolder(tenant: f.tenant, name: "a", log: InMemoryRecordLog(), clock: f.clock)
        let b = SamplePersonalDataHolder(tenant: f.tenant, name: "b", log: InMemoryRecordLog(), clock: f.clock)
        try await a.add(sampleEntries(people: 3, perPerson: 2, start: f.clock.now))
        try await b.add(sampleEntries(people: 3, start: f.clock.now))
        try f.privacy.holders.register(a, instruction: "summer")
        try f.privacy.holders.register(b, instruction: "summer")
        let request = try await f.privacy.requests.receive(
            .rectification, subject: .participant("p1"), channel: "form", by: .host("support"))
        try await f.privacy.requests.decide(
            request.id,
            ControllerDecision(
                outcome: .execute, actions: [.rectify(field: "city", value: "Roubaix")], decidedBy: "DPO",
                decidedAt: f.clock.now), by: .user("jeanne"))
        let execution = try await f.privacy.requests.execute(request.id, by: .host("support"))
        #expect(execution.proof.findings.holders.map(\.changedRecordIDs) == [["p1-0", "p1-1"], ["p1-0"]])
        #expect(execution.proof.findings.actions == ["rectify field city"])
        #expect(try await a.records(of: .participant("p1")).allSatisfy { $0.fields["city"] == "Roubaix" })
        #expect(try await a.records(of: .participant("p2")).allSatisfy { $0.fields["city"] == nil })
        // The new value is personal data: the evidence log does not hold it.
        #expect(try await f.privacy.evidence.entries().allSatisfy { !$0.details.contains("Roubaix") })
    }

    // SPEC P-3
    @Test("a restriction is recorded for the person and can be lifted")
    func restriction() async throws {
        let f = try await PrivacyFixture.make()
        try await f.record()
        let privacy = f.privacy
        for actions in [[DataSubjectAction.restrict], [.liftRestriction]] {
            let request = try await privacy.requests.receive(
                .restriction, subject: .email("ann@example.org"), channel: "form", by: .host("support"))
            try await privacy.requests.decide(
                request.id,
                ControllerDecision(outcome: .execute, actions: actions, decidedBy: "DPO", decidedAt: f.clock.now),
                by: .user("jeanne"))
            _ = try await privacy.requests.execute(request.id, by: .host("support"))
            #expect(try await privacy.requests.isRestricted(.email("ann@example.org")) == (actions == [.restrict]))
        }
    }

    // SPEC P-3
    @Test("invalid requests and decisions are refused and change nothing")
    func invalidInput() async throws {
        let f = try await PrivacyFixture.make()
        let privacy = f.privacy
        #expect(
            await kimpleError {
                try await privacy.requests.receive(.access, subject: .email("a@b.c"), channel: "", by: .host("s"))
            }?.code == .privacyRequestInvalid)
        #expect(
            await kimpleError {
                try await privacy.requests.receive(
                    .access, subject: .email("a@b.c"), channel: "form", receivedAt: f.clock.now.addingTimeInterval(60),
                    by: .host("s"))
            }?.code == .privacyRequestInvalid)
        #expect(try await privacy.requests.all().isEmpty)
        let request = try await privacy.requests.receive(
            .access, subject: .email("a@b.c"), channel: "form", by: .host("s"))
        #expect(
            await kimpleError {
                try await privacy.requests.decide(
                    request.id, ControllerDecision(outcome: .execute, decidedBy: "DPO", decidedAt: f.clock.now),
                    by: .user("j"))
            }?.code == .privacyRequestInvalid)
        #expect(
            await kimpleError { _ = try await privacy.requests.execute(request.id, by: .host("s")) }?.code
                == .privacyRequestState)
        #expect(
            await kimpleError { _ = try await privacy.requests.request("unknown") }?.code == .privacyRequestNotFound)
    }
}
