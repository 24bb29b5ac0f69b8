import Foundation
import Kimple
import KimpleAvailability
import KimpleCore
import KimpleGames
import KimplePrivacy
import Synchronization

/// One call that proves a ``Kimple/KimpleBackend`` complete (K-8, K-9): every store the entry point
/// needs is handed out, per tenant and the same each time, and every store passes its own suite —
/// ``StorageBackendConformance``, ``RecordLogConformance``, ``DocumentStoreConformance``,
/// ``ParticipationStoreConformance``, ``InstantWinLedgerConformance``, ``VoteStoreConformance``,
/// ``OperationStoreConformance``, ``RobotEventLogConformance``, ``AvailabilityStoreConformance`` and
/// ``ContractStorageConformance`` — on stores obtained from the backend, and `Kimple.open` runs a
/// tenant on it.
///
/// ```swift
/// @Test func myBackendRunsTheSDK() async throws {
///     try await KimpleBackendConformance.run(
///         { try await MyBackend.makeEmpty() }, reopen: { try await MyBackend.reopen($0) })
/// }
/// ```
///
/// Stores that take no tenant from their suite are asked for a random tenant, so a database
/// backend can return the same database every time.
public enum KimpleBackendConformance {
    /// Runs every suite; `makeEmptyBackend` must return a backend without data for the tenants the
    /// suites use (a new directory, a new schema). With `reopen` (which closes the backend given and
    /// opens it again on the same storage), every restart check runs too. Throws
    /// ``ConformanceFailures`` listing every failed check of every suite; returns one report per suite.
    @discardableResult
    public static func run(
        _ makeEmptyBackend: @escaping () async throws -> any KimpleBackend,
        reopen: ((any KimpleBackend) async throws -> any KimpleBackend)? = nil
    ) async throws -> [ConformanceReport] {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_780_000_000))
        // The backend and tenant each store came from, so that `reopen` on a store reopens its backend.
        let origins = Origins()

        func store<Store>(
            _ tenant: TenantID, _ open: (any KimpleBackend, TenantStorage) async throws -> Store
        ) async throws -> Store {
            let backend = try await makeEmptyBackend()
            origins.set(backend, tenant)
            return try await open(backend, backend.tenant(tenant))
        }
        func reopened<Store>(
            _ open: @escaping (any KimpleBackend, TenantStorage) async throws -> Store
        ) -> ((Store) async throws -> Store)? {
            guard let reopen else { return nil }
            return { _ in
                let (backend, tenant) = try origins.last()
                let again = try await reopen(backend)
                origins.set(again, tenant)
                return try await open(again, again.tenant(tenant))
            }
        }

        var reports: [ConformanceReport] = []
        reports.append(await entryPoint(makeEmptyBackend, reopen: reopen, clock: clock))
        reports.append(
            try await report {
                try await StorageBackendConformance.run({ try await makeEmptyBackend() }, reopen: reopen.map(erased))
            })
        let log: (any KimpleBackend, TenantStorage) async throws -> any RecordLog = {
            try await $1.recordLog("conformance")
        }
        reports.append(
            try await report {
                try await RecordLogConformance.run({ try await store(.random(), log) }, reopen: reopened(log))
            })
        let documents: (any KimpleBackend, TenantStorage) async throws -> any DocumentStore = {
            try await $1.documentStore("conformance")
        }
        reports.append(
            try await report {
                try await DocumentStoreConformance.run(
                    { try await store(.random(), documents) }, reopen: reopened(documents))
            })
        let participations: (any KimpleBackend, TenantStorage) async throws -> any ParticipationStore = {
            try await $0.participationStore($1, clock: clock)
        }
        reports.append(
            try await report {
                try await ParticipationStoreConformance.run(
                    { tenant in try await store(tenant, participations) }, reopen: reopened(participations))
            })
        let ledger: (any KimpleBackend, TenantStorage) async throws -> any InstantWinLedger = {
            try await $0.instantWinLedger($1)
        }
        reports.append(
            try await report {
                try await InstantWinLedgerConformance.run(
                    { try await store(.random(), ledger) }, reopen: reopened(ledger))
            })
        let votes: (any KimpleBackend, TenantStorage) async throws -> any VoteStore = { try await $0.voteStore($1) }
        reports.append(
            try await report {
                try await VoteStoreConformance.run({ try await store(.random(), votes) }, reopen: reopened(votes))
            })
        let operations: (any KimpleBackend, TenantStorage) async throws -> any OperationStore = {
            try await $0.operationStore($1)
        }
        reports.append(
            try await report {
                try await OperationStoreConformance.run(
                    { tenant in try await store(tenant, operations) }, reopen: reopened(operations))
            })
        let robots: (any KimpleBackend, TenantStorage) async throws -> any RobotEventLog = {
            try await RobotEventJournal.open($1, clock: clock)
        }
        reports.append(
            try await report {
                try await RobotEventLogConformance.run(
                    { tenant in try await store(tenant, robots) }, reopen: reopened(robots))
            })
        let availability: (any KimpleBackend, TenantStorage) async throws -> any AvailabilityStore = {
            try await $0.availabilityStore($1, calendar: .paris)
        }
        reports.append(
            try await report {
                try await AvailabilityStoreConformance.run(
                    { try await store("conformance", availability) }, reopen: reopened(availability))
            })
        reports.append(
            try await report {
                try await ContractStorageConformance.run({ try await makeEmptyBackend() }, reopen: reopen.map(erased))
            })
        let failures = reports.flatMap(\.failures)
        if !failures.isEmpty {
            throw ConformanceFailures(
                report: ConformanceReport(
                    suite: "KimpleBackend", passed: reports.flatMap(\.passed), failures: failures,
                    skipped: reports.flatMap(\.skipped)))
        }
        return reports
    }

    /// The checks of the backend as the entry point uses it: every store handed out, the same each
    /// time, and `Kimple.open` running a tenant on it (across a restart with `reopen`).
    private static func entryPoint(
        _ makeEmptyBackend: () async throws -> any KimpleBackend,
        reopen: ((any KimpleBackend) async throws -> any KimpleBackend)?, clock: ManualClock
    ) async -> ConformanceReport {
        var runner = ConformanceRunner(suite: "KimpleBackend")
        let r = runner

        await runner.check("every store the entry point needs is handed out, the same each time", rule: "K-8") {
            let backend = try await makeEmptyBackend()
            let storage = backend.tenant(.random())
            let first = try await backend.participationStore(storage, clock: clock)
            try r.expect(first.tenant == storage.tenant, "participations", "a store of tenant \(first.tenant)")
            let draft = EntryDraft(
                operation: "conformance-op", identity: IdentityKey(high: 1, low: 2), period: 0, receivedAt: clock.now,
                fields: [], consents: [])
            _ = try await first.insert(draft, maximumPerPeriod: 1)
            let second = try await backend.participationStore(storage, clock: clock)
            let again = try await second.insert(draft, maximumPerPeriod: 1)
            try r.expect(
                again == .limitReached(existing: 1), "participations",
                "a second handle let the same person in again: \(again)")
            _ = try await backend.instantWinLedger(storage)
            _ = try await backend.voteStore(storage)
            _ = try await backend.operationStore(storage)
            _ = try await backend.availabilityStore(storage, calendar: .paris)
        }

        await runner.check("Kimple opens a tenant on the backend, and again after a restart", rule: "K-8") {
            let backend = try await makeEmptyBackend()
            let tenant = TenantID.random()
            let secret = try IdentitySecret(Array("conformance identity secret, 32B".utf8))
            let kimple = try await Kimple.open(
                storage: backend, clock: clock, processor: processor, hosting: [site])
            let brand = try await kimple.tenant(tenant, identitySecret: secret, instruction: "conformance")
            try r.expect(
                brand.privacy.holders.names == ["games.robot_events", "games.participations"], "holders",
                "registered \(brand.privacy.holders.names)")
            _ = try await brand.evidence.record(.host("conformance"), action: "conformance.check", subject: "backend")
            try await kimple.close()
            guard let reopen else { return }
            let restarted = try await Kimple.open(
                storage: try await reopen(backend), clock: clock, processor: processor, hosting: [site])
            let again = try await restarted.tenant(tenant, identitySecret: secret, instruction: "conformance")
            let verification = try await again.evidence.verify()
            try r.expect(
                verification.isIntact && verification.entriesChecked == 1, "evidence",
                "after the restart: \(verification.entriesChecked) entries, intact \(verification.isIntact)")
            try await restarted.close()
        }
        return runner.report
    }

    static let processor = PartyProfile(name: "Processor", address: "France", contact: "privacy@processor.example")
    static let site = HostingSite(provider: "Host", country: "FR", activities: [.hosting, .collection])

    private static func erased(
        _ reopen: @escaping (any KimpleBackend) async throws -> any KimpleBackend
    ) -> (any StorageBackend) async throws -> any StorageBackend {
        { backend in
            guard let backend = backend as? any KimpleBackend else {
                throw KimpleError(.invalidArgument, "The conformance kit reopens only the backends it handed out.")
            }
            return try await reopen(backend)
        }
    }

    private static func report(_ body: () async throws -> ConformanceReport) async throws -> ConformanceReport {
        do {
            return try await body()
        } catch let failures as ConformanceFailures {
            return failures.report
        }
    }

    /// The last backend and tenant a store came from.
    private final class Origins: Sendable {
        private let state = Mutex<(any KimpleBackend, TenantID)?>(nil)

        func set(_ backend: any KimpleBackend, _ tenant: TenantID) { state.withLock { $0 = (backend, tenant) } }

        func last() throws -> (any KimpleBackend, TenantID) {
            guard let last = state.withLock({ $0 }) else {
                throw KimpleError(.invalidArgument, "A store is reopened before any was made.")
            }
            return last
        }
    }
}
