import Foundation
import KimpleCore

/// What ``ContractService/runDueTasks(by:)`` did.
public struct DueTasksReport: Sendable {
    /// One renewal of one contract, with its pricing breakdown.
    public struct Renewal: Sendable {
        /// The contract renewed.
        public var contract: ContractID
        /// How its lines were priced (C-2).
        public var pricing: RenewalPricing
    }

    /// The renewals made.
    public var renewals: [Renewal] = []
    /// The invoices issued, in number order.
    public var invoices: [Invoice] = []
    /// The contracts that ended.
    public var ended: [ContractID] = []
    /// The contracts whose end was published to the listeners.
    public var published: [ContractID] = []
    /// The contracts whose end a listener refused, with the error (retried at the next run).
    public var publicationFailures: [ContractID: String] = [:]

    /// A contract the run could not bring up to date (SPEC C-3): nothing of it was changed by the run, and
    /// the next run tries again.
    public struct Failure: Sendable, Hashable {
        /// The contract.
        public var contract: ContractID
        /// The stable code of the error (`contract.amount.too_large`, `contract.amendment.invalid`...).
        public var code: KimpleError.Code
        /// What went wrong and what to do, with the error's context.
        public var message: String
    }

    /// The contracts that could not be renewed, invoiced or ended, by contract id: the run went on with
    /// the others.
    public var failures: [Failure] = []
}

/// The account of one contract on a day: every invoice that is unpaid or was paid late, with its late
/// charges (C-4).
public struct ContractAccount: Sendable, Hashable {
    /// The contract.
    public var contract: ContractID
    /// The day of the statement.
    public var asOf: CivilDate
    /// The statements of the invoices with something owed or that were late, in number order.
    public var statements: [LateChargesStatement]
    /// The invoices overdue on `asOf` (past their due date with a balance left).
    public var overdue: [InvoiceNumber]
    /// Everything owed: balances, interest and indemnities.
    public var totalOwed: Money

    /// Whether everything is paid, interest and indemnities included.
    public var isSettled: Bool { totalOwed.cents <= 0 }
}

extension ContractService {
    // MARK: - The clock (C-2, C-3, C-5, C-7)

    /// Does what the clock makes due for every contract of the tenant, idempotently:
    ///
    /// 1. ends a contract whose non-renewal takes effect (its last day is over) and settles it (C-7);
    /// 2. renews a contract whose next period has started (C-2): prices from the price list with the
    ///    notification rule, discount dropped;
    /// 3. issues the invoice of every billing month that has started and is not invoiced yet (C-3), dated
    ///    today, due by the payment terms; each month once, numbers without gaps;
    /// 4. tells the ``KimpleCore/ContractEndListener``s about every end not yet published (P-10), retrying
    ///    those that failed before (a listener may be told more than once and must be idempotent).
    ///
    /// Each contract is brought up to date in its own atomic commit. A contract that cannot be (an amount
    /// above ``InvoicePricing/maximumInvoiceAmount``, terms a renewal cannot apply, a damaged document) is
    /// left unchanged and reported in ``DueTasksReport/failures`` with its id and code; the run goes on with
    /// the others (SPEC C-3). Throws the errors of the store itself (`storage.io`, `storage.full`...), which
    /// concern every contract; a listener's failure is reported, not thrown.
    @discardableResult
    public func runDueTasks(by principal: Principal = .system("contracts.scheduler")) async throws -> DueTasksReport {
        try await authorize(principal)
        var report = DueTasksReport()
        let priceList = try await priceList()
        for document in try await store.documents(withPrefix: "contract/") {
            let change: DueChange
            do {
                change = try await dueChange(of: document, priceList: priceList, by: principal)
            } catch let error as KimpleError where error.code.domain != "storage" || error.code == .storageCorrupted {
                // SPEC C-3: one contract that cannot be brought up to date never stops the others' billing;
                // its commit did not happen, so nothing of it changed.
                guard let id = ContractID(rawValue: String(document.key.dropFirst("contract/".count))) else {
                    throw error
                }
                report.failures.append(.init(contract: id, code: error.code, message: error.description))
                continue
            }
            let id = change.contract.id
            for pricing in change.result.renewals {
                report.renewals.append(.init(contract: id, pricing: pricing))
                try await log(
                    principal, "contract.renewed", "contract:\(id.rawValue)", "period \(pricing.periodIndex)",
                    payload: pricing)
            }
            try await logInvoices(change.invoices, json: change.invoiceJSON, principal)
            report.invoices += change.invoices
            if change.result.endedNow {
                report.ended.append(id)
                try await log(principal, "contract.ended", "contract:\(id.rawValue)", payload: change.contract.end)
            }
            if let end = change.contract.end, !end.published {
                if let failure = await publishEnd(of: change.contract, by: principal) {
                    report.publicationFailures[id] = failure
                } else {
                    report.published.append(id)
                }
            }
        }
        report.invoices.sort { $0.number < $1.number }
        return report
    }

