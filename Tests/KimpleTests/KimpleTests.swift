import Foundation
import Kimple
import KimpleCore
import KimpleGames
import KimplePrivacy
import KimpleTesting
import Synchronization
import Testing

@Suite("The entry point")
struct KimpleTests {
    enum Backend: String, CaseIterable, Sendable {
        case memory, file
    }

    /// Opens the SDK on `backend` in `root` (memory: one `InMemoryStorage` kept across restarts).
    struct Opener {
        let backend: Backend
        let root: URL
        let memory = InMemoryStorage()

        func open(_ clock: ManualClock) async throws -> Kimple {
            switch backend {
            case .memory:
                return try await Fixture.open(memory, clock: clock)
            case .file:
                return try await Fixture.open(
                    try .file(at: root.appendingPathComponent("store")),
                    transport: .outbox(at: root.appendingPathComponent("outbox")), clock: clock)
            }
        }
    }

    // SPEC K-8: one call for the platform, one per tenant; a restart on the same storage runs the
    // platform's set-up again without throwing or changing anything, and what was stored before is
    // there after: the same person is a duplicate.
    @Test(
        "a restart keeps working: the set-up changes nothing, a participation before is a duplicate after",
        arguments: Backend.allCases)
    func restart(_ backend: Backend) async throws {
        try await withTemporaryDirectory { root in
            let clock = ManualClock(Fixture.setupAt)
            let opener = Opener(backend: backend, root: root)
            let operation = Fixture.operation(tenant: "brand")

            let first = try await opener.open(clock)
            let brand = try await first.tenant("brand", identitySecret: try Fixture.secret(), instruction: "summer")
            try await Fixture.launch(operation, in: brand)
            clock.set(Fixture.during)
            let accepted = try await brand.intake.submit(Fixture.submission("ada@example.com"))
            #expect(accepted.rejection == nil)
            let platformEntries = try await first.platformEvidence.verify().entriesChecked
            let list = try await first.platform.initialList()
            try await first.close()
            try await first.close()  // a second close does nothing more

            let second = try await opener.open(clock)
            #expect(try await second.platformEvidence.verify().entriesChecked == platformEntries)
            #expect(try await second.platform.initialList() == list)
            let again = try await second.tenant("brand", identitySecret: try Fixture.secret(), instruction: "summer")
            let duplicate = try await again.intake.submit(Fixture.submission("ada@example.com"))
            #expect(duplicate.rejection?.code == .participationDuplicate)
            let other = try await again.intake.submit(Fixture.submission("alan@example.com"))
            #expect(other.rejection == nil)
            #expect(try await again.participations.entryCount(of: operation.id) == 2)
            let verification = try await again.evidence.verify()
            #expect(verification.isIntact)
            try await second.close()
        }
    }

    // SPEC K-8: the platform's list is agreed once; a later start with another configured list keeps
    // the recorded one (changes go through the 60-day announcement, P-4).
    @Test func theAgreedListIsKeptAcrossStarts() async throws {
        let clock = ManualClock(Fixture.setupAt)
        let storage = InMemoryStorage()
        let first = try await Fixture.open(storage, clock: clock)
        #expect(try await first.platform.initialList()?.map(\.name) == ["Microsoft Azure"])
        try await first.close()
        let moved = HostingSite(provider: "Other Cloud", country: "FR", activities: [.hosting])
        let second = try await Kimple.open(
            storage: storage, clock: clock, processor: Fixture.processor, hosting: [moved])
        #expect(try await second.platform.initialList()?.map(\.name) == ["Microsoft Azure"])
        // The gate sees the host is not agreed: processing is refused, not silently allowed.
        let brand = try await second.tenant("brand", identitySecret: try Fixture.secret(), instruction: "summer")
        #expect(try await brand.privacy.refreshSubProcessors() != nil)
        try await second.close()
    }

