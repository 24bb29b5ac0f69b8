import Foundation
import KimpleCore

extension ContractService {
    // MARK: - Amendments (C-12, §14.6)

    /// Proposes a written amendment to contract `id`. It changes nothing until both parties sign it
    /// (``signAmendment(_:number:as:signatory:by:)``).
    ///
    /// Throws `contract.amendment.invalid` when there is no change, a change does not apply to the current
    /// terms, or `effectiveFrom` is before the first billing month not yet invoiced (invoices already issued
    /// are never rewritten) or before today; `contract.assignment.consent_required` for a change of client
    /// (an assignment goes through ``assignContract(_:to:effectiveFrom:consent:by:)``); `contract.ended`.
    @discardableResult
    public func proposeAmendment(
        _ id: ContractID, description: String, changes: [TermsChange], effectiveFrom: CivilDate,
        proposedBy party: PartyRole, by principal: Principal
    ) async throws -> Amendment {
        try await authorize(principal)
        guard !changes.isEmpty, !description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw KimpleError(.contractAmendmentInvalid, "An amendment describes and lists at least one change.")
        }
        if changes.contains(where: { if case .setClient = $0 { return true } else { return false } }) {
            throw KimpleError(
                .contractAssignmentConsentRequired,
                "The client changes only by an assignment with Cassiop's prior written consent (§14.1).")
        }
        let now = clock.now
        let today = configuration.calendar.civilDate(of: now)
        let change = try await changeContract(id) { contract, _ -> Amendment in
            try self.requireInForce(contract, at: now)
            try self.checkEffectiveDate(effectiveFrom, contract, today: today, code: .contractAmendmentInvalid)
            let amendment = Amendment(
                number: contract.amendments.count + 1, description: description, changes: changes,
                effectiveFrom: effectiveFrom, proposedBy: party, proposedAt: now,
                baseRevisionCount: contract.revisions.count, signatures: [], signedAt: nil)
            // Check that the changes apply (the revision is only tried, not kept).
            _ = try contract.adding(
                TermsRevision(
                    sequence: contract.revisions.count + 1, effectiveFrom: effectiveFrom,
                    origin: .amendment(amendment.number), changes: changes), as: .contractAmendmentInvalid)
            contract.amendments.append(amendment)
            contract.record(
                "contract.amendment.proposed", "amendment \(amendment.number) from \(effectiveFrom): \(description)",
                by: principal, at: now)
            return amendment
        }
        try await log(
            principal, "contract.amendment.proposed", "contract:\(id.rawValue)",
            "amendment \(change.result.number) by \(party.rawValue)", payload: change.result)
        return change.result
    }

    /// Records `party`'s signature of amendment `number`. The second signature makes it binding: its
    /// changes become a revision of the terms from its effective date (§14.6).
    ///
    /// Throws `contract.amendment.not_found`; `contract.quote.already_signed` when that party signed
    /// already or the amendment is signed; `contract.amendment.stale` when the terms were revised since the
    /// proposal (propose it again on the current terms); `contract.amendment.invalid` when its effective
    /// date has meanwhile been invoiced; `contract.ended`.
    @discardableResult
    public func signAmendment(
        _ id: ContractID, number: Int, as party: PartyRole, signatory: Signatory, by principal: Principal
    ) async throws -> Amendment {
        try await authorize(principal)
        let now = clock.now
        let today = configuration.calendar.civilDate(of: now)
        let change = try await changeContract(id) { contract, _ -> Amendment in
            try self.requireInForce(contract, at: now)
            guard let index = contract.amendments.firstIndex(where: { $0.number == number }) else {
                throw KimpleError(
                    .contractAmendmentNotFound, "The contract has no amendment with this number.",
                    context: ["contract": id.rawValue, "number": String(number)])
            }
            var amendment = contract.amendments[index]
            guard !amendment.isSigned, !amendment.signatures.contains(where: { $0.party == party }) else {
                throw KimpleError(
                    .contractQuoteAlreadySigned, "This party has already signed the amendment, or it is in force.",
                    context: ["contract": id.rawValue, "number": String(number), "party": party.rawValue])
            }
            guard amendment.baseRevisionCount == contract.revisions.count else {
                throw KimpleError(
                    .contractAmendmentStale,
                    "The contract's terms were revised after this amendment was proposed; propose it again.",
                    context: ["contract": id.rawValue, "number": String(number)])
            }
            amendment.signatures.append(
                PartySignature(
                    party: party, signatory: signatory, signedAt: now,
                    documentDigest: try amendment.digest(contract: id)))
            if amendment.signatures.count == PartyRole.allCases.count {
                try self.checkEffectiveDate(
                    amendment.effectiveFrom, contract, today: today, code: .contractAmendmentInvalid)
                amendment.signedAt = now
                contract = try contract.adding(
                    TermsRevision(
                        sequence: contract.revisions.count + 1, effectiveFrom: amendment.effectiveFrom,
                        origin: .amendment(number), changes: amendment.changes), as: .contractAmendmentInvalid)
                contract.record(
                    "contract.amendment.signed", "amendment \(number) in force from \(amendment.effectiveFrom)",
                    by: principal, at: now)
            }
            contract.amendments[index] = amendment
            return amendment
        }
        try await log(
            principal, "contract.amendment.signed", "contract:\(id.rawValue)",
            "amendment \(number): \(party.rawValue) signed (\(signatory.capacity))\(change.result.isSigned ? "; in force" : "")",
            payload: change.result)
        return change.result
    }

    /// Throws `contract.amendment.not_signed`: a contract changes only by a written amendment signed by
    /// both parties (§14.6). Given for hosts whose users try to change terms directly.
    public func requireSignedAmendment(_ id: ContractID, number: Int) async throws {
        let contract = try await loadContract(id).value
        guard let amendment = contract.amendments.first(where: { $0.number == number }) else {
            throw KimpleError(
                .contractAmendmentNotFound, "The contract has no amendment with this number.",
                context: ["contract": id.rawValue, "number": String(number)])
        }
        guard amendment.isSigned else {
            throw KimpleError(
                .contractAmendmentNotSigned,
                "The amendment binds only once signed by an authorised representative of each party (§14.6).",
                context: [
                    "contract": id.rawValue, "number": String(number),
                    "missing": PartyRole.allCases.filter { r in !amendment.signatures.contains { $0.party == r } }
                        .map(\.rawValue).joined(separator: ","),
                ])
        }
    }

    // MARK: - Assignment (C-12, §14.1)

    /// Records the assignment of contract `id` by the client to `assignee` from `effectiveFrom`.
    ///
    /// Throws `contract.assignment.consent_required` without Cassiop's written consent, or when the consent
    /// is dated after `effectiveFrom` (§14.1: "accord préalable et écrit"); `contract.amendment.invalid`
    /// when `effectiveFrom` is before the first month not yet invoiced or before today; `contract.ended`.
    @discardableResult
    public func assignContract(
        _ id: ContractID, to assignee: Party, effectiveFrom: CivilDate, consent: WrittenConsent?,
        by principal: Principal
    ) async throws -> Contract {
        try await authorize(principal)
        guard let consent else {
            throw KimpleError(
                .contractAssignmentConsentRequired,
                "The client may assign the contract only with Cassiop's prior written consent (§14.1).",
                context: ["contract": id.rawValue])
        }
        guard consent.signedOn <= effectiveFrom else {
            throw KimpleError(
                .contractAssignmentConsentRequired,
                "Cassiop's consent must be given before the assignment takes effect (§14.1: prior consent).",
                context: ["contract": id.rawValue, "consent": consent.signedOn.description])
        }
        let now = clock.now
        let today = configuration.calendar.civilDate(of: now)
        let change = try await changeContract(id) { contract, _ in
            try self.requireInForce(contract, at: now)
            try self.checkEffectiveDate(effectiveFrom, contract, today: today, code: .contractAmendmentInvalid)
            let assignor = try contract.terms(on: effectiveFrom).client
            contract = try contract.adding(
                TermsRevision(
                    sequence: contract.revisions.count + 1, effectiveFrom: effectiveFrom, origin: .assignment,
                    changes: [.setClient(assignee)]), as: .contractAmendmentInvalid)
            contract.assignments.append(
                ContractAssignment(
                    assignor: assignor, assignee: assignee, effectiveFrom: effectiveFrom, consent: consent,
                    recordedAt: now))
            contract.record(
                "contract.assigned", "to \(assignee.legalName) from \(effectiveFrom), consent of \(consent.signedOn)",
                by: principal, at: now)
        }
        try await log(
            principal, "contract.assigned", "contract:\(id.rawValue)", "effective \(effectiveFrom)",
            payload: change.contract.assignments.last)
        return change.contract
    }

    /// Throws `code` when `date` is before today or before the first billing month not yet invoiced.
    func checkEffectiveDate(_ date: CivilDate, _ contract: Contract, today: CivilDate, code: KimpleError.Code) throws {
        let firstOpen = contract.schedule.firstDay(ofMonth: contract.invoicedMonths)
        guard date >= today, date >= firstOpen else {
            throw KimpleError(
                code,
                "A change takes effect from today at the earliest and never on a month already invoiced "
                    + "(first open month: \(firstOpen)).",
                context: ["effectiveFrom": date.description, "firstOpenMonth": firstOpen.description])
        }
    }
}
