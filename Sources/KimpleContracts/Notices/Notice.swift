import Foundation
import KimpleCore

/// How a notice was given (§14.2).
public enum NoticeChannel: String, Hashable, Sendable, Codable, CaseIterable {
    /// Lettre recommandée avec (demande d')avis de réception.
    case registeredLetter
    /// Remise en main propre.
    case handDelivery
    /// E-mail: not a valid notification under §14.2, and refused outright for a non-renewal (§6.1).
    case email
    /// Telephone: not a valid notification under §14.2, and refused outright for a non-renewal (§6.1).
    case phone

    /// Whether §14.2 deems a notification given by this channel validly given: in writing, by hand
    /// or by registered letter.
    public var isWrittenNotification: Bool { self == .registeredLetter || self == .handDelivery }
}

/// What a notice is about.
public enum NoticeKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// A party does not want the contract renewed (§6.1).
    case nonRenewal
    /// A party notifies the other of a breach of an essential obligation (§6.2).
    case breach
    /// A party terminates the contract (after an uncured breach, or a force majeure of more than a month).
    case termination
    /// Cassiop notifies a change of its prices before a renewal (§4).
    case priceChange
    /// A party declares a case of force majeure (§14.3).
    case forceMajeure
    /// Anything else.
    case other
}

/// A notice between the parties (§14.2, C-11), with the dates the post or the courier gives.
///
/// A delay that runs from a notice starts at its first presentation to the addressee (§14.2: "la
/// première tentative de remise au destinataire, le cachet de la Poste faisant foi"), see
/// ``delayStart()``. Delays are calendar days unless a clause says otherwise.
public struct Notice: Hashable, Sendable, Codable, Identifiable {
    /// The notice's id.
    public var id: NoticeID
    /// What it is about.
    public var kind: NoticeKind
    /// Who gave it.
    public var from: PartyRole
    /// How it was given.
    public var channel: NoticeChannel
    /// The day it was sent (posted, handed over, e-mailed).
    public var sentOn: CivilDate
    /// The day of the first attempt to deliver it (registered letter: the postmark of the first
    /// presentation; hand delivery: the day it was handed), when known.
    public var firstPresentedOn: CivilDate?
    /// The day the addressee actually received it, when known.
    public var receivedOn: CivilDate?
    /// A reference (La Poste tracking number, receipt number), when there is one.
    public var reference: String?
    /// A short description of the content.
    public var summary: String

    /// A notice; checked by ``validate()`` when recorded.
    public init(
        id: NoticeID = .random(), kind: NoticeKind, from: PartyRole, channel: NoticeChannel, sentOn: CivilDate,
        firstPresentedOn: CivilDate? = nil, receivedOn: CivilDate? = nil, reference: String? = nil,
        summary: String = ""
    ) {
        self.id = id
        self.kind = kind
        self.from = from
        self.channel = channel
        self.sentOn = sentOn
        self.firstPresentedOn = firstPresentedOn
        self.receivedOn = receivedOn
        self.reference = reference
        self.summary = summary
    }

    /// The addressee.
    public var to: PartyRole { from.other }

    /// Throws `contract.notice.invalid` when the dates are out of order (sent ≤ first presented ≤
    /// received), or a hand delivery has a presentation day different from its reception day.
    public func validate() throws {
        if let presented = firstPresentedOn, presented < sentOn {
            throw invalid("A notice cannot be presented before it was sent.")
        }
        if let received = receivedOn {
            guard received >= sentOn else { throw invalid("A notice cannot be received before it was sent.") }
            if let presented = firstPresentedOn, received < presented {
                throw invalid("A notice cannot be received before its first presentation.")
            }
            if channel == .handDelivery, let presented = firstPresentedOn, presented != received {
                throw invalid("A notice delivered by hand is presented and received the same day.")
            }
        }
    }

    /// The day a delay running from this notice starts (C-11): its first presentation, or, when only
    /// the reception is known, its reception (later, so never to the addressee's detriment).
    ///
    /// Throws `contract.notice.channel_not_allowed` for an e-mail or a phone call (§14.2 deems only a
    /// hand delivery or a registered letter validly given) and `contract.notice.invalid` when neither
    /// date is known yet.
    public func delayStart() throws -> CivilDate {
        guard channel.isWrittenNotification else {
            throw KimpleError(
                .contractNoticeChannelNotAllowed,
                "A notification is valid only in writing, delivered by hand or by registered letter with "
                    + "acknowledgement of receipt (§14.2); an e-mail or a phone call does not count.",
                context: ["notice": id.rawValue, "channel": channel.rawValue])
        }
        guard let start = firstPresentedOn ?? receivedOn else {
            throw invalid(
                "Record the date of first presentation (postmark of the first delivery attempt) or of reception.")
        }
        return start
    }

    private func invalid(_ message: String) -> KimpleError {
        KimpleError(.contractNoticeInvalid, message, context: ["notice": id.rawValue])
    }
}