    /// What ``dueChange(of:priceList:by:)`` committed for one contract.
    typealias DueChange = (
        contract: Contract, invoices: [Invoice], invoiceJSON: [Data],
        result: (renewals: [RenewalPricing], endedNow: Bool)
    )

    /// Brings the contract stored in `document` up to date in one atomic commit: its end, its renewals, its
    /// invoices. Throws before committing anything when one of them cannot be done.
    private func dueChange(
        of document: Document, priceList: PriceList, by principal: Principal
    ) async throws -> DueChange {
        let stored = Stored(
            value: try JSONCoding.decode(Contract.self, from: document.value, key: document.key),
            version: document.version)
        let now = clock.now
        let today = configuration.calendar.civilDate(of: now)
        return try await changeContract(stored.value.id, preloaded: stored) {
            contract, effects -> (renewals: [RenewalPricing], endedNow: Bool) in
            var endedNow = false
            if contract.end == nil, let decision = contract.nonRenewal, today > decision.lastDay {
                let settlement = TerminationSettlement.settle(
                    ground: .nonRenewal(by: decision.from), lastDay: decision.lastDay,
                    effectiveEnd: self.configuration.calendar.endOfDay(decision.lastDay),
                    schedule: contract.schedule,
                    invoicedMonths: contract.invoicedMonths)
                contract.end = ContractEnd(settlement: settlement, recordedAt: now, published: false)
                contract.suspension = nil
                contract.record(
                    "contract.ended", "not renewed by the \(decision.from.rawValue); last day \(decision.lastDay)",
                    by: principal, at: now)
                endedNow = true
            }
            let renewals = try self.applyDueRenewals(
                &contract, today: today, priceList: priceList, by: principal, at: now)
            let lastMonth = contract.end?.settlement.lastBilledMonth ?? Int.max
            while contract.invoicedMonths <= lastMonth {
                let month = contract.schedule.billingMonth(contract.invoicedMonths)
                guard month.first <= today, month.periodIndex < contract.startedPeriods else { break }
                try self.invoiceNextMonth(&contract, &effects, issuedOn: today)
            }
            return (renewals, endedNow)
        }
    }

    /// Tells every listener that `contract` ended, then marks the end published. Returns the failure, if any.
    func publishEnd(of contract: Contract, by principal: Principal) async -> String? {
        guard let end = contract.end else { return nil }
        do {
            for listener in endListeners {
                try await listener.contractEnded(
                    tenant: tenant, contract: contract.id.rawValue, effectiveEnd: end.settlement.effectiveEnd)
            }
            let now = clock.now
            _ = try await changeContract(contract.id) { contract, _ in
                guard contract.end?.published == false else { return }
                contract.end?.published = true
                contract.record(
                    "contract.end.published", "effective end \(ISO8601.string(end.settlement.effectiveEnd))",
                    by: principal, at: now)
            }
            try await log(
                principal, "contract.end.published", "contract:\(contract.id.rawValue)",
                ISO8601.string(end.settlement.effectiveEnd))
            return nil
        } catch {
            return "\(error)"
        }
    }

    // MARK: - Invoices and payments (C-3, C-4)

    /// Every invoice of the tenant, or of one contract, in number order.
    public func invoices(of contract: ContractID? = nil) async throws -> [Invoice] {
        try await storedInvoices(of: contract).map(\.value)
    }

    /// The invoice `number`; throws `contract.invoice.not_found`.
    public func invoice(_ number: InvoiceNumber) async throws -> Invoice {
        try await loadInvoice(number.sequence).value
    }

