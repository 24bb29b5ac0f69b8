import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a participant is told at once about an instant win (G-6).
public enum InstantWinOutcome: Sendable, Hashable {
    /// The participation won `prize` at `moment`; the award is durable.
    case won(prize: String, moment: InstantWinMoment)
    /// Nothing won. Losers are told only this, never "you may have won".
    case notWon
}

/// The instant-win decision for one accepted participation (G-6): the entry point intake
/// calls once a participation is valid and stored.
///
/// It asks the ``ProcessingGate`` (purpose `winner_selection`), then the ledger's atomic,
/// durable claim, and returns ``InstantWinOutcome/won(prize:moment:)`` only once the award
/// is durable. It depends on no intake type: give it the operation, the person key, the entry
/// id and the participation instant.
///
/// ```swift
/// let decider = InstantWinDecider(tenant: tenant, ledger: ledger, gate: gate, instruction: instruction)
/// switch try await decider.decide(operation: op, personKey: key, entryID: id, at: acceptedAt) {
/// case .won(let prize, _): // tell the participant at once
/// case .notWon: // "not won"
/// }
/// ```
public struct InstantWinDecider: Sendable {
    /// The tenant whose ledger this is.
    public let tenant: TenantID
    private let ledger: any InstantWinLedger
    private let gate: any ProcessingGate
    private let instruction: InstructionID
    private let principal: Principal

    /// A decider over `ledger`, authorised under `instruction` as `principal`.
    public init(
        tenant: TenantID, ledger: any InstantWinLedger, gate: any ProcessingGate, instruction: InstructionID,
        principal: Principal = .system("games.instant-win")
    ) {
        self.tenant = tenant
        self.ledger = ledger
        self.gate = gate
        self.instruction = instruction
        self.principal = principal
    }

    /// Decides whether the participation `entryID` of `personKey` at `instant` wins.
    ///
    /// Deciding again for the same entry id gives the same answer for a winner.
    ///
    /// - Throws: the gate's `privacy.` errors; `instant_win.invalid_claim`,
    ///   `instant_win.not_installed`, `instant_win.award_in_doubt`, and the ledger's
    ///   `storage.` errors. When it throws, the participant must not be told they won.
    public func decide(
        operation: OperationID, personKey: String, entryID: String, at instant: Date
    ) async throws -> InstantWinOutcome {
        _ = try await gate.authorize(
            ProcessingRequest(
                tenant: tenant, instruction: instruction, purpose: .winnerSelection, categories: [.participation],
                principal: principal, subject: "operation:\(operation.rawValue)"))
        let claim = InstantWinClaim(operation: operation, personKey: personKey, entryID: entryID, at: instant)
        guard let award = try await ledger.claim(claim) else { return .notWon }
        return .won(prize: award.prize, moment: award.moment)
    }
}
