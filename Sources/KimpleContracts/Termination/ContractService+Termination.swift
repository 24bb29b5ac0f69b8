import Foundation
import KimpleCore

extension ContractService {
    // MARK: - Notices (C-11)

    /// Records a notice between the parties for contract `id`, for the record. Notices that have effects
    /// go through their own calls (``giveNonRenewal(_:notice:by:)``, ``notifyBreach(_:notice:description:by:)``,
    /// ``notifyPriceChange(_:_:by:)``...). Throws `contract.notice.invalid` for dates out of order.
    @discardableResult
    public func recordNotice(_ id: ContractID, _ notice: Notice, by principal: Principal) async throws -> Contract {
        try await authorize(principal)
        try notice.validate()
        let now = clock.now
        let change = try await changeContract(id) { contract, _ in
            contract.notices.append(notice)
            contract.record(
                "contract.notice.recorded", "\(notice.kind.rawValue) by \(notice.channel.rawValue)", by: principal,
                at: now)
        }
        try await log(
            principal, "contract.notice.recorded", "contract:\(id.rawValue)", notice.kind.rawValue, payload: notice)
        return change.contract
    }

    // MARK: - Non-renewal (C-5)

    /// Gives notice of non-renewal of contract `id` (§6.1) and returns the decision: in time, the contract
    /// ends at the end of the current period; late, at the end of the next one (``NonRenewalRule``). The
    /// end itself happens in ``runDueTasks(by:)`` once the last day is over.
    ///
    /// Throws `contract.notice.channel_not_allowed` for anything but a registered letter (an e-mail or a
    /// phone call is refused, §6.1) — nothing is recorded then; `contract.notice.invalid` for a notice that
    /// is not a non-renewal or has no date of presentation; `contract.non_renewal.already_given`;
    /// `contract.ended`.
    @discardableResult
    public func giveNonRenewal(
        _ id: ContractID, notice: Notice, by principal: Principal
    ) async throws
        -> NonRenewalDecision
    {
        try await authorize(principal)
        let now = clock.now
        let change = try await changeContract(id) { contract, _ -> NonRenewalDecision in
            try self.requireInForce(contract, at: now)
            let decision = try NonRenewalRule.evaluate(notice, schedule: contract.schedule)
            if let existing = contract.nonRenewal {
                throw KimpleError(
                    .contractNonRenewalAlreadyGiven,
                    "A non-renewal was already given; the contract ends on \(existing.lastDay).",
                    context: ["contract": id.rawValue, "lastDay": existing.lastDay.description])
            }
            contract.notices.append(notice)
            contract.nonRenewal = decision
            contract.record(
                "contract.non_renewal",
                "letter presented \(decision.presentedOn), deadline \(decision.deadline), "
                    + (decision.inTime ? "in time" : "late") + "; last day \(decision.lastDay)",
                by: principal, at: now)
            return decision
        }
        try await log(
            principal, "contract.non_renewal", "contract:\(id.rawValue)",
            "\(change.result.inTime ? "in time" : "late"); last day \(change.result.lastDay)", payload: change.result)
        return change.result
    }

    // MARK: - Breach (C-6)

    /// Opens a breach case from a notice of breach by registered letter (§6.2): the defaulting party has
    /// 30 working days from the first presentation to cure (``BreachCure``).
    ///
    /// Throws `contract.notice.channel_not_allowed` unless it is a registered letter,
    /// `contract.notice.invalid`, `contract.ended`.
    @discardableResult
    public func notifyBreach(
        _ id: ContractID, notice: Notice, description: String, by principal: Principal
    )
        async throws -> BreachCase
    {
        try await authorize(principal)
        let now = clock.now
        let breachID = BreachID.random()
        let change = try await changeContract(id) { contract, _ -> BreachCase in
            try self.requireInForce(contract, at: now)
            let breach = try BreachCure.open(
                id: breachID, notice: notice, description: description, calendar: self.configuration.calendar)
            contract.notices.append(notice)
            contract.breaches.append(breach)
            contract.record(
                "contract.breach.notified",
                "by the \(breach.notifyingParty.rawValue); presented \(breach.presentedOn); cure until \(breach.cureDeadline)",
                by: principal, at: now)
            return breach
        }
        try await log(
            principal, "contract.breach.notified", "contract:\(id.rawValue)",
            "cure until \(change.result.cureDeadline)",
            payload: change.result)
        return change.result
    }