    func storedInvoices(of contract: ContractID?) async throws -> [Stored<Invoice>] {
        try await store.documents(withPrefix: "invoice/").compactMap { document in
            let invoice = try JSONCoding.decode(Invoice.self, from: document.value, key: document.key)
            guard contract == nil || invoice.contractID == contract else { return nil }
            return Stored(value: invoice, version: document.version)
        }
    }

    /// Records a payment received for invoice `number` (C-4). A payment of the principal lowers the
    /// invoice's balance (interest stops on the paid part from the next day); a payment of the late charges
    /// pays its interest and recovery indemnity. When the contract's services are suspended and this payment
    /// settles everything owed under the contract — interest and indemnities included — the suspension is
    /// lifted (§4 (ii): "jusqu'à complet paiement").
    ///
    /// Throws `contract.invoice.not_found`; `contract.payment.invalid` for an amount that is not positive or
    /// not in EUR, or a date before the invoice's issue or after today; `contract.payment.exceeds_balance`
    /// for more than the balance (principal) or than the late charges owed on `receivedOn` (late charges);
    /// `contract.interest.rate_unknown` when the late charges need a rate the table lacks.
    ///
    /// With a `reference` (the bank's), the call is idempotent: recording again a payment with the same
    /// reference, amount, day and imputation changes nothing and returns the invoice; the same reference
    /// with other values throws `contract.payment.invalid`.
    @discardableResult
    public func recordPayment(
        _ number: InvoiceNumber, amount: Money, receivedOn: CivilDate, imputation: PaymentImputation = .principal,
        method: PaymentMethod = .bankTransfer, reference: String? = nil, by principal: Principal
    ) async throws -> Invoice {
        try await authorize(principal)
        guard amount.currency == .eur, amount.cents > 0 else {
            throw KimpleError(
                .contractPaymentInvalid, "A payment is a positive amount in euros.",
                context: ["amount": amount.description])
        }
        let now = clock.now
        let today = configuration.calendar.civilDate(of: now)
        for _ in 0..<Self.maximumAttempts {
            let stored = try await loadInvoice(number.sequence)
            var invoice = stored.value
            if let reference, let existing = invoice.payments.first(where: { $0.reference == reference }) {
                // A retried call (after a lost answer, say) records nothing twice.
                guard existing.amount == amount, existing.receivedOn == receivedOn, existing.imputation == imputation
                else {
                    throw KimpleError(
                        .contractPaymentInvalid, "This bank reference was already recorded for another payment.",
                        context: ["invoice": number.text, "reference": String(reference.prefix(64))])
                }
                return invoice
            }
            guard receivedOn >= invoice.issuedOn, receivedOn <= today else {
                throw KimpleError(
                    .contractPaymentInvalid, "A payment is dated between the invoice's issue date and today.",
                    context: ["invoice": number.text, "receivedOn": receivedOn.description])
            }
            switch imputation {
            case .principal:
                guard amount <= invoice.balance else {
                    throw KimpleError(
                        .contractPaymentExceedsBalance,
                        "The payment is larger than the invoice's balance of \(invoice.balance); record the rest "
                            + "against the late charges or another invoice.",
                        context: ["invoice": number.text, "balance": invoice.balance.description])
                }
            case .lateCharges:
                let statement = try LateChargesStatement.compute(
                    invoice: invoice, asOf: receivedOn, rates: interestRates, indemnity: configuration.recoveryIndemnity
                )
                guard amount <= statement.lateChargesBalance else {
                    throw KimpleError(
                        .contractPaymentExceedsBalance,
                        "The payment is larger than the late charges of \(statement.lateChargesBalance) owed on \(receivedOn).",
                        context: ["invoice": number.text, "owed": statement.lateChargesBalance.description])
                }
            }
            invoice.payments.append(
                Payment(
                    amount: amount, receivedOn: receivedOn, imputation: imputation, method: method,
                    reference: reference,
                    recordedAt: now))
            do {
                try await store.replace(
                    Self.invoiceKey(number.sequence), expectedVersion: stored.version, with: JSONCoding.encode(invoice))
            } catch let error as KimpleError where error.code == .storageConflict {
                // Another writer committed first: let it run, then read again.
                await Task.yield()
                continue
            }
            try await log(
                principal, "contract.payment.recorded", "invoice:\(number.text)",
                "\(amount) received \(receivedOn) for the \(imputation.rawValue); balance \(invoice.balance)",
                payload: invoice.payments.last)
            try await liftSuspensionIfSettled(invoice.contractID, by: principal)
            return invoice
        }
        throw KimpleError(.contractConflict, "The invoice kept changing; try again.", context: ["invoice": number.text])
    }

