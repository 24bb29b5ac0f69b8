import Foundation
import KimpleCore
import KimpleGames
import Testing

@Suite("Going live")
struct GoLiveTests {
    /// Creates `operation` as a draft and returns the error scheduling it throws (nil if scheduled).
    private func scheduling(
        _ operation: GameOperation, licence: GamesLicence = Fixtures.licence, gate: TestGate = TestGate(),
        contentCheck: any ContentCheck = TermListContentCheck(terms: [])
    ) async throws -> KimpleError? {
        let h = try await Harness.make(operation: nil, gate: gate, contentCheck: contentCheck)
        try await h.service.create(operation, by: Fixtures.staff)
        return await kimpleError { try await h.service.schedule(operation.id, under: licence, by: Fixtures.staff) }
    }

    // SPEC G-1
    @Test("a complete operation goes live; the rules' SHA-256 is the one of the document (FIPS 180-2 'abc' vector)")
    func completeOperation() async throws {
        #expect(try await scheduling(Fixtures.operation()) == nil)
        let rules = RulesDocument(title: "Règlement", bytes: Array("abc".utf8))
        #expect(rules.sha256.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(rules.byteCount == 3)

        let h = try await Harness.make(operation: nil)
        try await h.service.create(Fixtures.operation { $0.rules = nil }, by: Fixtures.staff)
        let attached = try await h.service.attachRules(
            Fixtures.operationID, title: "Règlement", document: Array("abc".utf8), by: Fixtures.staff)
        #expect(attached.rules?.sha256 == rules.sha256)
    }

    // SPEC G-1
    @Test("without the rules document, going live is refused")
    func rulesMissing() async throws {
        let error = try await scheduling(Fixtures.operation { $0.rules = nil })
        #expect(error?.code == .operationRulesMissing)
    }

