import Foundation
import KimpleCore

/// The three-month notice periods of the contract: a price change notified "trois (3) mois avant la date
/// de renouvellement" (§4) and a non-renewal with "un préavis de trois (3) mois avant la date
/// d'expiration de la période contractuelle en cours" (§6.1).
///
/// Both are counted backwards from the instant the current period ends — midnight at the start of the
/// renewal date `R`, the day after the period's last day: a notice is in time when its first
/// presentation (§14.2) is on or before `R − n months` (same day of the month, or the month's last day
/// when it has none). There is no extension for weekends or holidays: the deadline is a fixed date
/// counted backwards.
///
/// For a period from 1 January to 31 December, `R` is 1 January and the deadline 1 October: a letter
/// presented on 1 October is exactly three months before the end and in time; one presented on
/// 2 October is one day late. Where the clause could be read one day earlier (three months before
/// 31 December), the reading more favourable to the client is kept: the general terms are a contract
/// proposed by Cassiop, interpreted against it when in doubt (Code civil, art. 1190).
public enum NoticePeriod {
    /// The last day a notice can be presented to be at least `months` months before `endInstantDay`,
    /// the day at whose start the period ends (the renewal date): `endInstantDay − months`.
    public static func latestPresentation(months: Int, before endInstantDay: CivilDate) -> CivilDate {
        endInstantDay.adding(months: -months)
    }

    /// Whether a notice presented on `presentedOn` is at least `months` months before `endInstantDay`.
    public static func isInTime(presentedOn: CivilDate, months: Int, before endInstantDay: CivilDate) -> Bool {
        presentedOn <= latestPresentation(months: months, before: endInstantDay)
    }
}