    // SPEC K-1, K-8: two tenants through one Kimple see nothing of each other: operations,
    // participations, evidence; the same person enters each brand's game on its own.
    @Test("two tenants through one Kimple see nothing of each other", arguments: Backend.allCases)
    func tenantsApart(_ backend: Backend) async throws {
        try await withTemporaryDirectory { root in
            let clock = ManualClock(Fixture.setupAt)
            let kimple = try await Opener(backend: backend, root: root).open(clock)
            let a = try await kimple.tenant("brand-a", identitySecret: try Fixture.secret(), instruction: "summer")
            let b = try await kimple.tenant(
                "brand-b", identitySecret: try Fixture.secret("another tenant's secret, 32 byte"), instruction: "summer"
            )
            try await Fixture.launch(Fixture.operation(tenant: "brand-a"), in: a)
            clock.set(Fixture.during)
            #expect(try await a.intake.submit(Fixture.submission("ada@example.com")).rejection == nil)

            #expect(try await b.operationStore.operation("summer-2026") == nil)
            #expect(try await b.participations.entryCount(of: "summer-2026") == 0)
            let refused = try await b.intake.submit(Fixture.submission("ada@example.com"))
            #expect(refused.rejection?.code == .participationUnknownOperation)
            var bActions: [String] = []
            try await b.evidence.forEachEntry { bActions.append($0.action) }
            #expect(bActions.allSatisfy { !$0.hasPrefix("games.") }, "tenant b's log holds \(bActions)")
            var aTenants: Set<TenantID> = []
            try await a.evidence.forEachEntry { aTenants.insert($0.tenant) }
            #expect(aTenants == ["brand-a"])

            try await Fixture.launch(Fixture.operation(tenant: "brand-b"), in: b)
            #expect(try await b.intake.submit(Fixture.submission("ada@example.com")).rejection == nil)
            #expect(try await kimple.storedTenants() == ["brand-a", "brand-b"])
            try await kimple.close()
        }
    }

    // SPEC K-8: tenants open lazily and are cached; one identity secret per tenant; reserved names;
    // nothing opens after close.
    @Test func tenantsAreCachedAndGuarded() async throws {
        let clock = ManualClock(Fixture.setupAt)
        let kimple = try await Fixture.open(InMemoryStorage(), clock: clock)
        #expect(kimple.openTenants.isEmpty)
        async let first = kimple.tenant("brand", identitySecret: try Fixture.secret(), instruction: "summer")
        async let second = kimple.tenant("brand", identitySecret: try Fixture.secret(), instruction: "summer")
        let (one, two) = try await (first, second)
        #expect(one === two)
        #expect(one.intake === two.intake)
        #expect(kimple.openTenants == ["brand"])
        await #expect {
            try await kimple.tenant(
                "brand", identitySecret: try Fixture.secret("a wrong secret of 32 bytes......"), instruction: "summer")
        } throws: { ($0 as? KimpleError)?.code == .kimpleTenantMismatch }
        await #expect {
            try await kimple.tenant("_platform", identitySecret: try Fixture.secret(), instruction: "x")
        } throws: { ($0 as? KimpleError)?.code == .kimpleTenantReserved }
        try await kimple.close()
        await #expect {
            try await kimple.tenant("other", identitySecret: try Fixture.secret(), instruction: "x")
        } throws: { ($0 as? KimpleError)?.code == .storageClosed }
    }

    // SPEC K-8, K-2: every store runs on the SDK's clock: a participation's time and a robot
    // event's time are the manual clock's, never the wall clock's.
    @Test func everyStoreRunsOnTheGivenClock() async throws {
        let clock = ManualClock(Fixture.setupAt)
        let kimple = try await Fixture.open(InMemoryStorage(), clock: clock)
        let brand = try await kimple.tenant("brand", identitySecret: try Fixture.secret(), instruction: "summer")
        try await Fixture.launch(Fixture.operation(tenant: "brand"), in: brand)
        clock.set(Fixture.during)
        guard case .accepted(let accepted) = try await brand.intake.submit(Fixture.submission("ada@example.com"))
        else {
            Issue.record("the participation was refused")
            return
        }
        #expect(try await brand.participations.entry(accepted.entry)?.draft.receivedAt == Fixture.during)
        var robot = Fixture.submission("bot@example.com")
        robot.context = SubmissionContext(source: "203.0.113.9", userAgent: "LoadRunner/12.0")
        #expect(try await brand.intake.submit(robot).rejection?.code.rawValue.hasPrefix("participation.robot") == true)
        try await kimple.close()  // flushes the buffered robot events
        let events = try await brand.robotEvents.events(
            from: Fixture.during.addingTimeInterval(-1), to: Fixture.during.addingTimeInterval(1))
        #expect(events.count == 1)
        #expect(events.first?.time == Fixture.during)
    }

    // SPEC K-8: opening needs a hosting site; a refused opening leaves the file store unlocked.
    @Test func aRefusedOpeningHoldsNothing() async throws {
        try await withTemporaryDirectory { root in
            let clock = ManualClock(Fixture.setupAt)
            await #expect {
                try await Kimple.open(
                    storage: try .file(at: root), clock: clock, processor: Fixture.processor, hosting: [])
            } throws: { ($0 as? KimpleError)?.code == .kimpleInvalidConfiguration }
            let bad = SubProcessor(
                recipient: TransferRecipient(name: "Host", country: "FR", role: .subProcessor), processing: "Hosting",
                guarantees: [])
            await #expect {
                try await Kimple.open(
                    storage: try .file(at: root), clock: clock, processor: Fixture.processor, hosting: [Fixture.site],
                    subProcessors: [bad])
            } throws: { ($0 as? KimpleError)?.code == .privacySubProcessorInvalid }
            let kimple = try await Fixture.open(try .file(at: root), clock: clock)  // not locked by the failures
            try await kimple.close()
        }
    }
}