    // SPEC G-2
    @Test("a purchase or a payment without a free route is refused; with one it goes live")
    func purchase() async throws {
        let purchase = try await scheduling(Fixtures.operation { $0.purchase = PurchaseTerms(requiresPurchase: true) })
        #expect(purchase?.code == .operationPurchaseWithoutFreeRoute)
        let payment = try await scheduling(Fixtures.operation { $0.purchase = PurchaseTerms(requiresPayment: true) })
        #expect(payment?.code == .operationPurchaseWithoutFreeRoute)
        let route = FreeRoute(kind: .reimbursement, description: "The SMS cost is refunded on request (article 6).")
        let refunded = try await scheduling(
            Fixtures.operation { $0.purchase = PurchaseTerms(requiresPayment: true, freeRoute: route) })
        #expect(refunded == nil)
        let noPurchase = FreeRoute(kind: .noPurchaseRoute, description: "Free entry form on acme.fr (article 4).")
        #expect(
            try await scheduling(
                Fixtures.operation { $0.purchase = PurchaseTerms(requiresPurchase: true, freeRoute: noPurchase) })
                == nil)
    }

    // SPEC G-3
    @Test("the advertiser must be the licensee; registrations compare without punctuation or case")
    func licensee() async throws {
        let thirdParty = try await scheduling(
            Fixtures.operation { $0.advertiser = Advertiser(name: "Other brand", registration: "FR-SIREN-732829320") })
        #expect(thirdParty?.code == .operationAdvertiserNotLicensee)
        #expect(thirdParty?.context["advertiser"] == "FR-SIREN-732829320")
        let sameEntity = try await scheduling(
            Fixtures.operation { $0.advertiser = Advertiser(name: "ACME SAS", registration: "fr siren 552.100.554") })
        #expect(sameEntity == nil)
    }

    // SPEC G-3
    @Test("eligible countries must lie inside the licence territory")
    func territory() async throws {
        let licence = GamesLicence(licensee: Fixtures.brand, territory: ["FR"])
        let error = try await scheduling(
            Fixtures.operation { $0.eligibleCountries = ["FR", "BE", "CH"] }, licence: licence)
        #expect(error?.code == .operationTerritoryOutsideLicence)
        #expect(error?.context["countries"] == "BE,CH")
        #expect(try await scheduling(Fixtures.operation { $0.eligibleCountries = ["FR"] }, licence: licence) == nil)
        let ended = GamesLicence(
            licensee: Fixtures.brand, territory: ["FR", "BE"], validUntil: Fixtures.instant("2026-06-20T00:00:00Z"))
        #expect(try await scheduling(Fixtures.operation(), licence: ended)?.code == .operationOutsideLicencePeriod)
    }

    // SPEC G-9
    @Test("the content check reviews every piece of content; a refusal keeps the operation from going live")
    func content() async throws {
        let check = TermListContentCheck(terms: ["casino", "mise d'argent"])
        let title = try await scheduling(Fixtures.operation { $0.title = "Grand CASINO d'été" }, contentCheck: check)
        #expect(title?.code == .operationContentRefused)
        #expect(title?.context["content"] == "title")
        let banner = OperationContent(name: "banner", kind: .image, text: "Sans mise d’argent : gagnez !")
        let attached = try await scheduling(
            Fixtures.operation {
                $0.contents = [banner, OperationContent(name: "intro", kind: .text, text: "Bonjour")]
            },
            contentCheck: check)
        #expect(attached?.code == .operationContentRefused)
        #expect(attached?.context["content"] == "banner")
        // Whole words only, accents ignored: "Casinos" and "occasion" are not "casino".
        let fine = try await scheduling(
            Fixtures.operation { $0.title = "Une occasion en or" },
            contentCheck: TermListContentCheck(terms: ["casino"]))
        #expect(fine == nil)
        let accented = try await scheduling(
            Fixtures.operation { $0.title = "Évènement spécial" },
            contentCheck: TermListContentCheck(terms: ["evenement"]))
        #expect(accented?.code == .operationContentRefused)
    }

    // SPEC G-9
    @Test("a host's own content check plugs in")
    func customCheck() async throws {
        struct NoVideos: ContentCheck {
            func review(_ content: OperationContent, of operation: GameOperation) async throws -> ContentVerdict {
                content.kind == .video ? .refused(reason: "videos need a human review") : .accepted
            }
        }
        let video = OperationContent(name: "spot", kind: .video, text: "TV spot", sha256: SHA256.hash(Array("v".utf8)))
        let error = try await scheduling(Fixtures.operation { $0.contents = [video] }, contentCheck: NoVideos())
        #expect(error?.code == .operationContentRefused)
        #expect(error?.context["reason"] == "videos need a human review")
    }

    // SPEC P-6 (G-1 form fields)
    @Test("a special-category field goes live only when the instruction allows it")
    func specialCategories() async throws {
        let health = FormField(name: "allergies", label: "Allergies", type: .text, required: false, category: .health)
        let operation = Fixtures.operation { $0.form.fields.append(health) }
        let refused = try await scheduling(operation, gate: TestGate(allowsSpecialCategories: false))
        #expect(refused?.code == .operationSpecialCategoryRefused)
        #expect(refused?.context["categories"] == "special.health")
        #expect(try await scheduling(operation, gate: TestGate(allowsSpecialCategories: true)) == nil)
    }

    // SPEC P-1
    @Test("going live asks the processing gate; its refusal is a problem of the review")
    func gateRefusal() async throws {
        let gate = TestGate(refuses: true)
        let error = try await scheduling(Fixtures.operation(), gate: gate)
        #expect(error?.code == "privacy.instruction_missing")
        #expect(gate.requests.first?.purpose == .participation)
        #expect(gate.requests.first?.categories.contains(.email) == true)
    }

    // SPEC G-1, G-2, G-3
    @Test("every problem is listed at once, and a dry-run review changes nothing")
    func allProblems() async throws {
        let operation = Fixtures.operation {
            $0.rules = nil
            $0.purchase = PurchaseTerms(requiresPurchase: true)
            $0.advertiser = Advertiser(name: "Other", registration: "FR-SIREN-1")
        }
        let error = try await scheduling(operation)
        #expect(error?.code == .operationRulesMissing)
        #expect(
            error?.context["problems"]
                == "operation.rules_missing,operation.purchase_without_free_route,operation.advertiser_not_licensee")
        let h = try await Harness.make(operation: nil)
        try await h.service.create(operation, by: Fixtures.staff)
        let review = try await h.service.review(Fixtures.operationID, under: Fixtures.licence, by: Fixtures.staff)
        #expect(review.problems.count == 3)
        #expect(try await h.service.operation(Fixtures.operationID).status == .draft)
    }

    // SPEC G-1
    @Test("definitions that cannot run are refused at creation with the field named")
    func definitions() async throws {
        let cases: [(String, (inout GameOperation) -> Void)] = [
            (
                "form.consents.marketing",
                {
                    $0.form.consents = [
                        .rules(), ConsentField(name: "marketing", text: "News", purpose: .marketing, required: true),
                    ]
                }
            ),
            ("form.consents", { $0.form.consents = [.marketing(text: "News")] }),
            ("minimumAge", { $0.form.fields.removeAll { $0.type == .birthDate } }),
            ("identity", { $0.identity = .phone }),
            ("timeZone", { $0.timeZone = "Mars/Olympus" }),
            ("eligibleCountries", { $0.eligibleCountries = ["fr"] }),
            ("prizes", { $0.prizes = [] }),
            ("tieBreakQuestion", { $0.kind = .contest }),
            ("form.fields.size", { $0.form.fields[5].options = [] }),
            ("form.honeypotField", { $0.form.honeypotField = "email" }),
            ("limit", { $0.limit = .atMost(0, per: .day) }),
        ]
        for (field, change) in cases {
            let h = try await Harness.make(operation: nil)
            let error = await kimpleError { try await h.service.create(Fixtures.operation(change), by: Fixtures.staff) }
            #expect(error?.code == .operationInvalid, "\(field)")
            #expect(error?.context["field"] == field, "\(field): \(String(describing: error))")
        }
    }

    // SPEC K-1
    @Test("operations are stored per tenant")
    func tenancy() async throws {
        let h = try await Harness.make(operation: nil)
        let error = await kimpleError {
            try await h.service.create(Fixtures.operation { $0.tenant = "globex" }, by: Fixtures.staff)
        }
        #expect(error?.code == .invalidArgument)
    }
}
