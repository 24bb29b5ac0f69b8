import Foundation
import KimpleCore

/// Something that happened to a contract, with its reason: the contract's own history (the evidence log
/// holds the same actions, hash-chained).
public struct ContractEvent: Hashable, Sendable, Codable {
    /// What happened, as a stable code (`contract.suspended`, `contract.renewed`...).
    public var kind: String
    /// When it was recorded.
    public var at: Date
    /// Why, or the figures that matter, for a person.
    public var detail: String
    /// Who did it.
    public var by: Principal
}

/// A suspension of the services for non-payment (§4 (ii), C-4).
public struct Suspension: Hashable, Sendable, Codable {
    /// When services were suspended.
    public var since: Date
    /// Why (the overdue invoices).
    public var reason: String
    /// Who decided.
    public var by: Principal
}

/// The end of a contract: its settlement and whether the end was published to the listeners (P-10).
public struct ContractEnd: Hashable, Sendable, Codable {
    /// What the end settles (C-7).
    public var settlement: TerminationSettlement
    /// When the end was recorded.
    public var recordedAt: Date
    /// Whether ``KimpleCore/ContractEndListener`` was told (retried until it is).
    public var published: Bool
}

/// One-off services ordered by an accepted supplementary quote (a "devis associé").
public struct SupplementOrder: Hashable, Sendable, Codable {
    /// The quote.
    public var quoteID: QuoteID
    /// Its lines.
    public var lines: [ServiceLine]
    /// When it was accepted.
    public var acceptedAt: Date
}

/// What a contract's services are doing on a day.
public enum ServiceState: Hashable, Sendable, Codable {
    /// The contract's first period has not started.
    case notStarted
    /// Services run.
    case active
    /// Cassiop suspended services for non-payment (§4 (ii)).
    case suspendedForNonPayment
    /// A force majeure suspends the obligations (§14.3), payment excepted.
    case suspendedByForceMajeure
    /// The contract ended: services stopped (§6.3 (i)).
    case ended
}

/// A contract (C-1): created by the acceptance of a quote, in force from the last signature, for
/// periods of the quote's length renewed until a party does not renew or terminates.
///
/// A `Contract` is a value: the ``ContractService`` stores it and changes it with compare-and-set.
/// Its terms on a day are the quote's terms with every revision (amendment, renewal, assignment)
/// effective on or before that day applied in order.
public struct Contract: Hashable, Sendable, Codable, Identifiable {
    /// The contract's id.
    public var id: ContractID
    /// The quote whose acceptance created it.
    public var quoteID: QuoteID
    /// The instant of the last signature (§3: "à compter de sa signature par l'ensemble des Parties").
    public var inForceSince: Date
    /// Its periods and billing months.
    public var schedule: ContractSchedule
    /// The terms of the quote.
    public var initialTerms: ContractTerms
    /// Every revision of the terms, in recording order.
    public var revisions: [TermsRevision]
    /// Every amendment, proposed or signed.
    public var amendments: [Amendment]
    /// Every assignment.
    public var assignments: [ContractAssignment]
    /// The pricing breakdown of each renewal (C-2).
    public var renewals: [RenewalPricing]
    /// The accepted supplementary quotes (C-13, C-14).
    public var supplements: [SupplementOrder]
    /// How many periods have started (1 at the start, 2 after the first renewal...).
    public var startedPeriods: Int
    /// How many billing months are invoiced (months `0..<invoicedMonths`).
    public var invoicedMonths: Int
    /// The one-off lines of the terms already billed (each is billed once).
    public var billedOnceLines: [ServiceLineID]
    /// Every notice recorded.
    public var notices: [Notice]
    /// Cassiop's price change notifications (§4).
    public var priceNotifications: [PriceChangeNotification]
    /// The non-renewal, once given (§6.1).
    public var nonRenewal: NonRenewalDecision?
    /// Breach cases (§6.2).
    public var breaches: [BreachCase]
    /// Force majeure events (§14.3).
    public var forceMajeure: [ForceMajeureEvent]
    /// The current suspension for non-payment, if any.
    public var suspension: Suspension?
    /// The day Cassiop made every remaining sum due at once (§4 (iv)), if it did.
    public var acceleratedOn: CivilDate?
    /// The contract's history.
    public var events: [ContractEvent]
    /// The end, once decided.
    public var end: ContractEnd?

