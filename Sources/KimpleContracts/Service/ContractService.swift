import Foundation
import KimpleCore
import Synchronization

/// The contracts of one tenant (client), stored and driven by the clock (C-1 to C-15).
///
/// The service coordinates the pure rules of this module (``RenewalPricing``, ``InvoicePricing``,
/// ``LateInterest``, ``NonRenewalRule``, ``BreachCure``, ``TerminationSettlement``...) with the tenant's
/// document store `contracts` and evidence log:
///
/// - Quotes, contracts, invoices, logins, creations and interoperability requests are JSON documents of
///   the tenant's ``KimpleCore/DocumentStore`` (in memory or on file, whatever the ``TenantStorage``'s
///   backend is). Every change is one atomic commit with compare-and-set on what it read: issuing an
///   invoice writes the tenant's invoice counter, the invoice and the contract together, so invoice
///   numbers have no gaps and a month is never invoiced twice, also under concurrent calls.
/// - Every action is written to the tenant's ``KimpleCore/EvidenceLog`` with its principal, after the
///   commit that makes it.
/// - ``runDueTasks(by:)`` does what the clock makes due: renewals, monthly invoices, ends of contract and
///   their publication to the ``KimpleCore/ContractEndListener``s (the privacy module opens the 45-day
///   reversibility window, P-10). Call it at least daily.
///
/// A refused action throws a ``KimpleCore/KimpleError`` with a `contract.` code and changes nothing.
public final class ContractService: Sendable {
    /// How the service computes.
    public struct Configuration: Sendable {
        /// The calendar of legal dates (Europe/Paris, French public holidays).
        public var calendar: FrenchCalendar
        /// The legal interest rates (C-4): the built-in table, or the host's rate file read with
        /// ``LegalInterestRateTable/load(contentsOf:)``; see also ``ContractService/reloadLegalInterestRates(contentsOf:)``.
        public var interestRates: LegalInterestRateTable
        /// The recovery indemnity per late invoice (at least 40 EUR).
        public var recoveryIndemnity: RecoveryIndemnity
        /// The prefix of invoice numbers (`F-` gives `F-000001`).
        public var invoiceNumberPrefix: String
        /// How logins are protected (C-8).
        public var loginPolicy: LoginPolicy

        /// A configuration; the defaults are the Paris calendar, the shipped rate table, 40 EUR, `F-`, and
        /// the default login policy.
        public init(
            calendar: FrenchCalendar = .paris, interestRates: LegalInterestRateTable = .professionalCreditor,
            recoveryIndemnity: RecoveryIndemnity = .legal, invoiceNumberPrefix: String = "F-",
            loginPolicy: LoginPolicy = LoginPolicy()
        ) {
            self.calendar = calendar
            self.interestRates = interestRates
            self.recoveryIndemnity = recoveryIndemnity
            self.invoiceNumberPrefix = invoiceNumberPrefix
            self.loginPolicy = loginPolicy
        }
    }

    /// The name of the tenant's document store used by the service.
    public static let storeName: StoreName = "contracts"

    /// The tenant.
    public let tenant: TenantID
    /// The configuration (the rate table as given at creation; see ``interestRates``).
    public let configuration: Configuration
    let store: any DocumentStore
    let evidence: EvidenceLog
    let clock: any Clock
    let endListeners: [any ContractEndListener]
    private let rates: Mutex<LegalInterestRateTable>

    /// The service of `storage`'s tenant, recording to `evidence` (the tenant's evidence log, which
    /// it opens itself when `nil`: pass the one the other services use, so that one object owns
    /// the tenant's chain). Throws `core.invalid_argument` for an invalid login policy, invoice
    /// prefix (more than 16 characters, or characters outside `A-Z a-z 0-9 - / _ .`) or an evidence
    /// log of another tenant, and the storage errors of opening the stores.
    public init(
        storage: TenantStorage, clock: any Clock, configuration: Configuration = Configuration(),
        endListeners: [any ContractEndListener] = [], evidence: EvidenceLog? = nil
    ) async throws {
        try configuration.loginPolicy.validate()
        let prefix = configuration.invoiceNumberPrefix
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-/_.".utf8)
        guard prefix.utf8.count <= 16, prefix.utf8.allSatisfy(allowed.contains) else {
            throw KimpleError(
                .invalidArgument, "An invoice prefix is up to 16 characters from A-Z, a-z, 0-9, '-', '/', '_', '.'.",
                context: ["prefix": String(prefix.prefix(32))])
        }
        self.tenant = storage.tenant
        self.configuration = configuration
        self.store = try await storage.documentStore(Self.storeName)
        if let evidence {
            guard evidence.tenant == storage.tenant else {
                throw KimpleError(
                    .invalidArgument, "The evidence log belongs to another tenant (K-1).",
                    context: ["tenant": storage.tenant.rawValue, "evidence": evidence.tenant.rawValue])
            }
            self.evidence = evidence
        } else {
            self.evidence = try await EvidenceLog.open(storage, clock: clock)
        }
        self.clock = clock
        self.endListeners = endListeners
        self.rates = Mutex(configuration.interestRates)
    }

