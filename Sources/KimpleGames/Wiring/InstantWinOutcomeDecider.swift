import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The intake's instant-win hook (G-6): a ``ParticipationOutcomeDecider`` that asks the
/// ``InstantWinDecider`` about every entry of an instant-win operation.
///
/// For each accepted entry of an operation of kind ``OperationKind/instantWin``:
/// - the claim names the entry's **pseudonymous identity key** as person key (its 32
///   hexadecimal digits, the key the per-person limit uses: never an e-mail or a phone in
///   clear), the entry's id and its acceptance instant;
/// - the ``InstantWinDecider`` asks the processing gate (purpose `winner_selection`, under the
///   operation's instruction), then the ledger's atomic, durable claim;
/// - ``InstantWinOutcome/won(prize:moment:)`` becomes ``ParticipationOutcome/won(_:)`` with a
///   ``PrizeAward``, ``InstantWinOutcome/notWon`` becomes ``ParticipationOutcome/notWon``.
///
/// Entries of other kinds get ``ParticipationOutcome/noInstantWin`` without a claim.
///
/// **The award.** `prize` is the operation's prize whose id is the schedule's prize code
/// (`prizeName` its name, or the code when the operation has no such prize); `awardID` is
/// `<operation>/<moment index>` (one moment is awarded at most once); `awardedAt` is the
/// winning participation's instant (to the millisecond, as the ledger records it), so that
/// deciding again for the same entry gives the same value; `details` hold `momentIndex`,
/// `momentAt` and `personKey`. `unit` numbers the prize's units from 1: when the schedule has
/// no more moments for the prize than its quantity (every generated schedule), it is the
/// moment's rank among the prize's moments; otherwise (an imported schedule with more moments
/// than units) it is the award's rank among the prize's awards — a ledger awards a prize's
/// moments in schedule order, so that rank never changes. Either way no unit is given twice
/// and `unit <= quantity`.
///
/// Idempotent per entry (the ledger answers a repeated claim with the same award), atomic
/// across concurrent entries (the ledger's claim): a prize unit is never awarded twice.
public final class InstantWinOutcomeDecider: ParticipationOutcomeDecider {
    /// Per operation: the rank of each moment among its prize's moments, and the prizes whose
    /// moments are at most their quantity (rank = unit).
    private struct UnitPlan: Sendable {
        var rank: [Int]
        var rankIsUnit: Set<String>
    }

    /// The tenant whose entries are decided.
    public let tenant: TenantID
    private let ledger: any InstantWinLedger
    private let gate: any ProcessingGate
    private let principal: Principal
    private let plans = Mutex<[OperationID: UnitPlan]>([:])

    /// A decider over `ledger` (the tenant's instant-win ledger), asking `gate` before each
    /// claim as `principal`.
    public init(
        tenant: TenantID, ledger: any InstantWinLedger, gate: any ProcessingGate,
        principal: Principal = .system("games.instant-win")
    ) {
        self.tenant = tenant
        self.ledger = ledger
        self.gate = gate
        self.principal = principal
    }

    /// The outcome of `entry` in `operation` (see the type's documentation).
    ///
    /// - Throws: `core.invalid_argument` when the operation belongs to another tenant or the
    ///   entry to another operation; what ``InstantWinDecider/decide(operation:personKey:entryID:at:)``
    ///   throws (the gate's `privacy.` errors, `instant_win.not_installed`,
    ///   `instant_win.award_in_doubt`, the ledger's `storage.` errors). The intake then reports
    ///   ``ParticipationOutcome/undecided(_:)`` and the participant is not told they won.
    public func decide(for entry: ParticipationEntry, in operation: Operation) async throws -> ParticipationOutcome {
        guard operation.kind == .instantWin else { return .noInstantWin }
        guard operation.tenant == tenant, entry.operation == operation.id else {
            throw KimpleError(
                .invalidArgument, "An instant-win decider serves the entries of its own tenant's operations (K-1).",
                context: [
                    "tenant": tenant.rawValue, "operationTenant": operation.tenant.rawValue,
                    "operation": operation.id.rawValue, "entryOperation": entry.operation.rawValue,
                ])
        }
        let decider = InstantWinDecider(
            tenant: tenant, ledger: ledger, gate: gate, instruction: operation.instruction, principal: principal)
        let personKey = entry.identity.description
        switch try await decider.decide(
            operation: operation.id, personKey: personKey, entryID: entry.id.rawValue, at: entry.receivedAt)
        {
        case .notWon:
            return .notWon
        case .won(let prize, let moment):
            let unit = try await unit(of: moment, in: operation)
            return .won(
                PrizeAward(
                    prize: PrizeID(rawValue: prize) ?? PrizeID(unchecked: prize),
                    prizeName: operation.prizes.first { $0.id.rawValue == prize }?.name ?? prize, unit: unit,
                    awardID: "\(operation.id.rawValue)/\(moment.index)",
                    awardedAt: GamesTime.truncatedToMillisecond(entry.receivedAt),
                    details: [
                        "momentIndex": String(moment.index), "momentAt": GamesTime.iso8601(moment.at),
                        "personKey": personKey,
                    ]))
        }
    }

    /// The unit of the prize won at `moment` (see the type's documentation).
    private func unit(of moment: InstantWinMoment, in operation: Operation) async throws -> Int {
        let plan: UnitPlan
        if let cached = plans.withLock({ $0[operation.id] }) {
            plan = cached
        } else {
            guard let schedule = try await ledger.schedule(for: operation.id) else {
                throw InstantWinBooks.notInstalled(operation.id)
            }
            plan = Self.plan(schedule)
            plans.withLock { $0[operation.id] = plan }
        }
        if plan.rankIsUnit.contains(moment.prize), moment.index >= 0, moment.index < plan.rank.count {
            return plan.rank[moment.index]
        }
        let earlier = try await ledger.awards(for: operation.id).lazy.filter {
            $0.prize == moment.prize && $0.momentIndex < moment.index
        }.count
        return earlier + 1
    }

    private static func plan(_ schedule: InstantWinSchedule) -> UnitPlan {
        var seen: [String: Int] = [:]
        var rank: [Int] = []
        rank.reserveCapacity(schedule.moments.count)
        for moment in schedule.moments {
            seen[moment.prize, default: 0] += 1
            rank.append(seen[moment.prize, default: 0])
        }
        var rankIsUnit = Set<String>()
        for prize in schedule.prizes where seen[prize.code, default: 0] <= prize.quantity {
            rankIsUnit.insert(prize.code)
        }
        return UnitPlan(rank: rank, rankIsUnit: rankIsUnit)
    }
}