    /// Records that the breach `breach` was remedied on `curedOn`. Throws `contract.breach.not_found`,
    /// `contract.notice.invalid` when `curedOn` is before the notice's presentation or after today.
    @discardableResult
    public func recordCure(
        _ id: ContractID, breach: BreachID, curedOn: CivilDate, by principal: Principal
    )
        async throws -> BreachCase
    {
        try await authorize(principal)
        let now = clock.now
        let today = configuration.calendar.civilDate(of: now)
        let change = try await changeContract(id) { contract, _ -> BreachCase in
            guard let index = contract.breaches.firstIndex(where: { $0.id == breach }) else {
                throw KimpleError(
                    .contractBreachNotFound, "No breach case has this id.", context: ["breach": breach.rawValue])
            }
            guard curedOn >= contract.breaches[index].notice.sentOn, curedOn <= today else {
                throw KimpleError(
                    .contractNoticeInvalid, "A cure is dated between the notice of breach and today.",
                    context: ["breach": breach.rawValue, "curedOn": curedOn.description])
            }
            contract.breaches[index].curedOn = curedOn
            contract.record(
                "contract.breach.cured",
                "\(breach.rawValue) on \(curedOn) (\(contract.breaches[index].curedInTime ? "in time" : "after the deadline"))",
                by: principal, at: now)
            return contract.breaches[index]
        }
        try await log(
            principal, "contract.breach.cured", "contract:\(id.rawValue)", "on \(curedOn)", payload: change.result)
        return change.result
    }

    /// Terminates contract `id` with immediate effect for the uncured breach `breach` (§6.2), on a written
    /// termination notice from the party that notified the breach. The contract ends now; its settlement
    /// (C-7) invoices at once the rest of the current period unless Cassiop was the party in breach; the
    /// end is published to the listeners.
    ///
    /// Throws `contract.termination.not_allowed` during the cure period or when the breach was cured in
    /// time; `contract.breach.not_found`; `contract.notice.invalid` when the notice is not a termination
    /// from the notifying party or is presented after today; `contract.notice.channel_not_allowed` for an
    /// e-mail or phone call; `contract.ended`.
    @discardableResult
    public func terminateForBreach(
        _ id: ContractID, breach: BreachID, notice: Notice, by principal: Principal
    )
        async throws -> TerminationSettlement
    {
        try await authorize(principal)
        return try await terminate(id, notice: notice, by: principal) { contract, today in
            guard let index = contract.breaches.firstIndex(where: { $0.id == breach }) else {
                throw KimpleError(
                    .contractBreachNotFound, "No breach case has this id.", context: ["breach": breach.rawValue])
            }
            let breachCase = contract.breaches[index]
            try breachCase.checkTermination(on: today)
            guard notice.from == breachCase.notifyingParty else {
                throw KimpleError(
                    .contractNoticeInvalid, "Only the party that notified the breach may terminate for it (§6.2).",
                    context: ["breach": breach.rawValue])
            }
            contract.breaches[index].terminatedAt = self.clock.now
            return .breach(defaulting: breachCase.defaultingParty)
        }
    }

    // MARK: - Force majeure (C-10)

    /// Records a case of force majeure (§14.3): while it lasts, obligations are suspended except payment —
    /// invoices stay due and late interest runs. Throws `contract.ended`.
    @discardableResult
    public func declareForceMajeure(
        _ id: ContractID, _ event: ForceMajeureEvent, by principal: Principal
    ) async throws
        -> Contract
    {
        try await authorize(principal)
        let now = clock.now
        let change = try await changeContract(id) { contract, _ in
            try self.requireInForce(contract, at: now)
            guard !contract.forceMajeure.contains(where: { $0.id == event.id }) else {
                throw KimpleError(.contractForceMajeureInvalid, "This force majeure is already recorded.")
            }
            contract.forceMajeure.append(event)
            contract.record(
                "contract.force_majeure.declared", "by the \(event.declaredBy.rawValue) from \(event.startedOn)",
                by: principal, at: now)
        }
        try await log(principal, "contract.force_majeure.declared", "contract:\(id.rawValue)", payload: event)
        return change.contract
    }

