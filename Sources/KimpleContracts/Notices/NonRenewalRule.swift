import Foundation
import KimpleCore

/// The outcome of a non-renewal notice (§6.1, C-5), with what a person checks: the day of first
/// presentation, the current period, the last day a notice was in time, and when the contract ends.
public struct NonRenewalDecision: Hashable, Sendable, Codable {
    /// The notice.
    public var notice: NoticeID
    /// The party that does not renew.
    public var from: PartyRole
    /// The first presentation of the letter (C-11).
    public var presentedOn: CivilDate
    /// The period running on that day.
    public var currentPeriod: ContractPeriod
    /// The last day a letter could be presented to stop the renewal at the end of `currentPeriod`.
    public var deadline: CivilDate
    /// Whether the letter was presented by `deadline`.
    public var inTime: Bool
    /// The period at whose end the contract ends: the current one if in time, else the next one.
    public var endingPeriod: ContractPeriod

    /// The contract's last day.
    public var lastDay: CivilDate { endingPeriod.last }
}

/// The non-renewal rule (§6.1, C-5), as a pure function.
public enum NonRenewalRule {
    /// Months of notice before the expiration date (the last day) of the current period.
    public static let noticeMonths = 3

    /// Evaluates a non-renewal notice against the contract's schedule.
    ///
    /// - Only a registered letter with acknowledgement of receipt is accepted: §6.1 names it and refuses
    ///   e-mail and telephone outright; a hand delivery is refused too, since the specific clause
    ///   (§6.1) prevails over the general one (§14.2). Throws `contract.notice.channel_not_allowed`.
    /// - The letter's first presentation (§14.2, C-11) must be at least three months before the
    ///   expiration date of the current period, its last day, counted backwards on the same day of the
    ///   month and clamped to a shorter month's end (``NoticePeriod``): for a period ending on
    ///   31 December, a letter presented on 30 September is in time, one presented on 1 October is late.
    /// - A late letter is not refused: it takes effect at the end of the next period.
    ///
    /// Throws `contract.notice.invalid` when the notice is not a non-renewal or has no date of first
    /// presentation or reception yet.
    public static func evaluate(_ notice: Notice, schedule: ContractSchedule) throws -> NonRenewalDecision {
        try notice.validate()
        guard notice.kind == .nonRenewal else {
            throw KimpleError(
                .contractNoticeInvalid, "This notice is not a non-renewal notice.",
                context: ["notice": notice.id.rawValue, "kind": notice.kind.rawValue])
        }
        guard notice.channel == .registeredLetter else {
            let message =
                notice.channel.isWrittenNotification
                ? "A non-renewal is given only by registered letter with acknowledgement of receipt (§6.1)."
                : "A non-renewal by e-mail or telephone is not accepted (§6.1): send a registered letter with "
                    + "acknowledgement of receipt."
            throw KimpleError(
                .contractNoticeChannelNotAllowed, message,
                context: ["notice": notice.id.rawValue, "channel": notice.channel.rawValue])
        }
        let presentedOn = try notice.delayStart()
        let current = schedule.period(containing: presentedOn)
        // SPEC C-5: "avant la date d'expiration de la période contractuelle": counted from its last day.
        let deadline = NoticePeriod.latestPresentation(months: noticeMonths, beforeExpirationOn: current.last)
        let inTime = presentedOn <= deadline
        return NonRenewalDecision(
            notice: notice.id, from: notice.from, presentedOn: presentedOn, currentPeriod: current,
            deadline: deadline, inTime: inTime, endingPeriod: inTime ? current : schedule.period(current.index + 1))
    }
}