    /// A new contract from an accepted quote.
    public init(
        id: ContractID, quoteID: QuoteID, inForceSince: Date, schedule: ContractSchedule, terms: ContractTerms
    ) {
        self.id = id
        self.quoteID = quoteID
        self.inForceSince = inForceSince
        self.schedule = schedule
        self.initialTerms = terms
        self.revisions = []
        self.amendments = []
        self.assignments = []
        self.renewals = []
        self.supplements = []
        self.startedPeriods = 1
        self.invoicedMonths = 0
        self.billedOnceLines = []
        self.notices = []
        self.priceNotifications = []
        self.nonRenewal = nil
        self.breaches = []
        self.forceMajeure = []
        self.suspension = nil
        self.acceleratedOn = nil
        self.events = []
        self.end = nil
    }

    /// The terms in force on `date`. Throws `contract.amendment.invalid` if the revisions do not apply
    /// (they are checked when recorded, so this only happens to a document changed outside the SDK).
    public func terms(on date: CivilDate) throws -> ContractTerms {
        var terms = initialTerms
        for revision in orderedRevisions where revision.effectiveFrom <= date {
            for change in revision.changes { terms = try terms.applying(change) }
        }
        return terms
    }

    /// The terms after every revision, including those effective in the future.
    public func latestTerms() throws -> ContractTerms {
        var terms = initialTerms
        for revision in orderedRevisions {
            for change in revision.changes { terms = try terms.applying(change) }
        }
        return terms
    }

    /// Revisions by effective date, then recording order.
    var orderedRevisions: [TermsRevision] {
        revisions.sorted { ($0.effectiveFrom, $0.sequence) < ($1.effectiveFrom, $1.sequence) }
    }

    /// The contract with `revision` added; throws `code` when the revisions no longer apply in order.
    func adding(_ revision: TermsRevision, as code: KimpleError.Code) throws -> Contract {
        var contract = self
        contract.revisions.append(revision)
        var terms = initialTerms
        for each in contract.orderedRevisions {
            for change in each.changes { terms = try terms.applying(change, as: code) }
            // SPEC C-3: terms that could bill more than the maximum in one invoice are refused.
            try InvoicePricing.checkLargestInvoice(
                of: terms.lines, vatRate: terms.vatRate, context: ["contract": id.rawValue])
        }
        return contract
    }

    /// Whether the contract has ended by `instant`.
    public func hasEnded(at instant: Date) -> Bool {
        guard let end else { return false }
        return instant >= end.settlement.effectiveEnd
    }

    /// The state of the services at `instant` (on the day `date` in Paris).
    public func serviceState(at instant: Date, on date: CivilDate) -> ServiceState {
        if hasEnded(at: instant) { return .ended }
        if date < schedule.start { return .notStarted }
        if forceMajeure.contains(where: { $0.isOngoing(on: date) }) { return .suspendedByForceMajeure }
        if suspension != nil { return .suspendedForNonPayment }
        return .active
    }

    /// The period running on `date`.
    public func period(on date: CivilDate) -> ContractPeriod { schedule.period(containing: date) }

    /// Whether the client may be cited as a reference on `date` for `scope` (§13.1, C-15). The consent is
    /// a term of the contract; clause 13 is not among those that survive the end (§6.3).
    public func mayCiteAsReference(_ scope: ReferenceConsent.Scope, at instant: Date, on date: CivilDate) -> Bool {
        guard !hasEnded(at: instant), let terms = try? terms(on: date) else { return false }
        return terms.referenceConsent.allows(scope)
    }

    mutating func record(_ kind: String, _ detail: String, by: Principal, at: Date) {
        events.append(ContractEvent(kind: kind, at: at, detail: detail, by: by))
    }
}