    /// The legal interest rate table in use.
    public var interestRates: LegalInterestRateTable { rates.withLock { $0 } }

    /// Replaces the legal interest rate table by the one in the rate file at `url` (see
    /// ``LegalInterestRateTable/load(contentsOf:)``): the host updates that file each half-year and calls
    /// this, without restarting. Throws `contract.interest.table_invalid`; the table in use is unchanged
    /// then.
    public func reloadLegalInterestRates(contentsOf url: URL) throws {
        let table = try LegalInterestRateTable.load(contentsOf: url)
        rates.withLock { $0 = table }
    }

    /// Adds the legal rate of a new half-year (published by arrêté each semester). Throws like
    /// ``LegalInterestRateTable/adding(_:rate:)``; the table in use is unchanged then. The table lives in
    /// memory: pass the complete table in ``Configuration/interestRates`` when the service is created.
    public func addLegalInterestRate(_ halfYear: HalfYear, rate: Percent) throws {
        try rates.withLock { $0 = try $0.adding(halfYear, rate: rate) }
    }

    /// Today in Paris (the legal day of `clock.now`).
    public var today: CivilDate { configuration.calendar.civilDate(of: clock.now) }

    // MARK: - Keys

    static func quoteKey(_ id: QuoteID) -> String { "quote/\(id.rawValue)" }
    static func contractKey(_ id: ContractID) -> String { "contract/\(id.rawValue)" }
    static func invoiceKey(_ sequence: Int) -> String {
        let digits = String(sequence)
        return "invoice/" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }
    static let counterKey = "counter/invoice"
    static let priceListKey = "pricelist"
    static func userKey(_ id: UserID) -> String { "user/\(id.rawValue)" }
    static func creationKey(_ id: CreationID) -> String { "creation/\(id.rawValue)" }
    static func interoperabilityKey(_ id: InteroperabilityRequestID) -> String { "interop/\(id.rawValue)" }

    // MARK: - Storage helpers

    struct Stored<Value: Sendable>: Sendable {
        var value: Value
        var version: UInt64
    }

    struct InvoiceCounter: Codable, Sendable {
        var last: Int
    }

    func load<Value: Codable & Sendable>(_ type: Value.Type, _ key: String) async throws -> Stored<Value>? {
        guard let document = try await store.get(key) else { return nil }
        return Stored(value: try JSONCoding.decode(type, from: document.value, key: key), version: document.version)
    }

    func loadAll<Value: Codable & Sendable>(_ type: Value.Type, prefix: String) async throws -> [Value] {
        try await store.documents(withPrefix: prefix).map { try JSONCoding.decode(type, from: $0.value, key: $0.key) }
    }

    func loadContract(_ id: ContractID) async throws -> Stored<Contract> {
        guard let stored = try await load(Contract.self, Self.contractKey(id)) else {
            throw KimpleError(.contractNotFound, "No contract has this id.", context: ["contract": id.rawValue])
        }
        return stored
    }

    func loadInvoice(_ sequence: Int) async throws -> Stored<Invoice> {
        guard let stored = try await load(Invoice.self, Self.invoiceKey(sequence)) else {
            throw KimpleError(
                .contractInvoiceNotFound, "No invoice has this number.", context: ["sequence": String(sequence)])
        }
        return stored
    }

    /// An invoice before its number is assigned (in the commit that stores it).
    struct InvoiceDraft: Sendable {
        var contractID: ContractID
        var subject: Invoice.Subject
        var provider: Party
        var client: Party
        var issuedOn: CivilDate
        var dueDate: CivilDate
        var paymentTerms: PaymentTerms
        var lines: [InvoiceLine]
        var totals: InvoiceTotals

        func numbered(_ number: InvoiceNumber) -> Invoice {
            Invoice(
                number: number, contractID: contractID, subject: subject, provider: provider, client: client,
                issuedOn: issuedOn, dueDate: dueDate, originalDueDate: nil, paymentTerms: paymentTerms, lines: lines,
                totals: totals, payments: [])
        }
    }

