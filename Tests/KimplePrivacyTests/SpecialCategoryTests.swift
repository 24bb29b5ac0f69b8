import Foundation
import KimpleCore
import KimplePrivacy
import KimpleTesting
import Testing

@Suite("Special categories of data")
struct SpecialCategoryTests {
    // SPEC P-6
    @Test(
        "every special category is refused and logged unless the instruction names it",
        arguments: DataCategory.specialCategories)
    func refusedUnlessAllowed(category: DataCategory) async throws {
        let f = try await PrivacyFixture.make()
        try await f.record()
        let error = await kimpleError { _ = try await f.gate.authorize(f.request(categories: [.email, category])) }
        #expect(error?.code == .privacySpecialCategoryNotAllowed)
        #expect(error?.context["category"] == category.rawValue)
        let refused = try await f.entries(PrivacyEvidence.processingRefused)
        #expect(refused.count == 1)
        #expect(refused.first?.details.contains(category.rawValue) == true)

        // Allowing this one category, and only it.
        try await f.record(PrivacyFixture.terms(special: [category]))
        let grant = try await f.gate.authorize(f.request(categories: [.email, category]))
        #expect(grant.instructionVersion == 2)
        #expect(!grant.allowsSpecialCategoriesInClear)
        let other = DataCategory.specialCategories.first { $0 != category } ?? .health
        #expect(
            await kimpleError { _ = try await f.gate.authorize(f.request(categories: [other])) }?.code
                == .privacySpecialCategoryNotAllowed)
    }

    // SPEC P-6
    @Test("special categories are named one by one: the family or an ordinary list cannot allow them")
    func explicitOnly() async throws {
        let f = try await PrivacyFixture.make()
        #expect(
            await kimpleError { try await f.record(PrivacyFixture.terms(special: [.special])) }?.code
                == .privacyInstructionInvalid)
        #expect(
            await kimpleError { try await f.record(PrivacyFixture.terms(categories: [.email, .health])) }?.code
                == .privacyInstructionInvalid)
        // An ordinary parent never covers a special category.
        let terms = PrivacyFixture.terms(categories: [.identity, .contact])
        #expect(!terms.covers(.health))
        #expect(PrivacyFixture.terms(special: [.health]).covers(try DataCategory("special.health.allergies")))
    }

    // SPEC P-6
    @Test("special categories go out in clear only when the instruction says so")
    func inClearOnlyWhenAllowed() async throws {
        let f = try await PrivacyFixture.make()
        try await f.record(PrivacyFixture.terms(special: [.health]))
        #expect(
            try await f.gate.authorize(f.request(.export, categories: [.health])).allowsSpecialCategoriesInClear
                == false)
        try await f.record(PrivacyFixture.terms(special: [.health], specialInClear: true))
        #expect(try await f.gate.authorize(f.request(.export, categories: [.health])).allowsSpecialCategoriesInClear)
    }

    // SPEC P-6, P-3
    @Test("an access export withholds the values of records holding a special category")
    func accessExportWithholds() async throws {
        let f = try await PrivacyFixture.make()
        try await f.record(PrivacyFixture.terms(special: [.health]))
        let holder = SamplePersonalDataHolder(
            tenant: f.tenant, name: "games.participations", log: InMemoryRecordLog(), clock: f.clock)
        try await holder.add([
            .init(
                recordID: "r1", participant: "p1", email: "ann@example.org", recordedAt: f.clock.now,
                categories: [.email], fields: ["city": "Lille"]),
            .init(
                recordID: "r2", participant: "p1", email: "ann@example.org", recordedAt: f.clock.now,
                categories: [.email, .health], fields: ["allergy": "peanuts"]),
        ])
        try f.privacy.holders.register(holder, instruction: "summer")
        let request = try await f.privacy.requests.receive(
            .access, subject: .email("ann@example.org"), channel: "e-mail to privacy@", by: .host("support"))
        try await f.privacy.requests.decide(
            request.id,
            ControllerDecision(outcome: .execute, actions: [.export], decidedBy: "DPO", decidedAt: f.clock.now),
            by: .user("jeanne"))
        let execution = try await f.privacy.requests.execute(request.id, by: .host("support"))
        let package = try #require(execution.package)
        #expect(package.records.count == 2)
        #expect(package.withheldRecords == 1)
        let clear = try #require(package.records.first { $0.recordID == "r1" })
        let special = try #require(package.records.first { $0.recordID == "r2" })
        #expect(clear.fields["city"] == "Lille")
        #expect(special.fields["allergy"] == SubjectDataPackage.withheldValue)
        #expect(special.fields.values.allSatisfy { $0 == SubjectDataPackage.withheldValue })
        let lines = String(decoding: try package.jsonLines(), as: UTF8.self)
        #expect(!lines.contains("peanuts"))
        #expect(execution.proof.findings.exportDigest == SHA256.hash(try JSONCoding.encode(package)))
    }
}