    /// The late charges of invoice `number` on `asOf` (today by default): balance, late interest with its
    /// breakdown, recovery indemnity (C-4). Throws `contract.invoice.not_found`,
    /// `contract.interest.rate_unknown`.
    public func lateChargesStatement(
        _ number: InvoiceNumber, asOf: CivilDate? = nil
    ) async throws
        -> LateChargesStatement
    {
        try LateChargesStatement.compute(
            invoice: try await invoice(number), asOf: asOf ?? today, rates: interestRates,
            indemnity: configuration.recoveryIndemnity)
    }

    /// The account of contract `id` on `asOf` (today by default). Throws `contract.not_found`,
    /// `contract.interest.rate_unknown`.
    public func account(of id: ContractID, asOf: CivilDate? = nil) async throws -> ContractAccount {
        _ = try await loadContract(id)
        return try account(of: id, invoices: try await invoices(of: id), asOf: asOf ?? today)
    }

    func account(of id: ContractID, invoices: [Invoice], asOf: CivilDate) throws -> ContractAccount {
        let rates = interestRates
        var statements: [LateChargesStatement] = []
        var total = Money(cents: 0)
        for invoice in invoices where invoice.issuedOn <= asOf {
            let statement = try LateChargesStatement.compute(
                invoice: invoice, asOf: asOf, rates: rates, indemnity: configuration.recoveryIndemnity)
            if statement.totalOwed.cents != 0 || statement.isLate {
                statements.append(statement)
                total = try total + statement.totalOwed
            }
        }
        return ContractAccount(
            contract: id, asOf: asOf, statements: statements,
            overdue: invoices.filter { $0.isOverdue(on: asOf) }.map(\.number), totalOwed: total)
    }

    // MARK: - Suspension and acceleration (C-4, §4 (ii), (iv))

    /// Suspends the services of contract `id` for non-payment (§4 (ii)): allowed while an invoice is overdue.
    /// The reason is recorded with the overdue invoices. Suspending a suspended contract changes nothing.
    ///
    /// Throws `contract.suspension.not_allowed` when no invoice is overdue, `contract.ended`.
    @discardableResult
    public func suspendServices(_ id: ContractID, reason: String, by principal: Principal) async throws -> Contract {
        try await authorize(principal)
        let now = clock.now
        let today = configuration.calendar.civilDate(of: now)
        let change = try await changeContract(id) { contract, effects -> String? in
            try self.requireInForce(contract, at: now)
            guard contract.suspension == nil else { return nil }
            let overdue = try await self.storedInvoices(of: id).filter { $0.value.isOverdue(on: today) }
            guard !overdue.isEmpty else {
                throw KimpleError(
                    .contractSuspensionNotAllowed,
                    "Services can be suspended only while an invoice is overdue (§4 (ii)).",
                    context: ["contract": id.rawValue])
            }
            // The overdue invoices are rewritten unchanged: the commit fails if a payment lands meanwhile.
            effects.replacedInvoices = overdue
            let detail = "\(reason); overdue: \(overdue.map(\.value.number.text).joined(separator: ", "))"
            contract.suspension = Suspension(since: now, reason: detail, by: principal)
            contract.record("contract.suspended", detail, by: principal, at: now)
            return detail
        }
        if let detail = change.result {
            try await log(principal, "contract.suspended", "contract:\(id.rawValue)", detail)
        }
        return change.contract
    }

