import Foundation
import KimpleCore

/// What signing a quote did.
public struct QuoteSigning: Sendable {
    /// The quote with the new signature.
    public var quote: Quote
    /// The contract created or supplemented, once both parties signed.
    public var contract: Contract?
    /// The invoice of a supplementary quote, issued on acceptance.
    public var invoices: [Invoice]
}

extension ContractService {
    // MARK: - Quotes (C-1, C-15)

    /// Records a quote (devis). Throws `contract.quote.invalid` when its content is not valid (see
    /// ``QuoteContent/validate()``) or a supplement's line ids are already used by the contract,
    /// `contract.not_found` / `contract.ended` for a supplement to an unknown or ended contract,
    /// `storage.conflict` when the id is taken.
    @discardableResult
    public func createQuote(
        _ content: QuoteContent, id: QuoteID = .random(), by principal: Principal
    ) async throws
        -> Quote
    {
        try await authorize(principal)
        try content.validate()
        let now = clock.now
        if case .supplement(let contractID) = content.purpose {
            let contract = try await loadContract(contractID).value
            try requireInForce(contract, at: now)
            try checkNewLineIDs(content.lines.map(\.id), in: contract)
        }
        let quote = Quote(id: id, content: content, createdAt: now)
        try await store.insert(Self.quoteKey(id), JSONCoding.encode(quote))
        try await log(
            principal, "contract.quote.created", "quote:\(id.rawValue)", "\(content.lines.count) lines", payload: quote)
        return quote
    }

    /// The quote `id`; throws `contract.quote.not_found`.
    public func quote(_ id: QuoteID) async throws -> Quote {
        try await loadQuote(id).value
    }

    /// Every quote of the tenant, by id.
    public func quotes() async throws -> [Quote] {
        try await loadAll(Quote.self, prefix: "quote/")
    }

    /// Records `party`'s signature of quote `id`. When both parties have signed, the quote is accepted
    /// (C-1): a new contract is created, in force from this signature (§3), for the quote's period; a
    /// supplementary quote adds its services to its contract and is invoiced at once.
    ///
    /// Throws `contract.quote.not_found`; `contract.quote.already_signed` when the party signed already or
    /// the quote is accepted; `contract.quote.expired` after its validity date, or, for a new contract,
    /// after the last day of the period it defines; `contract.ended` for a supplement to an ended contract;
    /// `contract.quote.invalid` when a supplement's line ids were taken meanwhile.
    public func signQuote(
        _ id: QuoteID, as party: PartyRole, signatory: Signatory, by principal: Principal
    )
        async throws -> QuoteSigning
    {
        try await authorize(principal)
        let newContractID = ContractID.random()
        for _ in 0..<Self.maximumAttempts {
            let now = clock.now
            let today = configuration.calendar.civilDate(of: now)
            let stored = try await loadQuote(id)
            var quote = stored.value
            guard !quote.isAccepted, !quote.signatures.contains(where: { $0.party == party }) else {
                throw KimpleError(
                    .contractQuoteAlreadySigned, "This party has already signed the quote, or it is accepted.",
                    context: ["quote": id.rawValue, "party": party.rawValue])
            }
            if let validUntil = quote.content.validUntil, today > validUntil {
                throw KimpleError(
                    .contractQuoteExpired, "The quote could be signed until \(validUntil); ask for a new quote.",
                    context: ["quote": id.rawValue])
            }
            quote.signatures.append(
                PartySignature(
                    party: party, signatory: signatory, signedAt: now, documentDigest: try quote.content.digest()))
            let accepted = quote.missingSignatures.isEmpty
            if accepted { quote.acceptedAt = now }
            do {
                switch (accepted, quote.content.purpose) {
                case (false, _):
                    try await store.replace(
                        Self.quoteKey(id), expectedVersion: stored.version, with: JSONCoding.encode(quote))
                    try await logSignature(quote, party, signatory, principal)
                    return QuoteSigning(quote: quote, contract: nil, invoices: [])
                case (true, .newContract(let plan)):
                    let schedule = try ContractSchedule(start: plan.start, periodMonths: plan.months)
                    guard today <= schedule.period(0).last else {
                        throw KimpleError(
                            .contractQuoteExpired,
                            "The contractual period of this quote ended on \(schedule.period(0).last); ask for a new quote.",
                            context: ["quote": id.rawValue])
                    }
                    quote.contractID = newContractID
                    var contract = Contract(
                        id: newContractID, quoteID: id, inForceSince: now, schedule: schedule,
                        terms: ContractTerms(quote: quote.content))
                    contract.record(
                        "contract.created",
                        "quote \(id.rawValue) accepted; first period \(plan.start) + \(plan.months) months",
                        by: principal, at: now)
                    try await store.commit([
                        .replace(
                            key: Self.quoteKey(id), expectedVersion: stored.version, value: try JSONCoding.encode(quote)
                        ),
                        .insert(key: Self.contractKey(newContractID), value: try JSONCoding.encode(contract)),
                    ])
                    try await logSignature(quote, party, signatory, principal)
                    try await log(
                        principal, "contract.created", "contract:\(newContractID.rawValue)",
                        "from quote \(id.rawValue)", payload: contract)
                    return QuoteSigning(quote: quote, contract: contract, invoices: [])
                case (true, .supplement(let contractID)):
                    quote.contractID = contractID
                    let accepted = quote
                    let change = try await changeContract(contractID) { contract, effects in
                        // The quote must still be the one read: a concurrent signature restarts from the top.
                        guard let current = try await self.store.get(Self.quoteKey(id)),
                            current.version == stored.version
                        else {
                            throw KimpleError(.storageConflict, "The quote changed.", context: ["quote": id.rawValue])
                        }
                        try self.requireInForce(contract, at: now)
                        try self.checkNewLineIDs(accepted.content.lines.map(\.id), in: contract)
                        let terms = try contract.terms(on: today)
                        contract.supplements.append(
                            SupplementOrder(quoteID: id, lines: accepted.content.lines, acceptedAt: now))
                        contract.record("contract.supplement.accepted", "quote \(id.rawValue)", by: principal, at: now)
                        let lines = try InvoicePricing.lines(for: accepted.content, vatRate: terms.vatRate)
                        let totals = try InvoicePricing.totals(of: lines)
                        // SPEC C-3: no invoice above the maximum is ever issued.
                        try InvoicePricing.checkInvoiceBound(
                            totals, context: ["contract": contractID.rawValue, "quote": id.rawValue])
                        effects.newInvoices.append(
                            InvoiceDraft(
                                contractID: contractID, subject: .supplement(id), provider: terms.provider,
                                client: terms.client, issuedOn: today,
                                dueDate: terms.paymentTerms.dueDate(issuedOn: today), paymentTerms: terms.paymentTerms,
                                lines: lines, totals: totals))
                        effects.otherWrites.append(
                            .replace(
                                key: Self.quoteKey(id), expectedVersion: stored.version,
                                value: try JSONCoding.encode(accepted)))
                    }
                    try await logSignature(quote, party, signatory, principal)
                    try await logInvoices(change.invoices, json: change.invoiceJSON, principal)
                    return QuoteSigning(quote: quote, contract: change.contract, invoices: change.invoices)
                }
            } catch let error as KimpleError where error.code == .storageConflict {
                // Another writer committed first: let it run, then read again.
                await Task.yield()
                continue
            }
        }
        throw KimpleError(.contractConflict, "The quote kept changing; try again.", context: ["quote": id.rawValue])
    }