    /// Records the last day of force majeure `event`. Throws `contract.force_majeure.invalid` for an unknown
    /// event or a day before its start.
    @discardableResult
    public func endForceMajeure(
        _ id: ContractID, event: ForceMajeureID, endedOn: CivilDate, by principal: Principal
    )
        async throws -> Contract
    {
        try await authorize(principal)
        let now = clock.now
        let change = try await changeContract(id) { contract, _ in
            guard let index = contract.forceMajeure.firstIndex(where: { $0.id == event }),
                endedOn >= contract.forceMajeure[index].startedOn
            else {
                throw KimpleError(
                    .contractForceMajeureInvalid, "Unknown force majeure, or an end before its start.",
                    context: ["forceMajeure": event.rawValue])
            }
            contract.forceMajeure[index].endedOn = endedOn
            contract.record("contract.force_majeure.ended", "\(event.rawValue) on \(endedOn)", by: principal, at: now)
        }
        try await log(principal, "contract.force_majeure.ended", "contract:\(id.rawValue)", "on \(endedOn)")
        return change.contract
    }

    /// Terminates contract `id` because force majeure `event` has lasted more than one month (§14.3), at the
    /// request of either party (a written termination notice). No party is liable to the other; the
    /// settlement follows §6.3 (C-7).
    ///
    /// Throws `contract.termination.not_allowed` before the event has lasted more than a month or after it
    /// ended; `contract.force_majeure.invalid` for an unknown event; the notice errors of
    /// ``terminateForBreach(_:breach:notice:by:)``; `contract.ended`.
    @discardableResult
    public func terminateForForceMajeure(
        _ id: ContractID, event: ForceMajeureID, notice: Notice, by principal: Principal
    ) async throws -> TerminationSettlement {
        try await authorize(principal)
        return try await terminate(id, notice: notice, by: principal) { contract, today in
            guard let event = contract.forceMajeure.first(where: { $0.id == event }) else {
                throw KimpleError(
                    .contractForceMajeureInvalid, "No force majeure has this id.",
                    context: ["forceMajeure": event.rawValue])
            }
            try event.checkTermination(on: today)
            return .forceMajeure(requestedBy: notice.from)
        }
    }

    /// Ends contract `id` now on a termination notice, the ground decided by `ground`; invoices what the
    /// settlement owes and publishes the end.
    private func terminate(
        _ id: ContractID, notice: Notice, by principal: Principal,
        ground: (inout Contract, CivilDate) throws -> TerminationGround
    ) async throws -> TerminationSettlement {
        try notice.validate()
        guard notice.kind == .termination else {
            throw KimpleError(
                .contractNoticeInvalid, "Termination is given by a termination notice.",
                context: ["notice": notice.id.rawValue, "kind": notice.kind.rawValue])
        }
        let presented = try notice.delayStart()
        let now = clock.now
        let today = configuration.calendar.civilDate(of: now)
        guard presented <= today else {
            throw KimpleError(
                .contractNoticeInvalid, "The termination takes effect once the notice is presented; it is not yet.",
                context: ["notice": notice.id.rawValue, "presentedOn": presented.description])
        }
        let priceList = try await priceList()
        let change = try await changeContract(id) { contract, effects -> TerminationSettlement in
            try self.requireInForce(contract, at: now)
            // A period that has started is renewed first: the settlement owes the period running today.
            _ = try self.applyDueRenewals(&contract, today: today, priceList: priceList, by: principal, at: now)
            let ground = try ground(&contract, today)
            let settlement = TerminationSettlement.settle(
                ground: ground, lastDay: today, effectiveEnd: now, schedule: contract.schedule,
                invoicedMonths: contract.invoicedMonths)
            for _ in settlement.monthsToInvoice { try self.invoiceNextMonth(&contract, &effects, issuedOn: today) }
            contract.notices.append(notice)
            contract.end = ContractEnd(settlement: settlement, recordedAt: now, published: false)
            contract.suspension = nil
            contract.record(
                "contract.terminated",
                "\(ground); \(settlement.clientOwesWholePeriod ? "the whole current period is owed" : "Cassiop at fault: no further sums")",
                by: principal, at: now)
            return settlement
        }
        try await logInvoices(change.invoices, json: change.invoiceJSON, principal)
        try await log(principal, "contract.terminated", "contract:\(id.rawValue)", payload: change.result)
        _ = await publishEnd(of: change.contract, by: principal)
        return change.result
    }
}