    /// What a contract change writes besides the contract.
    struct Effects: Sendable {
        var newInvoices: [InvoiceDraft] = []
        var replacedInvoices: [Stored<Invoice>] = []
        var otherWrites: [DocumentWrite] = []

        var isEmpty: Bool { newInvoices.isEmpty && replacedInvoices.isEmpty && otherWrites.isEmpty }
    }

    /// The most attempts a compare-and-set loop makes. Each failed attempt means another writer's commit
    /// succeeded, so the loop always makes global progress; the bound only stops a pathological storm.
    static let maximumAttempts = 10_000

    /// Reads contract `id`, lets `body` change it (and add invoices or other writes), and commits
    /// everything in one atomic commit conditional on what was read; retries from a fresh read when
    /// another writer got there first. `body` may run more than once and must have no other side effect.
    /// Returns the contract as stored, the invoices issued and `body`'s result.
    func changeContract<Result: Sendable>(
        _ id: ContractID, preloaded: Stored<Contract>? = nil,
        _ body: (inout Contract, inout Effects) async throws -> Result
    ) async throws -> (contract: Contract, invoices: [Invoice], invoiceJSON: [Data], result: Result) {
        var preloaded = preloaded
        for _ in 0..<Self.maximumAttempts {
            let stored: Stored<Contract>
            if let first = preloaded {
                stored = first
                preloaded = nil
            } else {
                stored = try await loadContract(id)
            }
            var contract = stored.value
            var effects = Effects()
            let result = try await body(&contract, &effects)
            if contract == stored.value && effects.isEmpty { return (contract, [], [], result) }
            var writes: [DocumentWrite] = []
            let issued = try await numberInvoices(effects.newInvoices, into: &writes)
            let issuedJSON = writes.prefix(issued.count).map { write -> Data in
                if case .insert(_, let value) = write { return value }
                return Data()
            }
            for replaced in effects.replacedInvoices {
                writes.append(
                    .replace(
                        key: Self.invoiceKey(replaced.value.number.sequence), expectedVersion: replaced.version,
                        value: try JSONCoding.encode(replaced.value)))
            }
            writes += effects.otherWrites
            writes.append(
                .replace(
                    key: Self.contractKey(id), expectedVersion: stored.version, value: try JSONCoding.encode(contract)))
            do {
                try await store.commit(writes)
                return (contract, issued, issuedJSON, result)
            } catch let error as KimpleError where error.code == .storageConflict {
                // Another writer committed first: let it run, then read again.
                await Task.yield()
                continue
            }
        }
        throw KimpleError(
            .contractConflict, "The contract kept changing under concurrent writers; try again.",
            context: ["contract": id.rawValue])
    }

    /// Numbers `drafts` after the tenant's last invoice and appends the invoice writes (in order, first),
    /// then the counter's. The counter is written conditionally, so two commits never use the same numbers.
    func numberInvoices(_ drafts: [InvoiceDraft], into writes: inout [DocumentWrite]) async throws -> [Invoice] {
        guard !drafts.isEmpty else { return [] }
        let counter = try await load(InvoiceCounter.self, Self.counterKey)
        let last = counter?.value.last ?? 0
        var invoices: [Invoice] = []
        for (offset, draft) in drafts.enumerated() {
            let invoice = draft.numbered(
                InvoiceNumber(sequence: last + 1 + offset, prefix: configuration.invoiceNumberPrefix))
            invoices.append(invoice)
            writes.append(.insert(key: Self.invoiceKey(invoice.number.sequence), value: try JSONCoding.encode(invoice)))
        }
        let next = try JSONCoding.encode(InvoiceCounter(last: last + drafts.count))
        if let counter {
            writes.append(.replace(key: Self.counterKey, expectedVersion: counter.version, value: next))
        } else {
            writes.append(.insert(key: Self.counterKey, value: next))
        }
        return invoices
    }

    /// Writes an action to the evidence log, with the SHA-256 of `payload`'s JSON. An action by a login is
    /// attributed to the client in its details (§2.1).
    func log(
        _ principal: Principal, _ action: String, _ subject: String, _ details: String = "", payload: some Encodable
    ) async throws {
        try await evidence.record(
            principal, action: action, subject: subject, details: attributed(principal, details),
            payload: try JSONCoding.encode(payload))
    }

    /// Writes an action without payload to the evidence log.
    func log(_ principal: Principal, _ action: String, _ subject: String, _ details: String = "") async throws {
        try await evidence.record(principal, action: action, subject: subject, details: attributed(principal, details))
    }