@Suite("The backend conformance kit")
struct KimpleBackendConformanceTests {
    // SPEC K-8: the SDK's in-memory backend hands out every store the entry point needs, and each
    // passes its suite.
    @Test func inMemoryBackendIsComplete() async throws {
        let reports = try await KimpleBackendConformance.run({ InMemoryStorage() }, reopen: { $0 })
        #expect(reports.count == 11)
        #expect(reports.allSatisfy { $0.skipped.isEmpty }, "\(reports.flatMap(\.skipped))")
    }

    // SPEC K-8, K-7: the file backend too, restarts included (the reopen closes the directory's
    // locks and opens it again).
    @Test func fileBackendIsComplete() async throws {
        try await withTemporaryDirectory { root in
            let roots = Counter()
            let reports = try await KimpleBackendConformance.run(
                { try FileStorage(root: root.appendingPathComponent("b\(roots.next())")) },
                reopen: { backend in
                    guard let files = backend as? FileStorage else { throw KimpleError(.invalidArgument, "not files") }
                    files.close()
                    return try FileStorage(root: files.root)
                })
            #expect(reports.allSatisfy { $0.isPassing })
            #expect(reports.allSatisfy { $0.skipped.isEmpty }, "\(reports.flatMap(\.skipped))")
        }
    }

    // SPEC K-8: the kit fails a backend whose participation stores are new on each request (two
    // handles would each let the same person in), and names the check.
    @Test func theKitFailsAnIncompleteBackend() async throws {
        do {
            try await KimpleBackendConformance.run({ ForgetfulBackend() })
            Issue.record("a backend that forgets its participation stores passed")
        } catch let failures as ConformanceFailures {
            #expect(
                failures.failures.contains {
                    $0.check == "every store the entry point needs is handed out, the same each time"
                })
        }
    }
}

/// Numbers 1, 2, 3... for distinct directories.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}

/// A backend that gives a new participation store on every request: what the kit must refuse.
struct ForgetfulBackend: KimpleBackend {
    let base = InMemoryStorage()
    func recordLog(tenant: TenantID, name: StoreName) async throws -> any RecordLog {
        try await base.recordLog(tenant: tenant, name: name)
    }
    func documentStore(tenant: TenantID, name: StoreName) async throws -> any DocumentStore {
        try await base.documentStore(tenant: tenant, name: name)
    }
    func tenants() async throws -> [TenantID] { try await base.tenants() }
    func close() async throws {}
    func participationStore(_ storage: TenantStorage, clock: any Clock) async throws -> any ParticipationStore {
        InMemoryParticipationStore(tenant: storage.tenant, clock: clock)
    }
    func instantWinLedger(_ storage: TenantStorage) async throws -> any InstantWinLedger {
        try await base.instantWinLedger(storage)
    }
    func voteStore(_ storage: TenantStorage) async throws -> any VoteStore { try await base.voteStore(storage) }
}