    /// Lifts the suspension of contract `id` with `reason`. Throws `contract.suspension.not_suspended`.
    @discardableResult
    public func liftSuspension(_ id: ContractID, reason: String, by principal: Principal) async throws -> Contract {
        try await authorize(principal)
        let now = clock.now
        let change = try await changeContract(id) { contract, _ in
            guard contract.suspension != nil else {
                throw KimpleError(
                    .contractNotSuspended, "The contract's services are not suspended.",
                    context: ["contract": id.rawValue])
            }
            contract.suspension = nil
            contract.record("contract.suspension.lifted", reason, by: principal, at: now)
        }
        try await log(principal, "contract.suspension.lifted", "contract:\(id.rawValue)", reason)
        return change.contract
    }

    /// Lifts the suspension when everything owed under the contract is paid.
    func liftSuspensionIfSettled(_ id: ContractID, by principal: Principal) async throws {
        // Most payments concern a contract that is not suspended: read only that field first.
        struct SuspensionProbe: Decodable { var suspension: Suspension? }
        guard let document = try await store.get(Self.contractKey(id)),
            try JSONCoding.decode(SuspensionProbe.self, from: document.value, key: document.key).suspension != nil
        else { return }
        let now = clock.now
        let today = configuration.calendar.civilDate(of: now)
        let change = try await changeContract(id) { contract, _ -> Bool in
            guard contract.suspension != nil else { return false }
            let account = try self.account(of: id, invoices: try await self.invoices(of: id), asOf: today)
            guard account.isSettled else { return false }
            contract.suspension = nil
            contract.record(
                "contract.suspension.lifted", "everything paid, interest and indemnities included", by: principal,
                at: now)
            return true
        }
        if change.result {
            try await log(principal, "contract.suspension.lifted", "contract:\(id.rawValue)", "everything paid")
        }
    }

    /// Makes every remaining sum of the current period due at once (§4 (iv): "toutes les sommes restantes
    /// dues ... deviennent immédiatement exigibles"), allowed while an invoice is overdue: the months of the
    /// current period not invoiced yet are invoiced today, due today; unpaid invoices not yet due become due
    /// today (their original due date is kept on the invoice).
    ///
    /// Throws `contract.acceleration.not_allowed` when no invoice is overdue, `contract.ended`.
    @discardableResult
    public func accelerate(
        _ id: ContractID, by principal: Principal
    ) async throws -> (
        contract: Contract, invoices: [Invoice]
    ) {
        try await authorize(principal)
        let now = clock.now
        let today = configuration.calendar.civilDate(of: now)
        let priceList = try await priceList()
        let change = try await changeContract(id) { contract, effects -> [InvoiceNumber] in
            try self.requireInForce(contract, at: now)
            _ = try self.applyDueRenewals(&contract, today: today, priceList: priceList, by: principal, at: now)
            let stored = try await self.storedInvoices(of: id)
            let overdue = stored.filter { $0.value.isOverdue(on: today) }
            guard !overdue.isEmpty else {
                throw KimpleError(
                    .contractAccelerationNotAllowed,
                    "Remaining sums become due at once only after a payment default (§4 (iv)): no invoice is overdue.",
                    context: ["contract": id.rawValue])
            }
            var moved: [InvoiceNumber] = []
            for var each in stored where !each.value.isPaid {
                if each.value.dueDate > today {
                    each.value.originalDueDate = each.value.dueDate
                    each.value.dueDate = today
                    moved.append(each.value.number)
                }
                effects.replacedInvoices.append(each)
            }
            let period = contract.schedule.period(containing: today)
            var lastMonth = (period.index + 1) * contract.schedule.periodMonths - 1
            if let end = contract.end { lastMonth = min(lastMonth, end.settlement.lastBilledMonth) }
            while contract.invoicedMonths <= lastMonth,
                contract.schedule.billingMonth(contract.invoicedMonths).periodIndex < contract.startedPeriods
            {
                try self.invoiceNextMonth(&contract, &effects, issuedOn: today, dueDate: today)
            }
            contract.acceleratedOn = today
            contract.record(
                "contract.accelerated",
                "remaining sums of period \(period.index) due on \(today); due dates moved: "
                    + moved.map(\.text).joined(separator: ", "), by: principal, at: now)
            return moved
        }
        try await logInvoices(change.invoices, json: change.invoiceJSON, principal)
        try await log(
            principal, "contract.accelerated", "contract:\(id.rawValue)",
            "\(change.invoices.count) invoices issued, \(change.result.count) due dates moved")
        return (change.contract, change.invoices)
    }
}
