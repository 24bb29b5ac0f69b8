import Foundation
import KimpleContracts
import KimpleCore
import KimpleTesting

/// Bench suite `contracts`: a year of monthly invoices with late interest for 10,000 contracts, with the
/// pure rules alone, then through the contract service (one tenant per contract, in memory and on file).
///
/// `KIMPLE_BENCH_CONTRACTS` sets the number of contracts (10,000 by default).
func runContractsBenchmarks() async throws {
    let contracts = ProcessInfo.processInfo.environment["KIMPLE_BENCH_CONTRACTS"].flatMap(Int.init) ?? 10_000
    try ContractsBench.pureRules(contracts: contracts)
    try await ContractsBench.service(contracts: contracts, onFile: false)
    try await ContractsBench.service(contracts: min(contracts, 2_000), onFile: true)
}

enum ContractsBench {
    static let rates = LegalInterestRateTable.professionalCreditor

    /// A contract starting in 2025 (on day `i % 28` of January), two monthly lines and a one-off line,
    /// a 10 % discount for one contract in three, 30 days to pay.
    static func content(_ i: Int) throws -> QuoteContent {
        let lines = [
            ServiceLine(
                id: "licence", kind: .licenceSubscription, label: "Licence Kimple", code: "kimple-licence",
                unitPrice: Money(cents: 50_000 + Int64(i % 50) * 1_000), billing: .monthly),
            ServiceLine(
                id: "operations", kind: .operations, label: "Opérations", quantity: 1 + i % 3,
                unitPrice: Money(cents: 12_345), billing: .monthly),
            ServiceLine(
                id: "setup", kind: .graphicCreation, label: "Création graphique", unitPrice: Money(cents: 150_000),
                billing: .once),
        ]
        return QuoteContent(
            purpose: .newContract(ContractPlan(start: CivilDate(daysSinceEpoch: 20_089 + Int64(i % 28)), months: 12)),
            provider: try Party(legalName: "Cassiop SAS", address: "Roubaix"),
            client: try Party(legalName: "Client \(i)", address: "Paris"), lines: lines,
            discount: i % 3 == 0 ? Discount(rate: Percent(10)) : nil,
            territory: try LicenceTerritory(countries: ["FR"]), paymentTerms: PaymentTerms(daysToPay: 30))
    }

    /// How invoice `month` of contract `i` is paid: on time for one contract in four, else `delay` days
    /// late (1 to 89), in two halves for one contract in five (the first half on the due date).
    static func payments(_ i: Int, month: Int, due: CivilDate, total: Money) -> [(receivedOn: CivilDate, amount: Money)]
    {
        guard i % 4 != 0 else { return [(due, total)] }
        let delay = 1 + (i * 7 + month * 13) % 89
        if i % 5 == 0 {
            let half = Money(cents: total.cents / 2)
            return [(due, half), (due.adding(days: delay), Money(cents: total.cents - half.cents))]
        }
        return [(due.adding(days: delay), total)]
    }

