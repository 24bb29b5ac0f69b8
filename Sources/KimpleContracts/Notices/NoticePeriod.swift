import Foundation
import KimpleCore

/// The three-month notice periods of the contract, each counted backwards from the date its clause names
/// (SPEC C-2, C-5), on the same day of the month (or the month's last day when it has none), with no
/// extension for weekends or holidays: the deadline is a fixed date.
///
/// - A price change is notified "trois (3) mois avant la date de renouvellement" (§4): counted from the
///   **renewal date** `R`, the first day of the next period: the notification is in time when its first
///   presentation (§14.2) is on or before `R − n months`. Renewal on 1 January 2027: 1 October 2026.
/// - A non-renewal needs "un préavis de trois (3) mois avant la date d'expiration de la période
///   contractuelle en cours" (§6.1): counted from the **expiration date** `E`, the last day of the current
///   period: the letter is in time when its first presentation is on or before `E − n months`. Period
///   ending 31 December 2026: 30 September 2026 (there is no 31 September); ending 30 January 2027:
///   30 October 2026. This is the established reading of "préavis de N mois avant la date d'expiration"
///   in French practice: a commercial lease ending on 31 December needs its six-month notice by 30 June.
public enum NoticePeriod {
    /// The last day a notice can be presented to be at least `months` months before `endInstantDay`, the
    /// day at whose start the period ends (the renewal date, §4): `endInstantDay − months`.
    public static func latestPresentation(months: Int, before endInstantDay: CivilDate) -> CivilDate {
        endInstantDay.adding(months: -months)
    }

    /// Whether a notice presented on `presentedOn` is at least `months` months before `endInstantDay` (the
    /// renewal date, §4).
    public static func isInTime(presentedOn: CivilDate, months: Int, before endInstantDay: CivilDate) -> Bool {
        presentedOn <= latestPresentation(months: months, before: endInstantDay)
    }

    /// The last day a notice can be presented to give `months` months' notice before the expiration date
    /// `lastDay`, the last day of the period (§6.1): the day of the same number `months` months before
    /// `lastDay`, clamped to the end of a shorter month (31 December → 30 September).
    public static func latestPresentation(months: Int, beforeExpirationOn lastDay: CivilDate) -> CivilDate {
        lastDay.adding(months: -months)
    }

    /// Whether a notice presented on `presentedOn` gives `months` months' notice before the expiration date
    /// `lastDay` (§6.1).
    public static func isInTime(presentedOn: CivilDate, months: Int, beforeExpirationOn lastDay: CivilDate) -> Bool {
        presentedOn <= latestPresentation(months: months, beforeExpirationOn: lastDay)
    }
}