@Suite("Special categories and erasure")
struct SpecialCategoryErasureTests {
    // SPEC P-6, P-3: the instruction never allowed health data, yet a holder stores some
    // (collected by mistake); the controller's erasure finds and removes it with the rest of
    // the person's records, and the bytes are gone; a data subject request's read of the same
    // category is still refused by the gate, so only erasure reaches it.
    @Test("erasure reaches special-category data the instruction never allowed; a request's read does not")
    func erasureReachesEverything() async throws {
        try await withTemporaryDirectory { directory in
            let f = try await PrivacyFixture.make()
            try await f.record()
            let journal = try FileJournal.open(at: directory.appendingPathComponent("holder"))
            defer { journal.close() }
            let holder = SamplePersonalDataHolder(
                tenant: f.tenant, name: "games.participations", log: journal, clock: f.clock)
            try await holder.add([
                .init(
                    recordID: "r1", participant: "p1", email: "ann@example.org", recordedAt: f.clock.now,
                    categories: [.email], fields: ["city": "Lille"]),
                .init(
                    recordID: "r2", participant: "p1", email: "ann@example.org", recordedAt: f.clock.now,
                    categories: [.email, .health], fields: ["allergy": "peanuts"]),
                .init(
                    recordID: "r3", participant: "p2", email: "bob@example.org", recordedAt: f.clock.now,
                    categories: [.email, .health], fields: ["allergy": "pollen"]),
            ])
            try f.privacy.holders.register(holder, instruction: "summer")
            #expect(!(try filesContain("peanuts", under: directory)).isEmpty)

            // The gate: erasure may touch the category, a request's read may not.
            _ = try await f.gate.authorize(f.request(.erasure, categories: [.health, .email]))
            let error = await kimpleError {
                _ = try await f.gate.authorize(f.request(.dataSubjectRequest, categories: [.health]))
            }
            #expect(error?.code == .privacySpecialCategoryNotAllowed)

            let request = try await f.privacy.requests.receive(
                .erasure, subject: .email("ann@example.org"), channel: "e-mail to privacy@", by: .host("support"))
            try await f.privacy.requests.decide(
                request.id,
                ControllerDecision(outcome: .execute, actions: [.erase], decidedBy: "DPO", decidedAt: f.clock.now),
                by: .user("jeanne"))
            let execution = try await f.privacy.requests.execute(request.id, by: .host("support"))
            let findings = try #require(execution.proof.findings.holders.first)
            #expect(findings.foundRecordIDs.sorted() == ["r1", "r2"])
            #expect(findings.categories.contains(.health))
            #expect(findings.erasedRecordIDs.sorted() == ["r1", "r2"])
            #expect(findings.remainingAfterErasure == 0)
            #expect(execution.proof.erasureComplete)
            #expect(try await holder.records(of: .email("ann@example.org")).isEmpty)
            #expect(try await holder.records(of: .email("bob@example.org")).map(\.recordID) == ["r3"])
            // The special-category value and the address are gone from the holder's files;
            // the other person's are not.
            for gone in ["peanuts", "ann@example.org"] {
                #expect(try filesContain(gone, under: directory).isEmpty, "\(gone) is still on disk")
            }
            #expect(!(try filesContain("pollen", under: directory)).isEmpty)
        }
    }
}
