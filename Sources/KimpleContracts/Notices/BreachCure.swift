import Foundation
import KimpleCore

/// A breach of an essential obligation notified by registered letter (§6.2, C-6), and its cure period.
public struct BreachCase: Hashable, Sendable, Codable, Identifiable {
    /// The case's id.
    public var id: BreachID
    /// The notice of breach (a registered letter).
    public var notice: Notice
    /// What the breach is.
    public var description: String
    /// The first presentation of the letter: the cure period runs from the next day.
    public var presentedOn: CivilDate
    /// The last day of the cure period: the 30th working day (jour ouvrable) after the presentation.
    public var cureDeadline: CivilDate
    /// The day the defaulting party remedied the breach, if it did.
    public var curedOn: CivilDate?
    /// When the notifying party terminated the contract for this breach, if it did.
    public var terminatedAt: Date?

    /// The party in breach: the addressee of the notice.
    public var defaultingParty: PartyRole { notice.to }
    /// The party that may terminate: the sender.
    public var notifyingParty: PartyRole { notice.from }

    /// Whether the breach was remedied within the cure period.
    public var curedInTime: Bool { curedOn.map { $0 <= cureDeadline } ?? false }

    /// The first day the notifying party may terminate, unless the breach is cured in time.
    public var terminationOpensOn: CivilDate { cureDeadline.adding(days: 1) }

    /// Throws `contract.termination.not_allowed` unless the notifying party may terminate on `date`:
    /// the cure period is over (`date` after ``cureDeadline``) and the breach was not cured within it.
    /// A cure after the deadline does not take the right away (§6.2: "s'il n'a pas été remédié ... dans
    /// un délai de trente jours").
    public func checkTermination(on date: CivilDate) throws {
        if curedInTime {
            throw KimpleError(
                .contractTerminationNotAllowed, "The breach was remedied within the cure period (§6.2).",
                context: ["breach": id.rawValue, "curedOn": curedOn?.description ?? ""])
        }
        guard date > cureDeadline else {
            throw KimpleError(
                .contractTerminationNotAllowed,
                "The cure period of 30 working days runs until the end of \(cureDeadline) (§6.2).",
                context: ["breach": id.rawValue, "cureDeadline": cureDeadline.description])
        }
    }
}

/// The rule of termination for breach (§6.2, C-6), as a pure function.
public enum BreachCure {
    /// The cure period, in working days (jours ouvrables: Monday to Saturday, public holidays excepted).
    public static let workingDays = 30

    /// Opens a breach case from a notice of breach. The cure period runs from the letter's first
    /// presentation (§14.2) for 30 working days (§6.2 says "jours ouvrables", so it is not in calendar
    /// days): its last day is `calendar.addingWorkingDays(30, to: presentedOn)`.
    ///
    /// Throws `contract.notice.channel_not_allowed` unless the notice is a registered letter (§6.2:
    /// "par lettre recommandée avec demande d'avis de réception"), `contract.notice.invalid` when it is
    /// not a breach notice or has no date of presentation, `core.out_of_range` beyond the year 9999.
    public static func open(
        id: BreachID = .random(), notice: Notice, description: String, calendar: FrenchCalendar = .paris
    ) throws -> BreachCase {
        try notice.validate()
        guard notice.kind == .breach else {
            throw KimpleError(
                .contractNoticeInvalid, "This notice is not a notice of breach.",
                context: ["notice": notice.id.rawValue, "kind": notice.kind.rawValue])
        }
        guard notice.channel == .registeredLetter else {
            throw KimpleError(
                .contractNoticeChannelNotAllowed,
                "A breach is notified by registered letter with acknowledgement of receipt (§6.2).",
                context: ["notice": notice.id.rawValue, "channel": notice.channel.rawValue])
        }
        let presentedOn = try notice.delayStart()
        return BreachCase(
            id: id, notice: notice, description: description, presentedOn: presentedOn,
            cureDeadline: try calendar.addingWorkingDays(workingDays, to: presentedOn), curedOn: nil, terminatedAt: nil)
    }
}
