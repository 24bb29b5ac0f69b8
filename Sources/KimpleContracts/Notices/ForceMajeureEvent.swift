import Foundation
import KimpleCore

/// A case of force majeure (§14.3, C-10): the obligations of both parties are suspended while it lasts,
/// except the obligation to pay; once it has lasted more than one month, either party may terminate.
public struct ForceMajeureEvent: Hashable, Sendable, Codable, Identifiable {
    /// The event's id.
    public var id: ForceMajeureID
    /// The party that declared it.
    public var declaredBy: PartyRole
    /// What happened.
    public var description: String
    /// The first day of the event.
    public var startedOn: CivilDate
    /// Its last day, once known.
    public var endedOn: CivilDate?
    /// When it was declared.
    public var declaredAt: Date

    /// A declaration; throws `contract.force_majeure.invalid` when the description is empty or the end
    /// precedes the start.
    public init(
        id: ForceMajeureID = .random(), declaredBy: PartyRole, description: String, startedOn: CivilDate,
        endedOn: CivilDate? = nil, declaredAt: Date
    ) throws {
        guard !description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw KimpleError(.contractForceMajeureInvalid, "Describe the event of force majeure.")
        }
        if let endedOn, endedOn < startedOn {
            throw KimpleError(
                .contractForceMajeureInvalid, "A force majeure cannot end before it starts.",
                context: ["startedOn": startedOn.description, "endedOn": endedOn.description])
        }
        self.id = id
        self.declaredBy = declaredBy
        self.description = description
        self.startedOn = startedOn
        self.endedOn = endedOn
        self.declaredAt = declaredAt
    }

    /// Whether the event is going on on `date`: obligations other than payment are suspended.
    public func isOngoing(on date: CivilDate) -> Bool {
        startedOn <= date && (endedOn.map { date <= $0 } ?? true)
    }

    /// The first day on which the event has lasted more than one month: the day after
    /// `startedOn + 1 month` (a month counted as French law counts it, art. 641 CPC).
    public var terminationOpensOn: CivilDate { startedOn.adding(months: 1).adding(days: 1) }

    /// Throws `contract.termination.not_allowed` unless a party may terminate on `date` (§14.3): the event
    /// has lasted more than one month and is still going on. Once it has ended, the contract resumes and
    /// this ground of termination lapses ("si la Force Majeure se poursuit pendant plus d'un mois").
    public func checkTermination(on date: CivilDate) throws {
        guard isOngoing(on: date) else {
            throw KimpleError(
                .contractTerminationNotAllowed,
                "The force majeure is not going on: termination under §14.3 needs it to last more than a month.",
                context: ["forceMajeure": id.rawValue, "endedOn": endedOn?.description ?? ""])
        }
        guard date >= terminationOpensOn else {
            throw KimpleError(
                .contractTerminationNotAllowed,
                "The force majeure has not lasted more than one month yet (§14.3); termination is possible from "
                    + "\(terminationOpensOn).",
                context: ["forceMajeure": id.rawValue, "opensOn": terminationOpensOn.description])
        }
    }
}