    /// The contract `id`; throws `contract.not_found`.
    public func contract(_ id: ContractID) async throws -> Contract {
        try await loadContract(id).value
    }

    /// Every contract of the tenant, by id.
    public func contracts() async throws -> [Contract] {
        try await loadAll(Contract.self, prefix: "contract/")
    }

    /// What the services of contract `id` are doing now (C-4, C-7, C-10).
    public func serviceState(of id: ContractID) async throws -> ServiceState {
        let now = clock.now
        return try await loadContract(id).value.serviceState(at: now, on: configuration.calendar.civilDate(of: now))
    }

    // MARK: - Helpers

    func loadQuote(_ id: QuoteID) async throws -> Stored<Quote> {
        guard let stored = try await load(Quote.self, Self.quoteKey(id)) else {
            throw KimpleError(.contractQuoteNotFound, "No quote has this id.", context: ["quote": id.rawValue])
        }
        return stored
    }

    /// Throws `contract.quote.invalid` when one of `ids` is a line of the contract or of its supplements.
    func checkNewLineIDs(_ ids: [ServiceLineID], in contract: Contract) throws {
        var taken = Set(try contract.latestTerms().lines.map(\.id))
        taken.formUnion(contract.initialTerms.lines.map(\.id))
        for supplement in contract.supplements { taken.formUnion(supplement.lines.map(\.id)) }
        for revision in contract.revisions {
            for case .addLine(let line) in revision.changes { taken.insert(line.id) }
        }
        if let clash = ids.first(where: taken.contains) {
            throw KimpleError(
                .contractQuoteInvalid, "The contract already has a service line with this id; choose another.",
                context: ["line": clash.rawValue, "contract": contract.id.rawValue])
        }
    }

    private func logSignature(
        _ quote: Quote, _ party: PartyRole, _ signatory: Signatory, _ principal: Principal
    )
        async throws
    {
        try await log(
            principal, "contract.quote.signed", "quote:\(quote.id.rawValue)",
            "\(party.rawValue) signed (\(signatory.capacity))\(quote.isAccepted ? "; accepted" : "")",
            payload: quote.signatures.last)
    }

    /// Logs the invoices a change issued, with the SHA-256 of their stored JSON.
    func logInvoices(_ invoices: [Invoice], json: [Data], _ principal: Principal) async throws {
        for (invoice, data) in zip(invoices, json) {
            try await evidence.record(
                principal, action: "contract.invoice.issued", subject: "invoice:\(invoice.number.text)",
                details: attributed(
                    principal,
                    "contract \(invoice.contractID.rawValue), total \(invoice.totals.totalAmount), due \(invoice.dueDate)"
                ),
                payload: data)
        }
    }
}
