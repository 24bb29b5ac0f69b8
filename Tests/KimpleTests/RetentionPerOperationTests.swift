import Foundation
import Kimple
import KimpleCore
import KimpleGames
import KimplePrivacy
import KimpleTesting
import Testing

/// One brand, two campaigns under two instructions with different retention periods (P-1, P-9).
@Suite("Retention per operation")
struct RetentionPerOperationTests {
    /// A one-month instruction beside the fixture's six-month `summer`.
    static let flashInstruction: InstructionID = "flash"

    static func flashTerms() -> InstructionTerms {
        var terms = Fixture.terms
        terms.reference = "Quote 2026-015, annex 1"
        terms.text = "Run the flash game."
        terms.retention = .months(1)
        return terms
    }

    /// The fixture's June draw, as a second operation under `flash`.
    static func flashOperation(tenant: TenantID) -> GameOperation {
        var operation = Fixture.operation("flash-2026", tenant: tenant)
        operation.title = "Flash draw"
        operation.instruction = flashInstruction
        return operation
    }

    /// Launches the summer draw (default instruction) and the flash draw (its own), and enters
    /// one person in each during June.
    static func enterBoth(
        _ brand: KimpleTenant, clock: ManualClock
    ) async throws -> (
        summer: GameOperation, flash: GameOperation, inSummer: AcceptedParticipation, inFlash: AcceptedParticipation
    ) {
        let summer = Fixture.operation(tenant: brand.id)
        let flash = flashOperation(tenant: brand.id)
        try await Fixture.launch(summer, in: brand)
        _ = try await brand.privacy.instructions.record(flashTerms(), id: flashInstruction, by: .user("jeanne"))
        try await brand.operations.create(flash, by: Fixture.staff)
        try await brand.operations.schedule(
            flash.id, under: GamesLicence(licensee: flash.advertiser, territory: ["FR"]), by: Fixture.staff)
        clock.set(Fixture.during)
        let inSummer = try await brand.intake.submit(Fixture.submission("ada@example.com")).get()
        let inFlash = try await brand.intake.submit(Fixture.submission("ada@example.com", flash.id)).get()
        return (summer, flash, inSummer, inFlash)
    }

    static func robotEvent(_ operation: OperationID, tenant: TenantID, at time: Date) -> RobotEvent {
        RobotEvent(
            tenant: tenant, operation: operation, source: "198.51.100.7", signal: .burstRate, time: time,
            detail: "test", count: 1)
    }

    // SPEC P-1, P-9: the tenant's default instruction (`summer`, six months) and an operation under
    // its own (`flash`, one month) are swept each by its own period: two months after June, the
    // flash game's entries are gone and its robot events' sources blanked, the summer game's stay;
    // after six months the summer game's go too. Both backends.
    @Test(
        "each operation's entries are kept as long as its own instruction says", arguments: KimpleTests.Backend.allCases
    )
    func eachOperationByItsOwnInstruction(_ backend: KimpleTests.Backend) async throws {
        try await withTemporaryDirectory { root in
            let clock = ManualClock(Fixture.setupAt)
            let kimple = try await KimpleTests.Opener(backend: backend, root: root).open(clock)
            let brand = try await kimple.tenant("brand", identitySecret: try Fixture.secret(), instruction: "summer")
            let (summer, flash, inSummer, inFlash) = try await Self.enterBoth(brand, clock: clock)
            try await brand.robotEvents.record([
                Self.robotEvent(summer.id, tenant: "brand", at: Fixture.during),
                Self.robotEvent(flash.id, tenant: "brand", at: Fixture.during),
            ])

            clock.set(Fixture.instant("2026-08-20T10:00:00Z"))
            let report = try await brand.privacy.retention.run()
            #expect(report.skipped.isEmpty)
            #expect(try await brand.participations.entry(inFlash.entry) == nil)
            #expect(try await brand.participations.entry(inSummer.entry) != nil)
            let sources = try await brand.robotEvents.events(
                from: Fixture.during, to: Fixture.during.addingTimeInterval(1)
            ).reduce(into: [OperationID: String]()) { $0[$1.operation] = $1.source }
            #expect(sources == [summer.id: "198.51.100.7", flash.id: ""])
            let participations = report.outcomes.filter { $0.holder == brand.participations.holderName }
            #expect(
                participations.map {
                    "\($0.instruction) \($0.scope.map(String.init(describing:)) ?? "-") \($0.recordsErased)"
                }
                    == ["summer all but flash-2026 0", "flash only flash-2026 1"])
            #expect(participations.map(\.retention) == [.months(6), .months(1)])

            clock.set(Fixture.instant("2026-12-20T10:00:00Z"))
            _ = try await brand.privacy.retention.run()
            #expect(try await brand.participations.entry(inSummer.entry) == nil)
            #expect(try await brand.participations.recordCount() == 0)
            #expect(try await brand.evidence.verify().isIntact)
            try await kimple.close()
        }
    }

    /// The fixture's operations, with `flash-2026` under an instruction never recorded.
    struct UnknownFlashInstruction: ScopeInstructions {
        func instructionsByScope() async throws -> [String: InstructionID] {
            ["summer-2026": Fixture.instruction, "flash-2026": "never-recorded"]
        }
    }

    // SPEC P-9: an operation whose instruction is unknown is reported as skipped, and its entries
    // are not erased under another instruction's period.
    @Test func anUnknownInstructionSkipsItsOperationsOnly() async throws {
        let clock = ManualClock(Fixture.setupAt)
        let kimple = try await Fixture.open(.inMemory, clock: clock)
        let brand = try await kimple.tenant("brand", identitySecret: try Fixture.secret(), instruction: "summer")
        let (_, _, inSummer, inFlash) = try await Self.enterBoth(brand, clock: clock)

        let holders = PersonalDataHolders(tenant: "brand")
        try holders.register(brand.participations, instruction: Fixture.instruction, scopes: UnknownFlashInstruction())
        let sweep = RetentionSweep(
            registry: brand.privacy.instructions, holders: holders, evidence: brand.evidence, clock: clock)
        clock.set(Fixture.instant("2027-03-01T10:00:00Z"))
        let report = try await sweep.run()
        #expect(report.skipped == ["games.participations (only flash-2026)"])
        #expect(report.outcomes.map(\.scope) == [.allExcept(["flash-2026"])])
        #expect(try await brand.participations.entry(inSummer.entry) == nil)
        #expect(try await brand.participations.entry(inFlash.entry) != nil)
        try await kimple.close()
    }
}
