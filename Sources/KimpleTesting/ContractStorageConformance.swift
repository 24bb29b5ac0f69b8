import Foundation
import KimpleContracts
import KimpleCore

/// The checks a ``KimpleCore/StorageBackend`` must pass to hold the contracts of `KimpleContracts`: the
/// guarantees the ``KimpleContracts/ContractService`` builds on its document store's atomic commits
/// (gap-free invoice numbers, each month invoiced once, payments that never exceed an invoice, nothing
/// written by a refused action, state that a new service on the same backend finds again).
///
/// The SDK's `InMemoryStorage` and `FileStorage` pass them; a host that plugs its own backend (a
/// PostgreSQL document store, say) runs them too, after ``DocumentStoreConformance``.
public enum ContractStorageConformance {
    /// Runs every check; `makeEmptyBackend` is called once per check and must return a backend without
    /// data. With `reopen` (which closes the backend given and opens it again on the same storage),
    /// the restart check runs too. Throws ``ConformanceFailures`` listing every failed check.
    @discardableResult
    public static func run(
        _ makeEmptyBackend: () async throws -> any StorageBackend,
        reopen: ((any StorageBackend) async throws -> any StorageBackend)? = nil
    ) async throws
        -> ConformanceReport
    {
        var runner = ConformanceRunner(suite: "ContractStorage")
        let r = runner
        let host = Principal.host("conformance")

        await runner.check("an accepted quote creates exactly one contract", rule: "C-1") {
            let world = try await World(backend: makeEmptyBackend())
            let quote = try await world.service.createQuote(try world.content(), by: host)
            _ = try await world.service.signQuote(quote.id, as: .client, signatory: world.signatory, by: host)
            try r.expect(try await world.service.contracts().isEmpty, "acceptance", "one signature created a contract")
            _ = try await world.service.signQuote(quote.id, as: .provider, signatory: world.signatory, by: host)
            let contracts = try await world.service.contracts()
            try r.expect(contracts.count == 1, "acceptance", "\(contracts.count) contracts")
            try r.expect(
                try await world.service.quote(quote.id).contractID == contracts.first?.id, "acceptance",
                "the quote does not name its contract")
        }

        await runner.check("invoice numbers have no gaps under concurrent schedulers", rule: "C-3") {
            let world = try await World(backend: makeEmptyBackend())
            for _ in 0..<4 { _ = try await world.signedContract() }
            world.clock.set(try world.noon("2026-03-01"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { _ = try await world.service.runDueTasks(by: host) } }
                try await group.waitForAll()
            }
            let invoices = try await world.service.invoices()
            try r.expect(
                invoices.map(\.number.sequence) == Array(1...12), "numbering",
                "numbers \(invoices.map(\.number.sequence))")
            var months = Set<String>()
            for invoice in invoices {
                guard case .month(let month) = invoice.subject else { continue }
                try r.expect(
                    months.insert("\(invoice.contractID)/\(month.index)").inserted, "numbering",
                    "month \(month.index) of \(invoice.contractID) invoiced twice")
            }
        }

        await runner.check("a refused action writes nothing and consumes no number", rule: "C-3") {
            let world = try await World(backend: makeEmptyBackend())
            let contract = try await world.signedContract()
            world.clock.set(try world.noon("2026-01-01"))
            _ = try await world.service.runDueTasks(by: host)
            world.clock.set(try world.noon("2026-01-15"))
            try await r.expectError(.contractAccelerationNotAllowed, "refusal") {
                _ = try await world.service.accelerate(contract.id, by: host)
            }
            let email = Notice(
                kind: .nonRenewal, from: .client, channel: .email, sentOn: try CivilDate("2026-01-15"),
                firstPresentedOn: try CivilDate("2026-01-15"))
            try await r.expectError(.contractNoticeChannelNotAllowed, "refusal") {
                _ = try await world.service.giveNonRenewal(contract.id, notice: email, by: host)
            }
            try r.expect(
                try await world.service.contract(contract.id).nonRenewal == nil, "refusal",
                "a refused notice was stored")
            world.clock.set(try world.noon("2026-02-01"))
            let next = try await world.service.runDueTasks(by: host).invoices.map(\.number.sequence)
            try r.expect(next == [2], "refusal", "the next invoice got number \(next)")
        }

        await runner.check("concurrent payments never exceed an invoice", rule: "C-3") {
            let world = try await World(backend: makeEmptyBackend())
            _ = try await world.signedContract()
            world.clock.set(try world.noon("2026-01-01"))
            let invoice = try await world.service.runDueTasks(by: host).invoices.first
            guard let invoice else {
                throw r.failure("payments", "no invoice")
            }
            // 1,000.00 + 20 % VAT = 1,200.00: six payments of 200.00 fit, the other four are refused.
            let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        do {
                            _ = try await world.service.recordPayment(
                                invoice.number, amount: Money(cents: 20_000), receivedOn: try CivilDate("2026-01-01"),
                                by: host)
                            return true
                        } catch let error as KimpleError where error.code == .contractPaymentExceedsBalance {
                            return false
                        }
                    }
                }
                var count = 0
                for try await ok in group where ok { count += 1 }
                return count
            }
            try r.expect(accepted == 6, "payments", "\(accepted) payments of 200.00 accepted on 1,200.00")
            let stored = try await world.service.invoice(invoice.number)
            try r.expect(stored.isPaid && stored.payments.count == 6, "payments", "balance \(stored.balance)")
        }

        await runner.check("a new service on the same backend finds everything again", rule: "K-6") {
            let backend = try await makeEmptyBackend()
            let world = try await World(backend: backend)
            let contract = try await world.signedContract()
            world.clock.set(try world.noon("2026-02-01"))
            _ = try await world.service.runDueTasks(by: host)
            let again = try await ContractService(
                storage: backend.tenant(World.tenant), clock: world.clock,
                configuration: .init(loginPolicy: LoginPolicy(iterations: 1)))
            try r.expect(
                try await again.contract(contract.id).invoicedMonths == 2, "reopen", "the contract was not found again")
            world.clock.set(try world.noon("2026-03-01"))
            let next = try await again.runDueTasks(by: host).invoices.map(\.number.sequence)
            try r.expect(next == [3], "reopen", "numbering restarted at \(next)")
        }

        await runner.check(
            "after a restart contracts, invoices and payments read back and numbering goes on", rule: "K-7",
            needs: reopen
        ) { reopen in
            let backend = try await makeEmptyBackend()
            let world = try await World(backend: backend)
            let contract = try await world.signedContract()
            world.clock.set(try world.noon("2026-02-01"))
            let invoices = try await world.service.runDueTasks(by: host).invoices
            guard let first = invoices.first else { throw r.failure("invoices", "no invoice") }
            _ = try await world.service.recordPayment(
                first.number, amount: Money(cents: 20_000), receivedOn: try CivilDate("2026-02-01"), by: host)
            let before = try await world.service.invoices()
            let reopened = try await reopen(backend)
            let again = try await ContractService(
                storage: reopened.tenant(World.tenant), clock: world.clock,
                configuration: .init(loginPolicy: LoginPolicy(iterations: 1)))
            try r.expect(
                try await again.contract(contract.id).invoicedMonths == 2, "contract",
                "the contract's invoiced months were not found again")
            let after = try await again.invoices()
            try r.expect(
                after == before, "invoices",
                "read invoices \(after.map(\.number.sequence)) that differ from \(before.map(\.number.sequence))")
            world.clock.set(try world.noon("2026-03-01"))
            let next = try await again.runDueTasks(by: host).invoices.map(\.number.sequence)
            try r.expect(next == [3], "numbering", "the next invoice after the restart got number \(next)")
        }
        return try runner.finish()
    }

    /// A service on a manual clock and one contract template.
    private struct World: Sendable {
        static let tenant: TenantID = "conformance"
        let clock: ManualClock
        let service: ContractService
        let signatory: Signatory

        init(backend: any StorageBackend) async throws {
            clock = ManualClock(FrenchCalendar.paris.instant(try CivilDate("2025-12-01"), try LocalTime(hour: 12)))
            service = try await ContractService(
                storage: backend.tenant(Self.tenant), clock: clock,
                configuration: .init(loginPolicy: LoginPolicy(iterations: 1)))
            signatory = try Signatory(name: "Signataire", capacity: "Gérant")
        }

        func noon(_ day: String) throws -> Date {
            FrenchCalendar.paris.instant(try CivilDate(day), try LocalTime(hour: 12))
        }

        /// A year from 1 January 2026, one licence line of 1,000.00 EUR a month, 30 days to pay.
        func content() throws -> QuoteContent {
            QuoteContent(
                purpose: .newContract(ContractPlan(start: try CivilDate("2026-01-01"), months: 12)),
                provider: try Party(legalName: "Cassiop SAS", address: "Roubaix"),
                client: try Party(legalName: "Client SA", address: "Paris"),
                lines: [
                    ServiceLine(
                        id: "licence", kind: .licenceSubscription, label: "Licence",
                        unitPrice: Money(cents: 100_000), billing: .monthly)
                ], territory: try LicenceTerritory(countries: ["FR"]), paymentTerms: PaymentTerms(daysToPay: 30))
        }

        func signedContract() async throws -> Contract {
            let host = Principal.host("conformance")
            let quote = try await service.createQuote(try content(), by: host)
            _ = try await service.signQuote(quote.id, as: .client, signatory: signatory, by: host)
            guard
                let contract = try await service.signQuote(quote.id, as: .provider, signatory: signatory, by: host)
                    .contract
            else {
                throw ConformanceExpectation(label: "setup", message: "two signatures did not create a contract")
            }
            return contract
        }
    }
}