    /// The rules alone: schedule, pricing with VAT per rate, due dates, late interest breakdowns and
    /// indemnities.
    static func pureRules(contracts: Int) throws {
        let provider = try Party(legalName: "Cassiop SAS", address: "Roubaix")
        var invoices = 0
        var lateInvoices = 0
        var interest = Money(cents: 0)
        var segments = 0
        let statementDay = try CivilDate("2026-06-30")
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<contracts {
            let content = try content(i)
            guard case .newContract(let plan) = content.purpose else { continue }
            let schedule = try ContractSchedule(start: plan.start, periodMonths: plan.months)
            let terms = ContractTerms(quote: content)
            var billed = Set<ServiceLineID>()
            for month in schedule.billingMonths(inPeriod: 0) {
                let lines = try InvoicePricing.lines(for: month, terms: terms, alreadyBilled: billed)
                billed.insert("setup")
                let totals = try InvoicePricing.totals(of: lines)
                let due = terms.paymentTerms.dueDate(issuedOn: month.first)
                let invoice = Invoice(
                    number: InvoiceNumber(sequence: invoices + 1, prefix: "F-"), contractID: "bench",
                    subject: .month(month), provider: provider, client: terms.client, issuedOn: month.first,
                    dueDate: due, paymentTerms: terms.paymentTerms, lines: lines, totals: totals,
                    payments: payments(i, month: month.index, due: due, total: totals.totalAmount).map {
                        Payment(
                            amount: $0.amount, receivedOn: $0.receivedOn, recordedAt: Date(timeIntervalSince1970: 0))
                    })
                let statement = try LateChargesStatement.compute(
                    invoice: invoice, asOf: statementDay, rates: rates, indemnity: .legal)
                invoices += 1
                if statement.isLate { lateInvoices += 1 }
                segments += statement.interest.segments.count
                interest = try interest + statement.interest.interest
            }
        }
        let seconds = Bench.seconds(clock.now - start)
        Bench.report(
            "contracts, pure rules: \(contracts) contracts x 12 monthly invoices priced with late interest",
            operations: invoices, seconds: seconds, unit: "invoices")
        print("  \(lateInvoices) late invoices, \(segments) interest segments, interest \(interest.formatted(.plain))")
    }

    /// Through the service: per contract (one tenant each), the quote signed by both parties, twelve monthly
    /// runs of the scheduler issuing the invoices, the payments recorded and the account with late charges.
    static func service(contracts: Int, onFile: Bool) async throws {
        try await Bench.inTemporaryDirectory { directory in
            let fileStorage = onFile ? try FileStorage(root: directory, options: .init(durability: .grouped)) : nil
            defer { fileStorage?.close() }
            let backend: any StorageBackend = fileStorage ?? InMemoryStorage()
            let workers = 4
            let seconds = try await Bench.time {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<workers {
                        group.addTask {
                            for i in stride(from: worker, to: contracts, by: workers) {
                                try await oneTenant(i, backend: backend)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            Bench.report(
                "contracts, service (\(onFile ? "file, grouped fsync" : "in memory")): \(contracts) contracts, "
                    + "quote + 12 monthly runs + 12 payments + account",
                operations: contracts * 12, seconds: seconds, unit: "invoices")
        }
    }

    static func oneTenant(_ i: Int, backend: any StorageBackend) async throws {
        let calendar = FrenchCalendar.paris
        let noon = try LocalTime(hour: 12)
        let content = try content(i)
        guard case .newContract(let plan) = content.purpose else { return }
        let clock = ManualClock(calendar.instant(plan.start.adding(days: -10), noon))
        let service = try await ContractService(
            storage: backend.tenant(try TenantID("client-\(i)")), clock: clock,
            configuration: .init(loginPolicy: LoginPolicy(iterations: 1)))
        let host = Principal.host("bench")
        let quote = try await service.createQuote(content, by: host)
        let signatory = try Signatory(name: "Signataire", capacity: "Gérant")
        _ = try await service.signQuote(quote.id, as: .client, signatory: signatory, by: host)
        let contract = try await service.signQuote(quote.id, as: .provider, signatory: signatory, by: host).contract
        let schedule = try ContractSchedule(start: plan.start, periodMonths: plan.months)
        var issued: [Invoice] = []
        for month in schedule.billingMonths(inPeriod: 0) {
            clock.set(calendar.instant(month.first, noon))
            issued += try await service.runDueTasks(by: host).invoices
        }
        clock.set(calendar.instant(try CivilDate("2026-06-30"), noon))
        for invoice in issued {
            guard case .month(let month) = invoice.subject else { continue }
            for payment in payments(i, month: month.index, due: invoice.dueDate, total: invoice.totals.totalAmount) {
                try await service.recordPayment(
                    invoice.number, amount: payment.amount, receivedOn: payment.receivedOn, by: host)
            }
        }
        if let contract { _ = try await service.account(of: contract.id) }
    }
}