    /// `details`, prefixed with the client an authorised user's action is attributed to.
    func attributed(_ principal: Principal, _ details: String) -> String {
        guard principal.kind == .user else { return details }
        return "attributed to client \(tenant.rawValue)" + (details.isEmpty ? "" : "; \(details)")
    }

    /// Throws unless `principal` may act: a login (``KimpleCore/Principal/Kind/user``) must exist and be
    /// neither deactivated (`contract.user.deactivated`, §2.1) nor locked (`contract.user.locked`); an
    /// unknown login throws `contract.user.not_found`. The SDK's components and the host always may.
    func authorize(_ principal: Principal) async throws {
        guard principal.kind == .user else { return }
        guard let id = UserID(rawValue: principal.id) else {
            throw KimpleError(
                .contractUserNotFound, "No login has this id.", context: ["user": String(principal.id.prefix(64))])
        }
        try checkCanAct(try await loadUser(id).value, at: clock.now)
    }

    /// Throws `contract.ended` when `contract` has ended at `now`.
    func requireInForce(_ contract: Contract, at now: Date) throws {
        if contract.hasEnded(at: now) {
            throw KimpleError(
                .contractEnded, "The contract has ended; this action needs a contract in force.",
                context: ["contract": contract.id.rawValue])
        }
    }

    /// Invoices the next billing month of `contract` (month `invoicedMonths`): adds the draft to `effects`,
    /// counts the month as invoiced and its one-off lines as billed. Issued on `issuedOn`, due `dueDate`
    /// (or by the payment terms when `nil`). Throws `contract.amount.too_large` when the invoice would be
    /// above ``InvoicePricing/maximumInvoiceAmount``, `core.out_of_range` when it does not fit in `Money`.
    func invoiceNextMonth(
        _ contract: inout Contract, _ effects: inout Effects, issuedOn: CivilDate, dueDate: CivilDate? = nil
    ) throws {
        let month = contract.schedule.billingMonth(contract.invoicedMonths)
        let terms = try contract.terms(on: month.first)
        let lines = try InvoicePricing.lines(for: month, terms: terms, alreadyBilled: Set(contract.billedOnceLines))
        let totals = try InvoicePricing.totals(of: lines)
        // SPEC C-3: no invoice above the maximum is ever issued, whatever terms were stored before the bound.
        try InvoicePricing.checkInvoiceBound(
            totals, context: ["contract": contract.id.rawValue, "month": String(contract.invoicedMonths)])
        effects.newInvoices.append(
            InvoiceDraft(
                contractID: contract.id, subject: .month(month), provider: terms.provider, client: terms.client,
                issuedOn: issuedOn, dueDate: dueDate ?? terms.paymentTerms.dueDate(issuedOn: issuedOn),
                paymentTerms: terms.paymentTerms, lines: lines, totals: totals))
        contract.invoicedMonths += 1
        for line in terms.lines where line.billing == .once && !contract.billedOnceLines.contains(line.id) {
            contract.billedOnceLines.append(line.id)
        }
    }

    /// Starts every period of `contract` whose first day has come (C-2), up to the last period allowed by an
    /// end or a non-renewal: prices from `priceList` with the notification rule, discount dropped.
    func applyDueRenewals(
        _ contract: inout Contract, today: CivilDate, priceList: PriceList, by principal: Principal, at now: Date
    ) throws -> [RenewalPricing] {
        var renewals: [RenewalPricing] = []
        let lastPeriod =
            contract.end?.settlement.currentPeriod.index ?? contract.nonRenewal?.endingPeriod.index ?? Int.max
        while contract.startedPeriods <= lastPeriod {
            let next = contract.schedule.period(contract.startedPeriods)
            guard next.first <= today else { break }
            let pricing = RenewalPricing.price(
                terms: try contract.terms(on: next.first), periodIndex: next.index, renewalDate: next.first,
                priceList: priceList, notifications: contract.priceNotifications)
            if !pricing.changes.isEmpty {
                contract = try contract.adding(
                    TermsRevision(
                        sequence: contract.revisions.count + 1, effectiveFrom: next.first, origin: .renewal(next.index),
                        changes: pricing.changes), as: .contractAmendmentInvalid)
            }
            contract.renewals.append(pricing)
            contract.startedPeriods += 1
            contract.record(
                "contract.renewed", "period \(next.index): \(next.first) to \(next.last)", by: principal, at: now)
            renewals.append(pricing)
        }
        return renewals
    }
}
